"""The desk page "Department library": colleagues' shared assignments, and copying one
into a class of one's own."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from ..models import Assignment, Classroom, Question
from ..services.department_library import copy_into_class as copy_service


class CopyIntoClassForm(forms.Form):
    """Which of the teacher's classes gets the copy."""

    classroom = forms.ModelChoiceField(
        Classroom.objects.none(),
        label="Copy into",
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the classes you teach."},
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classroom"].queryset = classes


def shared_assignments(user):
    """Colleagues' shared assignments, with their class, teachers and question count."""
    questions = (
        Question.objects.filter(assignment=OuterRef("pk"))
        .order_by()
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Assignment.objects.shared_by_colleagues_of(user)
        .select_related("classroom")
        .prefetch_related("classroom__teachers")
        .annotate(question_total=Subquery(questions))
        .order_by("title", "pk")
    )


def _library_page(request, classes, *, error="", failed=None, status=200):
    classes = list(classes)
    context = {
        **admin.site.each_context(request),
        "title": "Department library",
        "assignments": shared_assignments(request.user),
        "classes": classes,
        "can_copy": request.user.has_perm("exercises.add_assignment") and bool(classes),
        "error": error,
        "failed": failed,
    }
    return TemplateResponse(
        request, "admin/exercises/department_library.html", context, status=status
    )


def _taught(user):
    return Classroom.objects.taught_by(user).order_by("name", "pk")


@require_GET
def department_library(request):
    if not request.user.has_perm("exercises.view_assignment"):
        raise PermissionDenied
    return _library_page(request, _taught(request.user))


@require_POST
def copy_into_class(request, pk):
    """Copy a colleague's shared assignment into one of the teacher's classes, as a draft."""
    if not request.user.has_perm("exercises.add_assignment"):
        raise PermissionDenied
    assignment = get_object_or_404(Assignment.objects.shared_by_colleagues_of(request.user), pk=pk)
    classes = _taught(request.user)
    form = CopyIntoClassForm(request.POST, classes=classes)
    if not form.is_valid():
        message = " ".join(form.errors.get("classroom", ["Choose one of the classes you teach."]))
        return _library_page(request, classes, error=message, failed=assignment.pk, status=400)
    copy = copy_service(assignment, form.cleaned_data["classroom"])
    messages.success(
        request,
        f"Copied “{assignment}” into {copy.classroom} as a draft. Check its dates, then "
        "publish it.",
    )
    return redirect("admin:exercises_assignment_change", copy.pk)


admin.site.register_view(
    "exercises/department-library/", department_library, "exercises_department_library"
)
admin.site.register_view(
    "exercises/department-library/<int:pk>/copy/",
    copy_into_class,
    "exercises_department_library_copy",
)
