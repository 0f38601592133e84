"""A source's text as the pages show it, rendered once per version of the text.

Rendering a source's paragraphs (or a poem's lines) with their character offsets is most
of the assignment page's template work, and the same for every student. The HTML depends
only on the source (and its author) and the template, so it is cached under a key made of
the template's name and a hash of every loaded field (`source_version`): a corrected source
gets a new key and can never be served stale. That makes a per-process cache (Django's
default LocMem) correct on any number of app servers; a shared cache would only save each
process's first rendering.
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


def source_version(source):
    """A hash of every stored field of `source` that is loaded, and of its author's: what a
    source's templates can show. Any correction (text, image, alt text, head note, a new
    field tomorrow) changes it, so no one has to remember to add a field to a cache key."""
    deferred = source.get_deferred_fields()
    fields = [
        (field.attname, getattr(source, field.attname))
        for field in source._meta.concrete_fields
        if field.attname not in deferred
    ]
    author = source.author if source.author_id else None
    if author is not None:
        fields.append(("author", author.name, author.description))
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def cache_key(source, text_template):
    return f"source-text:{source.pk}:{text_template.origin.name}:{source_version(source)}"


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
# the source's version (every loaded field of it and its author).
CARD_TEMPLATE = "exercises/_source_card.html"


def card_key(source, inline, card_template, text_template):
    templates = f"{card_template.origin.name}:{text_template.origin.name}:{bool(inline)}"
    return f"source-card:{source.pk}:{templates}:{source_version(source)}"


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


# The whole reading pane (every card of the assignment's reading list, in order) is the same
# for every student of the assignment: one cache entry instead of one per card, under a hash
# of the cards' own keys (each a hash of everything its card shows), so a corrected source
# changes the pane's key too and is shown at once.


def reading_pane_key(assignment, sources):
    card_template, text_template = get_template(CARD_TEMPLATE), get_template(TEXT_TEMPLATE)
    cards = [card_key(source, False, card_template, text_template) for source in sources]
    version = hashlib.sha256(repr(cards).encode()).hexdigest()
    return f"reading-pane:{assignment.pk}:{version}"


@register.simple_tag
def reading_pane(assignment, sources):
    """`{% reading_pane assignment sources %}`: the cards of `sources` (the reading list of
    `assignment`), from the cache when this version of every card was shown before."""
    key = reading_pane_key(assignment, sources)
    html = cache.get(key)
    if html is None:
        html = "".join(source_card(source) for source in sources)
        cache.set(key, html, KEEP_SECONDS)
    return mark_safe(html)  # the cards, rendered by their template, which escapes
