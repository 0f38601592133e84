"""Reads for progress across the year: a class's markbook (marks per assignment, levels per
historical-thinking skill) and a student's own progress page.

A student's level on a skill in one assignment comes from the share of the marks they
earned on what was tagged with that skill there: the rubric criteria tagged with it, and
the questions tagged with it that are marked without a rubric (a rubric question shows its
skills through its criteria, so it is not counted twice). The share is read on the scale of
the Stanford History Education Group's assessments: under a third Basic, under two thirds
Emergent, else Proficient (0, 1 and 2 of 2 are Basic, Emergent and Proficient).

Every function here runs the same few queries whatever the number of students and
assignments: rows are read in bulk, then grouped in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce

from .models import Answer, Assignment, CriterionGrade, Level, Skill

ANSWER_SCORE = Coalesce("grade__score", "auto_score")


class SkillLevel(models.IntegerChoices):
    BASIC = 0, "Basic"
    EMERGENT = 1, "Emergent"
    PROFICIENT = 2, "Proficient"

    @classmethod
    def of_share(cls, earned, possible):
        if not possible:
            return None
        share = Decimal(earned) / Decimal(possible)
        if share * 3 < 1:
            return cls.BASIC
        if share * 3 < 2:
            return cls.EMERGENT
        return cls.PROFICIENT


TREND_WORDS = {"up": "Improving", "down": "Falling", "flat": "Steady"}


@dataclass
class SkillEvidence:
    """What one assignment showed of one skill for one student."""

    assignment_id: int
    title: str
    opens_at: object
    earned: Decimal = Decimal(0)
    possible: Decimal = Decimal(0)
    comments: list = field(default_factory=list)

    @property
    def level(self):
        return SkillLevel.of_share(self.earned, self.possible)

    @property
    def level_label(self):
        level = self.level
        return "" if level is None else level.label

    def add(self, earned, possible, comment):
        self.earned += earned
        self.possible += possible
        if comment and comment not in self.comments:
            self.comments.append(comment)


@dataclass
class SkillRecord:
    """A student's levels on one skill, oldest first."""

    skill: str
    evidence: list

    @property
    def label(self):
        return Skill(self.skill).label

    def last(self, count=3):
        return self.evidence[-count:]

    @property
    def trend(self):
        """ "up", "down" or "flat" from the first to the last of the last three levels
        ("" with fewer than two)."""
        levels = [entry.level for entry in self.last()]
        if len(levels) < 2:
            return ""
        if levels[-1] > levels[0]:
            return "up"
        if levels[-1] < levels[0]:
            return "down"
        return "flat"

    @property
    def trend_words(self):
        return TREND_WORDS.get(self.trend, "Too early to tell")

    def below(self, threshold, count):
        """Each of the last `count` levels is under `threshold` (and there is one)."""
        last = self.last(count)
        return bool(last) and all(entry.level < threshold for entry in last)


def skill_records(answers, criterion_grades):
    """{student id: {skill: SkillRecord}} from the answers and criterion grades given
    (querysets, filtered by the caller to a class or a student, released or not)."""
    evidence = {}

    def entry(student_id, skill, assignment_id, title, opens_at):
        key = (student_id, skill, assignment_id)
        if key not in evidence:
            evidence[key] = SkillEvidence(assignment_id, title, opens_at)
        return evidence[key]

    scored = Q(grade__score__isnull=False) | Q(auto_score__isnull=False)
    tagged_answers = (
        answers.filter(scored, question__rubric__isnull=True)
        .exclude(question__skill="")
        .order_by()
        .values_list(
            "submission__student_id",
            "question__skill",
            "submission__assignment_id",
            "submission__assignment__title",
            "submission__assignment__opens_at",
            ANSWER_SCORE,
            "question__points",
            "grade__feedback",
        )
    )
    for student_id, skill, *assignment, score, points, feedback in tagged_answers:
        entry(student_id, skill, *assignment).add(score, points, feedback)

    tagged_grades = (
        criterion_grades.filter(criterion__isnull=False)
        .exclude(criterion__skill="")
        .order_by()
        .values_list(
            "grade__answer__submission__student_id",
            "criterion__skill",
            "grade__answer__submission__assignment_id",
            "grade__answer__submission__assignment__title",
            "grade__answer__submission__assignment__opens_at",
            "points",
            "criterion_id",
            "grade__feedback",
        )
    )
    rows = list(tagged_grades)
    # The most a criterion gives: its top level's mark, read once for every criterion used.
    tops = dict(
        Level.objects.filter(criterion__in={row[6] for row in rows})
        .order_by()
        .values("criterion")
        .annotate(top=Max("max_points"))
        .values_list("criterion", "top")
    )
    for student_id, skill, *assignment, points, criterion_id, feedback in rows:
        entry(student_id, skill, *assignment).add(points, tops.get(criterion_id, 0), feedback)

    records = defaultdict(dict)
    grouped = defaultdict(list)
    for (student_id, skill, _), item in evidence.items():
        if item.possible:
            grouped[(student_id, skill)].append(item)
    for (student_id, skill), items in grouped.items():
        items.sort(key=lambda item: (item.opens_at, item.assignment_id))
        records[student_id][skill] = SkillRecord(skill, items)
    return records


# A class's markbook -------------------------------------------------------------------------


@dataclass
class Mark:
    """A student's marks on one assignment, as far as they are given."""

    earned: Decimal | None
    possible: Decimal | None
    awaiting: bool = False
    set_for_student: bool = True

    @property
    def percent(self):
        if self.earned is None or not self.possible or self.awaiting:
            return None
        return round(self.earned * 100 / self.possible)


@dataclass
class MarkbookRow:
    student: object
    marks: list
    skills: dict

    @property
    def name(self):
        return self.student.get_full_name() or self.student.username

    def skill(self, skill):
        return self.skills.get(skill)

    @property
    def skill_cells(self):
        return [(skill, self.skills.get(skill)) for skill in Skill.values]


@dataclass
class Markbook:
    classroom: object
    assignments: list
    rows: list

    def sorted_by(self, key):
        """Rows sorted by "name" or by an assignment's percentage ("a<id>"), "-" for
        descending; an unknown key sorts by name. Students without a mark come last."""
        descending = key.startswith("-")
        bare = key.lstrip("-")
        positions = {f"a{a.pk}": index for index, a in enumerate(self.assignments)}
        rows = sorted(self.rows, key=lambda row: (row.student.last_name.lower(), row.name))
        if bare in positions:
            index = positions[bare]
            with_mark = [row for row in rows if row.marks[index].percent is not None]
            without = [row for row in rows if row.marks[index].percent is None]
            with_mark.sort(key=lambda row: row.marks[index].percent, reverse=descending)
            return with_mark + without
        return list(reversed(rows)) if descending and bare == "name" else rows

    def weak_in(self, skill, threshold, count):
        """Students whose last `count` levels on `skill` are all below `threshold`."""
        return [
            row
            for row in self.rows
            if (record := row.skill(skill)) is not None and record.below(threshold, count)
        ]


def markbook(classroom):
    """The markbook of a class: its students (A–Z) against its published assignments
    (oldest first), and each student's levels per skill. Unreleased marks count: this is
    the teachers' view."""
    User = get_user_model()
    assignments = list(
        Assignment.objects.published()
        .filter(classroom=classroom)
        .annotate(total_points=Sum("questions__points"))
        .order_by("opens_at", "pk")
    )
    students = list(
        User.objects.filter(enrollments__classroom=classroom).order_by(
            "last_name", "first_name", "pk"
        )
    )
    chosen = defaultdict(set)
    for assignment_id, student_id in Assignment.chosen_students.through.objects.filter(
        assignment__in=assignments
    ).values_list("assignment_id", "user_id"):
        chosen[assignment_id].add(student_id)
    answers = Answer.objects.filter(
        submission__assignment__classroom=classroom,
        submission__assignment__status=Assignment.Status.PUBLISHED,
        submission__student__enrollments__classroom=classroom,
    )
    totals = {
        (row["submission__student_id"], row["submission__assignment_id"]): row
        for row in answers.order_by()
        .values("submission__student_id", "submission__assignment_id")
        .annotate(
            earned=Sum(ANSWER_SCORE),
            awaiting=Count("pk", filter=Q(grade__score__isnull=True, auto_score__isnull=True)),
        )
    }
    records = skill_records(
        answers, CriterionGrade.objects.filter(grade__answer__in=answers.values("pk"))
    )
    rows = []
    for student in students:
        marks = []
        for assignment in assignments:
            given = totals.get((student.pk, assignment.pk))
            chosen_for = chosen[assignment.pk]
            marks.append(
                Mark(
                    earned=given["earned"] if given else None,
                    possible=assignment.total_points,
                    awaiting=bool(given and given["awaiting"]),
                    set_for_student=not chosen_for or student.pk in chosen_for,
                )
            )
        rows.append(MarkbookRow(student, marks, records.get(student.pk, {})))
    return Markbook(classroom, assignments, rows)


# A student's own progress -------------------------------------------------------------------


def student_progress(student):
    """The student's levels per skill over time, from their released work only, with the
    feedback that came with it: [SkillRecord] in the order of `Skill`."""
    answers = Answer.objects.filter(
        submission__student=student, submission__released_at__isnull=False
    )
    records = skill_records(
        answers, CriterionGrade.objects.filter(grade__answer__in=answers.values("pk"))
    ).get(student.pk, {})
    return [records[skill] for skill in Skill.values if skill in records]
