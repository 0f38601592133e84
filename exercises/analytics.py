"""How a class answered an assignment: the numbers and pictures for the follow-up discussion.

`AssignmentReport.build(assignment)` runs a fixed number of queries whatever the size of the
class. The database does the counting: one grouped query counts ratings, chosen sources and
chosen options; one query of conditional counts gives the matrix verdicts; one grouped query
counts rubric levels. Only highlight answers are fetched whole, because a heat map needs
every marked range of every answer.

Only submitted work counts: a submission with status "submitted" (and so a submitted_at).
Work "returned for revision" is being changed by its student again, so like work in
progress it counts as still working, not as the class's answer.

Charts are laid out here (rows, widths, positions) so that templates only place them as
inline SVG: nothing is computed in a template and no script draws anything.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Func, Min, Prefetch, Q
from django.utils.text import Truncator

from .kinds import DEFAULT_RATING_LABELS, KINDS, VERDICTS, merge_ranges, overlap_f1
from .models import (
    Answer,
    CriterionGrade,
    FeaturedAnswer,
    Question,
    QuestionSource,
    Submission,
)

Kind = Question.Kind

# Kinds with words a teacher may want to show the class ("Why did you trust Duranty?").
FEATURABLE_KINDS = tuple(name for name, kind in KINDS.items() if kind.featurable)
F1_BUCKETS = ("0–19%", "20–39%", "40–59%", "60–79%", "80–100%")
HEAT_LEVELS = 4  # shades of the heat map besides "nobody marked it"
TOP_PASSAGES = 8


def percent(part, whole):
    return round(100 * part / whole) if whole else 0


class JSONText(Func):
    """The text at a path of object keys in a JSON field.

    Django's key lookups read a key of digits as a list index, and matrix verdicts are keyed
    by source id ("12"), so the path is quoted here instead.
    """

    output_field = CharField()

    def __init__(self, expression, *keys, **extra):
        self.keys = tuple(str(key) for key in keys)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        path = "$" + "".join("." + json.dumps(key) for key in self.keys)
        return f"JSON_EXTRACT({sql}, %s)", (*params, path)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql} #>> %s)", (*params, list(self.keys))


# Charts ----------------------------------------------------------------------------------


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
    """One stacked bar per source: the shares choosing each verdict, the key's outlined."""

    WIDTH = 640
    LABEL_WIDTH = 196
    BAR_X = 204
    BAR_MAX = 420
    ROW = 44
    BAR = 28
    MIN_TEXT_WIDTH = 34  # narrower segments carry no number: the table has it

    def __init__(self, slug, title, rows):
        self.slug = slug
        self.title = title
        self.height = len(rows) * self.ROW + 8
        self.rows = []
        for index, row in enumerate(rows):
            y = 4 + index * self.ROW
            x, segments = self.BAR_X, []
            for cell in row.cells():
                width = round(self.BAR_MAX * cell["count"] / row.answers, 1) if row.answers else 0
                if width:
                    segments.append(
                        {
                            **cell,
                            "x": x,
                            "width": width,
                            "text_x": x + width / 2,
                            "show_text": width >= self.MIN_TEXT_WIDTH,
                        }
                    )
                x += width
            source = row.source
            self.rows.append(
                {
                    "row": row,
                    "label_y": y + 19,
                    "title": f"Source {source.number}",
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


# Highlight heat map -------------------------------------------------------------------


@dataclass
class HeatSegment:
    """A stretch of the source's text that the same number of students marked."""

    start: int
    end: int
    text: str
    count: int
    level: int  # 0 (nobody) to HEAT_LEVELS (most of the class)
    in_key: bool

    @property
    def body(self):
        """The words, without the spaces or line breaks that end the segment."""
        return self.text.rstrip()

    @property
    def trail(self):
        return self.text[len(self.body) :]


def heat_level(count, total):
    if not count or not total:
        return 0
    return min(HEAT_LEVELS, -(-count * HEAT_LEVELS // total))  # ceiling of the share's quarter


def heat_segments(text, answers_ranges, key_ranges, total):
    """Split `text` into segments of equal count of students who marked them.

    Each answer's ranges are merged first, so a student who marked a word twice counts once.
    Segments also break where the key's ranges begin and end.
    """
    length = len(text)
    change = Counter()
    for ranges in answers_ranges:
        for start, end in merge_ranges(ranges or []):
            start, end = max(0, start), min(length, end)
            if start < end:
                change[start] += 1
                change[end] -= 1
    key = [(max(0, s), min(length, e)) for s, e in merge_ranges(key_ranges or []) if s < length]
    cuts = sorted({0, length, *change, *(point for pair in key for point in pair)})
    segments, count = [], 0
    for start, end in zip(cuts, cuts[1:], strict=False):
        count += change.get(start, 0)
        in_key = any(s <= start and end <= e for s, e in key)
        previous = segments[-1] if segments else None
        if previous and previous.count == count and previous.in_key == in_key:
            previous.end = end
            previous.text = text[previous.start : end]
            continue
        segments.append(
            HeatSegment(start, end, text[start:end], count, heat_level(count, total), in_key)
        )
    return segments


# The report ------------------------------------------------------------------------------


@dataclass
class QuestionReport:
    """What the class did with one question; which parts are filled depends on its kind."""

    question: Question
    number: int
    sources: list
    answers: int = 0  # submitted answers saved for this question
    chart: BarChart | None = None
    mean: float | None = None
    unanswered: int = 0  # saved but without a rating / choice / selection
    most_chosen_wrong: list = field(default_factory=list)
    matrix: MatrixChart | None = None
    misread: list = field(default_factory=list)
    heat: list = field(default_factory=list)
    top_passages: list = field(default_factory=list)
    source_text_title: str = ""
    f1_chart: BarChart | None = None
    mean_f1: int | None = None
    rubric: list = field(default_factory=list)  # BarChart per criterion
    graded: int = 0
    featured: list = field(default_factory=list)
    candidates: list = field(default_factory=list)  # answers to pick from (teacher's page)
    picked_ids: set = field(default_factory=set)
    pick_error: str = ""

    @property
    def kind(self):
        return self.question.kind

    @property
    def slug(self):
        return f"q{self.question.pk}"

    @property
    def template_name(self):
        return self.question.rules.template("analytics")

    @property
    def featurable(self):
        return self.question.kind in FEATURABLE_KINDS

    @property
    def heat_total(self):
        return self.answers


@dataclass
class ClassProgress:
    enrolled: int
    submitted: int
    started: int  # in progress or returned for revision
    returned: int

    @property
    def still_working(self):
        return max(self.enrolled - self.submitted, 0)

    @property
    def not_started(self):
        return max(self.enrolled - self.submitted - self.started, 0)


def answer_parts(question, response, sources_by_id):
    """A response as (label, words) pairs, to show it without saying whose it is."""
    return question.rules.featured_parts(response or {}, question.settings, sources_by_id)


class AssignmentReport:
    """Everything the analytics page shows for one assignment."""

    def __init__(self, assignment, progress, questions):
        self.assignment = assignment
        self.progress = progress
        self.questions = questions

    @classmethod
    def build(cls, assignment, *, with_candidates=False):
        """Count the class's submitted answers, question by question.

        `with_candidates` also lists every submitted answer of the kinds a teacher may
        feature, with its student's name: for the teacher's page only, never the projector.
        """
        submissions = Submission.objects.filter(assignment=assignment)
        counted = Q(status=Submission.Status.SUBMITTED, submitted_at__isnull=False)
        tally = submissions.aggregate(
            submitted=Count("pk", filter=counted),
            started=Count("pk", filter=~counted),
            returned=Count("pk", filter=Q(status=Submission.Status.RETURNED)),
        )
        progress = ClassProgress(enrolled=assignment.classroom.enrollments.count(), **tally)

        questions = list(
            assignment.questions.prefetch_related(
                Prefetch(
                    "question_sources",
                    queryset=QuestionSource.objects.select_related("source__author"),
                )
            )
        )
        reports = {}
        for number, question in enumerate(questions, start=1):
            sources = [qs.source for qs in question.question_sources.all()]
            reports[question.pk] = QuestionReport(question, number, sources)
        answers = Answer.objects.filter(
            submission__assignment=assignment,
            submission__status=Submission.Status.SUBMITTED,
            submission__submitted_at__isnull=False,
        )
        by_kind = defaultdict(list)
        for report in reports.values():
            by_kind[report.kind].append(report)

        cls._count_answers(answers, reports)
        if by_kind[Kind.MATRIX]:
            cls._count_verdicts(answers, by_kind[Kind.MATRIX])
        if by_kind[Kind.HIGHLIGHT]:
            cls._map_highlights(answers, reports)
        cls._count_rubric_levels(assignment, answers, reports)
        cls._add_featured(assignment, reports)
        if with_candidates and any(report.featurable for report in reports.values()):
            cls._add_candidates(answers, reports)
        return cls(assignment, progress, list(reports.values()))

    # One grouped query: the number of answers per question and, for the kinds that choose,
    # how many chose each rating, source or set of options.
    @staticmethod
    def _count_answers(answers, reports):
        groups = defaultdict(list)
        rows = (
            answers.values(
                "question_id", "response__rating", "response__choice", "response__selected"
            )
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            groups[row["question_id"]].append(row)
        for question_id, report in reports.items():
            rows = groups.get(question_id, [])
            report.answers = sum(row["n"] for row in rows)
            if report.kind == Kind.RATING:
                _rating_chart(report, rows)
            elif report.kind == Kind.COMPARISON:
                _comparison_chart(report, rows)
            elif report.kind == Kind.CHOICE:
                _choice_chart(report, rows)

    # One query of conditional counts: per matrix question, source and verdict.
    @staticmethod
    def _count_verdicts(answers, matrix_reports):
        aliases, counts = {}, {}
        for report in matrix_reports:
            for source in report.sources:
                alias = f"verdict_{report.question.pk}_{source.pk}"
                aliases[alias] = JSONText("response", "verdicts", source.pk)
                for verdict in VERDICTS:
                    counts[f"{alias}_{verdict}"] = Count(
                        "pk", filter=Q(question_id=report.question.pk, **{alias: verdict})
                    )
        totals = answers.alias(**aliases).aggregate(**counts)
        for report in matrix_reports:
            key = (report.question.key or {}).get("verdicts") or {}
            rows = [
                MatrixRow(
                    source=source,
                    label=source.label,
                    counts={
                        verdict: totals[f"verdict_{report.question.pk}_{source.pk}_{verdict}"]
                        for verdict in VERDICTS
                    },
                    answers=report.answers,
                    key=key.get(str(source.pk)),
                )
                for source in report.sources
            ]
            report.matrix = MatrixChart(
                f"{report.slug}-matrix", "How the class judged each source", rows
            )
            report.misread = sorted(
                (row for row in rows if row.wrong),
                key=lambda row: (-row.wrong_percent, -row.wrong),
            )

    # Heat maps need the ranges themselves: one query for every highlight answer.
    @staticmethod
    def _map_highlights(answers, reports):
        ranges = defaultdict(list)
        rows = answers.filter(question__kind=Kind.HIGHLIGHT).values_list(
            "question_id", "response__ranges"
        )
        for question_id, answer_ranges in rows:
            ranges[question_id].append(answer_ranges or [])
        for question_id, report in reports.items():
            if report.kind != Kind.HIGHLIGHT or not report.sources:
                continue
            source = report.sources[0]
            key_ranges = (report.question.key or {}).get("ranges") or []
            answered = ranges.get(question_id, [])
            report.source_text_title = source.label
            report.heat = heat_segments(source.text, answered, key_ranges, report.answers)
            marked = [segment for segment in report.heat if segment.count]
            report.top_passages = sorted(marked, key=lambda s: (-s.count, s.start))[:TOP_PASSAGES]
            if not key_ranges:
                continue
            scores = [overlap_f1(answer, key_ranges) for answer in answered]
            buckets = Counter(min(round(score * 100) // 20, 4) for score in scores)
            report.f1_chart = BarChart(
                f"{report.slug}-f1",
                "Overlap with the key (F1) of each answer",
                [
                    Bar(label, buckets.get(index, 0), len(scores))
                    for index, label in enumerate(F1_BUCKETS)
                ],
            )
            report.mean_f1 = round(100 * sum(scores) / len(scores)) if scores else None

    # One grouped query of the rubric levels chosen, plus one for the rubrics' own levels so
    # that a level nobody reached still shows, as a zero.
    @staticmethod
    def _count_rubric_levels(assignment, answers, reports):
        levels = defaultdict(dict)  # question -> criterion -> {level name: band}
        criterion_order = {}
        rubric_rows = (
            assignment.questions.filter(rubric__isnull=False)
            .values(
                "pk",
                "rubric__criteria__name",
                "rubric__criteria__order",
                "rubric__criteria__levels__name",
                "rubric__criteria__levels__min_points",
            )
            .order_by("pk", "rubric__criteria__order", "rubric__criteria__levels__min_points")
        )
        for row in rubric_rows:
            criterion = row["rubric__criteria__name"]
            if criterion is None:
                continue
            criterion_order.setdefault((row["pk"], criterion), row["rubric__criteria__order"])
            level = row["rubric__criteria__levels__name"]
            if level is not None:
                levels[row["pk"]].setdefault(criterion, {})[level] = row[
                    "rubric__criteria__levels__min_points"
                ]
        counts = defaultdict(Counter)
        graded = CriterionGrade.objects.filter(grade__answer__in=answers).values(
            "grade__answer__question_id", "criterion_name", "level_name"
        )
        graded = graded.annotate(
            n=Count("pk"),
            band=Min("band_min"),
            place=Min("criterion__order"),
        ).order_by()
        for row in graded:
            question_id, criterion = row["grade__answer__question_id"], row["criterion_name"]
            counts[question_id][(criterion, row["level_name"])] += row["n"]
            levels[question_id].setdefault(criterion, {}).setdefault(row["level_name"], row["band"])
            criterion_order.setdefault((question_id, criterion), row["place"] or 0)
        for question_id, report in reports.items():
            criteria = levels.get(question_id, {})
            question_counts = counts.get(question_id, Counter())
            ordered = sorted(criteria, key=lambda c: (criterion_order.get((question_id, c)), c))
            for index, criterion in enumerate(ordered):
                names = sorted(criteria[criterion], key=lambda name: criteria[criterion][name])
                total = sum(question_counts[(criterion, name)] for name in names)
                report.graded = max(report.graded, total)
                report.rubric.append(
                    BarChart(
                        f"{report.slug}-rubric-{index}",
                        f"Levels reached: {criterion}",
                        [Bar(name, question_counts[(criterion, name)], total) for name in names],
                    )
                )
            if not question_counts:
                report.rubric = []

    @staticmethod
    def _add_featured(assignment, reports):
        featured = FeaturedAnswer.objects.filter(question__assignment=assignment).select_related(
            "answer"
        )
        for pick in featured:
            report = reports.get(pick.question_id)
            if report is None:
                continue
            sources = {str(source.pk): source for source in report.sources}
            report.featured.append(
                {
                    "letter": pick.letter,
                    "parts": answer_parts(report.question, pick.answer.response, sources),
                }
            )
            report.picked_ids.add(pick.answer_id)

    @staticmethod
    def _add_candidates(answers, reports):
        rows = (
            answers.filter(question__kind__in=FEATURABLE_KINDS)
            .select_related("submission__student")
            .order_by("submission__student__last_name", "submission__student__first_name", "pk")
        )
        for answer in rows:
            report = reports[answer.question_id]
            student = answer.submission.student
            sources = {str(source.pk): source for source in report.sources}
            parts = answer_parts(report.question, answer.response, sources)
            words = " · ".join(text for _, text in parts if text)
            report.candidates.append(
                {
                    "pk": answer.pk,
                    "student": student.get_full_name() or student.username,
                    "excerpt": Truncator(words).chars(200),
                }
            )


def _rating_chart(report, rows):
    labels = report.question.settings.get("labels") or DEFAULT_RATING_LABELS
    counts = Counter()
    for row in rows:
        rating = row["response__rating"]
        if rating is not None:
            counts[int(rating)] += row["n"]
    answered = sum(counts.values())
    report.unanswered = report.answers - answered
    key = (report.question.key or {}).get("rating")
    bars = [
        Bar(f"{value} · {label}", counts.get(value, 0), answered, key=value == key)
        for value, label in zip(range(1, 6), labels, strict=False)
    ]
    report.mean = (
        round(sum(value * n for value, n in counts.items()) / answered, 1) if answered else None
    )
    report.chart = BarChart(f"{report.slug}-ratings", "Ratings given by the class", bars)


def _comparison_chart(report, rows):
    counts = Counter()
    for row in rows:
        choice = row["response__choice"]
        if choice is not None:
            counts[str(choice)] += row["n"]  # SQLite hands back "12" as 12
    answered = sum(counts.values())
    report.unanswered = report.answers - answered
    key = str((report.question.key or {}).get("choice") or "")
    bars = [
        Bar(source.label, counts.get(str(source.pk), 0), answered, key=str(source.pk) == key)
        for source in report.sources
    ]
    report.chart = BarChart(
        f"{report.slug}-choices", "Which source the class judged more reliable", bars
    )


def _choice_chart(report, rows):
    counts = Counter()
    answered = 0
    for row in rows:
        selected = row["response__selected"] or []
        if selected:
            answered += row["n"]
        for option_id in selected:
            counts[str(option_id)] += row["n"]
    report.unanswered = report.answers - answered
    correct = {str(c) for c in (report.question.key or {}).get("correct") or []}
    options = report.question.settings.get("options") or []
    bars = []
    for position, option in enumerate(options):
        letter = chr(ord("A") + position)
        option_id = str(option["id"])
        bars.append(
            Bar(
                f"{letter}. {option['text']}",
                counts.get(option_id, 0),
                answered,
                key=option_id in correct,
                detail=option["text"],
            )
        )
    wrong = [bar for bar in bars if not bar.key and bar.count]
    if correct and wrong:
        most = max(bar.count for bar in wrong)
        report.most_chosen_wrong = [bar for bar in wrong if bar.count == most]
        for bar in report.most_chosen_wrong:
            bar.flagged = True
    report.chart = BarChart(f"{report.slug}-options", "Options chosen by the class", bars)
