"""Printing an assignment, in Chromium, to PDF: what a teacher hands out for a lesson
without devices and what a student keeps (blank, answered, released with marks).

The page is printed as the browser prints it (Playwright's `page.pdf()`, print media), and
the PDF's own text is read back with pypdf: what is not in the PDF is not on the paper."""

import io
import re
import unicodedata

import pytest
from django.utils import dateformat, timezone
from pypdf import PdfReader

from exercises import kinds
from exercises.models import Question, Submission
from exercises.services import grading
from tests.factories import GradeFactory

from .steps import DEMO_ANSWERS, answer_off_screen, log_in, question_of, sources_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FEEDBACK = "You weigh Orlov's motive well; say how he could know Stalin's mind."


def words(text):
    """Text with its whitespace collapsed (lines wrap differently on paper) and ligatures
    undone (the PDF's "ﬃ" is "ffi")."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def print_to_pdf(page):
    """Print the page as Chromium prints it; return the PDF's text, page count and bytes."""
    pdf = page.pdf(format="A4")
    reader = PdfReader(io.BytesIO(pdf))
    text = words(" ".join(p.extract_text() for p in reader.pages))
    return text, len(reader.pages), pdf


def ends_of(text, count=8):
    """The first and last words of a text: both on paper means the whole of it printed."""
    parts = text.split()
    return " ".join(parts[:count]), " ".join(parts[-count:])


def assert_prints_the_worksheet(text, assignment):
    """Everything a pupil needs on paper, whatever the state of their work."""
    assert words(assignment.title) in text
    assert words(str(assignment.classroom)) in text
    due = dateformat.format(timezone.localtime(assignment.due_at), "l j F, H:i")
    assert f"Due {due}" in text
    for line in assignment.instructions.split("\n\n"):
        assert words(line) in text
    questions = list(assignment.questions.order_by("order"))
    for number, question in enumerate(questions, start=1):
        marks = f"{float(question.points):g} mark{'s' if question.points != 1 else ''}"
        assert f"Question {number}" in text
        assert marks in text, f"question {number}'s marks ({marks}) are not printed"
        assert words(question.prompt) in text
        # Every source the question names prints in full (opened, not a closed box).
        for source in sources_of(question):
            first, last = ends_of(source.text)
            assert first in text and last in text, f"Source {source.number} is not printed in full"
    for number, label in enumerate(kinds.DEFAULT_RATING_LABELS, start=1):
        assert f"{number} – {label}" in text
    choice = question_of(assignment, Question.Kind.CHOICE)
    for option in choice.settings["options"]:
        assert words(option["text"]) in text
    matrix = question_of(assignment, Question.Kind.MATRIX)
    for source in sources_of(matrix):
        assert f"Source {source.number} ({source.author.name})" in text
    # Screen-only controls do not print.
    for chrome in ("Log out", "My assignments", "Review and submit", "Mark selected words"):
        assert chrome not in text


ANSWER_BOXES = """() => Array.from(document.querySelectorAll("textarea")).map(box => {
  const style = getComputedStyle(box);
  return {name: box.name, height: box.getBoundingClientRect().height,
          background: style.backgroundColor, empty: box.value === ""};
})"""


def assert_blank_answers_leave_room_to_write(page):
    """On paper an empty answer box is white and tall enough to write in by hand."""
    page.emulate_media(media="print")
    boxes = page.evaluate(ANSWER_BOXES)
    page.emulate_media(media="screen")
    empty = [box for box in boxes if box["empty"]]
    assert empty, "no empty answer box to check"
    for box in empty:
        assert box["background"] == "rgb(255, 255, 255)", f"{box['name']} prints grey"
        assert box["height"] >= 110, f"{box['name']} leaves {box['height']}px to write in"


def test_a_blank_assignment_prints_everything_with_room_to_write(
    page, live_server, demo_assignment
):
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    text, pages, _ = print_to_pdf(page)
    assert_prints_the_worksheet(text, demo_assignment)
    assert "Nothing yet." in text  # the highlight question's list of marked passages
    assert_blank_answers_leave_room_to_write(page)
    # The "Read Source n" boxes are closed again once printed, as the student left them.
    assert page.locator("details.source-inline[open]").count() == 0
    assert pages < 25


def test_the_teachers_preview_prints_as_a_worksheet(page, live_server, demo_assignment):
    log_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/assignments/{demo_assignment.pk}/preview/")
    text, _, _ = print_to_pdf(page)
    assert_prints_the_worksheet(text, demo_assignment)
    assert "Preview" not in text  # the banner is for the teacher's screen
    assert_blank_answers_leave_room_to_write(page)


def test_answered_work_prints_every_answer_in_full(page, live_server, demo_assignment):
    answer_off_screen(demo_assignment, "student1")
    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    text, _, _ = print_to_pdf(page)
    assert_prints_the_worksheet(text, demo_assignment)
    # Long answers are not cut at the box's height.
    assert words(DEMO_ANSWERS["written"]["text"]) in text
    assert words(DEMO_ANSWERS["rating"]["justification"]) in text
    for value in DEMO_ANSWERS["opvl"].values():
        assert words(value) in text
    # The chosen rating is ticked, the marked passages listed.
    assert "✔ 2 – Of little reliability" in text
    assert "You marked: “Fascist agent Trotsky” “nest of wreckers and spies”" in text


def test_released_work_prints_the_mark_feedback_and_model_answers(
    page, live_server, demo_assignment
):
    submission = answer_off_screen(demo_assignment, "student1", submit=True)
    opvl = question_of(demo_assignment, Question.Kind.OPVL)
    written = question_of(demo_assignment, Question.Kind.WRITTEN)
    # Every answer marked by the teacher, one with feedback.
    for answer in submission.answers.select_related("question"):
        score = 6 if answer.question == opvl else 5 if answer.question == written else 2
        feedback = FEEDBACK if answer.question == opvl else ""
        GradeFactory(answer=answer, score=score, feedback=feedback)
    grading.release(Submission.objects.filter(pk=submission.pk))

    log_in(page, live_server, "student1")
    page.goto(live_server.url + demo_assignment.get_absolute_url())
    text, _, _ = print_to_pdf(page)
    assert words(demo_assignment.title) in text
    assert words(str(demo_assignment.classroom)) in text
    mark = re.search(r"Your mark: ([\d.]+) / ([\d.]+)", text)
    assert mark, "the student's mark is not printed"
    assert float(mark.group(2)) == float(sum(q.points for q in demo_assignment.questions.all()))
    assert float(mark.group(1)) == 6 + 5 + 2 * (demo_assignment.questions.count() - 2)
    assert "Mark: 6 / 8" in text
    assert words(FEEDBACK) in text
    for question in demo_assignment.questions.all():
        assert words(question.model_answer) in text
        for source in sources_of(question):
            first, last = ends_of(source.text)
            assert first in text and last in text, f"Source {source.number} is not printed"
    assert words(DEMO_ANSWERS["written"]["text"]) in text
