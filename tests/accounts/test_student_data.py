"""Students' data: an administrator exports one student's data as JSON, and anonymises or
erases a student on request (docs/privacy.md)."""

import io
import json

import pytest
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from exercises.models import Answer, Enrollment, Grade, Submission
from tests import factories

User = get_user_model()
pytestmark = pytest.mark.django_db


def give_work(student, classroom, assignments=1, feedback="Use the provenance of source 10."):
    """`assignments` graded submissions of `student` in `classroom`, one answer each."""
    factories.EnrollmentFactory(classroom=classroom, student=student)
    for n in range(assignments):
        assignment = factories.AssignmentFactory(classroom=classroom, title=f"The trials {n}")
        submission = factories.SubmittedSubmissionFactory(assignment=assignment, student=student)
        answer = factories.AnswerFactory(
            submission=submission, response={"text": "Duranty was in the courtroom."}
        )
        grade = factories.GradeFactory(answer=answer, score=4, feedback=feedback)
        factories.CriterionGradeFactory(grade=grade)
        grade.score = 5  # a second version in the grade's history
        grade.save()


@pytest.fixture
def pupil(db):
    pupil = factories.StudentFactory(username="pupil7", email="pupil7@school.example")
    give_work(pupil, factories.ClassroomFactory(name="Year 12 History"))
    factories.SocialAccountFactory(user=pupil, uid="subject-7")
    AccessAttempt.objects.create(
        username="pupil7", ip_address="10.0.0.1", failures_since_start=2, user_agent="Firefox"
    )
    AccessFailureLog.objects.create(username="pupil7", ip_address="10.0.0.1", user_agent="x")
    return pupil


@pytest.fixture
def classmate(db):
    classmate = factories.StudentFactory(username="classmate")
    give_work(classmate, factories.ClassroomFactory(), feedback="Compare with Trotsky.")
    return classmate


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def export(username):
    out = io.StringIO()
    call_command("export_student_data", username, stdout=out)
    return json.loads(out.getvalue())


def run_action(client, action, users, confirmed=True):
    data = {"action": action, "_selected_action": [u.pk for u in users]}
    if confirmed:
        data["post"] = "yes"
    return client.post(reverse("admin:auth_user_changelist"), data)


def test_export_holds_answers_grades_feedback_enrolments_log_ins_and_sso_links(pupil, classmate):
    data = export("pupil7")

    assert data["account"]["username"] == "pupil7"
    assert data["account"]["email"] == "pupil7@school.example"
    assert data["enrolments"][0]["class"] == "Year 12 History"
    (submission,) = data["submissions"]
    (answer,) = submission["answers"]
    assert answer["response"] == {"text": "Duranty was in the courtroom."}
    assert answer["grade"]["score"] == "5.00"
    assert answer["grade"]["feedback"] == "Use the provenance of source 10."
    assert answer["grade"]["criteria"][0]["level"] == "Proficient"
    assert [h["score"] for h in answer["grade"]["history"]] == ["4.00", "5.00"]
    assert data["single_sign_on"][0]["subject"] == "subject-7"
    assert data["log_in_records"]["locked_out_attempts"][0]["failures_since_start"] == 2
    assert len(data["log_in_records"]["failed_logins"]) == 1
    assert "Compare with Trotsky." not in json.dumps(data)  # the classmate's feedback


def test_exporting_takes_the_same_number_of_queries_for_one_assignment_or_twenty(
    django_assert_max_num_queries,
):
    small = factories.StudentFactory()
    give_work(small, factories.ClassroomFactory(), assignments=1)
    large = factories.StudentFactory()
    give_work(large, factories.ClassroomFactory(), assignments=20)

    for student in (small, large):
        # 14 (the last: the student's responses to feedback), and the LMS accounts.
        with django_assert_max_num_queries(15):
            call_command("export_student_data", student.username, stdout=io.StringIO())


def test_an_administrator_downloads_a_students_data_as_json_from_the_users_list(
    pupil, admin_client
):
    response = run_action(admin_client, "export_student_data", [pupil], confirmed=False)

    assert response["Content-Type"] == "application/json"
    assert 'filename="student-data-pupil7.json"' in response["Content-Disposition"]
    assert json.loads(response.content)["account"]["username"] == "pupil7"


def test_a_teacher_cannot_export_a_students_data(pupil, client):
    client.force_login(factories.TeacherFactory())

    response = run_action(client, "export_student_data", [pupil], confirmed=False)

    assert response.status_code == 403


def test_the_admin_asks_first_and_says_what_is_kept_for_the_teacher(pupil, admin_client):
    page = run_action(admin_client, "anonymise_students", [pupil], confirmed=False)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Kept for the teacher's records:" in text
    assert "under a pseudonym" in text
    pupil.refresh_from_db()
    assert pupil.username == "pupil7"


def test_anonymising_keeps_the_graded_work_under_a_pseudonym_and_removes_who_they_were(
    pupil, classmate, admin_client, client
):
    student_client = type(client)()
    student_client.force_login(pupil)

    run_action(admin_client, "anonymise_students", [pupil])

    pupil.refresh_from_db()
    assert pupil.username == f"former-student-{pupil.pk}"
    assert (pupil.first_name, pupil.last_name, pupil.email) == ("", "", "")
    assert not pupil.is_active and not pupil.has_usable_password()
    assert Submission.objects.filter(student=pupil).count() == 1
    assert Grade.objects.get(answer__submission__student=pupil).score == 5
    assert Enrollment.objects.filter(student=pupil).exists()
    assert not SocialAccount.objects.filter(user=pupil).exists()
    assert not AccessAttempt.objects.filter(username="pupil7").exists()
    assert not AccessFailureLog.objects.filter(username="pupil7").exists()
    # Logged out everywhere, and the old name and password lead nowhere.
    assert student_client.get(reverse("exercises:dashboard")).status_code == 302
    assert not client.login(username="pupil7", password=factories.PASSWORD)
    assert Grade.objects.filter(answer__submission__student=classmate).count() == 1


def test_erasing_removes_the_student_their_work_and_their_grades_history(
    pupil, classmate, admin_client
):
    answers = list(Answer.objects.filter(submission__student=pupil).values_list("pk", flat=True))

    run_action(admin_client, "erase_students", [pupil])

    assert not User.objects.filter(pk=pupil.pk).exists()
    assert not Submission.objects.filter(student_id=pupil.pk).exists()
    assert not Grade.history.filter(answer_id__in=answers).exists()
    assert not SocialAccount.objects.filter(uid="subject-7").exists()
    assert not AccessAttempt.objects.filter(username="pupil7").exists()
    assert Grade.history.filter(answer__submission__student=classmate).count() == 2


def test_staff_are_neither_anonymised_nor_erased(admin_client):
    teacher = factories.TeacherFactory(username="mr.teacher")

    for action in ("anonymise_students", "erase_students"):
        page = run_action(admin_client, action, [teacher])
        assert page.status_code == 302
        messages = admin_client.get(page["Location"]).content.decode()
        assert "mr.teacher is staff, not a student" in messages
    teacher.refresh_from_db()
    assert teacher.username == "mr.teacher" and teacher.is_active
    with pytest.raises(CommandError, match="staff, not a student"):
        call_command("forget_student", "mr.teacher", "--erase")


def test_the_commands_anonymise_and_erase_on_request(pupil, classmate):
    out = io.StringIO()
    call_command("forget_student", "pupil7", "--anonymise", stdout=out)
    assert f"now former-student-{pupil.pk}" in out.getvalue()
    assert Submission.objects.filter(student=pupil).exists()

    call_command("forget_student", f"former-student-{pupil.pk}", "--erase", stdout=io.StringIO())
    assert not User.objects.filter(pk=pupil.pk).exists()
    assert User.objects.filter(pk=classmate.pk).exists()


def test_the_commands_name_an_unknown_student(db):
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("export_student_data", "nobody")
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("forget_student", "nobody", "--anonymise")


@pytest.fixture
def lms_pupil(pupil):
    from lti_tool.models import LtiUser

    registration = factories.LtiRegistrationFactory()
    LtiUser.objects.create(
        registration=registration,
        sub="lms-7",
        name="Pupil Seven",
        email="pupil7@school.example",
        auth_user=pupil,
    )
    enrollment = Enrollment.objects.get(student=pupil)
    enrollment.extra_time_percent = 25
    enrollment.accommodation_note = "Reader pen in exams."
    enrollment.save()
    return pupil


def test_export_holds_the_lms_account_and_the_accommodations(lms_pupil):
    data = export("pupil7")
    assert data["learning_platform_accounts"] == [
        {
            "platform": "https://lms.example",
            "subject": "lms-7",
            "name": "Pupil Seven",
            "email": "pupil7@school.example",
            "first_launch": data["learning_platform_accounts"][0]["first_launch"],
        }
    ]
    (enrolment,) = data["enrolments"]
    assert (enrolment["extra_time_percent"], enrolment["accommodation_note"]) == (
        25,
        "Reader pen in exams.",
    )
    assert "handed_in_by_the_clock" in data["submissions"][0]


@pytest.mark.parametrize("how", ["--erase", "--anonymise"])
def test_forgetting_a_student_removes_the_lms_copy_of_their_name(lms_pupil, how):
    from lti_tool.models import LtiUser

    call_command("forget_student", "pupil7", how, stdout=io.StringIO())
    assert not LtiUser.objects.filter(sub="lms-7").exists()
    assert not LtiUser.objects.filter(email="pupil7@school.example").exists()
