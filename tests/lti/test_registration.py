"""LTI Dynamic Registration against the LMS on 127.0.0.1: one URL, and the registration
with its deployment is saved (active) only once the LMS has accepted it."""

from html import unescape

import pytest
import requests
from django.contrib.auth.models import Group
from lti_tool.models import LtiDeployment, LtiRegistration

from exercises.demo import TEACHERS_GROUP
from lti.services import CUSTOM_ASSIGNMENT
from tests import factories

from .conftest import launch, person
from .platform import LEARNER

pytestmark = pytest.mark.django_db(transaction=True)


def _admin_browser(tool_url):
    admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    admin.set_password("correct horse battery staple")
    admin.save()
    browser = requests.Session()
    page = browser.get(f"{tool_url}/accounts/login/")
    token = browser.cookies["csrftoken"]
    response = browser.post(
        f"{tool_url}/accounts/login/",
        {
            "username": "admin",
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 200 and page.status_code == 200
    return browser


def _register(browser, tool_url, platform):
    query = {
        "openid_configuration": f"{platform.url}/.well-known/openid-configuration",
        "registration_token": platform.registration_token,
    }
    page = browser.get(f"{tool_url}/lti/register/", params=query)
    assert page.status_code == 200, page.text
    assert platform.url in page.text
    return browser.post(
        f"{tool_url}/lti/register/", {**query, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    )


def test_dynamic_registration_saves_the_accepted_registration_and_its_deployment(
    live_tool, platform
):
    browser = _admin_browser(live_tool.url)

    response = _register(browser, live_tool.url, platform)

    assert response.status_code == 200, response.text
    assert "lti/close.js" in response.text
    registration = LtiRegistration.objects.get()
    assert (registration.issuer, registration.client_id) == (platform.url, platform.client_id)
    assert registration.auth_url == f"{platform.url}/auth"
    assert registration.keyset_url == f"{platform.url}/jwks"
    deployment = LtiDeployment.objects.get()
    assert (deployment.deployment_id, deployment.is_active) == (platform.deployment_id, True)
    [sent] = platform.registrations
    assert sent["initiate_login_uri"] == f"{live_tool.url}/lti/login/"
    assert sent["jwks_uri"] == f"{live_tool.url}/lti/jwks/"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"]


def test_a_student_can_launch_right_after_dynamic_registration(live_tool, platform):
    _register(_admin_browser(live_tool.url), live_tool.url, platform)
    Group.objects.get_or_create(name=TEACHERS_GROUP)
    assignment = factories.AssignmentFactory()
    platform.add_course("course-1", "Year 12 History")
    platform.add_activity("link-1", "course-1", "Trials", {CUSTOM_ASSIGNMENT: str(assignment.pk)})

    with requests.Session() as student:
        response = launch(
            student,
            platform.launch_url(person("s-1", LEARNER), "course-1", resource_link_id="link-1"),
        )

    assert response.status_code == 302
    assert response.headers["Location"] == assignment.get_absolute_url()


def test_registration_refused_by_the_lms_saves_nothing(live_tool, platform):
    platform.refuse_registration = True

    response = _register(_admin_browser(live_tool.url), live_tool.url, platform)

    assert response.status_code == 400
    assert "refused the registration" in unescape(response.text)
    assert not LtiRegistration.objects.exists()
    assert not LtiDeployment.objects.exists()


def test_registration_with_a_wrong_token_saves_nothing(live_tool, platform):
    platform.registration_token = "the-lms-expects-another"
    browser = _admin_browser(live_tool.url)
    query = {
        "openid_configuration": f"{platform.url}/.well-known/openid-configuration",
        "registration_token": "stale-token",
        "csrfmiddlewaretoken": "",
    }
    browser.get(f"{live_tool.url}/lti/register/", params=query)
    query["csrfmiddlewaretoken"] = browser.cookies["csrftoken"]

    response = browser.post(f"{live_tool.url}/lti/register/", query)

    assert response.status_code == 400
    assert "401" in response.text
    assert not LtiRegistration.objects.exists()


def test_configuration_not_under_its_issuer_is_refused(live_tool, platform):
    platform.advertised_issuer = "https://lms.elsewhere.example"
    browser = _admin_browser(live_tool.url)

    response = browser.get(
        f"{live_tool.url}/lti/register/",
        params={"openid_configuration": f"{platform.url}/.well-known/openid-configuration"},
    )

    assert response.status_code == 400
    assert "not under its issuer" in response.text
    assert not LtiRegistration.objects.exists()


def test_only_an_administrator_may_register_an_lms(live_tool, platform):
    teacher = factories.TeacherFactory(username="teacher")
    teacher.set_password("correct horse battery staple")
    teacher.save()
    with requests.Session() as browser:
        response = browser.get(
            f"{live_tool.url}/lti/register/",
            params={"openid_configuration": f"{platform.url}/.well-known/openid-configuration"},
            allow_redirects=False,
        )
    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]
    assert platform.registrations == []
