"""An LMS (tests/lti/platform.py) on 127.0.0.1 and purgeclass on Django's live server,
registered with each other, and a browser (a `requests` session keeping cookies) that
follows the launch from the LMS to purgeclass as a person's browser would."""

import re
from html import unescape

import pytest
import requests
from django.contrib.auth.models import Group
from lti_tool.models import LtiDeployment, LtiRegistration

from exercises.demo import TEACHERS_GROUP

from .platform import INSTRUCTOR, LEARNER, Platform


@pytest.fixture
def platform(live_server):
    lms = Platform().start()
    lms.register_tool(live_server.url)
    yield lms
    lms.stop()


@pytest.fixture
def registered(platform):
    """purgeclass knows the LMS: its registration and active deployment."""
    Group.objects.get_or_create(name=TEACHERS_GROUP)
    registration = LtiRegistration.objects.create(
        name="Loopback LMS", **platform.tool_registration_values()
    )
    LtiDeployment.objects.create(
        registration=registration, deployment_id=platform.deployment_id, is_active=True
    )
    return registration


@pytest.fixture
def browser():
    with requests.Session() as session:
        yield session


def person(user_id, role, given="Ada", family="Pupil"):
    return {
        "user_id": user_id,
        "roles": [role],
        "given_name": given,
        "family_name": family,
        "name": f"{given} {family}",
        "email": f"{user_id}@school.example",
    }


def student_member(user_id, given="Ada", family="Pupil"):
    return {**person(user_id, LEARNER, given, family), "status": "Active"}


def teacher_member(user_id, given="Tom", family="Teacher"):
    return {**person(user_id, INSTRUCTOR, given, family), "status": "Active"}


def launch_form(browser, url):
    """Click the activity in the LMS: the LMS's login initiation, purgeclass's redirect
    to the LMS's authorization, and the LMS's self-posting form, whose fields we return."""
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]*)"', page.text))
    return unescape(action.group(1)), {k: unescape(v) for k, v in fields.items()}


def post_launch(browser, action, fields):
    return browser.post(action, data=fields, allow_redirects=False, timeout=30)


def launch(browser, url):
    action, fields = launch_form(browser, url)
    return post_launch(browser, action, fields)
