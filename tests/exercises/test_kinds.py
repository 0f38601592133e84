"""The rules of the seven question kinds: settings, responses, scoring, completeness."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from exercises import kinds
from exercises.kinds import KINDS, MAX_TEXT_LENGTH
from sources.models import Author, Source

TEXT = "The nest of wreckers and spies has been exposed. Fascist agent Trotsky leads them."
# Sources as the rules see them (unsaved: the rules never touch the database).
ZINOVIEV = Source(pk=4, number=4, author=Author(name="Zinoviev"), text="I am fully guilty.")
OBSERVER = Source(pk=5, number=5, author=Author(name="The Observer"), text="It is futile.")
WORKER = Source(pk=15, number=15, author=Author(name="Campbell"), text=TEXT)
rating, comparison, opvl = KINDS["rating"], KINDS["comparison"], KINDS["opvl"]
highlight, matrix, choice, written = (
    KINDS[k] for k in ("highlight", "matrix", "choice", "written")
)
CHOICE_SETTINGS = choice.clean_settings(
    {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]}
)
MULTIPLE = {**CHOICE_SETTINGS, "multiple": True}


def refused(call, *args):
    with pytest.raises(ValidationError) as error:
        call(*args)
    return " ".join(error.value.messages)


def span(words, text=TEXT):
    start = text.index(words)
    return {"start": start, "end": start + len(words)}


# Text limits ---------------------------------------------------------------------------


def test_text_of_exactly_ten_thousand_characters_is_accepted():
    assert written.clean_response({"text": "x" * MAX_TEXT_LENGTH}, {}, [])["text"] == "x" * 10_000


def test_text_over_the_limit_says_how_much_to_cut():
    message = refused(written.clean_response, {"text": "x" * 10_005}, {}, [])
    assert "10,005" in message and "by 5 characters" in message


def test_text_is_kept_exactly_as_typed():
    typed = "  Duranty was there.\n\n  "
    assert written.clean_response({"text": typed}, {}, [])["text"] == typed


@pytest.mark.parametrize("bad", [["a"], {"a": 1}, 12])
def test_text_that_is_not_a_string_is_refused(bad):
    assert "must be text" in refused(written.clean_response, {"text": bad}, {}, [])


@pytest.mark.parametrize("bad", [None, 3, "x"])
def test_a_response_that_is_not_an_object_is_refused_or_empty(bad):
    if bad is None:
        assert written.clean_response(bad, {}, []) == {"text": ""}
    else:
        assert "expected form" in refused(written.clean_response, bad, {}, [])


# Rating ---------------------------------------------------------------------------------


def test_rating_settings_default_to_five_labels():
    settings = rating.clean_settings({"enquiry": "The 1936 trial"})
    assert len(settings["labels"]) == 5 and settings["min_justification"] == 0


@pytest.mark.parametrize(
    "bad_settings, message",
    [
        ({"labels": ["a", "b"]}, "exactly five labels"),
        ({"labels": ["a", "b", "c", "d", ""]}, "required"),
        ({"min_justification": -1}, "between 0"),
        ({"min_justification": "lots"}, "whole number"),
    ],
)
def test_rating_settings_are_validated(bad_settings, message):
    assert message in refused(rating.clean_settings, bad_settings)


@pytest.mark.parametrize("key, expected", [({}, {}), ({"rating": "3"}, {"rating": 3})])
def test_rating_key_is_optional(key, expected):
    assert rating.clean_key(key, {}, [ZINOVIEV]) == expected


def test_rating_key_out_of_scale_is_refused():
    assert "1 to 5" in refused(rating.clean_key, {"rating": 6}, {}, [ZINOVIEV])


@pytest.mark.parametrize("bad", [0, 6, "7", -1])
def test_rating_outside_one_to_five_is_refused(bad):
    message = refused(rating.clean_response, {"rating": bad}, {}, [ZINOVIEV])
    assert "from 1 to 5" in message


@pytest.mark.parametrize("bad", ["three", 2.5, True, [3]])
def test_rating_that_is_not_a_whole_number_is_refused(bad):
    assert "whole number" in refused(rating.clean_response, {"rating": bad}, {}, [ZINOVIEV])


def test_rating_response_is_normalised():
    response = rating.clean_response({"rating": "4", "justification": "He was there."}, {}, [])
    assert response == {"rating": 4, "justification": "He was there."}


def test_rating_without_a_choice_is_incomplete():
    response = {"rating": None, "justification": "Because."}
    assert rating.incomplete_reason(response, {}) == "no rating chosen"


def test_rating_with_a_short_justification_is_incomplete():
    response = {"rating": 2, "justification": "Biased."}
    reason = rating.incomplete_reason(response, {"min_justification": 50})
    assert reason == "the justification is shorter than 50 characters"


def test_rating_is_graded_by_the_teacher():
    assert rating.score({"rating": 2}, {}, {"rating": 2}, 4, []) is None


# Comparison -----------------------------------------------------------------------------


def test_comparison_needs_two_sources():
    assert "at least 2" in refused(comparison.check_sources, [ZINOVIEV])


def test_comparison_choice_must_be_one_of_the_sources():
    message = refused(comparison.clean_response, {"choice": 99}, {}, [ZINOVIEV, OBSERVER])
    assert "one of the sources" in message


def test_comparison_choice_is_kept_as_a_string_id():
    response = comparison.clean_response({"choice": 5}, {}, [ZINOVIEV, OBSERVER])
    assert response["choice"] == "5"


def test_comparison_key_must_name_a_source_of_the_question():
    message = refused(comparison.clean_key, {"choice": "15"}, {}, [ZINOVIEV, OBSERVER])
    assert "one of the question's sources" in message


def test_comparison_without_a_choice_is_incomplete():
    reason = comparison.incomplete_reason({"choice": None, "justification": "x"}, {})
    assert reason == "no source chosen"


# OPVL -----------------------------------------------------------------------------------


def test_opvl_keeps_its_four_fields():
    response = opvl.clean_response({"origin": "NKVD", "extra": "dropped"}, {}, [ZINOVIEV])
    assert set(response) == {"origin", "purpose", "value", "limitation"}


def test_opvl_lists_the_missing_parts():
    response = {"origin": "NKVD officer", "purpose": "To expose", "value": "", "limitation": ""}
    assert opvl.incomplete_reason(response, {}) == "no value, limitation"


def test_opvl_with_all_four_parts_is_complete():
    response = dict.fromkeys(("origin", "purpose", "value", "limitation"), "Yes")
    assert opvl.incomplete_reason(response, {}) is None


def test_opvl_one_field_over_the_limit_is_refused_by_name():
    message = refused(opvl.clean_response, {"value": "v" * 10_001}, {}, [ZINOVIEV])
    assert message.startswith("Value is 10,001 characters")


# Highlight ------------------------------------------------------------------------------


def test_highlight_ranges_get_their_quotes_from_the_text():
    response = highlight.clean_response({"ranges": [span("nest of wreckers")]}, {}, [WORKER])
    assert response["ranges"] == [{**span("nest of wreckers"), "quote": "nest of wreckers"}]


def test_highlight_quote_sent_by_the_browser_is_ignored():
    sent = {**span("nest"), "quote": "something else"}
    response = highlight.clean_response({"ranges": [sent]}, {}, [WORKER])
    assert response["ranges"][0]["quote"] == "nest"


def test_highlight_overlapping_and_out_of_order_ranges_are_merged():
    ranges = [span("spies has been"), span("wreckers and spies"), span("The nest")]
    response = highlight.clean_response({"ranges": ranges}, {}, [WORKER])
    assert [r["quote"] for r in response["ranges"]] == [
        "The nest",
        "wreckers and spies has been",
    ]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"start": 5, "end": 500}, "outside the source's text"),
        ({"start": -1, "end": 3}, "outside the source's text"),
        ({"start": 9, "end": 9}, "outside the source's text"),
        ({"start": 9, "end": 3}, "outside the source's text"),
        ({"start": "a", "end": 3}, "whole number"),
        ({"end": 3}, "whole number"),
        ("3-9", "expected form"),
    ],
)
def test_highlight_bad_ranges_are_refused(bad, message):
    assert message in refused(highlight.clean_response, {"ranges": [bad]}, {}, [WORKER])


def test_highlight_ranges_must_be_a_list():
    assert "expected form" in refused(highlight.clean_response, {"ranges": "all"}, {}, [WORKER])


def test_highlight_too_many_ranges_are_refused():
    ranges = [{"start": 0, "end": 1}] * (kinds.MAX_RANGES + 1)
    assert "At most" in refused(highlight.clean_response, {"ranges": ranges}, {}, [WORKER])


def test_highlight_key_needs_a_passage():
    assert "at least one passage" in refused(highlight.clean_key, {"ranges": []}, {}, [WORKER])


def test_highlight_perfect_answer_scores_full_marks():
    key = {"ranges": [span("nest of wreckers and spies")]}
    assert highlight.score(key, {}, key, 5, [WORKER]) == Decimal("5.00")


def test_highlight_empty_answer_scores_zero():
    key = {"ranges": [span("nest of wreckers and spies")]}
    assert highlight.score({"ranges": []}, {}, key, 5, [WORKER]) == Decimal("0.00")


def test_highlight_without_a_key_is_left_to_the_teacher():
    assert highlight.score({"ranges": [span("nest")]}, {}, {}, 5, [WORKER]) is None


def test_highlight_overlapping_answer_ranges_are_not_counted_twice():
    key = {"ranges": [span("nest of wreckers and spies")]}
    doubled = {"ranges": [span("nest of wreckers and spies"), span("wreckers and spies")]}
    assert highlight.score(doubled, {}, key, 5, [WORKER]) == Decimal("5.00")


def test_highlight_half_the_key_scores_by_overlap():
    key = {"ranges": [span("nest of wreckers and spies")]}
    half = {"ranges": [span("nest of wreckers")]}  # 16 of 26 characters, nothing extra
    f1 = 2 * 1 * (16 / 26) / (1 + 16 / 26)
    expected = (Decimal(5) * Decimal(str(f1))).quantize(Decimal("0.01"))
    assert highlight.score(half, {}, key, 5, [WORKER]) == expected


def test_highlight_marking_everything_does_not_earn_full_marks():
    key = {"ranges": [span("nest of wreckers and spies")]}
    everything = {"ranges": [{"start": 0, "end": len(TEXT)}]}
    assert highlight.score(everything, {}, key, 5, [WORKER]) < Decimal("2.5")


def test_highlight_out_of_order_key_and_answer_score_the_same_as_sorted():
    key = {"ranges": [span("Trotsky"), span("nest")]}
    answer = {"ranges": [span("nest"), span("Trotsky")]}
    assert highlight.score(answer, {}, key, 4, [WORKER]) == Decimal("4.00")


@given(st.lists(st.tuples(st.integers(0, 80), st.integers(1, 20)), max_size=8))
def test_highlight_score_is_always_between_zero_and_the_points(pairs):
    ranges = [{"start": s, "end": min(s + n, len(TEXT))} for s, n in pairs if s < len(TEXT)]
    key = {"ranges": [span("Fascist agent Trotsky")]}
    score = highlight.score({"ranges": ranges}, {}, key, 5, [WORKER])
    assert Decimal(0) <= score <= Decimal(5)


def test_sentences_split_the_text_for_keyboard_marking():
    text = 'He said "Guilty." Then silence.\n\nA new paragraph'
    assert [text[s:e] for s, e in kinds.sentences(text)] == [
        'He said "Guilty."',
        "Then silence.",
        "A new paragraph",
    ]


def test_toggling_a_sentence_marks_it_then_unmarks_it():
    marked = kinds.toggle_range([], 4, 30)
    assert marked == [{"start": 4, "end": 30}]
    assert kinds.toggle_range(marked, 4, 30) == []


def test_toggling_a_partly_marked_sentence_marks_all_of_it():
    assert kinds.toggle_range([{"start": 0, "end": 10}], 4, 30) == [{"start": 0, "end": 30}]


def test_unmarking_the_middle_of_a_passage_leaves_both_ends():
    assert kinds.unmark_range([{"start": 0, "end": 30}], 10, 20) == [
        {"start": 0, "end": 10},
        {"start": 20, "end": 30},
    ]


def test_reanchor_keeps_ranges_whose_words_did_not_move():
    ranges = [{**span("nest"), "quote": "nest"}]
    assert kinds.reanchor(ranges, TEXT) == (ranges, [])


def test_reanchor_follows_words_that_moved():
    ranges = [{**span("Fascist agent Trotsky"), "quote": "Fascist agent Trotsky"}]
    corrected = "Corrected: " + TEXT
    kept, lost = kinds.reanchor(ranges, corrected)
    assert corrected[kept[0]["start"] : kept[0]["end"]] == "Fascist agent Trotsky" and not lost


def test_reanchor_reports_words_that_are_gone():
    ranges = [{**span("nest"), "quote": "nest"}]
    kept, lost = kinds.reanchor(ranges, TEXT.replace("nest", "group"))
    assert kept == [] and lost == ranges


# Matrix ---------------------------------------------------------------------------------


def test_matrix_needs_a_claim():
    assert "claim is required" in refused(matrix.clean_settings, {"claim": " "})


def test_matrix_key_needs_a_verdict_for_every_source():
    message = refused(matrix.clean_key, {"verdicts": {"4": "supports"}}, {}, [ZINOVIEV, OBSERVER])
    assert "Source 5 (The Observer)" in message


@pytest.mark.parametrize(
    "verdicts, message",
    [
        ({"4": "maybe"}, "For Source 4 (Zinoviev), choose"),
        ({"4": ["supports"]}, "For Source 4 (Zinoviev), choose"),
        ({"99": "supports"}, "not in this question"),
        ("supports", "expected form"),
    ],
)
def test_matrix_bad_verdicts_are_refused(verdicts, message):
    sources = [ZINOVIEV, OBSERVER]
    assert message in refused(matrix.clean_response, {"verdicts": verdicts}, {}, sources)


def test_matrix_partial_answer_is_kept_and_listed_as_incomplete():
    response = matrix.clean_response(
        {"verdicts": {"4": "supports", "5": ""}}, {}, [ZINOVIEV, OBSERVER]
    )
    assert response == {"verdicts": {"4": "supports"}}
    reason = matrix.incomplete_reason(response, {}, [ZINOVIEV, OBSERVER])
    assert reason == "no verdict for Source 5 (The Observer)"


def test_matrix_partial_answer_scores_a_share_per_source():
    key = {"verdicts": {"4": "supports", "5": "supports", "15": "challenges"}}
    response = {"verdicts": {"4": "supports", "15": "supports"}}
    assert matrix.score(response, {}, key, 6, []) == Decimal("2.00")


def test_matrix_empty_and_perfect_answers():
    key = {"verdicts": {"4": "supports", "5": "silent"}}
    assert matrix.score({}, {}, key, 6, []) == Decimal("0.00")
    assert matrix.score(key, {}, key, 6, []) == Decimal("6.00")


# Choice ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_settings, message",
    [
        ({"options": [{"text": "Only one"}]}, "2 to 20 options"),
        ({"options": "A, B"}, "2 to 20 options"),
        ({"options": [{"id": "a", "text": "A"}, {"id": "a", "text": "B"}]}, "share the id"),
        ({"options": [{"text": "A"}, {"text": ""}]}, "Option 2 is required"),
    ],
)
def test_choice_settings_are_validated(bad_settings, message):
    assert message in refused(choice.clean_settings, bad_settings)


def test_choice_must_be_one_of_the_options():
    message = refused(choice.clean_response, {"selected": ["z"]}, CHOICE_SETTINGS, [])
    assert message == "Choose from the options given."


def test_single_choice_refuses_two_options():
    message = refused(choice.clean_response, {"selected": ["a", "b"]}, CHOICE_SETTINGS, [])
    assert message == "Choose one option only."


def test_single_choice_key_has_exactly_one_option():
    message = refused(choice.clean_key, {"correct": ["a", "b"]}, CHOICE_SETTINGS, [])
    assert "exactly one" in message


def test_single_choice_scores_all_or_nothing():
    key = {"correct": ["b"]}
    assert choice.score({"selected": ["b"]}, CHOICE_SETTINGS, key, 3, []) == Decimal("3.00")
    assert choice.score({"selected": ["a"]}, CHOICE_SETTINGS, key, 3, []) == Decimal("0.00")
    assert choice.score({}, CHOICE_SETTINGS, key, 3, []) == Decimal("0.00")


@pytest.mark.parametrize(
    "selected, expected",
    [
        (["a", "b"], "4.00"),  # perfect
        (["a"], "2.00"),  # half the correct ones
        (["a", "c"], "0.00"),  # one right, one wrong
        (["a", "b", "c"], "2.00"),  # everything ticked never earns full marks
        (["c"], "0.00"),  # never below zero
        ([], "0.00"),
    ],
)
def test_multiple_choice_partial_credit_rule(selected, expected):
    key = {"correct": ["a", "b"]}
    assert choice.score({"selected": selected}, MULTIPLE, key, 4, []) == Decimal(expected)


# Written --------------------------------------------------------------------------------


def test_written_length_must_be_short_or_extended():
    assert "short or extended" in refused(written.clean_settings, {"length": "essay"})


def test_written_below_the_minimum_length_is_incomplete():
    reason = written.incomplete_reason({"text": "Too short."}, {"min_length": 100})
    assert reason == "the answer is shorter than 100 characters"


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_treats_an_empty_response_as_not_answered(name):
    assert KINDS[name].incomplete_reason({}, {}, []) == "not answered"
