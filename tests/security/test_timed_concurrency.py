"""Timed work racing its own clock: a last save against the hand-in at the limit, a double
hand-in, and a save refused by the clock against the sweep. Over HTTP, on PostgreSQL, in
the way of test_concurrency.py (two threads meet at the service that writes)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from exercises.models import Answer, Submission
from exercises.services import answering

from .conftest import build_world
from .test_concurrency import ROUNDS, autosave, logged_in, texts_of, together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://..."
    ),
]

LAST_WORDS = "Written in the last second."


@pytest.fixture
def world(transactional_db):
    return build_world()


def clock_ran_out(mine, *, ago):
    """The student started 60-minute work an hour and `ago` ago."""
    mine.assignment.time_limit = 60
    mine.assignment.save()
    deadline = timezone.now() - ago
    Submission.objects.filter(pk=mine.submission.pk).update(
        started_at=deadline - timedelta(minutes=60), deadline=deadline
    )
    return deadline


def handed_in_by_the_clock(mine, deadline):
    submission = Submission.objects.get(pk=mine.submission.pk)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.timed_out and submission.submitted_at == deadline
    # Handed in once: one answer row per question, none made twice.
    assert submission.answers.count() == mine.assignment.questions.count()
    return submission


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_last_save_racing_the_hand_in_at_the_limit_is_in_the_work_or_refused(world, round_):
    mine = world.mine
    written = mine.questions["written"]
    deadline = clock_ran_out(mine, ago=timedelta(seconds=2))  # a save still in flight
    page, tab = logged_in(mine.student), logged_in(mine.student)
    url = reverse("exercises:submit", args=[mine.assignment.pk])

    handed, saved = together(
        lambda: page.post(url),
        lambda: autosave(tab, written, mine.answer.revision, LAST_WORDS),
        meeting_at=[(answering, "submit"), (answering, "save_own_answer")],
    )

    assert handed.status_code == 302
    handed_in_by_the_clock(mine, deadline)
    answer = Answer.objects.get(submission=mine.submission, question=written)
    if saved.status_code == 200:  # the save took the row lock first: it is in the work
        assert answer.response == {"text": LAST_WORDS}
        assert answer.revision == mine.answer.revision + 1
    else:  # the hand-in came first: the save is refused and changes nothing
        assert saved.status_code == 409 and saved.json()["closed"] is True
        assert answer.response == mine.answer.response
        assert answer.revision == mine.answer.revision


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_hand_ins_after_the_limit_record_one_at_the_deadline(world, round_):
    mine = world.mine
    deadline = clock_ran_out(mine, ago=timedelta(minutes=5))
    url = reverse("exercises:submit", args=[mine.assignment.pk])
    first, second = logged_in(mine.student), logged_in(mine.student)

    responses = together(
        lambda: first.post(url),
        lambda: second.post(url),
        meeting_at=[(answering, "submit")],
    )

    assert [response.status_code for response in responses] == [302, 302]
    said = sorted(texts_of(response)[0] for response in responses)
    assert said[0].startswith("Time was up at")
    assert said[1] == answering.AlreadySubmitted.message
    handed_in_by_the_clock(mine, deadline)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_save_refused_by_the_clock_and_the_sweep_hand_in_once(world, round_):
    mine = world.mine
    written = mine.questions["written"]
    deadline = clock_ran_out(mine, ago=timedelta(minutes=1))
    tab = logged_in(mine.student)
    out = StringIO()

    saved, _ = together(
        lambda: autosave(tab, written, mine.answer.revision, LAST_WORDS),
        lambda: call_command("hand_in_timed_out", stdout=out),
        meeting_at=[(answering, "submit")],
    )

    assert saved.status_code == 409
    assert saved.json()["error"].startswith("Time is up")
    assert out.getvalue().strip() in {
        "Handed in 1 timed submission whose time was up.",
        "Handed in 0 timed submissions whose time was up.",
    }
    handed_in_by_the_clock(mine, deadline)
    answer = Answer.objects.get(submission=mine.submission, question=written)
    assert answer.response == mine.answer.response and answer.revision == mine.answer.revision
