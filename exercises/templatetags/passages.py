"""A source's text cut into spans that carry their character offsets.

Highlight answers are character ranges of the text, so the page must let the browser map
a selection back to exact offsets: every piece of text sits in a span whose data-offset is
where it starts. The markup is built here rather than in a template because the text is
shown with its whitespace preserved, and a template's own line breaks would become text.
static/js/kinds/highlight.js rebuilds the same markup when the student marks a passage.
"""

import json
from itertools import pairwise

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from exercises import kinds

register = template.Library()


def _inside(ranges, length):
    return [r for r in ranges or () if 0 <= r.get("start", -1) < r.get("end", -1) <= length]


def _within(merged, start, end):
    return any(s <= start and end <= e for s, e in merged)


def passage_markup(text, ranges=(), *, key_ranges=(), toggles=False):
    """Spans of `text`, marked passages in <mark>, key passages underlined, and (for
    keyboard marking) a toggle button at the start of each sentence."""
    sentences = kinds.sentences(text)
    marked = kinds.merge_ranges(_inside(ranges, len(text)))
    keyed = kinds.merge_ranges(_inside(key_ranges, len(text)))
    cuts = {0, len(text)}
    for start, end in [*sentences, *marked, *keyed]:
        cuts.update((start, end))
    starts = {start: (number, end) for number, (start, end) in enumerate(sentences, start=1)}
    parts, sentence_end = [], None
    for a, b in pairwise(sorted(cuts)):
        if a in starts:
            number, sentence_end = starts[a]
            parts.append(
                format_html(
                    '<span class="sentence" data-start="{}" data-end="{}">', a, sentence_end
                )
            )
            if toggles:
                parts.append(
                    format_html(
                        '<button type="submit" name="toggle" value="{}-{}" class="sentence-toggle"'
                        ' aria-pressed="{}" aria-label="Mark sentence {}">{}</button>',
                        a,
                        sentence_end,
                        "true" if _within(marked, a, sentence_end) else "false",
                        number,
                        number,
                    )
                )
        piece = format_html('<span data-offset="{}">{}</span>', a, text[a:b])
        if _within(keyed, a, b):
            piece = format_html('<span class="key-passage">{}</span>', piece)
        if _within(marked, a, b):
            piece = format_html("<mark>{}</mark>", piece)
        parts.append(piece)
        if sentence_end == b:
            parts.append(mark_safe("</span>"))
            sentence_end = None
    return mark_safe("".join(parts))


@register.simple_tag
def passage(source, ranges=None, key_ranges=None, toggles=False, label=""):
    """The whole passage block of a highlight question."""
    sentences = json.dumps(kinds.sentences(source.text), separators=(",", ":"))
    return format_html(
        '<div class="passage" data-sentences="{}"{}{}>{}</div>',
        sentences,
        mark_safe(" data-interactive") if toggles else "",
        format_html(' aria-label="{}" role="group"', label) if label else "",
        passage_markup(source.text, ranges or (), key_ranges=key_ranges or (), toggles=toggles),
    )
