"""Progress across the year in a real browser: the teacher finds the students who are weak
at corroboration in the markbook and sets them follow-up work; a student reads their own
progress. Every page is checked with axe, and prints without its controls."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exercises import demo
from exercises.models import Answer, Assignment, Skill, Submission

from .steps import answer_off_screen, check_accessibility, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def hand_in_and_release(assignment, username, corroboration_share):
    """The demo's work, handed in and released, with the corroboration questions (matrix,
    comparison) scored at `corroboration_share` of their marks."""
    submission = answer_off_screen(assignment, username, submit=True)
    for question in assignment.questions.filter(skill=Skill.CORROBORATION):
        Answer.objects.filter(submission=submission, question=question).update(
            auto_score=question.points * corroboration_share
        )
    Submission.objects.filter(pk=submission.pk).update(released_at=timezone.now())


def test_teacher_sets_follow_up_for_weak_students_and_a_student_reads_their_progress(
    new_context, live_server, demo_assignment
):
    hand_in_and_release(demo_assignment, "student1", 0)
    hand_in_and_release(demo_assignment, "student2", 1)

    desk = new_context().new_page()
    desk.goto(f"{live_server.url}/admin/")
    desk.get_by_label("Username").fill("teacher")
    desk.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.goto(f"{live_server.url}/admin/exercises/markbook/")
    check_accessibility(desk, live_server, "the markbooks' list")
    desk.get_by_role("link", name=f"Markbook of {demo_assignment.classroom}").click()
    expect(desk.get_by_role("table", name=re.compile("marks per assignment"))).to_be_visible()
    check_accessibility(desk, live_server, "a class's markbook")

    # Sorted by the assignment's marks with the keyboard: the heading's link, then Enter.
    desk.get_by_role("link", name=re.compile(demo.ASSIGNMENT_TITLE[:20])).focus()
    desk.keyboard.press("Enter")
    heading = desk.get_by_role("columnheader", name=re.compile(demo.ASSIGNMENT_TITLE[:20]))
    expect(heading).to_have_attribute("aria-sort", "ascending")

    desk.get_by_label("Skill", exact=True).select_option(label="Corroboration")
    desk.get_by_label("below").select_option(label="Emergent")
    desk.get_by_label("in each of their last").fill("3")
    desk.get_by_role("button", name="Find students").click()
    expect(desk.get_by_role("heading", name="1 student found")).to_be_visible()
    expect(desk.locator(".markbook-found")).to_have_text("Sam Student")
    check_accessibility(desk, live_server, "the markbook with students found")

    expect(desk.get_by_role("checkbox", name="Sam Student")).to_be_checked()
    expect(desk.get_by_role("checkbox", name="Zoë Åberg")).not_to_be_checked()
    desk.get_by_role("button", name="Set follow-up work").click()
    expect(desk.locator(".messagelist")).to_contain_text("for 1 student only")
    expect(desk.locator(".field-set_for")).to_contain_text("Sam Student only")
    # Follow-up of the class's latest work (the demo class has two assignments).
    follow_up = Assignment.objects.get(
        classroom=demo_assignment.classroom, title__endswith=" (follow-up)"
    )
    assert list(follow_up.chosen_students.values_list("username", flat=True)) == ["student1"]

    # The markbook prints as tables, without the finder.
    desk.goto(f"{live_server.url}/admin/exercises/markbook/{demo_assignment.classroom_id}/")
    desk.emulate_media(media="print")
    expect(desk.get_by_role("table", name=re.compile("skill"))).to_be_visible()
    expect(desk.get_by_role("button", name="Find students")).to_be_hidden()
    desk.emulate_media(media="screen")

    student = new_context().new_page()
    log_in(student, live_server, "student1")
    student.goto(f"{live_server.url}/dashboard/")
    student.get_by_role("link", name="My progress").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("My progress")
    corroboration = student.get_by_role("region", name="Corroboration")
    expect(corroboration).to_contain_text(demo_assignment.title)
    expect(corroboration).to_contain_text("Basic")
    check_accessibility(student, live_server, "the student's progress page")
    student.emulate_media(media="print")
    expect(student.get_by_role("link", name="My assignments").first).to_be_hidden()
    expect(corroboration).to_be_visible()
