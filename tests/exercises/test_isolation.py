"""What a student may see: only their own work, and the key only once grades are released."""

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.models import Submission
from exercises.services import answering
from tests import factories

from .conftest import SECRETS, autosave


def student_pages(world):
    return [
        reverse("exercises:dashboard"),
        world.assignment.get_absolute_url(),
        reverse("exercises:submit", args=[world.assignment.pk]),
    ]


def graded_and_submitted(client, world, *, released):
    """The student answers and submits; the teacher grades every answer."""
    autosave(client, world.q["written"], text="My own words.")
    autosave(client, world.q["rating"], rating="2", justification="He was in Moscow.")
    client.post(reverse("exercises:submit", args=[world.assignment.pk]))
    submission = Submission.objects.get(student=world.student)
    for answer in submission.answers.all():
        grade = factories.GradeFactory(answer=answer, score=2, feedback=SECRETS["feedback"])
        factories.CriterionGradeFactory(grade=grade, criterion_name="Sourcing", level_name="Secure")
    if released:
        submission.released_at = timezone.now()
        submission.save()
    return submission


def assert_no_secrets(text):
    for secret in SECRETS.values():
        assert secret not in text


def test_a_student_never_sees_another_students_answers(client, world):
    other = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=world.classroom, student=other)
    client.force_login(other)
    autosave(client, world.q["written"], text="OTHER-STUDENTS-ANSWER")
    client.force_login(world.student)
    for url in student_pages(world):
        assert "OTHER-STUDENTS-ANSWER" not in client.get(url, follow=True).content.decode()


def test_a_student_cannot_save_into_another_students_submission(client, world):
    other = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=world.classroom, student=other)
    client.force_login(world.student)
    autosave(client, world.q["written"], text="Mine")
    client.force_login(other)
    autosave(client, world.q["written"], revision=1, text="Theirs")
    answers = {
        a.submission.student_id: a.response["text"] for a in world.q["written"].answers.all()
    }
    assert answers == {world.student.pk: "Mine", other.pk: "Theirs"}


def test_nothing_secret_before_release_on_any_page_or_json(student_client, world):
    for url in student_pages(world):
        assert_no_secrets(student_client.get(url, follow=True).content.decode())
    for question in world.q.values():
        assert_no_secrets(autosave(student_client, question).content.decode())
    stale = autosave(student_client, world.q["written"], revision=0, text="again")
    assert stale.status_code == 409
    assert_no_secrets(stale.content.decode())


def test_nothing_secret_after_submitting_but_before_release(student_client, world):
    graded_and_submitted(student_client, world, released=False)
    html = student_client.get(world.assignment.get_absolute_url()).content.decode()
    assert_no_secrets(html)
    assert "Secure" not in html and "Mark:" not in html
    assert_no_secrets(student_client.get(reverse("exercises:dashboard")).content.decode())


def test_nothing_secret_in_the_teachers_preview(client, world):
    client.force_login(world.teacher)
    url = reverse("exercises:assignment_preview", args=[world.assignment.pk])
    assert_no_secrets(client.get(url).content.decode())


def test_after_release_the_student_sees_marks_levels_feedback_and_model_answers(
    student_client, world
):
    graded_and_submitted(student_client, world, released=True)
    html = student_client.get(world.assignment.get_absolute_url()).content.decode()
    assert SECRETS["model_answer"] in html and SECRETS["feedback"] in html
    assert "Sourcing" in html and "Secure" in html
    assert "Your mark: <strong>14 / 35</strong>" in html
    assert "(expected: 2 – Of little reliability)" in html


def test_auto_score_shows_where_the_teacher_gave_no_mark(student_client, world):
    autosave(student_client, world.q["choice"], selected=["a", "b"])
    student_client.post(reverse("exercises:submit", args=[world.assignment.pk]))
    submission = Submission.objects.get(student=world.student)
    submission.released_at = timezone.now()
    submission.save()
    html = student_client.get(world.assignment.get_absolute_url()).content.decode()
    assert '<span class="score">5</span> / 5' in html


def test_returned_work_shows_feedback_but_not_the_key(student_client, world):
    submission = graded_and_submitted(student_client, world, released=True)
    answering.reopen(submission)
    html = student_client.get(world.assignment.get_absolute_url()).content.decode()
    assert SECRETS["feedback"] in html
    assert SECRETS["model_answer"] not in html and "expected:" not in html


def test_dashboard_shows_the_released_grade_with_a_new_badge_until_opened(student_client, world):
    graded_and_submitted(student_client, world, released=True)
    dashboard = reverse("exercises:dashboard")
    html = student_client.get(dashboard).content.decode()
    assert "14 / 35" in html and "new-badge" in html
    student_client.get(world.assignment.get_absolute_url())
    assert Submission.objects.get(student=world.student).release_seen
    assert "new-badge" not in student_client.get(dashboard).content.decode()


def test_dashboard_hides_the_grade_before_release(student_client, world):
    graded_and_submitted(student_client, world, released=False)
    html = student_client.get(reverse("exercises:dashboard")).content.decode()
    assert "14 / 35" not in html and "Submitted" in html


@pytest.mark.parametrize(
    "state, label",
    [
        ("none", "Not started"),
        ("open", "In progress"),
        ("submitted", "Submitted"),
        ("late", "Submitted late"),
        ("returned", "Returned for revision"),
    ],
)
def test_dashboard_shows_where_the_student_is(student_client, world, state, label):
    if state != "none":
        submission, _ = answering.open_submission(world.assignment, world.student)
        statuses = {"submitted": "submitted", "late": "submitted", "returned": "returned"}
        submission.status = statuses.get(state, "in_progress")
        submission.late = state == "late"
        submission.save()
    html = student_client.get(reverse("exercises:dashboard")).content.decode()
    assert f'assignment-status">{label}</span>' in html


def test_dashboard_lists_an_assignment_not_yet_open_without_a_link(student_client, world):
    world.assignment.opens_at = timezone.now() + timezone.timedelta(days=3)
    world.assignment.save()
    html = student_client.get(reverse("exercises:dashboard")).content.decode()
    assert "Opens " in html and world.assignment.get_absolute_url() not in html


def test_dashboard_leaves_out_drafts_and_other_classes(student_client, world):
    factories.AssignmentFactory(classroom=world.classroom, title="DRAFT-TITLE", status="draft")
    factories.AssignmentFactory(title="OTHER-CLASS-TITLE")
    html = student_client.get(reverse("exercises:dashboard")).content.decode()
    assert "DRAFT-TITLE" not in html and "OTHER-CLASS-TITLE" not in html
    assert world.assignment.title in html
