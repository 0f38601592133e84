"""Two app servers, one database: a student moves between them and nothing breaks.

    python bench/scale.py

Starts two gunicorn servers (A and B) on two ports of 127.0.0.1 with the same settings and
SECRET_KEY, against one PostgreSQL database (purgeclass_scale, created and dropped here),
as a load balancer without sticky sessions would have them. One browser (one cookie jar)
then sends each request to the server the check names:

  - logs in on A, opens the assignment on B (the session lives in the database);
  - autosaves on B, then on A; a stale save sent to B after A's is refused (409);
  - submits on B; the double click lands on A and changes nothing;
  - a save after submitting is refused on A;
  - wrong passwords spread over A and B lock the account on both (django-axes keeps
    its count in the database);
  - logging out on B logs out on A;
  - a teacher previews a student CSV import on A and confirms it on B.

Each server gets its own temporary folder, as two machines would have.

Then it checks the database: one submission, submitted, holding the last accepted save.
Exit status 1 if any check fails. Both servers and the database go however it ends.
"""

import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench import load, stack  # noqa: E402

DATABASE = "purgeclass_scale"
DEMO_PASSWORD = "purge-demo-1936"  # exercises.demo.DEMO_PASSWORD
SERVER = {"workers": 1, "worker_class": "gthread", "threads": 2}


class Checks:
    def __init__(self):
        self.failed = 0

    def __call__(self, ok, what):
        print(("  ok    " if ok else "  FAIL  ") + what)
        if not ok:
            self.failed += 1
        return ok


def login(client, server, username, password):
    page = client.get(f"{server.url}/accounts/login/")
    data = {"username": username, "password": password}
    data["csrfmiddlewaretoken"] = load.token_in(page.text)
    return client.post(f"{server.url}/accounts/login/", data=data)


def save(client, server, assignment_pk, question, revision, token, text):
    return client.post(
        f"{server.url}/assignments/{assignment_pk}/questions/{question}/answer/",
        data={"text": text, "revision": str(revision), "csrfmiddlewaretoken": token},
        headers={"Accept": "application/json"},
    )


def scenario(a, b, assignment_pk, plan, check):
    written = next(q.pk for q in plan if q.kind == "written")
    assignment = f"/assignments/{assignment_pk}/"
    submit = f"{assignment}submit/"
    browser = httpx.Client(timeout=30)

    response = login(browser, a, "load-0000", load.PASSWORD)
    check(response.status_code == 302, "logs in on A")
    page = browser.get(b.url + assignment)
    check(
        page.status_code == 200 and f'id="question-{written}"' in page.text,
        "B shows the assignment to the student A logged in",
    )
    token = load.token_in(page.text)

    first = save(browser, b, assignment_pk, written, 0, token, "Saved on B.")
    check(first.status_code == 200 and first.json()["revision"] == 1, "autosave on B")
    second = save(browser, a, assignment_pk, written, 1, token, "Saved on A, later.")
    check(second.status_code == 200 and second.json()["revision"] == 2, "autosave on A")
    stale = save(browser, b, assignment_pk, written, 1, token, "A stale tab, on B.")
    check(
        stale.status_code == 409 and stale.json().get("conflict") is True,
        "a stale save on B, after A's, is refused (409, conflict)",
    )

    confirm = browser.get(b.url + submit)
    check(confirm.status_code == 200, "the submit confirmation on B")
    token = load.token_in(confirm.text)
    posted = browser.post(b.url + submit, data={"csrfmiddlewaretoken": token})
    check(posted.status_code == 302, "submits on B")
    again = browser.post(a.url + submit, data={"csrfmiddlewaretoken": token})
    after = browser.get(a.url + assignment)
    check(
        again.status_code == 302 and "already submitted" in after.text,
        "the double click lands on A: 'already submitted', nothing sent twice",
    )
    late = save(browser, a, assignment_pk, written, 2, token, "After the bell, on A.")
    check(late.status_code == 409 and late.json().get("closed"), "a save after submitting on A")

    out = browser.post(f"{b.url}/accounts/logout/", data={"csrfmiddlewaretoken": token})
    check(out.status_code == 302, "logs out on B")
    gone = browser.get(a.url + assignment)
    check(
        gone.status_code == 302 and "/accounts/login/" in gone.headers.get("location", ""),
        "A no longer knows the session B ended",
    )

    intruder = httpx.Client(timeout=30)
    for n in range(5):
        login(intruder, (a, b)[n % 2], "load-0001", "wrong-password")
    locked = login(intruder, b, "load-0001", load.PASSWORD)
    check(
        locked.status_code == 429 and "Too many wrong passwords" in locked.text,
        "five wrong passwords over A and B lock the account: the right one is refused on B",
    )
    return written


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def import_across(a, b, check):
    """The admin's student import: upload and preview on A, confirm on B."""
    teacher = httpx.Client(timeout=30)
    login(teacher, a, "admin", DEMO_PASSWORD)
    form = teacher.get(f"{a.url}/admin/exercises/enrollment/import/")
    csv = "username,first_name,last_name,email,password,join_code\r\n"
    csv += "moved-0001,Noor,Haddad,,a-long-secret-1936,PURGE36X\r\n"
    preview = teacher.post(
        f"{a.url}/admin/exercises/enrollment/import/",
        data={"csrfmiddlewaretoken": load.token_in(form.text), "resource": "0", "format": "0"},
        files={"import_file": ("students.csv", csv.encode("utf-8-sig"), "text/csv")},
    )
    confirm_form = preview.text[preview.text.find("process_import") :]
    fields = dict(HIDDEN.findall(confirm_form))
    check(preview.status_code == 200 and "import_file_name" in fields, "import previewed on A")
    done = teacher.post(f"{b.url}/admin/exercises/enrollment/process_import/", data=fields)
    from django.contrib.auth import get_user_model

    created = get_user_model().objects.filter(username="moved-0001").exists()
    check(
        done.status_code in (200, 302) and created,
        f"the import previewed on A is confirmed on B (HTTP {done.status_code})",
    )


def verify(assignment_pk, written, check):
    from exercises.models import Answer, Submission

    submissions = list(
        Submission.objects.filter(assignment_id=assignment_pk, student__username="load-0000")
    )
    check(len(submissions) == 1, "one submission in the database")
    if submissions:
        check(submissions[0].status == Submission.Status.SUBMITTED, "it is submitted")
        answer = Answer.objects.get(submission=submissions[0], question_id=written)
        check(
            answer.revision == 2 and answer.response == {"text": "Saved on A, later."},
            "the stored answer is A's save (revision 2), not the stale tab's",
        )


def main():
    check = Checks()
    url = stack.create_database(DATABASE)
    try:
        env = stack.production_env(url)

        class Options:
            students = 2

        assignment_pk, plan = load.prepare(Options, env)
        print("Two servers, one database:")
        with (
            tempfile.TemporaryDirectory() as tmp_a,
            tempfile.TemporaryDirectory() as tmp_b,
            stack.Gunicorn({**env, "TMPDIR": tmp_a}, **SERVER) as a,
            stack.Gunicorn({**env, "TMPDIR": tmp_b}, **SERVER) as b,
        ):
            print(f"  A = {a.url}, B = {b.url}")
            written = scenario(a, b, assignment_pk, plan, check)
            import_across(a, b, check)
        verify(assignment_pk, written, check)
    finally:
        from django.db import connections

        connections.close_all()
        stack.drop_database(DATABASE)
    print("FAILED" if check.failed else "OK: the two servers share everything through PostgreSQL")
    return 1 if check.failed else 0


if __name__ == "__main__":
    stack.stop_cleanly_on_sigterm()
    sys.exit(main())
