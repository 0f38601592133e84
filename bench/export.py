"""Gradebook export benchmark: time and peak memory of one assignment's CSV, small vs large.

    python bench/export.py                       # PostgreSQL (default)
    python bench/export.py --database sqlite

Two databases, built once and reused: one assignment of 25 students (200 answers) and one
of 12,500 students (100,000 answers), 8 questions each, from `generate_volume`. Each
export runs in a fresh subprocess that downloads the gradebook through the admin (Django's
test client, as the class's teacher) and reads every streamed chunk; it reports its peak
resident memory (ru_maxrss) before and after the download. A streamed export's peak
should not grow with the number of answers. Exits non-zero if the CSV is incomplete.
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402

SIZES = {
    "small": {"classes": 1, "students": 25, "assignments": 1, "questions": 8},
    "large": {"classes": 1, "students": 12_500, "assignments": 1, "questions": 8},
}


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(size, database, build_only):
    """In a subprocess: set up, note the peak memory, download the CSV, note it again.
    Building the data is done in a subprocess of its own, so that its memory is not
    counted."""
    name = f"export_{size}"
    pages.SIZES[name] = SIZES[size]
    pages.setup_django(name, database)
    if build_only:
        pages.build(name)
        pages.analyze()
        return
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    from exercises.models import Answer, Assignment

    teacher = get_user_model().objects.get(username="gen-teacher0")
    teacher.groups.add(Group.objects.get(name="Teachers"))
    assignment = Assignment.objects.get(classroom__teachers=teacher)
    answers = Answer.objects.filter(submission__assignment=assignment).count()
    client = Client()
    client.force_login(teacher)
    url = reverse("admin:exercises_assignment_gradebook", args=[assignment.pk])
    # Warm up (the admin's code and templates, the connection) without the export itself,
    # whose own peak is what is measured.
    client.get(reverse("admin:exercises_assignment_change", args=[assignment.pk]))
    before = peak_rss_mib()

    started = time.perf_counter()
    response = client.get(url)
    size_bytes, lines, first_chunk = 0, 0, None
    columns = set()
    tail = ""
    for chunk in response.streaming_content:
        text = chunk.decode()
        size_bytes += len(chunk)
        first_chunk = first_chunk or text
        # Count rows and their widths as they pass, keeping nothing but the unfinished line.
        text = tail + text
        complete, _, tail = text.rpartition("\r\n")
        if complete:
            for row in csv.reader(io.StringIO(complete + "\r\n")):
                lines += 1
                columns.add(len(row))
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "size": size,
                "answers": answers,
                "rows": lines - 1,
                "columns": sorted(columns),
                "megabytes": size_bytes / 1e6,
                "seconds": seconds,
                "streamed": response.streaming,
                "peak_rss_before_mib": before,
                "peak_rss_after_mib": peak_rss_mib(),
            }
        )
    )


def run(size, database, *extra):
    result = subprocess.run(
        [sys.executable, __file__, "--child", size, "--database", database, *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the {size} export failed")
    if not extra:
        return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--child", choices=SIZES, help=argparse.SUPPRESS)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database, args.build_only)
        return 0
    for size in SIZES:
        run(size, args.database, "--build-only")
    results = [run(size, args.database) for size in SIZES]
    print(
        f"\n| gradebook CSV ({args.database}) | answers | rows | MB | seconds | streamed "
        "| peak RSS before MiB | peak RSS after MiB | growth MiB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    failed = False
    for r in results:
        growth = r["peak_rss_after_mib"] - r["peak_rss_before_mib"]
        print(
            f"| {r['size']} | {r['answers']:,} | {r['rows']:,} | {r['megabytes']:.1f} "
            f"| {r['seconds']:.2f} | {'yes' if r['streamed'] else 'NO'} "
            f"| {r['peak_rss_before_mib']:.0f} | {r['peak_rss_after_mib']:.0f} | {growth:.1f} |"
        )
        expected_rows = SIZES[r["size"]]["students"]
        if r["rows"] != expected_rows or len(r["columns"]) != 1 or not r["streamed"]:
            print(f"  {r['size']}: expected {expected_rows} rows of one width, got {r}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
