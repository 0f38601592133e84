"""The interpretation kind: "How far do you agree with Interpretation 2 about ...?"

The question's first source that is a historian's interpretation (`Source.is_interpretation`;
else its first source) is the view to weigh; its other sources are the evidence a student may
cite. The student places themselves on a five-point agreement scale, ticks the sources they
use as evidence, and writes their argument. Marked by levels (the question's rubric) by the
teacher, never scored automatically: where a student stands is not right or wrong, how well
they argue it is.

Plain radio buttons, checkboxes and a text box: keyboard and touch work without a script.
"""

from django import forms
from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm, choice_field, text_field
from .shared.charts import Bar, BarChart
from .shared.demo import EXAM_PRACTICE, DemoQuestion
from .shared.text import as_mapping, clean_min_length, clean_text, min_length_reason

AGREEMENT = [
    "Disagree entirely",
    "Mostly disagree",
    "Agree in part",
    "Mostly agree",
    "Agree entirely",
]


# The kind's question in the exam practice demo assignment (exercises/demo.py): Deutscher
# (16, marked as an interpretation in the pack) weighed against sources from the trial.
DEMO_QUESTIONS = [
    DemoQuestion(
        [16, 4, 7, 8],
        8,  # the historical-thinking rubric's total
        "How far do you agree with Interpretation 16 (Isaac Deutscher, 1949) that Stalin set "
        "out to reduce the men of the opposition to a state in which they could not think "
        "or form views of their own? Place yourself on the scale, tick the sources you use, "
        "and explain your answer using Sources 4, 7 and 8.",
        {"min_length": 300},
        {},
        "A strong answer treats Deutscher as a historian writing with hindsight, not a "
        "witness. Zinoviev's confession (4), 'fully and utterly guilty', is what a broken "
        "man might say, but it does not show how he came to say it. The New Statesman (7) "
        "asks why guilty men would 'cringe and crawl', the question Deutscher's view "
        "answers; Trotsky (8) calls the trial a frame-up, but he was the absent chief "
        "accused. Agreeing in part or mostly is defensible; the judgement must rest on the "
        "sources, not only on the interpretation.",
        assignment=EXAM_PRACTICE,
    ),
]

# What the demo class argued: from a weighed argument to an assertion.
DEMO_ANSWERS = [
    "I mostly agree with Deutscher, but his evidence is about prisons and places of exile, "
    "not the courtroom. Zinoviev calls himself 'fully and utterly guilty' and 'the "
    "principal organizer of Kirov's assassination', which fits a man who had been broken. "
    "The New Statesman in September 1936 could not explain why guilty men would 'cringe "
    "and crawl' instead of defending their plot, and Deutscher's view answers that "
    "question. But Deutscher wrote in 1949 with hindsight, and Trotsky (Source 8), who asks "
    "'Who can believe such accusations?', was the absent chief accused with every reason "
    "to deny them, so I would not rest the case on him alone.",
    "Zinoviev says he is fully and utterly guilty, which sounds like a man who has been "
    "broken, as Deutscher says. The New Statesman also wonders why they would crawl.",
    "I partly agree. Trotsky says it was a frame-up but he was accused himself, so he "
    "would say that. Deutscher was a historian so he knew more later.",
    "I agree because Stalin was a dictator and killed lots of people, so they had no choice.",
]


def split_sources(sources):
    """(the interpretation, the evidence sources) of a question's sources, in their order."""
    sources = list(sources)
    if not sources:
        return None, []
    view = next((s for s in sources if s.is_interpretation), sources[0])
    return view, [s for s in sources if s is not view]


class Interpretation(QuestionKind):
    """A historian's interpretation to weigh: agreement, sources cited, an argument; marked
    by levels."""

    name = "interpretation"
    min_sources = 1
    stylesheet = "css/kinds/interpretation.css"
    text_fields = {"text": "Your answer"}

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        return {"min_length": clean_min_length(settings, "min_length")}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        agreement = data.get("agreement")
        if agreement in (None, ""):
            agreement = None
        elif str(agreement) not in {str(n) for n in range(1, len(AGREEMENT) + 1)}:
            raise ValidationError("Choose a place on the agreement scale.")
        else:
            agreement = int(agreement)
        _, evidence = split_sources(sources)
        allowed = {str(s.pk) for s in evidence}
        cited = data.get("cited") or []
        if not isinstance(cited, list) or any(str(c) not in allowed for c in cited):
            raise ValidationError("Cite only the sources listed with the question.")
        order = [str(s.pk) for s in evidence]
        return {
            "agreement": agreement,
            "cited": [i for i in order if i in {str(c) for c in cited}],
            "text": clean_text(data.get("text"), "Your answer"),
        }

    def is_answered(self, response):
        response = response or {}
        return bool(response.get("agreement") or (response.get("text") or "").strip())

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        if not response.get("agreement"):
            return "no place on the agreement scale"
        if not (response.get("text") or "").strip():
            return "no argument written"
        if not response.get("cited") and len(list(sources or ())) > 1:
            return "no sources cited as evidence"
        return min_length_reason(response.get("text"), settings, "the answer")

    def _view(self, response, sources):
        view, evidence = split_sources(sources)
        cited = set((response or {}).get("cited") or [])
        agreement = (response or {}).get("agreement")
        return {
            "interpretation": view.label if view else "",
            "agreement": AGREEMENT[agreement - 1] if agreement else "",
            "cited": [s.label for s in evidence if str(s.pk) in cited],
            "text": (response or {}).get("text", ""),
        }

    def answer_view(self, response, settings, key, sources):
        return {"interpretation": self._view(response, sources)}

    # Authoring: only a minimum length; the interpretation and evidence are its sources.

    authoring_fields = ["min_length"]
    settings_field = "min_length"

    def authoring_initial(self, settings, key, sources):
        return {"min_length": (settings or {}).get("min_length", 0)}

    def authoring_settings(self, data, instance):
        return {"min_length": data.get("min_length") or 0}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return ["agreement scale, sources cited, argument; marked by levels"]

    def grading_view(self, response, settings, key, sources):
        return self._view(response, sources)

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 3

    def volume_settings(self, rng, words):
        return {"min_length": 0}

    def volume_response(self, rng, words, settings, sources):
        _, evidence = split_sources(sources)
        cited = [str(s.pk) for s in evidence if rng.random() < 0.6] or [str(evidence[0].pk)]
        return {"agreement": rng.randint(1, 5), "cited": cited, "text": words(40, 200)}

    # The demo class (exercises/demo.py): the kind's question in the exam practice assignment.

    demo_rubric = "historical thinking"
    demo_questions = DEMO_QUESTIONS

    def demo_response(self, rng, question, sources):
        _, evidence = split_sources(sources)
        cited = [str(s.pk) for s in evidence if rng.random() < 0.6]
        return {"agreement": rng.randint(2, 5), "cited": cited, "text": rng.choice(DEMO_ANSWERS)}

    # Analytics: where the class stands on the scale and which sources it cited.

    analytics_fetches_answers = True
    featurable = True

    def featured_parts(self, response, settings, sources_by_id):
        agreement = response.get("agreement")
        return [
            ("Agreement", AGREEMENT[agreement - 1] if agreement else "none"),
            ("Answer", response.get("text", "")),
        ]

    def analytics(self, question, sources, counted):
        answered = [r for r in counted.responses if self.is_answered(r)]
        panel = {"unanswered": counted.answers - len(answered)}
        if not answered:
            return panel
        panel["agreement"] = BarChart(
            f"{counted.slug}-agreement",
            "Where the class stands",
            [
                Bar(label, sum(1 for r in answered if r.get("agreement") == n), len(answered))
                for n, label in enumerate(AGREEMENT, start=1)
            ],
        )
        _, evidence = split_sources(sources)
        if evidence:
            panel["cited"] = BarChart(
                f"{counted.slug}-cited",
                "Answers citing each source",
                [
                    Bar(
                        source.label,
                        sum(1 for r in answered if str(source.pk) in (r.get("cited") or [])),
                        len(answered),
                    )
                    for source in evidence
                ],
            )
        return panel


class InterpretationAnswerForm(AnswerForm):
    """The agreement (radio, 1-5), the sources cited (checkboxes) and the argument."""

    def add_answer_fields(self):
        _, evidence = split_sources(self.sources)
        self.fields["agreement"] = choice_field(
            "How far do you agree?",
            [(str(n), label) for n, label in enumerate(AGREEMENT, start=1)],
            message="Choose a place on the agreement scale.",
        )
        self.fields["cited"] = forms.MultipleChoiceField(
            label="Sources you use as evidence",
            choices=[(str(s.pk), s.label) for s in evidence],
            required=False,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            error_messages={"invalid_choice": "Cite only the sources listed with the question."},
        )
        minimum = self.question.settings.get("min_length") or 0
        self.fields["text"] = text_field(
            "Your argument",
            rows=10,
            help_text=f"At least {minimum} characters." if minimum else "",
        )

    def initial_from(self, response):
        agreement = response.get("agreement")
        return {
            "agreement": str(agreement) if agreement else "",
            "cited": list(response.get("cited") or []),
            "text": response.get("text", ""),
        }

    def raw_response(self, data):
        return {
            "agreement": data.get("agreement"),
            "cited": list(data.get("cited") or []),
            "text": data.get("text"),
        }

    def interpretation(self):
        return split_sources(self.sources)[0]


Interpretation.answer_form = InterpretationAnswerForm
