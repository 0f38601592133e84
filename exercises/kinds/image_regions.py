"""The image regions kind: mark the parts of a visual source (a cartoon, a poster, a
photograph) that answer the question, e.g. "Mark the details the cartoonist uses to show the
accused as puppets".

The image is divided into a labelled grid of cells (columns A, B, ... left to right; rows 1,
2, ... top to bottom). A student marks regions by dragging rectangles across the image with a
mouse or a finger (static/js/kinds/image_regions.js), which ticks every cell a rectangle
covers, or by ticking the cells themselves: a checkbox each, so the keyboard and a page
without JavaScript do the same. The answer and the key are sets of cells; scored like
highlight, by the F1 of the cells marked against the key's (precision and recall), so marking
the whole image earns little and missing half of the key costs half.
"""

import re
from decimal import Decimal
from string import ascii_uppercase

from django import forms
from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm
from .shared.charts import Bar, BarChart
from .shared.text import as_mapping, clean_int, clean_text, to_points

DEFAULT_ROWS, DEFAULT_COLUMNS = 6, 8
MIN_SIDE, MAX_SIDE = 2, 12
# A region in the key's lines: one cell ("B3") or a rectangle of cells ("B3:D4").
REGION = re.compile(r"^([A-L])(\d{1,2})(?::([A-L])(\d{1,2}))?$")


def cell_name(row, column):
    """ "B3": column letter, row number (both counted from 1)."""
    return f"{ascii_uppercase[column - 1]}{row}"


def all_cells(settings):
    rows = (settings or {}).get("rows") or DEFAULT_ROWS
    columns = (settings or {}).get("columns") or DEFAULT_COLUMNS
    return [cell_name(r, c) for r in range(1, rows + 1) for c in range(1, columns + 1)]


def cells_f1(marked, wanted):
    """F1 of the cells marked against the key's (0.0 to 1.0), as highlight scores passages."""
    marked, wanted = set(marked), set(wanted)
    common = len(marked & wanted)
    if not common:
        return 0.0
    precision, recall = common / len(marked), common / len(wanted)
    return 2 * precision * recall / (precision + recall)


def cells_of_regions(text, settings):
    """The cells of the key's regions, written "B3" or "B3:D4", separated by commas or lines;
    raises ValidationError naming each region that is not on the grid."""
    grid = set(all_cells(settings))
    cells, errors = set(), []
    for region in re.split(r"[,\n;]+", (text or "").upper()):
        region = region.strip().replace(" ", "")
        if not region:
            continue
        match = REGION.match(region)
        if not match:
            errors.append(f"“{region}”: write a cell as “B3” or a rectangle as “B3:D4”.")
            continue
        col1, row1 = ascii_uppercase.index(match.group(1)) + 1, int(match.group(2))
        col2 = ascii_uppercase.index(match.group(3)) + 1 if match.group(3) else col1
        row2 = int(match.group(4)) if match.group(4) else row1
        region_cells = {
            cell_name(r, c)
            for r in range(min(row1, row2), max(row1, row2) + 1)
            for c in range(min(col1, col2), max(col1, col2) + 1)
        }
        if not region_cells <= grid:
            errors.append(f"“{region}” goes beyond the grid ({sorted(grid)[0]} to the last cell).")
            continue
        cells |= region_cells
    if errors:
        raise ValidationError(errors)
    return cells


class ImageRegions(QuestionKind):
    """Regions of one visual source marked on a grid; scored by overlap with the key's."""

    name = "image_regions"
    short_name = "image regions"
    objective = True
    min_sources = max_sources = 1
    needs_image = True
    script = "js/kinds/image_regions.js"
    stylesheet = "css/kinds/image_regions.css"
    builder_template = "exercises/kinds/image_regions/builder_key.html"
    builder_script = "js/kinds/image_regions-builder.js"

    def check_sources(self, sources):
        super().check_sources(sources)
        if not all(source.is_visual for source in sources):
            raise ValidationError("Marking regions needs a visual source (one with an image).")

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        sides = {}
        for side, default in (("rows", DEFAULT_ROWS), ("columns", DEFAULT_COLUMNS)):
            value = clean_int(settings.get(side) or default, f"The grid's {side}")
            if not MIN_SIDE <= value <= MAX_SIDE:
                raise ValidationError(f"The grid needs {MIN_SIDE} to {MAX_SIDE} {side}.")
            sides[side] = value
        instruction = clean_text(settings.get("instruction"), "The instruction")
        return {**sides, "instruction": instruction}

    def _clean_cells(self, cells, settings, label):
        if cells in (None, ""):
            return []
        grid = all_cells(settings)
        if not isinstance(cells, list) or any(str(c) not in grid for c in cells):
            raise ValidationError(f"{label} names a cell that is not on the grid.")
        chosen = {str(c) for c in cells}
        return [cell for cell in grid if cell in chosen]  # in reading order, once each

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        cells = self._clean_cells(key.get("cells"), settings, "The key")
        if not cells:
            raise ValidationError("The key needs at least one region of the image.")
        return {"cells": cells}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        return {"cells": self._clean_cells(data.get("cells"), settings, "Your answer")}

    def score(self, response, settings, key, points, sources):
        wanted = (key or {}).get("cells") or []
        if not wanted:
            return None
        f1 = cells_f1((response or {}).get("cells") or [], wanted)
        return to_points(Decimal(str(points)) * Decimal(str(f1)))

    def is_answered(self, response):
        return bool((response or {}).get("cells"))

    def grid(self, settings, marked=(), key=()):
        """The grid's rows of cells, each with its name and whether it is marked / the key's."""
        rows = settings.get("rows") or DEFAULT_ROWS
        columns = settings.get("columns") or DEFAULT_COLUMNS
        marked, key = set(marked), set(key)
        return [
            [
                {
                    "name": cell_name(r, c),
                    "marked": cell_name(r, c) in marked,
                    "key": cell_name(r, c) in key,
                }
                for c in range(1, columns + 1)
            ]
            for r in range(1, rows + 1)
        ]

    def answer_view(self, response, settings, key, sources):
        marked = (response or {}).get("cells") or []
        expected = (key or {}).get("cells") or []
        return {
            "regions_source": sources[0] if sources else None,
            "regions_grid": self.grid(settings, marked, expected),
            "regions_marked": marked,
            "regions_expected": expected,
            "regions_columns": settings.get("columns") or DEFAULT_COLUMNS,
        }

    # Authoring: the instruction, and the key's regions as cells or rectangles of cells.

    authoring_fields = ["instruction", "regions"]
    settings_field, key_field = "instruction", "regions"

    def authoring_initial(self, settings, key, sources):
        return {
            "instruction": (settings or {}).get("instruction", ""),
            "regions": ", ".join((key or {}).get("cells") or []),
        }

    def builder_view(self, settings, key):
        """The labelled grid the builder lays over the image, the key's cells pressed."""
        return {
            "grid": self.grid(settings, key=(key or {}).get("cells") or []),
            "columns": settings.get("columns") or DEFAULT_COLUMNS,
        }

    def authoring_settings(self, data, instance):
        settings = instance.settings if instance.pk and instance.kind == self.name else {}
        return {
            "rows": settings.get("rows") or DEFAULT_ROWS,
            "columns": settings.get("columns") or DEFAULT_COLUMNS,
            "instruction": data.get("instruction", ""),
        }

    def authoring_key(self, data, sources, instance):
        settings = self.authoring_settings(data, instance)
        cells = cells_of_regions(data.get("regions"), settings)
        return {"cells": [cell for cell in all_cells(settings) if cell in cells]}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        count = len((key or {}).get("cells") or [])
        return [f"{count} cells of the image in the key"] if count else []

    def grading_view(self, response, settings, key, sources):
        view = self.answer_view(response, settings, key, sources)
        marked, expected = set(view["regions_marked"]), set(view["regions_expected"])
        return {
            **view,
            "overlap": round(100 * cells_f1(marked, expected)) if expected else None,
            "missed": [c for c in view["regions_expected"] if c not in marked],
            "extra": [c for c in view["regions_marked"] if c not in expected],
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 1

    def volume_settings(self, rng, words):
        return {"rows": DEFAULT_ROWS, "columns": DEFAULT_COLUMNS, "instruction": words(4, 10)}

    def volume_key(self, rng, settings, sources):
        return {"cells": rng.sample(all_cells(settings), 6)}

    def volume_response(self, rng, words, settings, sources):
        return {"cells": rng.sample(all_cells(settings), 5)}

    # Analytics: the mean overlap with the key, and how often each of the key's cells was marked.

    analytics_fetches_answers = True
    unanswered_phrase = "with no region marked"

    def analytics(self, question, sources, counted):
        expected = (question.key or {}).get("cells") or []
        answered = [r.get("cells") for r in counted.responses if r.get("cells")]
        panel = {"unanswered": counted.answers - len(answered)}
        if not expected:
            return panel
        panel["chart"] = BarChart(
            f"{counted.slug}-cells",
            "Answers marking each cell of the key",
            [
                Bar(f"Cell {cell}", sum(1 for cells in answered if cell in cells), len(answered))
                for cell in expected
            ],
        )
        if answered:
            scores = [cells_f1(cells, expected) for cells in answered]
            panel["mean_overlap"] = round(100 * sum(scores) / len(scores))
        return panel


class ImageRegionsAnswerForm(AnswerForm):
    """The grid's cells as checkboxes (`cells`), named "B3" and labelled by row and column."""

    def add_answer_fields(self):
        self.fields["cells"] = forms.MultipleChoiceField(
            choices=[(cell, cell) for cell in all_cells(self.question.settings)],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Your answer names a cell that is not on the grid."},
        )

    def initial_from(self, response):
        return {"cells": list((response or {}).get("cells") or [])}

    def raw_response(self, data):
        return {"cells": list(data.get("cells") or [])}

    def source(self):
        return self.sources[0] if self.sources else None

    def grid(self):
        """The grid's rows of cells with each one's marked state, as posted or saved."""
        if self.is_bound and getattr(self, "response", None):
            marked = self.response.get("cells") or []
        else:
            marked = self.initial.get("cells") or []
        return ImageRegions().grid(self.question.settings, marked)

    def columns(self):
        return self.question.settings.get("columns") or DEFAULT_COLUMNS


ImageRegions.answer_form = ImageRegionsAnswerForm
