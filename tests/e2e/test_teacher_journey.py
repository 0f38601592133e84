"""The teacher's side in a real browser: grading a handed-in submission with the rubrics in
the teacher's desk, releasing the grades, and what the student then sees."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from exercises import demo
from exercises.models import Question, Submission

from .steps import answer_off_screen, check_accessibility, log_in, question_box, question_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# (criterion, level) as the teacher picks them; the demo rubrics give each level one mark
# or a band whose top the page fills in.
OPVL_LEVELS = [
    ("Origin", "Identified (1–1)"),
    ("Purpose", "Identified (1–1)"),
    ("Value", "Explained (2–3)"),
    ("Limitation", "Asserted (1–1)"),
]
WRITTEN_LEVELS = [
    ("Sourcing", "Proficient (2–2)"),
    ("Contextualization", "Emergent (1–1)"),
    ("Corroboration", "Proficient (2–2)"),
    ("Close reading", "Emergent (1–1)"),
]
OPVL_FEEDBACK = "Good origin and purpose. Say why an NKVD defector might exaggerate."
WRITTEN_FEEDBACK = "You use the New Statesman well; bring in Khrushchev's speech of 1956."


def top_of(level):
    """The marks a level is given when picked: the top of its band, "Explained (2–3)" -> 3."""
    return level.rstrip(")").split("–")[-1]


def grade_with_levels(page, answer, levels, feedback):
    section = page.locator(f"#answer-{answer.pk}")
    for criterion, level in levels:
        section.get_by_label(f"{criterion}: level").select_option(label=level)
    section.get_by_label("Feedback to the student").fill(feedback)
    return section.get_by_label("Score").input_value()


def test_teacher_grades_with_rubrics_and_releases_then_the_student_sees_it(
    new_context, live_server, demo_assignment
):
    submission = answer_off_screen(demo_assignment, "student1", submit=True)
    opvl = question_of(demo_assignment, Question.Kind.OPVL)
    written = question_of(demo_assignment, Question.Kind.WRITTEN)
    opvl_answer = submission.answers.get(question=opvl)
    written_answer = submission.answers.get(question=written)

    desk = new_context().new_page()
    desk.goto(f"{live_server.url}/admin/")
    desk.get_by_label("Username").fill("teacher")
    desk.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("link", name="Submissions", exact=True).first.click()
    desk.get_by_role("link", name="Sam Student").click()
    desk.wait_for_url(f"**/admin/exercises/submission/{submission.pk}/change/")  # and its script
    expect(desk.get_by_role("heading", name="Grade Sam Student")).to_be_visible()

    # Picking a level fills in its marks and the answer's score (the levels' total).
    assert grade_with_levels(desk, opvl_answer, OPVL_LEVELS, OPVL_FEEDBACK) == "6"
    assert grade_with_levels(desk, written_answer, WRITTEN_LEVELS, WRITTEN_FEEDBACK) == "6"
    # Every other answer without an automatic score gets a mark too: only fully marked work
    # is released.
    unmarked = [
        answer
        for answer in submission.answers.filter(auto_score__isnull=True)
        if answer.pk not in (opvl_answer.pk, written_answer.pk)
    ]
    for answer in unmarked:
        desk.locator(f"#answer-{answer.pk}").get_by_label("Score").fill("1")
    desk.locator("input[name=_save]").click()
    expect(desk.get_by_text(f"{2 + len(unmarked)} grades saved for Sam Student")).to_be_visible()
    submission.refresh_from_db()
    assert submission.released_at is None

    # Release from the list of submissions, with the admin's action.
    desk.get_by_role("link", name=re.compile("^Submissions: ")).click()
    desk.get_by_role("row", name=re.compile("Sam Student")).get_by_role("checkbox").check()
    desk.locator("select[name=action]").select_option(
        label="Release grades to the students (fully marked work only)"
    )
    desk.get_by_role("button", name="Go").click()
    expect(desk.get_by_text("Grades released for 1 submission.")).to_be_visible()

    submission.refresh_from_db()
    assert submission.released_at is not None
    answers = submission.answers.select_related("grade")
    total = sum(
        (a.grade.score if hasattr(a, "grade") and a.grade.score is not None else a.auto_score)
        or Decimal(0)
        for a in answers
    )
    total_points = sum(q.points for q in demo_assignment.questions.all())
    mark = f"{total.normalize():f} / {total_points.normalize():f}"

    student = new_context().new_page()
    log_in(student, live_server, "student1")
    row = student.locator(f"#assignment-{demo_assignment.pk}")
    expect(row.locator(".grade")).to_contain_text(f"Mark: {mark}")
    expect(row.locator(".new-badge")).to_contain_text("New")
    check_accessibility(student, live_server, "the dashboard with a released mark")
    row.get_by_role("link").click()
    expect(student.locator(".total-score")).to_have_text(f"Your mark: {mark}")
    for question, levels, feedback in (
        (opvl, OPVL_LEVELS, OPVL_FEEDBACK),
        (written, WRITTEN_LEVELS, WRITTEN_FEEDBACK),
    ):
        result = question_box(student, question).locator(".result")
        expect(result.locator(".score")).to_have_text("6")
        expect(result.locator(".feedback")).to_contain_text(feedback)
        rows = result.locator(".criterion-grades tbody tr")
        expect(rows.locator("th")).to_have_text([criterion for criterion, _ in levels])
        expect(rows.locator("td:first-of-type")).to_contain_text(
            [level.split(" (")[0] for _, level in levels]
        )
        expect(rows.locator("td:last-of-type")).to_have_text([top_of(level) for _, level in levels])
        expect(result.locator(".model-answer")).to_contain_text(question.model_answer[:60])
    check_accessibility(student, live_server, "the assignment with released marks")
    assert Submission.objects.get(pk=submission.pk).release_seen


def test_submissions_list_fits_a_laptop_screen_and_says_late_only_when_late(
    new_context, live_server, demo_assignment, tmp_path
):
    """On a 1366-px laptop the teacher sees every column without scrolling sideways; an
    on-time submission shows no late mark (the admin's red cross read as an error)."""
    handed_in = Submission.objects.filter(assignment__classroom__join_code=demo.HANDED_IN_JOIN_CODE)
    handed_in.filter(pk=handed_in.order_by("pk").first().pk).update(late=True)
    desk = new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(desk, live_server, "teacher", next_url="/admin/exercises/submission/")
    desk.screenshot(path=str(tmp_path / "submissions-1366.png"), full_page=True)
    print("screenshot:", tmp_path / "submissions-1366.png")

    width = desk.evaluate("document.documentElement.clientWidth")
    assert desk.evaluate("document.documentElement.scrollWidth") <= width
    results = desk.locator("#changelist .results")  # the admin scrolls the table in here
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    for column in ("total_score", "graded", "graded_by", "released"):
        box = desk.locator(f"th.column-{column}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, column
    assert desk.locator("td.field-handed_in img").count() == 0
    assert desk.locator("td.field-handed_in .desk-late").count() == 1
    expect(desk.locator("td.field-handed_in .desk-late")).to_have_text("late")
