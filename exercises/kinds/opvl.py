"""The opvl kind: its rules and scoring."""

from .base import QuestionKind
from .shared.answer_form import AnswerForm, text_field
from .shared.text import as_mapping, clean_text


class OPVL(QuestionKind):
    """Origin, purpose, value and limitation of one source, for a stated enquiry."""

    name = "opvl"
    min_sources = max_sources = 1
    text_fields = {
        "origin": "Origin",
        "purpose": "Purpose",
        "value": "Value",
        "limitation": "Limitation",
    }

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        return {"enquiry": clean_text(settings.get("enquiry"), "The enquiry")}

    def incomplete_reason(self, response, settings, sources=None):
        missing = [
            label.lower()
            for field, label in self.text_fields.items()
            if not (response or {}).get(field, "").strip()
        ]
        if len(missing) == len(self.text_fields):
            return "not answered"
        if missing:
            return "no " + ", ".join(missing)
        return None

    def answer_view(self, response, settings, key, sources):
        """The answer as the student's page shows it: (label, text) per part."""
        return {
            "opvl_fields": [
                (label, response.get(name, "")) for name, label in self.text_fields.items()
            ]
        }

    # Authoring: the teacher's plain fields (admin_forms.QuestionForm) <-> settings and key.

    authoring_fields = ["enquiry"]
    short_name = "OPVL"
    settings_field = "enquiry"

    def authoring_initial(self, settings, key, sources):
        return {"enquiry": settings.get("enquiry", "")}

    def authoring_settings(self, data, instance):
        return {"enquiry": data.get("enquiry", "")}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return [f"Enquiry: {settings['enquiry']}"] if settings.get("enquiry") else []

    def grading_view(self, response, settings, key, sources):
        return {
            "enquiry": settings.get("enquiry", ""),
            "parts": [
                (label, response.get(field, "")) for field, label in self.text_fields.items()
            ],
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 1

    def volume_settings(self, rng, words):
        return {"enquiry": "the purges"}

    def volume_response(self, rng, words, settings, sources):
        return {field: words(8, 30) for field in self.text_fields}

    # Analytics: a featured answer's words, shown to the class without its student's name.

    featurable = True

    def featured_parts(self, response, settings, sources_by_id):
        return [(label, response.get(name, "")) for name, label in self.text_fields.items()]


class OPVLAnswerForm(AnswerForm):
    HELP = {
        "origin": "Who made it, when, what kind of document.",
        "purpose": "Why it was made, and for whom.",
        "value": "What it can tell a historian about the enquiry, given its origin and purpose.",
        "limitation": "What it cannot tell, or where it may mislead, and why.",
    }

    def add_answer_fields(self):
        for name, label in OPVL.text_fields.items():
            self.fields[name] = text_field(label, rows=3, help_text=self.HELP[name])

    def raw_response(self, data):
        return {name: data.get(name) for name in OPVL.text_fields}


OPVL.answer_form = OPVLAnswerForm
