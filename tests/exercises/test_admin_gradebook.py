"""The gradebook export: a CSV file that spreadsheets open correctly, streamed."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, handed_in, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


@pytest.fixture
def teacher():
    return factories.DeskTeacherFactory()


@pytest.fixture
def assignment(teacher):
    return factories.AssignmentFactory(classroom=class_of(teacher), title="Duranty vs Trotsky")


@pytest.fixture
def as_teacher(client, teacher):
    return log_in(client, teacher)


def download(client, assignment):
    response = client.get(reverse("admin:exercises_assignment_gradebook", args=[assignment.pk]))
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content)


def rows_of(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_gradebook_is_utf8_with_a_bom_and_crlf_line_ends(as_teacher, assignment):
    handed_in(assignment, student=factories.StudentFactory(first_name="Zoë", last_name="Åberg"))
    response, body = download(as_teacher, assignment)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\r\n") == 2 and b"\n" not in body.replace(b"\r\n", b"")
    assert "Åberg,Zoë".encode() in body


def test_gradebook_has_a_row_per_student_and_a_column_per_question(as_teacher, assignment):
    first = factories.QuestionFactory(assignment=assignment, order=1, points=5)
    second = factories.QuestionFactory(assignment=assignment, order=2, kind="choice", points=2)
    graded = handed_in(
        assignment, student=factories.StudentFactory(first_name="Zoë", last_name="Åberg"), answers=2
    )
    one, two = graded.answers.order_by("question__order")
    factories.GradeFactory(answer=one, score=Decimal("3.5"))
    two.auto_score = 2
    two.save()
    factories.EnrollmentFactory(
        classroom=assignment.classroom,
        student=factories.StudentFactory(first_name="Noor", last_name="Haddad"),
    )
    _, body = download(as_teacher, assignment)
    header, *rows = rows_of(body)
    assert header == [
        "Last name",
        "First name",
        "Username",
        "Status",
        "Submitted at",
        "Late",
        f"Q1 {first.get_kind_display()} (/5)",
        f"Q2 {second.get_kind_display()} (/2)",
        "Total (/7)",
        "Released",
    ]
    by_name = {row[0]: row for row in rows}  # in last-name order, as the database sorts
    assert sorted(by_name) == sorted(["Åberg", "Haddad"]) and len(rows) == 2
    assert by_name["Åberg"][1:4] == ["Zoë", graded.student.username, "Submitted"]
    assert by_name["Åberg"][5:] == ["no", "3.5", "2", "5.5", "no"]
    assert by_name["Haddad"][3:] == ["Not started", "", "", "", "", "", "no"]


def test_gradebook_marks_late_work(as_teacher, assignment):
    handed_in(assignment, late=True)
    _, body = download(as_teacher, assignment)
    assert rows_of(body)[1][5] == "yes"


def test_gradebook_cell_that_looks_like_a_formula_stays_text(as_teacher, assignment):
    handed_in(assignment, student=factories.StudentFactory(last_name="=HYPERLINK(1)"))
    _, body = download(as_teacher, assignment)
    assert rows_of(body)[1][0] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("size", [3, 30])
def test_gradebook_runs_a_fixed_number_of_queries(as_teacher, assignment, size):
    for _ in range(size):
        submission = handed_in(assignment, answers=3)
        for answer in submission.answers.all():
            factories.GradeFactory(answer=answer, score=1)
    with CaptureQueriesContext(connection) as queries:
        _, body = download(as_teacher, assignment)
    assert len(rows_of(body)) == size + 1
    assert all(row[-2] == "3" for row in rows_of(body)[1:])
    assert len(queries) <= 10


def test_gradebook_action_downloads_the_chosen_assignments_gradebook(as_teacher, assignment):
    handed_in(assignment, student=factories.StudentFactory(last_name="Åberg"))
    response = as_teacher.post(
        reverse("admin:exercises_assignment_changelist"),
        {"action": "export_gradebook", "_selected_action": [assignment.pk]},
    )
    assert "Åberg" in b"".join(response.streaming_content).decode("utf-8-sig")
