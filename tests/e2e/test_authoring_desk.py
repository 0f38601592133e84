"""The authoring desk pages in a real browser, with the keyboard only, checked by axe:
adding a question from an exam-board template, the department library, and a teacher's own
copy of a shared rubric."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from exercises.models import Question, Rubric
from tests import factories

from .steps import check_accessibility, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


AXE_STYLE = "CSP refused style-src-elem inline"


@pytest.fixture
def desk(new_context):
    """A page of the desk, with `page.check(live_server, what)` running axe on it.

    axe adds an inline style while it runs on the admin's pages, which their policy
    refuses (the same pages visited without axe report no violation; tests/exercises
    checks that their HTML has no inline style): those reports, for the pages axe ran on,
    are forgiven at the end; any other script error or violation still fails the test."""
    watched = new_context()
    page = watched.new_page()
    checked = set()

    def check(live_server, what):
        checked.add(page.url)
        check_accessibility(page, live_server, what)

    page.check = check
    yield page
    watched.errors[:] = [
        error for error in watched.errors if error not in {f"{url}: {AXE_STYLE}" for url in checked}
    ]


def test_teacher_adds_a_question_from_a_template_with_the_keyboard(
    desk, live_server, demo_assignment
):
    page = desk
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/change/")
    page.get_by_role("link", name="Add a question from an exam-board template").click()
    expect(page.get_by_role("heading", name="IB Diploma History")).to_be_visible()
    page.check(live_server, "the question templates page")

    choice = page.get_by_label("Paper 1, Q2: value and limitations", exact=False)
    choice.focus()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    page.get_by_role("button", name="Add the chosen question").focus()
    page.keyboard.press("Enter")

    page.wait_for_url("**/admin/exercises/question/*/change/")
    question = Question.objects.filter(assignment=demo_assignment).order_by("-order").first()
    assert (question.kind, question.points) == ("opvl", 4)
    assert question.rubric.owner.username == "teacher"


def test_teacher_copies_a_colleagues_shared_assignment_into_their_class(
    desk, live_server, demo_assignment
):
    page = desk
    colleague = factories.DeskTeacherFactory(first_name="Cora", last_name="Colleague")
    shared = factories.AssignmentFactory(
        classroom=factories.ClassroomFactory(teachers=[colleague]),
        title="Show trials: the Bukharin case",
        shared_with_colleagues=True,
    )
    factories.QuestionFactory(assignment=shared)
    teacher = get_user_model().objects.get(username="teacher")

    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/")
    page.get_by_role("link", name="Department library").click()
    expect(
        page.get_by_role("row", name="Show trials: the Bukharin case", exact=False)
    ).to_be_visible()
    page.check(live_server, "the department library")

    page.get_by_label("Copy “Show trials: the Bukharin case” into").select_option(
        label="Year 12 History (demo)"
    )
    page.get_by_role("button", name="Copy into my class").click()
    page.wait_for_url("**/admin/exercises/assignment/*/change/")
    copy = teacher.classes_taught.get(name="Year 12 History (demo)").assignments.get(
        title__startswith="Show trials: the Bukharin case"
    )
    assert copy.questions.count() == 1


def test_a_shared_rubric_is_read_only_and_the_teacher_makes_their_own_copy(
    desk, live_server, demo_assignment
):
    page = desk
    library = Rubric.objects.get(name__startswith="OPVL")
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/rubric/{library.pk}/change/")
    page.check(live_server, "a shared rubric's page")
    page.get_by_role("button", name="Make my own copy to edit").click()
    page.wait_for_url("**/admin/exercises/rubric/*/change/")
    copy = Rubric.objects.filter(owner__username="teacher").latest("pk")  # the new copy
    assert page.url.endswith(f"/admin/exercises/rubric/{copy.pk}/change/")
    expect(page.get_by_label("Name:")).to_have_value(copy.name)
