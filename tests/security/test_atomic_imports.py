"""Imports are all or nothing, whatever fails part-way.

A failure is injected at each step of an import (the Nth source's save, an author's
creation, the unit's update, re-anchoring highlights after a corrected text, the Nth
student's account or enrollment) and the library, the answers and the accounts must be
exactly as they were: nothing half-imported, no source of an existing unit half-updated.
"""

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from exercises.models import Answer, Enrollment, Question
from exercises.services import answering, reanchoring
from sources.models import Author, Source, Unit
from tests import factories

from .conftest import add_question, make_teacher

User = get_user_model()
GREAT_PURGE = Path(settings.BASE_DIR) / "sources" / "data" / "great-purge.txt"
PACK_IMPORT_URL = reverse("admin:sources_unit_import")
STUDENT_IMPORT_URL = reverse("admin:exercises_enrollment_import")
STUDENT_CONFIRM_URL = reverse("admin:exercises_enrollment_process_import")


class Injected(DatabaseError):
    """The failure the test provokes: a database error, as a lost connection would give."""


def fail_on_call(target, attribute, n):
    """Patch `target.attribute` so that its nth call raises Injected; earlier calls work."""
    real = getattr(target, attribute)
    calls = {"count": 0}

    def failing(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == n:
            raise Injected(f"{attribute} failed on call {n}")
        return real(*args, **kwargs)

    return mock.patch.object(target, attribute, autospec=True, side_effect=failing)


def library():
    """Everything an import writes, row by row."""
    return (
        sorted(Unit.objects.values_list("pk", "slug", "title", "narrative")),
        sorted(
            Source.objects.values_list(
                "pk", "unit", "number", "header", "text", "author", "title", "year"
            )
        ),
        sorted(Author.objects.values_list("pk", "name", "kind", "description")),
        sorted(Answer.objects.values_list("pk", "response", "revision")),
        sorted(Question.objects.values_list("pk", "key")),
    )


@pytest.fixture
def great_purge_text():
    return GREAT_PURGE.read_text(encoding="utf-8")


@pytest.fixture
def superuser_client(db):
    client = Client(raise_request_exception=False)
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def import_in_the_admin(client, text, slug="great-purge"):
    upload = client.post(
        PACK_IMPORT_URL,
        {"pack": SimpleUploadedFile("pack.txt", text.encode()), "slug": slug},
    )
    assert upload.status_code == 200, upload.content.decode()[:500]
    payload = upload.context["confirm_form"].initial["payload"]
    return client.post(PACK_IMPORT_URL, {"payload": payload})


# Where an import can fail: (what is patched, the call that fails).
PACK_FAILURES = {
    "the 5th source's save": (Source, "save", 5),
    "the last source's save": (Source, "save", 23),
    "the 3rd new author": (Author.objects, "create", 3),
}


@pytest.mark.parametrize("failure", PACK_FAILURES)
def test_a_new_pack_failing_part_way_in_the_admin_writes_nothing(
    superuser_client, great_purge_text, failure
):
    before = library()
    target, attribute, n = PACK_FAILURES[failure]
    with fail_on_call(target, attribute, n):
        response = import_in_the_admin(superuser_client, great_purge_text)
    assert response.status_code == 500
    assert library() == before


@pytest.mark.parametrize("failure", PACK_FAILURES)
def test_a_new_pack_failing_part_way_from_the_command_writes_nothing(
    db, great_purge_text, failure, tmp_path
):
    path = tmp_path / "pack.txt"
    path.write_text(great_purge_text, encoding="utf-8")
    before = library()
    target, attribute, n = PACK_FAILURES[failure]
    with fail_on_call(target, attribute, n), pytest.raises(Injected):
        call_command("import_sources", str(path), slug="great-purge", verbosity=0)
    assert library() == before


@pytest.fixture
def imported(db, great_purge_text, tmp_path):
    """The shipped pack in the library, with a highlight question and answer on source 1."""
    path = tmp_path / "pack.txt"
    path.write_text(great_purge_text, encoding="utf-8")
    call_command("import_sources", str(path), slug="great-purge", verbosity=0)
    source = Source.objects.get(unit__slug="great-purge", number=1)
    words = source.text.split()[3]
    start = source.text.index(words)
    passage = {"start": start, "end": start + len(words), "quote": words}
    assignment = factories.AssignmentFactory()
    question = add_question(
        assignment, Question.Kind.HIGHLIGHT, [source], key={"ranges": [passage]}
    )
    submission = factories.SubmissionFactory(assignment=assignment)
    answering.save_answer(submission, question, {"ranges": [passage]}, 0)
    return source


def corrected(text, numbers):
    """The pack with a word added at the start of each numbered source's text (so every
    highlight on them moves), and its unit renamed."""
    lines = text.split("\n")
    for number in numbers:
        header = next(i for i, line in enumerate(lines) if line.startswith(f"({number}) "))
        body = next(i for i in range(header + 1, len(lines)) if lines[i].strip())
        lines[body] = "Corrected: " + lines[body]
    lines[0] = lines[0] + " (corrected)"
    return "\n".join(lines)


REIMPORT_FAILURES = {
    "the unit's update": (Unit, "save", 1),
    "the 5th corrected source's save": (Source, "save", 5),
    "the last corrected source's save": (Source, "save", 8),
    "re-anchoring the highlights on a corrected source": (
        reanchoring,
        "reanchor_highlights",
        1,
    ),
}


@pytest.mark.parametrize("failure", REIMPORT_FAILURES)
def test_a_reimport_failing_part_way_leaves_the_unit_its_texts_and_answers_as_they_were(
    superuser_client, imported, great_purge_text, failure
):
    before = library()
    text = corrected(great_purge_text, [1, 2, 3, 5, 8, 13, 21, 22])
    target, attribute, n = REIMPORT_FAILURES[failure]
    with fail_on_call(target, attribute, n):
        response = import_in_the_admin(superuser_client, text)
    assert response.status_code == 500
    assert library() == before
    assert not Source.objects.filter(text__startswith="Corrected:").exists()


def test_the_same_reimport_without_a_failure_does_write_it_all(
    superuser_client, imported, great_purge_text
):
    """The failures above are what stopped the import: without one it goes through."""
    response = import_in_the_admin(
        superuser_client, corrected(great_purge_text, [1, 2, 3, 5, 8, 13, 21, 22])
    )
    assert response.status_code == 302
    assert Source.objects.filter(text__startswith="Corrected:").count() == 8
    answer = Answer.objects.get()
    assert answer.revision == 2  # re-anchored: the passage moved with its words
    (passage,) = answer.response["ranges"]
    source = Source.objects.get(pk=imported.pk)
    assert source.text[passage["start"] : passage["end"]] == passage["quote"]
    told = [str(m) for m in superuser_client.get(response.url).context["messages"]]
    assert (
        "Source (1) corrected: 1 answer re-anchored, 1 answer key re-anchored, 0 passages lost."
        in told
    )


# The student CSV import ------------------------------------------------------------------

HEADER = "username,first_name,last_name,email,password,join_code\r\n"


@pytest.fixture
def teacher_client(db):
    teacher = make_teacher()
    classroom = factories.ClassroomFactory(teachers=[teacher])
    client = Client(raise_request_exception=False)
    client.force_login(teacher)
    client.classroom = classroom
    return client


def people():
    return (
        sorted(User.objects.values_list("pk", "username", "password")),
        sorted(Enrollment.objects.values_list("pk", "classroom", "student")),
    )


def preview_students(client, count=5):
    rows = "".join(f"pupil{n},Pupil,Number {n},,,\r\n" for n in range(count))
    upload = SimpleUploadedFile("students.csv", (HEADER + rows).encode(), content_type="text/csv")
    preview = client.post(
        STUDENT_IMPORT_URL,
        {
            "resource": "0",
            "format": "0",
            "classroom": client.classroom.pk,
            "import_file": upload,
        },
    )
    form = preview.context["confirm_form"]
    assert form is not None
    return {name: value for name, value in form.initial.items() if value is not None}


STUDENT_FAILURES = {
    "the 3rd account's save": (User, "save", 3),
    "the 5th account's save": (User, "save", 5),
    "the 4th enrollment": (Enrollment.objects, "get_or_create", 4),
}


@pytest.mark.parametrize("failure", STUDENT_FAILURES)
def test_a_student_import_failing_part_way_creates_no_account_and_no_enrollment(
    teacher_client, failure
):
    confirmation = preview_students(teacher_client)
    before = people()
    target, attribute, n = STUDENT_FAILURES[failure]
    with fail_on_call(target, attribute, n):
        response = teacher_client.post(STUDENT_CONFIRM_URL, confirmation)
    assert response.status_code in (302, 500)
    assert people() == before


def test_the_same_student_import_without_a_failure_creates_them_all(teacher_client):
    confirmation = preview_students(teacher_client)
    before = people()
    response = teacher_client.post(STUDENT_CONFIRM_URL, confirmation)
    assert response.status_code == 200
    assert len(people()[0]) == len(before[0]) + 5
    assert Enrollment.objects.filter(classroom=teacher_client.classroom).count() == 5
