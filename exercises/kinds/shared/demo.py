"""What the kinds' demo questions share (exercises/demo.py loads them; see QuestionKind.demo_*).

The demo assignment is about the Moscow trial of August 1936, from the Great Purge source
pack: a question names its sources by their numbers in the pack.
"""

from dataclasses import dataclass


@dataclass
class DemoQuestion:
    """One question of the demo assignment, as its kind writes it."""

    source_numbers: list
    points: int
    prompt: str
    settings: dict
    key: object  # in the kind's demo words (source numbers, quotes): see demo_key
    model_answer: str
    # The historical-thinking skill it shows (a value of exercises.models.Skill), for the
    # markbook; questions marked with a rubric show theirs through its criteria.
    skill: str = ""
    # The demo assignment it belongs to: "" for the first (ASSIGNMENT_TITLE in
    # exercises/demo.py), EXAM_PRACTICE for the second.
    assignment: str = ""


EXAM_PRACTICE = "Exam practice: the Moscow trials"


TRIAL_ENQUIRY = "The Moscow trial of August 1936: were the defendants' confessions true?"

# What pupils of the handed-in demo class wrote about a source, by its number.
JUSTIFICATIONS = {
    10: [
        "Duranty was in Moscow and saw the trial himself, so he is a good witness.",
        "He was the New York Times correspondent and won a Pulitzer Prize, so he is reliable.",
        "Duranty wrote in 1935, before the trial, and needed the regime's goodwill to stay "
        "in Moscow, so he is weak evidence of what happened in court.",
    ],
    8: [
        "Trotsky was the accused, so of course he says it was a frame-up.",
        "Trotsky was in exile in Mexico and could not see the trial.",
        "Trotsky knew the defendants for decades, which makes his doubts worth weighing, "
        "but he had every reason to deny the plot.",
    ],
}


def find_passages(source, quotes):
    """The ranges of `quotes` in the source's text; raises if one is missing."""
    ranges = []
    for quote in quotes:
        start = source.text.find(quote)
        if start == -1:
            raise ValueError(f"Source {source.number} does not contain {quote!r}.")
        ranges.append({"start": start, "end": start + len(quote)})
    return ranges
