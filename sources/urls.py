from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("units/<slug:slug>/", views.unit_detail, name="unit_detail"),
    path("units/<slug:slug>/sources/<int:number>/", views.source_detail, name="source_detail"),
]
