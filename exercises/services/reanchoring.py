"""What follows when staff correct a source's text: highlight keys and answers on it are
pointed at the same words again, so that no marked passage silently marks different words.
"""

import logging
from dataclasses import dataclass

from django.db.models import F

from .. import kinds
from ..models import Answer, Question

log = logging.getLogger(__name__)


def reanchor_ranges(data, text):
    """`data` (a key or a response) with its ranges moved to the same words of `text`.

    Ranges whose words are gone are removed and added to data["lost"]. Returns None if
    nothing changed.
    """
    ranges = (data or {}).get("ranges") or []
    if not ranges:
        return None
    kept, lost = kinds.reanchor(ranges, text)
    # Moved ranges may now touch or overlap: merge them, quotes taken from the new text.
    kept = kinds.clean_ranges(kept, text)
    if kept == ranges and not lost:
        return None
    updated = {**data, "ranges": kept}
    if lost:
        updated["lost"] = [*(data.get("lost") or []), *lost]
    return updated


@dataclass(frozen=True)
class Reanchored:
    """What re-anchoring did after one correction, as the editor is told it."""

    keys: int = 0
    answers: int = 0
    lost: int = 0  # marked passages (in keys and answers) whose words are gone

    def __str__(self):
        parts = [f"{self.answers} {_plural(self.answers, 'answer')} re-anchored"]
        if self.keys:
            parts.append(f"{self.keys} answer {_plural(self.keys, 'key')} re-anchored")
        parts.append(f"{self.lost} {_plural(self.lost, 'passage')} lost")
        return ", ".join(parts)

    def __bool__(self):
        return bool(self.keys or self.answers or self.lost)


def _plural(count, word):
    return word if count == 1 else word + "s"


def reanchor_highlights(source):
    """After `source.text` changed, point every highlight key and answer on it at the same
    words again, so that no range silently marks different words.

    Answers are rewritten with a revision bump (conditional, retried on a race), so a
    student's tab still holding the old offsets gets "changed elsewhere" instead of
    saving offsets into the new text. Returns a `Reanchored` with the counts.
    """
    keys = answers = lost = 0
    anchoring = [kind.name for kind in kinds.KINDS.values() if kind.anchors_words]
    questions = Question.objects.filter(
        kind__in=anchoring, question_sources__source=source
    ).distinct()
    for question in questions:
        key = reanchor_ranges(question.key, source.text)
        if key is not None:
            Question.objects.filter(pk=question.pk).update(key=key)
            keys += 1
            lost += _newly_lost(question.key, key)
        for answer in question.answers.all():
            changed, newly_lost = _reanchor_answer(answer, source.text)
            answers += changed
            lost += newly_lost
    result = Reanchored(keys, answers, lost)
    if result:
        log.info("Source %s corrected: %s", source.pk, result)
    return result


def _newly_lost(before, after):
    return len(after.get("lost") or []) - len((before or {}).get("lost") or [])


def _reanchor_answer(answer, text, attempts=5):
    """(1, passages lost) if the answer was rewritten, (0, 0) if it had nothing to move."""
    for _ in range(attempts):
        response = reanchor_ranges(answer.response, text)
        if response is None:
            return 0, 0
        if Answer.objects.filter(pk=answer.pk, revision=answer.revision).update(
            response=response, revision=F("revision") + 1
        ):
            return 1, _newly_lost(answer.response, response)
        answer.refresh_from_db(fields=["response", "revision"])  # the student just saved
    raise RuntimeError(f"Could not re-anchor answer {answer.pk}: it kept changing.")


def reanchor_after_correction(sender, source, old_text, **kwargs):
    """Receiver of `sources.signals.text_corrected`: re-anchor highlights on the source and
    report the counts to the editor (nothing when no highlight was on it)."""
    return reanchor_highlights(source) or None
