"""The answer forms' form renderer: their few widgets written out in Python.

A student's assignment page shows about 45 inputs (radio buttons, text areas, hidden
fields); rendering each through Django's widget templates (input.html including attrs.html,
an option template including input_option.html including input.html) was about a quarter of
the page's server time. `AnswerFormRenderer` writes those widgets with the same Python the
templates amount to, byte for byte the same HTML (tests/exercises/test_answer_widgets.py
compares both for every kind's form and for the awkward values), and hands every other
template to the project's form renderer (settings.FORM_RENDERER, Django's by default).

If the project ever overrides Django's widget templates (a TemplatesSetting renderer with
its own django/forms/widgets/*.html), remove the overridden names from `PYTHON_WIDGETS`.
"""

from django.forms.renderers import BaseRenderer, get_default_renderer
from django.template.defaultfilters import stringformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime


def _printed(value):
    """`{{ value }}` in an autoescaped template (django.template.base.render_value_in_context)."""
    if isinstance(value, str):  # most of them: localize() and template_localtime() keep it
        return conditional_escape(value)
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value):
    """`{{ value|stringformat:'s' }}`: the filter, which keeps a safe value safe, then escaping."""
    text = stringformat(value, "s")
    return _printed(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs):
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_printed(name)}" if value is True else f' {_printed(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget):
    """django/forms/widgets/input.html (and the templates that only include it)."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_printed(widget["type"])}" name="{_printed(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _input_option(widget):
    """django/forms/widgets/input_option.html: a radio button or checkbox of a choice."""
    if not widget.get("wrap_label"):
        return _input(widget)
    label_id = widget["attrs"].get("id")
    label_for = f' for="{_printed(label_id)}"' if label_id else ""
    # The newline ends the included input.html.
    return f"<label{label_for}>{_input(widget)}\n {_printed(widget['label'])}</label>"


def _textarea(widget):
    """django/forms/widgets/textarea.html"""
    value = widget["value"]
    text = _printed(value) if value else ""
    name, attrs = _printed(widget["name"]), _attrs(widget["attrs"])
    return f'<textarea name="{name}"{attrs}>\n{text}</textarea>'


PYTHON_WIDGETS = {
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/hidden.html": _input,
    "django/forms/widgets/text.html": _input,
    "django/forms/widgets/number.html": _input,
    "django/forms/widgets/input_option.html": _input_option,
    "django/forms/widgets/radio_option.html": _input_option,
    "django/forms/widgets/checkbox_option.html": _input_option,
    "django/forms/widgets/textarea.html": _textarea,
}


class AnswerFormRenderer(BaseRenderer):
    """The project's form renderer, with `PYTHON_WIDGETS` rendered without templates."""

    def get_template(self, template_name):
        return get_default_renderer().get_template(template_name)

    def render(self, template_name, context, request=None):
        write = PYTHON_WIDGETS.get(template_name)
        if write is None or set(context) != {"widget"}:
            return get_default_renderer().render(template_name, context, request=request)
        # The template renderer strips the output; these never start or end with a space.
        return write(context["widget"])
