"""The rating kind: its rules and scoring."""

from collections import Counter

from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm, choice_field, text_field
from .shared.charts import Bar, BarChart
from .shared.demo import JUSTIFICATIONS, TRIAL_ENQUIRY, DemoQuestion
from .shared.text import (
    as_mapping,
    clean_int,
    clean_min_length,
    clean_text,
    lines_of,
    min_length_reason,
)

DEFAULT_RATING_LABELS = [
    "Not reliable",
    "Of little reliability",
    "Partly reliable",
    "Mostly reliable",
    "Very reliable",
]

# The kind's questions in the demo assignment (exercises/demo.py).
DEMO_QUESTIONS = [
    DemoQuestion(
        [10],
        4,
        "How reliable is Source 10 as evidence about the trial of August 1936? "
        "Choose a rating, then justify it from who wrote the source, when, and why.",
        {"enquiry": TRIAL_ENQUIRY, "min_justification": 120},
        {"rating": 2},
        "Of little reliability (2). Duranty wrote this in 1935, before the trial took "
        "place, so it cannot tell us what happened in court. What it does show is how the "
        "New York Times' man in Moscow already told the story of the opposition: "
        "Trotsky, Zinoviev and Kamenev as schemers who broke Soviet law and 'played into "
        "Stalin's hand'. A correspondent who needed the regime's goodwill to keep working "
        "in Moscow, and who later wrote that the confessions were true, is a useful "
        "witness to Western attitudes but a weak one on the defendants' guilt. A strong "
        "answer separates these two uses of the source.",
        skill="sourcing",
    ),
    DemoQuestion(
        [8],
        4,
        "How reliable is Source 8 as evidence about whether the accused in the Moscow "
        "trials were guilty? Choose a rating, then justify it.",
        {"enquiry": TRIAL_ENQUIRY, "min_justification": 120},
        {"rating": 3},
        "Partly reliable (3). Trotsky was the chief accused, tried in his absence, so he "
        "had every reason to call the trials a lie, and he wrote from exile without "
        "access to the evidence. But his argument rests on facts that were not in dispute: "
        "the defendants' long records as revolutionaries and the unlikeliness of all of "
        "them turning fascist at once. Other sources that did not depend on him (Orlov, "
        "an NKVD officer, and Khrushchev in 1956) later said the cases were invented. "
        "Good answers weigh his motive against what can be checked.",
        skill="sourcing",
    ),
]


class Rating(QuestionKind):
    """Rate how reliable one source is as evidence for a stated enquiry (1–5), and justify."""

    name = "rating"
    stylesheet = "css/kinds/rating.css"
    min_sources = max_sources = 1

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        labels = settings.get("labels") or DEFAULT_RATING_LABELS
        if not isinstance(labels, list) or len(labels) != 5:
            raise ValidationError("The scale needs exactly five labels, from 1 to 5.")
        labels = [clean_text(label, "A scale label", required=True)[:60] for label in labels]
        return {
            "enquiry": clean_text(settings.get("enquiry"), "The enquiry"),
            "min_justification": clean_min_length(settings, "min_justification"),
            "labels": labels,
        }

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        if key.get("rating") in (None, ""):
            return {}
        rating = clean_int(key["rating"], "The expected rating")
        if not 1 <= rating <= 5:
            raise ValidationError("The expected rating must be from 1 to 5.")
        return {"rating": rating}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        rating = data.get("rating")
        if rating in (None, ""):
            rating = None
        else:
            rating = clean_int(rating, "The rating")
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
        return min_length_reason(response.get("justification"), settings, "the justification")

    def answer_view(self, response, settings, key, sources):
        """The answer as the student's page shows it: the rating given (and expected)."""
        labels = settings.get("labels") or DEFAULT_RATING_LABELS

        def rating_text(rating):
            return "" if rating is None else f"{rating} – {labels[rating - 1]}"

        return {
            "rating_labels": labels,
            "rating_text": rating_text(response.get("rating")),
            "expected_rating": rating_text(key.get("rating")),
        }

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.

    authoring_fields = ["enquiry", "min_justification", "labels", "expected_rating"]
    short_name = "reliability rating"
    settings_field, key_field = "labels", "expected_rating"

    def authoring_initial(self, settings, key, sources):
        initial = {
            "enquiry": settings.get("enquiry", ""),
            "min_justification": settings.get("min_justification", 0),
            "expected_rating": key.get("rating"),
        }
        if settings.get("labels"):
            initial["labels"] = "\n".join(settings["labels"])
        return initial

    def authoring_settings(self, data, instance):
        labels = lines_of(data.get("labels"))
        return {
            "enquiry": data.get("enquiry", ""),
            "min_justification": data.get("min_justification") or 0,
            "labels": labels or None,
        }

    def authoring_key(self, data, sources, instance):
        return {"rating": data.get("expected_rating")}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return [f"Enquiry: {settings['enquiry']}"] if settings.get("enquiry") else []

    def grading_view(self, response, settings, key, sources):
        labels = settings.get("labels") or DEFAULT_RATING_LABELS
        rating = response.get("rating")
        return {
            "enquiry": settings.get("enquiry", ""),
            "rating": rating,
            "rating_label": labels[rating - 1]
            if isinstance(rating, int) and 1 <= rating <= 5
            else "",
            "expected": key.get("rating"),
            "justification": response.get("justification", ""),
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 1

    def volume_settings(self, rng, words):
        return {"enquiry": "the 1936 trial", "min_justification": 40}

    def volume_response(self, rng, words, settings, sources):
        return {"rating": rng.randint(1, 5), "justification": words(15, 60)}

    # Analytics: how the class rated the source, against the key.

    analytics_grouped = ("rating",)
    unanswered_phrase = "without a rating"

    def analytics(self, question, sources, counted):
        labels = question.settings.get("labels") or DEFAULT_RATING_LABELS
        counts = Counter()
        for row in counted.rows:
            rating = row["response__rating"]
            if rating is not None:
                counts[int(rating)] += row["n"]
        answered = sum(counts.values())
        key = (question.key or {}).get("rating")
        bars = [
            Bar(f"{value} · {label}", counts.get(value, 0), answered, key=value == key)
            for value, label in zip(range(1, 6), labels, strict=False)
        ]
        mean = sum(value * n for value, n in counts.items()) / answered if answered else None
        return {
            "unanswered": counted.answers - answered,
            "mean": None if mean is None else round(mean, 1),
            "chart": BarChart(f"{counted.slug}-ratings", "Ratings given by the class", bars),
        }

    # Analytics: a featured answer's words, shown to the class without its student's name.

    featurable = True

    def featured_parts(self, response, settings, sources_by_id):
        labels = settings.get("labels") or DEFAULT_RATING_LABELS
        rating = response.get("rating")
        chosen = f"{rating} – {labels[rating - 1]}" if rating in range(1, 6) else "none"
        return [("Rating", chosen), ("Why", response.get("justification", ""))]

    # The demo class (exercises/demo.py): the kind's questions in the demo assignment and a
    # pupil's answer to one of them (`rng` a seeded random.Random: the same on every load).

    demo_questions = DEMO_QUESTIONS

    def demo_response(self, rng, question, sources):
        trusting = sources[0].number == 10
        rating = rng.choice([3, 4, 4, 5, 2]) if trusting else rng.choice([1, 2, 2, 3, 1])
        return {"rating": rating, "justification": rng.choice(JUSTIFICATIONS[sources[0].number])}


class RatingAnswerForm(AnswerForm):
    def add_answer_fields(self):
        settings = self.question.settings
        labels = settings.get("labels") or DEFAULT_RATING_LABELS
        self.fields["rating"] = choice_field(
            "Your rating",
            [(str(number), label) for number, label in enumerate(labels, start=1)],
            message="Choose a rating from 1 to 5.",
            input_class="btn-check",
        )
        minimum = settings.get("min_justification") or 0
        self.fields["justification"] = text_field(
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


Rating.answer_form = RatingAnswerForm
