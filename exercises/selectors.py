"""The read side of the teacher's desk (and of the LMS's grade passback): submissions with
their scores, which are graded, the next one waiting for a grader, questions' sources, the
gradebook's rows.

Functions that read; nothing here writes. Services (`services/`) and pages call them; they
import only the models.
"""

from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.db.models.lookups import Exact

from .models import Answer, Enrollment, Grade, QuestionSource, Submission

# Scores -----------------------------------------------------------------------------------

# An answer's score: the teacher's grade if there is one, else the automatic score.
ANSWER_SCORE = Coalesce("grade__score", "auto_score")


def _per_submission(answers, expression):
    """A subquery summing `expression` over a submission's answers (None when none)."""
    return Subquery(
        answers.values("submission").annotate(total=Sum(expression)).values("total")[:1]
    )


def awaiting_score():
    """Answers that have neither a teacher's score nor an automatic one."""
    return Q(grade__score__isnull=True, auto_score__isnull=True)


def with_scores(submissions):
    """Annotate each submission with `auto_total`, `total`, `is_graded` and its last grader.

    Subqueries rather than joins: on a list page they run for the rows shown only, so a
    list of 100,000 submissions costs what a list of 100 does (unless sorted by a score).
    """
    answers = Answer.objects.filter(submission=OuterRef("pk"))
    last_grade = Grade.objects.filter(
        answer__submission=OuterRef("pk"), graded_by__isnull=False
    ).order_by("-graded_at", "-pk")
    # 1 if every answer has a score, 0 if one is waiting, NULL without answers. A scalar
    # subquery, not EXISTS: PostgreSQL runs an EXISTS in the select list as a hash of every
    # answer in the database, rebuilt for each page of the list.
    all_scored = Subquery(
        answers.values("submission")
        .annotate(all_scored=Min(Case(When(awaiting_score(), then=Value(0)), default=Value(1))))
        .values("all_scored")[:1]
    )
    return submissions.annotate(
        auto_total=_per_submission(answers, "auto_score"),
        total=_per_submission(answers, ANSWER_SCORE),
        is_graded=ExpressionWrapper(
            Exact(Coalesce(all_scored, Value(0)), Value(1)), output_field=BooleanField()
        ),
        last_grader_name=Subquery(
            last_grade.annotate(
                name=Concat("graded_by__first_name", Value(" "), "graded_by__last_name")
            ).values("name")[:1]
        ),
        last_grader_username=Subquery(last_grade.values("graded_by__username")[:1]),
    )


def graded(submissions):
    """Submissions with answers, every one of which has a score."""
    answers = Answer.objects.filter(submission=OuterRef("pk"))
    return submissions.filter(Exists(answers), ~Exists(answers.filter(awaiting_score())))


def not_graded(submissions):
    answers = Answer.objects.filter(submission=OuterRef("pk"))
    return submissions.filter(~Exists(answers) | Exists(answers.filter(awaiting_score())))


def next_ungraded(rows, submission):
    """The id of the next handed-in submission of `rows` (a list's queryset, in its order)
    still waiting for a score after `submission`; after the last row, from the top again.
    None when no other is waiting."""
    order = list(rows.values_list("pk", flat=True))
    waiting = set(
        not_graded(
            rows.filter(status=Submission.Status.SUBMITTED).exclude(pk=submission.pk)
        ).values_list("pk", flat=True)
    )
    here = order.index(submission.pk) + 1 if submission.pk in order else 0
    return next((pk for pk in order[here:] + order[:here] if pk in waiting), None)


# Questions' sources ---------------------------------------------------------------------------


def question_sources(question_ids):
    """{question id: [sources in order]} in one query."""
    by_question = {}
    links = (
        QuestionSource.objects.filter(question_id__in=question_ids)
        .select_related("source__author")
        .order_by("question_id", "order", "id")
    )
    for link in links:
        by_question.setdefault(link.question_id, []).append(link.source)
    return by_question


# The gradebook --------------------------------------------------------------------------------


@dataclass
class GradebookRow:
    """One student's line of an assignment's gradebook. `status` is None when they have not
    started; `scores` follows the questions given, None where an answer has no score."""

    last_name: str
    first_name: str
    username: str
    status: str | None
    submitted_at: object
    late: bool
    released_at: object
    scores: list


def gradebook_rows(assignment, questions):
    """The gradebook of one assignment: a `GradebookRow` per student, by name.

    Students are those of the class and anyone who handed in work for it. Three queries
    are streamed side by side in the same order (students, submissions, answers) and
    merged, so the number of queries and the memory used stay the same for 30 answers or
    100,000.
    """
    User = get_user_model()
    order = ["last_name", "first_name", "pk"]
    students = (
        User.objects.filter(
            Exists(
                Enrollment.objects.filter(classroom=assignment.classroom_id, student=OuterRef("pk"))
            )
            | Exists(Submission.objects.filter(assignment=assignment, student=OuterRef("pk")))
        )
        .order_by(*order)
        .values_list("pk", "last_name", "first_name", "username")
        .iterator(chunk_size=2000)
    )
    by_student = [f"student__{name}" for name in order]
    submissions = (
        Submission.objects.filter(assignment=assignment)
        .order_by(*by_student)
        .values_list("student_id", "status", "submitted_at", "late", "released_at")
        .iterator(chunk_size=2000)
    )
    answers = (
        Answer.objects.filter(submission__assignment=assignment)
        .order_by(*[f"submission__{name}" for name in by_student])
        .values_list("submission__student_id", "question_id", ANSWER_SCORE)
        .iterator(chunk_size=2000)
    )
    answers_by_student = groupby(answers, key=lambda row: row[0])
    pending_answers = next(answers_by_student, None)
    pending_submission = next(submissions, None)
    for student_id, last_name, first_name, username in students:
        status, submitted_at, late, released_at = None, None, False, None
        if pending_submission and pending_submission[0] == student_id:
            _, status, submitted_at, late, released_at = pending_submission
            pending_submission = next(submissions, None)
        scores = {}
        if pending_answers and pending_answers[0] == student_id:
            scores = {question_id: score for _, question_id, score in pending_answers[1]}
            pending_answers = next(answers_by_student, None)
        yield GradebookRow(
            last_name,
            first_name,
            username,
            status,
            submitted_at,
            late,
            released_at,
            [scores.get(question.pk) for question in questions],
        )
