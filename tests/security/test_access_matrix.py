# ruff: noqa: E501  (the access table below is wider than code lines)
"""Who may open every page: the site and the teachers' desk (admin), URL by URL.

Every URL pattern of the project is found through Django's URL resolver (admin included:
each registered model's changelist, add, change, delete, history and redirect pages, and
any custom admin page) and requested, with the objects of one class filled into its
arguments, by six people: nobody logged in, a student of the class, a student of another
class, the class's teacher, another teacher and a superuser. The outcome must be the one
declared in MATRIX below. A URL missing from MATRIX fails the test, so a new page cannot be
added without deciding who may see it; a row for a URL that no longer exists fails too.

Outcomes: ok (the page, or a redirect to a page, that is shown), login (sent to a login
page), 403, 404, or another status code. Redirects are followed, so "ok" means the person
ends up seeing what they asked for. Pages that change something are also sent a POST
(method POST); each request runs in a transaction that is rolled back, so one request never
changes what the next one finds.

`ACCESS_MATRIX_DOC=1 pytest tests/security/test_access_matrix.py` rewrites
docs/access-matrix.md from the table (after checking it).
"""

import os
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from .conftest import ROLES

# The table ------------------------------------------------------------------------------
# One row per request: the URL's name (its route when it has none), the method, then the
# outcome for each role. Keep it in the order the URL resolver lists the URLs.

MATRIX = """
url                                           method anonymous student other_student teacher other_teacher superuser
admin:index                                   GET    login     login   login         ok      ok            ok
admin:login                                   GET    ok        ok      ok            ok      ok            ok
admin:logout                                  POST   login     login   login         ok      ok            ok
admin:password_change                         GET    login     login   login         ok      ok            ok
admin:password_change_done                    GET    login     login   login         ok      ok            ok
admin:autocomplete                            GET    login     login   login         ok      ok            ok
admin:jsi18n                                  GET    login     login   login         ok      ok            ok
admin:view_on_site                            GET    login     login   login         ok      ok            ok
admin:auth_group_changelist                   GET    login     login   login         403     403           ok
admin:auth_group_add                          GET    login     login   login         403     403           ok
admin:auth_group_add                          POST   login     login   login         403     403           ok
admin:auth_group_history                      GET    login     login   login         403     403           ok
admin:auth_group_delete                       GET    login     login   login         403     403           ok
admin:auth_group_delete                       POST   login     login   login         403     403           ok
admin:auth_group_change                       GET    login     login   login         403     403           ok
admin:auth_group_change                       POST   login     login   login         403     403           ok
admin/auth/group/<path:object_id>/            GET    login     login   login         403     403           ok
admin:auth_user_password_change               GET    login     login   login         403     403           ok
admin:auth_user_password_change               POST   login     login   login         403     403           ok
admin:auth_user_changelist                    GET    login     login   login         403     403           ok
admin:auth_user_add                           GET    login     login   login         403     403           ok
admin:auth_user_add                           POST   login     login   login         403     403           ok
admin:auth_user_history                       GET    login     login   login         403     403           ok
admin:auth_user_delete                        GET    login     login   login         403     403           ok
admin:auth_user_delete                        POST   login     login   login         403     403           ok
admin:auth_user_change                        GET    login     login   login         403     403           ok
admin:auth_user_change                        POST   login     login   login         403     403           ok
admin/auth/user/<path:object_id>/             GET    login     login   login         403     403           ok
admin:sources_author_changelist               GET    login     login   login         ok      ok            ok
admin:sources_author_add                      GET    login     login   login         403     403           ok
admin:sources_author_add                      POST   login     login   login         403     403           ok
admin:sources_author_history                  GET    login     login   login         ok      ok            ok
admin:sources_author_delete                   GET    login     login   login         403     403           ok
admin:sources_author_delete                   POST   login     login   login         403     403           ok
admin:sources_author_change                   GET    login     login   login         ok      ok            ok
admin:sources_author_change                   POST   login     login   login         403     403           ok
admin/sources/author/<path:object_id>/        GET    login     login   login         ok      ok            ok
admin:sources_source_changelist               GET    login     login   login         ok      ok            ok
admin:sources_source_add                      GET    login     login   login         403     403           ok
admin:sources_source_add                      POST   login     login   login         403     403           ok
admin:sources_source_history                  GET    login     login   login         ok      ok            ok
admin:sources_source_delete                   GET    login     login   login         403     403           ok
admin:sources_source_delete                   POST   login     login   login         403     403           ok
admin:sources_source_change                   GET    login     login   login         ok      ok            ok
admin:sources_source_change                   POST   login     login   login         403     403           ok
admin/sources/source/<path:object_id>/        GET    login     login   login         ok      ok            ok
admin:sources_unit_import                     GET    login     login   login         403     403           ok
admin:sources_unit_import                     POST   login     login   login         403     403           ok
admin:sources_unit_changelist                 GET    login     login   login         ok      ok            ok
admin:sources_unit_add                        GET    login     login   login         403     403           ok
admin:sources_unit_add                        POST   login     login   login         403     403           ok
admin:sources_unit_history                    GET    login     login   login         ok      ok            ok
admin:sources_unit_delete                     GET    login     login   login         403     403           ok
admin:sources_unit_delete                     POST   login     login   login         403     403           ok
admin:sources_unit_change                     GET    login     login   login         ok      ok            ok
admin:sources_unit_change                     POST   login     login   login         403     403           ok
admin/sources/unit/<path:object_id>/          GET    login     login   login         ok      ok            ok
admin:axes_accessattempt_changelist           GET    login     login   login         403     403           ok
admin:axes_accessattempt_add                  GET    login     login   login         403     403           403
admin:axes_accessattempt_add                  POST   login     login   login         403     403           403
admin:axes_accessattempt_history              GET    login     login   login         403     403           ok
admin:axes_accessattempt_delete               GET    login     login   login         403     403           ok
admin:axes_accessattempt_delete               POST   login     login   login         403     403           ok
admin:axes_accessattempt_change               GET    login     login   login         403     403           ok
admin:axes_accessattempt_change               POST   login     login   login         403     403           ok
admin/axes/accessattempt/<path:object_id>/    GET    login     login   login         403     403           ok
admin:axes_accesslog_changelist               GET    login     login   login         403     403           ok
admin:axes_accesslog_add                      GET    login     login   login         403     403           403
admin:axes_accesslog_add                      POST   login     login   login         403     403           403
admin:axes_accesslog_history                  GET    login     login   login         403     403           ok
admin:axes_accesslog_delete                   GET    login     login   login         403     403           ok
admin:axes_accesslog_delete                   POST   login     login   login         403     403           ok
admin:axes_accesslog_change                   GET    login     login   login         403     403           ok
admin:axes_accesslog_change                   POST   login     login   login         403     403           ok
admin/axes/accesslog/<path:object_id>/        GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_changelist        GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_add               GET    login     login   login         403     403           403
admin:axes_accessfailurelog_add               POST   login     login   login         403     403           403
admin:axes_accessfailurelog_history           GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_delete            GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_delete            POST   login     login   login         403     403           ok
admin:axes_accessfailurelog_change            GET    login     login   login         403     403           ok
admin:axes_accessfailurelog_change            POST   login     login   login         403     403           ok
admin/axes/accessfailurelog/<path:object_id>/ GET    login     login   login         403     403           ok
admin:app_list(auth)                          GET    login     login   login         404     404           ok
admin:app_list(axes)                          GET    login     login   login         404     404           ok
admin:app_list(sources)                       GET    login     login   login         ok      ok            ok
admin/(?P<url>.*)$                            GET    login     login   login         404     404           404
login                                         GET    ok        ok      ok            ok      ok            ok
logout                                        POST   ok        ok      ok            ok      ok            ok
password_change                               GET    login     ok      ok            ok      ok            ok
password_change_done                          GET    login     ok      ok            ok      ok            ok
sources:unit_list                             GET    ok        ok      ok            ok      ok            ok
sources:unit_detail                           GET    ok        ok      ok            ok      ok            ok
sources:source_detail                         GET    ok        ok      ok            ok      ok            ok
exercises:dashboard                           GET    login     ok      ok            ok      ok            ok
exercises:join_class                          GET    login     ok      ok            ok      ok            ok
exercises:join_class                          POST   login     ok      ok            ok      ok            ok
exercises:assignment                          GET    login     ok      404           404     404           404
exercises:assignment_preview                  GET    login     404     404           ok      404           ok
exercises:save_answer                         POST   login     ok      404           404     404           404
exercises:submit                              GET    login     ok      404           404     404           404
exercises:submit                              POST   login     ok      404           404     404           404
exercises:analytics                           GET    login     404     404           ok      404           ok
exercises:analytics                           POST   login     404     404           ok      404           ok
exercises:analytics_projector                 GET    login     404     404           ok      404           ok
"""


# Requests -------------------------------------------------------------------------------

ADMIN_CHANGE_VIEWS = ("_add", "_change", "_delete")
POST_ONLY = {"logout", "admin:logout", "exercises:save_answer"}


def _post_data(key, world):
    """What a POST to the page sends: a real, valid form where there is one."""
    mine = world.mine
    if key == "exercises:save_answer":
        return {"revision": mine.answer.revision, "text": "An answer saved in the matrix."}
    if key == "exercises:join_class":
        return {"code": mine.classroom.join_code}
    if key == "exercises:analytics":
        return {"question": mine.questions["written"].pk}
    if key == "admin:sources_unit_import":
        pack = "The Show Trials\n\nBackground.\n\nPrimary Sources\n\n(1) Pravda (1936)\n\nText.\n"
        return {"pack": SimpleUploadedFile("pack.txt", pack.encode()), "slug": "show-trials"}
    if key.endswith("_delete"):
        return {"post": "yes"}
    return {}


POSTED = {"logout", "admin:logout", "exercises:save_answer", "exercises:join_class"}
POSTED |= {"exercises:submit", "exercises:analytics", "admin:sources_unit_import"}


def _admin_object(model, world):
    """The object of `model` that belongs to the class under test (or to its people)."""
    mine = world.mine
    objects = {
        "auth.user": lambda: mine.student,
        "auth.group": lambda: Group.objects.get(name="Teachers"),
        "sources.unit": lambda: world.unit,
        "sources.source": lambda: world.sources[0],
        "sources.author": lambda: world.sources[0].author,
        "axes.accessattempt": lambda: AccessAttempt.objects.get(username=mine.student.username),
        "axes.accesslog": lambda: AccessLog.objects.get(username=mine.student.username),
        "axes.accessfailurelog": lambda: AccessFailureLog.objects.get(
            username=mine.student.username
        ),
        "exercises.classroom": lambda: mine.classroom,
        "exercises.assignment": lambda: mine.assignment,
        "exercises.question": lambda: mine.questions["written"],
        "exercises.submission": lambda: mine.submission,
        "exercises.answer": lambda: mine.answer,
        "exercises.grade": lambda: mine.grade,
    }
    label = model._meta.label_lower
    if label not in objects:
        pytest.fail(f"Say which {label} belongs to the class in _admin_object().")
    return objects[label]()


def _argument(name, key, model, world):
    mine = world.mine
    if key == "admin:view_on_site":
        source = world.sources[0]
        return {
            "content_type_id": ContentType.objects.get_for_model(source).pk,
            "object_id": source.pk,
        }[name]
    if name in ("object_id", "id") and model is not None:
        return _admin_object(model, world).pk
    values = {
        "pk": mine.assignment.pk,
        "question_pk": mine.questions["written"].pk,
        "slug": world.unit.slug,
        "number": world.sources[0].number,
        "url": "no-such-page/",
    }
    if name not in values:
        pytest.fail(f"{key}: say what to fill into <{name}> in _argument().")
    return values[name]


@dataclass
class Found:
    """A URL pattern found by walking the resolver."""

    key: str  # the URL's name, or its route when it has none
    parts: list  # the patterns from the root to this one
    model_admin: ModelAdmin | None

    @property
    def route(self):
        return "".join(str(part) for part in self.parts)

    def group_names(self):
        names = []
        for part in self.parts:
            if isinstance(part, RoutePattern):
                names += part.converters.keys()
            else:
                names += re.compile(str(part)).groupindex.keys()
        return names

    def path(self, values):
        """The URL with `values` filled in: patterns without a name cannot be reversed."""
        url = "/"
        for part in self.parts:
            if isinstance(part, RoutePattern):
                url += re.sub(
                    r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>",
                    lambda m, part=part: str(part.converters[m["name"]].to_url(values[m["name"]])),
                    str(part),
                )
            else:
                assert isinstance(part, RegexPattern)
                url += re.sub(
                    r"\(\?P<(?P<name>\w+)>[^)]*\)",
                    lambda m: str(values[m["name"]]),
                    str(part).lstrip("^").rstrip("$"),
                )
        return url


def _model_admin_of(callback):
    """The ModelAdmin a view belongs to (admin views are wrapped once or twice)."""
    view = callback
    while view is not None:
        admin = getattr(view, "model_admin", None) or getattr(view, "__self__", None)
        if isinstance(admin, ModelAdmin):
            return admin
        view = getattr(view, "__wrapped__", None)
    return None


def walk(patterns=None, parts=(), namespace=""):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        here = [*parts, entry.pattern]
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, here, inner)
        else:
            assert isinstance(entry, URLPattern)
            key = f"{namespace}{entry.name}" if entry.name else "".join(map(str, here))
            yield Found(key, here, _model_admin_of(entry.callback))


@dataclass
class Probe:
    label: str
    method: str
    path: str
    data: object  # makes the POST's data afresh for each request (an upload is read once)
    query: dict

    @property
    def row(self):
        return (self.label, self.method)


def probes(world):
    """Every request the matrix makes, in the order the resolver lists the URLs."""
    found = []
    for url in walk():
        model = url.model_admin.model if url.model_admin else None
        names = url.group_names()
        if url.key == "admin:app_list":
            labels = sorted({model._meta.app_label for model in admin.site._registry})
            variants = [(f"admin:app_list({label})", {"app_label": label}) for label in labels]
        else:
            values = {name: _argument(name, url.key, model, world) for name in names}
            variants = [(url.key, values)]
        for label, values in variants:
            path = url.path(values)
            query = {}
            if url.key == "admin:autocomplete":
                query = {"app_label": "sources", "model_name": "source", "field_name": "author"}
            methods = ["GET"]
            if url.key in POST_ONLY:
                methods = ["POST"]
            elif url.key in POSTED or (url.model_admin and url.key.endswith(ADMIN_CHANGE_VIEWS)):
                methods = ["GET", "POST"]
            for method in methods:
                data = partial(_post_data, url.key, world)
                found.append(Probe(label, method, path, data, query))
    return found


# Outcomes -------------------------------------------------------------------------------

LOGIN_PAGES = {reverse(settings.LOGIN_URL), reverse("admin:login")}


def outcome(client, probe):
    if probe.method == "POST":
        response = client.post(probe.path, probe.data())
    else:
        response = client.get(probe.path, probe.query)
    for _ in range(5):
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        location = response["Location"]
        if urlsplit(location).path in LOGIN_PAGES and urlsplit(probe.path).path not in LOGIN_PAGES:
            return "login"
        response = client.get(location)
    else:
        return "redirect-loop"
    return "ok" if response.status_code == 200 else str(response.status_code)


def observe(world, probe, role):
    """The outcome of one request by one role, in a transaction rolled back afterwards."""
    with transaction.atomic():
        client = Client(raise_request_exception=False)
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        result = outcome(client, probe)
        transaction.set_rollback(True)
    return result


def declared():
    rows = {}
    lines = [line for line in MATRIX.strip().splitlines()[1:] if line.strip()]
    for line in lines:
        label, method, *outcomes = line.split()
        assert len(outcomes) == len(ROLES), f"{label}: one outcome per role: {ROLES}"
        assert all(re.fullmatch(r"ok|login|\d{3}", o) for o in outcomes), line
        assert (label, method) not in rows, f"{label} {method} is declared twice"
        rows[(label, method)] = dict(zip(ROLES, outcomes, strict=True))
    return rows


def render(rows):
    widths = [max(len(label) for label, _ in rows), 6, *[len(role) for role in ROLES]]
    header = ["url", "method", *ROLES]
    lines = [" ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for (label, method), outcomes in rows.items():
        cells = [label, method, *[outcomes[role] for role in ROLES]]
        lines.append(" ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return "\n".join(lines)


# The tests ------------------------------------------------------------------------------


@pytest.fixture
def world(world):
    student = world.mine.student.username
    AccessAttempt.objects.create(
        username=student, ip_address="10.0.0.1", failures_since_start=1, user_agent="x"
    )
    AccessLog.objects.create(username=student, ip_address="10.0.0.1", user_agent="x")
    AccessFailureLog.objects.create(username=student, ip_address="10.0.0.1", user_agent="x")
    return world


def test_every_url_has_declared_expectations_and_no_declared_url_is_gone(world):
    requested = {probe.row for probe in probes(world)}
    table = set(declared())
    undeclared = sorted(requested - table)
    gone = sorted(table - requested)
    assert not undeclared, "Decide who may open these (add them to MATRIX):\n" + "\n".join(
        f"  {label} {method}" for label, method in undeclared
    )
    assert not gone, "MATRIX names requests no URL pattern makes any more:\n" + "\n".join(
        f"  {label} {method}" for label, method in gone
    )


def test_every_role_gets_what_the_matrix_declares(world):
    table = declared()
    observed = {}
    wrong = []
    for probe in probes(world):
        observed[probe.row] = {role: observe(world, probe, role) for role in ROLES}
        expected = table.get(probe.row)
        if expected is None:
            continue  # reported by the test above
        for role in ROLES:
            if observed[probe.row][role] != expected[role]:
                wrong.append(
                    f"  {probe.label} {probe.method} as {role}: "
                    f"{observed[probe.row][role]}, declared {expected[role]}"
                )
    print("\n" + render(observed))
    assert not wrong, "Outcomes differ from MATRIX:\n" + "\n".join(wrong)
    if os.environ.get("ACCESS_MATRIX_DOC"):
        write_doc(table)


DOC = Path(settings.BASE_DIR) / "docs" / "access-matrix.md"


def write_doc(rows):
    DOC.write_text(
        "# Who may open what\n\n"
        "Generated by tests/security/test_access_matrix.py "
        "(`ACCESS_MATRIX_DOC=1 .venv/bin/python -m pytest "
        "tests/security/test_access_matrix.py`); the test fails whenever a URL's outcome "
        "differs from this table or a URL is missing from it.\n\n"
        "Roles: anonymous (not logged in), student (enrolled in the class whose objects are "
        "requested), other_student (enrolled in another class), teacher (teaches the "
        'class: staff, in the "Teachers" group), other_teacher (teaches another class), '
        "superuser.\n\n"
        "Outcomes: ok (shown; redirects followed), login (sent to a login page), 403 "
        "(refused), 404 (not found: the page does not say the object exists). Pages that "
        "change something are requested with GET and with a valid POST.\n\n"
        "```\n" + render(rows) + "\n```\n",
        encoding="utf-8",
    )
