"""The written kind: its rules and scoring."""

from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm, text_field
from .shared.demo import DemoQuestion
from .shared.text import as_mapping, clean_min_length, min_length_reason

# What the demo class wrote or marked (exercises/demo.py).
DEMO_ANSWERS = [
    "The Observer and the New Republic believed the confessions because the defendants' "
    "stories agreed, but the New Statesman asked why guilty men would cringe and crawl. "
    "Being in the courtroom let journalists report the trial, not judge what had happened "
    "in the interrogations before it.",
    "Sources 5 and 6 support the view because journalists were there and saw the "
    "confessions. Source 7 is less sure.",
    "I agree because the journalists saw it with their own eyes.",
]

# The kind's questions in the demo assignment (exercises/demo.py).
DEMO_QUESTIONS = [
    DemoQuestion(
        [5, 6, 7],
        8,  # the historical-thinking rubric's total
        "'Journalists who watched the trial were in the best position to judge whether "
        "the confessions were true.' How far do Sources 5, 6 and 7 support this view? "
        "Use what you know about the trials, and about who the writers were.",
        {"length": "extended", "min_length": 400},
        {},
        "A strong answer notices that the Observer and the New Republic relied on "
        "correspondents in the courtroom who found the stories consistent and saw no sign "
        "of coaching, while the New Statesman, further away, asked the better question: "
        "why would guilty men confess and beg for death? Being present gave access to "
        "what the court showed, not to the interrogations behind it (threats to families, "
        "sleeplessness, as the narrative describes). So presence helped the journalists "
        "report the trial but not judge it; later evidence (Khrushchev, 1956) sided with "
        "the doubters.",
    ),
]


class Written(QuestionKind):
    """A short or extended written answer, graded by the teacher."""

    name = "written"
    stylesheet = "css/kinds/written.css"
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

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.

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

    # The demo class (exercises/demo.py): the kind's questions in the demo assignment and a
    # pupil's answer to one of them (`rng` a seeded random.Random: the same on every load).

    demo_rubric = "historical thinking"

    demo_questions = DEMO_QUESTIONS

    def demo_response(self, rng, question, sources):
        return {"text": rng.choice(DEMO_ANSWERS)}


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
