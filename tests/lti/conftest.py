"""An LMS (tests/lti/platform.py) on 127.0.0.1 and purgeclass on Django's live server,
registered with each other, and a browser (a `requests` session keeping cookies) that
follows the launch from the LMS to purgeclass as a person's browser would."""

import re
from html import unescape

import pytest
import requests
from django.contrib.auth.models import Group
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from lti_tool.models import LtiDeployment, LtiRegistration
from pytest_django.live_server_helper import LiveServer

from exercises.demo import TEACHERS_GROUP

from .platform import INSTRUCTOR, LEARNER, Platform


class _ThreadedLiveServerThread(LiveServerThread):
    # Always a thread per request: the LMS calls purgeclass back (for its keys) while a
    # launch is still being answered. The e2e package serves requests in turn instead
    # (tests/e2e/conftest.py), by patching LiveServerThread for the rest of the session.
    server_class = ThreadedWSGIServer


@pytest.fixture(scope="session")
def _tool_server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        server = LiveServer("localhost:0", start=False)
        server.thread = _ThreadedLiveServerThread(
            "localhost",
            static_handler=server.thread.static_handler,
            connections_override=server.thread.connections_override,
            port=0,
        )
        server.thread.daemon = True
        server.start()
    yield server
    server.stop()


@pytest.fixture
def live_tool(_tool_server, transactional_db):
    """purgeclass on a live server, with the test's (committed) database."""
    return _tool_server


@pytest.fixture
def platform(live_tool):
    lms = Platform().start()
    lms.register_tool(live_tool.url)
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
