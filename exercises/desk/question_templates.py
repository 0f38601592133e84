"""The desk page "Add a question from an exam-board template", for one assignment."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from ..exam_templates import by_board, template_named
from ..models import Assignment
from ..services.exam_templates import add_question_from_template

NEEDED = ["exercises.add_question", "exercises.add_rubric"]


@require_http_methods(["GET", "POST"])
def question_templates(request, pk):
    """The templates grouped by board; choosing one adds its question (and a rubric of the
    teacher's own) to the assignment, then opens the question's page to finish it."""
    if not request.user.has_perms(NEEDED):
        raise PermissionDenied
    assignment = get_object_or_404(
        Assignment.objects.for_teacher(request.user).select_related("classroom"), pk=pk
    )
    error, status = "", 200
    if request.method == "POST":
        template = template_named(request.POST.get("template", ""))
        if template is None:
            error, status = "Choose one of the templates below.", 400
        else:
            question = add_question_from_template(assignment, template, request.user)
            messages.success(
                request,
                f"Added “{template.title}” with its rubric. Choose its sources and fill in "
                "the [brackets] of the prompt, then save.",
            )
            return redirect("admin:exercises_question_change", question.pk)
    context = {
        **admin.site.each_context(request),
        "title": "Add a question from an exam-board template",
        "subtitle": f"{assignment} ({assignment.classroom})",
        "assignment": assignment,
        "boards": by_board(),
        "error": error,
        "chosen": request.POST.get("template", ""),
    }
    return TemplateResponse(
        request, "admin/exercises/question_templates.html", context, status=status
    )


admin.site.register_view(
    "exercises/assignment/<int:pk>/question-templates/",
    question_templates,
    "exercises_question_templates",
)
