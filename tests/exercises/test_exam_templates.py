"""Exam-board templates: every template makes a valid question with its marks and levels,
and the desk page adds one to a teacher's assignment."""

from decimal import Decimal

import pytest
from django.urls import reverse

from exercises.exam_templates import all_templates, by_board, template_named
from exercises.kinds import kind_named
from exercises.models import Question, Rubric
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]

TEMPLATES = all_templates()


def page(assignment):
    return reverse("admin:exercises_question_templates", args=[assignment.pk])


@pytest.fixture
def teacher():
    return factories.DeskTeacherFactory()


@pytest.fixture
def assignment(teacher):
    return factories.AssignmentFactory(classroom=class_of(teacher))


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.slug for t in TEMPLATES])
def test_every_template_adds_a_valid_question_with_its_marks_and_bands(
    client, teacher, assignment, template
):
    response = log_in(client, teacher).post(page(assignment), {"template": template.slug})

    question = Question.objects.get(assignment=assignment)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exercises_question_change", args=[question.pk])
    rules = kind_named(question.kind)
    assert rules.clean_settings(question.settings) == question.settings
    assert rules.clean_key(question.key, question.settings, []) == question.key
    assert question.points == template.marks
    assert f"({template.marks} marks)" in question.prompt
    assert f"about {template.minutes} minutes" in question.prompt
    rubric = question.rubric
    assert rubric.owner == teacher
    criteria = list(rubric.criteria.prefetch_related("levels"))
    assert [c.name for c in criteria] == [c.name for c in template.criteria]
    top = sum((max(level.max_points for level in c.levels.all()) for c in criteria), Decimal(0))
    assert top == template.marks
    for criterion, spec in zip(criteria, template.criteria, strict=True):
        bands = [(lv.name, lv.min_points, lv.max_points) for lv in criterion.levels.all()]
        assert bands == [(b.name, b.low, b.high) for b in spec.bands]
        lows = [low for _, low, _ in bands]
        assert lows == sorted(lows), "levels go up"
        assert all(b.descriptor for b in spec.bands)


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.slug for t in TEMPLATES])
def test_every_template_links_to_its_boards_public_page(template):
    assert template.board.url.startswith("https://")
    assert template.rubric_maximum == template.marks


def test_the_boards_required_marks_are_kept():
    marks = {t.slug: t.marks for t in TEMPLATES}
    assert marks["edexcel-gcse-p3-3a"] == 8
    assert marks["edexcel-gcse-p3-3b"] == marks["edexcel-gcse-p3-3c"] == 4
    assert marks["edexcel-gcse-p3-3d"] == 20  # 16 + 4 for spelling, punctuation, grammar
    assert [
        max(b.high for b in c.bands) for c in template_named("edexcel-gcse-p3-3d").criteria
    ] == [
        16,
        4,
    ]
    assert marks["aqa-a-level-c2-sources"] == 30
    assert [marks[f"ib-paper1-q{n}"] for n in ("1a", "1b", "2", "3", "4")] == [3, 2, 4, 6, 9]
    dbq = template_named("ap-history-dbq")
    assert dbq.marks == 7
    assert [max(b.high for b in c.bands) for c in dbq.criteria] == [1, 1, 2, 1, 1, 1]
    assert marks["hat-sourcing"] == marks["hat-corroboration"] == 2


def test_the_ib_value_and_limitations_question_caps_one_sided_answers_at_2():
    (criterion,) = template_named("ib-paper1-q2").criteria
    one_sided = next(b for b in criterion.bands if "only" in b.name)
    assert (one_sided.low, one_sided.high) == (1, 2)
    assert template_named("ib-paper1-q2").kind == "opvl"


def test_how_far_do_you_agree_is_an_interpretation_question_and_a_message_is_written():
    assert template_named("edexcel-gcse-p3-3d").kind == "interpretation"
    message = template_named("ib-paper1-q1b")
    assert message.kind == "written" and "image regions" in message.note
    assert not any("stands in" in template.note for template in TEMPLATES)


def test_the_page_lists_the_templates_grouped_by_board_with_a_label_each(
    client, teacher, assignment
):
    response = log_in(client, teacher).get(page(assignment))
    body = response.content.decode()
    assert response.status_code == 200
    for board, templates in by_board():
        assert f"<h2>{board.name}</h2>" in body
        assert f'href="{board.url}"' in body
        for template in templates:
            assert f'<label for="template-{template.slug}"' in body


def test_the_assignment_page_links_to_the_templates(client, teacher, assignment):
    response = log_in(client, teacher).get(
        reverse("admin:exercises_assignment_change", args=[assignment.pk])
    )
    assert page(assignment) in response.content.decode()


def test_an_unknown_template_is_refused_with_400_and_nothing_added(client, teacher, assignment):
    response = log_in(client, teacher).post(page(assignment), {"template": "no-such\x00"})
    assert response.status_code == 400
    assert "Choose one of the templates" in response.content.decode()
    assert not Question.objects.exists()
    assert not Rubric.objects.exists()


def test_another_teachers_assignment_is_not_found(client, assignment):
    other = factories.DeskTeacherFactory()
    response = log_in(client, other).post(page(assignment), {"template": "hat-sourcing"})
    assert response.status_code == 404
    assert not Question.objects.exists()


def test_the_same_template_twice_makes_two_rubrics_of_distinct_names(client, teacher, assignment):
    log_in(client, teacher)
    client.post(page(assignment), {"template": "hat-sourcing"})
    client.post(page(assignment), {"template": "hat-sourcing"})
    first, second = assignment.questions.order_by("order")
    assert (first.order, second.order) == (0, 1)
    assert first.rubric.name != second.rubric.name
