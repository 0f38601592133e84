"""A launch from a real LMS on 127.0.0.1: OIDC login initiation, then the signed launch,
checked for signature, nonce, state, audience and deployment; a student lands in the
right assignment of the right class. Every refusal is a clear 4xx page and writes nothing.
"""

import base64
import json

import pytest
from django.contrib.auth import get_user_model
from lti_tool.models import LtiDeployment, LtiUser

from exercises.models import Enrollment
from lti.models import AssignmentLink, CourseLink, UsedNonce
from lti.services import CUSTOM_ASSIGNMENT
from tests import factories

from .conftest import launch, launch_form, person, post_launch
from .platform import DEPLOYMENT, LEARNER

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def course(platform, registered):
    """An LMS course with one activity opening a purgeclass assignment."""
    assignment = factories.AssignmentFactory(status="published")
    platform.add_course("course-1", "Year 12 History")
    platform.add_activity(
        "link-1", "course-1", "Moscow trials", {CUSTOM_ASSIGNMENT: str(assignment.pk)}
    )
    return assignment


def student_launch_url(platform, user_id="s-1", **extra):
    return platform.launch_url(
        person(user_id, LEARNER), "course-1", resource_link_id="link-1", **extra
    )


def written_rows():
    return (
        get_user_model().objects.count(),
        Enrollment.objects.count(),
        LtiUser.objects.count(),
        LtiDeployment.objects.count(),
        AssignmentLink.objects.count(),
        CourseLink.objects.count(),
        UsedNonce.objects.count(),
    )


def test_student_launch_lands_in_the_assignment_enrolled_in_its_class(platform, course, browser):
    response = launch(browser, student_launch_url(platform))

    assert response.status_code == 302
    assert response.headers["Location"] == course.get_absolute_url()
    user = LtiUser.objects.get(sub="s-1").auth_user
    assert (user.first_name, user.last_name, user.is_staff) == ("Ada", "Pupil", False)
    assert Enrollment.objects.filter(student=user, classroom=course.classroom).exists()
    assert not user.has_usable_password()
    page = browser.get(response.headers["Location"].join([platform.tool_url, ""]))
    assert page.status_code == 200
    assert course.title in page.text


def test_second_launch_of_the_same_student_reuses_the_account(platform, course, browser):
    launch(browser, student_launch_url(platform))
    launch(browser, student_launch_url(platform))

    assert get_user_model().objects.filter(lti_users__sub="s-1").count() == 1
    assert Enrollment.objects.count() == 1


def test_login_initiation_sets_state_cookie_and_redirects_to_the_platform(platform, registered):
    import requests

    response = requests.get(
        f"{platform.tool_url}/lti/login/",
        params={"iss": platform.url, "login_hint": "s-1", "client_id": platform.client_id},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{platform.url}/auth?")
    assert any(cookie.name.startswith("lti1p3-state-") for cookie in response.cookies)


def test_login_initiation_from_an_unknown_platform_is_refused(platform, registered):
    import requests

    response = requests.get(
        f"{platform.tool_url}/lti/login/",
        params={"iss": "https://lms.elsewhere.example", "login_hint": "s-1"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 400
    assert "does not know this LMS" in response.text


def _tampered(token):
    header, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_launch_with_a_bad_signature_is_refused_and_writes_nothing(platform, course, browser):
    action, fields = launch_form(browser, student_launch_url(platform))
    before = written_rows()

    response = post_launch(browser, action, {**fields, "id_token": _tampered(fields["id_token"])})

    assert response.status_code == 403
    assert "Signature verification failed" in response.text
    assert written_rows() == before


def test_replayed_launch_is_refused_and_writes_nothing(platform, course, browser):
    action, fields = launch_form(browser, student_launch_url(platform))
    assert post_launch(browser, action, fields).status_code == 302
    before = written_rows()

    replay = post_launch(browser, action, fields)

    assert replay.status_code == 403
    assert "already been used" in replay.text
    assert written_rows() == before


def test_replayed_launch_without_cookies_is_refused(platform, course, browser):
    import requests

    action, fields = launch_form(browser, student_launch_url(platform))
    assert post_launch(browser, action, fields).status_code == 302

    replay = requests.post(action, data=fields, allow_redirects=False, timeout=30)

    assert replay.status_code == 403


def test_launch_from_an_unknown_deployment_is_refused_and_writes_nothing(platform, course, browser):
    url = student_launch_url(platform, claims={DEPLOYMENT: "deployment-nobody-activated"})
    action, fields = launch_form(browser, url)
    before = written_rows()

    response = post_launch(browser, action, fields)

    assert response.status_code == 403
    assert "deployment" in response.text
    assert written_rows() == before
    assert not LtiDeployment.objects.filter(deployment_id="deployment-nobody-activated").exists()


def test_launch_with_an_expired_token_is_refused_and_writes_nothing(platform, course, browser):
    platform.clock_offset = -600  # signed ten minutes ago, valid for five
    action, fields = launch_form(browser, student_launch_url(platform))
    before = written_rows()

    response = post_launch(browser, action, fields)

    assert response.status_code == 403
    assert "expired" in response.text
    assert written_rows() == before


def test_platform_clock_thirty_seconds_ahead_is_accepted(platform, course, browser):
    platform.clock_offset = 30

    response = launch(browser, student_launch_url(platform))

    assert response.status_code == 302


def test_platform_clock_five_minutes_ahead_is_refused(platform, course, browser):
    platform.clock_offset = 300

    response = launch(browser, student_launch_url(platform))

    assert response.status_code == 403


def test_launch_with_a_token_for_another_tool_is_refused(platform, course, browser):
    url = student_launch_url(platform, claims={"aud": "another-tool", "azp": "another-tool"})
    action, fields = launch_form(browser, url)
    before = written_rows()

    response = post_launch(browser, action, fields)

    assert response.status_code == 403
    assert written_rows() == before


def test_launch_without_its_state_cookie_is_refused(platform, course, browser):
    import requests

    action, fields = launch_form(browser, student_launch_url(platform))

    response = requests.post(action, data=fields, allow_redirects=False, timeout=30)

    assert response.status_code == 403
    assert "State not found" in response.text


def test_launch_without_a_token_is_a_bad_request(platform, registered):
    import requests

    response = requests.post(f"{platform.tool_url}/lti/launch/", data={}, timeout=30)

    assert response.status_code == 400


def test_activity_not_linked_to_an_assignment_is_refused(platform, registered, browser):
    platform.add_course("course-1", "Year 12 History")
    platform.add_activity("link-1", "course-1", "Something else")

    response = launch(browser, student_launch_url(platform))

    assert response.status_code == 403
    assert "not linked to a purgeclass assignment" in response.text
    assert not Enrollment.objects.exists()
