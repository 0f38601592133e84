"""The demo class's assignment: every kind of question, valid keys, loaded once."""

import itertools
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from exercises import demo
from exercises.exam_templates.catalogue import TEMPLATES
from exercises.kinds import KINDS
from exercises.kinds.shared.demo import EXAM_PRACTICE
from exercises.models import Assignment, Question
from sources.models import Source
from sources.packs import read_header
from tests import factories

PACK = Path(settings.BASE_DIR) / "sources" / "data" / "great-purge.txt"


def demo_questions():
    """The questions of the demo class's assignment (the handed-in class has a copy)."""
    return Question.objects.filter(assignment__classroom__join_code=demo.DEMO_JOIN_CODE)


@pytest.fixture
def great_purge(db):
    """The pack's numbered sources, split from the file the way a reader would."""
    unit = factories.UnitFactory(slug=demo.UNIT_SLUG, title="The Great Purge")
    primary = PACK.read_text().split("\nPrimary Sources\n", 1)[1]
    parts = re.split(r"^\((\d+)\) (.*)$", primary, flags=re.M)
    for number, header, text in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        factories.SourceFactory(unit=unit, number=int(number), header=header, text=text.strip())
    return unit


def test_demo_assignment_has_every_kind_of_question_with_a_key_or_model_answer(great_purge):
    demo.load()
    assignment = Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.DEMO_JOIN_CODE
    )
    assert assignment.status == Assignment.Status.PUBLISHED
    questions = list(assignment.questions.all())
    # Every kind with demo questions for the first assignment (a new kind joins the demo in
    # a step of its own; the kinds that order, sort and weigh are in the exam practice).
    in_demo = {
        name
        for name, kind in KINDS.items()
        if any(not question.assignment for question in kind.demo_questions)
    }
    assert {q.kind for q in questions} == in_demo
    later = {"sequence", "grouping", "interpretation", "image_regions"}
    assert in_demo >= set(Question.Kind.values) - later
    for question in questions:
        assert question.model_answer
        sources = [qs.source for qs in question.question_sources.all()]
        assert question.rules.clean_settings(question.settings) == question.settings
        assert question.rules.clean_key(question.key, question.settings, sources) == question.key


def test_demo_highlight_key_marks_the_loaded_language_of_source_15(great_purge):
    demo.load()
    question = demo_questions().get(kind=Question.Kind.HIGHLIGHT)
    text = Source.objects.get(unit=great_purge, number=15).text
    quotes = [text[r["start"] : r["end"]] for r in question.key["ranges"]]
    assert "nest of wreckers and spies" in quotes and "Fascist agent Trotsky" in quotes


def test_demo_matrix_covers_sources_4_to_9(great_purge):
    demo.load()
    question = demo_questions().get(kind=Question.Kind.MATRIX)
    numbers = {
        s.number: question.key["verdicts"][str(s.pk)]
        for s in Source.objects.filter(unit=great_purge)
        if str(s.pk) in question.key["verdicts"]
    }
    assert numbers == {
        4: "supports",
        5: "supports",
        6: "supports",
        7: "challenges",
        8: "challenges",
        9: "challenges",
    }


def test_loading_the_demo_twice_creates_nothing_twice(great_purge):
    demo.load()
    first = Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.DEMO_JOIN_CODE
    )
    first.due_at = timezone.now() + timedelta(days=2)  # the teacher moved it
    first.save()
    demo.load()
    assert Assignment.objects.filter(title=demo.ASSIGNMENT_TITLE).count() == 2  # one per demo class
    assert Assignment.objects.filter(title=EXAM_PRACTICE).count() == 2
    # The first assignment's, then the exam practice's: three kinds and an IB Paper 1 set.
    assert demo_questions().count() == 8 + 3 + 4
    assert Assignment.objects.get(pk=first.pk).due_at == first.due_at


def test_demo_assignment_is_due_in_two_weeks(great_purge):
    demo.load()
    due = Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.DEMO_JOIN_CODE
    ).due_at
    assert timedelta(days=13, hours=23) < due - timezone.now() <= timedelta(days=14)


def test_demo_student_can_open_the_assignment(client, great_purge):
    demo.load()
    client.login(username="student1", password=demo.DEMO_PASSWORD)
    dashboard = client.get(reverse("exercises:dashboard")).content.decode()
    assert demo.ASSIGNMENT_TITLE in dashboard.replace("&#x27;", "'")
    assignment = Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.DEMO_JOIN_CODE
    )
    response = client.get(assignment.get_absolute_url())
    assert response.status_code == 200 and "Source 15" in response.content.decode()


def test_demo_without_the_unit_still_loads_accounts(db):
    accounts = demo.load()
    assert ("student", "student3", demo.DEMO_PASSWORD) in accounts
    assert not Assignment.objects.exists()


def test_the_handed_in_demo_class_gives_the_teacher_work_and_a_split_to_discuss(
    great_purge, client
):
    demo.load()
    handed_in = Assignment.objects.get(
        title=demo.ASSIGNMENT_TITLE, classroom__join_code=demo.HANDED_IN_JOIN_CODE
    )
    submissions = handed_in.submissions.all()
    assert submissions.count() == len(demo.PUPILS)
    assert {s.status for s in submissions} == {"submitted"}
    client.force_login(handed_in.classroom.teachers.get())
    page = client.get(f"/assignments/{handed_in.pk}/analytics/").content.decode()
    assert re.search(r"<strong>12</strong> of 12 students submitted", page)
    comparison = handed_in.questions.get(kind="comparison")
    duranty = comparison.question_sources.get(source__number=10).source
    chose_duranty = sum(
        1 for answer in comparison.answers.all() if answer.response.get("choice") == str(duranty.pk)
    )
    assert chose_duranty > len(demo.PUPILS) / 2  # most of the class trusted Duranty more


def exam_practice(join_code=demo.DEMO_JOIN_CODE):
    return Assignment.objects.get(title=EXAM_PRACTICE, classroom__join_code=join_code)


def test_exam_practice_orders_sorts_and_weighs_the_sources_with_valid_keys(great_purge):
    demo.load()
    assignment = exam_practice()
    assert assignment.status == Assignment.Status.PUBLISHED
    questions = list(assignment.questions.order_by("order"))
    kinds = ["sequence", "grouping", "interpretation", "written", "opvl", "written", "written"]
    assert [q.kind for q in questions] == kinds
    on_assignment = {s.pk for s in assignment.sources.all()}
    for question in questions:
        assert question.model_answer
        sources = [qs.source for qs in question.question_sources.all()]
        assert {s.pk for s in sources} <= on_assignment  # every source is on the paper
        question.rules.check_sources(sources)
        assert question.rules.clean_settings(question.settings) == question.settings
        assert question.rules.clean_key(question.key, question.settings, sources) == question.key


def test_exam_practice_sequence_key_follows_the_dates_the_pack_prints(great_purge):
    demo.load()
    sequence = exam_practice().questions.get(kind=Question.Kind.SEQUENCE)
    numbers = [int(item) for item in sequence.key["order"]]
    headers = {s.number: s.header for s in Source.objects.filter(number__in=numbers)}
    # The dates as the pack's own reader parses them from the headers (tests/test_demo.py
    # checks the same against the imported sources, to the day).
    dates = [read_header(headers[number]).date for number in numbers]
    assert all(d.year and d.month for d in dates)
    months = [(d.year, d.month) for d in dates]
    assert months == sorted(months)
    for earlier, later in itertools.pairwise(dates):
        if (earlier.year, earlier.month) == (later.year, later.month):
            assert earlier.day and later.day and earlier.day < later.day
    assert [item["id"] for item in sequence.settings["items"]] != sequence.key["order"]


def test_exam_practice_grouping_sorts_the_confessions_sources_like_the_matrix(great_purge):
    demo.load()
    grouping = exam_practice().questions.get(kind=Question.Kind.GROUPING)
    matrix = demo_questions().get(kind=Question.Kind.MATRIX)
    verdict_group = {"supports": "1", "challenges": "2"}
    expected = {s: verdict_group[v] for s, v in matrix.key["verdicts"].items()}
    assert grouping.key["placements"] == expected


def test_exam_practice_interpretation_weighs_deutscher_marked_by_levels(great_purge):
    demo.load()
    question = exam_practice().questions.get(kind=Question.Kind.INTERPRETATION)
    first = question.question_sources.first().source
    assert first.number == 16 and "Deutscher" in first.header
    assert question.rubric is not None
    assert not question.rules.objective


def test_the_handed_in_class_has_handed_in_the_exam_practice_too(great_purge):
    demo.load()
    assignment = exam_practice(demo.HANDED_IN_JOIN_CODE)
    assert assignment.submissions.filter(submitted_at__isnull=False).count() == len(demo.PUPILS)


def ib_template(question):
    """The exam template an IB question was made from, told by its rubric's name."""
    return next(
        template
        for template in TEMPLATES
        if template.board.slug == "ib-history"
        and question.rubric.name.startswith(template.rubric_name)
    )


def test_exam_practice_ends_with_an_ib_paper_1_set_made_from_the_exam_templates(great_purge):
    demo.load()
    questions = list(exam_practice().questions.order_by("order"))[3:]
    templates = [ib_template(question) for question in questions]
    # Q1(b), the message of a visual source, is left out: the pack has no image.
    assert [t.slug for t in templates] == [
        "ib-paper1-q1a",
        "ib-paper1-q2",
        "ib-paper1-q3",
        "ib-paper1-q4",
    ]
    for question, template in zip(questions, templates, strict=True):
        assert question.points == template.marks  # 3, 4, 6 and 9, as in the exam
        top = [
            max(level.max_points for level in criterion.levels.all())
            for criterion in question.rubric.criteria.all()
        ]
        assert sum(top) == template.rubric_maximum == template.marks
        assert question.kind == template.kind
        assert "[" not in question.prompt  # every bracket filled in
        assert f"({template.marks} marks)" in question.prompt
        assert question.question_sources.exists()


def test_ib_question_4_uses_all_the_papers_sources_and_own_knowledge(great_purge):
    demo.load()
    *earlier, q4 = list(exam_practice().questions.order_by("order"))[3:]
    numbers = lambda q: {qs.source.number for qs in q.question_sources.all()}  # noqa: E731
    # As the template's note asks: every source of the paper (the others' and Zinoviev's
    # confession, the evidence in question).
    assert numbers(q4) == set().union(*map(numbers, earlier)) | {4}
    assert q4.prompt.startswith("Using the sources and your own knowledge, evaluate")
    assert ib_template(q4).minutes == 25 and "25 minutes" in q4.prompt


def test_the_handed_in_class_hands_in_exam_style_work_strong_and_weak_to_mark(great_purge, client):
    demo.load()
    assignment = exam_practice(demo.HANDED_IN_JOIN_CODE)
    questions = list(assignment.questions.order_by("order"))
    # The same paper as the first class's, IB set and all.
    assert [q.kind for q in questions] == [
        q.kind for q in exam_practice().questions.order_by("order")
    ]
    for question in questions:
        answers = list(question.answers.all())
        assert len(answers) == len(demo.PUPILS)
        assert all(question.rules.is_answered(a.response) for a in answers)
        # Not one answer copied twelve times: the marker sees stronger and weaker work.
        assert len({repr(sorted(a.response.items())) for a in answers}) >= 2, question.prompt
    for question in questions:
        if question.rules.objective:
            scores = {a.auto_score for a in question.answers.all()}
            assert question.points in scores and min(scores) < question.points
    grouping = assignment.questions.get(kind=Question.Kind.GROUPING)
    for answer in grouping.answers.all():
        used = set(answer.response["placements"].values())
        assert set(answer.response["justifications"]) == used  # a sentence per group used

    q4 = questions[-1]
    client.force_login(assignment.classroom.teachers.get(username="teacher"))
    page = client.get(
        reverse("admin:exercises_workspace", args=[assignment.pk]), {"question": q4.pk}
    )
    assert page.status_code == 200
    assert "Rubin" in page.content.decode()  # a strong answer's own knowledge, to mark


def quotations(text):
    """The passages a text quotes in single quotes (an apostrophe inside a word is not one)."""
    return re.findall(r"(?<!\w)'(.+?)'(?!\w)", text)


def test_every_quotation_in_the_exam_practice_and_its_answers_is_in_the_pack(great_purge):
    demo.load()
    pack = " ".join(PACK.read_text().split()).lower()
    texts, labels = [], set()
    for question in exam_practice(demo.HANDED_IN_JOIN_CODE).questions.all():
        labels |= {group["name"] for group in question.settings.get("groups", [])}
        texts.append(question.model_answer)
        for answer in question.answers.all():
            response = answer.response
            texts += [v for v in response.values() if isinstance(v, str)]
            texts += list((response.get("justifications") or {}).values())
    # A quotation is the pack's words, or names one of the question's own groups.
    quoted = [quote for text in texts for quote in quotations(text) if quote not in labels]
    assert len(quoted) > 20
    for quote in quoted:
        assert " ".join(quote.split()).lower().rstrip(".?") in pack, quote
