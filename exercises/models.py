"""Classes, assignments, questions, students' submissions and answers, rubrics and grades.

Shapes of the JSON fields, per question kind (see `exercises.kinds` for the rules):

    rating      settings {enquiry, min_justification, labels[5]}; key {rating} (optional);
                response {rating, justification}
    comparison  settings {enquiry, min_justification}; key {choice: source id};
                response {choice, justification}
    opvl        settings {enquiry}; response {origin, purpose, value, limitation}
    highlight   settings {instruction}; key {ranges: [{start, end, quote}]};
                response {ranges: [{start, end, quote}]}
    matrix      settings {claim}; key {verdicts: {source id: verdict}}; response {verdicts}
    choice      settings {options: [{id, text}], multiple}; key {correct: [option ids]};
                response {selected: [option ids]}
    written     settings {length: short|extended, min_length}; response {text}
    sequence    settings {items: [{id, text}] in the students' first order};
                key {order: [item ids]}; response {order: [item ids]}

Matrix verdicts are "supports", "challenges" or "silent". Source ids are strings in JSON.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sources.models import Source

from . import access
from .kinds import kind_named

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


def new_join_code():
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


class ClassroomQuerySet(models.QuerySet):
    def taught_by(self, user):
        return access.taught(self, user)


class Classroom(models.Model):
    """A class: one or more teachers and the students enrolled in it."""

    name = models.CharField(max_length=200)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="classes_taught")
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Enrollment",
        related_name="classes_attended",
        blank=True,
    )
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        verbose_name = "class"
        verbose_name_plural = "classes"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Enrollment(models.Model):
    """A student's place in a class, with the accommodations their teacher set for them.

    Extra time lengthens every timed assignment of the class; the extended due date moves
    every due date of the class that falls before it to it. The note is for teachers only:
    no student's page ever reads it.
    """

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    extra_time_percent = models.PositiveSmallIntegerField(
        "extra time (%)",
        default=0,
        validators=[MaxValueValidator(300)],
        help_text="Added to every time limit of this class, e.g. 25 for 25% extra time.",
    )
    extended_due_at = models.DateTimeField(
        "extended due date",
        null=True,
        blank=True,
        help_text="Work of this class due before this moment may be handed in until then.",
    )
    accommodation_note = models.TextField(
        "note for teachers",
        blank=True,
        help_text="Why, and anything else to remember. Never shown to students.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="enrollment_unique")
        ]

    def __str__(self):
        # Named as teachers know pupils (full name, else username), like every desk message.
        return f"{self.student.get_full_name() or self.student.username} in {self.classroom}"

    @property
    def has_accommodation(self):
        return bool(self.extra_time_percent or self.extended_due_at)


class RubricQuerySet(models.QuerySet):
    def editable_in_place_by(self, user):
        """The rubrics `user` may change as they are (see `Rubric.editable_in_place_by`)."""
        if user.is_superuser:
            return self
        used_elsewhere = Question.objects.filter(rubric=OuterRef("pk")).exclude(
            assignment__classroom__in=Classroom.objects.taught_by(user).values("pk")
        )
        return self.filter(owner=user).exclude(Exists(used_elsewhere))


class Skill(models.TextChoices):
    """The four habits of reading like a historian (as in the Stanford History Education
    Group's assessments): a rubric criterion or a question may be tagged with one, to follow
    a student's progress across the year."""

    SOURCING = "sourcing", "Sourcing"
    CONTEXTUALIZATION = "contextualization", "Contextualization"
    CORROBORATION = "corroboration", "Corroboration"
    CLOSE_READING = "close_reading", "Close reading"


SKILL_HELP = "The historical-thinking skill this shows, for the markbook and students' progress."
OBJECTIVE_HELP = "Optional: the exam's assessment objective, e.g. “AO3 sources”."


def skill_field():
    return models.CharField(
        "historical-thinking skill",
        max_length=20,
        choices=Skill.choices,
        blank=True,
        help_text=SKILL_HELP,
    )


def objective_field():
    return models.CharField(
        "assessment objective", max_length=100, blank=True, help_text=OBJECTIVE_HELP
    )


class Rubric(models.Model):
    """A reusable mark scheme: criteria, each with levels of response and a band of marks.

    A teacher's rubric has them as its owner; a rubric without one (made by an
    administrator, or loaded with the demo) is the shared library's. One teacher's edits
    never change what another teacher's questions are marked with: a teacher changes a
    rubric in place only when it is theirs and no question of a class they do not teach
    uses it. Otherwise they make their own copy (`services.rubric_copies`), which takes
    over their questions only. A superuser may change any rubric in place.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rubrics",
        help_text="The teacher whose rubric this is; empty for the shared library's rubrics.",
    )

    objects = RubricQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def editable_in_place_by(self, user):
        """Whether `user`'s edits may change this rubric itself, not a copy of it."""
        return Rubric.objects.filter(pk=self.pk).editable_in_place_by(user).exists()


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    skill = skill_field()
    objective = objective_field()

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name_plural = "criteria"

    def __str__(self):
        return f"{self.rubric}: {self.name}"


class Level(models.Model):
    """A level of response: the grader picks it, then a mark within its band."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100)
    descriptor = models.TextField()
    min_points = models.DecimalField(max_digits=6, decimal_places=2)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["criterion", "order", "min_points"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_points__gte=0) & Q(max_points__gte=models.F("min_points")),
                name="level_band_valid",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.min_points}-{self.max_points})"


class AssignmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Assignment.Status.PUBLISHED)

    def for_student(self, user):
        """Published assignments of the classes the student is enrolled in, set for the
        whole class or for a few students among whom they are."""
        chosen = Assignment.chosen_students.through.objects.filter(assignment=OuterRef("pk"))
        return access.studied(self.published(), user).filter(
            ~Exists(chosen) | Exists(chosen.filter(user=user))
        )

    def for_teacher(self, user):
        return access.taught(self, user)

    def shared_by_colleagues_of(self, user):
        """Assignments colleagues share with the department, of classes `user` does not
        teach (their own are in their own lists already)."""
        return self.filter(shared_with_colleagues=True).exclude(classroom__teachers=user)

    def with_accommodations(self, student):
        """Annotate the student's own due date (`student_due_at`) and extra time
        (`student_extra_time`), read from their enrolment in the same query."""
        enrollment = Enrollment.objects.filter(classroom=OuterRef("classroom"), student=student)
        return self.annotate(
            student_extended_due_at=Subquery(enrollment.values("extended_due_at")[:1]),
            student_extra_time=Subquery(enrollment.values("extra_time_percent")[:1]),
        )


class Assignment(models.Model):
    """A set of questions on some sources, given to one class."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="assignments", verbose_name="class"
    )
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, through="AssignmentSource", related_name="+")
    opens_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    accepts_late = models.BooleanField("accept late work", default=True)
    time_limit = models.PositiveSmallIntegerField(
        "time limit (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text="Leave empty for untimed work. The clock starts when a student presses Start; "
        "at the limit the work is handed in with what was saved.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    shared_with_colleagues = models.BooleanField(
        "share with colleagues",
        default=False,
        help_text="Colleagues see it in the department library and may copy it into their "
        "own classes: its questions, sources and rubrics, never students' work.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Follow-up work for a few students of the class; nobody chosen: the whole class.
    chosen_students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assignments_chosen_for",
        verbose_name="set for these students only",
        help_text="Leave empty to set the work for the whole class.",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "title"]
        indexes = [models.Index(fields=["classroom", "status"], name="assignment_class_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exercises:assignment", args=[self.pk])

    def is_open(self, now=None):
        return self.status == self.Status.PUBLISHED and self.opens_at <= (now or timezone.now())

    def is_late(self, now=None, due_at=None):
        due_at = due_at or self.due_at
        return due_at is not None and (now or timezone.now()) > due_at

    def due_for(self, extended_due_at=None):
        """The due date for a student whose enrolment has this extended due date (or none):
        the later of the two. Untimed-by-date work stays without a due date."""
        if self.due_at is None or extended_due_at is None:
            return self.due_at
        return max(self.due_at, extended_due_at)

    @property
    def student_due_at(self):
        """The due date of the student this assignment was read for (`with_accommodations`)."""
        return self.due_for(getattr(self, "student_extended_due_at", None))

    @property
    def refuses_late_work_now(self):
        """Past the due date of the student it was read for, and late work is refused."""
        return not self.accepts_late and self.is_late(due_at=self.student_due_at)

    def deadline_for(self, started_at, extra_time_percent=0, due_at=None):
        """When timed work started at `started_at` ends: the time limit plus the student's
        extra time, but never after their due date if late work is not accepted."""
        if not self.time_limit:
            return None
        minutes = self.time_limit * (100 + (extra_time_percent or 0)) / 100
        deadline = started_at + timedelta(minutes=minutes)
        due_at = due_at or self.due_at
        if due_at is not None and not self.accepts_late:
            deadline = min(deadline, max(due_at, started_at))
        return deadline


class AssignmentSource(models.Model):
    """The sources an assignment uses, in the order the student reads them."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="assignment_sources"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assignment", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "source"], name="assignment_source_unique"
            )
        ]

    def __str__(self):
        return f"{self.assignment_id}: source {self.source_id}"


class Question(models.Model):
    """One question of an assignment. Its kind decides the shape of settings, key, response."""

    class Kind(models.TextChoices):
        RATING = "rating", "Reliability rating"
        COMPARISON = "comparison", "Comparison"
        OPVL = "opvl", "OPVL (origin, purpose, value, limitation)"
        HIGHLIGHT = "highlight", "Highlight passages"
        MATRIX = "matrix", "Corroboration matrix"
        CHOICE = "choice", "Choice"
        WRITTEN = "written", "Written answer"
        SEQUENCE = "sequence", "Sequence (chronological order)"
        GROUPING = "grouping", "Grouping (sort sources into categories)"
        INTERPRETATION = "interpretation", "Interpretation (how far do you agree?)"
        IMAGE_REGIONS = "image_regions", "Image regions (mark parts of a visual source)"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    prompt = models.TextField()
    points = models.DecimalField(max_digits=6, decimal_places=2, default=5)
    sources = models.ManyToManyField(Source, through="QuestionSource", related_name="+", blank=True)
    settings = models.JSONField(default=dict, blank=True)
    # Never shown to a student before their grade is released.
    key = models.JSONField("answer key", default=dict, blank=True)
    model_answer = models.TextField(blank=True)
    rubric = models.ForeignKey(
        Rubric, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    # A question marked with a rubric shows its skills through the rubric's criteria: its
    # own tag counts only for a question without a rubric (see exercises/progress.py).
    skill = skill_field()
    objective = objective_field()

    class Meta:
        ordering = ["assignment", "order", "id"]

    def __str__(self):
        return f"Q{self.order}: {self.prompt[:60]}"

    KIND_LOCKED = (
        "Students have answered this question, so its kind cannot change: their answers and "
        "scores belong to the kind they answered. Add a new question instead."
    )

    @classmethod
    def from_db(cls, db, field_names, values):
        question = super().from_db(db, field_names, values)
        # The kind as stored, to tell whether a form is changing it (see clean()).
        question._stored_kind = question.__dict__.get("kind")
        return question

    def clean(self):
        """An answered question keeps its kind: a choice answer's `{'selected': [...]}` and
        its score mean nothing to a rating question, and would still count."""
        super().clean()
        stored = getattr(self, "_stored_kind", None)
        if self.pk and stored and self.kind != stored and self.answers.exists():
            raise ValidationError({"kind": self.KIND_LOCKED})

    @property
    def rules(self):
        """The kind's rules (`exercises.kinds`): validation, scoring, completeness."""
        return kind_named(self.kind)

    def clean_response(self, data, sources):
        """Validate a student's response against this question and its (ordered) sources."""
        return self.rules.clean_response(data, self.settings, sources)

    def auto_score(self, response, sources):
        return self.rules.score(response, self.settings, self.key, self.points, sources)


class QuestionSource(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="question_sources"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "source"], name="question_source_unique")
        ]

    def __str__(self):
        return f"{self.question_id}: source {self.source_id}"


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A student sees their own; a teacher the submissions of their classes."""
        return access.submissions_seen(self, user)


class Submission(models.Model):
    """A student's work on one assignment: at most one per student and assignment."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for revision"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    # Grades, feedback and model answers reach the student only once this is set.
    released_at = models.DateTimeField(null=True, blank=True)
    # The student has not yet opened their released grade (for "new" marks on the dashboard).
    release_seen = models.BooleanField(default=False)
    # When the student last opened their released work: marks and comments given after it
    # are "new" to them (on the dashboard and beside each question).
    feedback_seen_at = models.DateTimeField(null=True, blank=True)
    # Timed work: when the clock runs out (time limit + extra time, capped by the due date),
    # fixed when the student starts so that a reload or a second tab cannot reset it.
    deadline = models.DateTimeField(null=True, blank=True)
    # Handed in by the clock rather than by the student.
    timed_out = models.BooleanField("handed in when time ran out", default=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="submission_unique_per_student"
            )
        ]
        indexes = [
            models.Index(fields=["assignment", "status"], name="submission_assignment_status"),
            # The sweep of timed work whose time is up reads only running clocks.
            models.Index(
                fields=["deadline"],
                name="submission_running_clock",
                condition=Q(status="in_progress", deadline__isnull=False),
            ),
        ]

    def __str__(self):
        name = self.student.get_full_name() or self.student.username
        return f"{name} – {self.assignment}"

    def time_is_up(self, now=None, grace=timedelta(0)):
        """The clock of timed work still in progress has run out (plus `grace`)."""
        return (
            self.status == self.Status.IN_PROGRESS
            and self.deadline is not None
            and (now or timezone.now()) > self.deadline + grace
        )

    @property
    def is_editable(self):
        return self.status in (self.Status.IN_PROGRESS, self.Status.RETURNED)

    @property
    def is_released(self):
        return self.released_at is not None


class Answer(models.Model):
    """A student's response to one question. `revision` counts saves: a save must name the
    revision it was based on, so a stale browser tab cannot overwrite newer work."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    response = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)
    # Filled in for objective kinds when the submission is submitted (or rescored).
    auto_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # The response as it stood when the teacher returned the work for revision, so the
    # resubmission can show them what the student changed (answers keep no history).
    returned_response = models.JSONField(null=True, blank=True)

    # No default ordering: it joined the questions into every query of answers (a per-row
    # subquery became a scan of every question). Pages that list answers order them.
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="answer_unique_per_question"
            )
        ]

    def __str__(self):
        return f"Answer to {self.question_id} in {self.submission_id}"


class Grade(models.Model):
    """A teacher's mark and feedback on one answer.

    Kept apart from the answer so that a teacher grading and a student editing a reopened
    submission never write the same row. `version` is bumped on every save: a grader's form
    carries the version it was loaded with, and a save against an older version is refused.
    The rubric's words and points are copied into `CriterionGrade` when given, so editing
    a rubric later never rewrites an old grade.
    """

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="grade")
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    feedback = models.TextField(blank=True)
    override_reason = models.CharField(max_length=300, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grades_given",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    # "Green pen": the student must answer this feedback when the work comes back to them.
    response_required = models.BooleanField(
        "ask the student to respond",
        default=False,
        help_text="When the work is returned for revision, the student writes a response.",
    )

    history = HistoricalRecords()

    def __str__(self):
        return f"Grade of answer {self.answer_id}: {self.score}"


class CriterionGrade(models.Model):
    """The level a grader chose for one criterion, as the rubric said it when chosen."""

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="criterion_grades")
    criterion = models.ForeignKey(Criterion, on_delete=models.SET_NULL, null=True, blank=True)
    level = models.ForeignKey(Level, on_delete=models.SET_NULL, null=True, blank=True)
    criterion_name = models.CharField(max_length=200)
    level_name = models.CharField(max_length=100)
    level_descriptor = models.TextField(blank=True)
    band_min = models.DecimalField(max_digits=6, decimal_places=2)
    band_max = models.DecimalField(max_digits=6, decimal_places=2)
    points = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["grade", "id"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "criterion"], name="criterion_grade_unique")
        ]

    def __str__(self):
        return f"{self.criterion_name}: {self.level_name} ({self.points})"


FEATURED_PER_QUESTION = 3


class FeaturedAnswer(models.Model):
    """An answer the teacher picked to show the class in the follow-up discussion.

    At most three per question (order 0, 1, 2: shown as "Student A", "B", "C"), kept by
    the database as well as the form. The student's name is never shown with it.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="featured_answers"
    )
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "answer"], name="featured_answer_once"),
            models.UniqueConstraint(fields=["question", "order"], name="featured_answer_place"),
            models.CheckConstraint(
                condition=Q(order__lt=FEATURED_PER_QUESTION), name="featured_answer_at_most_three"
            ),
        ]

    def __str__(self):
        return f"Student {self.letter} on question {self.question_id}"

    @property
    def letter(self):
        return "ABC"[self.order]


COMMENT_CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9]{1,12}$", "A code is one to twelve letters or digits, e.g. P1."
)


class CommentBankEntryQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A teacher's own bank. Banks are private: another teacher's entries are neither
        shown nor editable (a superuser sees every bank, as everywhere on the desk)."""
        if user.is_superuser:
            return self
        return self.filter(owner=user)


class CommentBankEntry(models.Model):
    """A teacher's reusable comment for one criterion of a rubric, at one level (or any).

    Tied to the rubric's criterion, not to an assignment, so it is offered wherever that
    rubric marks a question, this year and next. The short code (e.g. "P1") typed in a
    feedback box as `#P1` inserts the text; codes are unique per teacher.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_bank"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="bank_comments")
    level = models.ForeignKey(
        Level,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bank_comments",
        help_text="Leave empty to offer it at every level of the criterion.",
    )
    code = models.CharField(
        max_length=12,
        validators=[COMMENT_CODE_VALIDATOR],
        help_text="Typed as #code in a feedback box to insert the comment, e.g. P1.",
    )
    text = models.TextField(max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommentBankEntryQuerySet.as_manager()

    class Meta:
        ordering = ["criterion", "level__order", "code"]
        verbose_name = "bank comment"
        verbose_name_plural = "comment bank"
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="bank_comment_code_unique")
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"

    def clean(self):
        super().clean()
        if self.level_id and self.criterion_id and self.level.criterion_id != self.criterion_id:
            raise ValidationError({"level": "Choose a level of this criterion."})


class AnchoredComment(models.Model):
    """A teacher's comment on some words of a student's answer (one text field of it).

    The words are kept with their place (`start`, `end`, `quote`), so that when the
    student revises the answer the comment follows the words to where they now stand
    (`kinds.shared.ranges.reanchor`); where the words are gone it is shown apart, never on
    other words. The student reads it once the grade is released.
    """

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="anchored_comments")
    field = models.CharField(max_length=40)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    comment = models.TextField(max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # "Green pen": the student must answer this comment when the work comes back to them.
    response_required = models.BooleanField("ask the student to respond", default=False)

    class Meta:
        ordering = ["answer", "field", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="anchor_not_empty")
        ]

    def __str__(self):
        return f"“{self.quote[:40]}”: {self.comment[:60]}"


class FeedbackResponse(models.Model):
    """A student's answer to feedback the teacher asked them to respond to ("green pen").

    To a comment on words of the answer (`comment`), or, without one, to the answer's
    overall feedback. Written by the student on the assignment page while the work is
    returned for revision; the teacher reads it beside the changes when it comes back.
    Kept apart from the grade and the comment, which only the teacher writes.
    """

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="feedback_responses")
    comment = models.ForeignKey(
        AnchoredComment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
    )
    text = models.TextField(max_length=2000)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answer", "comment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "comment"],
                condition=Q(comment__isnull=False),
                name="feedback_response_once_per_comment",
            ),
            models.UniqueConstraint(
                fields=["answer"],
                condition=Q(comment__isnull=True),
                name="feedback_response_once_per_feedback",
            ),
        ]

    def __str__(self):
        return f"Response on answer {self.answer_id}: {self.text[:60]}"
