"""The highlight kind: its rules and scoring."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from .base import QuestionKind
from .ranges import clean_ranges, overlap_f1
from .text import as_mapping, clean_text, to_points


class Highlight(QuestionKind):
    """Mark the passages of one source that show, say, bias or loaded language.

    Scored by the character-level overlap (F1) of the marked passages with the key's.
    """

    name = "highlight"
    objective = True
    min_sources = max_sources = 1

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        return {"instruction": clean_text(settings.get("instruction"), "The instruction")}

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        self.check_sources(sources)
        ranges = clean_ranges(key.get("ranges"), sources[0].text, "A key passage")
        if not ranges:
            raise ValidationError("Mark at least one passage in the key.")
        return {"ranges": ranges}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        self.check_sources(sources)
        return {"ranges": clean_ranges(data.get("ranges"), sources[0].text)}

    def score(self, response, settings, key, points, sources):
        key_ranges = (key or {}).get("ranges") or []
        if not key_ranges:
            return None
        f1 = overlap_f1((response or {}).get("ranges") or [], key_ranges)
        return to_points(Decimal(str(points)) * Decimal(str(f1)))

    def is_answered(self, response):
        return bool((response or {}).get("ranges"))
