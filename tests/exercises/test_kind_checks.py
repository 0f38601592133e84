"""The system check on the kinds registry: a half-added kind stops start-up, naming what is
missing; the real kinds pass."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from exercises import kinds
from exercises.kinds.checks import check_kinds


class Chronology(kinds.QuestionKind):
    """A kind begun but not finished: rules only (no choice, form, authoring, grading view
    or templates)."""

    name = "chronology"

    def clean_settings(self, settings):
        return {}


def test_every_registered_kind_has_all_its_parts():
    assert check_kinds() == []
    call_command("check")  # raises SystemCheckError on any error


def test_a_half_added_kind_stops_start_up_naming_each_missing_part(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "chronology", Chronology())

    with pytest.raises(SystemCheckError) as failure:
        call_command("check")

    message = str(failure.value)
    assert "Question kind 'chronology': is not among Question.Kind's choices." in message
    assert "Question kind 'chronology': has no student answer form" in message
    assert "Question kind 'chronology': has no authoring fields" in message
    assert "Question kind 'chronology': has no grading view" in message
    for part in ("input", "answer", "grading", "analytics"):
        assert f"exercises/kinds/chronology/{part}.html" in message
    assert {error.id for error in check_kinds()} == {
        "exercises.E103",
        "exercises.E104",
        "exercises.E105",
        "exercises.E106",
        "exercises.E107",
        "exercises.E108",
    }


def test_a_kind_without_settings_rules_is_refused(monkeypatch):
    class Bare(kinds.Written):
        clean_settings = kinds.QuestionKind.clean_settings  # the base's: accepts anything

    monkeypatch.setitem(kinds.KINDS, "written", Bare())

    assert [error.id for error in check_kinds()] == ["exercises.E102"]


def test_a_kind_registered_under_another_name_is_refused(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "essay", kinds.KINDS["written"])

    assert [error.id for error in check_kinds()] == ["exercises.E101"]


def test_a_kind_needs_no_script_but_one_it_names_must_be_a_static_file(monkeypatch):
    assert kinds.KINDS["written"].script is None
    assert kinds.KINDS["highlight"].script == "js/kinds/highlight.js"

    class Scripted(kinds.Written):
        script = "js/kinds/written.js"  # no such file

    monkeypatch.setitem(kinds.KINDS, "written", Scripted())

    assert [error.id for error in check_kinds()] == ["exercises.E109"]


def test_a_stylesheet_a_kind_names_must_be_a_static_file(monkeypatch):
    assert kinds.KINDS["matrix"].stylesheet == "css/kinds/matrix.css"

    class Styled(kinds.Written):
        stylesheet = "css/kinds/no-such-kind.css"

    monkeypatch.setitem(kinds.KINDS, "written", Styled())

    assert [error.id for error in check_kinds()] == ["exercises.E110"]


def test_a_builder_template_a_kind_names_must_exist(monkeypatch):
    assert kinds.KINDS["written"].builder_template is None
    assert kinds.KINDS["matrix"].builder_template == "exercises/kinds/matrix/builder_key.html"

    class Keyed(kinds.Written):
        builder_template = "exercises/kinds/written/builder_key.html"  # no such template

    monkeypatch.setitem(kinds.KINDS, "written", Keyed())

    assert [error.id for error in check_kinds()] == ["exercises.E111"]


def test_a_builder_script_a_kind_names_must_be_a_static_file(monkeypatch):
    assert kinds.KINDS["sequence"].builder_script == "js/kinds/sequence-builder.js"

    class Keyed(kinds.Written):
        builder_script = "js/kinds/written-builder.js"  # no such file

    monkeypatch.setitem(kinds.KINDS, "written", Keyed())

    assert [error.id for error in check_kinds()] == ["exercises.E112"]
