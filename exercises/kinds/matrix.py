"""The matrix kind: its rules and scoring."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.text import Truncator

from .base import QuestionKind
from .shared.answer_form import AnswerForm, choice_field
from .shared.charts import percent
from .shared.counting import JSONText
from .shared.demo import DemoQuestion
from .shared.text import as_mapping, clean_text, lines_of, source_ids, to_points

VERDICTS = {
    "supports": "Supports the claim",
    "challenges": "Challenges the claim",
    "silent": "Says nothing about it",
}

# The verdicts in a chart's legend and table.
VERDICT_SHORT = {"supports": "Supports", "challenges": "Challenges", "silent": "Says nothing"}

# How a teacher may write a verdict in the key's lines ("4: supports", "source 5 = nothing").
VERDICT_WORDS = {
    "supports": "supports",
    "support": "supports",
    "challenges": "challenges",
    "challenge": "challenges",
    "silent": "silent",
    "says nothing": "silent",
    "nothing": "silent",
}
VERDICT_LINE = re.compile(r"^\s*(?:source\s*)?(\d+)\s*[:=–-]\s*(.+?)\s*$", re.IGNORECASE)

# The kind's questions in the demo assignment (exercises/demo.py).
DEMO_QUESTIONS = [
    DemoQuestion(
        [4, 5, 6, 7, 8, 9],
        6,
        "For each source, decide whether it supports or challenges the claim below, or "
        "says nothing about it.",
        {"claim": "The defendants' confessions in the August 1936 trial were genuine."},
        {
            "verdicts": {
                4: "supports",
                5: "supports",
                6: "supports",
                7: "challenges",
                8: "challenges",
                9: "challenges",
            }
        },
        "Supports: Zinoviev's own confession (4), the Observer (5) and the New Republic "
        "(6). Challenges: the New Statesman (7), which does not deny the plot but asks why "
        "guilty men would 'cringe and crawl', and so doubts the confessions; Trotsky (8) and "
        "Shachtman (9), who call the trial a frame-up. Source 7 is the hardest call: "
        "doubting a confession is not proving it false.",
        skill="corroboration",
    ),
]


class Matrix(QuestionKind):
    """A claim and several sources: does each support it, challenge it, or say nothing?

    Scored one equal part per source.
    """

    name = "matrix"
    stylesheet = "css/kinds/matrix.css"
    objective = True
    min_sources = 2

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        return {"claim": clean_text(settings.get("claim"), "The claim", required=True)}

    def _clean_verdicts(self, verdicts, sources, *, complete):
        verdicts = as_mapping(verdicts, "The verdicts")
        ids = source_ids(sources)
        labels = {str(s.pk): s.label for s in sources}
        cleaned = {}
        for source_id, verdict in verdicts.items():
            source_id = str(source_id)
            if source_id not in ids:
                raise ValidationError("A verdict names a source that is not in this question.")
            if verdict in (None, ""):
                continue
            if not isinstance(verdict, str) or verdict not in VERDICTS:
                raise ValidationError(
                    f"For {labels[source_id]}, choose supports, challenges or says nothing."
                )
            cleaned[source_id] = verdict
        if complete:
            missing = [labels[i] for i in ids if i not in cleaned]
            if missing:
                raise ValidationError("The key needs a verdict for " + ", ".join(missing) + ".")
        return cleaned

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        return {"verdicts": self._clean_verdicts(key.get("verdicts"), sources, complete=True)}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        return {"verdicts": self._clean_verdicts(data.get("verdicts"), sources, complete=False)}

    def score(self, response, settings, key, points, sources):
        wanted = (key or {}).get("verdicts") or {}
        if not wanted:
            return None
        given = (response or {}).get("verdicts") or {}
        right = sum(1 for source_id, verdict in wanted.items() if given.get(source_id) == verdict)
        return to_points(Decimal(str(points)) * right / len(wanted))

    def is_answered(self, response):
        return bool((response or {}).get("verdicts"))

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        given = response.get("verdicts") or {}
        missing = [s.label for s in sources or () if str(s.pk) not in given]
        if missing:
            return "no verdict for " + ", ".join(missing)
        return None

    def answer_view(self, response, settings, key, sources):
        """The answer as the student's page shows it: a row per source, verdict given and
        (once released) expected."""
        given = response.get("verdicts") or {}
        expected = key.get("verdicts") or {}
        return {
            "matrix_rows": [
                {
                    "source": source.label,
                    "given": VERDICTS.get(given.get(str(source.pk)), "No verdict"),
                    "expected": VERDICTS.get(expected.get(str(source.pk)), ""),
                    "right": given.get(str(source.pk)) == expected.get(str(source.pk)),
                }
                for source in sources
            ]
        }

    # Authoring: the teacher's plain fields (desk.forms.assignments.QuestionForm) <-> settings, key.

    authoring_fields = ["claim", "verdicts"]
    settings_field, key_field = "claim", "verdicts"
    key_needs_sources = True
    builder_template = "exercises/kinds/matrix/builder_key.html"
    builder_script = "js/kinds/matrix-builder.js"

    def authoring_initial(self, settings, key, sources):
        by_id = {str(source.pk): source for source in sources}
        return {
            "claim": settings.get("claim", ""),
            "verdicts": "\n".join(
                f"{by_id[source_id].number}: {verdict}"
                for source_id, verdict in (key.get("verdicts") or {}).items()
                if source_id in by_id
            ),
        }

    def authoring_settings(self, data, instance):
        return {"claim": data.get("claim", "")}

    def authoring_key(self, data, sources, instance):
        by_number = {source.number: source for source in sources}
        verdicts, errors = {}, []
        for line in lines_of(data.get("verdicts")):
            match = VERDICT_LINE.match(line)
            verdict = VERDICT_WORDS.get(match.group(2).lower()) if match else None
            if verdict is None:
                errors.append(
                    f"“{line}”: write the source's number, a colon and supports, challenges "
                    "or silent, e.g. “4: supports”."
                )
                continue
            source = by_number.get(int(match.group(1)))
            if source is None:
                errors.append(f"“{line}”: source {match.group(1)} is not one of the question's.")
                continue
            verdicts[str(source.pk)] = verdict
        if errors:
            raise ValidationError(errors)
        return {"verdicts": verdicts}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return [f"Claim: {settings['claim']}"] if settings.get("claim") else []

    def grading_view(self, response, settings, key, sources):
        given, wanted = response.get("verdicts") or {}, key.get("verdicts") or {}
        return {
            "claim": settings.get("claim", ""),
            "rows": [
                (
                    source.label,
                    VERDICTS.get(given.get(str(source.pk)), "—"),
                    VERDICTS.get(wanted.get(str(source.pk)), "—"),
                    given.get(str(source.pk)) == wanted.get(str(source.pk)),
                )
                for source in sources
            ],
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 4

    def volume_settings(self, rng, words):
        return {"claim": "The confessions were genuine."}

    def volume_key(self, rng, settings, sources):
        return {"verdicts": {str(s.pk): rng.choice(list(VERDICTS)) for s in sources}}

    def volume_response(self, rng, words, settings, sources):
        return {"verdicts": {str(s.pk): rng.choice(list(VERDICTS)) for s in sources}}

    # Analytics: one query of conditional counts, per source and verdict, for the whole
    # assignment; the panel is a stacked bar per source and the sources misread most.

    def analytics_counts(self, question, sources):
        aliases, counts = {}, {}
        for source in sources:
            alias = f"verdict_{question.pk}_{source.pk}"
            aliases[alias] = JSONText("response", "verdicts", source.pk)
            for verdict in VERDICTS:
                counts[f"{alias}_{verdict}"] = Count(
                    "pk", filter=Q(question_id=question.pk, **{alias: verdict})
                )
        return aliases, counts

    def analytics(self, question, sources, counted):
        key = (question.key or {}).get("verdicts") or {}
        rows = [
            MatrixRow(
                source=source,
                label=source.label,
                counts={
                    verdict: counted.totals[f"verdict_{question.pk}_{source.pk}_{verdict}"]
                    for verdict in VERDICTS
                },
                answers=counted.answers,
                key=key.get(str(source.pk)),
            )
            for source in sources
        ]
        return {
            "chart": MatrixChart(
                f"{counted.slug}-matrix", "How the class judged each source", rows
            ),
            "misread": sorted(
                (row for row in rows if row.wrong),
                key=lambda row: (-row.wrong_percent, -row.wrong),
            ),
        }

    # The demo class (exercises/demo.py): the kind's questions in the demo assignment and a
    # pupil's answer to one of them (`rng` a seeded random.Random: the same on every load).

    demo_questions = DEMO_QUESTIONS

    def demo_key(self, key, sources_by_number, sources):
        verdicts = key["verdicts"].items()
        return {"verdicts": {str(sources_by_number[n].pk): v for n, v in verdicts}}

    def demo_response(self, rng, question, sources):
        verdicts = {}
        for source_id, verdict in question.key["verdicts"].items():
            if rng.random() < 0.65:
                verdicts[source_id] = verdict
            else:
                verdicts[source_id] = rng.choice(["supports", "challenges", "silent"])
        return {"verdicts": verdicts}


@dataclass
class MatrixRow:
    """How the class judged one source against the claim."""

    source: object
    label: str
    counts: dict  # verdict -> count
    answers: int
    key: str | None

    @property
    def unjudged(self):
        return self.answers - sum(self.counts.values())

    @property
    def wrong(self):
        if not self.key:
            return 0
        return sum(n for verdict, n in self.counts.items() if verdict != self.key)

    @property
    def wrong_percent(self):
        return percent(self.wrong, self.answers)

    @property
    def key_label(self):
        return VERDICTS.get(self.key, "")

    def cells(self):
        """Per verdict (then "no verdict"): count, share, and whether it is the key's."""
        cells = [
            {
                "verdict": verdict,
                "label": label,
                "count": self.counts.get(verdict, 0),
                "percent": percent(self.counts.get(verdict, 0), self.answers),
                "key": verdict == self.key,
            }
            for verdict, label in VERDICTS.items()
        ]
        cells.append(
            {
                "verdict": "none",
                "label": "No verdict",
                "count": self.unjudged,
                "percent": percent(self.unjudged, self.answers),
                "key": False,
            }
        )
        return cells


class MatrixChart:
    """One stacked bar per source: the shares choosing each verdict, the key's outlined.

    Laid out like a shared.charts.BarChart, for the same template.
    """

    WIDTH = 640
    LABEL_WIDTH = 196
    BAR_X = 204
    BAR_MAX = 420
    ROW = 44
    BAR = 28
    MIN_TEXT_WIDTH = 34  # narrower segments carry no number: the table has it
    LAYOUT, SVG_COLUMN, TABLE_COLUMN, TABLE_CLASS = "chart-with-table", "", "", "matrix-table"
    PATTERNS = [{"name": "challenges", "stripes": True}, {"name": "silent", "dot": 1.6}]

    def __init__(self, slug, title, rows):
        self.slug = slug
        self.title = title
        self.caption = f"{title}: share of answers (students)"
        self.height = len(rows) * self.ROW + 8
        self.rows = []
        patterned = {pattern["name"] for pattern in self.PATTERNS}
        for index, row in enumerate(rows):
            y = 4 + index * self.ROW
            x, segments = self.BAR_X, []
            for cell in row.cells():
                width = round(self.BAR_MAX * cell["count"] / row.answers, 1) if row.answers else 0
                if width:
                    segments.append(
                        {
                            "x": x,
                            "width": width,
                            "css": f"verdict-{cell['verdict']}",
                            "pattern": cell["verdict"] if cell["verdict"] in patterned else "",
                            "title": f"{cell['label']}: {cell['count']} ({cell['percent']}%)"
                            + (", the key's verdict" if cell["key"] else ""),
                            "outlined": cell["key"],
                            "text_x": x + width / 2,
                            "text": f"{cell['percent']}%" if width >= self.MIN_TEXT_WIDTH else "",
                        }
                    )
                x += width
            source = row.source
            self.rows.append(
                {
                    "row": row,
                    "label_y": y + 19,
                    "label": f"Source {source.number}",
                    "full_label": row.label,
                    "subtitle": Truncator(source.author.name if source.author_id else "").chars(24),
                    "y": y,
                    "bar_y": y + (self.ROW - self.BAR) / 2,
                    "text_y": y + self.ROW / 2 + 5,
                    "segments": segments,
                }
            )
        self.description = " ".join(
            f"{row.label}: "
            + ", ".join(f"{c['label'].lower()} {c['percent']}%" for c in row.cells())
            + (f"; key: {row.key_label.lower()}." if row.key else ".")
            for row in rows
        )
        self.table_head = [("Source", False)]
        self.table_head += [(label, True) for label in VERDICT_SHORT.values()]
        self.table_head += [("No verdict", True), ("Key", False)]
        self.table_rows = [
            {
                "label": row.label,
                "cells": [
                    {
                        "text": f"{cell['percent']}% ({cell['count']})",
                        "css": "text-end is-key" if cell["key"] else "text-end",
                        "key": cell["key"],
                    }
                    for cell in row.cells()
                ]
                + [{"text": row.key_label or "—", "css": ""}],
            }
            for row in rows
        ]


class MatrixAnswerForm(AnswerForm):
    def add_answer_fields(self):
        for source in self.sources:
            label = source.label
            self.fields[f"verdict-{source.pk}"] = choice_field(
                label,
                list(VERDICTS.items()),
                message=f"For {label}, choose supports, challenges or says nothing.",
            )

    def initial_from(self, response):
        verdicts = response.get("verdicts") or {}
        return {f"verdict-{source_id}": verdict for source_id, verdict in verdicts.items()}

    def raw_response(self, data):
        return {
            "verdicts": {
                str(source.pk): data.get(f"verdict-{source.pk}") for source in self.sources
            }
        }

    def rows(self):
        """(source, bound radio field) per source, for the matrix's table."""
        return [(source, self[f"verdict-{source.pk}"]) for source in self.sources]


Matrix.answer_form = MatrixAnswerForm
