"""A student's work on the demo assignment, in a real browser: joining the class, answering
every kind of question with mouse and keyboard, reloading, submitting; the keyboard-only
highlight; a stale second tab; a phone."""

import re

import pytest
from playwright.sync_api import expect

from exercises import demo, kinds
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
    # A look at the confirmation page first: it lists what is not finished.
    page.locator("a.review-and-submit").click()
    expect(page.locator(".unanswered")).to_contain_text("8 of 8 questions are not finished")
    check_accessibility(page, live_server, "the submit confirmation, nothing answered")
    page.get_by_role("link", name="Keep working").click()

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


# How a focused control is named in the Tab tests: a group of radio buttons is one stop.
DESCRIBE = """el => el.type === "radio" ? el.name
  : el.matches(".save-button") ? "save " + el.form.dataset.question
  : el.id || el.getAttribute("aria-label") || el.tagName"""


def tab_until(page, test, *, limit=400, reverse=False):
    """Press Tab (or Shift+Tab) until the focused element passes `test` (a JS predicate on
    the element); return the descriptions of everything focused on the way."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if reverse else "Tab")
        found = page.evaluate(
            f"""() => {{
              const el = document.activeElement;
              const test = {test};
              return [test(el), ({DESCRIBE})(el)];
            }}"""
        )
        visited.append(found[1])
        if found[0]:
            return visited
    raise AssertionError(f"Tab never reached the element; it went through {visited}")


def test_student_marks_whole_sentences_with_the_keyboard_alone(page, live_server, demo_assignment):
    highlight = question_of(demo_assignment, Question.Kind.HIGHLIGHT)
    text = highlight.sources.get().text
    sentences = kinds.sentences(text)
    wreckers = next(i for i, (s, e) in enumerate(sentences) if "nest of wreckers" in text[s:e])
    crimes = wreckers + 1
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    box = question_box(page, highlight)

    # From the top of the page, Tab to the first sentence button, then on to the sentence.
    tab_until(page, f"el => el.matches('#question-{highlight.pk} .sentence-toggle')")
    tab_until(page, f"el => el.getAttribute('aria-label') === 'Mark sentence {wreckers + 1}'")
    page.keyboard.press("Space")
    wreckers_toggle = box.get_by_role("button", name=f"Mark sentence {wreckers + 1}")
    expect(wreckers_toggle).to_have_attribute("aria-pressed", "true")
    expect(wreckers_toggle).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    crimes_toggle = box.get_by_role("button", name=f"Mark sentence {crimes + 1}")
    expect(crimes_toggle).to_have_attribute("aria-pressed", "true")
    wait_until_saved(page, highlight)
    submission = Submission.objects.get(assignment=demo_assignment, student__username="student1")
    assert saved_ranges(submission, highlight) == [sentences[wreckers], sentences[crimes]]

    # Pressing a marked sentence's button again unmarks it.
    page.keyboard.press("Shift+Tab")
    expect(wreckers_toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(wreckers_toggle).to_have_attribute("aria-pressed", "false")
    expect(crimes_toggle).to_have_attribute("aria-pressed", "true")
    expect(box.locator(".marked-list q")).to_have_text([text[slice(*sentences[crimes])]])
    expect(box.locator(".save-status")).to_have_text(re.compile("Saving|Not saved yet"))
    wait_until_saved(page, highlight)
    assert saved_ranges(submission, highlight) == [sentences[crimes]]


# Words as the highlight widget sees them (static/js/kinds/highlight.js, findWords).
WORD = re.compile(r"(?:[^\W_]|['’\-])+")


def test_keyboard_alone_marks_the_exact_phrases_of_the_key_and_scores_full_marks(
    page, live_server, demo_assignment
):
    highlight = question_of(demo_assignment, Question.Kind.HIGHLIGHT)
    text = highlight.sources.get().text
    key = [(r["start"], r["end"]) for r in highlight.key["ranges"]]
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    box = question_box(page, highlight)
    passage = box.locator(".passage")
    announcer = box.locator(".passage + [aria-live]")

    # The text is one Tab stop, described by how to mark with the keyboard.
    tab_until(page, f"el => el.matches('#question-{highlight.pk} .passage')")
    help_id = passage.get_attribute("aria-describedby")
    expect(page.locator(f"#{help_id}")).to_contain_text("Hold Shift")
    expect(page.locator(f"#{help_id}")).to_be_visible()

    page.keyboard.press("ArrowRight")  # the word cursor appears on the first word
    expect(announcer).to_have_text(text[slice(*words[0])])
    at = 0
    for start, end in key:
        first = next(i for i, (s, _) in enumerate(words) if s == start)
        last = next(i for i, (_, e) in enumerate(words) if e == end)
        for _ in range(first - at):
            page.keyboard.press("ArrowRight")
        for _ in range(last - first):
            page.keyboard.press("Shift+ArrowRight")
        count = last - first + 1
        expect(announcer).to_have_text((f"{count} words: " if count > 1 else "") + text[start:end])
        expect(passage.locator(".in-cursor")).not_to_have_count(0)
        page.keyboard.press("Enter")
        expect(announcer).to_have_text(f"Marked “{text[start:end]}”.")
        at = last
    expect(passage).to_be_focused()
    expect(box.locator(".marked-list q")).to_have_text([text[s:e] for s, e in key])
    check_accessibility(page, live_server, "a highlight question marked by keyboard")

    # Enter on a marked phrase unmarks it; Space marks it again.
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.press("Escape")  # back to one word: the last one
    expect(announcer).to_have_text(text[slice(*words[-1])])
    page.keyboard.press("Home")
    for _ in range(next(i for i, (s, _) in enumerate(words) if s == key[0][0])):
        page.keyboard.press("ArrowRight")
    expect(announcer).to_have_text(
        text[slice(*words[next(i for i, (s, _) in enumerate(words) if s == key[0][0])])]
        + " (marked)"
    )
    page.keyboard.press("Enter")
    expect(announcer).to_have_text(re.compile("^Unmarked "))
    page.keyboard.press(" ")
    expect(announcer).to_have_text(re.compile("^Marked "))
    wait_until_saved(page, highlight)
    submission = Submission.objects.get(assignment=demo_assignment, student__username="student1")
    assert saved_ranges(submission, highlight) == key

    # Hand in by keyboard; the automatic score is the question's full marks.
    tab_until(page, "el => el.matches('a.review-and-submit')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/")
    tab_until(page, "el => el.textContent.trim() === 'Submit my answers'")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/submit/" not in url)
    answer = Answer.objects.get(submission=submission, question=highlight)
    assert answer.auto_score == highlight.points == 5
    check_accessibility(page, live_server, "the submitted assignment")


def test_an_older_tab_cannot_overwrite_newer_work_and_loses_nothing(
    new_context, live_server, demo_assignment
):
    written = question_of(demo_assignment, Question.Kind.WRITTEN)
    context = new_context()
    first = context.new_page()
    log_in(first, live_server, "student1")
    url = live_server.url + demo_assignment.get_absolute_url()
    first.goto(url)
    second = context.new_page()
    second.goto(url)

    first_text = "Written in the first tab: the journalists saw only what the court showed."
    second_text = "Written in the second tab, which still shows the page as it was loaded."
    question_box(first, written).get_by_label("Your answer").fill(first_text)
    wait_until_saved(first, written)

    box = question_box(second, written)
    box.get_by_label("Your answer").fill(second_text)
    conflict = box.locator(".answer-conflict")
    expect(conflict).to_contain_text("This answer was changed in another tab or window at")
    expect(box.locator(".save-status")).to_contain_text("Not saved")
    # Both versions are on the screen: the one typed here, and the newer saved one.
    expect(box.get_by_label("Your answer")).to_have_value(second_text)
    expect(conflict).to_contain_text(first_text)
    expect(conflict.get_by_role("button", name="Keep my version")).to_be_visible()
    answer = Answer.objects.get(question=written, submission__student__username="student1")
    assert (answer.response["text"], answer.revision) == (first_text, 1)


def test_assignment_page_fits_a_phone_and_every_control_can_be_reached(
    new_context, live_server, demo_assignment
):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    expect(page.locator("a.review-and-submit")).to_be_attached()

    assert page.evaluate(NO_SIDEWAYS_SCROLLING), "the page scrolls sideways on a phone"
    reach = page.evaluate(CONTROLS_OUT_OF_REACH)
    assert reach["problems"] == []
    assert reach["checked"] > 60  # every question's fields, buttons and links
    # Opening every source in place must not widen the page either.
    for summary in page.locator("details.source-inline > summary").all():
        summary.click()
    assert page.evaluate(NO_SIDEWAYS_SCROLLING), "an opened source scrolls sideways"
    assert page.evaluate(CONTROLS_OUT_OF_REACH)["problems"] == []
    check_accessibility(page, live_server, "the assignment page on a phone")

    # The keyboard reaches every answer field, question by question, then the Submit link.
    page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    visited = tab_until(page, "el => el.matches('a.review-and-submit')")
    fields = page.evaluate(
        """() => Array.from(document.querySelectorAll(
             "form.answer-form textarea, form.answer-form input:not([type=hidden]),"
             + " form.answer-form .sentence-toggle, form.answer-form .save-button"))
           .map(DESCRIBE)""".replace("DESCRIBE", DESCRIBE)
    )
    assert set(fields) - set(visited) == set()


NO_SIDEWAYS_SCROLLING = (
    "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)

# Every control in the page's content, scrolled into view: it must have a box inside the
# screen's width, and be what a finger at its centre would touch. A radio button drawn as
# a button (Bootstrap's btn-check) is reached through its label.
CONTROLS_OUT_OF_REACH = """() => {
  const problems = [];
  let checked = 0;
  const controls = document.querySelectorAll(
    "main a[href], main button, main input:not([type=hidden]), main textarea, main select,"
    + " main summary");
  for (const control of controls) {
    if (control.closest("details:not([open]) > :not(summary)")) continue;
    if (control.closest("[hidden]")) continue;
    const target = control.matches(".btn-check") ? control.labels[0] : control;
    if (!target.getClientRects().length) continue;  // not displayed at this width by design
    checked += 1;
    target.scrollIntoView({block: "center", inline: "nearest", behavior: "instant"});
    const box = target.getBoundingClientRect();
    const name = (control.id || control.name || control.textContent || "").trim().slice(0, 40);
    if (box.width < 1 || box.height < 1) { problems.push(`${name}: no size`); continue; }
    if (box.left < 0 || box.right > document.documentElement.clientWidth + 0.5) {
      problems.push(`${name}: off the side of the screen`);
      continue;
    }
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    const label = control.labels && control.labels[0];
    if (!hit || !(target.contains(hit) || hit.contains(target) || (label && label.contains(hit)))) {
      problems.push(`${name}: covered by ${hit ? hit.outerHTML.slice(0, 80) : "nothing"}`);
    }
  }
  return {checked, problems};
}"""
