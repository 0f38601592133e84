"""The opvl kind: its rules and scoring."""

from .base import QuestionKind
from .shared.answer_form import AnswerForm, text_field
from .shared.demo import DemoQuestion
from .shared.text import as_mapping, clean_text

# What the demo class wrote or marked (exercises/demo.py).
DEMO_ANSWERS = [
    {
        "origin": "Alexander Orlov, an NKVD officer who escaped to the United States.",
        "purpose": "To expose Stalin after he defected.",
        "value": "As an NKVD officer he could know how the case against Zinoviev was built.",
        "limitation": "He defected and may want to blacken Stalin to be believed in America.",
    },
    {
        "origin": "An NKVD officer.",
        "purpose": "To tell the truth.",
        "value": "He was there.",
        "limitation": "It is biased.",
    },
]

# The kind's questions in the demo assignment (exercises/demo.py).
DEMO_QUESTIONS = [
    DemoQuestion(
        [2],
        8,
        "Analyse Source 2 (Alexander Orlov) using origin, purpose, value and limitation.",
        {"enquiry": "Why was Kirov murdered, and why were the old Bolsheviks put on trial?"},
        {},
        "Origin: Alexander Orlov, an officer of the NKVD (Stalin's secret police) who fled "
        "to the United States in 1938 and wrote about the purges from there. Purpose: to "
        "reveal to a Western public how the trials were prepared, and perhaps to make "
        "himself valuable, and safe, in his new country. Value: an insider who worked in "
        "the organisation that ran the investigations; his claim that Stalin planned "
        "Kirov's murder to destroy Lenin's old comrades explains why the 1936 defendants "
        "were accused of it. Limitation: he gives no evidence here, he wrote after "
        "defecting and had reasons to blacken Stalin, and he does not say how he knew "
        "Stalin's mind; historians still disagree about Stalin's part in the murder.",
    ),
]


class OPVL(QuestionKind):
    """Origin, purpose, value and limitation of one source, for a stated enquiry."""

    name = "opvl"
    stylesheet = "css/kinds/opvl.css"
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

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.

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

    # The demo class (exercises/demo.py): the kind's questions in the demo assignment and a
    # pupil's answer to one of them (`rng` a seeded random.Random: the same on every load).

    demo_rubric = "opvl"

    demo_questions = DEMO_QUESTIONS

    def demo_response(self, rng, question, sources):
        return rng.choice(DEMO_ANSWERS)


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


# The demo's rubric for the kind's questions (exercises/demo_rubrics.py loads it): a
# criterion per part of the answer, named as the kind names them.
OPVL_PARTS = OPVL.text_fields

OPVL.demo_rubric_spec = {
    "name": "OPVL: origin, purpose, value, limitation",
    "description": (
        "The school's own OPVL task, out of 8: not an exam board's mark scheme (the IB's "
        "Paper 1 question on a source's value and limitations is worth 4, marked as a "
        "whole). Value and limitation must follow from origin and purpose, for the enquiry "
        "the question states, not from “it is biased” alone."
    ),
    "criteria": [
        (
            OPVL_PARTS["origin"],
            "Author, date, type of source, place.",
            [
                ("Missing", "The origin is not given, or is wrong.", 0, 0),
                (
                    "Identified",
                    "Author, date and type of source, with who the author was and what that "
                    "position let them know.",
                    1,
                    1,
                ),
            ],
        ),
        (
            OPVL_PARTS["purpose"],
            "Why the source was made, and for what audience.",
            [
                ("Missing", "The purpose is not given, or only “to inform”.", 0, 0),
                (
                    "Identified",
                    "The purpose and the audience, and what the author wanted them to believe.",
                    1,
                    1,
                ),
            ],
        ),
        (
            OPVL_PARTS["value"],
            "What the source is valuable for, given its origin and purpose.",
            [
                ("Missing or generic", "No value, or only “it is a primary source”.", 0, 0),
                (
                    "Asserted",
                    "A value for the enquiry is stated but not drawn from the origin or purpose.",
                    1,
                    1,
                ),
                (
                    "Explained",
                    "The value is explained from the origin and purpose, for the enquiry stated.",
                    2,
                    3,
                ),
            ],
        ),
        (
            OPVL_PARTS["limitation"],
            "What limits the source as evidence, given its origin and purpose.",
            [
                ("Missing or generic", "No limitation, or only “it is biased”.", 0, 0),
                (
                    "Asserted",
                    "A limitation is stated but not drawn from the origin or purpose.",
                    1,
                    1,
                ),
                (
                    "Explained",
                    "The limitation is explained from the origin and purpose, for the enquiry "
                    "stated.",
                    2,
                    3,
                ),
            ],
        ),
    ],
}
