"""Building an assignment on one page (the desk's builder), measured: a teacher makes a
four-question assignment (a reliability rating, a highlight whose key is set by selecting
words in its source, a matrix whose key is clicked, a written answer with a rubric from the
list), tries it in the preview and publishes it. The test counts what the teacher does:
clicks, key presses that are not typing, and full page loads; axe checks the pages."""

import re

import pytest
from playwright.sync_api import expect

from exercises.models import Assignment, Question, QuestionSource
from tests import factories

from .steps import check_accessibility, log_in, select_words

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE_STYLE = "CSP refused style-src-elem inline"
MOST_ACTIONS, MOST_PAGE_LOADS = 30, 5
READING_LIKE_A_HISTORIAN = (
    "Reading like a historian (sourcing, context, corroboration, close reading)"  # the demo's
)


@pytest.fixture
def desk(new_context):
    """A page of the desk, with `page.check(live_server, what)` running axe on it; axe's own
    inline style, refused by the admin's policy, is forgiven on the pages it ran on (as in
    test_authoring_desk.py)."""
    watched = new_context()
    page = watched.new_page()
    checked = set()

    def check(live_server, what):
        checked.add(page.url)
        return check_accessibility(page, live_server, what)

    page.check = check
    yield page
    watched.errors[:] = [
        error for error in watched.errors if error not in {f"{url}: {AXE_STYLE}" for url in checked}
    ]


class Counter:
    """What the teacher does, counted: each click, each key press that is not typing (Enter,
    Tab...), each field typed into (one click to reach it; the typing itself is not
    counted), each option chosen from a list, each drag to select words; and every full
    page load (fetches are not loads)."""

    def __init__(self, page):
        self.page = page
        self.actions = 0
        self.loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        locator.click()
        self.actions += 1

    def press(self, locator, key):
        locator.press(key)
        self.actions += 1

    def type_into(self, locator, text):
        locator.fill(text)
        self.actions += 1

    def choose(self, locator, **option):
        locator.select_option(**option)
        self.actions += 1

    def select_words(self, container, words):
        select_words(self.page, container, words)
        self.actions += 1


def question_item(page, number):
    return page.locator(".builder-question").nth(number - 1)


def saved(item):
    expect(item.locator(".builder-save-state")).to_have_text(re.compile(r"^Saved"))


def test_teacher_builds_previews_and_publishes_four_questions_in_few_actions(
    desk, live_server, demo_assignment
):
    page = desk
    log_in(page, live_server, "teacher", next_url="/admin/")
    count = Counter(page)

    # The assignment: its class and title, then straight on to its questions.
    count.click(page.get_by_role("row", name="Assignments").get_by_role("link", name="Add"))
    count.click(page.locator(".field-classroom .select2-selection"))
    page.locator(".select2-search__field").fill("Year 12")
    expect(page.locator(".select2-results__option--highlighted")).to_contain_text("Year 12")
    count.press(page.locator(".select2-search__field"), "Enter")
    count.type_into(page.get_by_label("Title:"), "Show trials: who believed them?")
    count.click(page.get_by_role("button", name="Save", exact=True))
    page.wait_for_url("**/builder/")
    assignment = Assignment.objects.get(title="Show trials: who believed them?")

    # 1. A reliability rating of Source 5, with the rating the teacher expects.
    count.click(page.get_by_role("button", name="Reliability rating"))
    rating = question_item(page, 1)
    count.type_into(
        rating.get_by_label("Prompt"),
        "How reliable is Source 5 as evidence of what happened at the trial of August 1936?",
    )
    count.click(rating.get_by_label(re.compile(r"Source 5\b")))
    count.choose(rating.get_by_label("Expected rating"), value="2")
    saved(rating)

    # 2. A highlight of Source 4, its key set by selecting words in the source beside it.
    count.click(page.get_by_role("button", name=re.compile("^Highlight")))
    highlight = question_item(page, 2)
    count.type_into(highlight.get_by_label("Prompt"), "Mark the words in which Zinoviev confesses.")
    count.click(highlight.get_by_label(re.compile(r"Source 4\b")))
    count.select_words(highlight.locator(".builder-texts"), "I am fully and utterly guilty")
    count.click(highlight.get_by_role("button", name="Use the selected words as a key passage"))
    expect(highlight.get_by_label("Key passages")).to_have_value("I am fully and utterly guilty")
    saved(highlight)

    # 3. A matrix: two sources weighed against a claim, the key clicked per source.
    count.click(page.get_by_role("button", name="Corroboration matrix"))
    matrix = question_item(page, 3)
    count.type_into(matrix.get_by_label("Prompt"), "What does each source say of the claim?")
    count.click(matrix.get_by_label(re.compile(r"Source 5\b")))
    count.click(matrix.get_by_label(re.compile(r"Source 6\b")))
    count.type_into(matrix.get_by_label("Claim"), "The defendants of 1936 were guilty as charged")
    count.click(matrix.get_by_role("group", name="Source 5").get_by_label("Supports"))
    count.click(matrix.get_by_role("group", name="Source 6").get_by_label("Supports"))
    saved(matrix)

    # 4. A written answer, marked with a rubric chosen from the list.
    count.click(page.get_by_role("button", name=re.compile("^Written")))
    written = question_item(page, 4)
    count.type_into(
        written.get_by_label("Prompt"),
        "Why did some Western observers believe the confessions of 1936?",
    )
    count.choose(written.get_by_label("Rubric"), label=READING_LIKE_A_HISTORIAN)
    saved(written)
    expect(page.locator(".builder-number")).to_have_text(["1", "2", "3", "4"])
    page.check(live_server, "the builder")

    questions = list(assignment.questions.order_by("order"))
    assert [q.kind for q in questions] == ["rating", "highlight", "matrix", "written"]
    assert questions[0].key == {"rating": 2}
    assert len(questions[1].key["ranges"]) == 1
    assert set(questions[2].key["verdicts"].values()) == {"supports"}
    assert questions[3].rubric.name.startswith("Reading like a historian")

    # The preview: the teacher marks a sentence of the highlight and sees the key and score.
    count.click(page.get_by_role("link", name="Preview and try it as a student"))
    tried = page.locator(f"#question-{questions[1].pk}")
    count.click(tried.get_by_role("button", name="Mark sentence 1"))
    expect(page.locator(f"#question-{questions[1].pk} .preview-score")).to_contain_text(
        "Automatic score:"
    )
    count.click(page.get_by_role("link", name="Back to editing the questions"))

    count.click(page.get_by_role("button", name="Publish to the class"))
    expect(page.locator("#builder-status")).to_have_text(re.compile("^Published"))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PUBLISHED

    print(
        f"\nBuilding, previewing and publishing: {count.actions} actions, {count.loads} page loads"
    )
    assert count.actions <= MOST_ACTIONS
    assert count.loads <= MOST_PAGE_LOADS


def test_questions_are_reordered_with_the_keyboard_and_stay_numbered_from_one(
    desk, live_server, demo_assignment
):
    page = desk
    first, second = list(demo_assignment.questions.order_by("order", "id"))[:2]
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/builder/")
    move = page.get_by_role("button", name="Move question 2 up")
    move.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#question-{second.pk} .builder-number")).to_have_text("1")
    expect(page.locator(f"#question-{first.pk} .builder-number")).to_have_text("2")
    ordered = list(Question.objects.filter(assignment=demo_assignment).values_list("pk", flat=True))
    assert ordered[:2] == [second.pk, first.pk]


def test_the_assignments_admin_page_passes_axe(desk, live_server, demo_assignment):
    page = desk
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/change/")
    page.check(live_server, "the assignment's admin page")
    expect(page.get_by_role("link", name="Build its questions on one page")).to_be_visible()


def test_a_sequence_key_is_put_in_order_by_clicking(desk, live_server, demo_assignment):
    page = desk
    question = Question.objects.create(
        assignment=demo_assignment,
        order=99,
        kind="sequence",
        prompt="Put these in order.",
        settings={},
        key={},
    )
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/builder/")
    item = page.locator(f"#question-{question.pk}")
    item.get_by_label("Events in order").fill(
        "The trial of Zinoviev and Kamenev\nThe murder of Kirov"
    )
    item.get_by_label("Events in order").blur()
    item.get_by_role("button", name="Move up: The murder of Kirov").click()
    expect(item.get_by_label("Events in order")).to_have_value(
        "The murder of Kirov\nThe trial of Zinoviev and Kamenev"
    )
    expect(item.locator(".builder-save-state")).to_have_text(re.compile(r"^Saved"))
    page.check(live_server, "the builder with a sequence's key")
    question.refresh_from_db()
    texts = {item["id"]: item["text"] for item in question.settings["items"]}
    assert [texts[i] for i in question.key["order"]][0] == "The murder of Kirov"


def grouping_question(assignment, numbers):
    """A grouping question on the demo's sources `numbers`, its groups named, its key unset."""
    unit = assignment.assignment_sources.first().source.unit
    question = Question.objects.create(
        assignment=assignment,
        order=assignment.questions.count(),
        kind="grouping",
        prompt="Sort the sources by what they suggest about the confessions of August 1936.",
        settings={
            "groups": [
                {"id": "1", "name": "Supports the confessions"},
                {"id": "2", "name": "Challenges them"},
            ],
            "justify": False,
        },
        key={},
    )
    for order, number in enumerate(numbers):
        QuestionSource.objects.create(
            question=question, source=unit.sources.get(number=number), order=order
        )
    return question


def regions_question(assignment):
    """An image regions question on a visual source (a plain grey image stands in for one:
    the pack has none), its key unset."""
    unit = assignment.assignment_sources.first().source.unit
    image = factories.SourceFactory(unit=unit, number=90, visual=True)
    question = Question.objects.create(
        assignment=assignment,
        order=assignment.questions.count(),
        kind="image_regions",
        prompt="Mark the part of the image that shows the accused.",
        settings={"rows": 6, "columns": 8, "instruction": "Mark the region."},
        key={},
    )
    QuestionSource.objects.create(question=question, source=image, order=0)
    return question


def test_a_grouping_key_is_set_by_clicking_a_group_for_each_source(
    desk, live_server, demo_assignment
):
    page = desk
    question = grouping_question(demo_assignment, [4, 7])
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/builder/")
    item = page.locator(f"#question-{question.pk}")

    item.get_by_role("group", name="Source 4").get_by_label("Supports the confessions").click()
    item.get_by_role("group", name="Source 7").get_by_label("Challenges them").click()

    expect(item.get_by_label("Key groups")).to_have_value(
        "4: Supports the confessions\n7: Challenges them"
    )
    saved(item)
    question.refresh_from_db()
    by_number = {
        link.source.number: str(link.source_id) for link in question.question_sources.all()
    }
    assert question.key == {"placements": {by_number[4]: "1", by_number[7]: "2"}}

    # A group renamed in the groups field is offered at once, beside the sources.
    groups = item.get_by_label("Groups:", exact=True)
    groups.fill("Supports the confessions\nChallenges them\nCannot tell")
    groups.blur()
    expect(item.get_by_role("group", name="Source 7").get_by_label("Cannot tell")).to_be_visible()


def test_a_region_key_is_set_with_the_keyboard_alone_and_the_builder_passes_axe(
    desk, live_server, demo_assignment
):
    page = desk
    grouping_question(demo_assignment, [4, 7])
    question = regions_question(demo_assignment)
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/builder/")
    item = page.locator(f"#question-{question.pk}")
    expect(
        item.get_by_role("img", name="A grey rectangle standing in for a cartoon.")
    ).to_be_visible()
    page.check(live_server, "the builder with a grouping and an image regions question")

    item.get_by_role("button", name="A1 (row 1, column 1)").focus()
    for _ in range(9):  # across the first row (A1 to H1) and on to A2, then B2
        page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("data-cell", "B2")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # C2

    expect(item.get_by_role("button", name="B2 (row 2, column 2)")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(item.get_by_label("Key regions")).to_have_value("B2, C2")
    saved(item)
    question.refresh_from_db()
    assert question.key == {"cells": ["B2", "C2"]}

    page.keyboard.press("Space")  # C2 again: out of the key
    expect(item.get_by_label("Key regions")).to_have_value("B2")
    saved(item)
    page.check(live_server, "the builder with a region key set")


def test_a_question_is_deleted_after_confirming_on_the_page_and_the_rest_renumbered(
    desk, live_server, demo_assignment
):
    page = desk
    doomed = grouping_question(demo_assignment, [4, 7])
    kept = grouping_question(demo_assignment, [5, 8])
    log_in(page, live_server, "teacher", next_url="/admin/")
    page.goto(f"{live_server.url}/admin/exercises/assignment/{demo_assignment.pk}/builder/")
    total = page.locator(".builder-question").count()
    number = total - 1  # the doomed question's, before the kept one
    item = page.locator(f"#question-{doomed.pk}")

    item.get_by_text(f"Delete question {number}…").click()
    item.get_by_role("button", name=f"Yes, delete question {number}").click()

    expect(page.locator(f"#question-{doomed.pk}")).to_have_count(0)
    expect(page.locator("#builder-status")).to_have_text(
        f"Question {number} deleted; the questions after it moved up."
    )
    expect(page.locator(".builder-number")).to_have_text([str(n) for n in range(1, total)])
    expect(page.locator(f"#question-{kept.pk} .builder-number")).to_have_text(str(number))
    expect(page.locator(f"#question-{kept.pk}-title")).to_be_focused()
    assert not Question.objects.filter(pk=doomed.pk).exists()
    orders = list(demo_assignment.questions.values_list("order", flat=True))
    assert orders == list(range(total - 1))

    # The kept question, unanswered, becomes a written answer: its form follows at once.
    kept_item = page.locator(f"#question-{kept.pk}")
    kept_item.get_by_label(f"Kind of question {number}").select_option(label="Written answer")
    kept_item.get_by_role("button", name="Change kind").click()
    expect(page.locator(f"#question-{kept.pk}-title")).to_contain_text("Written answer")
    expect(page.locator(f"#question-{kept.pk} [data-placements]")).to_have_count(0)
    assert Question.objects.get(pk=kept.pk).kind == "written"
    page.check(live_server, "the builder after a deletion and a change of kind")
