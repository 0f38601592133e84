"""The desk's submissions and their grading: the list of handed-in work with its scores, the
actions on it (score, release, hide, return, export) and the grading page.
"""

import copy

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import ngettext

from purgeclass.admin_site import HardenedModelAdmin

from .. import grading
from ..marks import marks
from ..models import Assignment, Criterion, Enrollment, Grade, Submission
from ..services import answering
from . import gradebook
from .assignments import AssignmentFilter
from .classes import accommodation_label
from .forms.submissions import GradeForm
from .naming import counted, person
from .scope import TeacherScopedMixin, teacher_scope


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
            return grading.graded(queryset)
        if self.value() == "no":
            return grading.not_graded(queryset)
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
    grade_template = "admin/exercises/submission/grade.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        enrollment = Enrollment.objects.filter(
            classroom=OuterRef("assignment__classroom"), student=OuterRef("student")
        )
        return grading.with_scores(super().get_queryset(request)).annotate(
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
        return _points(submission.auto_total)

    @admin.display(description="total", ordering="total")
    def total_score(self, submission):
        return _points(submission.total)

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

    # The grading page: the whole submission, graded on one page.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        submission = self.get_object(request, unquote(object_id))
        if submission is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, submission):
            raise PermissionDenied
        answering.hand_in_if_time_up(submission)  # no query unless its clock ran out
        can_grade = self.has_change_permission(request, submission) and request.user.has_perms(
            ["exercises.add_grade", "exercises.change_grade"]
        )
        answers = self._answers(submission)
        if request.method == "POST":
            if not can_grade:
                raise PermissionDenied
            forms = [GradeForm(request.POST, answer=answer) for answer in answers]
            if all(form.is_valid() for form in forms):
                response = self._save(request, submission, forms)
                if response is not None:
                    return response
                answers, forms = self._forms_after_conflict(request, submission)
            else:
                messages.error(request, "Nothing was saved: correct the marks shown in red below.")
        else:
            forms = [GradeForm(answer=answer) for answer in answers]
        return self._grading_page(request, submission, answers, forms, can_grade)

    def _answers(self, submission):
        answers = list(
            submission.answers.select_related("question__rubric", "grade__graded_by")
            .prefetch_related(
                Prefetch(
                    "question__rubric__criteria",
                    queryset=Criterion.objects.prefetch_related("levels"),
                ),
                "grade__criterion_grades",
            )
            .order_by("question__order", "question_id")
        )
        sources = grading.question_sources([answer.question_id for answer in answers])
        for answer in answers:
            answer.sources = sources.get(answer.question_id, [])
        return answers

    def _save(self, request, submission, forms):
        inputs = [
            grading.GradeInput(
                answer=form.answer,
                version=form.cleaned_data["version"],
                score=form.cleaned_data["score"],
                feedback=form.cleaned_data["feedback"],
                override_reason=form.cleaned_data["override_reason"],
                levels=[grading.LevelChoice(*chosen) for chosen in form.levels],
            )
            for form in forms
            if form.grader_changed()
        ]
        try:
            grading.save_grades(request.user, inputs)
        except grading.GradeConflict as conflict:
            request._grade_conflicts = {c.answer.pk: c.grade for c in conflict.conflicts}
            messages.error(
                request,
                "Nothing was saved: someone else graded "
                + counted(
                    len(conflict.conflicts),
                    "%(count)d of these answers while you were working. Their grade is",
                    "%(count)d of these answers while you were working. Their grades are",
                )
                + " shown below; yours are still in the form. Save again to replace theirs "
                "with yours.",
            )
            return None
        if inputs:
            messages.success(
                request,
                counted(len(inputs), "%(count)d grade saved", "%(count)d grades saved")
                + f" for {person(submission.student)}.",
            )
        else:
            messages.info(request, "Nothing had changed: nothing was saved.")
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        if "_grade_next" in request.POST:
            following = self._next_ungraded(request, submission)
            if following is not None:
                url = reverse("admin:exercises_submission_change", args=[following])
                return redirect(add_preserved_filters(preserved, url))
            messages.info(
                request, f"Every submission handed in for {submission.assignment} is graded."
            )
            changelist = reverse("admin:exercises_submission_changelist")
            filters = request.GET.get("_changelist_filters")
            return redirect(
                f"{changelist}?{filters}"
                if filters
                else f"{changelist}?assignment__id__exact={submission.assignment_id}"
            )
        url = reverse("admin:exercises_submission_change", args=[submission.pk])
        return redirect(add_preserved_filters(preserved, url))

    def _next_ungraded(self, request, submission):
        """The id of the next handed-in submission still waiting for a score, in the order and
        with the filters of the list the teacher opened this one from (the list of this
        assignment when they came some other way); after the last row, from the top again."""
        filters = request.GET.get("_changelist_filters") or (
            f"assignment__id__exact={submission.assignment_id}"
        )
        list_request = copy.copy(request)
        list_request.method = "GET"
        list_request.GET = QueryDict(filters)
        list_request.POST = QueryDict()
        try:
            changelist = self.get_changelist_instance(list_request)
        except IncorrectLookupParameters:
            changelist = None
        if changelist is None:
            rows = self.get_queryset(request).filter(assignment_id=submission.assignment_id)
            rows = rows.order_by(*self.ordering)
        else:
            rows = changelist.get_queryset(list_request)
        order = list(rows.values_list("pk", flat=True))
        waiting = set(
            grading.not_graded(
                rows.filter(status=Submission.Status.SUBMITTED).exclude(pk=submission.pk)
            ).values_list("pk", flat=True)
        )
        here = order.index(submission.pk) + 1 if submission.pk in order else 0
        return next((pk for pk in order[here:] + order[:here] if pk in waiting), None)

    def _forms_after_conflict(self, request, submission):
        """The grader's input kept, now based on the grades as the other grader left them:
        saving again replaces theirs, knowingly."""
        conflicts = request._grade_conflicts
        data = request.POST.copy()
        answers = self._answers(submission)
        forms = []
        for answer in answers:
            if answer.pk in conflicts:
                as_saved = GradeForm(answer=answer)
                data[as_saved.add_prefix("version")] = as_saved.initial["version"]
                data.update(as_saved.loaded_values())
            form = GradeForm(data, answer=answer)
            if answer.pk in conflicts:
                form.conflict = conflicts[answer.pk]
                form.conflict_grader = person(form.conflict.graded_by) or "Another grader"
            form.is_valid()
            forms.append(form)
        return answers, forms

    def _grading_page(self, request, submission, answers, forms, can_grade):
        questions = list(submission.assignment.questions.order_by("order", "id"))
        positions = {question.pk: n for n, question in enumerate(questions, start=1)}
        answered = {answer.question_id for answer in answers}
        unanswered = [question for question in questions if question.pk not in answered]
        for question in unanswered:
            question.position = positions[question.pk]
        for answer in answers:
            answer.position = positions.get(answer.question_id)
        rows = [
            (answer, answer_view(answer), form) for answer, form in zip(answers, forms, strict=True)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Grade {person(submission.student)}",
            "subtitle": str(submission.assignment),
            "opts": self.opts,
            "submission": submission,
            "rows": rows,
            "unanswered": unanswered,
            "can_grade": can_grade,
            "history": grade_history(
                submission, {answer.pk: answer.position for answer in answers}
            ),
            "original": submission,
            "has_view_permission": True,
            "media": self.media,
        }
        return TemplateResponse(request, self.grade_template, context)


def _points(value):
    return "–" if value is None else marks(value)


# How an answer is shown to its grader ------------------------------------------------------------


def answer_view(answer):
    """What the template needs to show an answer next to its question and key."""
    question, rules = answer.question, answer.question.rules
    sources = answer.sources
    view = {"kind": question.kind, "sources": sources, "template": rules.template("grading")}
    view.update(
        rules.grading_view(
            answer.response or {}, question.settings or {}, question.key or {}, sources
        )
    )
    return view


def grade_history(submission, positions):
    """Every change of a grade on this submission, newest first: who, when, what it was.

    `positions` numbers the questions as the page does: {answer id: question number}.
    """
    records = list(
        Grade.history.filter(answer__submission_id=submission.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    previous, rows = {}, []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if before is None or before.score != record.score:
            changes.append(
                ("score", _points(before.score) if before else "–", _points(record.score))
            )
        if before is None or before.feedback != record.feedback:
            changes.append(
                (
                    "feedback",
                    Truncator(before.feedback).chars(120) if before else "",
                    Truncator(record.feedback).chars(120),
                )
            )
        if before is not None and before.override_reason != record.override_reason:
            changes.append(("reason for override", before.override_reason, record.override_reason))
        previous[record.id] = record
        if changes:
            rows.append(
                {
                    "when": record.history_date,
                    "who": person(record.history_user) or "(unknown)",
                    "question": positions.get(record.answer_id),
                    "changes": changes,
                }
            )
    rows.reverse()
    return rows
