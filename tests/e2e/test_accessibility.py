"""The source library's pages pass axe-core's serious and critical checks (the student's
other pages are checked along their journeys in test_student_journeys.py)."""

import pytest
from playwright.sync_api import expect

from .steps import PHONE, check_accessibility, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_source_library_pages_have_no_serious_accessibility_problems(
    new_context, live_server, demo_assignment
):
    for viewport in ({"width": 1280, "height": 800}, PHONE):
        page = new_context(viewport=viewport).new_page()
        log_in(page, live_server, "student1")
        page.goto(live_server.url + "/")
        check_accessibility(page, live_server, f"the unit list at {viewport['width']}px")
        page.get_by_role("link", name="The Great Purge").first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page, live_server, f"the unit page at {viewport['width']}px")
        page.get_by_role("link", name="John Ross Campbell").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Source 15")
        check_accessibility(page, live_server, f"a source page at {viewport['width']}px")
