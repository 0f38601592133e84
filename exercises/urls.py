from django.urls import path

from . import analytics_views, views

app_name = "exercises"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("progress/", views.progress, name="progress"),
    path("classes/join/", views.join_class, name="join_class"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/start/", views.start, name="start"),
    path("assignments/<int:pk>/preview/", views.assignment_preview, name="assignment_preview"),
    path(
        "assignments/<int:pk>/questions/<int:question_pk>/answer/",
        views.save_answer,
        name="save_answer",
    ),
    path("assignments/<int:pk>/submit/", views.submit, name="submit"),
    path("assignments/<int:pk>/responses/", views.respond, name="respond"),
    path("assignments/<int:pk>/analytics/", analytics_views.analytics, name="analytics"),
    path(
        "assignments/<int:pk>/analytics/projector/",
        analytics_views.analytics_projector,
        name="analytics_projector",
    ),
]
