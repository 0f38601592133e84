"""The pages bench/pages.py measures: who opens each one, and what is sent each time.

Every target picks its user and objects from the generated data by name (the same
`gen-…` rows at every size), so the small and the large database are measured on the
same kind of page: a student of class 0, their first assignment, its written question.
A target is a `Page` whose `step(i)` gives the i-th request; pages that change state
(an autosave bumps the revision, a submit closes the work) build each request from the
database as it is before that request, outside the timed part.
"""

import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from exercises.models import Answer, Question, Submission

PREFIX = "gen"
JSON = {"HTTP_ACCEPT": "application/json"}


@dataclass
class Request:
    user: object
    method: str
    url: str
    data: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


@dataclass
class Page:
    name: str
    step: object  # callable(i) -> Request
    # Called after each request with (i, response); raises if the request did not do
    # what it should have (a submit that did not submit).
    check: object = None


def _user(username):
    return get_user_model().objects.get(username=username)


def _reopen(submissions):
    """Put generated submissions back in progress so that a submit can be measured again."""
    ids = [s.pk for s in submissions]
    Submission.objects.filter(pk__in=ids).update(
        status=Submission.Status.IN_PROGRESS, submitted_at=None, late=False, released_at=None
    )
    Answer.objects.filter(submission__in=ids).update(auto_score=None)


def _fixed(name, user, url, method="get", data=None, extra=None):
    request = Request(user, method, url, data or {}, extra or {})
    return Page(name, lambda i: request)


def _autosave(name, submission, question, fields):
    url = reverse("exercises:save_answer", args=[submission.assignment_id, question.pk])
    answers = Answer.objects.filter(submission=submission, question=question)

    def step(i):
        revision = answers.values_list("revision", flat=True).first() or 0
        return Request(submission.student, "post", url, {**fields(i), "revision": revision}, JSON)

    def check(i, response):
        body = json.loads(response.content)
        assert body["ok"], body

    return Page(name, step, check)


def student_pages(repeat):
    """Source library, dashboard, assignment page, autosave, submit (confirm and POST)."""
    student = _user(f"{PREFIX}-student0-0")
    submission = (
        Submission.objects.filter(student=student)
        .select_related("assignment")
        .order_by("assignment__opens_at")
        .first()
    )
    _reopen([submission])
    assignment = submission.assignment
    questions = {q.kind: q for q in assignment.questions.order_by("order")}
    written, highlight = questions[Question.Kind.WRITTEN], questions[Question.Kind.HIGHLIGHT]
    text = highlight.question_sources.select_related("source").get().source.text
    end = text.index(".") + 1

    # Distinct submissions of other students, one per submit; reset to in progress.
    to_submit = list(
        Submission.objects.filter(student__username__startswith=f"{PREFIX}-student")
        .exclude(student=student)
        .select_related("student", "assignment")
        .order_by("assignment__opens_at", "student__username")[: repeat + 1]
    )
    if len(to_submit) < repeat + 1:
        raise SystemExit(f"Only {len(to_submit)} submissions to submit: lower --repeat.")
    _reopen(to_submit)

    def submit_step(i):
        s = to_submit[i]
        return Request(s.student, "post", reverse("exercises:submit", args=[s.assignment_id]))

    def submitted(i, response):
        status = Submission.objects.get(pk=to_submit[i].pk).status
        assert status == Submission.Status.SUBMITTED, f"submit {i}: still {status}"

    return [
        _fixed("unit page", None, reverse("sources:unit_detail", args=["great-purge"])),
        _fixed("source page", None, reverse("sources:source_detail", args=["great-purge", 10])),
        _fixed("student dashboard", student, reverse("exercises:dashboard")),
        _fixed("assignment page", student, assignment.get_absolute_url()),
        _autosave(
            "autosave (written)",
            submission,
            written,
            lambda i: {"text": f"Draft {i}: the confessions were coerced. " * 8},
        ),
        _autosave(
            "autosave (highlight)",
            submission,
            highlight,
            lambda i: {"ranges": json.dumps([{"start": 0, "end": end - (i % 2)}])},
        ),
        _fixed("submit confirm (GET)", student, reverse("exercises:submit", args=[assignment.pk])),
        Page("submit (POST)", submit_step, submitted),
    ]


def admin_pages(repeat):
    """The teacher's desk: submissions list, one submission's grading page, gradebook CSV.

    The generated teacher is a staff user; the admin needs them in the Teachers group."""
    teacher = _user(f"{PREFIX}-teacher0")
    teacher.groups.add(Group.objects.get(name="Teachers"))
    submission = (
        Submission.objects.filter(assignment__classroom__teachers=teacher)
        .select_related("assignment")
        .order_by("assignment__opens_at", "student__username")
        .first()
    )
    changelist = reverse("admin:exercises_submission_changelist")
    return [
        _fixed("admin submissions list (teacher)", teacher, changelist),
        _fixed("admin submissions list (superuser)", _user("admin"), changelist),
        _fixed(
            "admin submission page",
            teacher,
            reverse("admin:exercises_submission_change", args=[submission.pk]),
        ),
        _fixed(
            "gradebook export (CSV)",
            teacher,
            reverse("admin:exercises_assignment_gradebook", args=[submission.assignment_id]),
        ),
    ]


def pages(repeat):
    return student_pages(repeat) + admin_pages(repeat)
