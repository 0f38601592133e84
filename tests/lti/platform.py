"""A real LTI 1.3 platform (an LMS) on 127.0.0.1 for the tests: the `lti1p3platform`
package's OIDC login, signed launches, deep-linking response validation, access tokens,
Names and Role Provisioning and Assignment and Grade Services, served over HTTP by a
small threaded server. It holds its courses, rosters, line items and received scores in
memory, so that a test can say what the LMS has and then read what arrived.

Dynamic registration is not in lti1p3platform: its two endpoints (the OpenID
configuration and the registration endpoint) are written here after the 1EdTech spec.
"""

import html
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
)

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
MESSAGE_TYPE = "https://purl.imsglobal.org/spec/lti/claim/message_type"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"


def new_key_pair():
    key = JWK.generate(kty="RSA", size=2048)
    return (
        key.export_to_pem(private_key=True, password=None).decode(),
        key.export_to_pem().decode(),
    )


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, registration):
        self._the_registration = registration

    def get_registration_by_params(self, **kwargs):
        return self._the_registration


class _Request(Request):
    def build_metadata(self, request):
        return request


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class _Launch(LTIAdvantageMessageLaunchAbstract):
    platform = None  # set per launch

    def prepare_launch(self, preflight_response):
        spec = self.platform.pending[preflight_response["lti_message_hint"]]
        self.spec = spec
        user = spec["user"]
        self.set_user_data(user["user_id"], user["roles"], user.get("name"), user.get("email"))
        self.set_extra_claims(
            {"given_name": user.get("given_name", ""), "family_name": user.get("family_name", "")}
        )
        course = self.platform.courses[spec["context_id"]]
        self.set_launch_context_claim(spec["context_id"], context_title=course["title"])
        self.set_nrps(f"{self.platform.url}/nrps/{spec['context_id']}")
        if spec["kind"] == "deep_link":
            self.set_dl(f"{self.platform.url}/deep_link_return/{spec['context_id']}")
            return
        link = self.platform.resource_links[spec["resource_link_id"]]
        self.set_resource_link_claim(spec["resource_link_id"], title=link["title"])
        if link.get("custom"):
            self.set_custom_parameters_claim(link["custom"])
        if link.get("lineitem"):
            self.set_ags(
                f"{self.platform.url}/lineitems",
                f"{self.platform.url}/lineitems/{link['lineitem']}",
            )

    def generate_launch_request(self):
        registration = self._registration
        if self._dl:
            self.set_launch_url(registration.get_deeplink_launch_url())
        message, state = self.get_launch_data()
        if self._dl:
            message[MESSAGE_TYPE] = "LtiDeepLinkingRequest"
            message.update(self._deep_linking_launch_data)
        message.update(self.spec.get("claims", {}))
        now = int(time.time()) + self.platform.clock_offset
        message["iat"] = now
        message["exp"] = now + self.spec.get("lifetime", 300)
        return {"state": state, "id_token": registration.platform_encode_and_sign(message)}

    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


class _Grades(AssignmentsGradesService):
    platform = None

    def update_score(self, line_item_id, score):
        self.platform.scores.append({"lineitem": line_item_id, **score})
        return UpdateScoreStatus.SUCCESS

    def find_lineitem(self, line_item_id):
        return self.platform.lineitems[line_item_id]

    def find_lineitems(self, **kwargs):
        return {"content": list(self.platform.lineitems.values()), "has_next": False}

    def create_lineitem(self, creation_data):
        raise NotImplementedError

    def update_lineitem(self, update_data):
        raise NotImplementedError

    def delete_lineitem(self, line_item_id):
        raise NotImplementedError

    def get_results(self, line_item_id, **kwargs):
        return {"content": [], "has_next": False}


class _Roster(NamesRoleProvisioningService):
    platform = None
    context_id = None

    def get_member_data_page(self, **kwargs):
        members = self.platform.courses[self.context_id]["members"]
        return {"content": [dict(member) for member in members], "has_next": False}

    def get_context_by_id(self):
        course = self.platform.courses[self.context_id]
        return Context(id=self.context_id, label=self.context_id, title=course["title"])


class Platform:
    """The LMS. `url` is its issuer; `register_tool(tool_url)` installs purgeclass by hand
    (what an administrator types into the LMS); tests then add courses and activities."""

    def __init__(self):
        self.private_key, self.public_key = new_key_pair()
        self.client_id = "purgeclass-" + uuid.uuid4().hex[:8]
        self.deployment_id = "deployment-1"
        self.clock_offset = 0
        self.pending = {}
        self.courses = {}
        self.resource_links = {}
        self.lineitems = {}
        self.scores = []
        self.deep_links = []
        self.registrations = []
        self.refuse_registration = False
        self.advertised_issuer = None  # an issuer its configuration's address is not under
        self.registration_token = "token-" + uuid.uuid4().hex
        self.registration = None
        self.score_failures = 0  # answer this many score posts with a 503 first
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    # Set-up ---------------------------------------------------------------------------

    def register_tool(self, tool_url):
        self.tool_url = tool_url.rstrip("/")
        self.registration = (
            Registration()
            .set_iss(self.url)
            .set_client_id(self.client_id)
            .set_deployment_id(self.deployment_id)
            .set_oidc_login_url(f"{self.tool_url}/lti/login/")
            .set_launch_url(f"{self.tool_url}/lti/launch/")
            .set_deeplink_launch_url(f"{self.tool_url}/lti/launch/")
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
            .set_tool_key_set_url(f"{self.tool_url}/lti/jwks/")
        )

    def tool_registration_values(self):
        """What the administrator copies from the LMS into purgeclass."""
        return {
            "issuer": self.url,
            "client_id": self.client_id,
            "auth_url": f"{self.url}/auth",
            "token_url": f"{self.url}/token",
            "keyset_url": f"{self.url}/jwks",
        }

    def add_course(self, context_id, title, members=()):
        self.courses[context_id] = {"title": title, "members": list(members)}

    def add_activity(self, resource_link_id, context_id, title, custom=None, lineitem=None):
        self.resource_links[resource_link_id] = {
            "context_id": context_id,
            "title": title,
            "custom": custom or {},
            "lineitem": lineitem,
        }

    def launch_url(self, user, context_id, kind="resource", resource_link_id=None, **extra):
        """Where the person's browser goes when they click the activity in the LMS."""
        hint = uuid.uuid4().hex
        self.pending[hint] = {
            "user": user,
            "context_id": context_id,
            "kind": kind,
            "resource_link_id": resource_link_id,
            **extra,
        }
        return f"{self.url}/launch?hint={hint}"

    # Requests -------------------------------------------------------------------------

    def config(self):
        return _Config(registration=self.registration)

    def handle(self, request):
        path = request["path"]
        config = self.config()
        config.get_registration()
        if path == "/launch":
            hint = request["get_data"]["hint"]
            login = _Login(request, config)
            login.set_lti_message_hint(hint=hint)
            return 302, login.initiate_login(self.pending[hint]["user"]["user_id"])
        if path == "/auth":
            launch = _Launch(_Request(request), config)
            launch.platform = self
            data = launch.lti_launch()
            self.last_launch = data
            return 200, _launch_form(data)
        if path == "/jwks":
            return 200, config.get_jwks()
        if path == "/token":
            return 200, config.get_access_token(request["form_data"])
        if path.startswith("/nrps/"):
            roster = _Roster(_Request(request), config, f"{self.url}{path}")
            roster.platform, roster.context_id = self, path.split("/")[2]
            return _service_answer(roster.handle_get_members())
        if path.startswith("/lineitems/") and path.endswith("/scores"):
            line_item_id = path.split("/")[2]
            if self.score_failures:
                self.score_failures -= 1
                return 503, {"error": "The gradebook is busy"}
            grades = _Grades(
                _Request(request), config, f"{self.url}/lineitems", f"{self.url}/lineitems"
            )
            grades.platform = self
            return _service_answer(grades.handle_update_score(line_item_id))
        if path.startswith("/deep_link_return/"):
            items = config.validate_deeplinking_resp(request["form_data"])
            context_id = path.split("/")[2]
            for item in items:
                link_id = "link-" + uuid.uuid4().hex[:8]
                lineitem = None
                if item.get("lineItem"):
                    lineitem = "li-" + uuid.uuid4().hex[:8]
                    self.lineitems[lineitem] = {"id": lineitem, **item["lineItem"]}
                self.add_activity(link_id, context_id, item["title"], item.get("custom"), lineitem)
                self.deep_links.append({"resource_link_id": link_id, **item})
            return 200, "<p>Activity added.</p>"
        if path == "/course":
            # The LMS's course page, with the activity embedded as LMSs show it.
            src = html.escape(f"{self.url}/launch?hint={request['get_data']['hint']}")
            return 200, (
                "<!doctype html><title>Year 12 History</title><h1>Year 12 History</h1>"
                f'<iframe src="{src}" title="purgeclass" width="1000" height="700"></iframe>'
            )
        if path == "/.well-known/openid-configuration":
            return 200, self.openid_configuration()
        if path == "/register":
            return self._register(request)
        return 404, {"error": "no such page"}

    def openid_configuration(self):
        return {
            "issuer": self.advertised_issuer or self.url,
            "authorization_endpoint": f"{self.url}/auth",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "registration_endpoint": f"{self.url}/register",
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "loopback-lms",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest"},
                ],
            },
        }

    def _register(self, request):
        if request["headers"].get("Authorization") != f"Bearer {self.registration_token}":
            return 401, {"error": "invalid registration token"}
        if self.refuse_registration:
            return 400, {"error": "invalid_client_metadata"}
        tool = request["json"]
        self.registrations.append(tool)
        self.register_tool(tool["initiate_login_uri"].rsplit("/lti/login/", 1)[0])
        config = dict(tool)
        config["client_id"] = self.client_id
        config["https://purl.imsglobal.org/spec/lti-tool-configuration"] = {
            **tool["https://purl.imsglobal.org/spec/lti-tool-configuration"],
            "deployment_id": self.deployment_id,
        }
        return 200, config


def _service_answer(response):
    if 200 <= response.code < 300:
        result = response.result
        if isinstance(result, dict) and "content" in result:
            result = result["content"]
        return response.code, result if result is not None else {"status": response.message}
    return response.code, {"error": response.message}


def _launch_form(data):
    return (
        "<!doctype html><title>Launching</title>"
        f'<form method="post" action="{html.escape(data["launch_url"])}">'
        f'<input type="hidden" name="id_token" value="{html.escape(data["id_token"])}">'
        f'<input type="hidden" name="state" value="{html.escape(data["state"])}">'
        '<button type="submit">Continue</button></form>'
        # The LMS's own page (no CSP of purgeclass's): it posts itself, as LMSs do.
        "<script>document.forms[0].submit()</script>"
    )


def _handler(platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _serve(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            request = {
                "method": self.command,
                "path": parts.path,
                "get_data": dict(parse_qsl(parts.query)),
                "form_data": dict(parse_qsl(body.decode()))
                if "x-www-form-urlencoded" in content_type
                else {},
                "json": json.loads(body) if body and "json" in content_type else None,
                "headers": dict(self.headers.items()),
                "content_type": content_type,
            }
            try:
                status, answer = platform.handle(request)
            except Exception as error:  # the platform refuses: a 400 that says why
                status, answer = 400, {"error": f"{type(error).__name__}: {error}"}
            if status == 302:
                self.send_response(302)
                self.send_header("Location", answer)
                self.end_headers()
                return
            if isinstance(answer, str):
                payload, kind = answer.encode(), "text/html; charset=utf-8"
            else:
                payload, kind = json.dumps(answer).encode(), "application/json"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

    return Handler


__all__ = ["INSTRUCTOR", "LEARNER", "Platform", "urlencode"]
