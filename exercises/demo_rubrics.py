"""The demo rubrics, in the words history teachers already use (see the pedagogy notes):
historical thinking, here, and any kind's own (its `demo_rubric_spec`).

`load_rubrics()` creates them once: it looks each rubric, criterion and level up by name, so
loading again changes nothing, and a teacher's later edits to the demo rubrics are kept. The
level descriptors describe the skill, never a particular source: the same rubric marks answers
about any source. Loading again replaces the demo's former, source-specific wordings.
"""

from decimal import Decimal

from django.db import transaction

from .kinds import KINDS
from .models import Criterion, Level, Rubric, Skill

# (name, descriptor, min, max) per level; the grader picks a level, then a mark in its band.
BASIC_EMERGENT_PROFICIENT = ("Basic", "Emergent", "Proficient")

HISTORICAL_THINKING = {
    "name": "Reading like a historian (sourcing, context, corroboration, close reading)",
    "description": (
        "The four habits of reading a document, scored 0–2 each as in the Stanford History "
        "Education Group's short assessments: basic, emergent, proficient."
    ),
    "criteria": [
        (
            "Sourcing",
            "Who made it, when, for whom and why; what the author's position lets them know "
            "and makes them want to say.",
            [
                "Does not use who made the source, when or why, or only restates the attribution.",
                "Identifies the author's position or purpose but does not say how it bears "
                "on reliability for the enquiry.",
                "Explains how the author's position shapes what they could know and wanted to "
                "say, and judges reliability for this enquiry.",
            ],
        ),
        (
            "Contextualization",
            "What was happening when and where the source was made, and how that shapes it.",
            [
                "No use of the circumstances in which the source was made, or context that "
                "is wrong or beside the point.",
                "Mentions relevant context without linking it to what the source says.",
                "Uses the circumstances of the source's making to explain what it says and why.",
            ],
        ),
        (
            "Corroboration",
            "What other documents say; where they agree and disagree, and which to trust.",
            [
                "Treats the source alone, or lists other sources without comparing them.",
                "Notes where another source agrees or disagrees.",
                "Weighs the sources against each other and explains which is more reliable on "
                "this point, and why.",
            ],
        ),
        (
            "Close reading",
            "The author's claims and evidence, and the words chosen to persuade.",
            [
                "Paraphrases the source, or quotes it without comment.",
                "Picks out claims or loaded words without explaining their effect.",
                "Explains how the words, evidence and tone chosen reveal the author's stance "
                "and aim to persuade.",
            ],
        ),
    ],
}

# Descriptors the demo once shipped, which named particular sources (Duranty, Campbell,
# Orlov...) while a pupil may be analysing another: loading the demo again replaces them
# with the generic wording above. A descriptor a teacher has reworded is not among them.
FORMER_DESCRIPTORS = {
    (
        "Does not use who made the source, when or why, or only restates the attribution "
        "(“Duranty wrote it”)."
    ),
    (
        "Identifies the author's position or purpose (“Trotsky wrote from exile”) but does not "
        "say how it bears on reliability for the enquiry."
    ),
    (
        "Explains how the author's position shapes what they could know and wanted to say, and "
        "judges reliability for this enquiry (Duranty's seat in the courtroom against his "
        "closeness to the regime)."
    ),
    "No use of the circumstances of 1936–38, or context that is wrong or beside the point.",
    (
        "Mentions relevant context (the show trials, exile, the 1956 congress) without linking "
        "it to what the source says."
    ),
    (
        "Uses the circumstances of the source's making to explain what it says and why "
        "(Khrushchev speaking in 1956 to a party he now led)."
    ),
    (
        "Weighs the sources against each other and explains which is more reliable on this "
        "point, and why (Page Arnot in 1937 against Khrushchev in 1956)."
    ),
    (
        "Picks out claims or loaded words (“nest of wreckers and spies”) without explaining "
        "their effect."
    ),
    (
        "Author, date and type of source, with who the author was (Orlov, an NKVD officer who "
        "defected to the United States)."
    ),
    (
        "The purpose and the audience, and what the author wanted them to believe (Campbell "
        "writing for British Communist readers)."
    ),
    (
        "The value is explained from the origin and purpose, for the enquiry stated (Duranty: "
        "valuable evidence of how the trial was reported abroad)."
    ),
    (
        "The limitation is explained from the origin and purpose, for the enquiry stated "
        "(Khazina wrote decades later, from memory, as a victim's widow)."
    ),
}


# Rubric descriptions the demo once shipped: loading again replaces them (not a teacher's own).
FORMER_DESCRIPTIONS = {
    (
        "As in the IB history source paper, out of 8. Value and limitation must follow from "
        "origin and purpose, for the enquiry the question states, not from “it is biased” "
        "alone."
    ),
}

# The skill each criterion shows. Origin, purpose, value and limitation all judge a source
# from who made it, when and why: sourcing.
CRITERION_SKILLS = {
    "Sourcing": Skill.SOURCING,
    "Contextualization": Skill.CONTEXTUALIZATION,
    "Corroboration": Skill.CORROBORATION,
    "Close reading": Skill.CLOSE_READING,
    "Origin": Skill.SOURCING,
    "Purpose": Skill.SOURCING,
    "Value": Skill.SOURCING,
    "Limitation": Skill.SOURCING,
}


def _levels(levels):
    """Levels as (name, descriptor, min, max); bare descriptors are basic/emergent/proficient
    worth 0, 1 and 2."""
    for position, level in enumerate(levels):
        if isinstance(level, str):
            yield BASIC_EMERGENT_PROFICIENT[position], level, position, position
        else:
            yield level


def _load(spec):
    rubric, _ = Rubric.objects.get_or_create(
        name=spec["name"], defaults={"description": spec["description"]}
    )
    if rubric.description in FORMER_DESCRIPTIONS:
        rubric.description = spec["description"]
        rubric.save(update_fields=["description"])
    for order, (name, description, levels) in enumerate(spec["criteria"]):
        criterion, _ = Criterion.objects.get_or_create(
            rubric=rubric, name=name, defaults={"order": order, "description": description}
        )
        if not criterion.skill:  # tagged once; a teacher's own tag is kept
            criterion.skill = CRITERION_SKILLS.get(name, "")
            criterion.save(update_fields=["skill"])
        for level_order, (level_name, descriptor, low, high) in enumerate(_levels(levels)):
            level, created = Level.objects.get_or_create(
                criterion=criterion,
                name=level_name,
                defaults={
                    "order": level_order,
                    "descriptor": descriptor,
                    "min_points": Decimal(low),
                    "max_points": Decimal(high),
                },
            )
            if not created and level.descriptor in FORMER_DESCRIPTORS:
                level.descriptor = descriptor
                level.save(update_fields=["descriptor"])
    return rubric


@transaction.atomic
def load_rubrics():
    """Create the demo rubrics (if missing) and return them: historical thinking first, then
    each kind's own in the registry's order."""
    return [_load(HISTORICAL_THINKING), *(_load(kind.demo_rubric_spec) for kind in _owners())]


def _owners():
    return [kind for kind in KINDS.values() if kind.demo_rubric_spec]


def rubrics_by_key():
    """The demo rubrics by the key a kind names in its `demo_rubric` (a kind's own rubric by
    the kind's name)."""
    historical_thinking, *own = load_rubrics()
    return {
        "historical thinking": historical_thinking,
        **{kind.name: rubric for kind, rubric in zip(_owners(), own, strict=True)},
    }
