"""The image regions kind: cells of a grid over a visual source, scored by their overlap (F1)
with the key's, the key written as cells or rectangles of cells, and only visual sources."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exercises.kinds import KINDS
from exercises.kinds.image_regions import cells_of_regions
from tests import factories

REGIONS = KINDS["image_regions"]
SETTINGS = {"rows": 6, "columns": 8, "instruction": ""}
KEY = {"cells": ["B2", "C2", "B3", "C3"]}


def score(cells, points=4):
    return REGIONS.score({"cells": cells}, SETTINGS, KEY, points, [])


def test_marking_the_key_earns_everything_and_marking_elsewhere_nothing():
    assert score(KEY["cells"]) == Decimal("4.00")
    assert score(["H6"]) == Decimal("0.00")


def test_marking_the_whole_image_earns_little():
    every_cell = [f"{c}{r}" for r in range(1, 7) for c in "ABCDEFGH"]
    assert score(every_cell) < Decimal("1.00")


def test_half_the_key_marked_earns_two_thirds_by_f1():
    assert score(["B2", "C2"]) == Decimal("2.67")  # precision 1, recall 1/2


def test_a_key_rectangle_covers_every_cell_between_its_corners():
    assert cells_of_regions("B2:C3, H6", SETTINGS) == {"B2", "C2", "B3", "C3", "H6"}
    with pytest.raises(ValidationError, match="beyond the grid"):
        cells_of_regions("A1:A9", SETTINGS)


def test_a_cell_off_the_grid_is_refused():
    with pytest.raises(ValidationError, match="not on the grid"):
        REGIONS.clean_response({"cells": ["Z9"]}, SETTINGS, [])


@pytest.mark.django_db
def test_only_a_visual_source_can_be_marked():
    with pytest.raises(ValidationError, match="visual source"):
        REGIONS.check_sources([factories.SourceFactory()])
    REGIONS.check_sources([factories.SourceFactory(visual=True)])
