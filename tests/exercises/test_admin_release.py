"""Releasing grades: only fully marked work reaches the pupils ("post graded only")."""

import pytest
from django.test import Client
from django.urls import reverse

from exercises.models import Grade
from tests import factories
from tests.exercises.desk import class_of, fast_password_hashing, handed_in, log_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(fast_password_hashing.__name__)]


@pytest.fixture
def teacher():
    return factories.DeskTeacherFactory()


@pytest.fixture
def assignment(teacher):
    return factories.AssignmentFactory(classroom=class_of(teacher))


@pytest.fixture
def as_teacher(client, teacher):
    return log_in(client, teacher)


def release(client, submissions):
    return client.post(
        reverse("admin:exercises_submission_changelist"),
        {"action": "release_grades", "_selected_action": [s.pk for s in submissions]},
        follow=True,
    )


def marked(submission, score=2):
    for answer in submission.answers.all():
        factories.GradeFactory(answer=answer, score=score)
    return submission


def test_release_holds_back_work_with_an_unmarked_answer_and_names_the_pupil(
    as_teacher, assignment
):
    done = marked(handed_in(assignment, answers=2))
    waiting = handed_in(
        assignment,
        factories.StudentFactory(first_name="Vera", last_name="Unmarked", username="pupil11"),
        answers=2,
    )
    factories.GradeFactory(answer=waiting.answers.first(), score=1)

    page = release(as_teacher, [done, waiting]).content.decode()

    done.refresh_from_db()
    waiting.refresh_from_db()
    assert done.is_released
    assert not waiting.is_released
    assert "Grades released for 1 submission." in page
    assert "1 submission was not released: Vera Unmarked (1 answer is waiting for a mark)." in page
    assert "pupil11" not in page


def test_student_never_sees_a_partial_total_as_their_mark(as_teacher, assignment):
    submission = handed_in(assignment, answers=2)
    first, second = submission.answers.order_by("pk")
    factories.GradeFactory(answer=first, score=3)
    factories.GradeFactory(answer=second, score=4)
    release(as_teacher, [submission])
    # A grade cleared after the release: one answer waits for a mark again.
    Grade.objects.filter(answer=second).update(score=None)

    student = log_in(Client(), submission.student)
    page = student.get(reverse("exercises:assignment", args=[assignment.pk])).content.decode()
    dashboard = student.get(reverse("exercises:dashboard")).content.decode()

    assert "Your mark:" not in page
    assert "once every answer is marked" in page
    assert "Mark:" not in dashboard
    assert "Being marked" in dashboard


def test_fully_marked_release_shows_the_total(as_teacher, assignment):
    submission = marked(handed_in(assignment, answers=2), score=3)
    release(as_teacher, [submission])
    student = log_in(Client(), submission.student)
    page = student.get(reverse("exercises:assignment", args=[assignment.pk])).content.decode()
    assert "Your mark: <strong>6 / 10</strong>" in page


def test_student_sees_the_teachers_reason_for_overriding_a_band(as_teacher, assignment):
    submission = handed_in(assignment)
    factories.GradeFactory(
        answer=submission.answers.get(),
        score=2,
        override_reason="Your sourcing is strong but you never reach a judgement.",
    )
    release(as_teacher, [submission])
    student = log_in(Client(), submission.student)
    page = student.get(reverse("exercises:assignment", args=[assignment.pk])).content.decode()
    assert "Your sourcing is strong but you never reach a judgement." in page


def test_grading_messages_name_the_pupil_with_proper_plurals(as_teacher, assignment):
    submission = handed_in(
        assignment,
        factories.StudentFactory(first_name="Nadia", last_name="Orlova", username="pupil11"),
        answers=2,
    )
    first, second = submission.answers.order_by("pk")
    data = {}
    for answer, score in ((first, "1"), (second, "")):
        prefix = f"answer-{answer.pk}-"
        data.update({prefix + "version": 0, prefix + "score": score, prefix + "feedback": ""})
        data.update({prefix + "override_reason": ""})
        data.update({"initial-" + prefix + f: "" for f in ("score", "feedback", "override_reason")})
    url = reverse("admin:exercises_submission_change", args=[submission.pk])
    page = as_teacher.post(url, data, follow=True).content.decode()
    assert "1 grade saved for Nadia Orlova." in page
    assert "for pupil11" not in page


def test_unlocking_logins_names_the_students(assignment, teacher, as_teacher):
    enrollment = factories.EnrollmentFactory(
        classroom=assignment.classroom,
        student=factories.StudentFactory(first_name="Ivan", last_name="Petrov"),
    )
    page = as_teacher.post(
        reverse("admin:exercises_enrollment_changelist"),
        {"action": "unlock_logins", "_selected_action": [enrollment.pk]},
        follow=True,
    ).content.decode()
    assert "Unlocked 1 student (Ivan Petrov); 0 failed login records cleared." in page


def test_unlocking_logins_needs_change_permission_on_enrolments_not_view(assignment):
    from django.contrib.auth.models import Permission

    viewer = factories.TeacherFactory()  # staff, may only look at enrolments
    viewer.user_permissions.add(Permission.objects.get(codename="view_enrollment"))
    assignment.classroom.teachers.add(viewer)
    enrollment = factories.EnrollmentFactory(classroom=assignment.classroom)
    client = log_in(Client(), viewer)
    changelist = reverse("admin:exercises_enrollment_changelist")
    assert client.get(changelist).status_code == 200
    assert "unlock_logins" not in client.get(changelist).content.decode()

    page = client.post(
        changelist, {"action": "unlock_logins", "_selected_action": [enrollment.pk]}, follow=True
    ).content.decode()
    assert "Unlocked" not in page
