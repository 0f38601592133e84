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
