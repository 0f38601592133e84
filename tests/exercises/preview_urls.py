"""The project's URLs plus a student preview page, as the student pages will provide."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def preview(request, pk):
    return HttpResponse("preview")


student_pages = [
    path("preview/<int:pk>/", preview, name="assignment_preview"),
    path("assignments/<int:pk>/", preview, name="assignment"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((student_pages, "exercises"))),
]
