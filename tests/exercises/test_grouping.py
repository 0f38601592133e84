"""The grouping kind (a card sort): its rules, its partial credit per source placed as the key
places it, and its authoring lines."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exercises.kinds import KINDS
from tests import factories

GROUPING = KINDS["grouping"]
GROUPS = [
    {"id": "1", "name": "Supports the confessions"},
    {"id": "2", "name": "Challenges them"},
    {"id": "3", "name": "Cannot tell"},
]
SETTINGS = {"groups": GROUPS, "justify": True}


@pytest.fixture
def sources(db):
    unit = factories.UnitFactory()
    return [factories.SourceFactory(unit=unit) for _ in range(4)]


def key_of(sources, groups=("1", "1", "2", "3")):
    return {"placements": {str(s.pk): g for s, g in zip(sources, groups, strict=True)}}


def test_each_source_placed_as_the_key_places_it_earns_an_equal_part(sources):
    key = key_of(sources)
    right = key_of(sources)
    assert GROUPING.score(right, SETTINGS, key, 8, sources) == Decimal("8.00")
    half = key_of(sources, ("1", "2", "2", "1"))
    assert GROUPING.score(half, SETTINGS, key, 8, sources) == Decimal("4.00")
    assert GROUPING.score({"placements": {}}, SETTINGS, key, 8, sources) == Decimal("0.00")


def test_a_source_left_unplaced_is_named_before_handing_in(sources):
    response = {"placements": {str(sources[0].pk): "1"}}
    reason = GROUPING.incomplete_reason(response, SETTINGS, sources)
    assert reason.startswith("no group for") and sources[1].label in reason


def test_a_placement_in_a_group_not_in_the_question_is_refused(sources):
    with pytest.raises(ValidationError, match="one of the question's groups"):
        GROUPING.clean_response({"placements": {str(sources[0].pk): "9"}}, SETTINGS, sources)


def test_the_key_must_place_every_source(sources):
    with pytest.raises(ValidationError, match="needs a group for"):
        GROUPING.clean_key({"placements": {str(sources[0].pk): "1"}}, SETTINGS, sources)


def test_justifications_are_kept_only_when_the_teacher_asks_for_them(sources):
    data = {"placements": {}, "justifications": {"1": "They confessed in court."}}
    assert GROUPING.clean_response(data, SETTINGS, sources)["justifications"] == {
        "1": "They confessed in court."
    }
    plain = {**SETTINGS, "justify": False}
    assert GROUPING.clean_response(data, plain, sources)["justifications"] == {}


def test_settings_need_two_to_six_groups_with_different_names():
    with pytest.raises(ValidationError, match="from 2 to 6"):
        GROUPING.clean_settings({"groups": GROUPS[:1]})
    with pytest.raises(ValidationError, match="named twice"):
        GROUPING.clean_settings({"groups": [GROUPS[0], {"id": "2", "name": GROUPS[0]["name"]}]})


def test_the_key_lines_name_a_source_by_number_and_a_group_by_name(sources):
    question = factories.QuestionFactory.build(kind="grouping")
    data = {
        "groups": "\n".join(g["name"] for g in GROUPS),
        "placements": f"{sources[0].number}: challenges them",
    }
    key = GROUPING.authoring_key(data, sources, question)
    assert key == {"placements": {str(sources[0].pk): "2"}}
    with pytest.raises(ValidationError, match="one of the groups' names"):
        GROUPING.authoring_key({**data, "placements": "4: guilty"}, sources, question)
