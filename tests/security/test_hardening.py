"""Hardening: pages of logged-in people are never cached, guessing (join codes, an old
password) is throttled, gradebook cells never run as formulas, and the previews of both
imports are signed for their user and an hour."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from exercises.models import Enrollment
from sources.models import Unit
from tests import factories
from tests.factories import PASSWORD

from .conftest import make_teacher

User = get_user_model()


def no_store(response):
    cache_control = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= cache_control


# Cache-Control --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, url",
    [
        ("student", lambda w: reverse("exercises:dashboard")),
        ("student", lambda w: reverse("exercises:assignment", args=[w.mine.assignment.pk])),
        ("student", lambda w: reverse("sources:unit_list")),
        ("teacher", lambda w: reverse("admin:index")),
        ("teacher", lambda w: reverse("admin:exercises_submission_changelist")),
        ("teacher", lambda w: reverse("exercises:analytics", args=[w.mine.assignment.pk])),
    ],
)
def test_pages_of_a_logged_in_user_are_never_stored_by_the_browser(client, world, role, url):
    client.force_login(world.user(role))
    response = client.get(url(world))
    assert response.status_code == 200
    assert no_store(response), response.get("Cache-Control")


def test_a_logged_in_users_download_is_not_stored_either(client, world):
    client.force_login(world.mine.teacher)
    url = reverse("admin:exercises_assignment_gradebook", args=[world.mine.assignment.pk])
    assert no_store(client.get(url))


# Throttling -----------------------------------------------------------------------------

JOIN_URL = reverse("exercises:join_class")


def test_guessing_join_codes_is_stopped_with_a_clear_message(client, world):
    pupil = factories.StudentFactory()
    client.force_login(pupil)
    for n in range(10):
        response = client.post(JOIN_URL, {"code": f"WRONG{n:03}"})
        assert response.status_code == 200 and "No class has the code" in response.text
    response = client.post(JOIN_URL, {"code": world.mine.classroom.join_code})
    assert response.status_code == 429
    assert "Too many wrong class codes" in response.text
    assert not Enrollment.objects.filter(student=pupil).exists()  # even the right one


def test_join_codes_are_throttled_per_address_across_pupils(client, world):
    for pupil_number in range(12):
        pupil = factories.StudentFactory()
        client.force_login(pupil)
        for n in range(9):  # each pupil stays under their own limit
            response = client.post(JOIN_URL, {"code": f"P{pupil_number}W{n}"})
            if response.status_code == 429:
                break
        if response.status_code == 429:
            break
    assert response.status_code == 429  # 100 wrong codes from one address
    other = Client(REMOTE_ADDR="10.0.0.2")
    other.force_login(pupil)
    assert other.post(JOIN_URL, {"code": world.mine.classroom.join_code}).status_code == 302


def test_a_pupil_who_types_the_right_code_first_time_joins(client, world):
    pupil = factories.StudentFactory()
    client.force_login(pupil)
    response = client.post(JOIN_URL, {"code": world.mine.classroom.join_code})
    assert response.status_code == 302
    assert Enrollment.objects.filter(student=pupil, classroom=world.mine.classroom).exists()


@pytest.mark.parametrize("url", [reverse("password_change"), reverse("admin:password_change")])
def test_guessing_the_old_password_on_password_change_is_stopped(client, world, url):
    user = world.mine.teacher
    client.force_login(user)
    new = {"new_password1": "a-new-secret-1937", "new_password2": "a-new-secret-1937"}
    for n in range(5):
        response = client.post(url, {"old_password": f"guess-{n}", **new})
        assert response.status_code == 200
    response = client.post(url, {"old_password": PASSWORD, **new})
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # unchanged, even with the right old password


# The gradebook ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [" =3+3", "  +1", "\t-2", " @SUM(A1)", "\r=1", "\n=1", "\u00a0=1+1"]
)
def test_a_gradebook_cell_with_a_formula_after_whitespace_stays_text(client, world, name):
    student = world.mine.classmate
    User.objects.filter(pk=student.pk).update(last_name=name)
    client.force_login(world.mine.teacher)
    url = reverse("admin:exercises_assignment_gradebook", args=[world.mine.assignment.pk])
    body = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert ["'" + name] in [row[:1] for row in rows]


# Signed previews -------------------------------------------------------------------------

STUDENT_IMPORT_URL = reverse("admin:exercises_enrollment_import")
STUDENT_CONFIRM_URL = reverse("admin:exercises_enrollment_process_import")
PACK_URL = reverse("admin:sources_unit_import")
PACK = "The Show Trials\n\nBackground.\n\nPrimary Sources\n\n(1) Pravda (1936)\n\nText.\n"


def student_preview(client, world):
    upload = SimpleUploadedFile(
        "students.csv",
        b"username,first_name,last_name,email,password,join_code\r\nzaberg,Zoe,Aberg,,,\r\n",
        content_type="text/csv",
    )
    response = client.post(
        STUDENT_IMPORT_URL,
        {
            "resource": "0",
            "format": "0",
            "classroom": world.mine.classroom.pk,
            "import_file": upload,
        },
    )
    assert response.status_code == 200
    return dict(response.context["confirm_form"].initial)


def pack_preview(client):
    response = client.post(PACK_URL, {"pack": SimpleUploadedFile("p.txt", PACK.encode())})
    assert response.status_code == 200
    return dict(response.context["confirm_form"].initial)


@pytest.fixture
def co_teacher(world):
    """A second teacher of the same class: allowed to import, but not with another's form."""
    teacher = make_teacher()
    world.mine.classroom.teachers.add(teacher)
    return teacher


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_student_import_confirmed_by_another_teacher_is_refused(world, co_teacher):
    fields = student_preview(logged_in(world.mine.teacher), world)
    response = logged_in(co_teacher).post(STUDENT_CONFIRM_URL, fields)
    assert response.status_code == 400
    assert "altered" in response.text
    assert not User.objects.filter(username="zaberg").exists()


def test_a_student_import_confirmed_after_an_hour_is_refused(world, monkeypatch):
    client = logged_in(world.mine.teacher)
    fields = student_preview(client, world)
    later = signing.time.time() + 61 * 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(STUDENT_CONFIRM_URL, fields)
    assert response.status_code == 400
    assert "more than an hour old" in response.text
    assert not User.objects.filter(username="zaberg").exists()


def test_a_source_pack_confirmed_by_another_teacher_or_late_is_refused(
    world, co_teacher, monkeypatch
):
    fields = pack_preview(logged_in(world.mine.teacher))
    response = logged_in(co_teacher).post(PACK_URL, fields)
    assert response.status_code == 400 and "altered" in response.context["error"]
    later = signing.time.time() + 61 * 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = logged_in(world.mine.teacher).post(PACK_URL, fields)
    assert response.status_code == 400 and "more than an hour old" in response.context["error"]
    assert not Unit.objects.filter(slug="the-show-trials").exists()


def test_a_student_import_confirmed_in_time_by_its_teacher_imports(world):
    client = logged_in(world.mine.teacher)
    response = client.post(STUDENT_CONFIRM_URL, student_preview(client, world))
    assert response.status_code == 200
    assert User.objects.filter(username="zaberg").exists()
