"""The grouping kind (a card sort) in a real browser: a student who uses only the keyboard
puts each source in its group with the arrow keys, justifies a group, and earns full marks;
axe finds nothing serious."""

import pytest

from exercises.models import Answer, Question, QuestionSource, Submission

from .steps import check_accessibility, log_in, question_box, wait_until_saved
from .test_student_journeys import tab_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GROUPS = [
    {"id": "1", "name": "Supports the confessions"},
    {"id": "2", "name": "Challenges them"},
    {"id": "3", "name": "Cannot tell"},
]
# As the demo's corroboration matrix judges them: Zinoviev's confession (4) and the Observer
# (5) support the confessions; Trotsky (8) calls the trial a frame-up.
KEY_GROUPS = {4: "1", 5: "1", 8: "2"}


def test_keyboard_alone_sorts_the_sources_and_scores_full_marks(page, live_server, demo_assignment):
    sources = {
        link.source.number: link.source
        for link in demo_assignment.assignment_sources.select_related("source")
        if link.source.number in KEY_GROUPS
    }
    grouping = Question.objects.create(
        assignment=demo_assignment,
        order=demo_assignment.questions.count() + 1,
        kind="grouping",
        prompt="Sort the sources by what they suggest about the confessions.",
        points=6,
        settings={"groups": GROUPS, "justify": True},
        key={"placements": {str(sources[n].pk): g for n, g in KEY_GROUPS.items()}},
    )
    for order, number in enumerate(KEY_GROUPS):
        QuestionSource.objects.create(question=grouping, source=sources[number], order=order)
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    box = question_box(page, grouping)
    assert box.locator(".grouping-card legend").count() == 3
    check_accessibility(page, live_server, "a grouping question")

    # For each source: Tab to its first group, then arrow right to the key's group (the arrow
    # keys choose as they move; Space chooses the first).
    for number, group in KEY_GROUPS.items():
        tab_until(page, f"el => el.name === 'group-{sources[number].pk}'")
        page.keyboard.press("Space")
        for _ in range(int(group) - 1):
            page.keyboard.press("ArrowRight")
    tab_until(page, "el => el.name === 'why-2'")
    page.keyboard.type("Trotsky calls the trial a frame-up.")
    wait_until_saved(page, grouping)
    submission = Submission.objects.get(assignment=demo_assignment, student__username="student1")
    saved = Answer.objects.get(submission=submission, question=grouping).response
    assert saved["placements"] == grouping.key["placements"]
    check_accessibility(page, live_server, "a grouping question sorted by keyboard")

    tab_until(page, "el => el.matches('a.review-and-submit')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/")
    tab_until(page, "el => el.textContent.trim() === 'Submit my answers'")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/submit/" not in url)
    answer = Answer.objects.get(submission=submission, question=grouping)
    assert answer.auto_score == grouping.points == 6
    check_accessibility(page, live_server, "the submitted assignment with a grouping")
