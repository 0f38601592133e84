"""The class analytics pages of an assignment: for its class's teachers only.

Anyone else, other teachers and students alike, gets a 404, so the page does not even say
that the assignment exists; someone not logged in is sent to log in first.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from . import access
from .analytics import FEATURABLE_KINDS, AssignmentReport
from .models import FEATURED_PER_QUESTION, Answer, Assignment, Question, Submission
from .services.authoring import feature_answers


class FeaturedAnswersForm(forms.Form):
    """The answers of one question that the teacher shows the class, at most three."""

    question = forms.ModelChoiceField(
        queryset=Question.objects.none(),
        error_messages={"invalid_choice": "That question is not one whose answers can be shown."},
    )
    answers = forms.ModelMultipleChoiceField(
        queryset=Answer.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": "One of the answers chosen is no longer submitted work "
            "(it may have been returned for revision). Reload the page and choose again.",
            "invalid_pk_value": "The answers chosen are not in the expected form.",
        },
    )

    def __init__(self, assignment, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = assignment.questions.filter(kind__in=FEATURABLE_KINDS)
        self.fields["answers"].queryset = Answer.objects.filter(
            submission__assignment=assignment,
            submission__status=Submission.Status.SUBMITTED,
            submission__submitted_at__isnull=False,
        )

    def clean(self):
        cleaned = super().clean()
        question, answers = cleaned.get("question"), cleaned.get("answers")
        if question is None or answers is None:
            return cleaned
        if any(answer.question_id != question.pk for answer in answers):
            raise forms.ValidationError("Choose only answers to this question.")
        if len(answers) > FEATURED_PER_QUESTION:
            raise forms.ValidationError(
                f"Choose at most {FEATURED_PER_QUESTION} answers to show the class; "
                f"you chose {len(answers)}."
            )
        return cleaned

    def save(self):
        """Replace the question's picks (services.authoring.feature_answers)."""
        return feature_answers(self.cleaned_data["question"], self.cleaned_data["answers"])


def _taught_assignment(request, pk):
    return get_object_or_404(
        Assignment.objects.for_teacher(request.user).select_related("classroom"), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def analytics(request, pk):
    assignment = _taught_assignment(request, pk)
    form = None
    if request.method == "POST":
        # Teaching the class lets a teacher read the analytics; choosing which answers the
        # class sees replaces featured answers, which needs the permissions to do so.
        if not access.may_feature_answers(request.user):
            raise PermissionDenied
        form = FeaturedAnswersForm(assignment, request.POST)
        if form.is_valid():
            question, count = form.save()
            if count:
                messages.success(
                    request,
                    f"{count} answer{'s' if count > 1 else ''} will be shown to the class "
                    "as Student A" + ("–" + "ABC"[count - 1] if count > 1 else "") + ".",
                )
            else:
                messages.success(request, "No answers will be shown for that question.")
            url = reverse("exercises:analytics", args=[assignment.pk])
            return redirect(f"{url}#q{question.pk}-featured")

    report = AssignmentReport.build(assignment, with_candidates=True)
    if form is not None:
        _show_form_errors(request, report, form)
    return render(
        request,
        "exercises/analytics/page.html",
        {"assignment": assignment, "report": report, "projector": False},
    )


def _show_form_errors(request, report, form):
    """Put the errors beside the question's picker, keeping the boxes the teacher ticked."""
    errors = " ".join([*form.non_field_errors(), *form.errors.get("answers", [])])
    question = form.cleaned_data.get("question")
    target = next((q for q in report.questions if question and q.question.pk == question.pk), None)
    if target is None:
        messages.error(request, " ".join(form.errors.get("question", [])) or errors)
        return
    target.pick_error = errors
    target.picked_ids = {int(pk) for pk in form.data.getlist("answers") if str(pk).isdigit()}


@login_required
@require_GET
def analytics_projector(request, pk):
    assignment = _taught_assignment(request, pk)
    # No candidates: the projector page never loads a student's name.
    report = AssignmentReport.build(assignment)
    return render(
        request,
        "exercises/analytics/projector.html",
        {"assignment": assignment, "report": report, "projector": True},
    )
