"""Production hardening: deploy checks, the secret key, the Content-Security-Policy, login
throttling and password rules."""

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests import factories

BASE_DIR = Path(django_settings.BASE_DIR)


# --- production settings, checked in a fresh process as a server would load them ---------


def production_env(tmp_path, **overrides):
    """A production environment and nothing else: no test defaults leak in."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "purgeclass.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "history.example-school.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_python(env, *args):
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def check_deploy(env):
    result = run_python(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    return result.returncode, result.stdout + result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    status, output = check_deploy(production_env(tmp_path))
    assert status == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_check_deploy_fails_with_debug_on(tmp_path):
    status, output = check_deploy(production_env(tmp_path, DEBUG="true"))
    assert status != 0
    assert "security.W018" in output  # DEBUG in deployment


def test_check_deploy_fails_with_the_development_secret_key(tmp_path):
    status, output = check_deploy(production_env(tmp_path, SECRET_KEY=None))
    assert status != 0
    assert "security.W009" in output


def test_check_deploy_fails_without_https_redirect_and_no_proxy(tmp_path):
    status, output = check_deploy(production_env(tmp_path, SECURE_SSL_REDIRECT="false"))
    assert status != 0
    assert "security.W008" in output


def test_check_deploy_passes_behind_a_proxy_that_redirects_to_https(tmp_path):
    env = production_env(tmp_path, BEHIND_PROXY="true", SECURE_SSL_REDIRECT="false")
    status, output = check_deploy(env)
    assert status == 0, output


def test_server_refuses_to_start_with_the_development_secret_key(tmp_path):
    result = run_python(production_env(tmp_path, SECRET_KEY=None), "-c", "import purgeclass.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


def test_server_starts_with_a_secret_key_of_its_own(tmp_path):
    result = run_python(production_env(tmp_path), "-c", "import purgeclass.wsgi")
    assert result.returncode == 0, result.stderr


def test_development_server_may_use_the_development_secret_key(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=None, DEBUG="true")
    result = run_python(env, "-c", "import purgeclass.wsgi")
    assert result.returncode == 0, result.stderr


# --- Content-Security-Policy -------------------------------------------------------------

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Script types a browser runs; json_script's application/json data blocks are not code.
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


def policy_of(response):
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


class InlineCodeFinder(HTMLParser):
    """Finds what the policy would block: inline scripts and styles, event handlers."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): value or "" for name, value in attrs}
        where = f"line {self.getpos()[0]}: <{tag}>"
        for name, value in attributes.items():
            if re.fullmatch(r"on[a-z]+", name) or name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"{where} inline event handler {name}=")
            if name == "style":
                self.problems.append(f"{where} style attribute")
            if value.strip().lower().startswith("javascript:"):
                self.problems.append(f"{where} javascript: URL in {name}=")
        script_type = attributes.get("type", "").lower()
        if tag == "script" and "src" not in attributes and script_type in EXECUTABLE_SCRIPT_TYPES:
            self.problems.append(f"{where} inline <script>")
        if tag == "style":
            self.problems.append(f"{where} inline <style>")


def inline_code(html):
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<button onclick="go()">Go</button>',
        '<p style="color: red">',
        "<style>p { color: red }</style>",
        '<a href="javascript:go()">Go</a>',
        '<div hx-on:click="go()"></div>',
    ],
)
def test_inline_code_finder_catches_what_the_policy_blocks(html):
    assert inline_code(html)


def test_inline_code_finder_allows_static_scripts_and_data_blocks():
    html = (
        '<script src="/static/js/app.js" defer></script>'
        '<script type="application/json" id="d">{"a": 1}</script>'
        '<a class="btn" href="/x/">x</a>'
    )
    assert inline_code(html) == []


def project_templates():
    """Every template of the project's own apps (not of installed libraries)."""
    folders = [BASE_DIR / "templates"]
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        if folder.is_relative_to(BASE_DIR) and ".venv" not in folder.parts:
            folders.append(folder)
    return sorted({path for folder in folders for path in folder.rglob("*.html")})


def test_project_templates_have_no_inline_scripts_handlers_or_styles():
    templates = project_templates()
    assert BASE_DIR / "templates" / "base.html" in templates
    problems = [
        f"{path.relative_to(BASE_DIR)} {problem}"
        for path in templates
        for problem in inline_code(path.read_text())
    ]
    assert problems == []


def test_pages_carry_the_content_security_policy(client, db):
    response = client.get(reverse("sources:unit_list"))
    assert response.status_code == 200
    assert policy_of(response) == EXPECTED_POLICY


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="headteacher", is_staff=True, is_superuser=True)


def test_admin_login_page_works_under_the_policy(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert policy_of(response) == EXPECTED_POLICY
    assert inline_code(response.content.decode()) == []


def admin_pages(request):
    """The admin index, a change form, and every registered model's list and add pages:
    models other engineers register later are covered without editing this test."""
    pages = [
        reverse("admin:index"),
        reverse(f"admin:{request.user._meta.app_label}_user_change", args=[request.user.pk]),
    ]
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{prefix}_changelist"))
        if admin.site.get_model_admin(model).has_add_permission(request):
            pages.append(reverse(f"{prefix}_add"))
    return pages


def test_admin_pages_work_under_the_policy(client, superuser, rf):
    request = rf.get("/admin/")
    request.user = superuser
    client.force_login(superuser)
    pages = admin_pages(request)
    assert reverse("admin:axes_accessattempt_changelist") in pages
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert policy_of(response) == EXPECTED_POLICY, page
        assert inline_code(response.content.decode()) == [], page


CSP_VIOLATION_RECORDER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.mark.e2e
def test_admin_runs_in_a_browser_without_policy_violations(live_server, superuser):
    from playwright.sync_api import sync_playwright

    violations = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.getenv("CHROMIUM", "/usr/bin/chromium")
        )
        page = browser.new_page()
        page.add_init_script(CSP_VIOLATION_RECORDER)

        def visit(path):
            page.goto(live_server.url + path)
            violations.extend(page.evaluate("window.cspViolations"))

        visit(reverse("admin:login"))
        page.fill("#id_username", superuser.username)
        page.fill("#id_password", factories.PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + reverse("admin:index"))
        violations.extend(page.evaluate("window.cspViolations"))

        # The changelist's "select all" box is the admin's own JavaScript at work.
        visit(reverse("admin:auth_user_changelist"))
        page.check("#action-toggle")
        assert page.is_checked("input.action-select")
        visit(reverse("admin:auth_user_change", args=[superuser.pk]))
        visit(reverse("admin:auth_user_add"))
        visit(reverse("sources:unit_list"))
        browser.close()
    assert violations == []


# --- login throttling (django-axes) ------------------------------------------------------

LOCKED_OUT = 429


@pytest.fixture
def throttled(settings):
    """Axes is off for the rest of the suite: the test client's login() cannot feed it."""
    settings.AXES_ENABLED = True


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail_until_locked(client, username, **extra):
    responses = [
        log_in(client, username, "wrong-password", **extra)
        for _ in range(django_settings.AXES_FAILURE_LIMIT)
    ]
    return responses[-1]


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_test_client_login_works_for_the_rest_of_the_suite(client, student):
    assert client.login(username=student.username, password=factories.PASSWORD)


def test_four_wrong_passwords_do_not_lock_the_account(client, student, throttled):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, student.username, "wrong-password").status_code == 200
    response = log_in(client, student.username, factories.PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_five_wrong_passwords_lock_the_account_with_a_clear_message(client, student, throttled):
    response = fail_until_locked(client, student.username)
    assert response.status_code == LOCKED_OUT
    assert "registration/lockout.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Wait 15 minutes" in page
    assert "ask your teacher" in page
    assert student.username in page


def test_right_password_is_refused_while_locked(client, student, throttled):
    fail_until_locked(client, student.username)
    response = log_in(client, student.username, factories.PASSWORD)
    assert response.status_code == LOCKED_OUT
    assert not is_logged_in(client)


def test_another_student_on_the_same_school_network_is_not_locked(client, throttled, db):
    careless, careful = factories.StudentFactory(), factories.StudentFactory()
    fail_until_locked(client, careless.username, REMOTE_ADDR="203.0.113.7")
    response = log_in(client, careful.username, factories.PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_locked_student_can_log_in_from_another_address(client, student, throttled):
    fail_until_locked(client, student.username, REMOTE_ADDR="203.0.113.7")
    response = log_in(client, student.username, factories.PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 302


def test_admin_login_is_throttled_too(client, teacher, throttled):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("admin:login"), {"username": teacher.username, "password": "wrong"}
        )
    assert response.status_code == LOCKED_OUT


def test_axes_reset_username_command_unlocks_the_student(client, student, throttled):
    fail_until_locked(client, student.username)
    output = StringIO()
    call_command("axes_reset_username", student.username, stdout=output)
    assert "1 attempts removed" in output.getvalue()
    response = log_in(client, student.username, factories.PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_deleting_the_attempts_in_the_admin_unlocks_the_student(
    client, student, superuser, throttled
):
    from axes.models import AccessAttempt

    fail_until_locked(client, student.username)
    locked = list(AccessAttempt.objects.filter(username=student.username))
    assert locked

    headteacher = type(client)()
    headteacher.force_login(superuser)
    response = headteacher.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in locked], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=student.username).exists()

    response = log_in(client, student.username, factories.PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


# --- passwords ---------------------------------------------------------------------------


def change_password(client, new_password):
    return client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )


def test_password_change_refuses_a_too_common_password(client, student):
    client.force_login(student)
    response = change_password(client, "password123")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    student.refresh_from_db()
    assert student.check_password(factories.PASSWORD)


def test_password_change_accepts_a_strong_password(client, student):
    client.force_login(student)
    response = change_password(client, "kolyma-winter-1937-ledger")
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert get_user_model().objects.get(pk=student.pk).check_password("kolyma-winter-1937-ledger")


def test_a_teacher_unlocks_a_student_of_their_class_from_the_enrolments(client, student, throttled):
    fail_until_locked(client, student.username)
    classroom = factories.ClassroomFactory(teachers=[factories.DeskTeacherFactory()])
    enrollment = factories.EnrollmentFactory(classroom=classroom, student=student)
    teacher = type(client)()
    teacher.force_login(classroom.teachers.get())
    response = teacher.post(
        reverse("admin:exercises_enrollment_changelist"),
        {"action": "unlock_logins", "_selected_action": [enrollment.pk]},
        follow=True,
    )
    assert (
        f"Unlocked 1 student ({student.get_full_name()}); 1 failed login record cleared."
        in response.content.decode()
    )
    response = log_in(client, student.username, factories.PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_teacher_cannot_unlock_a_student_of_another_class(client, student, throttled):
    from axes.models import AccessAttempt

    fail_until_locked(client, student.username)
    enrollment = factories.EnrollmentFactory(student=student)  # another teacher's class
    outsider = type(client)()
    outsider.force_login(
        factories.ClassroomFactory(teachers=[factories.DeskTeacherFactory()]).teachers.get()
    )
    outsider.post(
        reverse("admin:exercises_enrollment_changelist"),
        {"action": "unlock_logins", "_selected_action": [enrollment.pk]},
    )
    assert AccessAttempt.objects.filter(username=student.username).exists()
    assert log_in(client, student.username, factories.PASSWORD).status_code == LOCKED_OUT
