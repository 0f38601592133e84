"""The choice kind: its rules and scoring."""

from collections import Counter, defaultdict
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm, choice_field
from .shared.charts import Bar, BarChart
from .shared.demo import DemoQuestion
from .shared.text import as_mapping, clean_text, lines_of, to_points

MAX_OPTIONS = 20

# The kind's questions in the demo assignment (exercises/demo.py).
DEMO_QUESTIONS = [
    DemoQuestion(
        [],
        5,
        "Which of these writers were in Moscow during the trial of August 1936? "
        "Choose all that apply.",
        {
            "multiple": True,
            "options": [
                {"id": "duranty", "text": "Walter Duranty, New York Times correspondent"},
                {"id": "zinoviev", "text": "Gregory Zinoviev"},
                {"id": "trotsky", "text": "Leon Trotsky"},
                {"id": "shachtman", "text": "Max Shachtman"},
                {"id": "statesman", "text": "The writer of the New Statesman's comment"},
            ],
        },
        {"correct": ["duranty", "zinoviev"]},
        "Duranty watched the trial as the New York Times' Moscow correspondent, and "
        "Zinoviev was in the dock. Trotsky was in exile abroad and was tried in his "
        "absence; Shachtman was an American Trotskyist writing in the United States; the "
        "New Statesman wrote from London and complained that there were no independent "
        "witnesses. Being present is not the same as being reliable: compare Duranty with "
        "the New Statesman.",
        skill="sourcing",
    ),
]


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
        settings = as_mapping(settings, "The settings")
        options = settings.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= MAX_OPTIONS:
            raise ValidationError(f"A choice question needs 2 to {MAX_OPTIONS} options.")
        cleaned, seen = [], set()
        for position, option in enumerate(options, start=1):
            option = as_mapping(option, "An option")
            option_id = str(option.get("id") or position)
            if option_id in seen:
                raise ValidationError(f"Two options share the id {option_id!r}.")
            seen.add(option_id)
            text = clean_text(option.get("text"), f"Option {position}", required=True)
            cleaned.append({"id": option_id, "text": text})
        return {"options": cleaned, "multiple": bool(settings.get("multiple", False))}

    def answer_in_words(self, response, settings):
        texts = {option["id"]: option["text"] for option in settings.get("options", [])}
        chosen = [texts[i] for i in response.get("selected") or [] if i in texts]
        return " + ".join(chosen)

    def _option_ids(self, settings):
        return [option["id"] for option in settings.get("options", [])]

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
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
        data = as_mapping(data)
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
            return to_points(points if selected == correct else 0)
        share = points / len(correct)
        earned = share * len(selected & correct) - share * len(selected - correct)
        return to_points(max(Decimal(0), earned))

    def is_answered(self, response):
        return bool((response or {}).get("selected"))

    def answer_view(self, response, settings, key, sources):
        """The answer as the student's page shows it: each option, chosen and correct."""
        selected = response.get("selected") or []
        correct = key.get("correct") or []
        return {
            "choice_options": [
                {"text": o["text"], "chosen": o["id"] in selected, "correct": o["id"] in correct}
                for o in settings.get("options", [])
            ]
        }

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.

    authoring_fields = ["options", "multiple"]
    settings_field = key_field = "options"

    def authoring_initial(self, settings, key, sources):
        correct = set(key.get("correct") or [])
        return {
            "multiple": settings.get("multiple", False),
            "options": "\n".join(
                ("* " if option["id"] in correct else "") + option["text"]
                for option in settings.get("options") or []
            ),
        }

    def authoring_settings(self, data, instance):
        return {
            "options": self._options(data, instance)[0],
            "multiple": data.get("multiple", False),
        }

    def authoring_key(self, data, sources, instance):
        return {"correct": self._options(data, instance)[1]}

    def _options(self, data, instance):
        """Options from the lines (keeping each unchanged option's id, which answers use)."""
        old = defaultdict(list)  # text -> ids in order: two options may read the same
        if instance.pk and instance.kind == self.name:
            for option in (instance.settings or {}).get("options", []):
                old[option["text"]].append(option["id"])
        numeric = [int(i) for ids in old.values() for i in ids if str(i).isdigit()]
        next_id = max(numeric, default=0) + 1
        options, correct = [], []
        for line in lines_of(data.get("options")):
            is_correct = line.startswith("*")
            text = line.lstrip("*").strip()
            option_id = old[text].pop(0) if old.get(text) else None
            if option_id is None:
                option_id, next_id = str(next_id), next_id + 1
            options.append({"id": option_id, "text": text})
            if is_correct:
                correct.append(option_id)
        return options, correct

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        options, correct = settings.get("options") or [], key.get("correct") or []
        return [f"{len(options)} options, {len(correct)} correct"]

    def grading_view(self, response, settings, key, sources):
        selected, correct = set(response.get("selected") or []), set(key.get("correct") or [])
        return {
            "options": [
                (option["text"], option["id"] in selected, option["id"] in correct)
                for option in settings.get("options") or []
            ]
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    def volume_settings(self, rng, words):
        return {
            "options": [{"id": c, "text": words(2, 5)} for c in "abcd"],
            "multiple": rng.random() < 0.5,
        }

    def volume_key(self, rng, settings, sources):
        ids = [o["id"] for o in settings["options"]]
        count = rng.randint(1, 2) if settings["multiple"] else 1
        return {"correct": rng.sample(ids, count)}

    def volume_response(self, rng, words, settings, sources):
        ids = [o["id"] for o in settings["options"]]
        count = rng.randint(1, 2) if settings["multiple"] else 1
        return {"selected": sorted(rng.sample(ids, count))}

    # Analytics: how often each option was chosen, and the most chosen wrong one.

    analytics_grouped = ("selected",)
    unanswered_phrase = "no option chosen"

    def analytics(self, question, sources, counted):
        counts = Counter()
        answered = 0
        for row in counted.rows:
            selected = row["response__selected"] or []
            if selected:
                answered += row["n"]
            for option_id in selected:
                counts[str(option_id)] += row["n"]
        correct = {str(c) for c in (question.key or {}).get("correct") or []}
        bars = []
        for position, option in enumerate(question.settings.get("options") or []):
            letter = chr(ord("A") + position)
            option_id = str(option["id"])
            bars.append(
                Bar(
                    f"{letter}. {option['text']}",
                    counts.get(option_id, 0),
                    answered,
                    key=option_id in correct,
                    detail=option["text"],
                )
            )
        most_chosen_wrong = []
        wrong = [bar for bar in bars if not bar.key and bar.count]
        if correct and wrong:
            most = max(bar.count for bar in wrong)
            most_chosen_wrong = [bar for bar in wrong if bar.count == most]
            for bar in most_chosen_wrong:
                bar.flagged = True
        return {
            "unanswered": counted.answers - answered,
            "most_chosen_wrong": most_chosen_wrong,
            "chart": BarChart(f"{counted.slug}-options", "Options chosen by the class", bars),
        }

    # The demo class (exercises/demo.py): the kind's questions in the demo assignment and a
    # pupil's answer to one of them (`rng` a seeded random.Random: the same on every load).

    demo_questions = DEMO_QUESTIONS

    def demo_response(self, rng, question, sources):
        selected = ["duranty"] + (["zinoviev"] if rng.random() < 0.6 else [])
        if rng.random() < 0.3:
            selected.append("trotsky")
        return {"selected": selected}


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
            self.fields["selected"] = choice_field(
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


Choice.answer_form = ChoiceAnswerForm
