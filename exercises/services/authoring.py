"""Authoring, as the teacher's desk does it: copying an assignment, setting a question's
sources in order, choosing the answers shown to the class, and the builder's adding, moving,
deleting, changing a question's kind and publishing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from ..kinds import KINDS
from ..models import Assignment, AssignmentSource, FeaturedAnswer, Question, QuestionSource


@transaction.atomic
def duplicate_assignment(assignment):
    """Copy an assignment, its sources and its questions (with their sources and keys) as a
    draft titled "… (copy)", for another class or next year. Students' work is not copied."""
    suffix = " (copy)"
    copy = Assignment.objects.create(
        classroom=assignment.classroom,
        title=assignment.title[: 200 - len(suffix)] + suffix,
        instructions=assignment.instructions,
        opens_at=assignment.opens_at,
        due_at=assignment.due_at,
        accepts_late=assignment.accepts_late,
        status=Assignment.Status.DRAFT,
    )
    AssignmentSource.objects.bulk_create(
        AssignmentSource(assignment=copy, source_id=link.source_id, order=link.order)
        for link in assignment.assignment_sources.all()
    )
    for question in assignment.questions.prefetch_related("question_sources"):
        links = list(question.question_sources.all())
        question.pk = None
        question.id = None
        question._state.adding = True
        question.assignment = copy
        question.save()
        QuestionSource.objects.bulk_create(
            QuestionSource(question=question, source_id=link.source_id, order=link.order)
            for link in links
        )
    return copy


def set_question_sources(question, sources):
    """Give `question` these sources, in this order, and add any the assignment lacks to the
    end of the assignment's sources (students read them there).

    Called inside the question's save (the admin's transaction), so it opens none of its own.
    """
    QuestionSource.objects.filter(question=question).exclude(
        source__in=[source.pk for source in sources]
    ).delete()
    for position, source in enumerate(sources):
        QuestionSource.objects.update_or_create(
            question=question, source=source, defaults={"order": position}
        )
    assignment = question.assignment
    links = list(assignment.assignment_sources.all())
    used = {link.source_id for link in links}
    last = max((link.order for link in links), default=-1)
    for source in sources:
        if source.pk not in used:
            last += 1
            assignment.assignment_sources.create(source=source, order=last)


@transaction.atomic
def feature_answers(question, answers):
    """Show `answers` (of `question`) to the class in place of its former picks; answers
    already shown keep their letter's place. Returns (question, how many are shown)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    chosen = sorted(answer.pk for answer in answers)
    kept = list(
        question.featured_answers.filter(answer__in=chosen).values_list("answer_id", flat=True)
    )
    ordered = kept + [pk for pk in chosen if pk not in kept]
    question.featured_answers.all().delete()
    FeaturedAnswer.objects.bulk_create(
        FeaturedAnswer(question=question, answer_id=pk, order=place)
        for place, pk in enumerate(ordered)
    )
    return question, len(ordered)


def add_question(assignment, kind):
    """A new question of `kind`, last in `assignment`, with the kind's empty settings: the
    teacher then writes its prompt, chooses its sources and sets its key on the builder."""
    rules = KINDS[kind]
    try:
        settings = rules.clean_settings({})
    except ValidationError:
        settings = {}  # a kind whose settings need words the teacher has yet to write
    last = assignment.questions.aggregate(last=Max("order"))["last"]
    return Question.objects.create(
        assignment=assignment,
        order=0 if last is None else last + 1,
        kind=kind,
        settings=settings,
        key={},
    )


@transaction.atomic
def move_question(question, position):
    """Put `question` at `position` (1 for first) among its assignment's questions and
    number them all again from 0, so that the order has no gaps or ties."""
    questions = list(
        Question.objects.select_for_update()
        .filter(assignment_id=question.assignment_id)
        .order_by("order", "id")
    )
    moving = next(q for q in questions if q.pk == question.pk)
    questions.remove(moving)
    position = min(max(position, 1), len(questions) + 1)
    questions.insert(position - 1, moving)
    for order, each in enumerate(questions):
        each.order = order
    Question.objects.bulk_update(questions, ["order"])
    return position


class Answered(ValidationError):
    """Students have answered the question: it can no longer be deleted or change kind."""


ANSWERED_NOT_DELETED = (
    "Students have answered this question, so it is not deleted: their answers and marks "
    "would go with it. Change its wording instead, or copy the assignment and delete it there."
)


def _renumber(assignment_id):
    """Number an assignment's questions again from 0, in their order (no gaps or ties)."""
    questions = list(
        Question.objects.select_for_update()
        .filter(assignment_id=assignment_id)
        .order_by("order", "id")
    )
    for order, each in enumerate(questions):
        each.order = order
    Question.objects.bulk_update(questions, ["order"])


@transaction.atomic
def delete_question(question):
    """Delete a question nobody has answered (with its sources' links and key), and number
    the assignment's questions again from 0.

    Refused with `Answered` once a student has answered it, rather than asking the teacher
    to confirm: deleting it would silently take students' saved work and marks with it,
    which no teacher tidying a draft means to do. The page's own confirmation is for the
    teacher's slip of the hand; this rule is for the students."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.answers.exists():
        raise Answered(ANSWERED_NOT_DELETED)
    assignment_id = question.assignment_id
    question.delete()
    _renumber(assignment_id)


@transaction.atomic
def change_question_kind(question, kind):
    """Make a question nobody has answered one of `kind`: its prompt, sources, marks and
    rubric stay; its settings are kept where the new kind's rules accept them (else the
    new kind starts from its empty settings) and its key is cleared (a key has its kind's
    shape). Refused with `Answered` once answered (answers belong to the kind they answered).
    Returns the question."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.answers.exists():
        raise Answered(Question.KIND_LOCKED)
    if kind == question.kind:
        return question
    try:
        question.settings = KINDS[kind].clean_settings(question.settings or {})
    except ValidationError:
        question.settings = {}  # the teacher writes the new kind's settings on the builder
    question.kind = kind
    question.key = {}
    question.save(update_fields=["kind", "settings", "key"])
    return question


class NotReady(ValidationError):
    """The assignment cannot be published yet: its messages say which questions to finish."""


@transaction.atomic
def publish_assignment(assignment, problems_of):
    """Publish the assignment once every question is finished. `problems_of(question,
    sources)` names what keeps one question from being set (the desk's words)."""
    questions = list(assignment.questions.prefetch_related("question_sources__source"))
    if not questions:
        raise NotReady("Add a question before publishing.")
    problems = []
    for number, question in enumerate(questions, start=1):
        sources = [link.source for link in question.question_sources.all()]
        problems += [f"Question {number}: {p}" for p in problems_of(question, sources)]
    if problems:
        raise NotReady(problems)
    assignment.status = Assignment.Status.PUBLISHED
    assignment.save(update_fields=["status"])
