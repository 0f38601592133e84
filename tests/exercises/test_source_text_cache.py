"""The assignment page's source cards and texts come from a cache keyed by their own
version, so a corrected source is shown at once on every app server, however warm its cache."""

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import escape

from exercises.templatetags.source_texts import CARD_TEMPLATE, TEXT_TEMPLATE, cache_key, card_key

from .conftest import build_world


def text_template():
    return get_template(TEXT_TEMPLATE)


def reading_pane_key(source):
    return card_key(source, False, get_template(CARD_TEMPLATE), text_template())


def test_source_card_is_rendered_once_and_then_served_from_the_cache(client, db):
    world = build_world()
    source = world.sources[0]
    client.force_login(world.student)
    client.get(world.assignment.get_absolute_url())
    assert 'class="source-text' in cache.get(cache_key(source, text_template()))
    cached = cache.get(reading_pane_key(source))
    assert cached is not None and 'class="source-text' in cached
    # What the cache holds under this version is what the page shows.
    cache.set(reading_pane_key(source), cached.replace("<p ", '<p data-from-cache="1" '))
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert 'data-from-cache="1"' in html


def test_corrected_author_description_is_shown_at_once_not_the_cached_card(client, db):
    world = build_world()
    source = world.sources[0]
    client.force_login(world.student)
    client.get(world.assignment.get_absolute_url())  # the old card is now cached
    old_key = reading_pane_key(source)
    assert cache.get(old_key) is not None
    source.author.description = "Corrected: Moscow correspondent of The New York Times."
    source.author.save()
    source.context_note = "Corrected note: published on the trial's second day."
    source.save()
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert "Corrected: Moscow correspondent of The New York Times." in html
    assert "Corrected note: published on the trial&#x27;s second day." in html
    assert reading_pane_key(source) != old_key


def test_corrected_source_text_is_shown_at_once_not_the_cached_version(client, db):
    world = build_world()
    source = world.sources[0]
    client.force_login(world.student)
    old_text = escape(source.text[:40])
    client.get(world.assignment.get_absolute_url())  # the old version is now cached
    old_key = cache_key(source, text_template())
    assert cache.get(old_key) is not None
    source.text = "Corrected transcription: the verdict was read out at dawn."
    source.save()
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert "Corrected transcription: the verdict was read out at dawn." in html
    assert cache_key(source, text_template()) != old_key
    assert cache.get(old_key) is not None  # still there, under a key nothing asks for
    assert old_text in cache.get(old_key) and old_text not in html


def test_two_sources_with_the_same_text_do_not_share_an_entry(db):
    world = build_world()
    first, second = world.sources[:2]
    second.text = first.text
    assert cache_key(first, text_template()) != cache_key(second, text_template())


def test_edited_question_is_shown_at_once_not_its_cached_head(client, db):
    world = build_world()
    question = world.q["rating"]
    client.force_login(world.student)
    first = client.get(world.assignment.get_absolute_url()).content.decode()
    assert "The 1936 trial" in first  # the head, enquiry included, is now cached
    question.prompt = "EDITED PROMPT: how far can we trust this source?"
    question.settings = {**question.settings, "enquiry": "EDITED ENQUIRY"}
    question.points = 7
    question.save()
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert "EDITED PROMPT: how far can we trust this source?" in html
    assert "EDITED ENQUIRY" in html
    assert "7 marks" in html


def test_any_corrected_field_of_a_source_is_shown_at_once(client, db):
    # The keys hash every field, so a field shown later (a head note, an interpretation's
    # badge, an image's alt text) needs no change to them to stay current.
    world = build_world()
    source = world.sources[0]
    client.force_login(world.student)
    first = client.get(world.assignment.get_absolute_url()).content.decode()
    assert "Historian&#x27;s interpretation" not in first
    source.head_note = "HEAD NOTE ADDED BY THE EDITOR"
    source.is_interpretation = True
    source.save()
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert "HEAD NOTE ADDED BY THE EDITOR" in html
    assert "Historian&#x27;s interpretation" in html or "Historian's interpretation" in html
