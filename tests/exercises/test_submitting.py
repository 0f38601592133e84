"""Handing work in: confirmation, submit once, late work, read-only answers, reopening."""

import json
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from exercises.models import Answer, Submission
from exercises.services import answering

from .conftest import DAILY_WORKER, autosave


def submit_url(world):
    return reverse("exercises:submit", args=[world.assignment.pk])


def submission_of(world):
    return Submission.objects.get(student=world.student, assignment=world.assignment)


def test_confirmation_lists_unanswered_and_incomplete_questions(student_client, world):
    autosave(student_client, world.q["written"], text="A full answer.")
    autosave(student_client, world.q["rating"], rating="2", justification="Short")
    html = student_client.get(submit_url(world)).content.decode()
    assert "6 of 7 questions are not finished" in html
    assert "no rating chosen" not in html
    assert "the justification is shorter than 20 characters" in html
    assert f'#question-{world.q["opvl"].pk}">Question 3</a> (OPVL' in html
    assert f'#question-{world.q["written"].pk}"' not in html
    assert "Submit my answers" in html


def test_confirmation_page_does_not_submit(student_client, world):
    student_client.get(submit_url(world))
    assert submission_of(world).status == Submission.Status.IN_PROGRESS


def test_submitting_makes_the_answers_read_only(student_client, world):
    autosave(student_client, world.q["written"], text="Final words.")
    response = student_client.post(submit_url(world), follow=True)
    html = response.content.decode()
    submission = submission_of(world)
    assert submission.status == Submission.Status.SUBMITTED and submission.submitted_at
    assert "Submitted at" in html and "Final words." in html
    assert 'class="answer-form' not in html and "<textarea" not in html


def test_saving_into_submitted_work_is_refused(student_client, world):
    student_client.post(submit_url(world))
    response = autosave(student_client, world.q["written"], text="Too late to change")
    assert response.status_code == 409
    assert "has been submitted" in response.json()["error"]
    assert not Answer.objects.filter(response__text="Too late to change").exists()


def test_submitting_twice_changes_nothing_the_second_time(student_client, world):
    student_client.post(submit_url(world))
    first = submission_of(world)
    response = student_client.post(submit_url(world), follow=True)
    second = submission_of(world)
    assert Submission.objects.count() == 1
    assert second.submitted_at == first.submitted_at
    assert "already submitted" in response.content.decode()
    assert response.redirect_chain[-1][0] == world.assignment.get_absolute_url()


def test_objective_questions_are_scored_at_submit(student_client, world):
    q = world.q
    start = DAILY_WORKER.index("Fascist agent Trotsky")
    autosave(
        student_client, q["highlight"], ranges=json.dumps([{"start": start, "end": start + 21}])
    )
    autosave(student_client, q["choice"], selected=["a"])
    student_client.post(submit_url(world))
    scores = {a.question_id: a.auto_score for a in Answer.objects.all()}
    assert scores[q["highlight"].pk] == Decimal("5.00")
    assert scores[q["choice"].pk] == Decimal("2.50")
    assert scores[q["matrix"].pk] == Decimal("0.00")  # unanswered objective question
    assert scores[q["written"].pk] is None  # left to the teacher


def test_every_question_has_an_answer_row_after_submitting(student_client, world):
    student_client.post(submit_url(world))
    assert Answer.objects.count() == len(world.q)


def test_work_submitted_after_the_due_date_is_marked_late(student_client, world):
    world.assignment.due_at = timezone.now() - timedelta(hours=1)
    world.assignment.save()
    html = student_client.get(submit_url(world)).content.decode()
    assert "will be marked late" in html
    response = student_client.post(submit_url(world), follow=True)
    assert submission_of(world).late
    assert "marked late" in response.content.decode()


def test_work_submitted_on_time_is_not_late(student_client, world):
    world.assignment.due_at = timezone.now() + timedelta(hours=1)
    world.assignment.save()
    student_client.post(submit_url(world))
    assert not submission_of(world).late


def test_late_work_is_refused_when_the_assignment_does_not_accept_it(student_client, world):
    world.assignment.due_at = timezone.now() - timedelta(hours=1)
    world.assignment.accepts_late = False
    world.assignment.save()
    html = student_client.get(submit_url(world)).content.decode()
    assert "does not accept late work" in html and "Submit my answers" not in html
    response = student_client.post(submit_url(world), follow=True)
    assert submission_of(world).status == Submission.Status.IN_PROGRESS
    assert "does not accept late work" in response.content.decode()


def test_reopen_returns_submitted_work_for_revision(student_client, world):
    student_client.post(submit_url(world))
    submission = submission_of(world)
    assert answering.reopen(submission) is True
    assert submission.status == Submission.Status.RETURNED
    html = student_client.get(world.assignment.get_absolute_url()).content.decode()
    assert "returned this work for revision" in html and 'class="answer-form' in html
    assert autosave(student_client, world.q["written"], text="Revised").status_code == 200


def test_reopen_does_nothing_to_work_in_progress(world):
    submission, _ = answering.open_submission(world.assignment, world.student)
    assert answering.reopen(submission) is False
    assert submission.status == Submission.Status.IN_PROGRESS


def test_returned_work_can_be_submitted_again_after_the_due_date(student_client, world):
    student_client.post(submit_url(world))
    world.assignment.due_at = timezone.now() - timedelta(hours=1)
    world.assignment.accepts_late = False
    world.assignment.save()
    answering.reopen(submission_of(world))
    student_client.post(submit_url(world))
    submission = submission_of(world)
    assert submission.status == Submission.Status.SUBMITTED and not submission.late


def test_confirmation_of_submitted_work_redirects_to_it(student_client, world):
    student_client.post(submit_url(world))
    response = student_client.get(submit_url(world))
    assert response.status_code == 302
    assert response["Location"] == world.assignment.get_absolute_url()
