"""Helpers for the teacher's desk (admin) tests: two teachers' classes with work in them."""

import pytest
from django.utils import timezone

from exercises.models import Question, Submission
from tests import factories


@pytest.fixture
def fast_password_hashing(settings):
    """Factories set a password on every user: hash it cheaply in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, user):
    client.force_login(user)
    return client


def class_of(teacher, **kwargs):
    return factories.ClassroomFactory(teachers=[teacher], **kwargs)


def handed_in(assignment, student=None, *, answers=1, late=False, **kwargs):
    """A submitted submission of `assignment` with a written answer to each of its first
    `answers` questions (questions are made if the assignment has too few)."""
    student = student or factories.StudentFactory()
    factories.EnrollmentFactory(classroom=assignment.classroom, student=student)
    submission = factories.SubmissionFactory(
        assignment=assignment,
        student=student,
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
        late=late,
        **kwargs,
    )
    questions = list(assignment.questions.order_by("order", "id"))
    while len(questions) < answers:
        questions.append(
            factories.QuestionFactory(assignment=assignment, kind=Question.Kind.WRITTEN)
        )
    for question in questions[:answers]:
        factories.AnswerFactory(submission=submission, question=question)
    return submission


def desk(teacher_factory=factories.DeskTeacherFactory):
    """Teacher A and teacher B, each with a class, an assignment and a handed-in submission."""

    class Desk:
        pass

    d = Desk()
    for name in ("a", "b"):
        teacher = teacher_factory()
        classroom = class_of(teacher, name=f"Class of {name.upper()}")
        assignment = factories.AssignmentFactory(
            classroom=classroom, title=f"Trials {name.upper()}"
        )
        submission = handed_in(assignment)
        setattr(d, f"teacher_{name}", teacher)
        setattr(d, f"class_{name}", classroom)
        setattr(d, f"assignment_{name}", assignment)
        setattr(d, f"submission_{name}", submission)
        setattr(d, f"question_{name}", assignment.questions.get())
        setattr(d, f"answer_{name}", submission.answers.get())
    return d
