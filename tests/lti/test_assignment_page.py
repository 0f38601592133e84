"""The assignment's sharing and LMS page, as its teacher sees it."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from lti_tool.models import LtiContext, LtiDeployment, LtiResourceLink, LtiUser

from exercises.models import Submission
from lti.models import AssignmentLink, GradePassback
from tests import factories

pytestmark = pytest.mark.django_db


def test_teacher_gets_a_plain_google_classroom_share_link(client):
    assignment = factories.AssignmentFactory(title="The Moscow trials")
    client.force_login(assignment.classroom.teachers.get())

    response = client.get(reverse("lti:assignment_lms", args=[assignment.pk]))

    page = response.content.decode()
    start = page.index('href="https://classroom.google.com/share?') + len('href="')
    link = urlsplit(page[start : page.index('"', start)].replace("&amp;", "&"))
    query = parse_qs(link.query)
    assert query["url"] == [f"http://testserver{assignment.get_absolute_url()}"]
    assert query["title"] == ["The Moscow trials"]
    assert query["itemtype"] == ["assignment"]
    assert "google" not in response["Content-Security-Policy"]  # no script of theirs
    assert 'rel="noopener noreferrer"' in page


def test_student_of_the_class_cannot_see_the_lms_page(client):
    assignment = factories.AssignmentFactory()
    enrolment = factories.EnrollmentFactory(classroom=assignment.classroom)
    client.force_login(enrolment.student)

    response = client.get(reverse("lti:assignment_lms", args=[assignment.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("students", [1, 30])
def test_lms_page_queries_do_not_grow_with_the_class(
    client, students, django_assert_max_num_queries
):
    assignment = factories.AssignmentFactory()
    registration = factories.LtiRegistrationFactory()
    deployment = LtiDeployment.objects.create(registration=registration, deployment_id="d")
    context = LtiContext.objects.create(deployment=deployment, id_on_platform="c1")
    link = AssignmentLink.objects.create(
        resource_link=LtiResourceLink.objects.create(context=context, id_on_platform="r1"),
        assignment=assignment,
    )
    for n in range(students):
        submission = factories.SubmittedSubmissionFactory(assignment=assignment)
        lti_user = LtiUser.objects.create(
            registration=registration, sub=f"s{n}", auth_user=submission.student
        )
        GradePassback.objects.create(submission=submission, link=link, lti_user=lti_user)
    assert Submission.objects.count() == students
    client.force_login(assignment.classroom.teachers.get())

    with django_assert_max_num_queries(8):
        response = client.get(reverse("lti:assignment_lms", args=[assignment.pk]))

    assert response.content.decode().count("waiting to be sent to the LMS") == students
