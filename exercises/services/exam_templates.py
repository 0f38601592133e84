"""Adding a question from an exam-board template (`exercises.exam_templates`).

The question gets the template's kind, prompt, marks and settings, checked by the kind's
own rules (`kind_named`), and a rubric of its own made from the template's levels, owned
by the teacher who added it, so that they can reword it without touching anyone else's.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from ..kinds import kind_named
from ..models import Criterion, Level, Question, Rubric
from .rubric_copies import unique_rubric_name


def suggested_time(template):
    return f"(Suggested time: about {template.minutes} minutes.)"


def rubric_from(template, owner):
    """A new rubric with the template's criteria and levels, owned by `owner`."""
    rubric = Rubric.objects.create(
        name=unique_rubric_name(template.rubric_name),
        description=(
            f"From the template “{template.title}” ({template.board.name}), in our own "
            f"words: compare with the board's published mark scheme ({template.board.url})."
        ),
        owner=owner,
    )
    for order, spec in enumerate(template.criteria):
        criterion = Criterion.objects.create(
            rubric=rubric, order=order, name=spec.name, description=spec.description
        )
        Level.objects.bulk_create(
            Level(
                criterion=criterion,
                order=position,
                name=band.name,
                descriptor=band.descriptor,
                min_points=Decimal(band.low),
                max_points=Decimal(band.high),
            )
            for position, band in enumerate(spec.bands)
        )
    return rubric


@transaction.atomic
def add_question_from_template(assignment, template, teacher):
    """Add the template's question, last, to `assignment`, with its own rubric. The
    teacher then chooses its sources and fills in the [brackets] on its page."""
    rules = kind_named(template.kind)
    settings = rules.clean_settings(template.settings)
    key = rules.clean_key({}, settings, [])
    last = assignment.questions.aggregate(last=Max("order"))["last"]
    return Question.objects.create(
        assignment=assignment,
        order=0 if last is None else last + 1,
        kind=template.kind,
        prompt=f"{template.prompt} ({template.marks} marks)\n\n{suggested_time(template)}",
        points=Decimal(template.marks),
        settings=settings,
        key=key,
        rubric=rubric_from(template, teacher),
    )
