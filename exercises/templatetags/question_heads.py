"""`{% question_head q %}`: the part of a question on the assignment page that is the same
for every student (its title, prompt, enquiry, the sources to read and, for phones, those
sources' cards), rendered once per version of the question and its sources.

Cached like the source cards (`source_texts`): in the per-process default cache, under a
hash of everything the part shows, so an edited question or a corrected source gets a new
key and is shown at once on every server. The hash takes every loaded field of the question
(and its sources' versions), so a field the template starts to show needs no key change.
"""

import hashlib

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from .source_texts import CARD_TEMPLATE, KEEP_SECONDS, TEXT_TEMPLATE, card_key

register = template.Library()

HEAD_TEMPLATE = "exercises/_question_head.html"


def head_key(q, head_template):
    """`q`: a views.QuestionOnPage; only its question's parts go into the key."""
    card_template, text_template = get_template(CARD_TEMPLATE), get_template(TEXT_TEMPLATE)
    question = q.question
    deferred = question.get_deferred_fields()
    shown = (
        head_template.origin.name,
        q.number,
        q.settings,
        [
            (field.attname, getattr(question, field.attname))
            for field in question._meta.concrete_fields
            if field.attname not in deferred
        ],
        [
            (
                source.pk,
                source.number,
                source.author.name if source.author_id else None,
                card_key(source, True, card_template, text_template),
            )
            for source in q.sources
        ],
    )
    version = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"question-head:{q.pk}:{version}"


@register.simple_tag
def question_head(q):
    head_template = get_template(HEAD_TEMPLATE)
    key = head_key(q, head_template)
    html = cache.get(key)
    if html is None:
        html = head_template.render({"q": q})
        cache.set(key, html, KEEP_SECONDS)
    return mark_safe(html)  # rendered by the template, which escapes what it shows
