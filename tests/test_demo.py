"""`manage.py load_demo`: the Great Purge unit and the demo accounts, safe to run twice."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from sources.models import Author, Source, Unit

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {"admin", "teacher", "student1", "student2", "student3"}


def counts():
    return {
        "units": Unit.objects.count(),
        "sources": Source.objects.count(),
        "authors": Author.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_load_demo_imports_the_great_purge_unit():
    call_command("load_demo", stdout=StringIO())
    unit = Unit.objects.get(slug="great-purge")
    assert unit.title == "The Great Purge"
    assert list(unit.sources.values_list("number", flat=True)) == list(range(1, 24))


def test_load_demo_creates_the_demo_accounts():
    out = StringIO()
    call_command("load_demo", stdout=out)
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert usernames >= DEMO_USERNAMES
    assert get_user_model().objects.get(username="teacher").is_staff
    assert "student1 / " in out.getvalue()


def test_load_demo_twice_creates_nothing_twice():
    call_command("load_demo", stdout=StringIO())
    first = counts()
    call_command("load_demo", stdout=StringIO())
    assert counts() == first
    assert first["units"] == 1 and first["sources"] == 23 and first["authors"] == 18


def test_demo_teacher_can_open_the_teachers_desk(client):
    call_command("load_demo", stdout=StringIO())
    client.force_login(get_user_model().objects.get(username="teacher"))
    response = client.get("/admin/exercises/submission/")
    assert response.status_code == 200


def test_demo_written_questions_are_marked_with_the_demo_rubrics():
    from exercises.models import Question

    call_command("load_demo", stdout=StringIO())
    rubrics = dict(
        Question.objects.filter(
            kind__in=["opvl", "written"], assignment__classroom__join_code="PURGE36X"
        ).values_list("kind", "rubric__name")
    )
    assert rubrics["opvl"].startswith("OPVL")
    assert rubrics["written"].startswith("Reading like a historian")


def test_demo_rubric_descriptors_are_generic_to_the_skill_and_loading_again_fixes_old_ones():
    from exercises.demo_rubrics import FORMER_DESCRIPTORS
    from exercises.models import Level

    call_command("load_demo", stdout=StringIO())
    # An existing database, loaded before the fix: a level still quotes another source.
    purpose = Level.objects.get(criterion__name="Purpose", name="Identified")
    purpose.descriptor = next(d for d in FORMER_DESCRIPTORS if "Campbell" in d)
    purpose.save()

    call_command("load_demo", stdout=StringIO())

    surnames = {name.split()[-1] for name in Author.objects.values_list("name", flat=True)}
    for level in Level.objects.all():
        named = {surname for surname in surnames if surname in level.descriptor}
        assert not named, f"{level.criterion.name} / {level.name} names {named}"
    purpose.refresh_from_db()
    assert purpose.descriptor == (
        "The purpose and the audience, and what the author wanted them to believe."
    )
