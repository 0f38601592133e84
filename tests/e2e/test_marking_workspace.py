"""The marking workspace in a real browser: the demo's twelve handed-in Year 13 scripts
marked from the "To mark" page, every OPVL and written answer given a level per criterion
and a comment from the teacher's bank, with clicks, non-typing key presses and page loads
counted against the target (at most 5 actions per answer, 3 page loads for the class)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from exercises import demo
from exercises.models import Answer, Assignment, CriterionGrade, Grade, Question, Submission
from tests import factories

from .steps import check_accessibility, log_in, select_words

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BANK = {
    Question.Kind.OPVL: (
        "P1",
        "Provenance not linked to the enquiry: say what the origin lets "
        "this author know about the trial.",
    ),
    Question.Kind.WRITTEN: (
        "S1",
        "Use who wrote each source and where they were to judge how far it supports the view.",
    ),
}


class Counter:
    """What the teacher does: clicks, key presses that are not typing, page loads."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.keys = 0
        self.loads = 0
        # A page load, not the page's own change of its address (history.replaceState).
        page.on("load", self._loaded)

    def _loaded(self, page):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def press(self, key):
        self.keys += 1
        self.page.keyboard.press(key)

    def type(self, text):  # typing: not counted as an action
        self.page.keyboard.type(text)

    @property
    def actions(self):
        return self.clicks + self.keys


def handed_in_assignment():
    return Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.HANDED_IN_JOIN_CODE
    )


def focused_answer(page):
    return page.evaluate(
        "() => { const s = document.activeElement.closest('.ws-answer'); "
        "return s ? Number(s.dataset.answer) : null; }"
    )


def mark_question(page, counter, question, bank_code):
    """Mark every answer to `question` from the keyboard, as the page opens on it."""
    criteria = list(question.rubric.criteria.order_by("order", "id").prefetch_related("levels"))
    answers = list(Answer.objects.filter(question=question).order_by("submission_id"))
    per_answer = []
    for position in range(len(answers)):
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.type === 'radio'"
        )
        here = focused_answer(page)
        before = counter.actions
        for number, criterion in enumerate(criteria):
            levels = criterion.levels.count()
            counter.press(str((position + number) % levels + 1))
        expect(page.locator(f"#answer-{here} [data-ws-feedback]")).to_be_focused()
        counter.type(f"#{bank_code} ")
        counter.press("Control+Enter")
        expect(page.locator(f"#answer-{here} .ws-state")).to_have_text(re.compile(r"^Saved "))
        per_answer.append(counter.actions - before)
    return per_answer


def test_teacher_marks_the_demo_class_in_few_actions_and_page_loads(
    new_context, live_server, demo_assignment
):
    assignment = handed_in_assignment()
    teacher = assignment.classroom.teachers.get(username="teacher")
    questions = {
        kind: assignment.questions.get(kind=kind)
        for kind in (Question.Kind.OPVL, Question.Kind.WRITTEN)
    }
    for kind, (code, text) in BANK.items():
        factories.CommentBankEntryFactory(
            owner=teacher, criterion=questions[kind].rubric.criteria.first(), code=code, text=text
        )
    page = new_context().new_page()
    log_in(page, live_server, "teacher", next_url="/admin/")
    counter = Counter(page)

    page.goto(live_server.url + "/admin/exercises/to-mark/")
    check_accessibility(page, live_server, "the To mark page")
    opvl = questions[Question.Kind.OPVL]
    # The first assignment's row: the exam practice's IB set has an OPVL question too.
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=assignment.title))
    counter.click(row.get_by_role("link", name=re.compile(r"\(OPVL.*: 12 to mark")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mark:")
    check_accessibility(page, live_server, "the marking workspace")
    per_answer = mark_question(page, counter, opvl, BANK[Question.Kind.OPVL][0])

    # The last answer saved, the next question is offered: Enter follows the link.
    expect(page.locator("#ws-next-question")).to_be_focused()
    counter.press("Enter")
    written = questions[Question.Kind.WRITTEN]
    per_answer += mark_question(page, counter, written, BANK[Question.Kind.WRITTEN][0])
    expect(page.locator("#ws-next-question")).to_be_focused()

    print(
        f"\nMarked {len(per_answer)} answers: {counter.clicks} clicks, {counter.keys} key "
        f"presses (not typing), {counter.actions} actions in all, at most "
        f"{max(per_answer)} per answer; {counter.loads} page loads."
    )
    assert len(per_answer) == 24
    assert max(per_answer) <= 5
    assert counter.loads <= 3
    grades = Grade.objects.filter(answer__question__in=questions.values())
    assert grades.count() == 24
    assert not grades.filter(score__isnull=True).exists()
    for kind, question in questions.items():
        criteria = question.rubric.criteria.count()
        assert (
            CriterionGrade.objects.filter(grade__answer__question=question).count() == 12 * criteria
        )
        for grade in grades.filter(answer__question=question):
            assert grade.feedback.startswith(BANK[kind][1])


def test_teacher_comments_on_selected_words_and_the_student_reads_it_after_release(
    new_context, live_server, demo_assignment
):
    assignment = handed_in_assignment()
    written = assignment.questions.get(kind=Question.Kind.WRITTEN)
    answer = Answer.objects.filter(question=written).order_by("submission_id").first()
    words = answer.response["text"].split(".")[0].split()[:4]
    quote = " ".join(words)
    page = new_context().new_page()
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(
        f"{live_server.url}/admin/exercises/assignment/{assignment.pk}/workspace/?question={written.pk}&anonymous=1"
    )
    expect(page.locator(".ws-answer h2").first).to_contain_text("Candidate")
    section = page.locator(f"#answer-{answer.pk}")
    select_words(page, section.locator(".ws-text"), quote)
    expect(section.locator("[name=quote]")).to_have_value(quote)
    section.get_by_label("Comment on these words").fill("Whose view is this?")
    section.get_by_role("button", name="Add comment").click()
    expect(section.locator(".ws-text mark")).to_have_text(quote)
    assert answer.anchored_comments.get().quote == quote

    # Released (off-screen here: the release itself has its own tests), the pupil reads it.
    Submission.objects.filter(pk=answer.submission_id).update(released_at=timezone.now())
    pupil = new_context().new_page()
    log_in(pupil, live_server, answer.submission.student.username)
    pupil.goto(live_server.url + reverse("exercises:assignment", args=[assignment.pk]))
    expect(pupil.locator(".anchored-comments mark")).to_have_text(quote)
    expect(pupil.locator(".anchored-comments")).to_contain_text("Whose view is this?")
