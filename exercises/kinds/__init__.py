"""The kinds of source-criticism question: the registry, the only list of kinds.

Each kind lives in its own module (rating.py, comparison.py, ...), built on the protocol in
base.py; the helpers they share (cleaning text, ranges of marked passages, the answer
forms' base, charts) live in shared/, which is not a kind. Adding a kind means a module
here and one line in KINDS below (see docs/architecture.md, "How to add a question kind").
"""

from .base import QuestionKind
from .choice import MAX_OPTIONS, Choice
from .comparison import Comparison
from .grouping import Grouping
from .highlight import Highlight
from .image_regions import ImageRegions
from .interpretation import Interpretation
from .matrix import VERDICTS, Matrix
from .opvl import OPVL
from .rating import DEFAULT_RATING_LABELS, Rating
from .sequence import Sequence
from .shared.ranges import (
    MAX_RANGES,
    clean_ranges,
    covers,
    merge_ranges,
    overlap_f1,
    reanchor,
    sentences,
    toggle_range,
    unmark_range,
)
from .shared.text import MAX_TEXT_LENGTH, clean_text
from .written import Written

KINDS = {
    kind.name: kind
    for kind in (
        Rating(),
        Comparison(),
        OPVL(),
        Highlight(),
        Matrix(),
        Choice(),
        Written(),
        Sequence(),
        Grouping(),
        Interpretation(),
        ImageRegions(),
    )
}


class UnknownKind(KeyError):
    """A question names a kind that is not registered (a KeyError, as before the registry)."""


def kind_named(name):
    """The registered kind called `name`; raises UnknownKind rather than guessing one."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"No question kind is registered as {name!r}.") from None


__all__ = [
    "DEFAULT_RATING_LABELS",
    "KINDS",
    "MAX_OPTIONS",
    "MAX_RANGES",
    "MAX_TEXT_LENGTH",
    "OPVL",
    "VERDICTS",
    "Choice",
    "Comparison",
    "Grouping",
    "Highlight",
    "ImageRegions",
    "Interpretation",
    "Matrix",
    "QuestionKind",
    "Rating",
    "UnknownKind",
    "Written",
    "clean_ranges",
    "clean_text",
    "covers",
    "kind_named",
    "merge_ranges",
    "overlap_f1",
    "reanchor",
    "sentences",
    "toggle_range",
    "unmark_range",
]
