"""A source's text as the pages show it, rendered once per version of the text.

Rendering a source's paragraphs (or a poem's lines) with their character offsets is most
of the assignment page's template work, and the same for every student. The HTML depends
only on the text and the template, so it is cached under a key made of the source's
primary key and a hash of both: a corrected text gets a new key and can never be served
stale. That makes a per-process cache (Django's default LocMem) correct on any number of
app servers; a shared cache would only save each process's first rendering.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()

# Long enough to outlast a lesson; the key, not the expiry, keeps the text current.
KEEP_SECONDS = 24 * 60 * 60
TEXT_TEMPLATE = "sources/_source_text.html"


def cache_key(source, text_template):
    version = hashlib.sha256()
    version.update(text_template.origin.name.encode())
    version.update(b"\0")
    version.update(source.text.encode())
    return f"source-text:{source.pk}:{version.hexdigest()}"


@register.simple_tag
def source_text(source):
    """`{% source_text source %}`: the text of `source` as `TEXT_TEMPLATE` renders it, from
    the cache when this version was rendered before."""
    text_template = get_template(TEXT_TEMPLATE)
    key = cache_key(source, text_template)
    html = cache.get(key)
    if html is None:
        html = text_template.render({"source": source})
        cache.set(key, html, KEEP_SECONDS)
    return mark_safe(html)  # rendered by the template, which escapes the text


# The whole card of a source (its heading, provenance and text) is the same for every
# student too, inline under a question or in the reading pane: cached the same way, under
# a hash of everything the card shows. A field the card template starts to show must be
# added to `card_key`, or a correction of it would wait for the entry to expire.
CARD_TEMPLATE = "exercises/_source_card.html"


def card_key(source, inline, card_template, text_template):
    author = source.author if source.author_id else None
    shown = (
        card_template.origin.name,
        text_template.origin.name,
        bool(inline),
        source.pk,
        source.number,
        author and (author.name, author.description),
        source.title,
        source.date_display,
        source.context_note,
        source.text,
    )
    version = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"source-card:{source.pk}:{version}"


@register.simple_tag
def source_card(source, inline=False):
    """`{% source_card source %}`: `CARD_TEMPLATE` for `source` (`inline=True` under a
    question), from the cache when this version of the card was rendered before."""
    card_template = get_template(CARD_TEMPLATE)
    key = card_key(source, inline, card_template, get_template(TEXT_TEMPLATE))
    html = cache.get(key)
    if html is None:
        html = card_template.render({"source": source, "inline": inline})
        cache.set(key, html, KEEP_SECONDS)
    return mark_safe(html)  # rendered by the template, which escapes what it shows
