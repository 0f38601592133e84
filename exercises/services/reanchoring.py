"""What follows when staff correct a source's text: highlight keys and answers on it are
pointed at the same words again, so that no marked passage silently marks different words.
"""

import logging

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


def reanchor_highlights(source):
    """After `source.text` changed, point every highlight key and answer on it at the same
    words again, so that no range silently marks different words.

    Answers are rewritten with a revision bump (conditional, retried on a race), so a
    student's tab still holding the old offsets gets "changed elsewhere" instead of
    saving offsets into the new text. Returns (questions changed, answers changed).
    """
    questions_changed = answers_changed = 0
    questions = Question.objects.filter(
        kind=Question.Kind.HIGHLIGHT, question_sources__source=source
    ).distinct()
    for question in questions:
        key = reanchor_ranges(question.key, source.text)
        if key is not None:
            Question.objects.filter(pk=question.pk).update(key=key)
            questions_changed += 1
        for answer in question.answers.all():
            answers_changed += _reanchor_answer(answer, source.text)
    if questions_changed or answers_changed:
        log.info(
            "Source %s corrected: re-anchored %s highlight keys and %s answers",
            source.pk,
            questions_changed,
            answers_changed,
        )
    return questions_changed, answers_changed


def _reanchor_answer(answer, text, attempts=5):
    for _ in range(attempts):
        response = reanchor_ranges(answer.response, text)
        if response is None:
            return 0
        if Answer.objects.filter(pk=answer.pk, revision=answer.revision).update(
            response=response, revision=F("revision") + 1
        ):
            return 1
        answer.refresh_from_db(fields=["response", "revision"])  # the student just saved
    raise RuntimeError(f"Could not re-anchor answer {answer.pk}: it kept changing.")


def remember_source_text(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save on Source: note the text as stored, to compare after the save."""
    instance._text_before_save = None
    if raw or not instance.pk or (update_fields is not None and "text" not in update_fields):
        return
    instance._text_before_save = (
        type(instance).objects.filter(pk=instance.pk).values_list("text", flat=True).first()
    )


def reanchor_after_correction(sender, instance, created=False, raw=False, **kwargs):
    """post_save on Source: re-anchor highlights if the text changed."""
    before = getattr(instance, "_text_before_save", None)
    if raw or created or before is None or before == instance.text:
        return
    reanchor_highlights(instance)
