"""Rubrics: criteria with levels of response, and the two demo rubrics."""

import pytest
from django.urls import reverse

from exercises.demo_rubrics import load_rubrics
from exercises.models import Criterion, Level, Rubric
from tests import factories
from tests.exercises.desk import fast_password_hashing, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


@pytest.fixture
def as_teacher(client):
    client.teacher = factories.DeskTeacherFactory()
    return log_in(client, client.teacher)


def level_data(criterion, levels):
    data = {
        "rubric": criterion.rubric_id,
        "order": 0,
        "name": criterion.name,
        "description": "",
        "levels-TOTAL_FORMS": len(levels),
        "levels-INITIAL_FORMS": 0,
    }
    for i, (name, low, high) in enumerate(levels):
        data.update(
            {
                f"levels-{i}-order": i,
                f"levels-{i}-name": name,
                f"levels-{i}-descriptor": f"{name} answer",
                f"levels-{i}-min_points": low,
                f"levels-{i}-max_points": high,
            }
        )
    return data


def test_a_criterion_gets_its_levels_of_response_on_its_page(as_teacher):
    criterion = factories.CriterionFactory(name="Sourcing", rubric__owner=as_teacher.teacher)
    url = reverse("admin:exercises_criterion_change", args=[criterion.pk])
    response = as_teacher.post(url, level_data(criterion, [("Basic", 0, 1), ("Proficient", 2, 3)]))
    assert response.status_code == 302
    assert list(criterion.levels.values_list("name", "min_points", "max_points")) == [
        ("Basic", 0, 1),
        ("Proficient", 2, 3),
    ]


def test_a_band_whose_top_is_below_its_bottom_is_refused(as_teacher):
    criterion = factories.CriterionFactory(rubric__owner=as_teacher.teacher)
    url = reverse("admin:exercises_criterion_change", args=[criterion.pk])
    response = as_teacher.post(url, level_data(criterion, [("Muddled", 3, 1)]))
    assert "The band&#x27;s top (1) is below its bottom (3)." in response.content.decode()
    assert not Level.objects.exists()


def test_rubric_page_shows_each_criterions_levels(as_teacher):
    level = factories.LevelFactory(name="Proficient", min_points=2, max_points=3)
    url = reverse("admin:exercises_rubric_change", args=[level.criterion.rubric_id])
    assert "Proficient (2.00-3.00)" in as_teacher.get(url).content.decode()


def test_demo_rubrics_are_created_once():
    load_rubrics()
    load_rubrics()
    assert Rubric.objects.count() == 2
    assert Criterion.objects.count() == 8
    thinking, opvl = load_rubrics()
    assert [c.name for c in thinking.criteria.all()] == [
        "Sourcing",
        "Contextualization",
        "Corroboration",
        "Close reading",
    ]
    sourcing = thinking.criteria.get(name="Sourcing")
    assert list(sourcing.levels.values_list("name", "min_points", "max_points")) == [
        ("Basic", 0, 0),
        ("Emergent", 1, 1),
        ("Proficient", 2, 2),
    ]
    assert [c.name for c in opvl.criteria.all()] == ["Origin", "Purpose", "Value", "Limitation"]
    value = opvl.criteria.get(name="Value")
    assert list(value.levels.values_list("name", "min_points", "max_points")) == [
        ("Missing or generic", 0, 0),
        ("Asserted", 1, 1),
        ("Explained", 2, 3),
    ]


def test_loading_the_demo_again_keeps_a_teachers_edits():
    thinking, _ = load_rubrics()
    level = Level.objects.get(criterion__rubric=thinking, criterion__name="Sourcing", name="Basic")
    level.descriptor = "Our department's wording"
    level.save()
    load_rubrics()
    level.refresh_from_db()
    assert level.descriptor == "Our department's wording"


def test_demo_rubrics_are_each_out_of_eight(as_teacher):
    load_rubrics()
    page = as_teacher.get(reverse("admin:exercises_rubric_changelist")).content.decode()
    assert page.count('<td class="field-maximum">8</td>') == 2  # as the demo's OPVL question


def test_the_demo_opvl_rubric_is_the_schools_own_task_not_an_ib_mark_scheme():
    _, opvl = load_rubrics()
    assert "school's own" in opvl.description
    assert "As in the IB" not in opvl.description
    assert "worth 4" in opvl.description  # the IB's value-and-limitations question


def test_loading_the_demo_again_replaces_the_former_ib_claim():
    _, opvl = load_rubrics()
    opvl.description = (
        "As in the IB history source paper, out of 8. Value and limitation must follow from "
        "origin and purpose, for the enquiry the question states, not from “it is biased” "
        "alone."
    )
    opvl.save()
    load_rubrics()
    opvl.refresh_from_db()
    assert "school's own" in opvl.description
