"""The login page offers the school's single sign-on beside the password form: a button per
configured provider, and nothing for the others."""

import json
import os
import subprocess
import sys

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.conf import settings
from django.urls import reverse

from accounts.sso import vouched_email
from tests import factories

pytestmark = pytest.mark.django_db


def test_without_single_sign_on_the_login_page_has_only_the_password_form(client):
    page = client.get(reverse("login")).content.decode()

    assert 'name="password"' in page
    assert "Sign in with" not in page


def test_a_provider_registered_in_the_admin_gets_a_button_that_posts_and_keeps_next(client):
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="school",
        name="Northfield School",
        client_id="purgeclass",
        settings={"server_url": "http://127.0.0.1:9/o", "allowed_domains": ["school.example"]},
    )

    page = client.get(reverse("login"), {"next": "/classes/join/?code=PURGE36X"}).content.decode()

    assert '<form method="post" action="/accounts/oidc/school/login/"' in page
    assert "Sign in with Northfield School</button>" in page
    assert 'name="next" value="/classes/join/?code=PURGE36X"' in page
    assert "Google" not in page and "Microsoft" not in page


def test_providers_set_in_the_environment_get_buttons_and_only_those(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "APPS": [
                {"client_id": "g", "secret": "s", "settings": {"allowed_domains": ["a.example"]}}
            ]
        }
    }

    page = client.get(reverse("login")).content.decode()

    assert "Sign in with Google</button>" in page
    assert 'action="/accounts/google/login/"' in page
    assert "Microsoft" not in page


def test_opening_a_sign_in_link_asks_for_a_press_instead_of_leaving_at_once(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "APPS": [
                {"client_id": "m", "secret": "s", "settings": {"allowed_domains": ["a.example"]}}
            ]
        }
    }

    page = client.get("/accounts/microsoft/login/")

    assert page.status_code == 200
    assert "Continue to Microsoft" in page.content.decode()


def test_a_join_link_fills_in_the_class_code(client):
    client.force_login(factories.StudentFactory())

    page = client.get(reverse("exercises:join_class"), {"code": "PURGE36X"}).content.decode()

    assert 'value="PURGE36X"' in page


def test_password_logins_still_work_beside_single_sign_on(client):
    student = factories.StudentFactory(username="pupil")

    response = client.post(reverse("login"), {"username": "pupil", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


def test_microsoft_accounts_are_judged_by_their_user_principal_name_never_by_mail():
    # Any tenant's administrator can set `mail`; the UPN's domain is one the tenant owns.
    link = SocialLogin(
        account=SocialAccount(
            provider="microsoft",
            extra_data={"userPrincipalName": "Pupil@School.example", "mail": "head@school.org"},
        )
    )

    assert vouched_email(link) == "pupil@school.example"


def _settings_from(env):
    code = (
        "import json; from purgeclass import settings as s; "
        "print(json.dumps(s.SOCIALACCOUNT_PROVIDERS))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SSO_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_single_sign_on_is_configured_from_the_environment():
    run = _settings_from(
        {
            "SSO_GOOGLE_CLIENT_ID": "google-id",
            "SSO_GOOGLE_SECRET": "google-secret",
            "SSO_GOOGLE_DOMAINS": "school.example, staff.school.example",
            "SSO_GOOGLE_TEACHER_DOMAINS": "staff.school.example",
            "SSO_MICROSOFT_CLIENT_ID": "ms-id",
            "SSO_MICROSOFT_DOMAINS": "school.example",
            "SSO_MICROSOFT_TENANT": "school.example",
            "SSO_OIDC_CLIENT_ID": "oidc-id",
            "SSO_OIDC_SERVER_URL": "https://login.school.example/realms/school",
            "SSO_OIDC_DOMAINS": "school.example",
            "SSO_OIDC_TEACHER_GROUPS": "history-teachers",
        }
    )
    assert run.returncode == 0, run.stderr
    providers = json.loads(run.stdout)

    (google,) = providers["google"]["APPS"]
    assert google["client_id"] == "google-id"
    assert google["settings"]["allowed_domains"] == ["school.example", "staff.school.example"]
    assert google["settings"]["teacher_domains"] == ["staff.school.example"]
    assert providers["microsoft"]["APPS"][0]["settings"]["tenant"] == "school.example"
    (school,) = providers["openid_connect"]["APPS"]
    assert school["provider_id"] == "school"
    assert school["settings"]["server_url"] == "https://login.school.example/realms/school"
    assert school["settings"]["teacher_groups"] == ["history-teachers"]


def test_nothing_is_configured_without_variables():
    run = _settings_from({})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {}


def test_a_provider_without_the_schools_domains_is_refused_at_start():
    run = _settings_from({"SSO_GOOGLE_CLIENT_ID": "google-id"})

    assert run.returncode != 0
    assert "SSO_GOOGLE_DOMAINS: name the school's e-mail domains" in run.stderr
