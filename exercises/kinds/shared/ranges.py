"""Range algebra for marked passages: character ranges of a source's text.

Shared by the highlight kind, the re-anchoring service, the passage template tags and the
volume generator.
"""

import re

from django.core.exceptions import ValidationError

from .text import as_mapping, clean_int

MAX_RANGES = 200


def merge_ranges(ranges):
    """Sort ranges and merge those that overlap or touch: the set of marked characters."""
    merged = []
    for start, end in sorted((r["start"], r["end"]) for r in ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def unmark_range(ranges, start, end):
    """The ranges with the characters from start to end no longer marked."""
    kept = []
    for range_start, range_end in merge_ranges(ranges):
        if range_end <= start or range_start >= end:
            kept.append({"start": range_start, "end": range_end})
            continue
        if range_start < start:
            kept.append({"start": range_start, "end": start})
        if range_end > end:
            kept.append({"start": end, "end": range_end})
    return kept


def covers(ranges, start, end):
    """Whether every character from start to end is marked."""
    return any(s <= start and end <= e for s, e in merge_ranges(ranges))


def toggle_range(ranges, start, end):
    """Mark start–end, or unmark it if it is already wholly marked (a sentence toggle)."""
    if covers(ranges, start, end):
        return unmark_range(ranges, start, end)
    return [
        {"start": s, "end": e} for s, e in merge_ranges([*ranges, {"start": start, "end": end}])
    ]


def clean_ranges(ranges, text, label="A marked passage"):
    """Validate character ranges of `text` and attach the quoted words to each.

    The quote is taken from the text itself, not from the browser: it is what makes a
    range re-anchorable when staff later correct the source.
    """
    if ranges is None:
        ranges = []
    if not isinstance(ranges, list):
        raise ValidationError("The marked passages are not in the expected form.")
    if len(ranges) > MAX_RANGES:
        raise ValidationError(f"At most {MAX_RANGES} passages can be marked.")
    raw = []
    for item in ranges:
        item = as_mapping(item, label)
        start = clean_int(item.get("start"), f"{label}'s start")
        end = clean_int(item.get("end"), f"{label}'s end")
        if not 0 <= start < end <= len(text):
            raise ValidationError(
                f"{label} ({start}–{end}) lies outside the source's text "
                f"(0–{len(text)}). Reload the page and mark it again."
            )
        raw.append({"start": start, "end": end})
    return [{"start": s, "end": e, "quote": text[s:e]} for s, e in merge_ranges(raw)]


def reanchor(ranges, text):
    """Point ranges at the same words in a corrected text.

    A range whose quote still stands at its place is kept; otherwise it moves to the
    occurrence of its quote nearest to where it was. A range whose quote is gone is
    returned separately, so the teacher is told instead of the range silently marking
    other words. Returns (kept ranges, lost ranges).
    """
    kept, lost = [], []
    for item in ranges:
        start, end, quote = item["start"], item["end"], item.get("quote", "")
        if quote and text[start:end] == quote:
            kept.append({"start": start, "end": end, "quote": quote})
            continue
        places = [m.start() for m in re.finditer(re.escape(quote), text)] if quote else []
        if places:
            new_start = min(places, key=lambda p: abs(p - start))
            kept.append({"start": new_start, "end": new_start + len(quote), "quote": quote})
        else:
            lost.append({"start": start, "end": end, "quote": quote})
    return kept, lost


def overlap_f1(answer_ranges, key_ranges):
    """Character-level F1 of the marked characters against the key's (0.0 to 1.0)."""
    answer = merge_ranges(answer_ranges)
    key = merge_ranges(key_ranges)
    marked = sum(e - s for s, e in answer)
    wanted = sum(e - s for s, e in key)
    if not marked or not wanted:
        return 0.0
    common = 0
    for a_start, a_end in answer:
        for k_start, k_end in key:
            common += max(0, min(a_end, k_end) - max(a_start, k_start))
    if not common:
        return 0.0
    precision, recall = common / marked, common / wanted
    return 2 * precision * recall / (precision + recall)


SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")


def sentences(text):
    """Split a text into (start, end) spans of sentences and lines, for keyboard marking."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() if text[match.start()] == "\n" else match.end()
        chunk_end = end
        while chunk_end > start and text[chunk_end - 1].isspace():
            chunk_end -= 1
        if chunk_end > start:
            spans.append((start, chunk_end))
        start = match.end()
    tail_end = len(text.rstrip())
    if tail_end > start:
        spans.append((start, tail_end))
    return spans


def marked_pieces(text, ranges):
    """The text cut into (words, marked?) pieces, for <mark> in the template."""
    pieces, position = [], 0
    for start, end in merge_ranges(ranges or []):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces
