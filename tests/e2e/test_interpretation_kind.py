"""The interpretation kind in a real browser: a student who uses only the keyboard places
themselves on the agreement scale, cites a source and writes their argument, which is saved
and handed in for the teacher to mark by levels; axe finds nothing serious."""

import pytest

from exercises.models import Answer, Question, QuestionSource, Submission
from sources.models import Source

from .steps import check_accessibility, log_in, question_box, wait_until_saved
from .test_student_journeys import tab_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARGUMENT = "Taylor shows Duranty's estimates of the dead fell far short of other sources."


def test_keyboard_alone_answers_an_interpretation_question(page, live_server, demo_assignment):
    unit = demo_assignment.assignment_sources.first().source.unit
    # Sally J. Taylor (23), a historian, on Duranty (10), as the pack gives them.
    taylor, duranty = (Source.objects.get(unit=unit, number=n) for n in (23, 10))
    Source.objects.filter(pk=taylor.pk).update(is_interpretation=True)
    question = Question.objects.create(
        assignment=demo_assignment,
        order=demo_assignment.questions.count() + 1,
        kind="interpretation",
        prompt="How far do you agree with Interpretation 23 about Duranty's reporting?",
        points=12,
        settings={"min_length": 0},
    )
    for order, source in enumerate([duranty, taylor]):
        QuestionSource.objects.create(question=question, source=source, order=order)
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    box = question_box(page, question)
    assert "Sally J. Taylor" in box.locator(".interpretation-view").inner_text()
    check_accessibility(page, live_server, "an interpretation question")

    tab_until(page, "el => el.name === 'agreement'")
    page.keyboard.press("Space")  # Disagree entirely
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # Mostly agree
    tab_until(page, f"el => el.name === 'cited' && el.value === '{duranty.pk}'")
    page.keyboard.press("Space")
    tab_until(page, "el => el.name === 'text'")
    page.keyboard.type(ARGUMENT)
    wait_until_saved(page, question)
    submission = Submission.objects.get(assignment=demo_assignment, student__username="student1")
    answer = Answer.objects.get(submission=submission, question=question)
    for _ in range(50):  # the last keystrokes' save may still be on its way
        if answer.response.get("text") == ARGUMENT:
            break
        page.wait_for_timeout(200)
        answer.refresh_from_db()
    assert answer.response == {"agreement": 4, "cited": [str(duranty.pk)], "text": ARGUMENT}
    check_accessibility(page, live_server, "an interpretation question answered by keyboard")

    tab_until(page, "el => el.matches('a.review-and-submit')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/")
    tab_until(page, "el => el.textContent.trim() === 'Submit my answers'")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/submit/" not in url)
    answer.refresh_from_db()
    assert answer.auto_score is None  # marked by levels, by the teacher
    check_accessibility(page, live_server, "the submitted assignment with an interpretation")
