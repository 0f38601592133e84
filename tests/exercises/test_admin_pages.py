"""Every page of the teacher's desk opens for a teacher and carries no inline code, which
the Content-Security-Policy would block."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exercises.demo_rubrics import load_rubrics
from tests import factories
from tests.exercises.desk import desk, fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]

INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def test_desk_pages_open_without_inline_code(client):
    d = desk()
    rubric, _ = load_rubrics()
    criterion = rubric.criteria.first()
    question = d.question_a
    question.rubric = rubric
    question.points = 8
    question.save()
    log_in(client, d.teacher_a)
    pages = [
        reverse("admin:index"),
        reverse("admin:exercises_submission_changelist"),
        reverse("admin:exercises_submission_change", args=[d.submission_a.pk]),
        reverse("admin:exercises_assignment_changelist"),
        reverse("admin:exercises_assignment_add"),
        reverse("admin:exercises_assignment_change", args=[d.assignment_a.pk]),
        reverse("admin:exercises_question_add"),
        reverse("admin:exercises_question_change", args=[question.pk]),
        reverse("admin:exercises_classroom_change", args=[d.class_a.pk]),
        reverse("admin:exercises_enrollment_changelist"),
        reverse("admin:exercises_enrollment_import"),
        reverse("admin:exercises_rubric_change", args=[rubric.pk]),
        reverse("admin:exercises_criterion_change", args=[criterion.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert INLINE_CODE.findall(response.content.decode()) == [], page


def test_import_preview_has_no_inline_code(client):
    teacher = factories.DeskTeacherFactory()
    classroom = factories.ClassroomFactory(teachers=[teacher])
    log_in(client, teacher)
    body = "username,first_name,last_name,email,password,join_code\r\nzaberg,Zoë,Åberg,,,\r\n"
    response = client.post(
        reverse("admin:exercises_enrollment_import"),
        {
            "resource": "0",
            "format": "0",
            "classroom": classroom.pk,
            "import_file": SimpleUploadedFile("s.csv", body.encode("utf-8-sig")),
        },
    )
    page = response.content.decode()
    assert "zaberg" in page
    assert INLINE_CODE.findall(page) == []


def test_assignment_page_links_to_the_preview_and_the_class_analytics(client):
    d = desk()
    log_in(client, d.teacher_a)
    page = client.get(reverse("admin:exercises_assignment_change", args=[d.assignment_a.pk]))
    assert reverse("exercises:assignment_preview", args=[d.assignment_a.pk]) in page.text
    analytics = reverse("exercises:analytics", args=[d.assignment_a.pk])
    assert analytics in page.text
    assert client.get(analytics).status_code == 200
