"""The answer forms' inputs, written in Python (kinds.shared.widgets), are byte for byte what
Django's widget templates write: on every kind's student page, and for awkward values."""

import re

import pytest
from django import forms
from django.core.cache import cache
from django.forms.renderers import get_default_renderer
from django.utils.safestring import mark_safe

from exercises.kinds.shared.answer_form import AnswerForm
from exercises.kinds.shared.widgets import PYTHON_WIDGETS, AnswerFormRenderer
from tests.exercises.conftest import autosave
from tests.exercises.test_every_kind import fast_password_hashing, filler, world  # noqa: F401

TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|owner)" value=")[^"]+(")')


def page(client, world):  # noqa: F811
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    return TOKENS.sub(r"\1-\2", html)


@pytest.mark.django_db
def test_every_kinds_page_is_the_same_as_with_djangos_widget_templates(
    client,
    world,  # noqa: F811
    monkeypatch,
):
    client.force_login(world.student)
    assert autosave(client, world.question, 0, **world.fields).status_code == 200
    ours = page(client, world)
    monkeypatch.setattr(AnswerForm, "default_renderer", get_default_renderer())
    cache.clear()  # the inputs are cached: render them again, with Django's templates
    assert ours == page(client, world)
    assert f'id="q{world.question.pk}-' in ours


class Awkward(forms.Form):
    quoted = forms.CharField(
        widget=forms.Textarea({"rows": 3, "data-x": '"<&>', "spellcheck": True, "hidden": False})
    )
    line = forms.CharField(widget=forms.TextInput({"placeholder": mark_safe("a &amp; b")}))
    empty = forms.CharField(required=False, widget=forms.Textarea)
    count = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.DecimalField()
    pick = forms.ChoiceField(
        choices=[("a", "<A & B>"), (1, "One"), ("", "None")],
        widget=forms.RadioSelect({"class": "form-check-input"}),
    )
    several = forms.MultipleChoiceField(
        choices=[("x", "X's"), ("y", 'Y "quoted"')], widget=forms.CheckboxSelectMultiple
    )


AWKWARD = {
    "quoted": '\nLeading newline, <script>alert("x")</script> & trailing  ',
    "line": "O'Brien & <Sons>",
    "empty": "",
    "count": 0,
    "number": "3.50",
    "pick": "a",
    "several": ["x", "y"],
}


@pytest.mark.parametrize("data", [AWKWARD, None], ids=["bound", "unbound"])
def test_python_widgets_write_what_the_templates_write(data):
    initial = {"line": None, "count": 12, "pick": 1}
    ours = Awkward(data, initial=initial, renderer=AnswerFormRenderer())
    django = Awkward(data, initial=initial, renderer=get_default_renderer())
    for name in ours.fields:
        assert str(ours[name]) == str(django[name])
        for mine, theirs in zip(ours[name].subwidgets, django[name].subwidgets, strict=True):
            assert mine.tag() == theirs.tag()
            assert mine.tag(wrap_label=True) == theirs.tag(wrap_label=True)
    assert str(ours) == str(django)


def test_only_widget_templates_are_written_in_python():
    assert all(name.startswith("django/forms/widgets/") for name in PYTHON_WIDGETS)
