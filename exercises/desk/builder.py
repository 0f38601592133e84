"""The assignment builder: one desk page where a teacher adds questions (of a kind, or from
an exam-board template), chooses each one's sources, writes its prompt, sets its key beside
its source, orders the questions and publishes the assignment.

Every change is a POST to the page itself, naming its `action`. The page's script
(static/js/builder.js) sends them with fetch and reads JSON back (`Accept:
application/json`), so the teacher stays on the page; without the script the forms post
as they are and the page comes back (post, redirect, get). Bad input is a 400 either way.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sources.models import Source

from ..exam_templates import by_board, template_named
from ..kinds import KINDS
from ..models import Answer, Assignment, Question
from ..services import authoring
from ..services.exam_templates import add_question_from_template
from .forms.assignments import question_problems
from .forms.builder import BuilderChoices, BuilderQuestionForm

NEEDED = ["exercises.change_assignment", "exercises.add_question", "exercises.change_question"]


def builder_url(assignment):
    return reverse("admin:exercises_assignment_builder", args=[assignment.pk])


def _wants_json(request):
    return request.headers.get("Accept", "").split(",")[0].strip() == "application/json"


def _library():
    return Source.objects.select_related("author", "unit").order_by("unit__title", "number")


def _question_forms(assignment, library):
    questions = (
        assignment.questions.select_related("rubric")
        .prefetch_related("question_sources__source__author")
        .annotate(answered=Exists(Answer.objects.filter(question=OuterRef("pk"))))
    )
    choices = BuilderChoices(library)
    return [BuilderQuestionForm(instance=q, sources=library, choices=choices) for q in questions]


def _question_html(request, form, number, total):
    return render_to_string(
        "admin/exercises/builder/_question.html",
        {"form": form, "number": number, "total": total},
        request=request,
    )


class Refused(Exception):
    """A request the page cannot act on: a 400 with its message."""


@require_http_methods(["GET", "POST"])
def assignment_builder(request, pk):
    """The builder page (GET), and its actions (POST): add, add_template, save, move,
    change_kind, delete, publish."""
    if not request.user.has_perms(NEEDED):
        raise PermissionDenied
    assignment = get_object_or_404(
        Assignment.objects.for_teacher(request.user).select_related("classroom"), pk=pk
    )
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        try:
            if action is None:
                raise Refused("Choose what to do: add, save, move, change kind, delete or publish.")
            with transaction.atomic():
                return action(request, assignment)
        except Refused as refusal:
            if _wants_json(request):
                return JsonResponse({"error": str(refusal)}, status=400)
            messages.error(request, str(refusal))
            return _page(request, assignment, status=400)
    return _page(request, assignment)


def _page(request, assignment, *, status=200, bound=None):
    library = _library()
    forms = _question_forms(assignment, library)
    if bound is not None:
        forms = [bound if f.instance.pk == bound.instance.pk else f for f in forms]
    context = {
        **admin.site.each_context(request),
        "title": f"Build “{assignment.title}”",
        "subtitle": str(assignment.classroom),
        "assignment": assignment,
        "forms": forms,
        "kinds": [(name, Question.Kind(name).label) for name in KINDS],
        # Every kind's key widget, since a question of any kind may be added on the page.
        "builder_scripts": [k.builder_script for k in KINDS.values() if k.builder_script],
        "builder_stylesheets": [
            k.stylesheet for k in KINDS.values() if k.builder_template and k.stylesheet
        ],
        "boards": by_board(),
        "library": library,
        "published": assignment.status == Assignment.Status.PUBLISHED,
        "opts": Assignment._meta,
    }
    return TemplateResponse(request, "admin/exercises/builder/builder.html", context, status=status)


def _question_of(request, assignment):
    question_id = request.POST.get("question", "")
    if not question_id.isdigit():
        raise Refused("Say which question.")
    question = assignment.questions.filter(pk=question_id).first()
    if question is None:
        raise Refused("That question is not in this assignment (was it deleted?).")
    return question


def _added(request, assignment, question):
    if not _wants_json(request):
        messages.success(request, "Question added at the end. Write its prompt below.")
        return redirect(builder_url(assignment) + f"#question-{question.pk}")
    total = assignment.questions.count()
    form = BuilderQuestionForm(instance=question, sources=_library())
    return JsonResponse(
        {"html": _question_html(request, form, total, total), "id": question.pk}, status=201
    )


def add(request, assignment):
    kind = request.POST.get("kind", "")
    if kind not in KINDS:
        raise Refused("Choose a kind of question.")
    return _added(request, assignment, authoring.add_question(assignment, kind))


def add_template(request, assignment):
    if not request.user.has_perm("exercises.add_rubric"):
        raise PermissionDenied
    template = template_named(request.POST.get("template", ""))
    if template is None:
        raise Refused("Choose one of the exam-board templates.")
    return _added(
        request, assignment, add_question_from_template(assignment, template, request.user)
    )


def save(request, assignment):
    question = _question_of(request, assignment)
    form = BuilderQuestionForm(request.POST, instance=question, sources=_library())
    if not form.is_valid():
        if _wants_json(request):
            errors = {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        return _page(request, assignment, status=400, bound=form)
    question = form.save()
    form.save_sources()
    problems = question_problems(question, form.cleaned_sources)
    if not _wants_json(request):
        messages.success(request, "Question saved.")
        return redirect(builder_url(assignment) + f"#question-{question.pk}")
    return JsonResponse({"saved": True, "points": str(question.points), "problems": problems})


def move(request, assignment):
    question = _question_of(request, assignment)
    position = request.POST.get("position", "")
    if not position.isdigit() or int(position) < 1:
        raise Refused("Say where to move the question: a number from 1.")
    position = authoring.move_question(question, int(position))
    if _wants_json(request):
        return JsonResponse({"moved": True, "position": position})
    messages.success(request, f"Moved to question {position}.")
    return redirect(builder_url(assignment) + f"#question-{question.pk}")


def change_kind(request, assignment):
    """A question nobody has answered becomes one of another kind (its key cleared); the
    page gets the question's form again, with the new kind's fields and key widget."""
    question = _question_of(request, assignment)
    kind = request.POST.get("kind", "")
    if kind not in KINDS:
        raise Refused("Choose a kind of question.")
    try:
        question = authoring.change_question_kind(question, kind)
    except authoring.Answered as refusal:
        raise Refused(refusal.messages[0]) from None
    if not _wants_json(request):
        messages.success(request, f"Now a question of the kind “{question.get_kind_display()}”.")
        return redirect(builder_url(assignment) + f"#question-{question.pk}")
    ids = list(assignment.questions.order_by("order", "id").values_list("pk", flat=True))
    question.answered = False  # as the page annotates it: the change was refused otherwise
    form = BuilderQuestionForm(instance=question, sources=_library())
    html = _question_html(request, form, ids.index(question.pk) + 1, len(ids))
    return JsonResponse({"html": html, "id": question.pk, "kind": question.kind})


def delete(request, assignment):
    """Delete a question nobody has answered; the rest are numbered again. An answered one
    is refused (a 400 saying why), never deleted with the students' work."""
    if not request.user.has_perm("exercises.delete_question"):
        raise PermissionDenied
    question = _question_of(request, assignment)
    try:
        authoring.delete_question(question)
    except authoring.Answered as refusal:
        raise Refused(refusal.messages[0]) from None
    if _wants_json(request):
        return JsonResponse({"deleted": True, "questions": assignment.questions.count()})
    messages.success(request, "Question deleted; the others are numbered again.")
    return redirect(builder_url(assignment))


def publish(request, assignment):
    try:
        authoring.publish_assignment(assignment, question_problems)
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse(
                {"error": "Not published yet.", "problems": error.messages}, status=400
            )
        raise Refused("Not published yet: " + " ".join(error.messages)) from None
    if _wants_json(request):
        return JsonResponse({"published": True})
    messages.success(request, "Published: the class can see it from its opening date.")
    return redirect(builder_url(assignment))


ACTIONS = {
    "add": add,
    "add_template": add_template,
    "save": save,
    "move": move,
    "change_kind": change_kind,
    "delete": delete,
    "publish": publish,
}


admin.site.register_view(
    "exercises/assignment/<int:pk>/builder/",
    assignment_builder,
    "exercises_assignment_builder",
)
