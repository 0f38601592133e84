"""LTI Advantage against the LMS on 127.0.0.1: the teacher's deep link, the roster, and
each released score arriving in the LMS gradebook through the background worker."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from lti_tool.models import LtiUser

from exercises.demo import TEACHERS_GROUP
from exercises.models import Enrollment, Submission
from lti.models import AssignmentLink, CourseLink, GradePassback
from lti.services import CUSTOM_ASSIGNMENT
from tests import factories

from .conftest import launch, person, student_member, teacher_member
from .platform import INSTRUCTOR, LEARNER

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def school(platform, registered):
    """A teacher whose account the school made, with a class and a published assignment
    worth 10 marks; the LMS course has the teacher, a second teacher and two students."""
    teacher = factories.TeacherFactory(email="t-1@school.example")
    classroom = factories.ClassroomFactory(teachers=[teacher], name="12H")
    assignment = factories.AssignmentFactory(classroom=classroom, title="Moscow trials")
    factories.QuestionFactory(assignment=assignment, points=10)
    factories.AssignmentFactory(title="Someone else's assignment")
    platform.add_course(
        "course-1",
        "Year 12 History",
        members=[
            teacher_member("t-1", "Tom", "Teacher"),
            teacher_member("t-2", "Tess", "Cover"),
            student_member("s-1", "Ada", "Pupil"),
            student_member("s-2", "Ben", "Pupil"),
        ],
    )
    return assignment


def _form(page):
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return {"csrfmiddlewaretoken": token}


def deep_link(browser, platform, tool_url, assignment):
    """The teacher adds a purgeclass activity in the LMS and picks the assignment."""
    url = platform.launch_url(
        person("t-1", INSTRUCTOR, "Tom", "Teacher"), "course-1", kind="deep_link"
    )
    response = launch(browser, url)
    assert response.status_code == 302
    picker = browser.get(tool_url + response.headers["Location"])
    assert picker.status_code == 200
    answer = browser.post(
        tool_url + reverse("lti:deep_link"), {**_form(picker), "assignment": assignment.pk}
    )
    assert answer.status_code == 200
    action = unescape(re.search(r'action="([^"]+)" data-lti-autosubmit', answer.text).group(1))
    jwt = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    back = browser.post(action, {"JWT": jwt})
    assert back.status_code == 200, back.text
    return picker, answer


def test_teacher_deep_links_an_assignment_and_the_lms_gets_a_signed_activity(
    platform, school, browser, live_tool
):
    picker, answer = deep_link(browser, platform, live_tool.url, school)

    assert "Moscow trials" in picker.text
    assert "Someone else" not in picker.text
    assert "default-src" in answer.headers["Content-Security-Policy"]
    assert platform.url in answer.headers["Content-Security-Policy"]  # form-action: the LMS
    [item] = platform.deep_links
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {CUSTOM_ASSIGNMENT: str(school.pk)}
    assert item["lineItem"]["scoreMaximum"] == 10
    assert LtiUser.objects.get(sub="t-1").auth_user.email == "t-1@school.example"


def test_student_cannot_open_the_assignment_picker(platform, school, browser):
    url = platform.launch_url(person("s-1", LEARNER), "course-1", kind="deep_link")

    response = launch(browser, url)

    assert response.status_code == 403
    assert "Only the course's instructors" in unescape(response.text)


def test_picking_an_assignment_not_offered_is_refused(platform, school, browser, live_tool):
    other = factories.AssignmentFactory(title="Not the teacher's")
    url = platform.launch_url(person("t-1", INSTRUCTOR), "course-1", kind="deep_link")
    picker = browser.get(live_tool.url + launch(browser, url).headers["Location"])

    answer = browser.post(
        live_tool.url + reverse("lti:deep_link"), {**_form(picker), "assignment": other.pk}
    )

    assert answer.status_code == 400
    assert "Choose one of the assignments listed" in answer.text
    assert not platform.deep_links


def _linked_activity(platform, browser, tool_url, assignment):
    deep_link(browser, platform, tool_url, assignment)
    return platform.deep_links[0]["resource_link_id"]


def test_teacher_launch_brings_the_roster_into_the_class(platform, school, browser, live_tool):
    link = _linked_activity(platform, browser, live_tool.url, school)

    response = launch(
        browser,
        platform.launch_url(person("t-1", INSTRUCTOR), "course-1", resource_link_id=link),
    )

    assert response.status_code == 302
    page = browser.get(live_tool.url + response.headers["Location"])
    assert "Class list from the LMS: 2 students, 2 teachers." in page.text
    classroom = school.classroom
    students = get_user_model().objects.filter(enrollments__classroom=classroom)
    assert sorted(students.values_list("first_name", flat=True)) == ["Ada", "Ben"]
    assert not students.filter(is_staff=True).exists()
    assert not students.filter(groups__name=TEACHERS_GROUP).exists()
    teachers = classroom.teachers.all()
    assert sorted(teachers.values_list("first_name", flat=True)) == ["Tess", "Tom"]
    assert all(t.is_staff and t.groups.filter(name=TEACHERS_GROUP).exists() for t in teachers)
    assert CourseLink.objects.get().roster_synced_at is not None


def test_student_launch_of_the_deep_linked_activity_opens_the_assignment(
    platform, school, browser, live_tool
):
    link = _linked_activity(platform, browser, live_tool.url, school)
    browser.cookies.clear()

    response = launch(
        browser, platform.launch_url(person("s-1", LEARNER), "course-1", resource_link_id=link)
    )

    assert response.headers["Location"] == school.get_absolute_url()
    student = LtiUser.objects.get(sub="s-1").auth_user
    assert Enrollment.objects.filter(student=student, classroom=school.classroom).exists()
    assert AssignmentLink.objects.get().lineitem_url.endswith(
        "/lineitems/" + platform.resource_links[link]["lineitem"]
    )


def _released_through_the_desk(assignment, student, score):
    submission = factories.SubmittedSubmissionFactory(assignment=assignment, student=student)
    answer = factories.AnswerFactory(submission=submission, question=assignment.questions.get())
    factories.GradeFactory(answer=answer, score=score)
    desk = Client()
    desk.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    response = desk.post(
        reverse("admin:exercises_submission_changelist"),
        {"action": "release_grades", "_selected_action": [submission.pk]},
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).released_at is not None
    return submission


def _worker(*args):
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", *args, verbosity=0)


@pytest.fixture
def launched_student(platform, school, browser, live_tool):
    link = _linked_activity(platform, browser, live_tool.url, school)
    browser.cookies.clear()
    launch(browser, platform.launch_url(person("s-1", LEARNER), "course-1", resource_link_id=link))
    return LtiUser.objects.get(sub="s-1").auth_user


def test_released_score_arrives_in_the_lms_gradebook(
    platform, school, launched_student, browser, live_tool
):
    _released_through_the_desk(school, launched_student, 7)
    assert platform.scores == []  # the release did not wait for the LMS

    _worker()

    [score] = platform.scores
    assert score["userId"] == "s-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (7, 10)
    assert score["gradingProgress"] == "FullyGraded"
    assert score["comment"].startswith("7 of 10 marks in purgeclass")
    passback = GradePassback.objects.get()
    assert passback.status == GradePassback.Status.SENT
    teacher = Client()
    teacher.force_login(school.classroom.teachers.get(email="t-1@school.example"))
    page = teacher.get(reverse("lti:assignment_lms", args=[school.pk]))
    assert "sent to the LMS" in page.content.decode()


def test_failed_passback_is_retried_and_the_teacher_sees_it(
    platform, school, launched_student, settings
):
    settings.LTI_PASSBACK_RETRY_SECONDS = 0
    platform.score_failures = 1
    _released_through_the_desk(school, launched_student, 4)

    _worker("--max-tasks", "1")

    passback = GradePassback.objects.get()
    assert passback.status == GradePassback.Status.RETRYING
    assert "503" in passback.last_error
    teacher = Client()
    teacher.force_login(school.classroom.teachers.get(email="t-1@school.example"))
    page = teacher.get(reverse("lti:assignment_lms", args=[school.pk])).content.decode()
    assert "failed: " in page and ", retrying" in page
    assert platform.scores == []

    _worker()

    assert GradePassback.objects.get().status == GradePassback.Status.SENT
    assert [s["scoreGiven"] for s in platform.scores] == [4]


def test_release_of_a_class_without_an_lms_sends_nothing(platform, registered):
    assignment = factories.AssignmentFactory()
    factories.QuestionFactory(assignment=assignment, points=10)
    _released_through_the_desk(assignment, factories.StudentFactory(), 5)

    _worker()

    assert not GradePassback.objects.exists()
    assert platform.scores == []
