"""How a class answered an assignment: the numbers and pictures for the follow-up discussion.

`AssignmentReport.build(assignment)` runs a fixed number of queries whatever the size of the
class. The database does the counting: one grouped query counts answers by the response keys the
kinds name (ratings, chosen sources, chosen options); one query of conditional counts gives
what kinds ask for in `analytics_counts` (verdicts per source); one grouped query counts
rubric levels. Only the answers of kinds that need them whole (a heat map needs every
marked range of every answer) are fetched, in one query. Each kind then builds its panel
(`QuestionKind.analytics`); this module is the frame and dispatches through the registry.

Only submitted work counts: a submission with status "submitted" (and so a submitted_at).
Work "returned for revision" is being changed by its student again, so like work in
progress it counts as still working, not as the class's answer.

Charts are laid out in Python (kinds/shared/charts.py, the kinds' own) so that templates
only place them as inline SVG: nothing is computed in a template and no script draws
anything.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q
from django.utils.text import Truncator

from .kinds import KINDS, kind_named
from .kinds.shared.charts import Bar, BarChart
from .kinds.shared.counting import Counted
from .models import (
    Answer,
    CriterionGrade,
    FeaturedAnswer,
    QuestionSource,
    Submission,
)

# Kinds with words a teacher may want to show the class ("Why did you trust Duranty?").
FEATURABLE_KINDS = tuple(name for name, kind in KINDS.items() if kind.featurable)


# The report ------------------------------------------------------------------------------


@dataclass
class QuestionReport:
    """What the class did with one question; which parts are filled depends on its kind."""

    question: object  # a models.Question
    number: int
    sources: list
    answers: int = 0  # submitted answers saved for this question
    panel: dict = field(default_factory=dict)  # the kind's own (QuestionKind.analytics)
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
    def rules(self):
        """The question's kind; raises UnknownKind rather than showing no panel."""
        return kind_named(self.question.kind)

    @property
    def unanswered(self):
        """Saved but without a rating / choice / selection (the kind's panel says)."""
        return self.panel.get("unanswered", 0)

    @property
    def unanswered_phrase(self):
        return self.rules.unanswered_phrase

    @property
    def slug(self):
        return f"q{self.question.pk}"

    @property
    def template_name(self):
        return self.rules.template("analytics")

    @property
    def featurable(self):
        return self.question.kind in FEATURABLE_KINDS


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

    @property
    def kind_stylesheets(self):
        """The stylesheets of the kinds whose panels are on the page, each once."""
        stylesheets = (report.rules.stylesheet for report in self.questions)
        return list(dict.fromkeys(stylesheet for stylesheet in stylesheets if stylesheet))

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
        cls._count_answers(answers, list(reports.values()))
        cls._count_rubric_levels(assignment, answers, reports)
        cls._add_featured(assignment, reports)
        if with_candidates and any(report.featurable for report in reports.values()):
            cls._add_candidates(answers, reports)
        return cls(assignment, progress, list(reports.values()))

    # At most three queries whatever the kinds: one grouped by the response keys the kinds
    # name, one of the kinds' conditional counts, one of the responses kinds need whole.
    @staticmethod
    def _count_answers(answers, reports):
        present = {report.rules.name: report.rules for report in reports}
        grouped = [
            f"response__{key}"
            for kind in KINDS.values()
            if kind.name in present
            for key in kind.analytics_grouped
        ]
        rows = defaultdict(list)
        grouping = answers.values("question_id", *dict.fromkeys(grouped))
        for row in grouping.annotate(n=Count("pk")).order_by():
            rows[row["question_id"]].append(row)
        aliases, counts = {}, {}
        for report in reports:
            kind_aliases, kind_counts = report.rules.analytics_counts(
                report.question, report.sources
            )
            aliases.update(kind_aliases)
            counts.update(kind_counts)
        totals = answers.alias(**aliases).aggregate(**counts) if counts else {}
        responses = defaultdict(list)
        fetching = [name for name, kind in present.items() if kind.analytics_fetches_answers]
        if fetching:
            fetched = answers.filter(question__kind__in=fetching).values_list(
                "question_id", "response"
            )
            for question_id, response in fetched:
                responses[question_id].append(response or {})
        for report in reports:
            question_rows = rows.get(report.question.pk, [])
            report.answers = sum(row["n"] for row in question_rows)
            counted = Counted(
                slug=report.slug,
                answers=report.answers,
                rows=question_rows,
                totals=totals,
                responses=responses.get(report.question.pk, []),
            )
            report.panel = report.rules.analytics(report.question, report.sources, counted)

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
