"""The interpretation kind: the view weighed is the question's interpretation source; the
student's agreement, the sources cited and the argument; marked by levels, never scored."""

import pytest
from django.core.exceptions import ValidationError

from exercises.kinds import KINDS
from exercises.kinds.interpretation import split_sources
from tests import factories

INTERPRETATION = KINDS["interpretation"]


@pytest.fixture
def sources(db):
    unit = factories.UnitFactory()
    evidence = [factories.SourceFactory(unit=unit) for _ in range(2)]
    view = factories.SourceFactory(unit=unit, is_interpretation=True)
    return [evidence[0], view, evidence[1]]


def test_the_interpretation_is_the_source_marked_as_one_and_the_rest_are_evidence(sources):
    view, evidence = split_sources(sources)
    assert view == sources[1] and evidence == [sources[0], sources[2]]


def test_an_answer_is_never_scored_automatically(sources):
    response = {"agreement": 5, "cited": [str(sources[0].pk)], "text": "I agree."}
    assert INTERPRETATION.score(response, {}, {}, 12, sources) is None
    assert not INTERPRETATION.objective


def test_citing_the_interpretation_itself_or_another_source_is_refused(sources):
    with pytest.raises(ValidationError, match="Cite only"):
        INTERPRETATION.clean_response({"cited": [str(sources[1].pk)]}, {}, sources)


def test_a_place_off_the_scale_is_refused(sources):
    with pytest.raises(ValidationError, match="agreement scale"):
        INTERPRETATION.clean_response({"agreement": "7"}, {}, sources)


def test_an_answer_without_evidence_or_agreement_is_named_before_handing_in(sources):
    assert INTERPRETATION.incomplete_reason({"text": "I agree."}, {}, sources) == (
        "no place on the agreement scale"
    )
    reason = INTERPRETATION.incomplete_reason({"agreement": 4, "text": "Yes."}, {}, sources)
    assert reason == "no sources cited as evidence"
