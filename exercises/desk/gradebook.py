"""The gradebook of an assignment as a CSV file: a row per student, a column per question.

Downloaded from its own desk page (admin:exercises_assignment_gradebook, linked from the
assignment's page) and by the "Export the gradebook" actions of the assignments' and the
submissions' lists.
"""

import csv
from decimal import Decimal

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from .. import selectors
from ..marks import marks
from ..models import Assignment, Submission

_FORMULA_STARTS = ("=", "+", "-", "@")
_CONTROL_STARTS = ("\t", "\r", "\n")


def spreadsheet_cell(text):
    """Text as a spreadsheet shows it, never as a formula (a name like "=cmd" stays text).

    Spreadsheets skip leading whitespace before a formula (" =3+3" is a formula too), so the
    first character that is not whitespace decides; a leading tab or line break is quoted
    as well."""
    text = str(text)
    risky = text.startswith(_CONTROL_STARTS) or text.lstrip().startswith(_FORMULA_STARTS)
    return "'" + text if risky else text


class _Echo:
    """A file-like object that hands back what is written: csv.writer's rows as strings."""

    def write(self, value):
        return value


def gradebook_lines(assignment):
    """The gradebook's lines as the CSV file has them: a header, then a line per student."""
    questions = list(assignment.questions.order_by("order", "id"))
    yield (
        ["Last name", "First name", "Username", "Status", "Submitted at", "Late"]
        + [
            f"Q{position} {question.get_kind_display()} (/{marks(question.points)})"
            for position, question in enumerate(questions, start=1)
        ]
        + [f"Total (/{marks(sum((q.points for q in questions), Decimal(0)))})", "Released"]
    )
    statuses = dict(Submission.Status.choices)
    tz = timezone.get_current_timezone()
    for row in selectors.gradebook_rows(assignment, questions):
        line = [
            spreadsheet_cell(row.last_name),
            spreadsheet_cell(row.first_name),
            spreadsheet_cell(row.username),
        ]
        if row.status is not None:
            line += [
                statuses.get(row.status, row.status),
                row.submitted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
                if row.submitted_at
                else "",
                "yes" if row.late else "no",
            ]
        else:
            line += ["Not started", "", ""]
        earned = [score for score in row.scores if score is not None]
        line += [marks(score) for score in row.scores]
        line += [
            marks(sum(earned, Decimal(0))) if earned else "",
            "yes" if row.released_at else "no",
        ]
        yield line


def gradebook_response(assignment):
    """The gradebook as a streamed CSV file that Excel and LibreOffice open correctly:
    UTF-8 with a byte-order mark (so "Zoë Åberg" keeps her letters) and CRLF line ends."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines():
        yield "\ufeff"
        for row in gradebook_lines(assignment):
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
