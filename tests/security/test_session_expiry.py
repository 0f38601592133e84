"""A session that ends while a student is answering loses nothing.

The student's session expires (its row is deleted, or its expiry date passes) while the
assignment page is open; the next save, from autosave or from the Save button, is kept on
the server in a new anonymous session. After logging in again the student is back on the
same question and the answer is saved. All over HTTP, with CSRF checks on, as a browser
would do it.
"""

import html
import json
import os
import re
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exercises import kept_answers
from exercises.models import Answer
from tests import factories

LOGIN = reverse("login")


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def log_in(browser, user, next_url=""):
    page = browser.get(LOGIN)
    data = {"username": user.username, "password": factories.PASSWORD, "next": next_url}
    return browser.post(LOGIN, {**data, "csrfmiddlewaretoken": field(page, "csrfmiddlewaretoken")})


def field(response, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert match, f"no {name} field on the page"
    return html.unescape(match[1])


def save_url(question):
    return reverse("exercises:save_answer", args=[question.assignment_id, question.pk])


def the_answer(world, kind="written"):
    return Answer.objects.get(submission=world.mine.submission, question=world.mine.questions[kind])


def expire(user):
    """End the user's session on the server, as expiry or `clearsessions` would."""
    for session in Session.objects.all():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


@pytest.fixture
def open_page(browser, world):
    """The student logged in, with the assignment page open: its form fields."""
    log_in(browser, world.mine.student)
    page = browser.get(world.mine.assignment.get_absolute_url())
    assert page.status_code == 200
    return {
        "csrfmiddlewaretoken": field(page, "csrfmiddlewaretoken"),
        "owner": field(page, "owner"),
        "revision": the_answer(world).revision,
    }


def test_plain_save_after_the_session_ended_is_saved_after_logging_in_again(
    browser, world, open_page
):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    response = browser.post(save_url(question), {**open_page, "text": "Written after expiry"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == LOGIN
    back = parse_qs(location.query)["next"][0]
    assert back == f"{world.mine.assignment.get_absolute_url()}#question-{question.pk}"
    assert the_answer(world).response["text"] == "Duranty was there."  # not saved yet

    login_page = browser.get(response["Location"])
    assert "your answer is not saved yet" in login_page.content.decode()
    after_login = log_in(browser, world.mine.student, back)
    assert after_login["Location"] == back
    page = browser.get(back.split("#")[0])

    assert "Written after expiry" in page.content.decode()
    assert "sent while you were logged out, is now saved" in page.content.decode()
    answer = the_answer(world)
    assert answer.response["text"] == "Written after expiry"
    assert answer.revision == open_page["revision"] + 1


def test_autosave_after_the_session_ended_says_log_in_again_and_keeps_the_answer(
    browser, world, open_page
):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    response = browser.post(
        save_url(question),
        {**open_page, "text": "Autosaved after expiry"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 403
    data = response.json()
    assert data["logged_out"] is True and data["kept"] is True
    assert data["error"] == "You have been logged out. Log in again: your answer is kept."
    back = parse_qs(urlsplit(data["login_url"]).query)["next"][0]
    assert back.endswith(f"#question-{question.pk}")

    log_in(browser, world.mine.student, back)
    page = browser.get(world.mine.assignment.get_absolute_url())
    assert "Autosaved after expiry" in page.content.decode()
    assert the_answer(world).response["text"] == "Autosaved after expiry"


def test_a_session_past_its_expiry_date_keeps_the_answer_too(browser, world, open_page):
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    question = world.mine.questions["written"]
    browser.post(save_url(question), {**open_page, "text": "After the expiry date"})
    log_in(browser, world.mine.student)
    browser.get(world.mine.assignment.get_absolute_url())
    assert the_answer(world).response["text"] == "After the expiry date"


def test_the_latest_of_several_saves_while_logged_out_is_the_one_kept(browser, world, open_page):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    for text in ("First try", "Second try", "Third try"):
        browser.post(
            save_url(question), {**open_page, "text": text}, HTTP_ACCEPT="application/json"
        )
    log_in(browser, world.mine.student)
    browser.get(world.mine.assignment.get_absolute_url())
    answer = the_answer(world)
    assert answer.response["text"] == "Third try"
    assert answer.revision == open_page["revision"] + 1


def test_answers_to_two_questions_are_both_kept(browser, world, open_page):
    expire(world.mine.student)
    browser.post(save_url(world.mine.questions["written"]), {**open_page, "text": "Written"})
    rating = {**open_page, "revision": 0, "rating": "4", "justification": "He was there."}
    browser.post(save_url(world.mine.questions["rating"]), rating)
    log_in(browser, world.mine.student)
    browser.get(world.mine.assignment.get_absolute_url())
    assert the_answer(world).response["text"] == "Written"
    assert the_answer(world, "rating").response == {"rating": 4, "justification": "He was there."}


def test_another_student_logging_in_on_the_same_browser_never_gets_the_answer(
    browser, world, open_page
):
    classmate = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=world.mine.classroom, student=classmate)
    question = world.mine.questions["written"]
    expire(world.mine.student)
    kept = browser.post(
        save_url(question),
        {**open_page, "revision": 0, "text": "NOT-THE-CLASSMATES"},
        HTTP_ACCEPT="application/json",
    )
    assert kept.json()["kept"] is True

    log_in(browser, classmate)
    page = browser.get(world.mine.assignment.get_absolute_url())
    assert "NOT-THE-CLASSMATES" not in page.content.decode()
    assert not Answer.objects.filter(submission__student=classmate).exists()
    session = Session.objects.get(session_key=browser.cookies["sessionid"].value)
    assert (
        kept_answers.SESSION_KEY not in session.get_decoded()
        or not (session.get_decoded()[kept_answers.SESSION_KEY])
    )


@pytest.mark.parametrize("owner", ["", "forged"])
def test_nothing_is_kept_without_the_pages_own_owner_token(browser, world, open_page, owner):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    response = browser.post(
        save_url(question),
        {**open_page, "owner": owner, "text": "Unowned"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403 and response.json()["kept"] is False
    assert "log in again in a new tab" in response.json()["error"].lower()
    log_in(browser, world.mine.student)
    browser.get(world.mine.assignment.get_absolute_url())
    assert the_answer(world).response["text"] == "Duranty was there."


def test_an_answer_kept_with_another_students_token_is_never_saved_to_mine(
    browser, world, open_page
):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    theirs = kept_answers.owner_token(world.theirs.student)
    browser.post(save_url(question), {**open_page, "owner": theirs, "text": "Planted"})
    log_in(browser, world.mine.student)
    assert "Planted" not in browser.get(world.mine.assignment.get_absolute_url()).text
    assert the_answer(world).response["text"] == "Duranty was there."


def test_an_answer_kept_while_a_newer_one_was_saved_elsewhere_is_shown_not_saved(
    browser, world, open_page
):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    browser.post(save_url(question), {**open_page, "text": "From the old tab"})
    other_device = Client()
    other_device.force_login(world.mine.student)
    other_device.post(
        save_url(question),
        {"revision": open_page["revision"], "text": "From the phone"},
        HTTP_ACCEPT="application/json",
    )

    log_in(browser, world.mine.student)
    page = browser.get(world.mine.assignment.get_absolute_url()).content.decode()
    assert the_answer(world).response["text"] == "From the phone"
    assert "a newer version had been saved since" in page
    assert "From the old tab" in page and "From the phone" in page

    # Saving the answer (the student copied what they needed) ends the note.
    browser.post(
        save_url(question),
        {
            "csrfmiddlewaretoken": field(browser.get(LOGIN), "csrfmiddlewaretoken"),
            "revision": the_answer(world).revision,
            "text": "From the phone, and from the old tab",
        },
    )
    page = browser.get(world.mine.assignment.get_absolute_url()).content.decode()
    assert "a newer version had been saved since" not in page


def test_a_kept_answer_that_is_too_long_is_shown_in_the_form_to_correct(browser, world, open_page):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    browser.post(save_url(question), {**open_page, "text": "x" * 10_001})
    log_in(browser, world.mine.student)
    page = browser.get(world.mine.assignment.get_absolute_url()).content.decode()
    assert "x" * 10_001 in page and "the limit is 10,000" in page
    assert "could not be saved as it was" in page
    assert the_answer(world).response["text"] == "Duranty was there."


def test_a_kept_answer_to_work_handed_in_since_is_shown_once(browser, world, open_page):
    question = world.mine.questions["written"]
    expire(world.mine.student)
    browser.post(save_url(question), {**open_page, "text": "Too late"})
    other_device = Client()
    other_device.force_login(world.mine.student)
    other_device.post(reverse("exercises:submit", args=[world.mine.assignment.pk]))

    log_in(browser, world.mine.student)
    url = world.mine.assignment.get_absolute_url()
    first = browser.get(url).content.decode()
    assert "handed in since" in first and "Too late" in first
    assert "Too late" not in browser.get(url).content.decode()
    assert the_answer(world).response["text"] == "Duranty was there."


@pytest.mark.e2e
def test_in_a_browser_the_answer_typed_after_the_session_ended_is_there_after_logging_in(
    live_server, world
):
    from playwright.sync_api import expect, sync_playwright

    question = world.mine.questions["written"]
    text_box, status = f"#q{question.pk}-text", f"#q{question.pk}-status"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.getenv("CHROMIUM", "/usr/bin/chromium")
        )
        page = chromium.new_page()
        page.goto(live_server.url + LOGIN + "?next=" + world.mine.assignment.get_absolute_url())
        page.fill("#id_username", world.mine.student.username)
        page.fill("#id_password", factories.PASSWORD)
        page.click("button[type=submit]")
        page.fill(text_box, "Saved before the session ended.")
        expect(page.locator(status)).to_contain_text("Saved at")

        on_its_own_connection(expire, world.mine.student)
        page.fill(text_box, "Typed after the session ended.")
        expect(page.locator(status)).to_contain_text(
            "You have been logged out. Log in again: your answer is kept."
        )
        page.click(f"{status} a")
        page.fill("#id_username", world.mine.student.username)
        page.fill("#id_password", factories.PASSWORD)
        page.click("button[type=submit]")

        expect(page.locator(text_box)).to_have_value("Typed after the session ended.")
        assert page.url.endswith(f"#question-{question.pk}")
        chromium.close()
    assert the_answer(world).response["text"] == "Typed after the session ended."


def on_its_own_connection(function, *args):
    """Run a query while Playwright's event loop owns this thread (Django refuses queries
    there): in a thread of its own, whose connection is closed after."""

    def run():
        try:
            function(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_what_is_kept_for_logged_out_saves_stays_small(browser, world, open_page):
    expire(world.mine.student)
    assignment = world.mine.assignment.pk
    for question in range(1, 41):  # made-up question ids cost the sender nothing
        url = reverse("exercises:save_answer", args=[assignment, question])
        browser.post(url, {**open_page, "text": f"{question:02d}" + "x" * 9_000})
    session = Session.objects.get(session_key=browser.cookies["sessionid"].value)
    kept = session.get_decoded()[kept_answers.SESSION_KEY]
    assert len(json.dumps(kept)) <= kept_answers.MAX_KEPT_CHARACTERS
    assert f"{assignment}:40" in kept and f"{assignment}:1" not in kept  # the newest stay
