"""The matrix kind: its rules and scoring."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from .answer_form import AnswerForm, choice_field, source_choice_label
from .base import QuestionKind
from .text import as_mapping, clean_text, source_ids, source_label, to_points

VERDICTS = {
    "supports": "Supports the claim",
    "challenges": "Challenges the claim",
    "silent": "Says nothing about it",
}


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
        labels = {str(s.pk): source_label(s) for s in sources}
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
        missing = [source_label(s) for s in sources or () if str(s.pk) not in given]
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
                    "source": source_choice_label(source),
                    "given": VERDICTS.get(given.get(str(source.pk)), "No verdict"),
                    "expected": VERDICTS.get(expected.get(str(source.pk)), ""),
                    "right": given.get(str(source.pk)) == expected.get(str(source.pk)),
                }
                for source in sources
            ]
        }


class MatrixAnswerForm(AnswerForm):
    def add_answer_fields(self):
        for source in self.sources:
            label = source_choice_label(source)
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
