"""Resilience under load: a worker killed, the database restarted, the bell during a restart,
a statement timeout and a full disk; nothing acknowledged may be lost.

    python bench/resilience.py                      # every scenario, 60 students each
    python bench/resilience.py --only restart bell  # some of them
    python bench/resilience.py --students 120 --json /tmp/resilience.json

Everything runs against a PostgreSQL cluster of its own: `initdb` in a temporary folder,
`pg_ctl` on a free port of 127.0.0.1 (never the machine's shared cluster on 5432), removed
at the end. The students are bench/load.py's, with `--retry`: like static/js/answering.js
they send a save again after a 503 (after its Retry-After) or when no answer came, keep
the text meanwhile, and press Submit again until it is handed in. Each scenario gets a fresh
copy of a migrated database with the demo, its own gunicorn (sync, 5 workers), and one
fault in the middle of the run:

  kill     a gunicorn worker gets SIGKILL while the class types;
  restart  PostgreSQL stops (fast shutdown) while the class types, and starts again
           `--downtime` seconds later; gunicorn is not restarted;
  bell     the same restart, half a second before the bell;
  timeout  another session locks the answers table for 4 s while the database has a
           2 s statement_timeout; then every write to the answers fails for 4 s with
           PostgreSQL's "disk full" error (SQLSTATE 53100, raised by a trigger: a real full
           disk is not safe to make on a shared machine).

Then bench/load.py's check: every student's stored answers are what the server last
acknowledged (or a save whose answer never came), one submission each, submitted.
A scenario fails on any 500, a 503 without Retry-After or without a clear message, a lost
or changed answer, a missing or duplicated submission, or a student who did not finish.
Requests refused with a 503 or cut off by the fault are counted, not failures: the page
retries them. Exit status 1 if any scenario failed.
"""

import argparse
import asyncio
import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench import load, stack  # noqa: E402

SCENARIOS = ["kill", "restart", "bell", "timeout"]
TEMPLATE = "purgeclass_resilience_base"


# A PostgreSQL cluster of our own ---------------------------------------------------------


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise SystemExit(
            f"{name} not found: install PostgreSQL's server (apt-get install postgresql)"
        )
    return str(candidates[-1])


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on 127.0.0.1:`port`.

    As root, initdb and the server run as the `postgres` user (PostgreSQL refuses root)."""

    def __init__(self):
        self.port = stack.free_port()
        self.url = f"postgres://postgres@{stack.HOST}:{self.port}/"
        self.folder = None

    def _as_owner(self, command):
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def _run(self, *command):
        subprocess.run(self._as_owner(list(command)), check=True, capture_output=True)

    def __enter__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="purgeclass-pg-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self.data = self.folder / "data"
        self._run(
            pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        try:
            self.start()
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        return self

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses={stack.HOST}"
        self._run(
            pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode="fast"):
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def __exit__(self, *exc):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


# The faults --------------------------------------------------------------------------------


def serving_workers(server):
    """Workers holding a client's connection right now: a sync worker is in the middle of a
    request exactly then. (Their sockets against the ESTABLISHED ones on gunicorn's port.)"""
    port = f":{server.port:04X}"
    busy = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(port) and fields[3] == "01":  # local address, ESTABLISHED
            busy.add(f"socket:[{fields[9]}]")
    serving = []
    for pid in server.worker_pids():
        with contextlib.suppress(OSError):
            fds = Path(f"/proc/{pid}/fd")
            if any(os.readlink(fd) in busy for fd in fds.iterdir()):
                serving.append(pid)
    return serving


def kill_worker(ctx):
    """SIGKILL a gunicorn worker in the middle of a request; wait until the master has
    replaced it."""
    started = time.monotonic()
    victim = None
    while victim is None and time.monotonic() - started < 10:
        serving = serving_workers(ctx.server)
        victim = serving[0] if serving else None
        time.sleep(0.002)  # let the students' event loop run (the GIL)
    victim = victim or ctx.server.worker_pids()[0]
    mid_request = victim in serving_workers(ctx.server)
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    while time.monotonic() - killed < 30:
        pids = ctx.server.worker_pids()
        if victim not in pids and len(pids) == ctx.server.workers:
            break
        time.sleep(0.05)
    return {
        "killed pid": victim,
        "mid-request": mid_request,
        "replaced after s": round(time.monotonic() - killed, 2),
    }


def restart_database(ctx):
    """Stop PostgreSQL (fast: connections are cut), wait `downtime`, start it again."""
    started = time.monotonic()
    ctx.cluster.stop("fast")
    stopped = time.monotonic()
    time.sleep(ctx.args.downtime)
    ctx.cluster.start()
    return {
        "stop took s": round(stopped - started, 2),
        "database down s": round(time.monotonic() - stopped, 2),
    }


def timeout_then_disk_full(ctx):
    """Hold the answers table for 4 s (saves exceed the 2 s statement_timeout), then make
    every write to it fail as on a full disk for 4 s."""
    with psycopg.connect(ctx.database_url) as holder:
        holder.execute("LOCK TABLE exercises_answer IN ACCESS EXCLUSIVE MODE")
        time.sleep(4)
        holder.rollback()
    with psycopg.connect(ctx.database_url, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION pretend_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'could not extend file: No space left on device' "
            "USING ERRCODE = 'disk_full'; END $$"
        )
        conn.execute(
            "CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON exercises_answer "
            "FOR EACH ROW EXECUTE FUNCTION pretend_disk_full()"
        )
        time.sleep(4)
        conn.execute("DROP TRIGGER disk_full ON exercises_answer")
        conn.execute("DROP FUNCTION pretend_disk_full()")
    return {"lock s": 4, "disk full s": 4}


FAULTS = {
    "kill": ("SIGKILL a gunicorn worker while typing", kill_worker, "typing"),
    "restart": ("PostgreSQL restarted while typing", restart_database, "typing"),
    "bell": ("PostgreSQL restarted at the bell", restart_database, "bell"),
    "timeout": (
        "statement timeout (4 s lock), then disk full (4 s)",
        timeout_then_disk_full,
        "typing",
    ),
}


# One scenario ------------------------------------------------------------------------------


def point_django_at(env):
    """This process's Django (set up once) now uses env's database."""
    import dj_database_url

    stack.use_env(env)
    from django.db import connections

    connections.close_all()
    parsed = dj_database_url.parse(env["DATABASE_URL"])
    settings = connections["default"].settings_dict
    for key in ("NAME", "HOST", "PORT", "USER"):
        settings[key] = parsed[key]


def load_args(args):
    return SimpleNamespace(
        students=args.students,
        seed=args.seed,
        saves=args.saves,
        think=(1.0, 3.0),
        login_window=None,
        settle=3.0,
        rush=10.0,
        double_click=0.2,
        floor_rate=5.0,
        grace=60.0,
        request_timeout=30.0,
        retry=True,
    )


async def drive_with_fault(run, moment, fault, ctx):
    result = {}

    async def inject():
        await run.sleep_until(moment)
        if ctx.when == "typing":
            # On a busy machine the logins can run late: wait until half the class has
            # had a save acknowledged, so that the fault lands while they type.
            while sum(bool(r.acked) for r in run.students) < len(run.students) / 2:
                if run.now() > run.bell - 10:
                    break
                await asyncio.sleep(0.2)
        result["start"] = run.now()
        result["details"] = await asyncio.to_thread(fault, ctx)
        result["end"] = run.now()

    task = asyncio.create_task(inject())
    timed_out = await load.drive(run)
    await task
    return timed_out, result


def scenario(name, args, cluster):
    what, fault, when = FAULTS[name]
    database = f"purgeclass_resilience_{name}"
    url = stack.create_database(database, cluster.url, template=TEMPLATE)
    env = stack.production_env(url)
    point_django_at(env)
    largs = load_args(args)
    assignment_pk, plan = load.prepare(largs, env)
    if name == "timeout":
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE \"{database}\" SET statement_timeout = '2s'")
    ctx = SimpleNamespace(args=args, cluster=cluster, database_url=url, when=when)
    with stack.Gunicorn(env, workers=5) as server:
        ctx.server = server
        asyncio.run(load.warm_up(server.url, 2 * server.workers, assignment_pk))
        run = load.Run(largs, server.url, assignment_pk, plan)
        typing = run.login_window + largs.settle
        moment = typing + (run.bell - typing) / 3 if when == "typing" else run.bell - 0.5
        workers_before = set(server.worker_pids())
        master = server.process.pid
        print(f"\n== {name}: {what}; {args.students} students, the fault at {moment:.0f} s, "
              f"the bell at {run.bell:.0f} s")  # fmt: skip
        timed_out, fault_result = asyncio.run(drive_with_fault(run, moment, fault, ctx))
        workers_after = set(server.worker_pids())
        master_alive = server.process.poll() is None and server.process.pid == master
    point_django_at(env)
    checked, in_doubt, problems = load.verify(run, assignment_pk)
    from django.db import connections

    connections.close_all()
    stack.drop_database(database, cluster.url)
    return summarise(
        name, what, run, fault_result, timed_out, checked, in_doubt, problems,
        workers_before, workers_after, master_alive,
    )  # fmt: skip


def summarise(
    name, what, run, fault, timed_out, checked, in_doubt, problems, before, after, master_alive
):
    stats = run.stats
    kinds = Counter(error for _, _, _, error in stats.failures)
    requests = sum(len(v) for v in stats.samples.values())
    start = fault.get("start", 0)
    # When the failed requests were answered (a request queued before the fault can fail
    # in it), in seconds after the fault began: the last one is when service was back.
    ends = [sent + secs - start for _, sent, secs, _ in stats.failures if sent + secs >= start]
    window = (min(ends), max(ends)) if ends else (0.0, 0.0)
    # A 503 with Retry-After, or a request cut off by the fault, is what the page retries;
    # anything else (a 500, a 409, a 503 without its hint or message) is a failure.
    bad = {
        kind: count
        for kind, count in kinds.items()
        if (kind.startswith("HTTP") and kind != "HTTP 503") or kind.startswith(("not ok", "503"))
    }
    unfinished = sum(not r.finished for r in run.students)
    unsubmitted = sum(not r.submitted for r in run.students)
    failed = bool(bad or problems or timed_out or unfinished or unsubmitted or not master_alive)
    return {
        "scenario": name,
        "fault": what,
        "fault_at_s": round(start, 1),
        "fault_details": fault.get("details", {}),
        "fault_took_s": round(fault.get("end", 0) - start, 2),
        "requests": requests,
        "errors_by_kind": dict(kinds),
        "errors_by_endpoint": {e: dict(c) for e, c in stats.errors.items()},
        "failures": [
            [endpoint, round(sent, 2), round(secs, 2), error]
            for endpoint, sent, secs, error in stats.failures
        ],
        "http_503": kinds.get("HTTP 503", 0),
        "no_answer": sum(
            c for k, c in kinds.items() if not k.startswith(("HTTP", "not ok", "503"))
        ),
        "bad": bad,
        "retries": dict(stats.retries),
        "conflicts_resolved": sum(r.conflicts_resolved for r in run.students),
        "errors_from_s": round(window[0], 1),
        "errors_until_s": round(window[1], 1),
        "answers_checked": checked,
        "answers_from_unanswered_saves": in_doubt,
        "problems": problems,
        "students": len(run.students),
        "unfinished": unfinished,
        "not_submitted": unsubmitted,
        "double_clicks": sum(r.double_click for r in run.students),
        "workers_replaced": len(before - after),
        "master_alive": master_alive,
        "timed_out": timed_out,
        "failed": failed,
    }


def report(results):
    print(
        "\n| scenario | fault | requests | 503 (Retry-After) | no answer | 500 or other "
        "refusals | resent | failures answered, s after the fault began | answers checked "
        "| lost or changed | handed in | workers replaced |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['scenario']} | {r['fault']} | {r['requests']:,} | {r['http_503']} "
            f"| {r['no_answer']} | {sum(r['bad'].values())} | {sum(r['retries'].values())} "
            f"| {r['errors_from_s']}–{r['errors_until_s']} | {r['answers_checked']:,} "
            f"| {len(r['problems'])} | {r['students'] - r['not_submitted']}/{r['students']} "
            f"| {r['workers_replaced']} |"
        )
    for r in results:
        print(f"\n{r['scenario']}: fault at {r['fault_at_s']} s, took {r['fault_took_s']} s "
              f"{r['fault_details']}; errors {r['errors_by_endpoint']}; resent {r['retries']}; "
              f"conflicts resolved {r['conflicts_resolved']}; stored from unanswered saves "
              f"{r['answers_from_unanswered_saves']}")  # fmt: skip
        for problem in r["problems"][:10]:
            print("  " + problem)
        if r["bad"]:
            print(f"  refusals that are not outages: {r['bad']}")
        if r["unfinished"] or r["not_submitted"]:
            print(f"  {r['unfinished']} did not finish, {r['not_submitted']} not handed in")
        if r["timed_out"]:
            print("  the run did not finish within its hard limit")
        if not r["master_alive"]:
            print("  gunicorn's master is gone")
        print("  FAILED" if r["failed"] else "  OK")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=SCENARIOS)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--saves", type=int, default=2, help="saves of each answer")
    parser.add_argument("--downtime", type=float, default=5.0, help="seconds PostgreSQL is down")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    results = []
    with Cluster() as cluster:
        print(f"A PostgreSQL cluster of its own: {cluster.folder}, port {cluster.port}")
        url = stack.create_database(TEMPLATE, cluster.url)
        env = stack.production_env(url)
        point_django_at(env)
        load.prepare(SimpleNamespace(students=0), env)  # migrate, the demo: copied per scenario
        from django.db import connections

        connections.close_all()
        for name in args.only:
            results.append(scenario(name, args, cluster))
    report(results)
    if args.json:
        args.json.write_text(json.dumps({"results": results, "machine": stack.machine()}, indent=2))
    failed = any(r["failed"] for r in results)
    print("\nFAILED" if failed else "\nOK: every scenario recovered and lost nothing acknowledged")
    return 1 if failed else 0


if __name__ == "__main__":
    stack.stop_cleanly_on_sigterm()
    sys.exit(main())
