"""The desk's submissions and their grading: the list of handed-in work with its scores, the
actions on it (score, release, hide, return, export) and the grading page.
"""

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import ngettext

from purgeclass.admin_site import HardenedModelAdmin

from .. import selectors
from ..access import teacher_scope
from ..marks import marks
from ..models import Assignment, Enrollment, Submission
from ..services import answering, grading
from . import gradebook
from .assignments import AssignmentFilter
from .classes import accommodation_label
from .naming import counted, person
from .scope import TeacherScopedMixin


class LargeTablePaginator(Paginator):
    """Does not COUNT(*) a huge table: an unfiltered list on PostgreSQL uses the planner's
    estimate of the table's size (as healthchecks' admin does). A teacher's list is always
    filtered to their classes, so it is counted exactly, and is never huge."""

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE relname = %s",
                    [query.model._meta.db_table],
                )
                row = cursor.fetchone()
            estimate = int(row[0]) if row else 0
            if estimate > self.ESTIMATE_ABOVE:
                return estimate
        return super().count


class GradedFilter(admin.SimpleListFilter):
    title = "graded"
    parameter_name = "graded"

    def lookups(self, request, model_admin):
        return [("yes", "Every answer has a score"), ("no", "Waiting for a score")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return selectors.graded(queryset)
        if self.value() == "no":
            return selectors.not_graded(queryset)
        return queryset


@admin.register(Submission)
class SubmissionAdmin(TeacherScopedMixin, HardenedModelAdmin, admin.ModelAdmin):
    # Narrow enough for a 1366-px laptop with the filters beside it: Total, Graded, By and
    # Released must show without scrolling sideways (tests/e2e/test_teacher_journey.py).
    list_display = [
        "student_name",
        "assignment_title",
        "status",
        "handed_in",
        "auto_score",
        "total_score",
        "graded",
        "graded_by",
        "released",
    ]
    list_filter = [
        ("assignment__classroom", admin.RelatedOnlyFieldListFilter),
        ("assignment", AssignmentFilter),
        "status",
        "late",
        GradedFilter,
    ]
    list_select_related = ["student", "assignment"]
    search_fields = ["student__username", "student__first_name", "student__last_name"]
    ordering = ["-submitted_at", "-pk"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # counts per filter choice: too dear on a big table
    paginator = LargeTablePaginator
    list_per_page = 50
    actions = [
        "score_objective",
        "release_grades",
        "withdraw_release",
        "return_for_revision",
        "export_gradebook",
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        enrollment = Enrollment.objects.filter(
            classroom=OuterRef("assignment__classroom"), student=OuterRef("student")
        )
        return selectors.with_scores(super().get_queryset(request)).annotate(
            extra_time=Subquery(enrollment.values("extra_time_percent")[:1]),
            extended_due_at=Subquery(enrollment.values("extended_due_at")[:1]),
            accommodation_note=Subquery(enrollment.values("accommodation_note")[:1]),
        )

    def changelist_view(self, request, extra_context=None):
        # Timed work whose clock ran out is handed in before the teacher sees the list.
        answering.hand_in_timed_out(teacher_scope(Submission.objects.all(), request.user))
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # students hand in work; teachers grade it

    # Columns

    @admin.display(description="student", ordering="student__last_name")
    def student_name(self, submission):
        return person(submission.student)

    @admin.display(description="assignment", ordering="assignment__title")
    def assignment_title(self, submission):
        return Truncator(submission.assignment.title).chars(32)

    @admin.display(description="handed in", ordering="submitted_at")
    def handed_in(self, submission):
        # "Late" only when it is: a red cross for "on time" read as an error. The student's
        # accommodations and a clock that ran out go under it, not in a column of their own,
        # so the list still fits a 1366-px laptop.
        when = "–"
        if submission.submitted_at is not None:
            when = date_format(timezone.localtime(submission.submitted_at), "j M, H:i")
            if submission.late:
                when = format_html('{} <strong class="desk-late">late</strong>', when)
        notes = [
            note
            for note in (
                accommodation_label(
                    submission.extra_time,
                    submission.extended_due_at,
                    submission.accommodation_note,
                ),
                "⏱ time ran out" if submission.timed_out else "",
            )
            if note
        ]
        if not notes:
            return when
        return format_html(
            '{}<br><small class="desk-accommodation">{}</small>',
            when,
            format_html_join(" ", "{}", ((note,) for note in notes)),
        )

    @admin.display(description="auto", ordering="auto_total")
    def auto_score(self, submission):
        return marks(submission.auto_total, missing="–")

    @admin.display(description="total", ordering="total")
    def total_score(self, submission):
        return marks(submission.total, missing="–")

    @admin.display(description="graded", boolean=True, ordering="is_graded")
    def graded(self, submission):
        return submission.is_graded

    @admin.display(description="by", ordering="last_grader_username")
    def graded_by(self, submission):
        return (submission.last_grader_name or "").strip() or submission.last_grader_username or ""

    @admin.display(description="released", boolean=True, ordering="released_at")
    def released(self, submission):
        return submission.released_at is not None

    # Actions

    @admin.action(description="Score the objective questions automatically", permissions=["change"])
    def score_objective(self, request, queryset):
        count = grading.score_objective(queryset)
        messages.success(
            request,
            counted(count, "%(count)d answer", "%(count)d answers")
            + " to objective questions scored.",
        )

    @admin.action(
        description="Release grades to the students (fully marked work only)",
        permissions=["change"],
    )
    def release_grades(self, request, queryset):
        result = grading.release(queryset)
        count = result.released
        messages.success(
            request,
            ngettext(
                "Grades released for %(count)d submission.",
                "Grades released for %(count)d submissions.",
                count,
            )
            % {"count": count},
        )
        if result.skipped:
            messages.warning(
                request,
                format_html(
                    "{} {}.",
                    ngettext(
                        "%(count)d submission was not released:",
                        "%(count)d submissions were not released:",
                        len(result.skipped),
                    )
                    % {"count": len(result.skipped)},
                    format_html_join("; ", "{} ({})", result.skipped),
                ),
            )

    @admin.action(description="Hide released grades again", permissions=["change"])
    def withdraw_release(self, request, queryset):
        count = grading.withdraw_release(queryset)
        messages.success(
            request,
            "Grades hidden again for "
            + counted(count, "%(count)d submission.", "%(count)d submissions."),
        )

    @admin.action(description="Return to the students for revision", permissions=["change"])
    def return_for_revision(self, request, queryset):
        count = grading.return_for_revision(queryset)
        messages.success(
            request,
            counted(
                count,
                "%(count)d submission returned: the student can edit and hand it in again.",
                "%(count)d submissions returned: the students can edit and hand them in again.",
            ),
        )

    @admin.action(description="Export the gradebook of their assignment (CSV)")
    def export_gradebook(self, request, queryset):
        assignment_ids = list(
            queryset.order_by().values_list("assignment_id", flat=True).distinct()[:2]
        )
        if len(assignment_ids) != 1:
            messages.error(request, "Choose submissions of one assignment.")
            return None
        return gradebook.gradebook_response(Assignment.objects.get(pk=assignment_ids[0]))

    def get_urls(self):
        # Opening a submission opens its grading page (desk/grading_page.py), registered on
        # the site at this change page's URL: Django's change form is not served.
        change = f"{self.opts.app_label}_{self.opts.model_name}_change"
        return [url for url in super().get_urls() if url.name != change]
