"""The highlight kind: its rules and scoring."""

import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from purgeclass import client_json

from .base import QuestionKind
from .shared.answer_form import RANGES_MAX_CHARS, AnswerForm
from .shared.charts import Bar, BarChart
from .shared.demo import DemoQuestion, find_passages
from .shared.ranges import (
    clean_ranges,
    marked_pieces,
    merge_ranges,
    overlap_f1,
    sentences,
    toggle_range,
    unmark_range,
)
from .shared.text import as_mapping, clean_text, lines_of, to_points

# Key passages as a teacher quotes them: typographic quotes and dashes match plain ones.
# The analytics' heat map: shades besides "nobody marked it", passages listed, F1 buckets.
HEAT_LEVELS = 4
TOP_PASSAGES = 8
F1_BUCKETS = ("0–19%", "20–39%", "40–59%", "60–79%", "80–100%")
QUOTE_MARKS = "\"'“”‘’«»"
CHARACTER_CLASSES = {
    "'": "['‘’]",
    "‘": "['‘’]",
    "’": "['‘’]",
    '"': '["“”]',
    "“": '["“”]',
    "”": '["“”]',
    "-": "[-–—]",
    "–": "[-–—]",
    "—": "[-–—]",
}


def passage_pattern(quote):
    """A pattern for a quoted passage that forgives line breaks and typographic quotes."""
    words = quote.split()
    return r"\s+".join(
        "".join(CHARACTER_CLASSES.get(char) or re.escape(char) for char in word) for word in words
    )


def find_passage(quote, text, taken=()):
    """(start, end) of the first place `quote` stands in `text` not already taken, or None.

    A quote wrapped in quotation marks is looked for with and without them.
    """
    candidates = [quote]
    stripped = quote.strip(QUOTE_MARKS).strip()
    if stripped and stripped != quote:
        candidates.append(stripped)
    for candidate in candidates:
        for match in re.finditer(passage_pattern(candidate), text):
            if (match.start(), match.end()) not in taken:
                return match.start(), match.end()
    return None


def ranges_from_quotes(lines, source):
    """Turn quoted passages, one per line, into character ranges of the source's text."""
    ranges, missing, taken = [], [], set()
    for line in lines:
        found = find_passage(line, source.text, taken)
        if found is None:
            missing.append(line)
            continue
        taken.add(found)
        ranges.append({"start": found[0], "end": found[1]})
    if missing:
        raise ValidationError(
            [
                ValidationError(
                    "“%(quote)s” is not in %(source)s. Copy the words exactly as the source "
                    "has them.",
                    params={"quote": quote, "source": source.label},
                    code="quote_not_found",
                )
                for quote in missing
            ]
        )
    return ranges


# What the demo class wrote or marked (exercises/demo.py).
LOADED_LANGUAGE = [
    "weak, corrupt or ambitious enemy of socialism",
    "dirty, evil work",
    "Fascist agent Trotsky",
    "nest of wreckers and spies",
    "unspeakable crimes",
]

# The kind's questions in the demo assignment (exercises/demo.py).
DEMO_QUESTIONS = [
    DemoQuestion(
        [15],
        5,
        "Source 15 comes from the Daily Worker, the British Communist Party's newspaper. "
        "Mark the words and phrases chosen to make readers hate or fear the accused, rather "
        "than to inform them.",
        {"instruction": "Mark each loaded word or phrase separately."},
        None,  # found in the source's text below
        "Loaded language: 'weak, corrupt or ambitious enemy of socialism', 'dirty, evil "
        "work', 'Fascist agent Trotsky', 'nest of wreckers and spies' and 'unspeakable "
        "crimes'. None of them is evidence; they tell the reader what to feel. Note what "
        "is missing: no defendant is named and no crime is described.",
        skill="close_reading",
    ),
]


class Highlight(QuestionKind):
    """Mark the passages of one source that show, say, bias or loaded language.

    Scored by the character-level overlap (F1) of the marked passages with the key's.
    """

    name = "highlight"
    stylesheet = "css/kinds/highlight.css"
    objective = True
    min_sources = max_sources = 1
    anchors_words = True
    script = "js/kinds/highlight.js"  # marking by selection and by keyboard, over answering.js

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

    def answer_view(self, response, settings, key, sources):
        """The answer as the student's page shows it: the source, the passages marked that
        still lie inside its text, and (once released) the key's passages."""
        source = sources[0] if sources else None
        length = len(source.text) if source else 0
        return {
            "highlight_source": source,
            "ranges": [
                r
                for r in response.get("ranges") or []
                if 0 <= r.get("start", -1) < r.get("end", -1) <= length
            ],
            "key_ranges": key.get("ranges") or [],
        }

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.

    authoring_fields = ["instruction", "key_passages"]
    settings_field, key_field = "instruction", "key_passages"
    key_needs_sources = True
    builder_template = "exercises/kinds/highlight/builder_key.html"
    builder_script = "js/kinds/highlight-builder.js"

    def authoring_initial(self, settings, key, sources):
        return {
            "instruction": settings.get("instruction", ""),
            "key_passages": "\n".join(
                " ".join(r.get("quote", "").split()) for r in key.get("ranges") or []
            ),
        }

    def authoring_settings(self, data, instance):
        return {"instruction": data.get("instruction", "")}

    def authoring_key(self, data, sources, instance):
        if len(sources) != 1:
            return {}  # the sources field says what is wrong
        return {"ranges": ranges_from_quotes(lines_of(data.get("key_passages")), sources[0])}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        parts = [settings["instruction"]] if settings.get("instruction") else []
        return [*parts, f"{len(key.get('ranges') or [])} key passage(s)"]

    def grading_view(self, response, settings, key, sources):
        text = sources[0].text if sources else ""
        return {
            "instruction": settings.get("instruction", ""),
            "student": marked_pieces(text, response.get("ranges")),
            "key": marked_pieces(text, key.get("ranges")),
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 1

    def volume_settings(self, rng, words):
        return {"instruction": "Mark loaded language."}

    def volume_key(self, rng, settings, sources):
        start, end = rng.choice(sentences(sources[0].text))
        return {"ranges": [{"start": start, "end": end}]}

    def volume_response(self, rng, words, settings, sources):
        text = sources[0].text
        spans = sorted(rng.sample(sentences(text), k=min(2, len(sentences(text)))))
        return {"ranges": [{"start": s, "end": e, "quote": text[s:e]} for s, e in spans]}

    # Analytics: every answer's ranges make a heat map of the source; against a key, a chart
    # of how close the answers came (F1 of the overlap).

    analytics_fetches_answers = True

    def analytics(self, question, sources, counted):
        if not sources:
            return {}
        source = sources[0]
        key_ranges = (question.key or {}).get("ranges") or []
        answered = [response.get("ranges") or [] for response in counted.responses]
        heat = heat_segments(source.text, answered, key_ranges, counted.answers)
        marked = [segment for segment in heat if segment.count]
        panel = {
            "source_text_title": source.label,
            "heat": heat,
            "top_passages": sorted(marked, key=lambda s: (-s.count, s.start))[:TOP_PASSAGES],
        }
        if key_ranges:
            scores = [overlap_f1(answer, key_ranges) for answer in answered]
            buckets = Counter(min(round(score * 100) // 20, 4) for score in scores)
            panel["f1_chart"] = BarChart(
                f"{counted.slug}-f1",
                "Overlap with the key (F1) of each answer",
                [
                    Bar(label, buckets.get(index, 0), len(scores))
                    for index, label in enumerate(F1_BUCKETS)
                ],
            )
            panel["mean_f1"] = round(100 * sum(scores) / len(scores)) if scores else None
        return panel

    # The demo class (exercises/demo.py): the kind's questions in the demo assignment and a
    # pupil's answer to one of them (`rng` a seeded random.Random: the same on every load).

    demo_questions = DEMO_QUESTIONS

    def demo_key(self, key, sources_by_number, sources):
        return {"ranges": find_passages(sources[0], LOADED_LANGUAGE)}

    def demo_response(self, rng, question, sources):
        text = sources[0].text
        quotes = rng.sample(LOADED_LANGUAGE, rng.randint(1, 4))
        if rng.random() < 0.4:
            quotes.append("the defences of the Soviet Union are strong")
        ranges = []
        for quote in quotes:
            start = text.find(quote)
            if start >= 0:
                ranges.append({"start": start, "end": start + len(quote)})
        return {"ranges": ranges}


@dataclass
class HeatSegment:
    """A stretch of the source's text that the same number of students marked."""

    start: int
    end: int
    text: str
    count: int
    level: int  # 0 (nobody) to HEAT_LEVELS (most of the class)
    in_key: bool

    @property
    def body(self):
        """The words, without the spaces or line breaks that end the segment."""
        return self.text.rstrip()

    @property
    def trail(self):
        return self.text[len(self.body) :]


def heat_level(count, total):
    if not count or not total:
        return 0
    return min(HEAT_LEVELS, -(-count * HEAT_LEVELS // total))  # ceiling of the share's quarter


def heat_segments(text, answers_ranges, key_ranges, total):
    """Split `text` into segments of equal count of students who marked them.

    Each answer's ranges are merged first, so a student who marked a word twice counts once.
    Segments also break where the key's ranges begin and end.
    """
    length = len(text)
    change = Counter()
    for ranges in answers_ranges:
        for start, end in merge_ranges(ranges or []):
            start, end = max(0, start), min(length, end)
            if start < end:
                change[start] += 1
                change[end] -= 1
    key = [(max(0, s), min(length, e)) for s, e in merge_ranges(key_ranges or []) if s < length]
    cuts = sorted({0, length, *change, *(point for pair in key for point in pair)})
    segments, count = [], 0
    for start, end in zip(cuts, cuts[1:], strict=False):
        count += change.get(start, 0)
        in_key = any(s <= start and end <= e for s, e in key)
        previous = segments[-1] if segments else None
        if previous and previous.count == count and previous.in_key == in_key:
            previous.end = end
            previous.text = text[previous.start : end]
            continue
        segments.append(
            HeatSegment(start, end, text[start:end], count, heat_level(count, total), in_key)
        )
    return segments


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
            ranges = toggle_range(self._valid(ranges), *self._span(data["toggle"]))
        if data.get("remove"):
            ranges = unmark_range(self._valid(ranges), *self._span(data["remove"]))
        return {"ranges": ranges}

    def _valid(self, ranges):
        text = self.sources[0].text if self.sources else ""
        return clean_ranges(ranges, text)


Highlight.answer_form = HighlightAnswerForm
