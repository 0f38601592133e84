"""Who sees what on the desk: a teacher works on the classes they teach.

A teacher is a staff user in the "Teachers" group (see migration 0003). The group's
permissions say what kinds of thing a teacher may touch; `TeacherScopedMixin` narrows them
to the classes the teacher teaches, everywhere the admin reaches the database for them:
change lists, change pages, autocomplete results, the choices of related fields, bulk
actions and exports. Sources and rubrics are shared by all teachers. A superuser sees all.
"""

from ..models import (
    Answer,
    Assignment,
    AssignmentSource,
    Classroom,
    Enrollment,
    Grade,
    Question,
    Submission,
)

# How each model of a class hangs off it: the lookup from the model to its class.
CLASS_OF = {
    Classroom: "pk",
    Enrollment: "classroom",
    Assignment: "classroom",
    AssignmentSource: "assignment__classroom",
    Question: "assignment__classroom",
    Submission: "assignment__classroom",
    Answer: "submission__assignment__classroom",
    Grade: "answer__submission__assignment__classroom",
}


def teacher_scope(queryset, user):
    """Narrow a queryset of a class's things to the classes `user` teaches.

    Shared material (sources, rubrics) is returned as it is. A superuser sees everything.
    """
    lookup = CLASS_OF.get(queryset.model)
    if lookup is None or user.is_superuser:
        return queryset
    return queryset.filter(**{f"{lookup}__in": Classroom.objects.taught_by(user).values("pk")})


class TeacherScopedMixin:
    """For ModelAdmins and inlines: a teacher works on their own classes only."""

    def get_queryset(self, request):
        return teacher_scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model in CLASS_OF and "queryset" not in kwargs:
            kwargs["queryset"] = teacher_scope(model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
