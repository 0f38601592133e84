"""The base of every kind's student answer form, and the fields the forms share.

An answer form only turns posted fields into the kind's response shape; the kind's rules decide
what is valid, so a student gets the same message whether the answer came from autosave or from
the plain Save button. Each kind module defines its form and names it in `answer_form`.
"""

from django import forms
from django.core.exceptions import ValidationError

from .widgets import AnswerFormRenderer

# 200 passages (MAX_RANGES) as {"start": ..., "end": ...} take far less than this.
RANGES_MAX_CHARS = 50_000
REVISION_MISSING = "This save did not say which version of the answer it was based on. Reload."


def text_field(label, *, rows=4, short=False, help_text=""):
    # No max_length: a browser would silently cut a long paste at the limit. The kind's
    # rules refuse it with a message saying how much to cut instead.
    attrs = {"class": "form-control", "spellcheck": "true"}
    widget = forms.TextInput(attrs) if short else forms.Textarea({**attrs, "rows": rows})
    return forms.CharField(
        label=label, required=False, strip=False, widget=widget, help_text=help_text
    )


def choice_field(label, choices, *, message, input_class="form-check-input"):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": input_class}),
        error_messages={"invalid_choice": message},
    )


# The fields an answer form posts besides the answer, the one list of them: the tokens (the
# CSRF token, and the one naming the student the page was made for, exercises.kept_answers),
# the revision the student's copy was based on, and the buttons a kind's input posts without
# JavaScript (mark or remove a passage, move an item). The answering script gets the list
# from the form's data-control-fields, so it never saves or compares them as the answer.
OWNER_FIELD = "owner"
TOKEN_FIELDS = ("csrfmiddlewaretoken", OWNER_FIELD)
CONTROL_FIELDS = (*TOKEN_FIELDS, "revision", "toggle", "remove", "move")


class AnswerForm(forms.Form):
    """Base of the per-kind forms: carries the revision the student's copy was based on."""

    # No revision reaches past what the column holds (a tampered 2**63 would make the
    # database raise rather than refuse).
    revision = forms.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={
            "required": REVISION_MISSING,
            "invalid": REVISION_MISSING,
            "max_value": REVISION_MISSING,
        },
    )

    CONTROL_FIELDS = CONTROL_FIELDS
    # Its inputs written in Python, the same HTML as Django's widget templates, cheaper.
    default_renderer = AnswerFormRenderer()

    def __init__(self, question, sources, data=None, *, response=None, revision=0, **kwargs):
        self.question = question
        self.sources = list(sources)
        self.saved_response = response or {}
        initial = self.initial_from(self.saved_response)
        initial["revision"] = revision
        kwargs.setdefault("auto_id", f"q{question.pk}-%s")
        super().__init__(data, initial=initial, **kwargs)
        self.add_answer_fields()

    def add_answer_fields(self):
        pass

    def initial_from(self, response):
        return dict(response)

    def raw_response(self, data):
        """The posted fields in the kind's response shape, not yet validated."""
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.response = self.question.clean_response(self.raw_response(data), self.sources)
        except ValidationError as error:
            self.add_error(None, error)
        return data

    is_disabled = False

    def disable(self):
        """Read-only inputs, for a teacher's preview."""
        self.is_disabled = True
        for field in self.fields.values():
            field.disabled = True
        return self

    @property
    def error_message(self):
        """All errors as one sentence for the autosave status line."""
        messages = [m for field in self.errors.values() for m in field]
        return " ".join(messages)
