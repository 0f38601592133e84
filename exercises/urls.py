from django.urls import path

from . import analytics_views, views

app_name = "exercises"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/analytics/", analytics_views.analytics, name="analytics"),
    path(
        "assignments/<int:pk>/analytics/projector/",
        analytics_views.analytics_projector,
        name="analytics_projector",
    ),
]
