"""The desk's "Make my own copy" of a rubric a teacher may not change in place."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from ..models import Rubric
from ..services.rubric_copies import copy_for_teacher


@require_POST
def own_copy(request, pk):
    """Copy the rubric for this teacher (their classes' questions move to the copy) and
    open the copy's page to edit it."""
    if not request.user.has_perm("exercises.add_rubric"):
        raise PermissionDenied
    rubric = get_object_or_404(Rubric, pk=pk)
    copy = copy_for_teacher(rubric, request.user)
    messages.success(
        request,
        f"This is your own copy of “{rubric}”; your classes' questions now use it. "
        "Colleagues' questions keep the original.",
    )
    return redirect("admin:exercises_rubric_change", copy.pk)


admin.site.register_view(
    "exercises/rubric/<int:pk>/own-copy/", own_copy, "exercises_rubric_own_copy"
)
