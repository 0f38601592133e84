"""A student's work on the demo assignment, in a real browser: joining the class, answering
every kind of question with mouse and keyboard, reloading, submitting; the keyboard-only
highlight; a stale second tab; a phone."""

import re

import pytest
from playwright.sync_api import expect

from exercises import demo
from exercises.models import Answer, Question, Submission

from .steps import (
    PHONE,
    check_accessibility,
    log_in,
    question_box,
    question_of,
    saved_ranges,
    select_words,
    wait_until_saved,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAVED = re.compile(r"^Saved (at|on) ")

RATING_1 = (
    "Duranty wrote this in 1935, before the trial, so it cannot describe what happened in "
    "court. He needed the regime's goodwill to stay in Moscow."
)
RATING_2 = (
    "Trotsky was the chief accused and wrote from exile, so he had every reason to deny the "
    "charges; but the defendants' long records are facts that can be checked."
)
COMPARISON = (
    "Source 8 is more reliable on the trial itself: it was written after the trial, about it, "
    "by a man who knew the accused. Its bias is open and can be allowed for, whereas Source 10 "
    "was written in 1935 and says nothing about the trial."
)
OPVL = {
    "Origin": "Alexander Orlov, an NKVD officer who defected to the United States in 1938.",
    "Purpose": "To reveal to a Western public how the trials were prepared.",
    "Value": "An insider in the organisation that ran the investigations.",
    "Limitation": "He gives no evidence and had reasons to blacken Stalin after defecting.",
}
WRITTEN = (
    "The Observer and the New Republic relied on correspondents in the courtroom who found the "
    "confessions consistent and saw no sign of coaching. The New Statesman, further away, asked "
    "the better question: why would guilty men confess and beg for death? Being present gave "
    "the journalists access to what the court chose to show, not to the interrogations behind "
    "it, where threats to families and sleeplessness did their work. So presence helped them "
    "report the trial but not judge it."
)
SUPPORTS, CHALLENGES = "Supports the claim", "Challenges the claim"
VERDICTS = [SUPPORTS, SUPPORTS, SUPPORTS, CHALLENGES, CHALLENGES, CHALLENGES]
MARKED_WITH_THE_MOUSE = "Fascist agent Trotsky"


def answer_every_question(page, questions):
    rating_1, rating_2, comparison, opvl, highlight, matrix, choice, written = questions

    # Rating: a click on the scale, then the justification typed in.
    question_box(page, rating_1).get_by_text("Of little reliability").click()
    question_box(page, rating_1).get_by_label("Your justification").fill(RATING_1)
    question_box(page, rating_2).get_by_text("Partly reliable").click()
    question_box(page, rating_2).get_by_label("Your justification").press_sequentially(
        RATING_2, delay=0
    )

    box = question_box(page, comparison)
    box.get_by_label("Source 8").check()
    box.get_by_label("Your justification").fill(COMPARISON)

    box = question_box(page, opvl)
    for label, text in OPVL.items():
        box.get_by_label(label, exact=True).fill(text)

    # Highlight: drag the mouse over the words, then press the Mark button it offers.
    box = question_box(page, highlight)
    select_words(page, box.locator(".passage"), MARKED_WITH_THE_MOUSE)
    mark = box.get_by_role("button", name=f"Mark “{MARKED_WITH_THE_MOUSE}”")
    expect(mark).to_be_enabled()
    mark.click()
    expect(box.locator(".passage mark")).to_have_text(MARKED_WITH_THE_MOUSE)
    expect(box.locator(".marked-list q")).to_have_text([MARKED_WITH_THE_MOUSE])

    box = question_box(page, matrix)
    for row, verdict in zip(box.locator("fieldset.matrix-row").all(), VERDICTS, strict=True):
        # On a wide screen the matrix is a table: the radio buttons stand under the headings.
        row.get_by_label(verdict).check()

    box = question_box(page, choice)
    box.get_by_label("Walter Duranty").check()
    box.get_by_label("Gregory Zinoviev").check()

    question_box(page, written).get_by_label("Your answer").fill(WRITTEN)


def expect_answers_on_form(page, questions):
    rating_1, rating_2, comparison, opvl, highlight, matrix, choice, written = questions
    box = question_box(page, rating_1)
    expect(box.get_by_label("Of little reliability")).to_be_checked()
    expect(box.get_by_label("Your justification")).to_have_value(RATING_1)
    box = question_box(page, rating_2)
    expect(box.get_by_label("Partly reliable")).to_be_checked()
    expect(box.get_by_label("Your justification")).to_have_value(RATING_2)
    box = question_box(page, comparison)
    expect(box.get_by_label("Source 8")).to_be_checked()
    expect(box.get_by_label("Your justification")).to_have_value(COMPARISON)
    box = question_box(page, opvl)
    for label, text in OPVL.items():
        expect(box.get_by_label(label, exact=True)).to_have_value(text)
    box = question_box(page, highlight)
    expect(box.locator(".passage mark")).to_have_text(MARKED_WITH_THE_MOUSE)
    expect(box.locator(".marked-list q")).to_have_text([MARKED_WITH_THE_MOUSE])
    box = question_box(page, matrix)
    for row, verdict in zip(box.locator("fieldset.matrix-row").all(), VERDICTS, strict=True):
        expect(row.get_by_label(verdict)).to_be_checked()
    box = question_box(page, choice)
    expect(box.get_by_label("Walter Duranty")).to_be_checked()
    expect(box.get_by_label("Gregory Zinoviev")).to_be_checked()
    expect(box.get_by_label("Leon Trotsky")).not_to_be_checked()
    expect(question_box(page, written).get_by_label("Your answer")).to_have_value(WRITTEN)


def test_student_joins_answers_every_kind_reloads_and_submits(page, live_server, demo_assignment):
    questions = list(demo_assignment.questions.order_by("order"))
    assert [q.kind for q in questions] == [
        "rating",
        "rating",
        "comparison",
        "opvl",
        "highlight",
        "matrix",
        "choice",
        "written",
    ]

    log_in(page, live_server, "student3")
    expect(page.get_by_role("heading", name="My assignments")).to_be_visible()
    check_accessibility(page, live_server, "the empty dashboard")
    page.get_by_role("link", name="Join a class").click()
    check_accessibility(page, live_server, "the join page")
    page.get_by_label("Class code").fill(demo.DEMO_JOIN_CODE.lower())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("You have joined Year 12 History (demo).")).to_be_visible()
    check_accessibility(page, live_server, "the dashboard")

    page.get_by_role("link", name=demo.ASSIGNMENT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.ASSIGNMENT_TITLE)
    check_accessibility(page, live_server, "the assignment page")

    answer_every_question(page, questions)
    for question in questions:
        wait_until_saved(page, question)
    submission = Submission.objects.get(assignment=demo_assignment, student__username="student3")
    assert Answer.objects.filter(submission=submission).count() == len(questions)
    highlight = question_of(demo_assignment, Question.Kind.HIGHLIGHT)
    source_text = highlight.sources.get().text
    start = source_text.index(MARKED_WITH_THE_MOUSE)
    assert saved_ranges(submission, highlight) == [(start, start + len(MARKED_WITH_THE_MOUSE))]

    page.reload()
    expect_answers_on_form(page, questions)
    for question in questions:
        expect(question_box(page, question).locator(".save-status")).to_have_text(SAVED)

    page.locator("a.review-and-submit").click()
    expect(page.get_by_text("You have answered all 8 questions.")).to_be_visible()
    check_accessibility(page, live_server, "the submit confirmation")
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_text(re.compile(r"Submitted at \d\d:\d\d\."))).to_be_visible()
    expect(page.locator("form.answer-form")).to_have_count(0)
    expect(page.locator("textarea, input[type=radio], input[type=checkbox]")).to_have_count(0)
    for text in (RATING_1, COMPARISON, WRITTEN, *OPVL.values()):
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    expect(question_box(page, highlight).locator("mark")).to_have_text(MARKED_WITH_THE_MOUSE)
    check_accessibility(page, live_server, "the submitted assignment")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
