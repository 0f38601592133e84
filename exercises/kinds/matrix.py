"""The matrix kind: its rules and scoring."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError

from .answer_form import AnswerForm, choice_field
from .base import QuestionKind
from .text import as_mapping, clean_text, lines_of, source_ids, to_points

VERDICTS = {
    "supports": "Supports the claim",
    "challenges": "Challenges the claim",
    "silent": "Says nothing about it",
}

# How a teacher may write a verdict in the key's lines ("4: supports", "source 5 = nothing").
VERDICT_WORDS = {
    "supports": "supports",
    "support": "supports",
    "challenges": "challenges",
    "challenge": "challenges",
    "silent": "silent",
    "says nothing": "silent",
    "nothing": "silent",
}
VERDICT_LINE = re.compile(r"^\s*(?:source\s*)?(\d+)\s*[:=–-]\s*(.+?)\s*$", re.IGNORECASE)


class Matrix(QuestionKind):
    """A claim and several sources: does each support it, challenge it, or say nothing?

    Scored one equal part per source.
    """

    name = "matrix"
    objective = True
    min_sources = 2

    def clean_settings(self, settings):
        settings = as_mapping(settings, "The settings")
        return {"claim": clean_text(settings.get("claim"), "The claim", required=True)}

    def _clean_verdicts(self, verdicts, sources, *, complete):
        verdicts = as_mapping(verdicts, "The verdicts")
        ids = source_ids(sources)
        labels = {str(s.pk): s.label for s in sources}
        cleaned = {}
        for source_id, verdict in verdicts.items():
            source_id = str(source_id)
            if source_id not in ids:
                raise ValidationError("A verdict names a source that is not in this question.")
            if verdict in (None, ""):
                continue
            if not isinstance(verdict, str) or verdict not in VERDICTS:
                raise ValidationError(
                    f"For {labels[source_id]}, choose supports, challenges or says nothing."
                )
            cleaned[source_id] = verdict
        if complete:
            missing = [labels[i] for i in ids if i not in cleaned]
            if missing:
                raise ValidationError("The key needs a verdict for " + ", ".join(missing) + ".")
        return cleaned

    def clean_key(self, key, settings, sources):
        key = as_mapping(key, "The answer key")
        return {"verdicts": self._clean_verdicts(key.get("verdicts"), sources, complete=True)}

    def clean_response(self, data, settings, sources):
        data = as_mapping(data)
        return {"verdicts": self._clean_verdicts(data.get("verdicts"), sources, complete=False)}

    def score(self, response, settings, key, points, sources):
        wanted = (key or {}).get("verdicts") or {}
        if not wanted:
            return None
        given = (response or {}).get("verdicts") or {}
        right = sum(1 for source_id, verdict in wanted.items() if given.get(source_id) == verdict)
        return to_points(Decimal(str(points)) * right / len(wanted))

    def is_answered(self, response):
        return bool((response or {}).get("verdicts"))

    def incomplete_reason(self, response, settings, sources=None):
        if not self.is_answered(response):
            return "not answered"
        given = response.get("verdicts") or {}
        missing = [s.label for s in sources or () if str(s.pk) not in given]
        if missing:
            return "no verdict for " + ", ".join(missing)
        return None

    def answer_view(self, response, settings, key, sources):
        """The answer as the student's page shows it: a row per source, verdict given and
        (once released) expected."""
        given = response.get("verdicts") or {}
        expected = key.get("verdicts") or {}
        return {
            "matrix_rows": [
                {
                    "source": source.label,
                    "given": VERDICTS.get(given.get(str(source.pk)), "No verdict"),
                    "expected": VERDICTS.get(expected.get(str(source.pk)), ""),
                    "right": given.get(str(source.pk)) == expected.get(str(source.pk)),
                }
                for source in sources
            ]
        }

    # Authoring: the teacher's plain fields (admin_forms.QuestionForm) <-> settings and key.

    authoring_fields = ["claim", "verdicts"]
    settings_field, key_field = "claim", "verdicts"
    key_needs_sources = True

    def authoring_initial(self, settings, key, sources):
        by_id = {str(source.pk): source for source in sources}
        return {
            "claim": settings.get("claim", ""),
            "verdicts": "\n".join(
                f"{by_id[source_id].number}: {verdict}"
                for source_id, verdict in (key.get("verdicts") or {}).items()
                if source_id in by_id
            ),
        }

    def authoring_settings(self, data, instance):
        return {"claim": data.get("claim", "")}

    def authoring_key(self, data, sources, instance):
        by_number = {source.number: source for source in sources}
        verdicts, errors = {}, []
        for line in lines_of(data.get("verdicts")):
            match = VERDICT_LINE.match(line)
            verdict = VERDICT_WORDS.get(match.group(2).lower()) if match else None
            if verdict is None:
                errors.append(
                    f"“{line}”: write the source's number, a colon and supports, challenges "
                    "or silent, e.g. “4: supports”."
                )
                continue
            source = by_number.get(int(match.group(1)))
            if source is None:
                errors.append(f"“{line}”: source {match.group(1)} is not one of the question's.")
                continue
            verdicts[str(source.pk)] = verdict
        if errors:
            raise ValidationError(errors)
        return {"verdicts": verdicts}

    # The teacher's desk: the question's summary line and the answer on the grading page.

    def summary(self, settings, key):
        return [f"Claim: {settings['claim']}"] if settings.get("claim") else []

    def grading_view(self, response, settings, key, sources):
        given, wanted = response.get("verdicts") or {}, key.get("verdicts") or {}
        return {
            "claim": settings.get("claim", ""),
            "rows": [
                (
                    source.label,
                    VERDICTS.get(given.get(str(source.pk)), "—"),
                    VERDICTS.get(wanted.get(str(source.pk)), "—"),
                    given.get(str(source.pk)) == wanted.get(str(source.pk)),
                )
                for source in sources
            ],
        }

    # Volume data (manage.py generate_volume): `rng` a random.Random, `words(low, high)` filler.

    volume_source_count = 4

    def volume_settings(self, rng, words):
        return {"claim": "The confessions were genuine."}

    def volume_key(self, rng, settings, sources):
        return {"verdicts": {str(s.pk): rng.choice(list(VERDICTS)) for s in sources}}

    def volume_response(self, rng, words, settings, sources):
        return {"verdicts": {str(s.pk): rng.choice(list(VERDICTS)) for s in sources}}


class MatrixAnswerForm(AnswerForm):
    def add_answer_fields(self):
        for source in self.sources:
            label = source.label
            self.fields[f"verdict-{source.pk}"] = choice_field(
                label,
                list(VERDICTS.items()),
                message=f"For {label}, choose supports, challenges or says nothing.",
            )

    def initial_from(self, response):
        verdicts = response.get("verdicts") or {}
        return {f"verdict-{source_id}": verdict for source_id, verdict in verdicts.items()}

    def raw_response(self, data):
        return {
            "verdicts": {
                str(source.pk): data.get(f"verdict-{source.pk}") for source in self.sources
            }
        }

    def rows(self):
        """(source, bound radio field) per source, for the matrix's table."""
        return [(source, self[f"verdict-{source.pk}"]) for source in self.sources]


Matrix.answer_form = MatrixAnswerForm
