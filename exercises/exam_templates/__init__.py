"""Exam-board question templates: the question types of the exams history classes sit.

A template gives a new question its kind, the stem of its prompt (with [brackets] where
the teacher names the enquiry, sources or interpretations), its marks, a suggested time and
a levels-of-response rubric with its mark bands. `services.exam_templates` builds the
question from one.

The level descriptors are ours, written to describe what each level rewards; the boards'
own wording is licensed to their centres, so each template links to the public page where
the board publishes its specification and mark schemes, for the teacher to compare. The
suggested times are ours too (roughly the exam's time per mark), never the board's rule.

The data is in `catalogue.py`; this module holds its shapes and the look-ups.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Board:
    """An exam board's qualification, and the public page of its specification."""

    slug: str
    name: str
    url: str
    also: tuple = ()  # (label, url) of further public pages, e.g. sibling courses


@dataclass(frozen=True)
class Band:
    """A level of response: its name, what it rewards, its marks from `low` to `high`."""

    name: str
    descriptor: str
    low: int
    high: int


@dataclass(frozen=True)
class Criterion:
    name: str
    description: str
    bands: tuple


@dataclass(frozen=True)
class ExamTemplate:
    """One question type of an exam, ready to become a question and its rubric."""

    slug: str
    board: Board
    title: str  # as the template list shows it, e.g. "Paper 3, 3(a): utility of two sources"
    kind: str  # a registered question kind (exercises.kinds)
    prompt: str
    marks: int
    minutes: int  # suggested time
    criteria: tuple
    settings: dict = field(default_factory=dict)
    note: str = ""  # what the teacher should know, e.g. which sources to choose

    @property
    def rubric_name(self):
        return f"{self.board.name}: {self.title}"

    @property
    def rubric_maximum(self):
        """The most the rubric gives: the top of each criterion's highest band."""
        return sum((Decimal(max(b.high for b in c.bands)) for c in self.criteria), Decimal(0))


def all_templates():
    from .catalogue import TEMPLATES

    return TEMPLATES


def template_named(slug):
    """The template called `slug`, or None."""
    return next((t for t in all_templates() if t.slug == slug), None)


def by_board():
    """[(board, [templates])] in the catalogue's order."""
    groups = {}
    for template in all_templates():
        groups.setdefault(template.board, []).append(template)
    return list(groups.items())
