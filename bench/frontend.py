"""The assignment page on a school Chromebook: Chromium with 4x CPU throttling on a slow
3G-like network, all 23 sources on the page.

    python bench/frontend.py              # 3 cold loads, 60 keystrokes
    python bench/frontend.py --loads 5 --keys 100

Creates its own PostgreSQL database (purgeclass_frontend on 127.0.0.1:5432), loads the
demo and puts every source of the Great Purge unit on the demo assignment, collects the
static files as production serves them (hashed, compressed by WhiteNoise) and starts
gunicorn with production settings. Then, in Debian's Chromium through Playwright, logged
in as the demo's student1, with the Chrome DevTools Protocol throttling the CPU 4x
(Emulation.setCPUThrottlingRate) and the network to WebPageTest's "3G Slow" profile
(400 kbit/s down and up, 400 ms round trip: Network.emulateNetworkConditions):

  - cold loads (cache disabled): bytes transferred by type, first contentful paint,
    when the first question's field is on screen, DOMContentLoaded (answering.js, a
    deferred script, has wired the autosave by then), and the load event; the first
    question is usable at the later of the field on screen and DOMContentLoaded;
  - typing: keystrokes into the written answer, each timed from the key event to the
    frame after it (requestAnimationFrame, then a task): what the student waits to see.

Timings depend on the machine's load (printed); bytes do not (tests/test_frontend_budget.py
keeps those within budgets).
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402

DATABASE = "purgeclass_frontend"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [  # as tests/e2e/conftest.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SLOW_3G = {  # WebPageTest "3G Slow"
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
CPU_SLOWDOWN = 4

WATCH_LOAD = """
(() => {
  const t = (window.__pc = {});
  const selector = '[id^="question-"] textarea, [id^="question-"] input:not([type=hidden])';
  function look() {
    const field = document.querySelector(selector);
    if (field && field.getBoundingClientRect().height > 0) {
      t.field = performance.now();
    } else {
      requestAnimationFrame(look);
    }
  }
  requestAnimationFrame(look);
  document.addEventListener("DOMContentLoaded", () => { t.dcl = performance.now(); });
})();
"""

COLLECT = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  const bytes = { html: nav.transferSize, css: 0, js: 0, other: 0 };
  for (const r of performance.getEntriesByType("resource")) {
    const kind = r.name.endsWith(".css") ? "css" : r.name.endsWith(".js") ? "js" : "other";
    bytes[kind] += r.transferSize;
  }
  return {
    bytes,
    fcp: fcp ? fcp.startTime : null,
    field: window.__pc.field,
    dcl: window.__pc.dcl,
    load: nav.loadEventEnd,
    sources: document.querySelectorAll('article.source-card[id^="source-"]').length,
  };
}
"""

WATCH_KEYS = """
() => {
  window.__latencies = [];
  document.addEventListener("keydown", (event) => {
    const start = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => {
      window.__latencies.push(performance.now() - start);
    }, 0));
  }, true);
}
"""


def prepare(env):
    """Migrate, load the demo, put all 23 sources on its assignment; the page's URL."""
    stack.use_env(env)
    from django.core.management import call_command
    from django.db import connections

    from exercises import demo
    from exercises.models import Assignment, AssignmentSource
    from sources.models import Source

    call_command("migrate", verbosity=0)
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
    count = assignment.assignment_sources.count()
    connections.close_all()
    return assignment.get_absolute_url(), count


def throttle(context, page, cache=False):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": not cache})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


def log_in(context, url):
    from exercises.demo import DEMO_PASSWORD

    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "student1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/**")
    page.close()


def summary(values):
    values = sorted(values)
    p95 = (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )
    return statistics.median(values), p95, values[-1]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--loads", type=int, default=3, help="cold loads of the page")
    parser.add_argument("--keys", type=int, default=60, help="keystrokes typed")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    url = stack.create_database(DATABASE)
    try:
        env = stack.production_env(url, STATIC_MANIFEST="true")
        path, count = prepare(env)
        # As production serves them: hashed names, gzip/brotli copies (WhiteNoise).
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=stack.ROOT,
            env=env,
            check=True,
        )
        with stack.Gunicorn(env, workers=2) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            log_in(context, server.url)
            page = context.new_page()
            page.goto(server.url + path)  # warm the server's code and templates
            page.close()

            loads = []
            for _ in range(args.loads):
                page = context.new_page()
                page.add_init_script(WATCH_LOAD)
                throttle(context, page)
                page.goto(server.url + path, wait_until="load", timeout=120_000)
                page.wait_for_function("window.__pc.field !== undefined", timeout=60_000)
                loads.append(page.evaluate(COLLECT))
                page.close()

            page = context.new_page()
            throttle(context, page, cache=True)
            page.goto(server.url + path, wait_until="load", timeout=120_000)
            page.evaluate(WATCH_KEYS)
            field = page.locator("textarea[name=text]").first
            field.scroll_into_view_if_needed()
            field.click()
            page.keyboard.type("The confessions were the only evidence. " * 3, delay=0)
            page.wait_for_timeout(500)
            page.evaluate("window.__latencies = []")
            text = "Duranty trusted the court; Trotsky, in exile, called it a frame-up. "
            typed = (text * (args.keys // len(text) + 1))[: args.keys]
            page.keyboard.type(typed, delay=150)
            page.wait_for_timeout(1000)
            latencies = page.evaluate("window.__latencies")
            browser.close()
    finally:
        from django.db import connections

        connections.close_all()
        stack.drop_database(DATABASE)

    shown = {r["sources"] for r in loads}
    print(
        f"Assignment page with {count} sources ({shown} on the page); Chromium, "
        f"CPU ÷{CPU_SLOWDOWN}, network 400/400 kbit/s, 400 ms RTT; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        "\n| cold load | HTML kB | CSS kB | JS kB | FCP ms | first field ms "
        "| DOMContentLoaded ms | first question usable ms | load ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, r in enumerate(loads, 1):
        b = r["bytes"]
        usable = max(r["field"], r["dcl"])
        print(
            f"| {n} | {b['html'] / 1000:.1f} | {b['css'] / 1000:.1f} | {b['js'] / 1000:.1f} "
            f"| {r['fcp']:.0f} | {r['field']:.0f} | {r['dcl']:.0f} | {usable:.0f} "
            f"| {r['load']:.0f} |"
        )
    usable = [max(r["field"], r["dcl"]) for r in loads]
    print(f"\nFirst question usable, median of {len(loads)}: {statistics.median(usable):.0f} ms")
    p50, p95, worst = summary(latencies)
    print(
        f"Keystroke to screen over {len(latencies)} keys (150 ms apart): p50 {p50:.0f} ms, "
        f"p95 {p95:.0f} ms, max {worst:.0f} ms"
    )


if __name__ == "__main__":
    stack.stop_cleanly_on_sigterm()
    sys.exit(main())
