"""Put load test results side by side: one table per measure, a column per run.

    python bench/report.py /tmp/purgeclass-bench/load-30.json /tmp/purgeclass-bench/load-300.json

Reads the files `bench/load.py --json` writes and prints the markdown tables that
docs/benchmarks.md records: p95 latency and its ratio to the floor's p95 over the same
seconds, per endpoint and number of students, then errors and the database check.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import FLOOR, order  # noqa: E402


def whole(run):
    """The rows of whole endpoints (not of one phase of the run)."""
    return [row for row in run["rows"] if "," not in row["endpoint"]]


def ratio(row):
    return f"{row['p95_to_floor']:.1f}"


def main(paths):
    runs = [json.loads(Path(p).read_text()) for p in paths]
    runs.sort(key=lambda r: r["students"])
    endpoints = []
    for run in runs:
        for row in run["rows"]:
            if row["endpoint"] not in endpoints:
                endpoints.append(row["endpoint"])
    endpoints.sort(key=order)
    head = " | ".join(f"N = {r['students']}" for r in runs)
    rule = " | ".join("---:" for _ in runs)

    def cells(endpoint, render):
        out = []
        for run in runs:
            row = next((r for r in run["rows"] if r["endpoint"] == endpoint), None)
            out.append(render(row) if row else "–")
        return " | ".join(out)

    print(f"p50 / p95 / p99 in ms (errors)\n\n| endpoint | {head} |\n| --- | {rule} |")
    for endpoint in endpoints:
        line = cells(
            endpoint,
            lambda r: (
                f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f} / {r['p99_ms']:.0f}"
                + (f" ({r['errors']})" if r["errors"] else "")
            ),
        )
        print(f"| {endpoint} | {line} |")
    print(
        f"\np95 ÷ the floor's p95 over the same seconds\n\n| endpoint | {head} |\n| --- | {rule} |"
    )
    for endpoint in endpoints:
        if not endpoint.startswith(FLOOR):
            print(f"| {endpoint} | {cells(endpoint, ratio)} |")
    print(f"\n| run | {head} |\n| --- | {rule} |")
    facts = [
        ("server", lambda r: r["server"]),
        ("busy-loop processes (--cpu-hog)", lambda r: str(r.get("cpu_hog", 0))),
        ("duration, s", lambda r: f"{r['duration_s']:.0f}"),
        ("requests", lambda r: f"{sum(x['requests'] for x in whole(r)):,}"),
        ("errors", lambda r: f"{sum(x['errors'] for x in whole(r))}"),
        ("server CPU, s", lambda r: f"{r['server_cpu_s']:.0f}"),
        ("load generator CPU, s", lambda r: f"{r['load_generator_cpu_s']:.0f}"),
        ("answers checked", lambda r: f"{r['answers_checked']:,}"),
        ("answers lost or changed", lambda r: f"{len(r['problems'])}"),
        ("double-clicked submits", lambda r: f"{r['double_clicks']}"),
        ("saves not sent: the bell rang first", lambda r: f"{r['saves_cut_by_bell']}"),
        ("load average after", lambda r: f"{r['machine']['load_average'][0]:.1f}"),
    ]
    for name, render in facts:
        print(f"| {name} | {' | '.join(render(r) for r in runs)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
