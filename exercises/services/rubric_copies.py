"""A teacher's own copy of a rubric: how one teacher's edits never reach another's questions.

Rubrics are shared (the library's, a colleague's), but a teacher changes one in place only
when it is theirs and used by no class they do not teach (`Rubric.editable_in_place_by`).
Otherwise they copy it: the copy is theirs, and it takes over the questions of their own
classes only; everyone else's questions keep the rubric as it was. Grades already given
keep the words and marks the rubric had when they were given (`CriterionGrade` copies them);
their levels are pointed at the copy's, so the grading page still shows the level chosen.
"""

from django.db import transaction

from ..models import Criterion, CriterionGrade, Level, Question, Rubric

NAME_LENGTH = Rubric._meta.get_field("name").max_length


def unique_rubric_name(wanted):
    """`wanted`, or `wanted (2)`, `(3)`... : rubric names are unique, and a teacher tells
    their rubrics apart by name in the question's rubric box."""
    name = wanted[:NAME_LENGTH]
    number = 2
    while Rubric.objects.filter(name=name).exists():
        suffix = f" ({number})"
        name = wanted[: NAME_LENGTH - len(suffix)] + suffix
        number += 1
    return name


def teacher_name(user):
    return user.get_full_name() or user.username


@transaction.atomic
def copy_for_teacher(rubric, teacher):
    """Make `teacher`'s own copy of `rubric` (criteria and levels) and mark their classes'
    questions with it. Returns the copy."""
    copy = Rubric.objects.create(
        name=unique_rubric_name(f"{rubric.name} ({teacher_name(teacher)})"),
        description=rubric.description,
        owner=teacher,
    )
    criteria, levels = {}, {}
    for criterion in rubric.criteria.prefetch_related("levels"):
        new = Criterion.objects.create(
            rubric=copy,
            order=criterion.order,
            name=criterion.name,
            description=criterion.description,
        )
        criteria[criterion.pk] = new
        for level in criterion.levels.all():
            levels[level.pk] = Level.objects.create(
                criterion=new,
                order=level.order,
                name=level.name,
                descriptor=level.descriptor,
                min_points=level.min_points,
                max_points=level.max_points,
            )
    # The classes they teach themselves (a superuser's copy takes no one else's questions).
    theirs = Question.objects.filter(rubric=rubric, assignment__classroom__teachers=teacher)
    given = CriterionGrade.objects.filter(grade__answer__question__in=theirs.values("pk"))
    for old, new in criteria.items():
        given.filter(criterion_id=old).update(criterion=new)
    for old, new in levels.items():
        given.filter(level_id=old).update(level=new)
    theirs.update(rubric=copy)
    return copy
