"""Screenshots of the main pages for the README. `make screenshots` runs this with
SCREENSHOTS=1, which writes them into docs/screenshots/; otherwise they go to a temporary
folder, so the suite still checks that every page can be shot."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from exercises import demo
from exercises.models import Assignment, Question

from .steps import DESKTOP, PHONE, answer_off_screen, log_in, question_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def folder(tmp_path):
    return DOCS if os.environ.get("SCREENSHOTS") == "1" else tmp_path


def settle(page):
    """Fonts loaded and no caret blinking in a field, so shots are the same run to run."""
    page.evaluate("document.fonts.ready")
    page.evaluate("document.activeElement && document.activeElement.blur()")


def test_screenshots_of_the_main_pages(new_context, live_server, demo_assignment, folder):
    # Zoë has answered the first five questions; Sam has handed in.
    answer_off_screen(
        demo_assignment, "student2", kinds={"rating", "comparison", "opvl", "highlight"}
    )
    answer_off_screen(demo_assignment, "student1", submit=True)
    shots = []

    desktop = new_context(viewport=DESKTOP).new_page()
    log_in(desktop, live_server, "student2")
    desktop.goto(f"{live_server.url}/units/great-purge/")
    settle(desktop)
    shots.append(folder / "unit.png")
    desktop.screenshot(path=shots[-1])
    desktop.goto(f"{live_server.url}/units/great-purge/sources/10/")
    settle(desktop)
    shots.append(folder / "source.png")
    desktop.screenshot(path=shots[-1])
    desktop.goto(live_server.url + demo_assignment.get_absolute_url())
    expect(desktop.locator(".save-status").first).to_contain_text("Saved")
    settle(desktop)
    shots.append(folder / "assignment-desktop.png")
    desktop.screenshot(path=shots[-1], full_page=True)

    phone = new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    ).new_page()
    log_in(phone, live_server, "student2")
    phone.goto(live_server.url + demo_assignment.get_absolute_url())
    expect(phone.locator(".save-status").first).to_contain_text("Saved")
    settle(phone)
    shots.append(folder / "assignment-phone.png")
    phone.screenshot(path=shots[-1])

    # The teacher's grading page, a rubric's levels being picked for the written answer.
    desk = new_context(viewport=DESKTOP).new_page()
    log_in(desk, live_server, "teacher", next_url="/admin/")
    submission = demo_assignment.submissions.get(student__username="student1")
    desk.goto(f"{live_server.url}/admin/exercises/submission/{submission.pk}/change/")
    written = submission.answers.get(question=question_of(demo_assignment, Question.Kind.WRITTEN))
    section = desk.locator(f"#answer-{written.pk}")
    for criterion, level in [("Sourcing", "Proficient"), ("Contextualization", "Emergent")]:
        section.get_by_label(f"{criterion}: level").select_option(
            label=section.get_by_label(f"{criterion}: level")
            .locator("option", has_text=level)
            .inner_text()
        )
    section.get_by_label("Feedback to the student").fill(
        "You use the New Statesman well; bring in Khrushchev's speech of 1956."
    )
    desk.evaluate(f"document.getElementById('answer-{written.pk}').scrollIntoView()")
    settle(desk)
    shots.append(folder / "grading.png")
    desk.screenshot(path=shots[-1])

    # The class that has handed the assignment in: what the teacher shows the class.
    handed_in = Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.HANDED_IN_JOIN_CODE
    )
    desk.goto(f"{live_server.url}/assignments/{handed_in.pk}/analytics/")
    expect(desk.get_by_text("12 of 12 students submitted")).to_be_visible()
    settle(desk)
    shots.append(folder / "analytics.png")
    desk.screenshot(path=shots[-1], full_page=True)

    # The marking workspace on the handed-in class's written answers, one after another.
    written = question_of(handed_in, Question.Kind.WRITTEN)
    desk.goto(
        f"{live_server.url}/admin/exercises/assignment/{handed_in.pk}/workspace/"
        f"?question={written.pk}"
    )
    expect(desk.locator(".ws-answer").first).to_be_visible()
    desk.evaluate("window.scrollTo(0, 0)")
    settle(desk)
    shots.append(folder / "workspace.png")
    desk.screenshot(path=shots[-1])

    # The class's markbook: marks per assignment and levels per historical-thinking skill.
    desk.goto(f"{live_server.url}/admin/exercises/markbook/{handed_in.classroom_id}/")
    expect(desk.get_by_role("table", name=re.compile("marks per assignment"))).to_be_visible()
    settle(desk)
    shots.append(folder / "markbook.png")
    desk.screenshot(path=shots[-1], full_page=True)

    for shot in shots:
        assert shot.read_bytes().startswith(PNG_SIGNATURE), shot
