"""The production-like stack the out-of-process benchmarks run: PostgreSQL and gunicorn.

Everything listens on 127.0.0.1 only. A benchmark creates its own database and drops it
afterwards, and starts gunicorn in a process group of its own so that stopping it stops
every worker (`with Gunicorn(...)`), however the benchmark ends.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
HOST = "127.0.0.1"


def create_database(name, server=POSTGRES, template=None):
    """A fresh database `name` (dropped first if a previous run left it), empty or a copy
    of `template`, on `server` (a postgres:// URL ending in "/")."""
    drop_database(name, server)
    with psycopg.connect(f"{server}postgres", autocommit=True) as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{copy}')
    return f"{server}{name}"


def drop_database(name, server=POSTGRES):
    with psycopg.connect(f"{server}postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version():
    with psycopg.connect(f"{POSTGRES}postgres") as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def production_env(database_url, **extra):
    """The environment of a production server, less HTTPS (there is no proxy here)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "purgeclass.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        # Pages link unhashed static files; no collectstatic needed, nothing fetches them.
        "STATIC_MANIFEST": "false",
        "PYTHONWARNINGS": "ignore:No directory at",
    }
    env.pop("AXES_ENABLED", None)  # login throttling on, as in production
    env.update(extra)
    return env


def use_env(env):
    """Make this process's Django use `env`'s settings (for setup and checks in process)."""
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "SECRET_KEY"):
        os.environ[name] = env[name]
    for name in ("ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATIC_MANIFEST"):
        os.environ[name] = env[name]
    os.environ.pop("AXES_ENABLED", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import warnings

    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    import django

    django.setup()


def stop_cleanly_on_sigterm():
    """Turn SIGTERM (`timeout`, CI stopping a job) into SystemExit, so that the `finally`
    blocks stop gunicorn and drop the database instead of leaving them behind."""

    def leave(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn serving purgeclass on 127.0.0.1:`port`, stopped with its whole process group.

    worker_class "sync" or "gthread"; `threads` and `keep_alive` (seconds) apply to gthread
    only: a sync worker closes the connection after each response.
    """

    def __init__(
        self, env, *, workers, worker_class="sync", threads=1, keep_alive=75, port=None, log=None
    ):
        self.env, self.workers, self.worker_class = env, workers, worker_class
        self.keep_alive = keep_alive
        self.threads = threads if worker_class == "gthread" else 1
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = log
        self.process = None

    @property
    def label(self):
        if self.worker_class == "gthread":
            return f"gthread {self.workers}×{self.threads}"
        return f"sync {self.workers}"

    def __enter__(self):
        command = [
            str(VENV_BIN / "gunicorn"),
            "purgeclass.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            # Longer than any client's (or load balancer's) idle time, so that the client
            # always closes an idle connection first. Otherwise a request sent just as the
            # server closes it is lost (a browser would retry; httpx reports a ReadError).
            "--keep-alive",
            str(self.keep_alive),
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if self.log else subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() kills every worker
        )
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_until_up(self, timeout=60):
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s")

    def worker_pids(self):
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except (OSError, ValueError):
            return []

    def cpu_seconds(self):
        """CPU time used so far by the master and its live workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return total

    def stop(self):
        if self.process is None:
            return
        try:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=15)
            # Whatever is left of the group (a stuck or orphaned worker) goes too.
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=5)


class CpuHog:
    """`count` busy-loop processes, each pinned to a core of its own (the last cores first),
    for the whole of a `with` block: what a noisy neighbour, a backup or a virus scan does to
    a small server. Stopped (SIGKILL, its own process group) however the block ends."""

    LOOP = "while True:\n    pass\n"

    def __init__(self, count=1):
        self.count = count
        self.processes = []

    def __enter__(self):
        cores = sorted(os.sched_getaffinity(0), reverse=True)
        for n in range(self.count):
            process = subprocess.Popen([sys.executable, "-c", self.LOOP], start_new_session=True)
            self.processes.append(process)
            os.sched_setaffinity(process.pid, {cores[n % len(cores)]})
        return self

    def cpu_seconds(self):
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for process in self.processes:
            try:
                fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def __exit__(self, *exc):
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def machine():
    """What the numbers were measured on."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "postgres": postgres_version(),
        "load_average": os.getloadavg(),
    }
