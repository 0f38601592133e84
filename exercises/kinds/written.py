"""The written kind: its rules and scoring."""

from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm, text_field
from .shared.text import as_mapping, clean_min_length, min_length_reason


class Written(QuestionKind):
    """A short or extended written answer, graded by the teacher."""

    name = "written"
    text_fields = {"text": "Your answer"}

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        length = settings.get("length") or "extended"
        if length not in ("short", "extended"):
            raise ValidationError("The length must be short or extended.")
        return {"length": length, "min_length": clean_min_length(settings, "min_length")}

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        return min_length_reason((response or {}).get("text"), settings, "the answer")

    # Authoring: the teacher's plain fields (admin_forms.QuestionForm) <-> settings and key.

    authoring_fields = ["length", "min_length"]
    settings_field = "length"

    def authoring_initial(self, settings, key, sources):
        return {
            "length": settings.get("length", "extended"),
            "min_length": settings.get("min_length", 0),
        }

    def authoring_settings(self, data, instance):
        return {
            "length": data.get("length") or "extended",
            "min_length": data.get("min_length") or 0,
        }

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return [f"{settings.get('length', 'extended')} answer"]

    def grading_view(self, response, settings, key, sources):
        return {"text": response.get("text", "")}

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    def volume_settings(self, rng, words):
        return {"length": "extended", "min_length": 0}

    def volume_response(self, rng, words, settings, sources):
        return {"text": words(40, 200)}

    # Analytics: a featured answer's words, shown to the class without its student's name.

    featurable = True


class WrittenAnswerForm(AnswerForm):
    def add_answer_fields(self):
        settings = self.question.settings
        minimum = settings.get("min_length") or 0
        self.fields["text"] = text_field(
            "Your answer",
            rows=10,
            short=settings.get("length") == "short",
            help_text=f"At least {minimum} characters." if minimum else "",
        )

    def raw_response(self, data):
        return {"text": data.get("text")}


Written.answer_form = WrittenAnswerForm
