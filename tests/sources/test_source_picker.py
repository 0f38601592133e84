"""The source picker of the teacher's desk (the admin's autocomplete for an assignment's
sources): numbers first, units named, duplicates named."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    teacher = factories.DeskTeacherFactory()
    client.force_login(teacher)
    return teacher


@pytest.fixture
def unit():
    unit = factories.UnitFactory(title="The Great Purge")
    for number in range(1, 24):
        # Every text has 1917 and 1919 in it, as the pack's do: "17" and "19" match them all.
        factories.SourceFactory(
            unit=unit, number=number, text=f"After 1917 and 1919 came source {number}."
        )
    return unit


def pick(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "exercises",
            "model_name": "assignmentsource",
            "field_name": "source",
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize("term", ["19", "17", "(19)", " 9 "])
def test_typing_a_source_number_puts_that_source_first(client, teacher, unit, term):
    number = term.strip(" ()")
    assert pick(client, term)[0].startswith(f"({number}) ")


def test_options_name_the_unit_once_there_are_two_units(client, teacher, unit):
    assert pick(client, "19")[0].endswith("(23rd August, 1936)")  # one unit: no unit named
    factories.SourceFactory(unit=factories.UnitFactory(title="Collectivisation"), number=19)
    options = pick(client, "19")
    assert sum(option.endswith(" — The Great Purge") for option in options) >= 1
    assert sum(option.endswith(" — Collectivisation") for option in options) == 1
    assert options[0].startswith("(19) ") and options[1].startswith("(19) ")


def test_a_source_chosen_twice_is_named_in_the_error(client, teacher, unit):
    assignment = factories.AssignmentFactory(
        classroom=factories.ClassroomFactory(teachers=[teacher]), status="draft"
    )
    source = unit.sources.get(number=19)
    data = {
        "classroom": assignment.classroom_id,
        "title": assignment.title,
        "instructions": "",
        "status": "draft",
        "opens_at_0": "2026-09-01",
        "opens_at_1": "09:00",
        "assignment_sources-TOTAL_FORMS": 2,
        "assignment_sources-INITIAL_FORMS": 0,
        "assignment_sources-0-source": source.pk,
        "assignment_sources-0-order": 1,
        "assignment_sources-1-source": source.pk,
        "assignment_sources-1-order": 2,
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
    }
    url = reverse("admin:exercises_assignment_change", args=[assignment.pk])
    page = client.post(url, data).content.decode()
    name = f"Source 19 ({source.author.name})"
    assert f"{name} is chosen twice: remove the second line." in page
    assert f"{name} is already in this list." in page
    assert "Please correct the duplicate data for source." not in page
    assert not assignment.assignment_sources.exists()
