"""Timed work and accommodations: the server's clock, extra time, extended due dates.

Time passing is simulated by moving a started submission's clock back in the database
(its start and deadline), as the other due-date tests move due dates: no test sleeps.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from exercises.models import Answer, Enrollment, Submission
from exercises.services import answering
from tests import factories

from .conftest import autosave
from .desk import class_of, log_in

NOTE = "NOTE-FOR-TEACHERS-ONLY: assessed for dyslexia"
ESSAY = "The confessions were read in open court, but nobody saw the interrogations."


def timed(world, minutes=60, **fields):
    for name, value in {"time_limit": minutes, **fields}.items():
        setattr(world.assignment, name, value)
    world.assignment.save()
    return world.assignment


def accommodate(world, **fields):
    Enrollment.objects.filter(classroom=world.classroom, student=world.student).update(**fields)


def start(client, world):
    return client.post(reverse("exercises:start", args=[world.assignment.pk]))


def page(client, world):
    return client.get(world.assignment.get_absolute_url())


def submit_url(world):
    return reverse("exercises:submit", args=[world.assignment.pk])


def submission_of(world):
    return Submission.objects.get(assignment=world.assignment, student=world.student)


def time_passes(world, **delta):
    """The student's clock has been running `delta` longer than it really has."""
    delta = timedelta(**delta)
    Submission.objects.filter(assignment=world.assignment, student=world.student).update(
        started_at=F("started_at") - delta, deadline=F("deadline") - delta
    )


def write(client, world, text=ESSAY, revision=0):
    return autosave(client, world.q["written"], revision, text=text)


# Starting and the clock ------------------------------------------------------------------


def test_opening_timed_work_starts_no_clock_until_the_student_presses_start(student_client, world):
    timed(world, 60)
    html = page(student_client, world).content.decode()
    assert "This is timed work: 60 minutes" in html and "Start: 60 minutes" in html
    assert not Submission.objects.exists()
    before = timezone.now()
    response = start(student_client, world)
    assert response.status_code == 302
    submission = submission_of(world)
    assert before <= submission.started_at <= timezone.now()
    assert submission.deadline == submission.started_at + timedelta(minutes=60)


def test_a_reload_or_a_second_start_does_not_reset_the_clock(student_client, world, client):
    timed(world, 60)
    start(student_client, world)
    first = submission_of(world).deadline
    time_passes(world, minutes=20)
    moved = submission_of(world).deadline
    assert moved == first - timedelta(minutes=20)
    start(student_client, world)  # a second tab's Start
    page(student_client, world)  # a reload
    assert submission_of(world).deadline == moved
    assert Submission.objects.count() == 1


def test_the_page_shows_the_time_left_and_the_servers_deadline(student_client, world):
    timed(world, 45)
    start(student_client, world)
    deadline = submission_of(world).deadline
    html = page(student_client, world).content.decode()
    assert 'class="timed-clock' in html
    assert f'data-deadline="{timezone.localtime(deadline).isoformat()}"' in html
    assert 'Time left: <strong class="time-left">44\xa0minutes' in html
    assert 'role="status"' in html and "aria-live" not in html.split("timed-clock")[1][:600]
    assert "js/timer.js" in html


def test_untimed_work_has_no_start_page_and_no_clock(student_client, world):
    html = page(student_client, world).content.decode()
    assert "timed-clock" not in html and "Start:" not in html
    assert submission_of(world).deadline is None


def test_the_preview_shows_no_clock(client, world):
    timed(world, 30)
    client.force_login(world.teacher)
    html = client.get(reverse("exercises:assignment_preview", args=[world.assignment.pk]))
    assert "timed-clock" not in html.content.decode()


def test_saving_timed_work_before_starting_is_refused_and_starts_nothing(student_client, world):
    timed(world, 60)
    response = write(student_client, world)
    assert response.status_code == 409
    assert "press Start" in response.json()["error"]
    assert not Submission.objects.exists() and not Answer.objects.exists()


def test_submitting_timed_work_before_starting_starts_nothing(student_client, world):
    timed(world, 60)
    response = student_client.post(submit_url(world))
    assert response.status_code == 302
    assert not Submission.objects.exists()


# At the limit -----------------------------------------------------------------------------


def test_autosave_goes_on_until_the_limit(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=59)
    response = write(student_client, world)
    assert response.status_code == 200
    assert submission_of(world).status == Submission.Status.IN_PROGRESS


def test_a_save_in_flight_just_after_the_limit_is_still_accepted(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=60, seconds=3)  # within the grace for saves in flight
    assert write(student_client, world).status_code == 200
    assert Answer.objects.get().response["text"] == ESSAY


def test_a_save_after_the_limit_is_refused_and_the_work_handed_in_with_what_was_saved(
    student_client, world
):
    timed(world, 60)
    start(student_client, world)
    write(student_client, world)
    time_passes(world, minutes=61)
    response = write(student_client, world, text="Written after the time was up.", revision=1)
    assert response.status_code == 409
    data = response.json()
    assert data["closed"] is True and data["error"].startswith("Time is up")
    submission = submission_of(world)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.timed_out and not submission.late
    assert submission.submitted_at == submission.deadline
    assert Answer.objects.get(question=world.q["written"]).response["text"] == ESSAY
    # Handed in like any submission: every question has its row, objective ones scored.
    assert submission.answers.count() == len(world.q)
    assert submission.answers.get(question=world.q["choice"]).auto_score == 0


def test_the_page_hands_in_work_whose_time_ran_out_when_the_student_comes_back(
    student_client, world
):
    timed(world, 60)
    start(student_client, world)
    write(student_client, world)
    time_passes(world, hours=3)
    html = page(student_client, world).content.decode()
    assert "handed in when the time ran out" in html
    assert "timed-clock" not in html and 'class="answer-form"' not in html
    assert submission_of(world).timed_out


def test_the_pages_hand_in_at_zero_counts_as_handed_in_at_the_deadline(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=60, seconds=1)  # timer.js posts as the clock reaches zero
    response = student_client.post(submit_url(world), follow=True)
    submission = submission_of(world)
    assert submission.timed_out and submission.submitted_at == submission.deadline
    assert "Time was up at" in response.content.decode()


def test_submitting_before_the_limit_is_an_ordinary_hand_in(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=30)
    student_client.post(submit_url(world))
    submission = submission_of(world)
    assert submission.status == Submission.Status.SUBMITTED and not submission.timed_out
    assert submission.submitted_at < submission.deadline


def test_the_confirmation_page_hands_in_work_whose_time_ran_out(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=90)
    response = student_client.get(submit_url(world), follow=True)
    assert "Time is up" in response.content.decode()
    assert submission_of(world).timed_out


def test_returned_timed_work_has_no_clock(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=90)
    page(student_client, world)
    answering.reopen(submission_of(world))
    html = page(student_client, world).content.decode()
    assert "timed-clock" not in html
    assert write(student_client, world).status_code == 200


def test_the_sweep_hands_in_only_work_whose_time_is_up(world, client):
    timed(world, 60)
    client.force_login(world.student)
    start(client, world)
    time_passes(world, minutes=75)
    other = factories.StudentFactory()
    factories.EnrollmentFactory(classroom=world.classroom, student=other)
    running, _ = answering.open_submission(world.assignment, other)
    untimed, _ = answering.open_submission(factories.AssignmentFactory(), other)
    out = StringIO()
    call_command("hand_in_timed_out", stdout=out)
    assert out.getvalue().strip() == "Handed in 1 timed submission whose time was up."
    assert submission_of(world).timed_out
    running.refresh_from_db()
    untimed.refresh_from_db()
    assert running.status == untimed.status == Submission.Status.IN_PROGRESS
    call_command("hand_in_timed_out", stdout=out)
    assert out.getvalue().strip().endswith("Handed in 0 timed submissions whose time was up.")


def test_the_dashboard_shows_timed_out_work_as_submitted(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=61)
    html = student_client.get(reverse("exercises:dashboard")).content.decode()
    assert "Submitted" in html and "In progress" not in html


# Accommodations -----------------------------------------------------------------------------


def test_extra_time_lengthens_the_clock(student_client, world):
    timed(world, 60)
    accommodate(world, extra_time_percent=25)
    html = page(student_client, world).content.decode()
    assert "This is timed work: 75 minutes" in html and "25% extra time" in html
    start(student_client, world)
    submission = submission_of(world)
    assert submission.deadline - submission.started_at == timedelta(minutes=75)
    time_passes(world, minutes=70)
    assert write(student_client, world).status_code == 200


def test_the_clock_stops_at_the_due_date_when_late_work_is_refused(student_client, world):
    timed(world, 60, due_at=timezone.now() + timedelta(minutes=20), accepts_late=False)
    assert "the clock stops at the due date" in page(student_client, world).content.decode()
    start(student_client, world)
    assert submission_of(world).deadline == world.assignment.due_at


def test_an_extended_due_date_moves_the_cap_of_the_clock(student_client, world):
    timed(world, 60, due_at=timezone.now() + timedelta(minutes=20), accepts_late=False)
    accommodate(world, extended_due_at=timezone.now() + timedelta(days=1))
    start(student_client, world)
    submission = submission_of(world)
    assert submission.deadline == submission.started_at + timedelta(minutes=60)


def test_timed_work_cannot_be_started_after_the_due_date_when_late_work_is_refused(
    student_client, world
):
    timed(world, 60, due_at=timezone.now() - timedelta(minutes=1), accepts_late=False)
    assert "Start:" not in page(student_client, world).content.decode()
    response = start(student_client, world)
    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_timed_work_handed_in_by_the_clock_after_the_due_date_is_late(student_client, world):
    timed(world, 60, due_at=timezone.now() + timedelta(minutes=30), accepts_late=True)
    start(student_client, world)
    time_passes(world, minutes=61)
    Submission.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    world.assignment.due_at = timezone.now() - timedelta(minutes=2)
    world.assignment.save()
    page(student_client, world)
    submission = submission_of(world)
    assert submission.timed_out and submission.late


def test_an_extended_due_date_means_work_after_the_class_due_date_is_not_late(
    student_client, world
):
    timed(world, None, due_at=timezone.now() - timedelta(hours=1), accepts_late=False)
    accommodate(world, extended_due_at=timezone.now() + timedelta(days=2))
    html = page(student_client, world).content.decode()
    assert "does not accept late work" not in html
    student_client.post(submit_url(world))
    submission = submission_of(world)
    assert submission.status == Submission.Status.SUBMITTED and not submission.late


def test_the_dashboard_shows_the_students_own_due_date_and_the_time_limit(student_client, world):
    timed(world, 45, due_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 9)))
    accommodate(world, extended_due_at=timezone.make_aware(timezone.datetime(2026, 3, 9, 9)))
    html = student_client.get(reverse("exercises:dashboard")).content.decode()
    assert "Due <time" in html and "Monday 9 March, 09:00" in html
    assert "2 March" not in html
    assert "Timed: 45 minutes" in html


def test_without_an_extension_the_same_work_is_refused(student_client, world):
    timed(world, None, due_at=timezone.now() - timedelta(hours=1), accepts_late=False)
    accommodate(world, extended_due_at=timezone.now() - timedelta(days=2))  # an old one
    student_client.post(submit_url(world))
    assert submission_of(world).status == Submission.Status.IN_PROGRESS


def test_the_teachers_note_is_never_shown_to_students(student_client, world):
    timed(world, 60)
    accommodate(world, extra_time_percent=50, accommodation_note=NOTE)
    pages = [page(student_client, world)]
    start(student_client, world)
    pages += [
        page(student_client, world),
        student_client.get(submit_url(world)),
        student_client.get(reverse("exercises:dashboard")),
        write(student_client, world),
    ]
    for response in pages:
        assert response.status_code == 200
        assert "NOTE-FOR-TEACHERS-ONLY" not in response.content.decode()


# The teacher's desk ---------------------------------------------------------------------------


@pytest.fixture
def desk_teacher(world):
    teacher = factories.DeskTeacherFactory()
    world.classroom.teachers.add(teacher)
    return teacher


def enrollment_url(world):
    enrollment = Enrollment.objects.get(classroom=world.classroom, student=world.student)
    return reverse("admin:exercises_enrollment_change", args=[enrollment.pk])


def test_teacher_sets_accommodations_on_the_enrolment_and_the_running_clock_follows(
    client, world, desk_teacher
):
    timed(world, 60)
    student = log_in(client, world.student)
    start(student, world)
    started = submission_of(world).started_at
    other_class = factories.ClassroomFactory()
    teacher = log_in(client, desk_teacher)
    response = teacher.post(
        enrollment_url(world),
        {
            "extra_time_percent": 50,
            "extended_due_at_0": "",
            "extended_due_at_1": "",
            "accommodation_note": NOTE,
            "classroom": other_class.pk,  # not a field the teacher can change here
        },
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(student=world.student)
    assert enrollment.classroom == world.classroom
    assert (enrollment.extra_time_percent, enrollment.accommodation_note) == (50, NOTE)
    assert submission_of(world).deadline == started + timedelta(minutes=90)


def test_an_accommodation_out_of_range_is_refused(client, world, desk_teacher):
    teacher = log_in(client, desk_teacher)
    response = teacher.post(enrollment_url(world), {"extra_time_percent": 1000})
    assert response.status_code == 200
    assert Enrollment.objects.get(student=world.student).extra_time_percent == 0


def test_another_classes_teacher_cannot_see_or_set_accommodations(client, world):
    stranger = factories.DeskTeacherFactory()
    class_of(stranger)
    response = log_in(client, stranger).post(
        enrollment_url(world), {"extra_time_percent": 50}, follow=True
    )
    assert "doesn’t exist" in response.content.decode()
    assert Enrollment.objects.get(student=world.student).extra_time_percent == 0


def test_the_grading_list_shows_accommodations_and_work_handed_in_by_the_clock(
    client, world, desk_teacher
):
    timed(world, 60)
    accommodate(
        world,
        extra_time_percent=25,
        extended_due_at=timezone.make_aware(timezone.datetime(2026, 5, 5, 12)),
        accommodation_note=NOTE,
    )
    start(log_in(client, world.student), world)
    time_passes(world, minutes=80)
    teacher = log_in(client, desk_teacher)
    html = teacher.get(reverse("admin:exercises_submission_changelist")).content.decode()
    # Handed in by the list itself (lazily) and marked as such.
    assert submission_of(world).timed_out
    assert "+25% · due 5 May · note" in html
    assert f'title="{NOTE}"' in html
    assert "time ran out" in html


def test_the_grading_page_hands_in_work_whose_time_ran_out(client, world, desk_teacher):
    timed(world, 60)
    start(log_in(client, world.student), world)
    time_passes(world, minutes=61)
    submission = submission_of(world)
    teacher = log_in(client, desk_teacher)
    url = reverse("admin:exercises_submission_change", args=[submission.pk])
    assert teacher.get(url).status_code == 200
    assert submission_of(world).timed_out


def change_assignment(teacher, world, **fields):
    """Post the assignment's change form in the desk as it is, with `fields` changed."""
    url = reverse("admin:exercises_assignment_change", args=[world.assignment.pk])
    opens = timezone.localtime(world.assignment.opens_at)
    data = {
        "classroom": world.classroom.pk,
        "title": world.assignment.title,
        "status": world.assignment.status,
        "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "accepts_late": "on",
        "time_limit": world.assignment.time_limit or "",
        "assignment_sources-TOTAL_FORMS": 0,
        "assignment_sources-INITIAL_FORMS": 0,
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
        **fields,
    }
    response = teacher.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.assignment.refresh_from_db()


def test_changing_the_time_limit_moves_the_running_clocks(client, world, desk_teacher):
    timed(world, 60)
    start(log_in(client, world.student), world)
    started = submission_of(world).started_at
    change_assignment(log_in(client, desk_teacher), world, time_limit=90)
    assert world.assignment.time_limit == 90
    assert submission_of(world).deadline == started + timedelta(minutes=90)


def test_a_time_limit_added_later_does_not_time_work_already_started(client, world, desk_teacher):
    page(log_in(client, world.student), world)  # started while untimed
    Submission.objects.update(started_at=timezone.now() - timedelta(days=2))
    change_assignment(log_in(client, desk_teacher), world, time_limit=30)
    assert world.assignment.time_limit == 30
    assert submission_of(world).deadline is None
    assert write(log_in(client, world.student), world).status_code == 200


def test_autosave_answers_are_json_even_when_refused_by_the_clock(student_client, world):
    timed(world, 60)
    start(student_client, world)
    time_passes(world, minutes=65)
    response = write(student_client, world)
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["ok"] is False
