"""A student launches purgeclass inside the LMS's course page (an iframe), in Chromium.

On 127.0.0.1 every port is the same site, which would hide SameSite problems: here the
course page is served on `localhost` and purgeclass over HTTPS on `127.0.0.1`, so every
cookie purgeclass sets inside the frame is a third-party cookie, and the launch works only
with `SameSite=None; Secure` (LTI_FRAME_ANCESTORS's settings), a frame-ancestors that
names the LMS, and a browser that keeps third-party cookies. One that does not (a private
window, Safari, Chromium's new profiles) gets a clear page saying to open a new window."""

import datetime
import ipaddress
import json
import ssl
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.contrib.auth.models import Group
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from lti_tool.models import LtiDeployment, LtiRegistration
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from exercises.demo import TEACHERS_GROUP
from lti.services import CUSTOM_ASSIGNMENT
from tests import factories
from tests.lti.platform import LEARNER, Platform

from .conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _certificate(folder):
    """A self-signed certificate for 127.0.0.1, trusted by the LMS (REQUESTS_CA_BUNDLE)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tool.crt", folder / "tool.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _HttpsHandler(QuietWSGIRequestHandler):
    def get_environ(self):
        environ = super().get_environ()
        environ["HTTPS"] = "on"  # the request is secure: Django sees https
        return environ


class _HttpsServer(ThreadedWSGIServer):
    context = None

    def get_request(self):
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), address


def _https_thread(cert_path, key_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)

    class Thread(LiveServerThread):
        def _create_server(self, connections_override=None):
            server = _HttpsServer(
                (self.host, self.port),
                _HttpsHandler,
                allow_reuse_address=False,
                connections_override=connections_override,
            )
            server.context = context
            return server

    return Thread


@pytest.fixture
def https_tool(transactional_db, tmp_path, monkeypatch):
    cert_path, key_path = _certificate(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))
    server = LiveServer("127.0.0.1:0", start=False)
    server.thread = _https_thread(cert_path, key_path)(
        "127.0.0.1",
        static_handler=server.thread.static_handler,
        connections_override=server.thread.connections_override,
        port=0,
    )
    server.thread.daemon = True
    server.start()
    yield f"https://127.0.0.1:{server.thread.port}"
    server.thread.terminate()
    # The browser's last connections may still be closing in request threads, which use
    # the shared in-memory database connection: let them end before it stops being shared.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        thread.name.endswith("(process_request_thread)") and thread.is_alive()
        for thread in threading.enumerate()
    ):
        time.sleep(0.05)
    for connection in server.thread.connections_override.values():
        connection.dec_thread_sharing()


def _embedded_settings(settings, lms_origin):
    """What LTI_FRAME_ANCESTORS sets (purgeclass/settings.py), for this LMS."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_SAMESITE = settings.CSRF_COOKIE_SAMESITE = "None"
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "frame-ancestors": ["'self'", lms_origin]}
    settings.CONTENT_SECURITY_POLICY = policy


@pytest.fixture
def embedded_course(https_tool, settings):
    """The LMS, its course page on `localhost`, and purgeclass (HTTPS, 127.0.0.1) set up to
    be embedded by it; yields the course page's address for a student's launch."""
    lms = Platform().start()
    lms.register_tool(https_tool)
    port = lms.url.rsplit(":", 1)[1]
    _embedded_settings(settings, f"http://localhost:{port}")
    Group.objects.get_or_create(name=TEACHERS_GROUP)
    registration = LtiRegistration.objects.create(name="LMS", **lms.tool_registration_values())
    LtiDeployment.objects.create(
        registration=registration, deployment_id=lms.deployment_id, is_active=True
    )
    assignment = factories.AssignmentFactory(title="The Moscow trials")
    factories.QuestionFactory(assignment=assignment)
    lms.add_course("course-1", "Year 12 History")
    lms.add_activity("link-1", "course-1", "Trials", {CUSTOM_ASSIGNMENT: str(assignment.pk)})
    launch = lms.launch_url(
        {"user_id": "s-1", "roles": [LEARNER], "given_name": "Ada", "family_name": "Pupil"},
        "course-1",
        resource_link_id="link-1",
    )
    yield f"http://localhost:{port}/course?hint={launch.rsplit('=', 1)[1]}"
    lms.stop()


def _profile_keeping_third_party_cookies(folder):
    """A browser profile of a person's own whose settings allow third-party cookies (as
    Chrome's did by default): Chromium 156 blocks them in new profiles and private windows,
    and no command-line switch turns that off."""
    (folder / "Default").mkdir(parents=True)
    (folder / "Default" / "Preferences").write_text(
        json.dumps(
            {
                "profile": {
                    "cookie_controls_mode": 0,
                    "block_third_party_cookies": False,
                    "content_settings": {
                        "exceptions": {"third_party_cookies": {"*,*": {"setting": 1}}}
                    },
                },
                "tracking_protection": {"tracking_protection_3pcd_enabled": False},
            }
        )
    )
    return folder


def test_student_launches_the_assignment_inside_the_lms_course_page(
    browser, embedded_course, https_tool, tmp_path
):
    context = browser.browser_type.launch_persistent_context(
        _profile_keeping_third_party_cookies(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        ignore_https_errors=True,
    )
    try:
        page = context.new_page()

        page.goto(embedded_course)

        frame = page.frame_locator("iframe[title=purgeclass]")
        expect(frame.get_by_role("heading", name="The Moscow trials")).to_be_visible()
        cookies = {c["name"]: c for c in context.cookies(https_tool)}
        session = cookies["sessionid"]
        assert (session["sameSite"], session["secure"]) == ("None", True)
    finally:
        context.close()


def test_browser_blocking_cookies_in_the_frame_gets_a_clear_page_not_an_error(
    embedded_course, new_context
):
    # A private window blocks third-party cookies: the launch cannot be checked.
    page = new_context(ignore_https_errors=True).new_page()

    page.goto(embedded_course)

    frame = page.frame_locator("iframe[title=purgeclass]")
    expect(frame.get_by_role("heading", name="The LMS link did not work")).to_be_visible()
    expect(frame.get_by_text("Open the activity in a new window")).to_be_visible()
