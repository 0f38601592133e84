"""Two graders saving the same answer at the same instant: one wins, nothing is lost.

Needs PostgreSQL (SQLite serialises all writers, so there is no race to lose there).
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from exercises.models import Grade
from exercises.services import grading
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, handed_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures(fast_password_hashing.__name__),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://..."
    ),
]


def race(answer, graders, version):
    """Both graders save at once from a page loaded at `version`; returns who conflicted."""
    start = threading.Barrier(len(graders))
    outcome = {}

    def save(grader, score):
        try:
            start.wait()
            grading.save_grades(
                grader, [grading.GradeInput(answer, version, Decimal(score), f"by {grader}")]
            )
            outcome[grader.pk] = "saved"
        except grading.GradeConflict:
            outcome[grader.pk] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(grader, n + 1)) for n, grader in enumerate(graders)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True])
def test_two_graders_at_once_one_is_refused_and_the_other_kept(existing):
    first, second = factories.TeacherFactory(), factories.TeacherFactory()
    submission = handed_in(factories.AssignmentFactory(classroom=class_of(first)))
    answer = submission.answers.get()
    version = 0
    if existing:
        version = factories.GradeFactory(answer=answer, score=0, version=1).version
    outcome = race(answer, [first, second], version)
    assert sorted(outcome.values()) == ["refused", "saved"]
    winner = first if outcome[first.pk] == "saved" else second
    grade = Grade.objects.get(answer=answer)
    assert grade.graded_by == winner
    assert grade.feedback == f"by {winner}"
    assert grade.version == version + 1
