"""The autosave's access rule (access.open_to_student, written in SQL for speed) agrees with
the assignment page's (Assignment.objects.for_student, composed with the ORM): in every
situation below, a student may save an answer exactly when they may open the page, whether
or not they had started the work before the situation arose (a started student's save is
the one-statement fast path, which trusts this rule alone)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exercises.models import Answer, Assignment, Question
from tests import factories

from .conftest import add_question, autosave


def _situation(name, student, *, started):
    """An assignment with one rating question on one source, arranged as `name` says; if
    `started`, the student had saved an answer (revision 1) before it was so arranged."""
    classroom = factories.ClassroomFactory()
    enrolment = factories.EnrollmentFactory(classroom=classroom, student=student)
    assignment = factories.AssignmentFactory(classroom=classroom)
    source = factories.SourceFactory()
    question = add_question(
        assignment,
        Question.Kind.RATING,
        [source],
        settings={"enquiry": "The 1936 trial", "min_justification": 0},
        key={"rating": 2},
    )
    if started:
        submission = factories.SubmissionFactory(assignment=assignment, student=student)
        factories.AnswerFactory(
            submission=submission, question=question, response={"rating": 1, "justification": ""}
        )
    if name == "another class's work":
        enrolment.delete()  # the student left the class (or was never in it)
    elif name == "a draft":
        assignment.status = Assignment.Status.DRAFT
    elif name == "not open yet":
        assignment.opens_at = timezone.now() + timedelta(hours=1)
    elif name == "set for other students":
        assignment.save()
        assignment.chosen_students.set([factories.StudentFactory()])
    elif name == "set for them and others":
        assignment.save()
        assignment.chosen_students.set([factories.StudentFactory(), student])
    assignment.save()
    return question


SITUATIONS = {
    "their class's published work": True,
    "set for them and others": True,
    "another class's work": False,
    "a draft": False,
    "not open yet": False,
    "set for other students": False,
}


@pytest.mark.parametrize("started", [False, True], ids=["first save", "started"])
@pytest.mark.parametrize("name", SITUATIONS)
def test_student_saves_an_answer_exactly_when_they_may_open_its_assignment(
    client, db, name, started
):
    student = factories.StudentFactory()
    question = _situation(name, student, started=started)
    client.force_login(student)

    save = autosave(client, question, revision=int(started), rating="2", justification="")
    page = client.get(question.assignment.get_absolute_url())

    assert (page.status_code == 200) is SITUATIONS[name]
    assert save.status_code == (200 if SITUATIONS[name] else 404), save.content
    saved = Answer.objects.filter(question=question, response__rating=2).exists()
    assert saved is SITUATIONS[name]


@pytest.mark.parametrize("started", [False, True], ids=["first save", "started"])
@pytest.mark.parametrize("name", SITUATIONS)
def test_a_question_without_sources_follows_the_same_rule(client, db, name, started):
    student = factories.StudentFactory()
    question = _situation(name, student, started=started)
    question.question_sources.all().delete()
    question.kind, question.settings, question.key = Question.Kind.WRITTEN, {}, {}
    question.save()
    Answer.objects.filter(question=question).update(response={"text": "Not yet."})
    client.force_login(student)

    save = autosave(client, question, revision=int(started), text="They were forced.")

    assert save.status_code == (200 if SITUATIONS[name] else 404), save.content
