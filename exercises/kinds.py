"""The seven kinds of source-criticism question, and the rules each one keeps.

A kind knows three things about its question: which sources it needs, what a teacher may put
in its settings and key, and what a student's response must look like. Objective kinds
(highlight, matrix, choice) also score themselves; the others are graded by the teacher.

Every `clean_*` method takes untrusted data (a form post, an admin form, a JSON field) and
returns a normalised copy or raises ValidationError with a message a student or teacher can
act on. None of them touch the database: callers pass the question's sources in.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

MAX_TEXT_LENGTH = 10_000
MAX_RANGES = 200
MAX_OPTIONS = 20

VERDICTS = {
    "supports": "Supports the claim",
    "challenges": "Challenges the claim",
    "silent": "Says nothing about it",
}
DEFAULT_RATING_LABELS = [
    "Not reliable",
    "Of little reliability",
    "Partly reliable",
    "Mostly reliable",
    "Very reliable",
]
CENT = Decimal("0.01")


def _points(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_text(value, label, *, required=False):
    """A student's or teacher's free text: a string of at most 10,000 characters.

    Nothing is stripped or rewritten: what the student typed is what is kept.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.")
    if len(value) > MAX_TEXT_LENGTH:
        over = len(value) - MAX_TEXT_LENGTH
        raise ValidationError(
            f"{label} is {len(value):,} characters long; the limit is {MAX_TEXT_LENGTH:,}. "
            f"Shorten it by {over:,} characters."
        )
    if required and not value.strip():
        raise ValidationError(f"{label} is required.")
    return value


def _clean_int(value, label):
    if isinstance(value, bool):
        raise ValidationError(f"{label} must be a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        return int(value)
    raise ValidationError(f"{label} must be a whole number.")


def _mapping(data, label="The answer"):
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationError(f"{label} is not in the expected form.")
    return data


def _source_ids(sources):
    return [str(source.pk) for source in sources]


def _source_label(source):
    author = getattr(source, "author", None)
    return f"Source {source.number}" + (f" ({author})" if author else "")


# Highlight ranges ------------------------------------------------------------------------


def merge_ranges(ranges):
    """Sort ranges and merge those that overlap or touch: the set of marked characters."""
    merged = []
    for start, end in sorted((r["start"], r["end"]) for r in ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def unmark_range(ranges, start, end):
    """The ranges with the characters from start to end no longer marked."""
    kept = []
    for range_start, range_end in merge_ranges(ranges):
        if range_end <= start or range_start >= end:
            kept.append({"start": range_start, "end": range_end})
            continue
        if range_start < start:
            kept.append({"start": range_start, "end": start})
        if range_end > end:
            kept.append({"start": end, "end": range_end})
    return kept


def covers(ranges, start, end):
    """Whether every character from start to end is marked."""
    return any(s <= start and end <= e for s, e in merge_ranges(ranges))


def toggle_range(ranges, start, end):
    """Mark start–end, or unmark it if it is already wholly marked (a sentence toggle)."""
    if covers(ranges, start, end):
        return unmark_range(ranges, start, end)
    return [
        {"start": s, "end": e} for s, e in merge_ranges([*ranges, {"start": start, "end": end}])
    ]


def clean_ranges(ranges, text, label="A marked passage"):
    """Validate character ranges of `text` and attach the quoted words to each.

    The quote is taken from the text itself, not from the browser: it is what makes a
    range re-anchorable when staff later correct the source.
    """
    if ranges is None:
        ranges = []
    if not isinstance(ranges, list):
        raise ValidationError("The marked passages are not in the expected form.")
    if len(ranges) > MAX_RANGES:
        raise ValidationError(f"At most {MAX_RANGES} passages can be marked.")
    raw = []
    for item in ranges:
        item = _mapping(item, label)
        start = _clean_int(item.get("start"), f"{label}'s start")
        end = _clean_int(item.get("end"), f"{label}'s end")
        if not 0 <= start < end <= len(text):
            raise ValidationError(
                f"{label} ({start}–{end}) lies outside the source's text "
                f"(0–{len(text)}). Reload the page and mark it again."
            )
        raw.append({"start": start, "end": end})
    return [{"start": s, "end": e, "quote": text[s:e]} for s, e in merge_ranges(raw)]


def reanchor(ranges, text):
    """Point ranges at the same words in a corrected text.

    A range whose quote still stands at its place is kept; otherwise it moves to the
    occurrence of its quote nearest to where it was. A range whose quote is gone is
    returned separately, so the teacher is told instead of the range silently marking
    other words. Returns (kept ranges, lost ranges).
    """
    kept, lost = [], []
    for item in ranges:
        start, end, quote = item["start"], item["end"], item.get("quote", "")
        if quote and text[start:end] == quote:
            kept.append({"start": start, "end": end, "quote": quote})
            continue
        places = [m.start() for m in re.finditer(re.escape(quote), text)] if quote else []
        if places:
            new_start = min(places, key=lambda p: abs(p - start))
            kept.append({"start": new_start, "end": new_start + len(quote), "quote": quote})
        else:
            lost.append({"start": start, "end": end, "quote": quote})
    return kept, lost


def overlap_f1(answer_ranges, key_ranges):
    """Character-level F1 of the marked characters against the key's (0.0 to 1.0)."""
    answer = merge_ranges(answer_ranges)
    key = merge_ranges(key_ranges)
    marked = sum(e - s for s, e in answer)
    wanted = sum(e - s for s, e in key)
    if not marked or not wanted:
        return 0.0
    common = 0
    for a_start, a_end in answer:
        for k_start, k_end in key:
            common += max(0, min(a_end, k_end) - max(a_start, k_start))
    if not common:
        return 0.0
    precision, recall = common / marked, common / wanted
    return 2 * precision * recall / (precision + recall)


SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")


def sentences(text):
    """Split a text into (start, end) spans of sentences and lines, for keyboard marking."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() if text[match.start()] == "\n" else match.end()
        chunk_end = end
        while chunk_end > start and text[chunk_end - 1].isspace():
            chunk_end -= 1
        if chunk_end > start:
            spans.append((start, chunk_end))
        start = match.end()
    tail_end = len(text.rstrip())
    if tail_end > start:
        spans.append((start, tail_end))
    return spans


# The kinds ------------------------------------------------------------------------------


class QuestionKind:
    """Rules of one kind of question. Subclasses override what differs."""

    name = ""
    objective = False
    min_sources = 0
    max_sources = None
    text_fields = {}  # response field -> label
    template_name = ""

    def check_sources(self, sources):
        count = len(sources)
        if count < self.min_sources:
            raise ValidationError(
                f"This kind of question needs at least {self.min_sources} "
                f"source{'s' if self.min_sources > 1 else ''}; it has {count}."
            )
        if self.max_sources is not None and count > self.max_sources:
            raise ValidationError(
                f"This kind of question is about {self.max_sources} source; it has {count}."
            )

    def clean_settings(self, settings):
        return dict(_mapping(settings, "The settings"))

    def clean_key(self, key, settings, sources):
        return dict(_mapping(key, "The answer key"))

    def clean_response(self, data, settings, sources):
        data = _mapping(data)
        return {
            field: clean_text(data.get(field), label) for field, label in self.text_fields.items()
        }

    def score(self, response, settings, key, points, sources):
        """Points earned, or None where a teacher grades the answer."""
        return None

    def is_answered(self, response):
        return any(str(value).strip() for value in (response or {}).values() if value)

    def incomplete_reason(self, response, settings, sources=None):
        """Why a saved response is not yet a full answer (listed before submitting)."""
        if not self.is_answered(response):
            return "not answered"
        return None


def _min_length_reason(text, settings, field_label):
    minimum = settings.get("min_justification") or settings.get("min_length") or 0
    if minimum and len((text or "").strip()) < minimum:
        return f"{field_label} is shorter than {minimum} characters"
    return None


def _clean_min_length(settings, field):
    value = settings.get(field, 0) or 0
    value = _clean_int(value, "The minimum length")
    if not 0 <= value <= MAX_TEXT_LENGTH:
        raise ValidationError(f"The minimum length must be between 0 and {MAX_TEXT_LENGTH:,}.")
    return value


class Rating(QuestionKind):
    """Rate how reliable one source is as evidence for a stated enquiry (1–5), and justify."""

    name = "rating"
    min_sources = max_sources = 1

    def clean_settings(self, settings):
        settings = _mapping(settings, "The settings")
        labels = settings.get("labels") or DEFAULT_RATING_LABELS
        if not isinstance(labels, list) or len(labels) != 5:
            raise ValidationError("The scale needs exactly five labels, from 1 to 5.")
        labels = [clean_text(label, "A scale label", required=True)[:60] for label in labels]
        return {
            "enquiry": clean_text(settings.get("enquiry"), "The enquiry"),
            "min_justification": _clean_min_length(settings, "min_justification"),
            "labels": labels,
        }

    def clean_key(self, key, settings, sources):
        key = _mapping(key, "The answer key")
        if key.get("rating") in (None, ""):
            return {}
        rating = _clean_int(key["rating"], "The expected rating")
        if not 1 <= rating <= 5:
            raise ValidationError("The expected rating must be from 1 to 5.")
        return {"rating": rating}

    def clean_response(self, data, settings, sources):
        data = _mapping(data)
        rating = data.get("rating")
        if rating in (None, ""):
            rating = None
        else:
            rating = _clean_int(rating, "The rating")
            if not 1 <= rating <= 5:
                raise ValidationError("Choose a rating from 1 to 5.")
        return {
            "rating": rating,
            "justification": clean_text(data.get("justification"), "Your justification"),
        }

    def is_answered(self, response):
        return bool(response) and (
            response.get("rating") is not None or bool(response.get("justification", "").strip())
        )

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        if response.get("rating") is None:
            return "no rating chosen"
        return _min_length_reason(response.get("justification"), settings, "the justification")


class Comparison(QuestionKind):
    """Two or more sources and an enquiry: pick the more reliable one and justify."""

    name = "comparison"
    min_sources = 2

    def clean_settings(self, settings):
        settings = _mapping(settings, "The settings")
        return {
            "enquiry": clean_text(settings.get("enquiry"), "The enquiry"),
            "min_justification": _clean_min_length(settings, "min_justification"),
        }

    def clean_key(self, key, settings, sources):
        key = _mapping(key, "The answer key")
        choice = key.get("choice")
        if choice in (None, ""):
            return {}
        if str(choice) not in _source_ids(sources):
            raise ValidationError("The expected choice must be one of the question's sources.")
        return {"choice": str(choice)}

    def clean_response(self, data, settings, sources):
        data = _mapping(data)
        choice = data.get("choice")
        if choice in (None, ""):
            choice = None
        elif str(choice) not in _source_ids(sources):
            raise ValidationError("Choose one of the sources named in the question.")
        return {
            "choice": None if choice is None else str(choice),
            "justification": clean_text(data.get("justification"), "Your justification"),
        }

    def is_answered(self, response):
        return bool(response) and (
            response.get("choice") is not None or bool(response.get("justification", "").strip())
        )

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        if response.get("choice") is None:
            return "no source chosen"
        return _min_length_reason(response.get("justification"), settings, "the justification")


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
        settings = _mapping(settings, "The settings")
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


class Highlight(QuestionKind):
    """Mark the passages of one source that show, say, bias or loaded language.

    Scored by the character-level overlap (F1) of the marked passages with the key's.
    """

    name = "highlight"
    objective = True
    min_sources = max_sources = 1

    def clean_settings(self, settings):
        settings = _mapping(settings, "The settings")
        return {"instruction": clean_text(settings.get("instruction"), "The instruction")}

    def clean_key(self, key, settings, sources):
        key = _mapping(key, "The answer key")
        self.check_sources(sources)
        ranges = clean_ranges(key.get("ranges"), sources[0].text, "A key passage")
        if not ranges:
            raise ValidationError("Mark at least one passage in the key.")
        return {"ranges": ranges}

    def clean_response(self, data, settings, sources):
        data = _mapping(data)
        self.check_sources(sources)
        return {"ranges": clean_ranges(data.get("ranges"), sources[0].text)}

    def score(self, response, settings, key, points, sources):
        key_ranges = (key or {}).get("ranges") or []
        if not key_ranges:
            return None
        f1 = overlap_f1((response or {}).get("ranges") or [], key_ranges)
        return _points(Decimal(str(points)) * Decimal(str(f1)))

    def is_answered(self, response):
        return bool((response or {}).get("ranges"))


class Matrix(QuestionKind):
    """A claim and several sources: does each support it, challenge it, or say nothing?

    Scored one equal part per source.
    """

    name = "matrix"
    objective = True
    min_sources = 2

    def clean_settings(self, settings):
        settings = _mapping(settings, "The settings")
        return {"claim": clean_text(settings.get("claim"), "The claim", required=True)}

    def _clean_verdicts(self, verdicts, sources, *, complete):
        verdicts = _mapping(verdicts, "The verdicts")
        ids = _source_ids(sources)
        labels = {str(s.pk): _source_label(s) for s in sources}
        cleaned = {}
        for source_id, verdict in verdicts.items():
            source_id = str(source_id)
            if source_id not in ids:
                raise ValidationError("A verdict names a source that is not in this question.")
            if verdict in (None, ""):
                continue
            if not isinstance(verdict, str) or verdict not in VERDICTS:
                raise ValidationError(
                    f"For {labels[source_id]}, choose supports, challenges or says nothing."
                )
            cleaned[source_id] = verdict
        if complete:
            missing = [labels[i] for i in ids if i not in cleaned]
            if missing:
                raise ValidationError("The key needs a verdict for " + ", ".join(missing) + ".")
        return cleaned

    def clean_key(self, key, settings, sources):
        key = _mapping(key, "The answer key")
        return {"verdicts": self._clean_verdicts(key.get("verdicts"), sources, complete=True)}

    def clean_response(self, data, settings, sources):
        data = _mapping(data)
        return {"verdicts": self._clean_verdicts(data.get("verdicts"), sources, complete=False)}

    def score(self, response, settings, key, points, sources):
        wanted = (key or {}).get("verdicts") or {}
        if not wanted:
            return None
        given = (response or {}).get("verdicts") or {}
        right = sum(1 for source_id, verdict in wanted.items() if given.get(source_id) == verdict)
        return _points(Decimal(str(points)) * right / len(wanted))

    def is_answered(self, response):
        return bool((response or {}).get("verdicts"))

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        given = response.get("verdicts") or {}
        missing = [_source_label(s) for s in sources or () if str(s.pk) not in given]
        if missing:
            return "no verdict for " + ", ".join(missing)
        return None


class Choice(QuestionKind):
    """Single or multiple choice, scored automatically.

    Multiple answers earn partial credit: each correct option chosen earns an equal share of
    the points, each wrong option chosen takes one share away, and the score never goes
    below zero. So choosing every option never earns full marks.
    """

    name = "choice"
    objective = True
    PARTIAL_CREDIT_RULE = (
        "Each correct option chosen earns an equal share of the points; each wrong option "
        "chosen takes one share away; the score never goes below zero."
    )

    def clean_settings(self, settings):
        settings = _mapping(settings, "The settings")
        options = settings.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
            raise ValidationError(f"A choice question needs 2 to {MAX_OPTIONS} options.")
        cleaned, seen = [], set()
        for position, option in enumerate(options, start=1):
            option = _mapping(option, "An option")
            option_id = str(option.get("id") or position)
            if option_id in seen:
                raise ValidationError(f"Two options share the id {option_id!r}.")
            seen.add(option_id)
            text = clean_text(option.get("text"), f"Option {position}", required=True)
            cleaned.append({"id": option_id, "text": text})
        return {"options": cleaned, "multiple": bool(settings.get("multiple", False))}

    def _option_ids(self, settings):
        return [option["id"] for option in settings.get("options", [])]

    def clean_key(self, key, settings, sources):
        key = _mapping(key, "The answer key")
        correct = key.get("correct")
        if isinstance(correct, str):
            correct = [correct]
        if not isinstance(correct, list) or not correct:
            raise ValidationError("Mark at least one option as correct.")
        ids = self._option_ids(settings)
        correct = [str(c) for c in correct]
        if any(c not in ids for c in correct):
            raise ValidationError("A correct answer must be one of the options.")
        if not settings.get("multiple") and len(correct) != 1:
            raise ValidationError("A single-choice question has exactly one correct option.")
        return {"correct": sorted(set(correct), key=ids.index)}

    def clean_response(self, data, settings, sources):
        data = _mapping(data)
        selected = data.get("selected") or []
        if isinstance(selected, str):
            selected = [selected]
        if not isinstance(selected, list):
            raise ValidationError("Choose from the options given.")
        ids = self._option_ids(settings)
        selected = [str(s) for s in selected]
        if any(s not in ids for s in selected):
            raise ValidationError("Choose from the options given.")
        if not settings.get("multiple") and len(selected) > 1:
            raise ValidationError("Choose one option only.")
        return {"selected": sorted(set(selected), key=ids.index)}

    def score(self, response, settings, key, points, sources):
        correct = set((key or {}).get("correct") or [])
        if not correct:
            return None
        selected = set((response or {}).get("selected") or [])
        points = Decimal(str(points))
        if not settings.get("multiple"):
            return _points(points if selected == correct else 0)
        share = points / len(correct)
        earned = share * len(selected & correct) - share * len(selected - correct)
        return _points(max(Decimal(0), earned))

    def is_answered(self, response):
        return bool((response or {}).get("selected"))


class Written(QuestionKind):
    """A short or extended written answer, graded by the teacher."""

    name = "written"
    text_fields = {"text": "Your answer"}

    def clean_settings(self, settings):
        settings = _mapping(settings, "The settings")
        length = settings.get("length") or "extended"
        if length not in ("short", "extended"):
            raise ValidationError("The length must be short or extended.")
        return {"length": length, "min_length": _clean_min_length(settings, "min_length")}

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        return _min_length_reason((response or {}).get("text"), settings, "the answer")


KINDS = {
    kind.name: kind
    for kind in (Rating(), Comparison(), OPVL(), Highlight(), Matrix(), Choice(), Written())
}


def kind_named(name):
    return KINDS[name]
