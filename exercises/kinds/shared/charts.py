"""Bar charts of the class's answers, laid out for inline SVG (analytics and the kinds' panels).

Charts are laid out here (rows, widths, positions) so that templates only place them:
nothing is computed in a template and no script draws anything.
"""

from dataclasses import dataclass

from django.utils.text import Truncator


def percent(part, whole):
    return round(100 * part / whole) if whole else 0


def source_label(source):
    author = source.author.name if source.author_id else ""
    return f"Source {source.number}" + (f" ({author})" if author else "")


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
    """Horizontal bars with their labels and values, laid out for an SVG 640 units wide."""

    WIDTH = 640
    LABEL_WIDTH = 236
    BAR_X = 244
    BAR_MAX = 260
    ROW = 38
    BAR = 26
    LABEL_CHARS = 27  # bold at 14 units still fits the label column
    CHAR_WIDTH = 7.5  # of a 14-unit sans-serif, roughly

    def __init__(self, slug, title, bars, description=""):
        self.slug = slug
        self.title = title
        self.bars = bars
        self.description = description or self.describe()
        self.height = len(bars) * self.ROW + 8
        self.rows = [self._row(index, bar) for index, bar in enumerate(bars)]
        self.has_key = any(bar.key for bar in bars)

    def _row(self, index, bar):
        y = 4 + index * self.ROW
        width = round(self.BAR_MAX * bar.count / bar.total, 1) if bar.total else 0
        value = f"{bar.count} ({bar.percent}%)"
        if bar.key:
            value += " ✓ key"
        elif bar.flagged:
            value += " ✗ most chosen wrong"
        # A value too long to follow its bar is written inside the bar's end instead.
        inside = self.BAR_X + width + 8 + len(value) * self.CHAR_WIDTH > self.WIDTH
        return {
            "bar": bar,
            "y": y,
            "bar_y": y + (self.ROW - self.BAR) / 2,
            "text_y": y + self.ROW / 2 + 5,
            "width": width,
            "label": Truncator(bar.label).chars(self.LABEL_CHARS),
            "value": value,
            "value_inside": inside,
            "value_x": self.BAR_X + width - 8 if inside else self.BAR_X + width + 8,
        }

    def describe(self):
        return "; ".join(f"{bar.label}: {bar.count} ({bar.percent}%)" for bar in self.bars) + "."
