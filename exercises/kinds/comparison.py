"""The comparison kind: its rules and scoring."""

from collections import Counter

from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm, choice_field, text_field
from .shared.charts import Bar, BarChart
from .shared.demo import JUSTIFICATIONS, TRIAL_ENQUIRY, DemoQuestion
from .shared.text import (
    as_mapping,
    clean_min_length,
    clean_text,
    min_length_reason,
    source_ids,
)

# The kind's questions in the demo assignment (exercises/demo.py).
DEMO_QUESTIONS = [
    DemoQuestion(
        [10, 8],
        6,
        "Which source is more reliable as evidence about the trial of August 1936: "
        "Duranty (Source 10) or Trotsky (Source 8)? Explain your choice, comparing who "
        "wrote each source, when, and for what purpose.",
        {"enquiry": TRIAL_ENQUIRY, "min_justification": 200},
        "8",  # replaced by the source's id below
        "Either choice can score well if it is argued from provenance. Source 8 is the "
        "better evidence on the trial itself: it was written after the trials, about "
        "them, by someone who knew the accused; its bias is open and can be allowed for. "
        "Source 10 was written in 1935 and says nothing about the trial; it shows the "
        "outlook that made Duranty accept the confessions. The weakest answers call one "
        "source 'biased' and stop there.",
        skill="corroboration",
    ),
]


class Comparison(QuestionKind):
    """Two or more sources and an enquiry: pick the more reliable one and justify."""

    name = "comparison"
    min_sources = 2

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        return {
            "enquiry": clean_text(settings.get("enquiry"), "The enquiry"),
            "min_justification": clean_min_length(settings, "min_justification"),
        }

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        choice = key.get("choice")
        if choice in (None, ""):
            return {}
        if str(choice) not in source_ids(sources):
            raise ValidationError("The expected choice must be one of the question's sources.")
        return {"choice": str(choice)}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        choice = data.get("choice")
        if choice in (None, ""):
            choice = None
        elif str(choice) not in source_ids(sources):
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
        return min_length_reason(response.get("justification"), settings, "the justification")

    def answer_view(self, response, settings, key, sources):
        """The answer as the student's page shows it: the source chosen (and expected)."""

        def named(source_id):
            for source in sources:
                if str(source.pk) == str(source_id):
                    return source.label
            return ""

        return {
            "chosen_source": named(response.get("choice")),
            "expected_source": named(key.get("choice")),
        }

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.

    authoring_fields = ["enquiry", "min_justification", "expected_choice"]
    settings_field, key_field = "enquiry", "expected_choice"
    key_needs_sources = True

    def authoring_initial(self, settings, key, sources):
        initial = {
            "enquiry": settings.get("enquiry", ""),
            "min_justification": settings.get("min_justification", 0),
        }
        by_id = {str(source.pk): source for source in sources}
        if key.get("choice") in by_id:
            initial["expected_choice"] = by_id[key["choice"]].number
        return initial

    def authoring_settings(self, data, instance):
        return {
            "enquiry": data.get("enquiry", ""),
            "min_justification": data.get("min_justification") or 0,
        }

    def authoring_key(self, data, sources, instance):
        number = data.get("expected_choice")
        if number is None:
            return {}
        matching = [source for source in sources if source.number == number]
        if not matching:
            raise ValidationError(
                f"Source {number} is not one of this question's sources.",
                code="not_a_source",
            )
        return {"choice": str(matching[0].pk)}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return [f"Enquiry: {settings['enquiry']}"] if settings.get("enquiry") else []

    def grading_view(self, response, settings, key, sources):
        by_id = {str(source.pk): source for source in sources}
        chosen, expected = by_id.get(str(response.get("choice"))), by_id.get(str(key.get("choice")))
        return {
            "enquiry": settings.get("enquiry", ""),
            "chosen": chosen.label if chosen else "",
            "expected": expected.label if expected else "",
            "justification": response.get("justification", ""),
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 2

    def volume_settings(self, rng, words):
        return {"enquiry": "the 1936 trial", "min_justification": 40}

    def volume_response(self, rng, words, settings, sources):
        return {"choice": str(rng.choice(sources).pk), "justification": words(15, 60)}

    # Analytics: which source the class chose, against the key.

    analytics_grouped = ("choice",)
    unanswered_phrase = "without choosing a source"

    def analytics(self, question, sources, counted):
        counts = Counter()
        for row in counted.rows:
            choice = row["response__choice"]
            if choice is not None:
                counts[str(choice)] += row["n"]  # SQLite hands back "12" as 12
        answered = sum(counts.values())
        key = str((question.key or {}).get("choice") or "")
        bars = [
            Bar(
                source.label,
                counts.get(str(source.pk), 0),
                answered,
                key=str(source.pk) == key,
            )
            for source in sources
        ]
        return {
            "unanswered": counted.answers - answered,
            "chart": BarChart(
                f"{counted.slug}-choices", "Which source the class judged more reliable", bars
            ),
        }

    # Analytics: a featured answer's words, shown to the class without its student's name.

    featurable = True

    def featured_parts(self, response, settings, sources_by_id):
        source = sources_by_id.get(str(response.get("choice")))
        chosen = source.label if source else "none"
        return [("More reliable", chosen), ("Why", response.get("justification", ""))]

    # The demo class (exercises/demo.py): the kind's questions in the demo assignment and a
    # pupil's answer to one of them (`rng` a seeded random.Random: the same on every load).

    demo_questions = DEMO_QUESTIONS

    def demo_key(self, key, sources_by_number, sources):
        return {"choice": str(sources_by_number[int(key)].pk)}

    def demo_response(self, rng, question, sources):
        duranty, trotsky = sources
        choice = duranty if rng.random() < 0.67 else trotsky
        return {"choice": choice.pk, "justification": rng.choice(JUSTIFICATIONS[choice.number])}


class ComparisonAnswerForm(AnswerForm):
    def add_answer_fields(self):
        self.fields["choice"] = choice_field(
            "The more reliable source",
            [(str(source.pk), source.label) for source in self.sources],
            message="Choose one of the sources named in the question.",
        )
        minimum = self.question.settings.get("min_justification") or 0
        self.fields["justification"] = text_field(
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


Comparison.answer_form = ComparisonAnswerForm
