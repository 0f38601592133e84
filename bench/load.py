"""Load test, out of process: a whole class takes the demo assignment, then the bell rings.

    python bench/load.py --students 30            # N simulated students
    python bench/load.py --students 600 --worker-class gthread --workers 3 --threads 4
    python bench/load.py --smoke                  # 5 students, a few seconds (CI)
    python bench/load.py --students 600 --cpu-hog # a busy loop takes one core all along

The script creates its own PostgreSQL database on 127.0.0.1:5432 (purgeclass_load unless
--database), migrates it, loads the demo ("The Moscow trials: Duranty vs. Trotsky"),
enrols N students in the demo class (one password hash for all, bulk_create), starts
gunicorn on a free port of 127.0.0.1 with production settings, and runs the students:

  1. log in through the login form (CSRF), logins ramped over N/6 seconds;
  2. open the dashboard and the assignment;
  3. autosave every answer `--saves` times with changing text, 2-6 s (seeded) apart;
  4. the bell: all submit within 10 s (confirm page, then POST; some double-click and
     send the POST twice at once), then see the submitted assignment.

All the while the same generator requests `healthz/` at a steady rate: the floor of the
stack, which every page is compared with. Then it checks the database: each student's
stored answers are exactly what the server last acknowledged to that student (cleaned by
the app's own forms, same revision), and each student has one submission, submitted.
It stops gunicorn and drops the database however it ends. Exit status 1 on any error,
lost or changed answer, missing or duplicated submission, or a run over its time limit.
"""

import argparse
import asyncio
import json
import random
import re
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench import stack  # noqa: E402

PASSWORD = "load-test-pupil-1936"
DEMO_PASSWORD = "purge-demo-1936"  # exercises.demo.DEMO_PASSWORD, for the warm-up
PREFIX = "load-"
CANCEL_GRACE = 30.0  # seconds given to cancelled students after the hard limit
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VOCABULARY = (
    "Duranty Trotsky Zinoviev Kamenev confession trial Moscow evidence reliable biased "
    "correspondent exile witness propaganda purpose origin value limitation provenance "
    "hindsight newspaper court defendants guilty coerced torture Stalin Kirov NKVD audience"
)
WORDS = VOCABULARY.split()


# The plan: what each question needs to be answered ------------------------------------


@dataclass
class QuestionPlan:
    pk: int
    kind: str
    source_ids: list
    spans: list = field(default_factory=list)  # highlight: sentences one can mark
    options: list = field(default_factory=list)  # choice: option ids
    multiple: bool = False


def words(rng, low, high):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def payload(question, rng, who, round_):
    """The form fields a student sends for one question; different each round."""
    note = f"{who} draft {round_ + 1}: "
    kind = question.kind
    if kind in ("rating", "comparison"):
        data = {"justification": note + words(rng, 20, 90)}
        if kind == "rating":
            data["rating"] = str(rng.randint(1, 5))
        else:
            data["choice"] = str(rng.choice(question.source_ids))
        return data
    if kind == "opvl":
        return {f: note + words(rng, 8, 40) for f in ("origin", "purpose", "value", "limitation")}
    if kind == "highlight":
        spans = sorted(rng.sample(question.spans, k=min(len(question.spans), rng.randint(1, 4))))
        return {"ranges": json.dumps([{"start": s, "end": e} for s, e in spans])}
    if kind == "matrix":
        verdicts = ("supports", "challenges", "silent")
        return {f"verdict-{pk}": rng.choice(verdicts) for pk in question.source_ids}
    if kind == "choice":
        count = rng.randint(1, 3) if question.multiple else 1
        return {"selected": sorted(rng.sample(question.options, count))}
    return {"text": note + words(rng, 80, 300)}


def prepare(args, env):
    """Migrate, load the demo, enrol N students; return the assignment's plan."""
    stack.use_env(env)
    import io

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections

    from exercises import demo
    from exercises.kinds import sentences
    from exercises.models import Assignment, Classroom, Enrollment

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    classroom = Classroom.objects.get(join_code=demo.DEMO_JOIN_CODE)
    assignment = Assignment.objects.get(classroom=classroom, title=demo.ASSIGNMENT_TITLE)
    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once: slow on purpose
    students = User.objects.bulk_create(
        User(username=f"{PREFIX}{i:04d}", password=password, first_name=f"Pupil {i}")
        for i in range(args.students)
    )
    Enrollment.objects.bulk_create(Enrollment(classroom=classroom, student=s) for s in students)
    plan = []
    for question in assignment.questions.order_by("order").prefetch_related(
        "question_sources__source"
    ):
        sources = [qs.source for qs in question.question_sources.all()]
        plan.append(
            QuestionPlan(
                pk=question.pk,
                kind=question.kind,
                source_ids=[s.pk for s in sources],
                spans=sentences(sources[0].text) if question.kind == "highlight" else [],
                options=[o["id"] for o in question.settings.get("options", [])],
                multiple=bool(question.settings.get("multiple")),
            )
        )
    connections.close_all()
    return assignment.pk, plan


# Measuring -------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.samples = defaultdict(list)  # endpoint -> [(sent at, seconds)]
        self.errors = defaultdict(Counter)  # endpoint -> {what went wrong: count}
        self.failures = []  # (endpoint, sent at, seconds, what went wrong), in order
        self.retries = Counter()  # endpoint -> requests sent again (--retry)

    def record(self, endpoint, sent_at, seconds, error=None):
        self.samples[endpoint].append((sent_at, seconds))
        if error:
            self.errors[endpoint][error] += 1
            self.failures.append((endpoint, sent_at, seconds, error))

    def error_count(self):
        return sum(sum(c.values()) for c in self.errors.values())


def percentiles(values):
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return value, value, value
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


@dataclass
class StudentRecord:
    acked: dict = field(default_factory=dict)  # question pk -> (fields, revision)
    # question pk -> fields sent since the last acknowledged save that got no answer
    in_doubt: dict = field(default_factory=lambda: defaultdict(list))
    saves_cut: int = 0  # saves not sent because the bell rang
    double_click: bool = False
    submitted: bool = False  # the server answered a submit with its redirect
    finished: bool = False
    conflicts_resolved: int = 0  # a resent save found its earlier copy stored (409)


class Run:
    def __init__(self, args, url, assignment_pk, plan):
        self.args, self.url, self.plan = args, url, plan
        self.stats = Stats()
        self.students = [StudentRecord() for _ in range(args.students)]
        self.assignment_url = f"/assignments/{assignment_pk}/"
        self.submit_url = f"/assignments/{assignment_pk}/submit/"
        self.start = time.monotonic()
        n = args.students
        self.login_window = args.login_window if args.login_window is not None else n / 6
        self.login_at = [self.login_window * i / max(n - 1, 1) for i in range(n)]
        mean_think = sum(args.think) / 2
        saving = args.saves * len(plan) * mean_think
        self.bell = self.login_window + args.settle + saving * 1.25
        self.rush_end = self.bell + args.rush
        self.deadline = self.rush_end + args.grace

    def now(self):
        return time.monotonic() - self.start

    async def sleep_until(self, moment):
        delay = moment - self.now()
        if delay > 0:
            await asyncio.sleep(delay)

    async def call(self, endpoint, request, expect=200):
        """The response if it had the expected status; None otherwise (recorded as an
        error). With --retry, `request` is a function making the request, sent again while
        the server is unavailable (see `retrying`)."""
        if self.args.retry:
            response, failure = await retrying(self, endpoint, request, expect)
        else:
            response, failure = await self.send(endpoint, request, expect)
        return None if failure else response

    async def send(self, endpoint, request, expect=200):
        """(response, None); or (None, "unknown") when no answer came back, so the request
        may or may not have been carried out; or (response, "refused") for another status."""
        if callable(request):
            request = request()
        sent_at, started = self.now(), time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as error:
            elapsed = time.perf_counter() - started
            self.stats.record(endpoint, sent_at, elapsed, type(error).__name__)
            return None, "unknown"
        elapsed = time.perf_counter() - started
        if response.status_code != expect:
            error = f"HTTP {response.status_code}"
            if response.status_code == 503 and not response.headers.get("Retry-After"):
                error += " without Retry-After"
            self.stats.record(endpoint, sent_at, elapsed, error)
            return response, "refused"
        self.stats.record(endpoint, sent_at, elapsed)
        return response, None


# The server says "try again" (503 from purgeclass/outage.py; 502/504 from a proxy).
UNAVAILABLE = {502, 503, 504}


def retry_after(response):
    try:
        return float(response.headers.get("Retry-After", 5))
    except (AttributeError, ValueError):
        return 5.0  # no answer at all: answering.js's RETRY_DELAY


async def retrying(run, endpoint, make, expect=200, until=None):
    """Send `make()` until it is answered with `expect`, as a page that retries does (the
    autosave after a 503 or a lost connection, a student pressing Submit again): again
    after Retry-After seconds while the server is unavailable or did not answer, until
    `until` (default: the run's hard limit, less a margin). Another refusal is final."""
    until = run.deadline - 10 if until is None else until
    while True:
        response, failure = await run.send(endpoint, make, expect)
        if failure is None:
            return response, None
        if failure == "refused" and response.status_code not in UNAVAILABLE:
            return response, failure
        wait = retry_after(response)
        if run.now() + wait >= until:
            return response, failure
        run.stats.retries[endpoint] += 1
        await asyncio.sleep(wait)


def token_in(page):
    match = CSRF.search(page)
    return match[1] if match else ""


async def student(run, i):
    args, record = run.args, run.students[i]
    rng = random.Random(args.seed * 1_000_003 + i)
    who = f"{PREFIX}{i:04d}"
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=2)
    async with httpx.AsyncClient(
        base_url=run.url, timeout=args.request_timeout, limits=limits
    ) as client:
        await run.sleep_until(run.login_at[i])
        page = await run.call("login form", lambda: client.get("/accounts/login/"))
        if page is None:
            return
        data = {"username": who, "password": PASSWORD, "csrfmiddlewaretoken": token_in(page.text)}
        done = await run.call(
            "login", lambda: client.post("/accounts/login/", data=data), expect=302
        )
        if done is None:
            return
        await run.call("dashboard", lambda: client.get(done.headers["location"]))
        page = await run.call("assignment page", lambda: client.get(run.assignment_url))
        if page is None:
            return
        missing = [q.pk for q in run.plan if f'id="question-{q.pk}"' not in page.text]
        if missing:
            run.stats.record("assignment page", run.now(), 0, f"questions missing: {missing}")
            return
        token = token_in(page.text)
        revisions = dict.fromkeys((q.pk for q in run.plan), 0)
        saves = [(r, q) for r in range(args.saves) for q in run.plan]
        for n, (round_, question) in enumerate(saves):
            await asyncio.sleep(rng.uniform(*args.think))
            if run.now() >= run.bell:
                record.saves_cut = len(saves) - n
                break
            fields = payload(question, rng, who, round_)
            url = f"{run.assignment_url}questions/{question.pk}/answer/"
            while True:
                body = {
                    **fields,
                    "revision": str(revisions[question.pk]),
                    "csrfmiddlewaretoken": token,
                }
                saved, failure = await run.send(
                    "autosave",
                    client.post(url, data=body, headers={"Accept": "application/json"}),
                )
                if failure == "unknown":
                    # The server may have stored it after all: the check accepts either.
                    record.in_doubt[question.pk].append(fields)
                if not failure or not args.retry:
                    break
                # --retry: what static/js/answering.js does, the draft kept meanwhile.
                if failure == "refused" and saved.status_code == 409:
                    refusal = saved.json()
                    if not (refusal.get("conflict") and record.in_doubt.get(question.pk)):
                        break
                    # A save whose answer was lost had been stored after all: this page
                    # sees "another version" (its own); the student keeps theirs.
                    revisions[question.pk] = refusal["revision"]
                    record.conflicts_resolved += 1
                    continue
                if failure == "refused" and saved.status_code not in UNAVAILABLE:
                    break
                if failure == "refused" and "Not saved" not in saved.json().get("error", ""):
                    run.stats.record("autosave", run.now(), 0, "503 without a clear message")
                wait = retry_after(saved)
                # The page's "review and submit" link first finishes every pending save
                # (answering.js), so at the bell a student waits for them to go through.
                if run.now() + wait >= run.deadline - 10:
                    break
                run.stats.retries["autosave"] += 1
                await asyncio.sleep(wait)
            if failure:
                continue
            answer = saved.json()
            if not answer.get("ok"):
                error = "not ok: " + str(answer.get("error"))[:60]
                run.stats.record("autosave", run.now(), 0, error)
                continue
            revisions[question.pk] = answer["revision"]
            record.acked[question.pk] = (fields, answer["revision"])
            record.in_doubt[question.pk] = []

        await run.sleep_until(run.bell + rng.uniform(0, args.rush))
        confirm = await run.call("submit confirm", lambda: client.get(run.submit_url))
        if confirm is not None:
            token = token_in(confirm.text)
        record.double_click = rng.random() < args.double_click
        clicks = 2 if record.double_click else 1
        posted = await asyncio.gather(
            *(
                run.call(
                    "submit",
                    lambda: client.post(run.submit_url, data={"csrfmiddlewaretoken": token}),
                    expect=302,
                )
                for _ in range(clicks)
            )
        )
        landed = next((p for p in posted if p is not None), None)
        record.submitted = landed is not None
        if landed is not None:
            await run.call("after submit", lambda: client.get(landed.headers["location"]))
        record.finished = True


async def floor(run, stop):
    """healthz/ at a steady rate, sent on schedule whether or not earlier ones came back."""
    interval = 1 / run.args.floor_rate
    async with httpx.AsyncClient(base_url=run.url, timeout=run.args.request_timeout) as client:
        pending = set()
        tick = 0
        while not stop.is_set():
            task = asyncio.create_task(run.send(FLOOR, client.get("/healthz/")))
            pending.add(task)
            task.add_done_callback(pending.discard)
            tick += 1
            await run.sleep_until(tick * interval)
        await asyncio.gather(*pending)


async def warm_up(url, concurrency, assignment_pk):
    """Load every worker's code and templates before the clock starts: as a student of
    the demo who is not one of the N (student1), open the pages the students will open."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        page = await client.get("/accounts/login/")
        data = {"username": "student1", "password": DEMO_PASSWORD}
        data["csrfmiddlewaretoken"] = token_in(page.text)
        await client.post("/accounts/login/", data=data)
        pages = [f"/assignments/{assignment_pk}/", f"/assignments/{assignment_pk}/submit/"]
        for path in ["/healthz/", "/accounts/login/", "/dashboard/", *pages]:
            await asyncio.gather(*(client.get(path) for _ in range(concurrency)))


async def drive(run):
    stop = asyncio.Event()
    floor_task = asyncio.create_task(floor(run, stop))
    students = asyncio.gather(*(student(run, i) for i in range(run.args.students)))
    # Not asyncio.wait_for: it waits, without a limit, for the cancelled students to
    # finish, and with the load generator itself starved of CPU the cancellation of a
    # thousand clients' connections did not end within 15 minutes (round three). Past the
    # hard limit the students still running are cancelled and given CANCEL_GRACE seconds;
    # whatever is left then is abandoned and counted as unfinished.
    done, _ = await asyncio.wait({students}, timeout=max(run.deadline - run.now(), 0))
    timed_out = not done
    if timed_out:
        students.cancel()
        await asyncio.wait({students}, timeout=CANCEL_GRACE)
    stop.set()
    await asyncio.wait({floor_task}, timeout=CANCEL_GRACE)
    return timed_out


def run_bounded(coroutine):
    """asyncio.run, except that tasks still running at the end are cancelled and given
    CANCEL_GRACE seconds, then abandoned (asyncio.run would wait for them forever)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        left = asyncio.all_tasks(loop)
        for task in left:
            task.cancel()
        if left:
            loop.run_until_complete(asyncio.wait(left, timeout=CANCEL_GRACE))
        loop.close()


# Checking the database --------------------------------------------------------------------


def verify(run, assignment_pk):
    """Problems found: answers that differ from the last acknowledged save, submissions
    missing, duplicated or not submitted."""
    from django.contrib.auth import get_user_model

    from exercises.models import Answer, Question, Submission

    problems = []
    questions = {
        q.pk: (q, [qs.source for qs in q.question_sources.select_related("source__author")])
        for q in Question.objects.filter(assignment_id=assignment_pk)
    }
    users = dict(
        get_user_model().objects.filter(username__startswith=PREFIX).values_list("username", "pk")
    )
    submissions = defaultdict(list)
    for s in Submission.objects.filter(assignment_id=assignment_pk, student__in=users.values()):
        submissions[s.student_id].append(s)
    answers = defaultdict(list)
    for a in Answer.objects.filter(submission__assignment_id=assignment_pk):
        answers[(a.submission_id, a.question_id)].append(a)

    checked = in_doubt = 0
    for i, record in enumerate(run.students):
        who = f"{PREFIX}{i:04d}"
        rows = submissions.get(users.get(who), [])
        if len(rows) > 1:
            problems.append(f"{who}: {len(rows)} submissions")
            continue
        if not rows:
            if record.acked or record.submitted:
                problems.append(f"{who}: no submission, but the server acknowledged work")
            continue
        submission = rows[0]
        handed_in = submission.status == Submission.Status.SUBMITTED and submission.submitted_at
        if record.submitted and not handed_in:
            problems.append(f"{who}: submitted, but the submission is {submission.status}")
        for pk, (question, sources) in questions.items():
            stored = answers.get((submission.pk, pk), [])
            if len(stored) > 1:
                problems.append(f"{who} Q{question.order}: {len(stored)} answers")
                continue
            if not stored:
                # Only a student who never got to hand in (a failed request) has a
                # question without an answer row; nothing acknowledged may be missing.
                if handed_in or pk in record.acked:
                    problems.append(f"{who} Q{question.order}: no answer stored")
                continue
            checked += 1
            base_fields, base_revision = record.acked.get(pk, (None, 0))
            doubts = record.in_doubt.get(pk, [])
            # What the student last saw acknowledged, or one of the saves sent after it
            # whose answer never came (the server may have stored it).
            candidates = [cleaned(question, sources, f) for f in [base_fields, *doubts]]
            if any(c is INVALID for c in candidates):
                problems.append(f"{who} Q{question.order}: a sent answer is invalid")
                continue
            answer = stored[0]
            expected = candidates[0]
            in_range = base_revision <= answer.revision <= base_revision + len(doubts)
            if answer.response not in candidates or not in_range:
                problems.append(
                    f"{who} Q{question.order}: stored revision {answer.revision}, last "
                    f"acknowledged {base_revision} (+{len(doubts)} unanswered); responses "
                    + ("equal" if answer.response == expected else "differ")
                )
            elif answer.revision != base_revision:
                in_doubt += 1
    return checked, in_doubt, problems


INVALID = object()


def cleaned(question, sources, fields):
    """The response the app's own form makes of posted fields ({} for none sent)."""
    from django.http import QueryDict

    from exercises.forms import answer_form

    if fields is None:
        return {}
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    data["revision"] = "0"
    form = answer_form(question, sources, data)
    return form.response if form.is_valid() else INVALID


# Reporting -------------------------------------------------------------------------------

FLOOR = "healthz (floor)"
ORDER = [
    FLOOR,
    "login form",
    "login",
    "dashboard",
    "assignment page",
    "autosave",
    "submit confirm",
    "submit",
    "after submit",
]


PHASES = ["", " logins", " typing", " rush"]


def order(endpoint):
    name, _, phase = endpoint.partition(",")
    return (ORDER.index(name) if name in ORDER else 99, PHASES.index(phase))


def summarise(run, duration):
    """A row per endpoint. Each is compared with the floor measured over the same span of
    the run (the logins, the work, the rush load the machine very differently)."""
    stats = run.stats
    floor = stats.samples[FLOOR]
    samples_of = dict(stats.samples)
    # The floor and autosave in each phase: while logins run, while everyone types, the rush.
    # The logins end when the last one is answered, which under load is after the ramp.
    logins = stats.samples.get("login") or [(0, run.login_window)]
    logged_in = max(sent + seconds for sent, seconds in logins)
    phases = [
        ("logins", 0, logged_in),
        ("typing", logged_in, run.bell),
        ("rush", run.bell, float("inf")),
    ]
    for endpoint in (FLOOR, "autosave"):
        for phase, begin, end in phases:
            during = [x for x in stats.samples.get(endpoint, []) if begin <= x[0] < end]
            if during:
                samples_of[f"{endpoint}, {phase}"] = during
    rows = []
    for endpoint in sorted(samples_of, key=order):
        samples = samples_of[endpoint]
        values = [seconds for _, seconds in samples]
        begin = min(sent for sent, _ in samples)
        end = max(sent + seconds for sent, seconds in samples)
        floor_then = [seconds for sent, seconds in floor if begin <= sent <= end] or [
            seconds for _, seconds in floor
        ]
        p50, p95, p99 = percentiles(values)
        floor_p95 = percentiles(floor_then)[1]
        rows.append(
            {
                "endpoint": endpoint,
                "requests": len(values),
                # Errors are counted per endpoint, not per phase.
                "errors": sum(stats.errors[endpoint].values()) if "," not in endpoint else None,
                "per_second": len(values) / max(end - begin, 1e-9),
                "from_s": begin,
                "to_s": end,
                "p50_ms": p50 * 1000,
                "p95_ms": p95 * 1000,
                "p99_ms": p99 * 1000,
                "floor_p95_ms": floor_p95 * 1000,
                "p95_to_floor": p95 / floor_p95 if floor_p95 else float("nan"),
            }
        )
    return rows


def table(rows):
    lines = [
        "| endpoint | requests | errors | s into the run | req/s | p50 ms | p95 ms | p99 ms "
        "| floor p95 then, ms | p95 ÷ floor p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['endpoint']} | {r['requests']} | {'·' if r['errors'] is None else r['errors']} "
            f"| {r['from_s']:.0f}–{r['to_s']:.0f} | {r['per_second']:.1f} "
            f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} "
            f"| {r['floor_p95_ms']:.0f} | {r['p95_to_floor']:.1f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="5 students, short think times")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--saves", type=int, default=3, help="saves of each answer")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--login-window", type=float, help="seconds (default N/6)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after the logins")
    parser.add_argument("--rush", type=float, default=10.0, help="the submit window, seconds")
    parser.add_argument("--double-click", type=float, default=0.2, help="share who click twice")
    parser.add_argument("--floor-rate", type=float, default=5.0, help="healthz/ per second")
    parser.add_argument("--grace", type=float, default=60.0, help="hard limit after the rush")
    parser.add_argument("--request-timeout", type=float, default=30.0)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--workers", type=int, default=5, help="2 × cores + 1")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database", default="purgeclass_load")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--cpu-hog",
        type=int,
        nargs="?",
        const=1,
        default=0,
        metavar="CORES",
        help="busy-loop processes, each pinned to a core, running the whole run (default 1)",
    )
    parser.add_argument(
        "--retry",
        action="store_true",
        help="send again after a 503 or no answer, as the page does (bench/resilience.py)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--server-log", type=Path, help="gunicorn's output (default: none)")
    args = parser.parse_args()
    if args.smoke:
        args.students, args.saves, args.think = 5, 2, (0.1, 0.4)
        args.login_window, args.settle, args.rush = 1.0, 3.0, 2.0
        args.double_click, args.grace = 0.4, 30.0
        args.database = args.database + "_smoke"

    database_url = stack.create_database(args.database)
    log = open(args.server_log, "w") if args.server_log else None  # noqa: SIM115
    hog = stack.CpuHog(args.cpu_hog)
    try:
        env = stack.production_env(database_url)
        print(f"Preparing {args.database}: migrate, demo, {args.students} students...")
        assignment_pk, plan = prepare(args, env)
        with (
            hog,
            stack.Gunicorn(
                env,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
                log=log,
            ) as server,
        ):
            concurrency = 2 * server.workers * server.threads
            asyncio.run(warm_up(server.url, concurrency, assignment_pk))
            run = Run(args, server.url, assignment_pk, plan)
            print(
                f"{args.students} students on {server.url} ({server.label}); logins over "
                f"{run.login_window:.0f} s, the bell at {run.bell:.0f} s, "
                f"hard limit {run.deadline:.0f} s"
                + (f"; {args.cpu_hog} busy-loop process(es) pinned" if args.cpu_hog else "")
            )
            cpu_before = server.cpu_seconds()
            own_cpu = resource.getrusage(resource.RUSAGE_SELF)
            timed_out = run_bounded(drive(run))
            duration = run.now()
            server_cpu = server.cpu_seconds() - cpu_before
            hog_cpu = hog.cpu_seconds()
            used = resource.getrusage(resource.RUSAGE_SELF)
            load_cpu = used.ru_utime + used.ru_stime - own_cpu.ru_utime - own_cpu.ru_stime
        checked, in_doubt, problems = verify(run, assignment_pk)
    finally:
        if log:
            log.close()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            stack.drop_database(args.database)

    rows = summarise(run, duration)
    errors = run.stats.error_count()
    unfinished = sum(not r.finished for r in run.students)
    cut = sum(r.saves_cut for r in run.students)
    doubles = sum(r.double_click for r in run.students)
    print()
    print(table(rows))
    print()
    print(
        f"{args.students} students, {server.label}, {duration:.0f} s; "
        f"server CPU {server_cpu:.0f} s, load generator CPU {load_cpu:.0f} s; "
        f"{doubles} double-clicked submits; {cut} saves not sent because the bell rang"
        + (f"; CPU hog ({args.cpu_hog}) {hog_cpu:.0f} s" if args.cpu_hog else "")
    )
    print(
        f"Answers checked against the last acknowledged save: {checked}; lost or changed: "
        f"{len(problems)}; stored from a save whose answer never came back: {in_doubt}"
    )
    for problem in problems[:20]:
        print("  " + problem)
    for endpoint, kinds in run.stats.errors.items():
        for what, count in kinds.most_common(5):
            print(f"  error: {endpoint}: {what} × {count}")
    if timed_out:
        print(f"  the run did not finish within its hard limit ({run.deadline:.0f} s)")
    if unfinished:
        print(f"  {unfinished} students did not finish")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "students": args.students,
                    "server": server.label,
                    "duration_s": duration,
                    "server_cpu_s": server_cpu,
                    "load_generator_cpu_s": load_cpu,
                    "cpu_hog": args.cpu_hog,
                    "cpu_hog_cpu_s": hog_cpu,
                    "double_clicks": doubles,
                    "saves_cut_by_bell": cut,
                    "answers_checked": checked,
                    "answers_from_unanswered_saves": in_doubt,
                    "problems": problems,
                    "errors": {e: dict(k) for e, k in run.stats.errors.items()},
                    "timed_out": timed_out,
                    "rows": rows,
                    # [sent at, milliseconds] of every request, to look at any span again.
                    "samples": {
                        endpoint: [[round(t, 3), round(x * 1000, 1)] for t, x in samples]
                        for endpoint, samples in run.stats.samples.items()
                    },
                    "machine": stack.machine(),
                },
                indent=2,
            )
        )
    failed = errors or problems or timed_out or unfinished
    print("FAILED" if failed else "OK: no errors, no lost or changed answers, one submission each")
    return 1 if failed else 0


if __name__ == "__main__":
    stack.stop_cleanly_on_sigterm()
    sys.exit(main())
