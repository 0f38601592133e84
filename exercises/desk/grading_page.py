"""The grading page: one submission, every answer graded on one page.

A page of the desk of its own (`register_view`), served at the submission's change URL
(admin:exercises_submission_change): on the desk, opening a submission means grading it,
so Django's change form for a submission is not served. It works through the submissions'
ModelAdmin for what the desk knows there: which submissions the teacher reaches (their
classes), what they may do, and the filters and order of the list they came from ("Save
and grade the next").
"""

import copy

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator

from .. import access, selectors
from ..marks import marks
from ..models import Criterion, Grade, Submission
from ..services import answering, grading
from .forms.submissions import GradeForm
from .naming import counted, person

TEMPLATE = "admin/exercises/submission/grade.html"


def grading_page(request, submissions, object_id):
    """The page itself: `submissions` is the submissions' ModelAdmin (see the module)."""
    submission = submissions.get_object(request, unquote(object_id))
    if submission is None:
        return submissions._get_obj_does_not_exist_redirect(request, submissions.opts, object_id)
    if not submissions.has_view_or_change_permission(request, submission):
        raise PermissionDenied
    answering.hand_in_if_time_up(submission)  # no query unless its clock ran out
    can_grade = submissions.has_change_permission(request, submission) and access.may_grade(
        request.user
    )
    answers = _answers(submission)
    if request.method == "POST":
        if not can_grade:
            raise PermissionDenied
        forms = [GradeForm(request.POST, answer=answer) for answer in answers]
        if all(form.is_valid() for form in forms):
            inputs = _grade_inputs(forms)
            try:
                grading.save_grades(request.user, inputs)
            except grading.GradeConflict as conflict:
                _say_conflict(request, conflict)
                answers, forms = _forms_after_conflict(request, submission, conflict)
            else:
                return _saved(request, submissions, submission, len(inputs))
        else:
            messages.error(request, "Nothing was saved: correct the marks shown in red below.")
    else:
        forms = [GradeForm(answer=answer) for answer in answers]
    return _page(request, submissions, submission, answers, forms, can_grade)


def _answers(submission):
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
    sources = selectors.question_sources([answer.question_id for answer in answers])
    for answer in answers:
        answer.sources = sources.get(answer.question_id, [])
    return answers


def _grade_inputs(forms):
    """What the grader changed, answer by answer: answers they did not touch are left as
    they are, whatever others saved meanwhile."""
    return [
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


def _say_conflict(request, conflict):
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


def _saved(request, submissions, submission, saved):
    """Where a successful save goes: this page again, or the next submission waiting."""
    if saved:
        messages.success(
            request,
            counted(saved, "%(count)d grade saved", "%(count)d grades saved")
            + f" for {person(submission.student)}.",
        )
    else:
        messages.info(request, "Nothing had changed: nothing was saved.")
    preserved = {
        "preserved_filters": submissions.get_preserved_filters(request),
        "opts": submissions.opts,
    }
    if "_grade_next" in request.POST:
        following = _next_ungraded(request, submissions, submission)
        if following is not None:
            url = reverse("admin:exercises_submission_change", args=[following])
            return redirect(add_preserved_filters(preserved, url))
        messages.info(request, f"Every submission handed in for {submission.assignment} is graded.")
        changelist = reverse("admin:exercises_submission_changelist")
        filters = request.GET.get("_changelist_filters")
        return redirect(
            f"{changelist}?{filters}"
            if filters
            else f"{changelist}?assignment__id__exact={submission.assignment_id}"
        )
    url = reverse("admin:exercises_submission_change", args=[submission.pk])
    return redirect(add_preserved_filters(preserved, url))


def _next_ungraded(request, submissions, submission):
    """The id of the next handed-in submission still waiting for a score, in the order and
    with the filters of the list the teacher opened this one from (the list of this
    assignment when they came some other way)."""
    filters = request.GET.get("_changelist_filters") or (
        f"assignment__id__exact={submission.assignment_id}"
    )
    list_request = copy.copy(request)
    list_request.method = "GET"
    list_request.GET = QueryDict(filters)
    list_request.POST = QueryDict()
    try:
        changelist = submissions.get_changelist_instance(list_request)
    except IncorrectLookupParameters:
        changelist = None
    if changelist is None:
        rows = submissions.get_queryset(request).filter(assignment_id=submission.assignment_id)
        rows = rows.order_by(*submissions.ordering)
    else:
        rows = changelist.get_queryset(list_request)
    return selectors.next_ungraded(rows, submission)


def _forms_after_conflict(request, submission, conflict):
    """The grader's input kept, now based on the grades as the other grader left them:
    saving again replaces theirs, knowingly."""
    conflicts = {c.answer.pk: c.grade for c in conflict.conflicts}
    data = request.POST.copy()
    answers = _answers(submission)
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


def _page(request, submissions, submission, answers, forms, can_grade):
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
        **submissions.admin_site.each_context(request),
        "title": f"Grade {person(submission.student)}",
        "subtitle": str(submission.assignment),
        "opts": submissions.opts,
        "submission": submission,
        "rows": rows,
        "unanswered": unanswered,
        "can_grade": can_grade,
        "history": grade_history(submission, {answer.pk: answer.position for answer in answers}),
        "original": submission,
        "has_view_permission": True,
        "media": submissions.media,
    }
    return TemplateResponse(request, TEMPLATE, context)


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


# What the history shows of a grade's change, in this order: {field: (its name, how its
# value is shown)}.
HISTORY_FIELDS = {
    "score": ("score", lambda score: marks(score, missing="–")),
    "feedback": ("feedback", lambda text: Truncator(text).chars(120)),
    "override_reason": ("reason for override", str),
}


def grade_history(submission, positions):
    """Every change of a grade on this submission, newest first: who, when, what it was.

    Each record is compared with the one before it (django-simple-history's `diff_against`);
    a grade's first record shows its score and feedback as given.
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
        if before is None:
            changes = [
                ("score", "–", marks(record.score, missing="–")),
                ("feedback", "", HISTORY_FIELDS["feedback"][1](record.feedback)),
            ]
        else:
            delta = record.diff_against(before, included_fields=HISTORY_FIELDS)
            changed = {change.field: change for change in delta.changes}
            changes = [
                (label, shown(changed[name].old), shown(changed[name].new))
                for name, (label, shown) in HISTORY_FIELDS.items()
                if name in changed
            ]
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


admin.site.register_view(
    "exercises/submission/<path:object_id>/change/",
    grading_page,
    "exercises_submission_change",
    model=Submission,
)
