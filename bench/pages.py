"""Page benchmark, in process: queries and median server time of each key page.

    python bench/pages.py --size small                # 2 classes × 5 students
    python bench/pages.py --size large                # 40 classes × 30 students, ~96,000 answers
    python bench/pages.py --size large --database postgres

Each size gets its own database (SQLite in /tmp, or PostgreSQL database
purgeclass_bench_<size> on 127.0.0.1:5432 with --database postgres), built once with
`migrate`, `load_demo` and `generate_volume`, then reused. Every page is requested through
Django's test client (the whole middleware stack, no network) as the user who would open
it; the pages and users are chosen in bench/targets.py. The table printed at the end is what
docs/benchmarks.md records. Exits non-zero if a page fails.
"""

import argparse
import io
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {
    "small": {"classes": 2, "students": 5, "assignments": 2, "questions": 8},
    "large": {"classes": 40, "students": 30, "assignments": 10, "questions": 8},
}
POSTGRES = "postgres://postgres@127.0.0.1:5432/"


def database_url(size, database):
    if database == "postgres":
        return f"{POSTGRES}purgeclass_bench_{size}"
    return f"sqlite:////tmp/purgeclass-bench-{size}.sqlite3"


def create_postgres_database(name):
    import psycopg

    with psycopg.connect(f"{POSTGRES}postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(size, database):
    url = database_url(size, database)
    if database == "postgres":
        create_postgres_database(url.rsplit("/", 1)[1])
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purgeclass.settings")
    for name, value in {
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        # The test client's force_login() skips authenticate(); nothing here logs in.
        "AXES_ENABLED": "false",
    }.items():
        os.environ.setdefault(name, value)
    # No collectstatic here: whitenoise's warning about the missing folder is noise.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


def build(size):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if get_user_model().objects.filter(username__startswith="gen-").exists():
        return
    print(f"Building the {size} database (once)...", file=sys.stderr)
    call_command("load_demo", stdout=io.StringIO())
    call_command("generate_volume", seed=1, prefix="gen", quiet=True, **SIZES[size])


def analyze():
    """Fresh planner statistics, as autovacuum keeps them on a server in use. Without them
    PostgreSQL guesses thousands of answers per submission, picks plans for that, and
    JIT-compiles them."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(page, repeat, slow_ms=None):
    """Median milliseconds and query count of a page: one warm-up, then `repeat` requests."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, logged_in_as = Client(), object()
    timings, cpu_timings, counts = [], [], set()
    for i in range(repeat + 1):
        request = page.step(i)
        if request.user != logged_in_as:
            client = Client()
            if request.user is not None:
                client.force_login(request.user)
            logged_in_as = request.user
        send = getattr(client, request.method)
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = send(request.url, request.data, **request.extra)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
        assert response.status_code < 400, f"{page.name}: {request.url} {response.status_code}"
        if page.check:
            page.check(i, response)
        if i:  # the first request warms caches (templates, the connection)
            timings.append(elapsed)
            cpu_timings.append(cpu)
            counts.add(len(captured))
        if slow_ms is not None and i == repeat:
            for query in captured:
                if float(query["time"]) * 1000 >= slow_ms:
                    sql = query["sql"][:300]
                    print(f"  {float(query['time']) * 1000:6.1f} ms  {sql}", file=sys.stderr)
    return statistics.median(timings), min(timings), statistics.median(cpu_timings), counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--build-only", action="store_true", help="build the database, no timing")
    parser.add_argument(
        "--slow-ms", type=float, help="print the queries of each page slower than this"
    )
    args = parser.parse_args()
    setup_django(args.size, args.database)
    build(args.size)
    analyze()
    if args.build_only:
        return

    from django.db import connection

    from bench import targets
    from exercises.models import Answer

    answers = Answer.objects.count()
    rows = []
    for page in targets.pages(args.repeat):
        if args.slow_ms is not None:
            print(f"{page.name}:", file=sys.stderr)
        median_ms, min_ms, cpu_ms, counts = measure(page, args.repeat, args.slow_ms)
        queries = "/".join(str(c) for c in sorted(counts))
        rows.append((page.name, queries, median_ms, min_ms, cpu_ms))
        print(f"{page.name:<36} {queries:>6} queries {median_ms:8.1f} ms", file=sys.stderr)

    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{args.size}: {answers:,} answers, {connection.vendor}, load average {load}")
    # CPU: this process's (Django's) CPU time, which other tenants of the machine disturb
    # far less than the wall-clock time; PostgreSQL's own work is not in it.
    print("| page | queries | median ms | fastest ms | median CPU ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, queries, median_ms, min_ms, cpu_ms in rows:
        print(f"| {name} | {queries} | {median_ms:.1f} | {min_ms:.1f} | {cpu_ms:.1f} |")


if __name__ == "__main__":
    main()
