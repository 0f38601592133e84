"""The student's assignment page, before and after a change: CPU per request and the HTML.

    python bench/assignment_page.py --before /tmp/old-checkout          # compare
    python bench/assignment_page.py --profile                           # where the time goes

The page is the demo assignment (load_demo: 8 questions, one or more of every kind) with
all 23 sources of the Great Purge unit on it, as bench/frontend.py sets it up, opened by
the demo's student1 (work in progress: every answer form on the page) through Django's test
client. The database is SQLite in /tmp (or ASSIGNMENT_PAGE_DATABASE_URL, e.g. a PostgreSQL
database of your own), built once with this checkout's code.

With `--before ROOT` (another checkout of the project, e.g. `git archive` of the commit
before a change, unpacked), the two versions are measured alternately, each in a fresh
process, so both see the same contention from the machine's other tenants: each round
requests the page `--requests` times per version (after one warm-up request) and the
result is the median CPU time of the Django process per request (`time.process_time()`)
of every round, and the ratio after/before. The HTML of the two versions is compared byte
for byte (the CSRF and owner tokens, different in every response, are blanked): the script
exits 1 if they differ.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "ASSIGNMENT_PAGE_DATABASE_URL", "sqlite:////tmp/purgeclass-bench-assignment-page.sqlite3"
)
# Different in every response: the CSRF token (masked anew) and the owner token (timestamped).
TOKENS = re.compile(rb'(name="(?:csrfmiddlewaretoken|owner)" value=")[^"]+(")')


def setup_django(code_root):
    code_root = Path(code_root).resolve()
    sys.path.insert(0, str(code_root))
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purgeclass.settings")
    for name, value in {
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "AXES_ENABLED": "false",
        # The same key for both versions: the page's owner token is signed with it.
        "SECRET_KEY": "bench-assignment-page-not-secret-" + "x" * 40,
    }.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()
    import exercises

    assert Path(exercises.__file__).is_relative_to(code_root), exercises.__file__


def prepare():
    """Migrate, load the demo, put all 23 sources on its assignment (once)."""
    from django.core.management import call_command

    from exercises import demo
    from exercises.models import Assignment, AssignmentSource
    from sources.models import Source

    call_command("migrate", verbosity=0)
    if not Assignment.objects.filter(title=demo.ASSIGNMENT_TITLE).exists():
        call_command("load_demo", stdout=io.StringIO())
    assignment = Assignment.objects.get(
        classroom__join_code=demo.DEMO_JOIN_CODE, title=demo.ASSIGNMENT_TITLE
    )
    shown = set(assignment.assignment_sources.values_list("source_id", flat=True))
    rest = Source.objects.filter(unit__slug="great-purge").exclude(pk__in=shown)
    AssignmentSource.objects.bulk_create(
        AssignmentSource(assignment=assignment, source=source, order=len(shown) + n)
        for n, source in enumerate(rest.order_by("number"))
    )


def page_request():
    """A logged-in client of student1 and the demo assignment's URL."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from exercises import demo
    from exercises.models import Assignment

    assignment = Assignment.objects.get(
        classroom__join_code=demo.DEMO_JOIN_CODE, title=demo.ASSIGNMENT_TITLE
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="student1"))
    return client, assignment.get_absolute_url()


def measure(requests, html_path=None, profile=None):
    """CPU milliseconds of each request after one warm-up; the last page's HTML saved."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, url = page_request()
    cpu = []
    profiler = cProfile.Profile() if profile else None
    for i in range(requests + 1):
        with CaptureQueriesContext(connection) as queries:
            if profiler and i:
                profiler.enable()
            started = time.process_time()
            response = client.get(url)
            elapsed = (time.process_time() - started) * 1000
            if profiler and i:
                profiler.disable()
        assert response.status_code == 200, response.status_code
        if i:
            cpu.append(elapsed)
    if html_path:
        Path(html_path).write_bytes(TOKENS.sub(rb"\1-\2", response.content))
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats(profile).print_stats(45)
    return {"cpu_ms": cpu, "queries": len(queries), "bytes": len(response.content)}


def run_version(code_root, requests, html_path):
    """One round of one version, in a fresh process."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            str(code_root),
            "--requests",
            str(requests),
            "--html",
            str(html_path),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(before, rounds, requests):
    versions = {"before": Path(before).resolve(), "after": ROOT}
    medians = {name: [] for name in versions}
    every = {name: [] for name in versions}
    queries = {}
    for n in range(rounds):
        for name, code_root in versions.items():
            result = run_version(code_root, requests, f"/tmp/assignment-page-{name}.html")
            medians[name].append(statistics.median(result["cpu_ms"]))
            every[name].extend(result["cpu_ms"])
            queries[name] = result["queries"]
        print(
            f"round {n + 1}: before {medians['before'][-1]:.1f} ms, "
            f"after {medians['after'][-1]:.1f} ms",
            file=sys.stderr,
        )
    same = Path("/tmp/assignment-page-before.html").read_bytes() == (
        Path("/tmp/assignment-page-after.html").read_bytes()
    )
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    before_ms = statistics.median(every["before"])
    after_ms = statistics.median(every["after"])
    ratios = [a / b for a, b in zip(medians["after"], medians["before"], strict=True)]
    vendor = DATABASE_URL.split(":", 1)[0]
    print(f"{rounds} rounds x {requests} requests per version, {vendor}; load average {load}")
    print(f"queries: before {queries['before']}, after {queries['after']}")
    print(f"median CPU ms per request: before {before_ms:.1f}, after {after_ms:.1f}")
    print(f"after / before: {after_ms / before_ms:.2f} (per round: ", end="")
    print(", ".join(f"{r:.2f}" for r in ratios) + ")")
    print("HTML identical (tokens blanked):", "yes" if same else "NO")
    return 0 if same else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another checkout of the project to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", nargs="?", const="cumulative", help="cProfile, sorted by")
    parser.add_argument("--html", help="save the page's HTML here (CSRF token blanked)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        setup_django(args.worker)
        print(json.dumps(measure(args.requests, args.html)))
        return 0
    setup_django(ROOT)
    prepare()
    if args.before:
        return compare(args.before, args.rounds, args.requests)
    result = measure(args.requests, args.html, args.profile)
    print(
        f"queries {result['queries']}, {result['bytes']:,} bytes, "
        f"median CPU {statistics.median(result['cpu_ms']):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
