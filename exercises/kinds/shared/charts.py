"""Bar charts of the class's answers, laid out for inline SVG (analytics and the kinds' panels).

Charts are laid out here (rows, widths, positions) so that templates only place them:
nothing is computed in a template and no script draws anything.
"""

from dataclasses import dataclass

from django.utils.text import Truncator


def percent(part, whole):
    return round(100 * part / whole) if whole else 0


@dataclass
class Bar:
    """One bar: how many of `total` answered this way."""

    label: str
    count: int
    total: int
    key: bool = False  # the answer key's
    flagged: bool = False  # e.g. the most chosen wrong option
    detail: str = ""  # the full wording, where the label is short

    @property
    def percent(self):
        return percent(self.count, self.total)


class BarChart:
    """Horizontal bars with their labels and values, laid out for an SVG 640 units wide.

    The one chart template, templates/exercises/analytics/_bar_chart.html, draws every
    chart from what this lays out: rows of segments (one here, several in a kind's stacked
    bar), their patterns, and the table that says the same in words.
    """

    WIDTH = 640
    LABEL_WIDTH = 236
    BAR_X = 244
    BAR_MAX = 260
    ROW = 38
    BAR = 26
    LABEL_CHARS = 27  # bold at 14 units still fits the label column
    CHAR_WIDTH = 7.5  # of a 14-unit sans-serif, roughly
    LAYOUT = "row g-3 chart-with-table align-items-start"
    SVG_COLUMN, TABLE_COLUMN, TABLE_CLASS = "col-lg-7", "col-lg-5", ""
    # Fills besides colour: stripes for the key's bar, dots for the most chosen wrong one.
    PATTERNS = [{"name": "key", "stripes": True}, {"name": "flag", "dot": 1.8}]

    def __init__(self, slug, title, bars, description=""):
        self.slug = slug
        self.title = title
        self.caption = title
        self.bars = bars
        self.description = description or self.describe()
        self.height = len(bars) * self.ROW + 8
        self.rows = [self._row(index, bar) for index, bar in enumerate(bars)]
        self.has_key = any(bar.key for bar in bars)
        self.table_head = [("Answer", False), ("Students", True), ("Share", True)]
        self.table_rows = [self._table_row(bar) for bar in bars]

    def _row(self, index, bar):
        y = 4 + index * self.ROW
        width = round(self.BAR_MAX * bar.count / bar.total, 1) if bar.total else 0
        value = f"{bar.count} ({bar.percent}%)"
        # The mark after the value: the key's (hidden on the projector until revealed).
        mark, mark_css = "", ""
        if bar.key:
            mark, mark_css = " ✓ key", "answer-key"
        elif bar.flagged:
            mark = " ✗ most chosen wrong"
        value += mark
        # A value too long to follow its bar is written inside the bar's end instead.
        inside = self.BAR_X + width + 8 + len(value) * self.CHAR_WIDTH > self.WIDTH
        label = Truncator(bar.label).chars(self.LABEL_CHARS)
        pattern = "key" if bar.key else "flag" if bar.flagged else ""
        return {
            "bar": bar,
            "css": "is-key" if bar.key else "is-flagged" if bar.flagged else "",
            "y": y,
            "label_y": y + self.ROW / 2 + 5,
            "bar_y": y + (self.ROW - self.BAR) / 2,
            "text_y": y + self.ROW / 2 + 5,
            "width": width,
            "label": label,
            "full_label": bar.label if label != bar.label else "",
            "segments": [{"x": self.BAR_X, "width": width, "css": "bar", "pattern": pattern}]
            if width
            else [],
            "value": value,
            "value_count": value[: len(value) - len(mark)],
            "mark": mark,
            "mark_css": mark_css,
            "value_inside": inside,
            "value_x": self.BAR_X + width - 8 if inside else self.BAR_X + width + 8,
        }

    def _table_row(self, bar):
        badge, badge_css = "", ""
        if bar.key:
            badge, badge_css = "key", "text-bg-dark answer-key"
        elif bar.flagged:
            badge, badge_css = "most chosen wrong", "text-bg-warning"
        return {
            "label": bar.label,
            "css": "is-key" if bar.key else "is-flagged" if bar.flagged else "",
            "badge": badge,
            "badge_css": badge_css,
            "cells": [
                {"text": bar.count, "css": "text-end"},
                {"text": f"{bar.percent}%", "css": "text-end"},
            ],
        }

    def describe(self):
        return "; ".join(f"{bar.label}: {bar.count} ({bar.percent}%)" for bar in self.bars) + "."
