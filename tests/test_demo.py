"""`manage.py load_demo`: the Great Purge unit and the demo accounts, safe to run twice."""

import calendar
import itertools
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from exercises import demo
from exercises.kinds.shared.demo import EXAM_PRACTICE
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


def date_span(source):
    """The first and last day a source may date from, as far as the pack's date says (a date
    given only to the month could be any day of it)."""
    first_month, last_month = (source.month, source.month) if source.month else (1, 12)
    last_day = calendar.monthrange(source.year, last_month)[1]
    return (
        date(source.year, first_month, source.day or 1),
        date(source.year, last_month, source.day or last_day),
    )


def test_exam_practice_sequence_key_follows_the_dates_the_pack_gives():
    from exercises.models import Question

    call_command("load_demo", stdout=StringIO())
    question = Question.objects.get(
        kind="sequence",
        assignment__title=EXAM_PRACTICE,
        assignment__classroom__join_code=demo.DEMO_JOIN_CODE,
    )
    sources = {qs.source.number: qs.source for qs in question.question_sources.all()}
    items = {item["id"]: item["text"] for item in question.settings["items"]}
    # Each event is one of the question's sources, named by its number.
    assert sorted(int(item) for item in items) == sorted(sources)
    for item, text in items.items():
        assert text.startswith(f"Source {item}: ")
    ordered = [sources[int(item)] for item in question.key["order"]]
    assert all(source.year for source in ordered), "every source in the key has a date"
    # Each source was certainly published before the next: the order follows from the
    # dates as the pack gives them, not from a guess inside a month.
    for earlier, later in itertools.pairwise(ordered):
        assert date_span(earlier)[1] < date_span(later)[0], (
            f"Source {earlier.number} ({earlier.date_printed}) is not certainly before "
            f"Source {later.number} ({later.date_printed})"
        )
