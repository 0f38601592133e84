"""Grading, as the teacher's desk does it: saving grades (all or nothing, never over another
grader's), scoring the objective questions, releasing grades to the students, hiding them
again, and returning work for revision.

Each function spans several models or must be all-or-nothing; the desk calls them and only
translates their results into pages and messages.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import ngettext

from .. import selectors
from ..kinds import KINDS
from ..models import Answer, CriterionGrade, Grade, Submission
from ..signals import grades_released
from . import answering

OBJECTIVE_KINDS = [name for name, kind in KINDS.items() if kind.objective]


def _selected(submissions):
    # Re-select by primary key: the admin's queryset carries annotations and ordering that
    # an UPDATE does not need.
    return Submission.objects.filter(pk__in=submissions.order_by().values("pk"))


@transaction.atomic
def score_objective(submissions):
    """Fill in `Answer.auto_score` of the objective questions (kinds that score themselves).

    Returns the number of answers scored. Rescoring after a key is corrected is the same
    operation: the scores follow the key as it is now.
    """
    answers = list(
        Answer.objects.filter(
            submission__in=_selected(submissions).values("pk"),
            question__kind__in=OBJECTIVE_KINDS,
        ).select_related("question")
    )
    sources = selectors.question_sources({answer.question_id for answer in answers})
    for answer in answers:
        answer.auto_score = answer.question.auto_score(
            answer.response, sources.get(answer.question_id, [])
        )
    Answer.objects.bulk_update(answers, ["auto_score"], batch_size=500)
    return len(answers)


# Release and return -----------------------------------------------------------------------


@dataclass
class Release:
    """What a release did: how many were released, and which were held back and why."""

    released: int = 0
    # (pupil's name, why it was not released), in the order of the pupils' names.
    skipped: list = field(default_factory=list)


def pupil_name(user):
    """A pupil as teachers call them: their full name, else their username."""
    return user.get_full_name() or user.username


def release(submissions, now=None):
    """Show the grades and feedback to the students, for fully marked work only.

    As Canvas's "post graded only": a submission with an answer still waiting for a mark
    is held back, so a pupil never reads a partial total as their mark. Work not yet
    handed in is left alone. Returns a `Release` naming the held-back pupils and why.
    """
    now = now or timezone.now()
    chosen = _selected(submissions).filter(released_at__isnull=True)
    handed_in = chosen.filter(status__in=[Submission.Status.SUBMITTED, Submission.Status.RETURNED])
    waiting = Answer.objects.filter(submission=OuterRef("pk")).filter(selectors.awaiting_score())
    result = Release()
    held = (
        handed_in.annotate(
            waiting=Subquery(waiting.values("submission").annotate(n=Count("pk")).values("n")[:1])
        )
        .filter(Q(waiting__gt=0) | ~Exists(Answer.objects.filter(submission=OuterRef("pk"))))
        .select_related("student")
    )
    for submission in held:
        count = submission.waiting or 0
        why = (
            ngettext(
                "%(count)d answer is waiting for a mark",
                "%(count)d answers are waiting for a mark",
                count,
            )
            % {"count": count}
            if count
            else "nothing was answered, so there is nothing to mark"
        )
        result.skipped.append((pupil_name(submission.student), why))
    for submission in chosen.exclude(pk__in=handed_in.values("pk")).select_related("student"):
        result.skipped.append((pupil_name(submission.student), "not handed in yet"))
    result.skipped.sort()
    result.released = selectors.graded(handed_in).update(released_at=now, release_seen=False)
    # Others (the LMS grade passback) hear of it; they only enqueue work, never block.
    grades_released.send(Submission, submissions=_selected(submissions).filter(released_at=now))
    return result


def withdraw_release(submissions):
    """Hide released grades again (a release made by mistake). Returns the number hidden."""
    return (
        _selected(submissions)
        .filter(released_at__isnull=False)
        .update(released_at=None, release_seen=False)
    )


def return_for_revision(submissions):
    """Give submitted work back to the students: editable again until they resubmit.

    The student pages' own rule (`answering.reopen`) does it, one submission at a time, so
    the desk and the student side agree on what "returned" means. Grades already given are
    kept. Returns the number of submissions returned.
    """
    with transaction.atomic():
        chosen = _selected(submissions).filter(status=Submission.Status.SUBMITTED)
        return sum(1 for submission in chosen if answering.reopen(submission))


# Grading ---------------------------------------------------------------------------------


@dataclass
class LevelChoice:
    """A level the grader chose for one criterion, and the mark they gave within it."""

    criterion: object
    level: object
    points: Decimal


@dataclass
class GradeInput:
    """What a grader typed for one answer, and the grade version their page was loaded with."""

    answer: Answer
    version: int
    score: Decimal | None
    feedback: str
    override_reason: str = ""
    levels: list = field(default_factory=list)
    # "Green pen" (ask the student to respond); None leaves it as it was.
    response_required: bool | None = None


@dataclass
class Conflict:
    """Another grader saved this answer's grade after the page was loaded."""

    answer: Answer
    grade: Grade


class GradeConflict(Exception):
    """Raised when a save would overwrite another grader's work; nothing was saved."""

    def __init__(self, conflicts):
        super().__init__(f"{len(conflicts)} grade(s) changed by someone else")
        self.conflicts = conflicts


def _current_grade(answer):
    return (
        Grade.objects.select_related("graded_by")
        .prefetch_related("criterion_grades")
        .get(answer=answer)
    )


def _save_levels(grade, levels):
    """Copy the chosen levels into the grade, as the rubric words them now.

    A criterion whose level and mark are unchanged keeps its old copy, so re-saving a grade
    (e.g. to edit the feedback) after the rubric was reworded does not reword the grade.
    """
    existing = {cg.criterion_id: cg for cg in grade.criterion_grades.all()}
    chosen = {choice.criterion.pk: choice for choice in levels}
    for criterion_id, given in existing.items():
        if criterion_id is not None and criterion_id not in chosen:
            given.delete()
    for criterion_id, choice in chosen.items():
        given = existing.get(criterion_id)
        if given and given.level_id == choice.level.pk and given.points == choice.points:
            continue
        CriterionGrade.objects.update_or_create(
            grade=grade,
            criterion=choice.criterion,
            defaults={
                "level": choice.level,
                "criterion_name": choice.criterion.name,
                "level_name": choice.level.name,
                "level_descriptor": choice.level.descriptor,
                "band_min": choice.level.min_points,
                "band_max": choice.level.max_points,
                "points": choice.points,
            },
        )


def save_grades(grader, inputs, now=None):
    """Save several grades at once, all or nothing.

    Each input names the grade version its form was loaded with. A grade saved by someone
    else since then is not overwritten: the whole save is refused with `GradeConflict`,
    which lists the other graders' grades as they are now. The version check is a
    conditional UPDATE, so two graders saving at the same instant cannot both win.
    Every change is recorded in the grade's history (who, when, what it was before).
    """
    now = now or timezone.now()
    conflicts = []
    with transaction.atomic():
        for item in inputs:
            values = {
                "score": item.score,
                "feedback": item.feedback,
                "override_reason": item.override_reason,
                "graded_by": grader,
                "graded_at": now,
            }
            if item.response_required is not None:
                values["response_required"] = item.response_required
            grade = Grade.objects.filter(answer=item.answer).first()
            if grade is None:
                try:
                    with transaction.atomic():
                        grade = Grade.objects.create(answer=item.answer, version=1, **values)
                except IntegrityError:  # another grader created it a moment ago
                    conflicts.append(Conflict(item.answer, _current_grade(item.answer)))
                    continue
            else:
                claimed = Grade.objects.filter(pk=grade.pk, version=item.version).update(
                    version=item.version + 1
                )
                if not claimed:
                    conflicts.append(Conflict(item.answer, _current_grade(item.answer)))
                    continue
                for name, value in values.items():
                    setattr(grade, name, value)
                grade.version = item.version + 1
                grade.save()  # a full save, so the history records it
            _save_levels(grade, item.levels)
        if conflicts:
            transaction.set_rollback(True)
    if conflicts:
        raise GradeConflict(conflicts)
