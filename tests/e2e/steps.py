"""What a student or teacher does in the browser, in the classroom's words."""

import re

from django.conf import settings

from exercises import demo
from exercises.services import answering

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}


def question_of(assignment, kind, index=0):
    return list(assignment.questions.filter(kind=kind).order_by("order"))[index]


def log_in(page, live_server, username, password=demo.DEMO_PASSWORD, next_url=""):
    """Through the real login form, as a student does."""
    url = f"{live_server.url}/accounts/login/"
    page.goto(url + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def question_box(page, question):
    return page.locator(f"#question-{question.pk}")


def wait_until_saved(page, question):
    """Autosave has stored the answer: the question's status line says "Saved at"."""
    status = question_box(page, question).locator(".save-status")
    status.filter(has_text=re.compile(r"^Saved (at|on) ")).wait_for()
    return status.inner_text()


def select_words(page, container, words):
    """Select `words` in `container` by dragging the mouse across them, as a reader does."""
    container.scroll_into_view_if_needed()
    box = container.evaluate(
        """(root, words) => {
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(words);
            if (at === -1) continue;
            const first = document.createRange();
            first.setStart(node, at);
            first.setEnd(node, at + 1);
            const last = document.createRange();
            last.setStart(node, at + words.length - 1);
            last.setEnd(node, at + words.length);
            const a = first.getBoundingClientRect();
            const b = last.getBoundingClientRect();
            return {
              x1: a.left + 1, y1: a.top + a.height / 2,
              x2: b.right - 1, y2: b.top + b.height / 2,
            };
          }
          return null;
        }""",
        words,
    )
    assert box is not None, f"{words!r} is not on the page as one piece of text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=5)
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def saved_ranges(submission, question):
    answer = submission.answers.filter(question=question).first()
    return [(r["start"], r["end"]) for r in (answer.response.get("ranges") if answer else [])]


# Accessibility ------------------------------------------------------------------------

SERIOUS = ("serious", "critical")


def check_accessibility(page, live_server, what):
    """Run axe-core on the page as it is now; fail on serious or critical violations.

    axe is loaded from the app's own static files (same origin), which the page's
    Content-Security-Policy allows; an inlined script would be refused."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{live_server.url}{settings.STATIC_URL}vendor/axe-core/axe.min.js")
    results = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ["violations"]});
          return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
          }));
        }"""
    )
    serious = [v for v in results if v["impact"] in SERIOUS]
    assert not serious, f"axe found serious problems on {what} ({page.url}):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']}: {n['summary']}" for n in v["nodes"][:8])
        for v in serious
    )
    return results


# Work done off-screen, for the pages that show it --------------------------------------

DEMO_ANSWERS = {
    "rating": {
        "rating": 2,
        "justification": (
            "Duranty wrote this in 1935, a year before the trial, so it cannot tell us what "
            "happened in court. It shows how the New York Times' man in Moscow already saw "
            "the opposition."
        ),
    },
    "comparison": {
        "justification": (
            "Trotsky wrote after the trial and knew the accused; his bias is open and can be "
            "allowed for. Duranty wrote in 1935 and says nothing about the trial itself, "
            "though he was in Moscow and close to the regime."
        ),
    },
    "opvl": {
        "origin": "Alexander Orlov, an NKVD officer who fled to the United States in 1938.",
        "purpose": "To show a Western public how the trials were prepared.",
        "value": "An insider in the organisation that ran the investigations.",
        "limitation": "He gives no evidence, and wrote after defecting.",
    },
    "choice": {"selected": ["duranty", "zinoviev"]},
    "written": {
        "text": (
            "The journalists in the courtroom saw the confessions, not the interrogations "
            "behind them. The Observer and the New Republic found the stories consistent, but "
            "the New Statesman asked why guilty men would cringe and crawl before the court. "
            "Being present let them report the trial; it did not let them judge it, because "
            "what mattered had happened before the defendants entered the room."
        ),
    },
}


def sources_of(question):
    return [row.source for row in question.question_sources.select_related("source")]


def demo_response(question):
    """A plausible student's response to a demo question, in the kind's shape."""
    sources = sources_of(question)
    if question.kind == "comparison":
        return {**DEMO_ANSWERS["comparison"], "choice": str(sources[1].pk)}
    if question.kind == "highlight":
        text = sources[0].text
        quotes = ["Fascist agent Trotsky", "nest of wreckers and spies"]
        return {"ranges": [{"start": text.index(q), "end": text.index(q) + len(q)} for q in quotes]}
    if question.kind == "matrix":
        verdicts = ["supports", "supports", "challenges", "challenges", "challenges", "silent"]
        return {"verdicts": {str(s.pk): v for s, v in zip(sources, verdicts, strict=True)}}
    return DEMO_ANSWERS[question.kind]


def answer_off_screen(assignment, username, *, kinds=None, submit=False):
    """Save a student's answers through the same services the pages use; hand them in."""
    student = assignment.classroom.students.get(username=username)
    submission, _ = answering.open_submission(assignment, student)
    for question in assignment.questions.order_by("order"):
        if kinds is not None and question.kind not in kinds:
            continue
        response = question.clean_response(demo_response(question), sources_of(question))
        answering.save_answer(submission, question, response, based_on=0)
    if submit:
        answering.submit(submission)
    return submission
