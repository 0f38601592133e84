"""Who sees what on the desk: a teacher works on the classes they teach.

The Teachers group's permissions say what kinds of thing a teacher may touch;
`TeacherScopedMixin` narrows them to the classes the teacher teaches (`access.teacher_scope`:
the rules of the roles are in exercises/access.py), everywhere the admin reaches the
database for them: change lists, change pages, autocomplete results, the choices of related
fields, bulk actions and exports. Sources and rubrics are shared by all teachers. A
superuser sees all.
"""

from ..access import belongs_to_a_class, teacher_scope


class TeacherScopedMixin:
    """For ModelAdmins and inlines: a teacher works on their own classes only."""

    def get_queryset(self, request):
        return teacher_scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if belongs_to_a_class(model) and "queryset" not in kwargs:
            kwargs["queryset"] = teacher_scope(model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
