"""The teacher's desk in a real browser: the small scripts that help a grader."""

import os

import pytest
from django.urls import reverse

from exercises.models import Grade
from tests import factories
from tests.exercises.desk import class_of, handed_in

CSP_VIOLATION_RECORDER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

# The "Teachers" group comes from a migration: restore it after other tests flushed it.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def desk_with_rubric():
    teacher = factories.DeskTeacherFactory()
    assignment = factories.AssignmentFactory(classroom=class_of(teacher))
    criterion = factories.CriterionFactory(name="Sourcing")
    factories.LevelFactory(criterion=criterion, name="Basic", min_points=0, max_points=2, order=0)
    factories.LevelFactory(
        criterion=criterion, name="Proficient", min_points=3, max_points=5, order=1
    )
    submission = handed_in(assignment)
    answer = submission.answers.get()
    answer.question.rubric = criterion.rubric
    answer.question.save()
    return teacher, submission, answer, criterion


def browse(live_server, teacher, steps):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.getenv("CHROMIUM", "/usr/bin/chromium")
        )
        page = browser.new_page()
        page.add_init_script(CSP_VIOLATION_RECORDER)
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("#id_username", teacher.username)
        page.fill("#id_password", factories.PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + reverse("admin:index"))
        result = steps(page)
        violations = page.evaluate("window.cspViolations")
        browser.close()
    assert violations == []
    return result


def test_choosing_a_level_fills_in_the_marks_and_the_score(live_server, desk_with_rubric):
    teacher, submission, answer, criterion = desk_with_rubric
    url = live_server.url + reverse("admin:exercises_submission_change", args=[submission.pk])
    prefix = f"#id_answer-{answer.pk}-"

    def steps(page):
        page.goto(url)
        page.select_option(f"{prefix}level_{criterion.pk}", label="Proficient (3–5)")
        filled = (
            page.input_value(f"{prefix}points_{criterion.pk}"),
            page.input_value(f"{prefix}score"),
        )
        page.fill(f"{prefix}points_{criterion.pk}", "4")
        page.dispatch_event(f"{prefix}points_{criterion.pk}", "change")
        adjusted = page.input_value(f"{prefix}score")
        page.fill(f"{prefix}points_{criterion.pk}", "1")
        page.dispatch_event(f"{prefix}points_{criterion.pk}", "change")
        outlined = "desk-outside-band" in page.get_attribute(
            f"{prefix}points_{criterion.pk}", "class"
        )
        page.fill(f"{prefix}points_{criterion.pk}", "4")
        page.dispatch_event(f"{prefix}points_{criterion.pk}", "change")
        page.click("input[name=_save]")
        page.wait_for_load_state()
        return filled, adjusted, outlined

    filled, adjusted, outlined = browse(live_server, teacher, steps)
    assert filled == ("5", "5")
    assert adjusted == "4"
    assert outlined
    assert Grade.objects.get(answer=answer).score == 4


def test_question_page_shows_only_the_chosen_kinds_fields(live_server, desk_with_rubric):
    teacher, submission, answer, _ = desk_with_rubric
    url = live_server.url + reverse("admin:exercises_question_change", args=[answer.question_id])

    def steps(page):
        page.goto(url)
        shown_for_written = page.is_visible("#id_min_length"), page.is_visible("#id_claim")
        page.select_option("#id_kind", "matrix")
        shown_for_matrix = page.is_visible("#id_min_length"), page.is_visible("#id_claim")
        return shown_for_written, shown_for_matrix

    written, matrix = browse(live_server, teacher, steps)
    assert written == (True, False)
    assert matrix == (False, True)
