"""purgeclass inside the LMS's course page (an iframe): which sites may frame it, and the
cookies that must cross sites there (SameSite=None; Secure, over HTTPS only)."""

import json

import pytest
from django.urls import reverse

from tests import factories
from tests.test_security import production_env, run_python

SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, "
    "s.SESSION_COOKIE_SECURE, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors']]))"
)


def test_named_lms_may_frame_purgeclass_with_cross_site_secure_cookies(tmp_path):
    env = production_env(tmp_path, LTI_FRAME_ANCESTORS="https://school.instructure.com")

    result = run_python(env, "-c", SETTINGS)

    assert result.returncode == 0, result.stderr
    samesite, csrf_samesite, secure, ancestors = json.loads(result.stdout)
    assert (samesite, csrf_samesite, secure) == ("None", "None", True)
    assert ancestors == ["'self'", "https://school.instructure.com"]


def test_without_a_named_lms_nobody_may_frame_purgeclass(tmp_path):
    result = run_python(production_env(tmp_path), "-c", SETTINGS)

    samesite, _, _, ancestors = json.loads(result.stdout)
    assert samesite == "Lax"
    assert ancestors == ["'none'"]


def test_embedding_without_https_cookies_is_refused_at_start(tmp_path):
    env = production_env(
        tmp_path, LTI_FRAME_ANCESTORS="https://moodle.school.org", SECURE_COOKIES="false"
    )

    result = run_python(env, "manage.py", "check")

    assert result.returncode != 0
    assert "LTI_FRAME_ANCESTORS needs HTTPS" in result.stderr


@pytest.mark.django_db
def test_launch_state_cookie_is_samesite_none_and_secure_over_https(client):
    factories.LtiRegistrationFactory(client_id="purgeclass")

    response = client.get(
        reverse("lti:login"),
        {"iss": "https://lms.example", "login_hint": "s-1", "client_id": "purgeclass"},
        secure=True,
    )

    assert response.status_code == 302
    [state] = [c for name, c in response.cookies.items() if name.startswith("lti1p3-state-")]
    assert state["samesite"] == "None"
    assert state["secure"] is True
    assert state["httponly"] is True
