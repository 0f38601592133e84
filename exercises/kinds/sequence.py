"""The sequence kind: put the events (or sources) a teacher lists in chronological order.

Partial credit: the longest correctly ordered subsequence, not Kendall tau. A student's
order earns (L - 1) / (n - 1) of the points, where L is the length of the longest run of
items (not necessarily next to each other) that stand in the key's order, and n the number
of items: a perfect order earns everything, the reverse order nothing. It says what a
student can check for themselves ("four of your six events are in the right order; move the
other two"), and one event put in the wrong place costs one event, wherever it went. Kendall
tau counts the pairs out of order instead, so a single event moved from the end to the start
would cost as much as a muddle of the whole middle, which is harder to explain to a class.

The student reorders with Move up / Move down buttons (plain submit buttons, so they work
without JavaScript by posting the form) and, with JavaScript, by dragging
(static/js/kinds/sequence.js), which also moves the items in place on a button press.
"""

import random
from bisect import bisect_left
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm
from .shared.charts import Bar, BarChart
from .shared.demo import EXAM_PRACTICE, DemoQuestion
from .shared.text import as_mapping, clean_entries, lines_of, to_points

MIN_ITEMS, MAX_ITEMS = 2, 12

# The kind's question in the exam practice demo assignment (exercises/demo.py): Sources 5-9
# by the dates the pack prints: the Observer (23rd August 1936), the New Republic (2nd
# September 1936), the New Statesman (5th September 1936), Max Shachtman in Socialist Appeal
# (October 1936), Trotsky (22nd January 1937). Each date settles its place: Shachtman's gives
# only the month, but no other source is dated October 1936. Zinoviev's speech (Source 4) is
# left out: the pack dates it only "August, 1936", the Observer's month, so its dates alone
# cannot say which came first (tests/test_demo.py checks the key against the parsed dates).
DEMO_QUESTIONS = [
    DemoQuestion(
        [5, 6, 7, 8, 9],
        4,
        "Put Sources 5 to 9 in the order they were published, earliest first. Read each "
        "source's date on its card: are the pack's numbers the order of publication?",
        {
            "items": [
                {"id": "7", "text": "Source 7: The New Statesman"},
                {"id": "9", "text": "Source 9: Max Shachtman, Socialist Appeal"},
                {"id": "5", "text": "Source 5: The Observer"},
                {"id": "8", "text": "Source 8: Leon Trotsky, The Trial of the Seventeen"},
                {"id": "6", "text": "Source 6: The New Republic"},
            ]
        },
        {"order": ["5", "6", "7", "9", "8"]},
        "The Observer judged the government's case genuine on 23rd August 1936 (5); the New "
        "Republic followed on 2nd September (6), by when it could call Zinoviev and Kamenev "
        "'the executed men', and the New Statesman on 5th September (7). Max Shachtman's "
        "article in Socialist Appeal (9) is dated only October 1936, which is enough to put "
        "it after the New Statesman: he writes of the sixteen men 'just tried and shot'. "
        "Trotsky's The Trial of the Seventeen (8) is dated 22nd January 1937, so it comes "
        "last: the pack's numbers are not the order of publication. Which of them could "
        "know what the others had said?",
        skill="sourcing",
        assignment=EXAM_PRACTICE,
    ),
]
MOVES = ("up", "down")


def longest_ordered_run(order, key_order):
    """How many of `order`'s items stand in the key's order (longest increasing subsequence
    of their places in the key)."""
    place = {item: index for index, item in enumerate(key_order)}
    tails = []
    for item in order:
        if item not in place:
            continue
        position = bisect_left(tails, place[item])
        if position == len(tails):
            tails.append(place[item])
        else:
            tails[position] = place[item]
    return len(tails)


def moved(order, move):
    """`order` after a Move up / Move down button ("up:<id>" or "down:<id>")."""
    direction, _, item = (move or "").partition(":")
    if direction not in MOVES or item not in order:
        return list(order)
    order = list(order)
    index = order.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order


class Sequence(QuestionKind):
    """Events or sources to put in chronological order; scored by the longest run in order."""

    name = "sequence"
    objective = True
    script = "js/kinds/sequence.js"
    stylesheet = "css/kinds/sequence.css"

    def _items(self, settings):
        return (settings or {}).get("items") or []

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        cleaned = clean_entries(
            settings.get("items"),
            between=(MIN_ITEMS, MAX_ITEMS),
            count_error=f"List from {MIN_ITEMS} to {MAX_ITEMS} events to put in order, "
            "one per line.",
            entry="An event",
            id_error="Each event needs an id of its own.",
            text_key="text",
        )
        return {"items": cleaned}

    def _clean_order(self, order, settings, label):
        if order in (None, "", []):
            return []
        ids = [item["id"] for item in self._items(settings)]
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(ids):
            raise ValidationError(f"{label} must place every event once.")
        return [str(item) for item in order]

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        order = self._clean_order(key.get("order"), settings, "The key")
        if not order:
            raise ValidationError("The key needs the events in their right order.")
        return {"order": order}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        return {"order": self._clean_order(data.get("order"), settings, "Your order")}

    def score(self, response, settings, key, points, sources):
        wanted = (key or {}).get("order") or []
        if not wanted:
            return None
        given = (response or {}).get("order") or []
        if not given:
            return to_points(0)
        run = longest_ordered_run(given, wanted)
        return to_points(Decimal(str(points)) * (run - 1) / (len(wanted) - 1))

    def is_answered(self, response):
        return bool((response or {}).get("order"))

    def incomplete_reason(self, response, settings, sources=None):
        return None if self.is_answered(response) else "not answered"

    # The demo class (exercises/demo.py): the kind's question in the exam practice assignment.

    demo_questions = DEMO_QUESTIONS

    def demo_response(self, rng, question, sources):
        """The key's order; or two neighbours swapped; or, the slip a class makes, the
        order of the pack's numbers (here 8 before 9), as if they were the dates'."""
        order = list(question.key["order"])
        slip = rng.random()
        if slip < 0.3:
            index = rng.randrange(len(order) - 1)
            order[index], order[index + 1] = order[index + 1], order[index]
        elif slip < 0.55:
            order.sort(key=lambda item: (len(item), item))
        return {"order": order}

    def answer_in_words(self, response, settings):
        if not self.is_answered(response):
            return ""
        return " → ".join(item["text"] for item in self.ordered_items(response, settings))

    def ordered_items(self, response, settings):
        """The items in the student's order (the question's own order before any)."""
        by_id = {item["id"]: item for item in self._items(settings)}
        order = (response or {}).get("order") or list(by_id)
        return [by_id[item] for item in order if item in by_id]

    def answer_view(self, response, settings, key, sources):
        """The student's order, each item marked right where the key (once released) agrees."""
        expected = key.get("order") or []
        by_id = {item["id"]: item["text"] for item in self._items(settings)}
        given = (response or {}).get("order") or []
        return {
            "sequence_given": [
                {
                    "text": by_id.get(item, ""),
                    "right": bool(expected) and index < len(expected) and expected[index] == item,
                }
                for index, item in enumerate(given)
            ],
            "sequence_expected": [by_id.get(item, "") for item in expected],
        }

    # Authoring: the events, one per line, in their right order; students see them shuffled.

    authoring_fields = ["events"]
    settings_field = key_field = "events"
    builder_template = "exercises/kinds/sequence/builder_key.html"
    builder_script = "js/kinds/sequence-builder.js"

    def authoring_initial(self, settings, key, sources):
        by_id = {item["id"]: item["text"] for item in self._items(settings)}
        order = key.get("order") or list(by_id)
        return {"events": "\n".join(by_id[item] for item in order if item in by_id)}

    def _events(self, data, instance):
        """(items in the students' order, key order) from the lines, keeping each unchanged
        event's id (which answers use)."""
        old = defaultdict(list)
        if instance.pk and instance.kind == self.name:
            for item in self._items(instance.settings):
                old[item["text"]].append(item["id"])
        numeric = [int(i) for ids in old.values() for i in ids if str(i).isdigit()]
        next_id = max(numeric, default=0) + 1
        items = []
        for text in lines_of(data.get("events")):
            item_id = old[text].pop(0) if old.get(text) else None
            if item_id is None:
                item_id, next_id = str(next_id), next_id + 1
            items.append({"id": item_id, "text": text})
        key_order = [item["id"] for item in items]
        before = [item["id"] for item in self._items(instance.settings)] if old else []
        if sorted(before) == sorted(key_order):
            # The same events (by id): students keep the order they were shown.
            by_id = {item["id"]: item for item in items}
            return [by_id[item] for item in before], key_order
        shown = list(items)
        # The same lines always give the same students' order, never the key's own.
        random.Random("\n".join(item["text"] for item in items)).shuffle(shown)
        if len(shown) > 1 and [item["id"] for item in shown] == key_order:
            shown = shown[1:] + shown[:1]
        return shown, key_order

    def authoring_settings(self, data, instance):
        return {"items": self._events(data, instance)[0]}

    def authoring_key(self, data, sources, instance):
        return {"order": self._events(data, instance)[1]}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return [f"{len(self._items(settings))} events to put in order"]

    def grading_view(self, response, settings, key, sources):
        by_id = {item["id"]: item["text"] for item in self._items(settings)}
        given = (response or {}).get("order") or []
        expected = key.get("order") or []
        return {
            "given": [by_id.get(item, "") for item in given],
            "expected": [by_id.get(item, "") for item in expected],
            "in_order": longest_ordered_run(given, expected) if given and expected else 0,
            "count": len(expected),
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    def volume_settings(self, rng, words):
        return {"items": [{"id": str(n), "text": words(3, 8)} for n in range(1, 6)]}

    def volume_key(self, rng, settings, sources):
        return {"order": [item["id"] for item in settings["items"]]}

    def volume_response(self, rng, words, settings, sources):
        order = [item["id"] for item in settings["items"]]
        rng.shuffle(order)
        return {"order": order}

    # Analytics: per event, how many answers put it in its right place; the mean credit.

    analytics_fetches_answers = True
    unanswered_phrase = "not put in order"

    def analytics(self, question, sources, counted):
        expected = (question.key or {}).get("order") or []
        by_id = {item["id"]: item["text"] for item in self._items(question.settings)}
        answered = [r.get("order") for r in counted.responses if r.get("order")]
        panel = {"unanswered": counted.answers - len(answered)}
        if not expected:
            return panel
        bars = [
            Bar(
                f"{place}. {by_id.get(item, '')}",
                sum(1 for order in answered if len(order) > place - 1 and order[place - 1] == item),
                len(answered),
                detail=by_id.get(item, ""),
            )
            for place, item in enumerate(expected, start=1)
        ]
        panel["chart"] = BarChart(
            f"{counted.slug}-places", "Answers with each event in its right place", bars
        )
        if answered and len(expected) > 1:
            runs = [
                (longest_ordered_run(order, expected) - 1) / (len(expected) - 1)
                for order in answered
            ]
            panel["mean_credit"] = round(100 * sum(runs) / len(runs))
        return panel


class SequenceAnswerForm(AnswerForm):
    """The items' ids in the student's order (a hidden `order` field per item) and the Move
    button pressed, if any ("up:<id>" / "down:<id>"), applied before the order is cleaned."""

    def add_answer_fields(self):
        ids = [item["id"] for item in self.question.settings.get("items") or []]
        self.fields["order"] = forms.MultipleChoiceField(
            choices=[(item, item) for item in ids],
            required=False,
            widget=forms.MultipleHiddenInput,
            error_messages={"invalid_choice": "Your order names an event not in this question."},
        )
        self.fields["move"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def initial_from(self, response):
        return {"order": list((response or {}).get("order") or [])}

    def raw_response(self, data):
        return {"order": moved(data.get("order") or [], data.get("move"))}

    def items(self):
        """The items in the order to show: as posted, else as saved, else as the teacher's."""
        if self.is_bound and hasattr(self, "cleaned_data") and getattr(self, "response", None):
            order = self.response.get("order")
        else:
            order = self.initial.get("order")
        return Sequence().ordered_items({"order": order}, self.question.settings)


Sequence.answer_form = SequenceAnswerForm
