from django.urls import path, register_converter
from django.urls.converters import IntConverter

from . import analytics_views, views


class RowId(IntConverter):
    """An id a database column can hold (below 2**63): a longer number is not found (404),
    rather than a server error when the database is asked for it."""

    regex = "[0-9]{1,18}"


register_converter(RowId, "id")

app_name = "exercises"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("progress/", views.progress, name="progress"),
    path("classes/join/", views.join_class, name="join_class"),
    path("assignments/<id:pk>/", views.assignment, name="assignment"),
    path("assignments/<id:pk>/start/", views.start, name="start"),
    path("assignments/<id:pk>/preview/", views.assignment_preview, name="assignment_preview"),
    path(
        "assignments/<id:pk>/questions/<id:question_pk>/answer/",
        views.save_answer,
        name="save_answer",
    ),
    path("assignments/<id:pk>/submit/", views.submit, name="submit"),
    path("assignments/<id:pk>/responses/", views.respond, name="respond"),
    path("assignments/<id:pk>/analytics/", analytics_views.analytics, name="analytics"),
    path(
        "assignments/<id:pk>/analytics/projector/",
        analytics_views.analytics_projector,
        name="analytics_projector",
    ),
]
