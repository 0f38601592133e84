from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
]
