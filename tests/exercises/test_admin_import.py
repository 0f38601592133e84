"""Creating a class's student accounts from a CSV file: preview, errors per row, all or
nothing, and only into the importing teacher's own classes."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exercises.models import Enrollment
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]

User = get_user_model()
HEADER = "username,first_name,last_name,email,password,join_code\r\n"
IMPORT_URL = reverse("admin:exercises_enrollment_import")
CONFIRM_URL = reverse("admin:exercises_enrollment_process_import")


@pytest.fixture
def teacher():
    return factories.DeskTeacherFactory()


@pytest.fixture
def classroom(teacher):
    return class_of(teacher, name="Year 12 History")


@pytest.fixture
def as_teacher(client, teacher):
    return log_in(client, teacher)


def upload(client, rows, classroom=None):
    body = (HEADER + "".join(row + "\r\n" for row in rows)).encode("utf-8-sig")
    data = {
        "resource": "0",
        "format": "0",
        "import_file": SimpleUploadedFile("students.csv", body, content_type="text/csv"),
    }
    if classroom is not None:
        data["classroom"] = classroom.pk
    return client.post(IMPORT_URL, data)


def confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(CONFIRM_URL, {name: value for name, value in form.initial.items()})


def test_preview_shows_the_rows_and_creates_nothing(as_teacher, classroom):
    preview = upload(as_teacher, ["zaberg,Zoë,Åberg,zoe@example.org,,"], classroom)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "zaberg" in page and "Åberg" in page
    assert "(made up on import, shown once)" in page
    assert preview.context["confirm_form"] is not None
    assert not User.objects.filter(username="zaberg").exists()


def test_confirmed_import_creates_enrolled_students_and_shows_made_up_passwords(
    as_teacher, classroom
):
    preview = upload(
        as_teacher,
        ["zaberg,Zoë,Åberg,zoe@example.org,,", "nhaddad,Noor,Haddad,,a-long-secret-1936,"],
        classroom,
    )
    result = confirm(as_teacher, preview)
    assert result.status_code == 200
    zoe = User.objects.get(username="zaberg")
    assert (zoe.first_name, zoe.last_name, zoe.is_staff) == ("Zoë", "Åberg", False)
    assert set(Enrollment.objects.values_list("student__username", "classroom")) == {
        ("zaberg", classroom.pk),
        ("nhaddad", classroom.pk),
    }
    (made_up,) = [password for user, _, password in result.context["accounts"] if password]
    assert made_up in result.content.decode()
    assert authenticate(username="zaberg", password=made_up) == zoe
    assert authenticate(username="nhaddad", password="a-long-secret-1936") is not None


def test_a_row_may_name_another_of_the_teachers_classes_by_join_code(
    as_teacher, teacher, classroom
):
    other = class_of(teacher, name="Year 13")
    preview = upload(as_teacher, [f"zaberg,Zoë,Åberg,,,{other.join_code.lower()}"], classroom)
    confirm(as_teacher, preview)
    assert Enrollment.objects.get().classroom == other


def test_a_bad_row_is_named_and_nothing_is_imported(as_teacher, classroom):
    preview = upload(
        as_teacher,
        ["zaberg,Zoë,Åberg,zoe@example.org,,", "nhaddad,Noor,Haddad,not-an-email,password,"],
        classroom,
    )
    page = preview.content.decode()
    assert "Enter a valid email address." in page
    assert "This password is too common." in page
    assert preview.context.get("confirm_form") is None
    assert not User.objects.filter(username__in=["zaberg", "nhaddad"]).exists()


def test_an_existing_username_is_refused(as_teacher, classroom):
    factories.StudentFactory(username="zaberg", first_name="Someone")
    preview = upload(as_teacher, ["zaberg,Zoë,Åberg,,,"], classroom)
    assert "The username zaberg is already taken." in preview.content.decode()
    assert User.objects.get(username="zaberg").first_name == "Someone"


def test_a_row_without_class_is_refused(as_teacher, classroom):
    preview = upload(as_teacher, ["zaberg,Zoë,Åberg,,,"])
    assert "Give the class&#x27;s join code, or choose a class above." in preview.content.decode()


def test_another_teachers_class_cannot_be_chosen(as_teacher, classroom):
    someone_elses = factories.ClassroomFactory()
    preview = upload(as_teacher, ["zaberg,Zoë,Åberg,,,"], someone_elses)
    assert "Select a valid choice" in preview.content.decode()
    assert not User.objects.filter(username="zaberg").exists()


def test_another_teachers_join_code_is_refused(as_teacher, classroom):
    someone_elses = factories.ClassroomFactory()
    preview = upload(as_teacher, [f"zaberg,Zoë,Åberg,,,{someone_elses.join_code}"], classroom)
    assert f"None of your classes has the join code {someone_elses.join_code}." in (
        preview.content.decode()
    )


def test_import_is_all_or_nothing_when_a_row_fails_at_confirmation(as_teacher, classroom):
    preview = upload(as_teacher, ["zaberg,Zoë,Åberg,,,", "nhaddad,Noor,Haddad,,,"], classroom)
    factories.StudentFactory(username="nhaddad")  # taken between preview and confirmation
    response = confirm(as_teacher, preview)
    assert response.status_code == 302
    assert not User.objects.filter(username="zaberg").exists()
    assert not Enrollment.objects.exists()


def test_confirmation_cannot_switch_to_another_teachers_class(as_teacher, classroom):
    preview = upload(as_teacher, ["zaberg,Zoë,Åberg,,,"], classroom)
    data = dict(preview.context["confirm_form"].initial)
    data["classroom"] = factories.ClassroomFactory().pk
    as_teacher.post(CONFIRM_URL, data)
    assert not User.objects.filter(username="zaberg").exists()
