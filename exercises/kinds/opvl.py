"""The opvl kind: its rules and scoring."""

from .base import QuestionKind
from .text import as_mapping, clean_text


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
