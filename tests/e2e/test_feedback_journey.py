"""Feedback students act on, in a real browser: the teacher asks for a response on a
comment ("green pen") in the marking workspace; the work is released and returned for
revision; the student sees it as new, responds, revises and hands in again; the teacher
sees what changed and the response. The feedback sheet and the projector's keys too.
Every new page is checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from exercises import demo
from exercises.models import Answer, FeedbackResponse, Grade, Submission
from exercises.services import grading

from .steps import answer_off_screen, check_accessibility, log_in, question_box, question_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUOTE = "saw the confessions"


def desk_log_in(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_green_pen_comment_is_answered_and_the_teacher_sees_the_changes(
    new_context, live_server, demo_assignment
):
    submission = answer_off_screen(demo_assignment, "student1", submit=True)
    written = question_of(demo_assignment, "written")
    # Every answer the teacher marks has a mark (so the work can be released).
    for answer in Answer.objects.filter(submission=submission, auto_score__isnull=True):
        Grade.objects.create(answer=answer, score=1, feedback="See the comment.")

    desk = new_context().new_page()
    desk_log_in(desk, live_server)
    workspace = f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/workspace/"
    desk.goto(f"{workspace}?question={written.pk}")
    desk.get_by_label("Words to comment on").fill(QUOTE)
    desk.get_by_label("Comment on these words").fill("Which confessions? Name one trial.")
    desk.get_by_label("Ask for a response (green pen)").check()
    desk.get_by_role("button", name="Add comment").click()
    expect(desk.locator(".ws-green-pen-flag")).to_have_text("(response asked)")

    # Released, then returned for revision (the submissions list's actions do the same).
    grading.release(Submission.objects.filter(pk=submission.pk))
    grading.return_for_revision(Submission.objects.filter(pk=submission.pk))

    student = new_context().new_page()
    log_in(student, live_server, "student1")
    student.goto(f"{live_server.url}/dashboard/")
    expect(student.locator(".new-badge").first).to_be_visible()
    student.goto(live_server.url + demo_assignment.get_absolute_url())
    expect(student.locator(".new-feedback")).to_contain_text("since you last looked")
    box = question_box(student, written)
    response = box.get_by_label(re.compile("Respond to: “saw the confessions”"))
    response.fill("Bukharin's, at the third trial in 1938.")
    box.get_by_role("button", name="Save my responses").click()
    expect(student.locator(".messages")).to_contain_text("responses are saved")
    check_accessibility(student, live_server, "returned work with a green-pen comment")
    box = question_box(student, written)
    text = box.locator("textarea[name=text]")
    text.fill(text.input_value().replace(QUOTE, "heard the confessions"))
    expect(box.locator(".save-status")).to_have_text(re.compile(r"^Saved (at|on) "))
    student.get_by_role("link", name="Review and submit").first.click()
    student.get_by_role("button", name="Submit my answers").click()
    expect(student.locator(".messages")).to_contain_text("Submitted")
    assert FeedbackResponse.objects.filter(answer__submission=submission).count() == 1

    desk.goto(f"{workspace}?question={written.pk}")
    revision = desk.locator(".ws-revision")
    expect(revision.locator("del")).to_contain_text("saw")
    expect(revision.locator("ins")).to_contain_text("heard")
    expect(revision.locator(".ws-response")).to_have_text("Bukharin's, at the third trial in 1938.")
    check_accessibility(desk, live_server, "the workspace with a resubmission")

    # Nothing new on the dashboard once the student has opened the released work.
    student.goto(live_server.url + demo_assignment.get_absolute_url())
    student.goto(f"{live_server.url}/dashboard/")
    expect(student.locator(".new-badge")).to_have_count(0)


def test_feedback_sheet_and_the_projectors_keys(new_context, live_server, demo_assignment):
    answer_off_screen(demo_assignment, "student1", submit=True)
    answer_off_screen(demo_assignment, "student2", submit=True)
    desk = new_context().new_page()
    desk_log_in(desk, live_server)
    desk.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/feedback-sheet/")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Feedback to the class")
    for name in ("Sam Student", "Zoë Åberg"):
        expect(desk.locator("body")).not_to_contain_text(name)
    check_accessibility(desk, live_server, "the feedback sheet")
    desk.emulate_media(media="print")
    expect(desk.get_by_role("link", name="Projector view")).to_be_hidden()
    desk.emulate_media(media="screen")

    desk.get_by_role("link", name="Projector view").click()
    toggle = desk.get_by_role("button", name="Hide the keys (K)")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    key = desk.locator(".answer-key").first
    expect(key).to_be_visible()
    desk.keyboard.press("k")
    expect(desk.get_by_role("button", name="Reveal the keys (K)")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(key).to_be_hidden()
    check_accessibility(desk, live_server, "the projector with the keys hidden")
    desk.get_by_role("button", name="Reveal the keys (K)").click()
    expect(key).to_be_visible()
