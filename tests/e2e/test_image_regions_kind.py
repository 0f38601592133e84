"""The image regions kind in a real browser: a student who uses only the keyboard ticks the
key's cells of the grid over a visual source and earns full marks; a rectangle dragged with
the mouse ticks every cell it covers; axe finds nothing serious."""

import pytest

from exercises.models import Answer, Question, QuestionSource, Submission
from tests import factories

from .steps import check_accessibility, log_in, question_box, wait_until_saved
from .test_student_journeys import tab_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KEY = ["B2", "C2"]


def regions_question(assignment):
    unit = assignment.assignment_sources.first().source.unit
    # A plain grey image stands in for a visual source: the pack has none.
    image = factories.SourceFactory(unit=unit, number=90, visual=True)
    question = Question.objects.create(
        assignment=assignment,
        order=assignment.questions.count() + 1,
        kind="image_regions",
        prompt="Mark the part of the image your teacher pointed out.",
        points=4,
        settings={"rows": 6, "columns": 8, "instruction": "Mark the region."},
        key={"cells": KEY},
    )
    QuestionSource.objects.create(question=question, source=image, order=0)
    return question


def saved_cells(assignment, question, page, want):
    submission = Submission.objects.get(assignment=assignment, student__username="student1")
    for _ in range(50):  # the last change's save may still be on its way
        answer = Answer.objects.filter(submission=submission, question=question).first()
        if answer and answer.response.get("cells") == want:
            break
        page.wait_for_timeout(200)
    return answer


def test_keyboard_alone_marks_the_regions_and_scores_full_marks(page, live_server, demo_assignment):
    question = regions_question(demo_assignment)
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    box = question_box(page, question)
    assert box.locator(".regions-cell input").count() == 48
    check_accessibility(page, live_server, "an image regions question")

    for cell in KEY:
        tab_until(page, f"el => el.name === 'cells' && el.value === '{cell}'")
        page.keyboard.press("Space")
    wait_until_saved(page, question)
    answer = saved_cells(demo_assignment, question, page, KEY)
    assert answer.response == {"cells": KEY}
    check_accessibility(page, live_server, "an image regions question marked by keyboard")

    tab_until(page, "el => el.matches('a.review-and-submit')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/")
    tab_until(page, "el => el.textContent.trim() === 'Submit my answers'")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/submit/" not in url)
    answer.refresh_from_db()
    assert answer.auto_score == question.points == 4
    check_accessibility(page, live_server, "the submitted assignment with image regions")


def test_a_rectangle_dragged_across_the_image_ticks_every_cell_it_covers(
    page, live_server, demo_assignment
):
    question = regions_question(demo_assignment)
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    box = question_box(page, question)
    box.locator("[data-cell=C3]").scroll_into_view_if_needed()
    start = box.locator("[data-cell=B2]").bounding_box()
    end = box.locator("[data-cell=C3]").bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=5)
    page.mouse.up()
    assert box.locator(".regions-cell.is-marked").count() == 4
    answer = saved_cells(demo_assignment, question, page, ["B2", "C2", "B3", "C3"])
    assert answer.response == {"cells": ["B2", "C2", "B3", "C3"]}
