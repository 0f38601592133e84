"""Cleaning untrusted input shared by every kind: text, whole numbers, mappings, points.

None of these touch the database; each returns a normalised copy or raises ValidationError with
a message a student or teacher can act on.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

MAX_TEXT_LENGTH = 10_000
CENT = Decimal("0.01")


def to_points(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_text(value, label, *, required=False):
    """A student's or teacher's free text: a string of at most 10,000 characters.

    Nothing is stripped or rewritten: what the student typed is what is kept.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.")
    if len(value) > MAX_TEXT_LENGTH:
        over = len(value) - MAX_TEXT_LENGTH
        raise ValidationError(
            f"{label} is {len(value):,} characters long; the limit is {MAX_TEXT_LENGTH:,}. "
            f"Shorten it by {over:,} characters."
        )
    if required and not value.strip():
        raise ValidationError(f"{label} is required.")
    return value


def clean_int(value, label):
    if isinstance(value, bool):
        raise ValidationError(f"{label} must be a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value):
        return int(value)
    raise ValidationError(f"{label} must be a whole number.")


def as_mapping(data, label="The answer"):
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationError(f"{label} is not in the expected form.")
    return data


def source_ids(sources):
    return [str(source.pk) for source in sources]


def min_length_reason(text, settings, field_label):
    minimum = settings.get("min_justification") or settings.get("min_length") or 0
    if minimum and len((text or "").strip()) < minimum:
        return f"{field_label} is shorter than {minimum} characters"
    return None


def clean_min_length(settings, field):
    value = settings.get(field, 0) or 0
    value = clean_int(value, "The minimum length")
    if not 0 <= value <= MAX_TEXT_LENGTH:
        raise ValidationError(f"The minimum length must be between 0 and {MAX_TEXT_LENGTH:,}.")
    return value


def lines_of(text):
    """The non-blank lines of a teacher's plain field, stripped (options, verdicts, quotes)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def clean_entries(
    entries, *, between, count_error, entry, id_error, text_key, text_label=None, distinct=None
):
    """A teacher's list of entries, each with an id of its own and a text under `text_key`
    (a sequence's events, a card sort's groups): `between` (low, high) of them, else
    `count_error`; each a mapping (`entry` names it in errors), its id present and unique,
    else `id_error`; each text required (`text_label`, default `entry`). If
    `distinct` is a message with `{text}`, no two texts may be the same, ignoring case."""
    low, high = between
    if not isinstance(entries, list) or not low <= len(entries) <= high:
        raise ValidationError(count_error)
    cleaned, ids, texts = [], set(), set()
    for item in entries:
        item = as_mapping(item, entry)
        item_id = str(item.get("id") or "")
        if not item_id or item_id in ids:
            raise ValidationError(id_error)
        text = clean_text(item.get(text_key), text_label or entry, required=True)
        if distinct:
            text = text.strip()
            if text.lower() in texts:
                raise ValidationError(distinct.format(text=text))
            texts.add(text.lower())
        ids.add(item_id)
        cleaned.append({"id": item_id, text_key: text})
    return cleaned
