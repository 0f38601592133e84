"""Who may do what in a class: the roles, in one place.

A class (`Classroom`) has teachers (`Classroom.teachers`) and students (an `Enrollment`
each). A teacher is also a staff user in the "Teachers" group (migration 0003): the group's
permissions say which kinds of thing a teacher may build (add and change assignments,
questions, rubrics), grade (add and change grades) and release or return (change
submissions); the rules here narrow that to the classes they teach. A superuser teaches
every class.

Everything that asks "is this in one of their classes?" asks here, through these functions
or the querysets that call them (`Classroom.objects.taught_by`,
`Assignment.objects.for_teacher` and `for_student`, `Submission.objects.visible_to`): the
student's pages, the analytics pages, the LTI launch and the desk, whose lists, pages,
choices and actions are narrowed by `teacher_scope` (desk/scope.py applies it to every
ModelAdmin of a class's things). Pages ask `may_grade` before they grade.

A new role is a change here and in a membership model only. A teaching assistant who grades
a class's work but does not build its assignments would be a `Classroom.assistants` (or a
role on a membership) and one more clause in `taught`'s lookups, with its own group of
permissions (grades and submissions, not assignments or questions): no page, view or
ModelAdmin changes.

This module imports no model (the models' querysets import it); it names models by label.
"""

from django.apps import apps
from django.db.models import Q

# How each model of a class reaches its class: a lookup path ("" for the class itself).
# Shared material (sources, rubrics) belongs to no class: every teacher uses it.
CLASS_OF = {
    "exercises.classroom": "",
    "exercises.enrollment": "classroom",
    "exercises.assignment": "classroom",
    "exercises.assignmentsource": "assignment__classroom",
    "exercises.question": "assignment__classroom",
    "exercises.submission": "assignment__classroom",
    "exercises.answer": "submission__assignment__classroom",
    "exercises.grade": "answer__submission__assignment__classroom",
}

# What grading needs beyond reaching the work: the Teachers group has both.
GRADER_PERMISSIONS = ["exercises.add_grade", "exercises.change_grade"]


def _class_path(model):
    return CLASS_OF[model._meta.label_lower]


def _via(path, name):
    return f"{path}__{name}" if path else name


def belongs_to_a_class(model):
    """Whether `model`'s rows belong to one class each (and so to its teachers only)."""
    return model._meta.label_lower in CLASS_OF


def taught(things, user):
    """`things` (a queryset of a class's things) in the classes `user` teaches, by a join."""
    if user.is_superuser:
        return things
    return things.filter(**{_via(_class_path(things.model), "teachers"): user})


def studied(things, user):
    """`things` (a queryset of a class's things) in the classes `user` is enrolled in."""
    return things.filter(**{_via(_class_path(things.model), "enrollments__student"): user})


def submissions_seen(submissions, user):
    """A student sees their own submissions; a teacher those of the classes they teach."""
    if user.is_superuser:
        return submissions
    teaches = Q(**{_via(_class_path(submissions.model), "teachers"): user})
    return submissions.filter(Q(student=user) | teaches).distinct()


def teacher_scope(queryset, user):
    """Narrow a queryset of a class's things to the classes `user` teaches, by a subquery of
    their classes (the desk's lists sort and page huge tables: no join that multiplies rows).

    Shared material (sources, rubrics) is returned as it is. A superuser sees everything.
    """
    if not belongs_to_a_class(queryset.model) or user.is_superuser:
        return queryset
    classes = taught(apps.get_model("exercises", "Classroom").objects.all(), user)
    path = _class_path(queryset.model) or "pk"
    return queryset.filter(**{f"{path}__in": classes.values("pk")})


def open_to_student(user, assignment_pk, now):
    """`Assignment.objects.for_student(user)`'s rule, for one assignment open at `now`, as
    one SQL condition and its parameters (a `RawSQL` to filter on): published, opened, of a
    class the student is enrolled in, and set for the whole class or for them.

    The autosave asks this of every save. Composing the same rule with the ORM (subqueries
    of `for_student`) cost about 4 ms of CPU per save in compiling alone, half of the
    save's server time; written out it costs nothing. Both forms are tested to agree
    (tests/exercises/test_open_to_student.py).
    """
    from django.db import connection
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    model = apps.get_model("exercises", "Assignment")
    assignment = model._meta
    enrollment = apps.get_model("exercises", "Enrollment")._meta
    chosen = assignment.get_field("chosen_students")
    through = chosen.remote_field.through._meta.db_table
    of, who = chosen.m2m_column_name(), chosen.m2m_reverse_name()
    column = {f.name: f.column for f in assignment.concrete_fields}
    enrolled = {f.name: f.column for f in enrollment.concrete_fields}
    sql = (
        f"EXISTS (SELECT 1 FROM {assignment.db_table} oa "
        f"INNER JOIN {enrollment.db_table} oe ON oe.{enrolled['classroom']} = "
        f"oa.{column['classroom']} AND oe.{enrolled['student']} = %s "
        f"WHERE oa.{column['id']} = %s AND oa.{column['status']} = %s "
        f"AND oa.{column['opens_at']} <= %s "
        f"AND (NOT EXISTS (SELECT 1 FROM {through} oc WHERE oc.{of} = oa.{column['id']}) "
        f"OR EXISTS (SELECT 1 FROM {through} oc WHERE oc.{of} = oa.{column['id']} "
        f"AND oc.{who} = %s)))"
    )
    opens_at = assignment.get_field("opens_at").get_db_prep_value(now, connection)
    params = [user.pk, assignment_pk, model.Status.PUBLISHED.value, opens_at, user.pk]
    return RawSQL(sql, params, output_field=BooleanField())


def may_grade(user):
    """Whether `user`'s role lets them grade (in the classes they reach)."""
    return user.has_perms(GRADER_PERMISSIONS)


FEATURE_PERMISSIONS = [
    "exercises.add_featuredanswer",
    "exercises.change_featuredanswer",
    "exercises.delete_featuredanswer",
]


def may_feature_answers(user):
    """Whether `user`'s role lets them choose the answers their class is shown (teaching the
    class lets them read its analytics; choosing needs these permissions too)."""
    return user.has_perms(FEATURE_PERMISSIONS)
