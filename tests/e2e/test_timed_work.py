"""Timed work in a real browser: Start, the countdown to the server's deadline, the spoken
warning at one minute, a reload that does not reset the clock, and the hand-in at zero
with the answer typed just before it.

A one-minute limit is the shortest a teacher can set; to keep the test short, time passes
by moving the running clock's deadline in the database (as the other tests move dates),
then the page is reloaded: the page must follow the server's deadline, not its own.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exercises.models import Answer, Question, Submission

from .steps import check_accessibility, log_in, question_box, question_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LAST_ANSWER = "Typed in the last seconds: the confessions were the only evidence."


def clock_at(submission, seconds):
    """The student's clock has `seconds` left."""
    deadline = timezone.now() + timedelta(seconds=seconds)
    Submission.objects.filter(pk=submission.pk).update(deadline=deadline)
    return deadline


def test_the_countdown_warns_at_one_minute_and_hands_the_work_in_at_zero(
    page, live_server, demo_assignment
):
    demo_assignment.time_limit = 1
    demo_assignment.save()
    Submission.objects.filter(assignment=demo_assignment).delete()
    written = question_of(demo_assignment, Question.Kind.WRITTEN)
    log_in(page, live_server, "student1", next_url=demo_assignment.get_absolute_url())

    expect(page.get_by_role("heading", name="This is timed work: 1 minute")).to_be_visible()
    assert not Submission.objects.filter(assignment=demo_assignment).exists()
    page.get_by_role("button", name="Start: 1 minute").click()
    clock = page.locator(".timed-clock")
    expect(clock).to_contain_text("Time left:")
    expect(clock.locator(".time-left")).to_have_text("1:00", timeout=3000)
    submission = Submission.objects.get(assignment=demo_assignment, student__username="student1")
    check_accessibility(page, live_server, "the timed assignment page")

    # A reload shows the same clock: the deadline is the server's, fixed at Start.
    started_deadline = submission.deadline
    page.reload()
    submission.refresh_from_db()
    assert submission.deadline == started_deadline

    # 62 seconds left: said nothing on opening, then "1 minute left." as it passes.
    clock_at(submission, 62)
    page.reload()
    announcer = page.locator(".timed-clock [role=status]")
    expect(announcer).to_have_text("")
    expect(page.locator(".time-left")).to_have_text("1:02", timeout=3000)
    expect(announcer).to_have_text("1 minute left.", timeout=6000)

    # Five seconds left: type an answer, and let the clock run out.
    deadline = clock_at(submission, 5)
    page.reload()
    question_box(page, written).get_by_label("Your answer").fill(LAST_ANSWER)
    expect(page.get_by_text("handed in when the time ran out")).to_be_visible(timeout=15_000)
    expect(page.locator(".messages")).to_contain_text("Time was up at")
    assert page.locator("form.answer-form").count() == 0

    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.timed_out
    assert submission.submitted_at == deadline
    assert Answer.objects.get(submission=submission, question=written).response == {
        "text": LAST_ANSWER
    }
