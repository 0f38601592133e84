"""Forms a student fills in: joining a class, and one answer form per question kind.

An answer form only turns posted fields into the kind's response shape; the kind's rules
(`exercises.kinds`) decide what is valid, so a student gets the same message whether the
answer came from autosave or from the plain Save button.
"""

import json
import re

from django import forms
from django.core.exceptions import ValidationError

from purgeclass import client_json

from . import kinds
from .models import Classroom, Question

# 200 passages (kinds.MAX_RANGES) as {"start": ..., "end": ...} take far less than this.
RANGES_MAX_CHARS = 50_000
REVISION_MISSING = "This save did not say which version of the answer it was based on. Reload."


class JoinClassForm(forms.Form):
    code = forms.CharField(
        label="Class code",
        max_length=40,
        help_text="Eight letters and digits, from your teacher.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        # Codes are read aloud and typed on phones: ignore case, spaces and dashes.
        code = re.sub(r"[\s-]+", "", self.cleaned_data["code"]).upper()
        try:
            self.classroom = Classroom.objects.get(join_code=code)
        except Classroom.DoesNotExist:
            raise ValidationError(
                f"No class has the code “{code}”. Check it with your teacher and try again."
            ) from None
        return code


def _text_field(label, *, rows=4, short=False, help_text=""):
    # No max_length: a browser would silently cut a long paste at the limit. The kind's
    # rules refuse it with a message saying how much to cut instead.
    attrs = {"class": "form-control", "spellcheck": "true"}
    widget = forms.TextInput(attrs) if short else forms.Textarea({**attrs, "rows": rows})
    return forms.CharField(
        label=label, required=False, strip=False, widget=widget, help_text=help_text
    )


def _choice_field(label, choices, *, message, input_class="form-check-input"):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": input_class}),
        error_messages={"invalid_choice": message},
    )


def source_label(source):
    author = source.author.name if source.author_id else ""
    return f"Source {source.number}" + (f" ({author})" if author else "")


class AnswerForm(forms.Form):
    """Base of the per-kind forms: carries the revision the student's copy was based on."""

    revision = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": REVISION_MISSING, "invalid": REVISION_MISSING},
    )

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


class RatingAnswerForm(AnswerForm):
    def add_answer_fields(self):
        settings = self.question.settings
        labels = settings.get("labels") or kinds.DEFAULT_RATING_LABELS
        self.fields["rating"] = _choice_field(
            "Your rating",
            [(str(number), label) for number, label in enumerate(labels, start=1)],
            message="Choose a rating from 1 to 5.",
            input_class="btn-check",
        )
        minimum = settings.get("min_justification") or 0
        self.fields["justification"] = _text_field(
            "Your justification",
            rows=5,
            help_text=f"At least {minimum} characters." if minimum else "",
        )

    def initial_from(self, response):
        rating = response.get("rating")
        return {
            "rating": "" if rating is None else str(rating),
            "justification": response.get("justification", ""),
        }

    def raw_response(self, data):
        return {"rating": data.get("rating") or None, "justification": data.get("justification")}


class ComparisonAnswerForm(AnswerForm):
    def add_answer_fields(self):
        self.fields["choice"] = _choice_field(
            "The more reliable source",
            [(str(source.pk), source_label(source)) for source in self.sources],
            message="Choose one of the sources named in the question.",
        )
        minimum = self.question.settings.get("min_justification") or 0
        self.fields["justification"] = _text_field(
            "Your justification",
            rows=6,
            help_text=f"At least {minimum} characters." if minimum else "",
        )

    def initial_from(self, response):
        return {
            "choice": response.get("choice") or "",
            "justification": response.get("justification", ""),
        }

    def raw_response(self, data):
        return {"choice": data.get("choice") or None, "justification": data.get("justification")}


class OPVLAnswerForm(AnswerForm):
    HELP = {
        "origin": "Who made it, when, what kind of document.",
        "purpose": "Why it was made, and for whom.",
        "value": "What it can tell a historian about the enquiry, given its origin and purpose.",
        "limitation": "What it cannot tell, or where it may mislead, and why.",
    }

    def add_answer_fields(self):
        for name, label in kinds.OPVL.text_fields.items():
            self.fields[name] = _text_field(label, rows=3, help_text=self.HELP[name])

    def raw_response(self, data):
        return {name: data.get(name) for name in kinds.OPVL.text_fields}


class HighlightAnswerForm(AnswerForm):
    """The marked passages travel as JSON. Without JavaScript, a sentence's button posts
    `toggle` and a passage's Remove button posts `remove`, both as "start-end"."""

    def add_answer_fields(self):
        self.fields["ranges"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["toggle"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["remove"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def initial_from(self, response):
        ranges = [{"start": r["start"], "end": r["end"]} for r in response.get("ranges", [])]
        return {"ranges": json.dumps(ranges)}

    @staticmethod
    def _span(value):
        match = re.fullmatch(r"(\d{1,7})-(\d{1,7})", value or "")
        if not match:
            raise ValidationError("That passage could not be read. Reload the page and try again.")
        return int(match[1]), int(match[2])

    def raw_response(self, data):
        try:
            ranges = client_json.loads(
                data.get("ranges") or "[]", max_chars=RANGES_MAX_CHARS, max_depth=4
            )
        except client_json.ClientJSONError:
            raise ValidationError(
                "The marked passages could not be read. Reload the page and mark them again."
            ) from None
        if not isinstance(ranges, list) or not all(isinstance(r, dict) for r in ranges):
            raise ValidationError("The marked passages are not in the expected form.")
        # Bad numbers are left for the kind's rules, which say what is wrong with them.
        if data.get("toggle"):
            ranges = kinds.toggle_range(self._valid(ranges), *self._span(data["toggle"]))
        if data.get("remove"):
            ranges = kinds.unmark_range(self._valid(ranges), *self._span(data["remove"]))
        return {"ranges": ranges}

    def _valid(self, ranges):
        text = self.sources[0].text if self.sources else ""
        return kinds.clean_ranges(ranges, text)


class MatrixAnswerForm(AnswerForm):
    def add_answer_fields(self):
        for source in self.sources:
            self.fields[f"verdict-{source.pk}"] = _choice_field(
                source_label(source),
                list(kinds.VERDICTS.items()),
                message=f"For {source_label(source)}, choose supports, challenges or says nothing.",
            )

    def initial_from(self, response):
        verdicts = response.get("verdicts") or {}
        return {f"verdict-{source_id}": verdict for source_id, verdict in verdicts.items()}

    def raw_response(self, data):
        return {
            "verdicts": {
                str(source.pk): data.get(f"verdict-{source.pk}") for source in self.sources
            }
        }

    def rows(self):
        """(source, bound radio field) per source, for the matrix's table."""
        return [(source, self[f"verdict-{source.pk}"]) for source in self.sources]


class ChoiceAnswerForm(AnswerForm):
    def add_answer_fields(self):
        settings = self.question.settings
        choices = [(option["id"], option["text"]) for option in settings.get("options", [])]
        if settings.get("multiple"):
            self.fields["selected"] = forms.MultipleChoiceField(
                label="Choose all that apply",
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                error_messages={"invalid_choice": "Choose from the options given."},
            )
        else:
            self.fields["selected"] = _choice_field(
                "Choose one", choices, message="Choose from the options given."
            )

    def initial_from(self, response):
        selected = response.get("selected") or []
        if self.question.settings.get("multiple"):
            return {"selected": selected}
        return {"selected": selected[0] if selected else ""}

    def raw_response(self, data):
        selected = data.get("selected") or []
        return {"selected": selected if isinstance(selected, list) else [selected]}


class WrittenAnswerForm(AnswerForm):
    def add_answer_fields(self):
        settings = self.question.settings
        minimum = settings.get("min_length") or 0
        self.fields["text"] = _text_field(
            "Your answer",
            rows=10,
            short=settings.get("length") == "short",
            help_text=f"At least {minimum} characters." if minimum else "",
        )

    def raw_response(self, data):
        return {"text": data.get("text")}


ANSWER_FORMS = {
    Question.Kind.RATING: RatingAnswerForm,
    Question.Kind.COMPARISON: ComparisonAnswerForm,
    Question.Kind.OPVL: OPVLAnswerForm,
    Question.Kind.HIGHLIGHT: HighlightAnswerForm,
    Question.Kind.MATRIX: MatrixAnswerForm,
    Question.Kind.CHOICE: ChoiceAnswerForm,
    Question.Kind.WRITTEN: WrittenAnswerForm,
}


def answer_form(question, sources, data=None, **kwargs):
    return ANSWER_FORMS[question.kind](question, sources, data, **kwargs)
