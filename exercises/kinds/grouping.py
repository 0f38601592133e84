"""The grouping kind (a card sort): put each source into one of the teacher's categories.

The teacher names two to six categories ("supports the confessions / challenges them /
cannot tell") and the key puts each of the question's sources in one. A student places every
source, and, if the teacher asks, justifies each group in a sentence or two. Scored one equal
part per source placed as the key places it; the justifications are for the teacher to read,
not scored.

The input is a fieldset of radio buttons per source, one per category: a card sort that a
keyboard (arrow keys) and a finger (large targets) can do without any script, and that posts
with the form.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError

from .base import QuestionKind
from .shared.answer_form import AnswerForm, choice_field, text_field
from .shared.charts import Bar, BarChart
from .shared.demo import EXAM_PRACTICE, DemoQuestion
from .shared.text import as_mapping, clean_entries, clean_text, lines_of, source_ids, to_points

MIN_GROUPS, MAX_GROUPS = 2, 6
# How a teacher writes a placement in the key's lines: "4: supports the confessions".
PLACEMENT_LINE = re.compile(r"^\s*(?:source\s*)?(\d+)\s*[:=–-]\s*(.+?)\s*$", re.IGNORECASE)

# The kind's question in the exam practice demo assignment (exercises/demo.py): the sources
# on the August 1936 trial sorted as the first demo's corroboration question judges them.
DEMO_QUESTIONS = [
    DemoQuestion(
        [4, 5, 6, 7, 8, 9],
        6,
        "Sort Sources 4 to 9 by what they suggest about the defendants' confessions at the "
        "trial of August 1936. Then say in a sentence why you put each group's sources "
        "together.",
        {
            "groups": [
                {"id": "1", "name": "Supports the confessions"},
                {"id": "2", "name": "Challenges them"},
                {"id": "3", "name": "Cannot tell"},
            ],
            "justify": True,
        },
        {"placements": {4: "1", 5: "1", 6: "1", 7: "2", 8: "2", 9: "2"}},
        "Supports: Zinoviev's own confession (4), the Observer (5) and the New Republic "
        "(6). Challenges: the New Statesman (7), which asks why guilty men would 'cringe and "
        "crawl'; Trotsky (8) and Shachtman (9), who call the trial a frame-up. Source 7 is "
        "the hardest call: doubting a confession is not proving it false, which is what "
        "'Cannot tell' is there for.",
        skill="corroboration",
        assignment=EXAM_PRACTICE,
    ),
]

# Why the demo class put its sources together, by group: a careful sentence, then the kind a
# teacher sees when a pupil has sorted by first impressions. "Cannot tell" speaks of whichever
# sources a pupil put there.
DEMO_JUSTIFICATIONS = {
    "1": [
        "Zinoviev confesses himself, and the Observer and the New Republic both accept the "
        "case; the New Republic says the correspondents saw no sign of coaching or duress.",
        "They all say the trial was real.",
    ],
    "2": [
        "Trotsky asks who can believe such accusations and Shachtman calls the trial a "
        "frame-up, but one was the accused and the other his supporter; the New Statesman "
        "only asks why guilty men would cringe and crawl.",
        "These ones don't believe the confessions.",
    ],
    "3": [
        "None of these writers saw what happened before the trial, so they cannot show why "
        "the men confessed.",
        "Not sure.",
    ],
}


class Grouping(QuestionKind):
    """Sources sorted into the teacher's categories; one equal part per right placement."""

    name = "grouping"
    objective = True
    min_sources = 2
    stylesheet = "css/kinds/grouping.css"
    builder_template = "exercises/kinds/grouping/builder_key.html"
    builder_script = "js/kinds/grouping-builder.js"

    def _groups(self, settings):
        return (settings or {}).get("groups") or []

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        cleaned = clean_entries(
            settings.get("groups"),
            between=(MIN_GROUPS, MAX_GROUPS),
            count_error=f"Name from {MIN_GROUPS} to {MAX_GROUPS} groups to sort the sources "
            "into, one per line.",
            entry="A group",
            text_label="A group's name",
            id_error="Each group needs an id of its own.",
            text_key="name",
            distinct="The group “{text}” is named twice.",
        )
        return {"groups": cleaned, "justify": bool(settings.get("justify"))}

    def _clean_placements(self, placements, settings, sources, *, complete):
        placements = as_mapping(placements, "The placements")
        ids = source_ids(sources)
        groups = {group["id"] for group in self._groups(settings)}
        labels = {str(s.pk): s.label for s in sources}
        cleaned = {}
        for source_id, group in placements.items():
            source_id = str(source_id)
            if source_id not in ids:
                raise ValidationError("A placement names a source that is not in this question.")
            if group in (None, ""):
                continue
            if str(group) not in groups:
                raise ValidationError(f"Put {labels[source_id]} in one of the question's groups.")
            cleaned[source_id] = str(group)
        if complete:
            missing = [labels[i] for i in ids if i not in cleaned]
            if missing:
                raise ValidationError("The key needs a group for " + ", ".join(missing) + ".")
        return cleaned

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        placements = self._clean_placements(key.get("placements"), settings, sources, complete=True)
        return {"placements": placements}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        placements = self._clean_placements(
            data.get("placements"), settings, sources, complete=False
        )
        why = as_mapping(data.get("justifications"), "The justifications")
        names = {group["id"]: group["name"] for group in self._groups(settings)}
        justifications = {}
        if (settings or {}).get("justify"):
            for group_id, text in why.items():
                if str(group_id) not in names:
                    raise ValidationError("A justification names a group not in this question.")
                text = clean_text(text, f"Why “{names[str(group_id)]}”")
                if text.strip():
                    justifications[str(group_id)] = text
        return {"placements": placements, "justifications": justifications}

    def score(self, response, settings, key, points, sources):
        wanted = (key or {}).get("placements") or {}
        if not wanted:
            return None
        given = (response or {}).get("placements") or {}
        right = sum(1 for source_id, group in wanted.items() if given.get(source_id) == group)
        return to_points(Decimal(str(points)) * right / len(wanted))

    def is_answered(self, response):
        return bool((response or {}).get("placements"))

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        given = response.get("placements") or {}
        missing = [s.label for s in sources or () if str(s.pk) not in given]
        if missing:
            return "no group for " + ", ".join(missing)
        return None

    def _grouped(self, placements, settings, sources):
        """Per group (in the teacher's order): its name and the sources placed in it."""
        by_group = {group["id"]: [] for group in self._groups(settings)}
        for source in sources:
            group = placements.get(str(source.pk))
            if group in by_group:
                by_group[group].append(source)
        return [
            {"id": group["id"], "name": group["name"], "sources": by_group[group["id"]]}
            for group in self._groups(settings)
        ]

    def answer_view(self, response, settings, key, sources):
        """The student's groups with their justifications, each source marked right once
        the key is released."""
        given = (response or {}).get("placements") or {}
        expected = (key or {}).get("placements") or {}
        why = (response or {}).get("justifications") or {}
        groups = self._grouped(given, settings, sources)
        for group in groups:
            group["why"] = why.get(group["id"], "")
            group["placed"] = [
                {"label": s.label, "right": expected.get(str(s.pk)) == group["id"]}
                for s in group["sources"]
            ]
        return {
            "grouping_given": groups,
            "grouping_unplaced": [s.label for s in sources if str(s.pk) not in given],
            "grouping_expected": self._grouped(expected, settings, sources) if expected else [],
        }

    # Authoring: the groups, one per line; the key's lines "4: supports the confessions".

    authoring_fields = ["groups", "placements", "justify_groups"]
    settings_field, key_field = "groups", "placements"
    key_needs_sources = True

    def authoring_initial(self, settings, key, sources):
        names = {group["id"]: group["name"] for group in self._groups(settings)}
        by_id = {str(source.pk): source for source in sources}
        return {
            "groups": "\n".join(names.values()),
            "placements": "\n".join(
                f"{by_id[source_id].number}: {names[group]}"
                for source_id, group in ((key or {}).get("placements") or {}).items()
                if source_id in by_id and group in names
            ),
            "justify_groups": bool((settings or {}).get("justify")),
        }

    def _named_groups(self, data, instance):
        """The groups from the lines, keeping each unchanged name's id (which answers use)."""
        old = {}
        if instance is not None and instance.pk and instance.kind == self.name:
            old = {group["name"]: group["id"] for group in self._groups(instance.settings)}
        numeric = [int(i) for i in old.values() if str(i).isdigit()]
        next_id = max(numeric, default=0) + 1
        groups = []
        for name in lines_of(data.get("groups")):
            group_id = old.get(name)
            if group_id is None:
                group_id, next_id = str(next_id), next_id + 1
            groups.append({"id": group_id, "name": name})
        return groups

    def authoring_settings(self, data, instance):
        return {
            "groups": self._named_groups(data, instance),
            "justify": bool(data.get("justify_groups")),
        }

    def authoring_key(self, data, sources, instance):
        ids = {g["name"].lower(): g["id"] for g in self._named_groups(data, instance)}
        by_number = {source.number: source for source in sources}
        placements, errors = {}, []
        for line in lines_of(data.get("placements")):
            match = PLACEMENT_LINE.match(line)
            group = ids.get(match.group(2).lower()) if match else None
            if group is None:
                errors.append(
                    f"“{line}”: write the source's number, a colon and one of the groups' "
                    "names as written above, e.g. “4: supports the confessions”."
                )
                continue
            source = by_number.get(int(match.group(1)))
            if source is None:
                errors.append(f"“{line}”: source {match.group(1)} is not one of the question's.")
                continue
            placements[str(source.pk)] = group
        if errors:
            raise ValidationError(errors)
        return {"placements": placements}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        names = [group["name"] for group in self._groups(settings)]
        return [f"Sort into: {' / '.join(names)}"] if names else []

    def grading_view(self, response, settings, key, sources):
        given = (response or {}).get("placements") or {}
        wanted = (key or {}).get("placements") or {}
        names = {group["id"]: group["name"] for group in self._groups(settings)}
        why = (response or {}).get("justifications") or {}
        return {
            "rows": [
                (
                    source.label,
                    names.get(given.get(str(source.pk)), "—"),
                    names.get(wanted.get(str(source.pk)), "—"),
                    given.get(str(source.pk)) == wanted.get(str(source.pk)),
                )
                for source in sources
            ],
            "justifications": [
                (group["name"], why[group["id"]])
                for group in self._groups(settings)
                if why.get(group["id"])
            ],
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 4

    def volume_settings(self, rng, words):
        names = ["Supports the confessions", "Challenges them", "Cannot tell"]
        return {"groups": [{"id": str(n), "name": name} for n, name in enumerate(names, 1)]}

    def volume_key(self, rng, settings, sources):
        ids = [group["id"] for group in settings["groups"]]
        return {"placements": {str(s.pk): rng.choice(ids) for s in sources}}

    def volume_response(self, rng, words, settings, sources):
        ids = [group["id"] for group in settings["groups"]]
        return {"placements": {str(s.pk): rng.choice(ids) for s in sources}}

    # The demo class (exercises/demo.py): the kind's question in the exam practice assignment.

    demo_questions = DEMO_QUESTIONS

    def demo_key(self, key, sources_by_number, sources):
        placements = key["placements"].items()
        return {"placements": {str(sources_by_number[n].pk): g for n, g in placements}}

    def demo_response(self, rng, question, sources):
        groups = [group["id"] for group in question.settings["groups"]]
        placements = {
            source_id: group if rng.random() < 0.7 else rng.choice(groups)
            for source_id, group in question.key["placements"].items()
        }
        used = sorted(set(placements.values()))
        justifications = {
            group: rng.choice(DEMO_JUSTIFICATIONS[group])
            for group in used
            if group in DEMO_JUSTIFICATIONS
        }
        return {"placements": placements, "justifications": justifications}

    # Analytics: per source, the share of answers that put it in the key's group.

    analytics_fetches_answers = True
    unanswered_phrase = "not sorted"

    def analytics(self, question, sources, counted):
        expected = (question.key or {}).get("placements") or {}
        names = {group["id"]: group["name"] for group in self._groups(question.settings)}
        answered = [r.get("placements") for r in counted.responses if r.get("placements")]
        panel = {"unanswered": counted.answers - len(answered)}
        if not expected:
            return panel
        bars = [
            Bar(
                source.label,
                sum(1 for given in answered if given.get(str(source.pk)) == group),
                len(answered),
                detail=f"in “{names.get(group, '')}”",
            )
            for source in sources
            if (group := expected.get(str(source.pk)))
        ]
        panel["chart"] = BarChart(
            f"{counted.slug}-groups", "Answers putting each source in the key's group", bars
        )
        return panel


class GroupingAnswerForm(AnswerForm):
    """A radio field per source (`group-<source id>`: one choice per group) and, if the
    teacher asks, a justification per group (`why-<group id>`)."""

    def add_answer_fields(self):
        groups = self.question.settings.get("groups") or []
        choices = [(group["id"], group["name"]) for group in groups]
        for source in self.sources:
            self.fields[f"group-{source.pk}"] = choice_field(
                source.label,
                choices,
                message=f"Put {source.label} in one of the question's groups.",
            )
        if self.question.settings.get("justify"):
            for group in groups:
                self.fields[f"why-{group['id']}"] = text_field(
                    f"Why these sources are in “{group['name']}” (optional)", rows=2
                )

    def initial_from(self, response):
        placements = response.get("placements") or {}
        why = response.get("justifications") or {}
        initial = {f"group-{source_id}": group for source_id, group in placements.items()}
        initial.update({f"why-{group_id}": text for group_id, text in why.items()})
        return initial

    def raw_response(self, data):
        groups = self.question.settings.get("groups") or []
        return {
            "placements": {
                str(source.pk): data.get(f"group-{source.pk}") for source in self.sources
            },
            "justifications": {
                group["id"]: data.get(f"why-{group['id']}") or ""
                for group in groups
                if f"why-{group['id']}" in self.fields
            },
        }

    def rows(self):
        """(source, bound radio field) per source, one card to sort each."""
        return [(source, self[f"group-{source.pk}"]) for source in self.sources]

    def justifications(self):
        """The bound justification fields, one per group, if the teacher asked for them."""
        return [self[name] for name in self.fields if name.startswith("why-")]


Grouping.answer_form = GroupingAnswerForm
