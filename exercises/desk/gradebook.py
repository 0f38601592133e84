"""The gradebook of an assignment as a CSV file: a row per student, a column per question.

Downloaded from its own desk page (admin:exercises_assignment_gradebook, linked from the
assignment's page) and by the "Export the gradebook" actions of the assignments' and the
submissions' lists.
"""

import csv
from decimal import Decimal
from itertools import groupby

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from ..grading import ANSWER_SCORE
from ..models import Answer, Assignment, Enrollment, Submission

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r", "\n")


def _cell(text):
    """Text as a spreadsheet shows it, never as a formula (a name like "=cmd" stays text).

    Spreadsheets skip leading whitespace before a formula (" =3+3" is a formula too), so the
    first character that is not whitespace decides; a leading tab or line break is quoted
    as well."""
    text = str(text)
    risky = text.startswith(_CONTROL_STARTS) or text.lstrip().startswith(_FORMULA_STARTS)
    return "'" + text if risky else text


def _number(value):
    if value is None:
        return ""
    return f"{value.normalize():f}"


class _Echo:
    """A file-like object that hands back what is written: csv.writer's rows as strings."""

    def write(self, value):
        return value


def gradebook_rows(assignment):
    """The gradebook of one assignment, row by row: a row per student, a column per question.

    Students are those of the class and anyone who handed in work for it. Three queries
    are streamed side by side in the same order (students, submissions, answers) and
    merged, so the number of queries and the memory used stay the same for 30 answers or
    100,000.
    """
    User = get_user_model()
    questions = list(assignment.questions.order_by("order", "id"))
    yield (
        ["Last name", "First name", "Username", "Status", "Submitted at", "Late"]
        + [
            f"Q{position} {question.get_kind_display()} (/{_number(question.points)})"
            for position, question in enumerate(questions, start=1)
        ]
        + [f"Total (/{_number(sum((q.points for q in questions), Decimal(0)))})", "Released"]
    )
    order = ["last_name", "first_name", "pk"]
    students = (
        User.objects.filter(
            Exists(
                Enrollment.objects.filter(classroom=assignment.classroom_id, student=OuterRef("pk"))
            )
            | Exists(Submission.objects.filter(assignment=assignment, student=OuterRef("pk")))
        )
        .order_by(*order)
        .values_list("pk", "last_name", "first_name", "username")
        .iterator(chunk_size=2000)
    )
    by_student = [f"student__{name}" for name in order]
    submissions = (
        Submission.objects.filter(assignment=assignment)
        .order_by(*by_student)
        .values_list("student_id", "status", "submitted_at", "late", "released_at")
        .iterator(chunk_size=2000)
    )
    answers = (
        Answer.objects.filter(submission__assignment=assignment)
        .order_by(*[f"submission__{name}" for name in by_student])
        .values_list("submission__student_id", "question_id", ANSWER_SCORE)
        .iterator(chunk_size=2000)
    )
    answers_by_student = groupby(answers, key=lambda row: row[0])
    pending_answers = next(answers_by_student, None)
    pending_submission = next(submissions, None)
    statuses = dict(Submission.Status.choices)
    tz = timezone.get_current_timezone()
    for student_id, last_name, first_name, username in students:
        row = [_cell(last_name), _cell(first_name), _cell(username)]
        if pending_submission and pending_submission[0] == student_id:
            _, status, submitted_at, late, released_at = pending_submission
            pending_submission = next(submissions, None)
            row += [
                statuses.get(status, status),
                submitted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if submitted_at else "",
                "yes" if late else "no",
            ]
        else:
            status, released_at = None, None
            row += ["Not started", "", ""]
        scores = {}
        if pending_answers and pending_answers[0] == student_id:
            scores = {question_id: score for _, question_id, score in pending_answers[1]}
            pending_answers = next(answers_by_student, None)
        given = [scores.get(question.pk) for question in questions]
        earned = [score for score in given if score is not None]
        row += [_number(score) for score in given]
        row += [_number(sum(earned, Decimal(0))) if earned else "", "yes" if released_at else "no"]
        yield row


def gradebook_response(assignment):
    """The gradebook as a streamed CSV file that Excel and LibreOffice open correctly:
    UTF-8 with a byte-order mark (so "Zoë Åberg" keeps her letters) and CRLF line ends."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines():
        yield "\ufeff"
        for row in gradebook_rows(assignment):
            yield writer.writerow(row)

    name = slugify(f"{assignment.classroom} {assignment.title}") or "assignment"
    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="gradebook-{name}.csv"'},
    )


def gradebook_download(request, assignments, object_id):
    """The gradebook page: `assignments` is the assignments' ModelAdmin, which knows whose
    assignments this teacher reaches (their classes')."""
    assignment = assignments.get_object(request, unquote(object_id))
    if assignment is None:
        raise Http404("No such assignment among your classes.")
    if not assignments.has_view_permission(request, assignment):
        raise PermissionDenied
    return gradebook_response(assignment)


admin.site.register_view(
    "exercises/assignment/<path:object_id>/gradebook/",
    gradebook_download,
    "exercises_assignment_gradebook",
    model=Assignment,
)
