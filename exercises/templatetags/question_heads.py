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
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from .source_texts import CARD_TEMPLATE, KEEP_SECONDS, TEXT_TEMPLATE, card_key

register = template.Library()

HEAD_TEMPLATE = "exercises/_question_head.html"


def question_version(q):
    """A hash of everything of `q`'s question that the page can show: its number, settings,
    every loaded field, and its sources (their numbers, authors and card keys). Computed once
    per `q` (a views.QuestionOnPage, made for one request and not changed while it renders),
    for its head and its inputs alike."""
    version = q.__dict__.get("_question_version")
    if version is None:
        card_template, text_template = get_template(CARD_TEMPLATE), get_template(TEXT_TEMPLATE)
        question = q.question
        deferred = question.get_deferred_fields()
        shown = (
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
        version = q.__dict__["_question_version"] = hashlib.sha256(repr(shown).encode()).hexdigest()
    return version


def head_key(q, head_template):
    """`q`: a views.QuestionOnPage; only its question's parts go into the key."""
    return f"question-head:{q.pk}:{head_template.origin.name}:{question_version(q)}"


@register.simple_tag
def question_head(q):
    head_template = get_template(HEAD_TEMPLATE)
    key = head_key(q, head_template)
    html = cache.get(key)
    if html is None:
        html = head_template.render({"q": q})
        cache.set(key, html, KEEP_SECONDS)
    return mark_safe(html)  # rendered by the template, which escapes what it shows


# The frame of a question's answer form (its <form> tag and hidden fields) is written for
# every question of every student's page: in Python it costs a fraction of the template's
# dozen variable lookups and tags, and writes the same HTML (the pages are compared byte for
# byte with the template's, tests/exercises/test_answer_frame.py).
FORM_OPEN = (
    '<form method="post" action="{action}" class="answer-form" data-question="{pk}" '
    'data-control-fields="{control}"{draft}{restored} novalidate>\n'
    "      {csrf}\n"
    "      {revision}\n"
    "      {preview}\n"
    "      {owner}\n"
    '      <div class="answer-conflict" hidden></div>'
)


@register.simple_tag(takes_context=True)
def answer_form_open(context, q):
    """`{% answer_form_open q %}`: the start of `q`'s answer form, up to its inputs."""
    page, assignment, submission = context["page"], context["assignment"], context["submission"]
    pk = q.pk
    if page.preview:
        action = reverse("exercises:assignment_preview", args=[assignment.pk])
        action = f"{escape(action)}#question-{pk}"
        preview = f'<input type="hidden" name="question" value="{pk}">'
    else:
        action = escape(reverse("exercises:save_answer", args=[assignment.pk, pk]))
        preview = ""
    owner = context.get("owner_token")
    html = FORM_OPEN.format(
        action=action,
        pk=pk,
        control=escape(" ".join(q.form.CONTROL_FIELDS)),
        draft=f' data-draft-key="purgeclass:draft:{submission.pk}:{pk}"' if submission else "",
        restored=(
            f' data-restored-revision="{q.restored_revision}"' if q.restored_revision else ""
        ),
        csrf=CsrfTokenNode().render(context),
        revision=conditional_escape(q.form["revision"]),
        preview=preview,
        owner=f'<input type="hidden" name="owner" value="{escape(owner)}">' if owner else "",
    )
    return mark_safe(html)  # every value above escaped


# A question's inputs (its kind's input template) before the student has answered it are the
# same for every student of the assignment: at the bell, a whole class opens the page with
# nothing saved. They are cached like the heads, under a hash of the question's version and
# how the form is shown (and the empty answer and its revision, for safety). The template is
# rendered with `q` and `form` only, as the kinds' input templates are written, so no other
# variable of the page (the student, the tokens) can reach an entry. An answered question
# is rendered for its student alone and never cached: its entry would serve that student
# only, and a class's worth of them would push the shared entries (cards, heads, the
# reading pane) out of the per-process cache. So is a bound form (an answer sent back with
# its errors).


def inputs_key(q, input_template):
    form = q.form
    shown = (
        input_template.origin.name,
        question_version(q),
        q.response,
        q.revision,
        q.show_key,
        type(form).__module__,
        type(form).__qualname__,
        form.is_disabled,
    )
    version = hashlib.sha256(repr(shown).encode()).hexdigest()
    return f"answer-inputs:{q.pk}:{version}"


@register.simple_tag
def answer_inputs(q):
    """`{% answer_inputs q %}`: `q.form`'s inputs as its kind's input template writes them."""
    input_template = get_template(q.input_template)
    context = {"q": q, "form": q.form}
    if q.form.is_bound or q.response or q.revision:
        return mark_safe(input_template.render(context))
    key = inputs_key(q, input_template)
    html = cache.get(key)
    if html is None:
        html = input_template.render(context)
        cache.set(key, html, KEEP_SECONDS)
    return mark_safe(html)  # rendered by the template, which escapes what it shows
