"""The sequence kind in a real browser: a student who uses only the keyboard puts the events
in order with the Move buttons and earns full marks; axe finds nothing serious."""

import pytest

from exercises.models import Answer, Question, Submission

from .steps import check_accessibility, log_in, question_box, wait_until_saved
from .test_student_journeys import tab_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Dates as the Great Purge pack gives them (spring 1934, August 1936, January 1937, June
# 1937); shown to the student in another order.
EVENTS = {
    "1": "Kirov puts forward a policy of reconciliation",
    "2": "Zinoviev and Kamenev are put on trial",
    "3": "Piatakov, Radek and Sokolnikov are put on trial",
    "4": "Tukhachevsky and seven Red Army commanders are charged",
}
SHOWN = ["3", "1", "4", "2"]
RIGHT = ["1", "2", "3", "4"]


def test_keyboard_alone_puts_the_events_in_order_and_scores_full_marks(
    page, live_server, demo_assignment
):
    sequence = Question.objects.create(
        assignment=demo_assignment,
        order=demo_assignment.questions.count() + 1,
        kind="sequence",
        prompt="Put these events of the purges in the order they happened.",
        points=6,
        settings={"items": [{"id": i, "text": EVENTS[i]} for i in SHOWN]},
        key={"order": RIGHT},
    )
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    box = question_box(page, sequence)
    expect_order = box.locator(".sequence-text")
    assert expect_order.all_inner_texts() == [EVENTS[i] for i in SHOWN]
    check_accessibility(page, live_server, "a sequence question")

    # Selection by keyboard: for each place, Tab to the event that belongs there and press
    # Enter on its Move up button until it is there; focus stays on the button.
    current = list(SHOWN)
    for place, item in enumerate(RIGHT):
        steps = current.index(item) - place
        if not steps:
            continue
        tab_until(page, f"el => el.name === 'move' && el.value === 'up:{item}'")
        for _ in range(steps):
            page.keyboard.press("Enter")
        current.remove(item)
        current.insert(place, item)
        assert expect_order.all_inner_texts() == [EVENTS[i] for i in current]
    assert current == RIGHT
    announcer = box.locator(".sequence-list + [aria-live]")
    assert "now" in announcer.inner_text()
    wait_until_saved(page, sequence)
    submission = Submission.objects.get(assignment=demo_assignment, student__username="student1")
    assert Answer.objects.get(submission=submission, question=sequence).response == {"order": RIGHT}
    check_accessibility(page, live_server, "a sequence question put in order by keyboard")

    # Hand in by keyboard; the automatic score is the question's full marks.
    tab_until(page, "el => el.matches('a.review-and-submit')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/")
    tab_until(page, "el => el.textContent.trim() === 'Submit my answers'")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/submit/" not in url)
    answer = Answer.objects.get(submission=submission, question=sequence)
    assert answer.auto_score == sequence.points == 6
    check_accessibility(page, live_server, "the submitted assignment with a sequence")
