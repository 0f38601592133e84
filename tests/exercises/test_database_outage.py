"""A database that cannot answer gives a clean 503 with Retry-After, never a 500 page:
JSON for the autosave (the page keeps the draft and retries), a short HTML page otherwise.
Nothing is half-written, and the next request after the outage succeeds.

Real failures of a real PostgreSQL: a statement cancelled by statement_timeout while another
connection holds a lock, the error PostgreSQL raises when its disk is full (SQLSTATE 53100,
raised by a trigger, as a full disk would raise it on the write), and no server at all on
the port. Needs PostgreSQL: DATABASE_URL=postgres://... (.ci/run runs the suite on it too).
"""

import contextlib
import socket

import psycopg
import pytest
from django.db import connection
from django.test import Client

from exercises import kept_answers
from exercises.models import Answer

from .conftest import autosave, build_world, save_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: DATABASE_URL=postgres://..."
    ),
]

TEXT = "The confessions were the only evidence offered at the trial."


@pytest.fixture
def world(transactional_db):
    return build_world()


@pytest.fixture
def student(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.student)
    return client


def other_connection():
    params = connection.get_connection_params()
    params.pop("context", None)
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params)


@contextlib.contextmanager
def answers_locked(statement_timeout_ms=300):
    """Another session holds the answers table; this process's statements give up after
    `statement_timeout_ms`, as they would behind a long migration or a stuck transaction."""
    with other_connection() as holder:
        holder.execute("LOCK TABLE exercises_answer IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
        try:
            yield
        finally:
            holder.rollback()
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")


@contextlib.contextmanager
def disk_full():
    """Every write to the answers table fails as it does when PostgreSQL's disk is full."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pretend_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'could not extend file: No space left on device' "
            "USING ERRCODE = 'disk_full'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON exercises_answer "
            "FOR EACH ROW EXECUTE FUNCTION pretend_disk_full()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER disk_full ON exercises_answer")
            cursor.execute("DROP FUNCTION pretend_disk_full()")


@contextlib.contextmanager
def database_down():
    """Nothing listens where the database should be (a restart, a crash)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["ok"] is False
    assert "Not saved" in body["error"] and "kept on this device" in body["error"]


def assert_html_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "<h1>Busy for a moment</h1>" in html
    assert "Server Error" not in html
    assert "Content-Security-Policy" in response.headers


def stored(world):
    return list(Answer.objects.filter(question=world.q["written"]).values("revision", "response"))


def test_autosave_cancelled_by_statement_timeout_is_a_503_and_writes_nothing(world, student):
    assert autosave(student, world.q["written"], 0, text=TEXT).json()["revision"] == 1
    before = stored(world)
    with answers_locked():
        response = autosave(student, world.q["written"], 1, text=TEXT + " Changed.")
    assert_json_503(response)
    assert stored(world) == before
    # The page sends the same save again later: it is stored.
    again = autosave(student, world.q["written"], 1, text=TEXT + " Changed.")
    assert again.status_code == 200 and again.json()["revision"] == 2


def test_assignment_page_during_a_statement_timeout_is_a_503_page_not_a_500(world, student):
    autosave(student, world.q["written"], 0, text=TEXT)
    with answers_locked():
        response = student.get(world.assignment.get_absolute_url())
    assert_html_503(response)
    assert 'href="/assignments/' in response.content.decode()  # "try again": the same page
    assert student.get(world.assignment.get_absolute_url()).status_code == 200


def test_save_on_a_full_disk_is_a_503_with_a_clear_message_and_a_later_save_succeeds(
    world, student
):
    with disk_full():
        response = autosave(student, world.q["written"], 0, text=TEXT)
    assert_json_503(response)
    assert stored(world) == []
    again = autosave(student, world.q["written"], 0, text=TEXT)
    assert again.status_code == 200 and again.json()["revision"] == 1
    assert stored(world) == [{"revision": 1, "response": {"text": TEXT}}]


def test_plain_save_button_on_a_full_disk_is_a_503_page_saying_to_send_again(world, student):
    with disk_full():
        response = student.post(save_url(world.q["written"]), {"revision": 0, "text": TEXT})
    assert_html_503(response)
    assert "may not have been carried out" in response.content.decode()


def test_with_the_database_down_pages_and_saves_are_503_and_health_check_still_answers(
    world, student
):
    with database_down():
        assert_html_503(student.get(world.assignment.get_absolute_url()))
        assert_json_503(autosave(student, world.q["written"], 0, text=TEXT))
        login = Client(raise_request_exception=False).post(
            "/accounts/login/", {"username": world.student.username, "password": "x"}
        )
        assert_html_503(login)
        # The process itself is fine: a load balancer must not take it out of service.
        assert student.get("/healthz/").status_code == 200
    # The database is back: the same process reconnects by itself.
    saved = autosave(student, world.q["written"], 0, text=TEXT)
    assert saved.status_code == 200 and saved.json()["revision"] == 1


def test_logged_out_save_with_the_database_down_is_a_503_even_when_the_session_fails_after_the_view(
    world,
):
    # No session yet: the view keeps the answer in a new session, which SessionMiddleware
    # writes after the view has answered (handler500's part, not the view middleware's).
    # The form's signed owner token, as the page the session outlived carried it.
    owner = kept_answers.owner_token(world.student)
    anonymous = Client(raise_request_exception=False)
    with database_down():
        response = autosave(anonymous, world.q["written"], 0, text=TEXT, owner=owner)
    assert_json_503(response)


def test_a_bug_is_still_a_500_not_hidden_as_an_outage(world, student):
    # A programming error in SQL is not an outage: it must reach the 500 handling and logs.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE exercises_answer RENAME COLUMN response TO response_gone")
    try:
        response = student.get(world.assignment.get_absolute_url())
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE exercises_answer RENAME COLUMN response_gone TO response")
    assert response.status_code == 500


def test_postgresql_connections_get_the_statement_timeout_from_the_environment(world):
    """DATABASE_STATEMENT_TIMEOUT_MS reaches every connection the app opens (10 s if unset)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    show = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    )
    db = connection.settings_dict  # the test database, which exists
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url}
    env["DJANGO_SETTINGS_MODULE"] = "purgeclass.settings"
    results = {}
    for value in (None, "2500", "0"):
        env.pop("DATABASE_STATEMENT_TIMEOUT_MS", None)
        if value is not None:
            env["DATABASE_STATEMENT_TIMEOUT_MS"] = value
        run = subprocess.run(
            [sys.executable, "-c", show],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        )
        results[value] = run.stdout.strip()
    assert results == {None: "10s", "2500": "2500ms", "0": "0"}


@pytest.fixture
def short_statement_timeout():
    """The app's connection opened with a production-style timeout, shortened for the test."""
    options = connection.settings_dict["OPTIONS"]
    configured = options["options"]
    assert configured.startswith("-c statement_timeout=")
    connection.close()
    options["options"] = "-c statement_timeout=300"
    try:
        yield
    finally:
        connection.close()
        options["options"] = configured


def test_save_stuck_past_the_configured_statement_timeout_is_refused_clearly(
    world, student, short_statement_timeout
):
    """No SET in the test: the timeout comes from the connection's settings, as in production.
    The page gets the 503 JSON it shows (static/js/answering.js keeps the draft in
    localStorage on any non-2xx answer and sends it again), nothing is half-written, and the
    resend is stored."""
    assert autosave(student, world.q["written"], 0, text=TEXT).json()["revision"] == 1
    before = stored(world)
    with other_connection() as holder:
        holder.execute("LOCK TABLE exercises_answer IN ACCESS EXCLUSIVE MODE")
        response = autosave(student, world.q["written"], 1, text=TEXT + " Changed.")
        holder.rollback()
    assert_json_503(response)
    assert response.json()["retry_after"] == 5
    assert stored(world) == before
    again = autosave(student, world.q["written"], 1, text=TEXT + " Changed.")
    assert again.status_code == 200 and again.json()["revision"] == 2
