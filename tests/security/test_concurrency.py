"""Requests that race: the database settles them, and nothing is lost or recorded twice.

Each test sends two requests at the same instant over HTTP, from two threads with their own
database connections. A barrier holds both at the entry of the service that writes (so the
two really overlap there), then lets them go together; what happens next is up to the
database's guarantees (row locks, unique constraints, conditional updates), not timing.
Each race is run several times.

Needs PostgreSQL (SQLite lets one writer in at a time, so nothing can race there):
DATABASE_URL=postgres://... .ci/run runs the suite on PostgreSQL too.
"""

import threading
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from exercises.models import Answer, Grade, Submission
from exercises.services import answering, grading

from .conftest import build_world

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://..."
    ),
]

ROUNDS = 3


@pytest.fixture
def world(transactional_db):
    return build_world()


def logged_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def together(*requests, meeting_at):
    """Run each request (a function of no arguments) in its own thread. Each waits for the
    others at the entry of the functions named in `meeting_at` ((module, name) pairs), then
    all go on at once. Returns their results, in order."""
    # A request that never reaches the service breaks the barrier after the timeout, and
    # the other then fails: a race that did not happen cannot pass for one that was won.
    barrier = threading.Barrier(len(requests), timeout=20)
    originals = {(module, name): getattr(module, name) for module, name in meeting_at}

    def waiting(real):
        def meet(*args, **kwargs):
            barrier.wait()
            return real(*args, **kwargs)

        return meet

    results = [None] * len(requests)
    errors = []

    def run(index, request):
        try:
            results[index] = request()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    for (module, name), real in originals.items():
        setattr(module, name, waiting(real))
    try:
        threads = [
            threading.Thread(target=run, args=(index, request))
            for index, request in enumerate(requests)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for (module, name), real in originals.items():
            setattr(module, name, real)
    assert not errors, errors
    return results


def texts_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Two submits of one submission --------------------------------------------------------------


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_submits_at_once_record_one(world, round_):
    mine = world.mine
    url = reverse("exercises:submit", args=[mine.assignment.pk])
    first, second = logged_in(mine.student), logged_in(mine.student)

    responses = together(
        lambda: first.post(url),
        lambda: second.post(url),
        meeting_at=[(answering, "submit")],
    )

    assert [response.status_code for response in responses] == [302, 302]
    said = sorted(texts_of(response)[0] for response in responses)
    assert said[0].startswith("Submitted at")
    assert said[1] == answering.AlreadySubmitted.message
    submission = Submission.objects.get(pk=mine.submission.pk)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_at is not None
    # Scored once: one answer row per question, none made twice.
    assert submission.answers.count() == mine.assignment.questions.count()


# Two autosaves of one answer ----------------------------------------------------------------


def autosave(client, question, revision, text):
    url = reverse("exercises:save_answer", args=[question.assignment_id, question.pk])
    return client.post(url, {"revision": revision, "text": text}, HTTP_ACCEPT="application/json")


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("first_save", [False, True], ids=["existing answer", "first save"])
def test_two_autosaves_of_one_answer_apply_one_and_refuse_the_other(world, round_, first_save):
    mine = world.mine
    written = mine.questions["written"]
    if first_save:
        Answer.objects.filter(pk=mine.answer.pk).delete()
    revision = 0 if first_save else mine.answer.revision
    tab, other_tab = logged_in(mine.student), logged_in(mine.student)

    responses = together(
        lambda: autosave(tab, written, revision, "Typed in the first tab"),
        lambda: autosave(other_tab, written, revision, "Typed in the second tab"),
        meeting_at=[(answering, "save_own_answer")],
    )

    assert sorted(response.status_code for response in responses) == [200, 409]
    applied = next(r for r in responses if r.status_code == 200).json()
    refused = next(r for r in responses if r.status_code == 409).json()
    answer = Answer.objects.get(submission=mine.submission, question=written)
    assert answer.revision == revision + 1 == applied["revision"]
    sent = {id(tab): "Typed in the first tab", id(other_tab): "Typed in the second tab"}
    winner = tab if responses[0].status_code == 200 else other_tab
    assert answer.response == {"text": sent[id(winner)]}
    # The refused tab is told about the version that won, and keeps its own text.
    assert refused["conflict"] is True and refused["revision"] == answer.revision


# Grading a reopened submission while the student edits it ------------------------------------


class FormFields(HTMLParser):
    """The fields of a page's forms as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea = {}, None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "radio"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            # A browser drops the newline that follows <textarea>.
            start = not self.fields[self._textarea]
            self.fields[self._textarea] += data.lstrip("\n") if start else data


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_grading_while_the_student_edits_reopened_work_loses_neither(world, round_):
    mine = world.mine
    written = mine.questions["written"]
    submission = mine.handed_in  # handed in by the classmate, then returned for revision
    grading.return_for_revision(Submission.objects.filter(pk=submission.pk))
    answer = submission.answers.get(question=written)
    teacher, student = logged_in(mine.teacher), logged_in(mine.classmate)

    grading_url = reverse("admin:exercises_submission_change", args=[submission.pk])
    page = FormFields()
    page.feed(teacher.get(grading_url).content.decode())
    posted = {**page.fields}
    posted[f"answer-{answer.pk}-score"] = "4"
    posted[f"answer-{answer.pk}-feedback"] = "Better: now use the provenance."

    responses = together(
        lambda: teacher.post(grading_url, posted),
        lambda: autosave(student, written, answer.revision, "Revised after the feedback"),
        meeting_at=[(grading, "save_grades"), (answering, "save_own_answer")],
    )

    graded, saved = responses
    assert graded.status_code == 302, texts_of(graded)
    assert saved.status_code == 200, saved.content
    answer.refresh_from_db()
    assert answer.response == {"text": "Revised after the feedback"}
    assert answer.revision == 2
    grade = Grade.objects.get(answer=answer)
    assert (grade.score, grade.feedback) == (4, "Better: now use the provenance.")
    assert grade.graded_by == mine.teacher
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.RETURNED
