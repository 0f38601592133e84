"""A real OpenID Connect provider for the single sign-on tests.

tests/oidc_provider is a Django project of its own (django-oauth-toolkit, its own SQLite
database, an RS256 key made here): it is migrated, given its people and purgeclass as a
registered client, and served by gunicorn on a free port of 127.0.0.1 for the session.
`SchoolBrowser` is one person's browser: the Django test client towards purgeclass, an
httpx client (with its own cookies) towards the provider, following the redirects between
them as a browser would.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from allauth.socialaccount.models import SocialApp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "directory-pass-1936"
CLIENT_ID = "purgeclass-test-client"
CLIENT_SECRET = "purgeclass-test-secret"  # noqa: S105 (a test provider's)
PURGECLASS = "http://testserver"

# The school's directory: who exists at the provider.
PEOPLE = [
    {"username": "ada", "email": "ada@school.example", "first_name": "Ada", "last_name": "Gray"},
    {"username": "bo", "email": "bo@school.example", "first_name": "Bo", "last_name": "Lind"},
    {"username": "eve", "email": "eve@elsewhere.example", "first_name": "Eve"},
    {"username": "uma", "email": "uma@school.example", "groups": ["email-unverified"]},
    {"username": "tess", "email": "tess@school.example", "groups": ["history-teachers"]},
    {"username": "sam", "email": "sam@school.example", "groups": ["year-12"]},
    {"username": "mo", "email": "mo@staff.school.example", "first_name": "Mo"},
    {"username": "root", "email": "head@school.example"},
]


def _pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    url: str
    log: Path

    @property
    def issuer(self):
        return f"{self.url}/o"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    for name in ("key.pem", "other-key.pem"):
        (folder / name).write_bytes(_pem(rsa.generate_private_key(65537, 2048)))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(folder / "key.pem"),
        "OIDC_PROVIDER_OTHER_KEY": str(folder / "other-key.pem"),
        "PYTHONPATH": str(ROOT),
    }
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "-v0"], **run)
    spec = {
        "people": PEOPLE,
        "password": PASSWORD,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [
            f"{PURGECLASS}/accounts/oidc/{name}/login/callback/" for name in ("school", "forged")
        ],
    }
    seed = [sys.executable, "-m", "tests.oidc_provider.seed"]
    subprocess.run(seed, input=json.dumps(spec), **run)
    port = _free_port()
    log = folder / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tests.oidc_provider.wsgi"]
            + ["-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "4"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    provider = Provider(url=f"http://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{provider.issuer}/.well-known/openid-configuration").is_success:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The test OIDC provider did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield provider
    finally:
        server.terminate()
        server.wait(timeout=10)


def school_app(provider, provider_id="school", **settings):
    """The school's provider as an administrator registers it ("Social applications")."""
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=provider_id,
        name="School account",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        settings={
            "server_url": provider.issuer,
            "oauth_pkce_enabled": True,
            "allowed_domains": ["school.example"],
            **settings,
        },
    )


@pytest.fixture
def school(db, oidc_provider):
    return school_app(oidc_provider)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class SchoolBrowser:
    """One person's browser between purgeclass (Django's test client) and the provider."""

    def __init__(self, client, provider):
        self.client = client
        self.provider = provider
        self.idp = httpx.Client(timeout=10)
        self.callback_url = None

    def start(self, provider_id="school", next_url=None):
        """Press "Sign in with ..." on purgeclass's login page: the provider's URL."""
        response = self.client.post(
            f"/accounts/oidc/{provider_id}/login/", {"next": next_url} if next_url else {}
        )
        assert response.status_code == 302, response.content.decode()
        return response["Location"]

    def at_provider(self, location, username, password=PASSWORD):
        """Sign in at the provider; where it sends the browser back to (the callback)."""
        response = self.idp.get(location)
        for _ in range(8):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(PURGECLASS):
                    return location
                response = self.idp.get(location)
            elif response.status_code == 200 and "csrfmiddlewaretoken" in response.text:
                next_field = re.search(r'name="next" value="([^"]*)"', response.text)
                response = self.idp.post(
                    str(response.url),
                    data={
                        "csrfmiddlewaretoken": CSRF.search(response.text)[1],
                        "username": username,
                        "password": password,
                        "next": next_field[1].replace("&amp;", "&"),
                    },
                )
            else:
                raise AssertionError(f"provider answered {response.status_code}: {response.text}")
        raise AssertionError("too many redirects at the provider")

    def back_at_purgeclass(self, location):
        parts = urlsplit(location)
        return self.client.get(f"{parts.path}?{parts.query}")

    def sign_in(self, username, provider_id="school", next_url=None):
        self.callback_url = self.at_provider(self.start(provider_id, next_url), username)
        return self.back_at_purgeclass(self.callback_url)


@pytest.fixture
def browser(client, oidc_provider):
    person = SchoolBrowser(client, oidc_provider)
    yield person
    person.idp.close()
