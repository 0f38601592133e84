"""The whole-class feedback sheet of an assignment (`exercises.feedback_sheet`), a desk page
registered on the admin site (`register_view`): for the class's teachers only (any other
assignment is a 404, as on the rest of the desk); printable, and without students' names so
that it may be handed out or projected.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from ..feedback_sheet import FeedbackSheet
from ..models import Assignment

SHEET_PERMISSION = "exercises.view_submission"


@require_safe
def feedback_sheet(request, pk):
    """Per question: levels reached, common misconceptions, exemplars (see the module)."""
    if not request.user.has_perm(SHEET_PERMISSION):
        raise PermissionDenied
    assignment = get_object_or_404(
        Assignment.objects.for_teacher(request.user).select_related("classroom").distinct(),
        pk=pk,
    )
    sheet = FeedbackSheet.build(assignment)
    context = {
        **admin.site.each_context(request),
        "title": f"Feedback sheet: {assignment}",
        "subtitle": str(assignment.classroom),
        "assignment": assignment,
        "sheet": sheet,
        "report": sheet.report,
        "projector": True,  # the kinds' analytics panels, as the class sees them
    }
    return TemplateResponse(request, "admin/exercises/feedback_sheet.html", context)


admin.site.register_view(
    "exercises/assignment/<int:pk>/feedback-sheet/", feedback_sheet, "exercises_feedback_sheet"
)
