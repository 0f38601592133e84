"""Administrators' commands (activating a deployment, rotating the tool's keys), and the
launch records that are forgotten."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from lti.launch import forget_old_launches
from lti.models import LaunchValue, UsedNonce

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration():
    return LtiRegistration.objects.create(
        name="Canvas",
        issuer="https://canvas.instructure.com",
        client_id="10000000000001",
        auth_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
        token_url="https://sso.canvaslms.com/login/oauth2/token",
        keyset_url="https://sso.canvaslms.com/api/lti/security/jwks",
    )


def test_activate_deployment_makes_it_active(registration):
    call_command("lti_activate_deployment", registration.issuer, "42:abcdef")

    deployment = LtiDeployment.objects.get()
    assert (deployment.registration, deployment.is_active) == (registration, True)


def test_activate_deployment_of_an_unknown_issuer_fails_and_writes_nothing(registration):
    with pytest.raises(CommandError, match="No LMS registration"):
        call_command("lti_activate_deployment", "https://moodle.elsewhere.example", "1")

    assert not LtiDeployment.objects.exists()


def test_rotated_keys_are_all_published_until_the_old_one_is_retired(client):
    first = client.get(reverse("lti:jwks")).json()["keys"]
    call_command("rotate_keys", stdout=None)

    both = client.get(reverse("lti:jwks")).json()["keys"]
    call_command("rotate_keys", "--deactivate-after", "0")
    latest = client.get(reverse("lti:jwks")).json()["keys"]

    assert len(first) == 1
    assert len(both) == 2 and first[0]["kid"] in {key["kid"] for key in both}
    assert len(latest) == 1 and latest[0]["kid"] not in {key["kid"] for key in both}
    assert Key.objects.filter(is_active=False).count() == 2


def test_old_nonces_and_expired_launch_data_are_forgotten():
    now = timezone.now()
    UsedNonce.objects.create(issuer="i", nonce="old", used_at=now - datetime.timedelta(days=2))
    UsedNonce.objects.create(issuer="i", nonce="recent", used_at=now - datetime.timedelta(hours=1))
    LaunchValue.objects.create(key="gone", value=True, expires_at=now - datetime.timedelta(1))
    LaunchValue.objects.create(key="kept", value=True, expires_at=now + datetime.timedelta(1))

    forget_old_launches(now)

    assert list(UsedNonce.objects.values_list("nonce", flat=True)) == ["recent"]
    assert list(LaunchValue.objects.values_list("key", flat=True)) == ["kept"]
