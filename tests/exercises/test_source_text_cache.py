"""The assignment page's source cards and texts come from a cache keyed by their own
version, so a corrected source is shown at once on every app server, however warm its cache."""

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import escape

from exercises.templatetags.source_texts import (
    CARD_TEMPLATE,
    TEXT_TEMPLATE,
    cache_key,
    card_key,
)
from exercises.templatetags.source_texts import reading_pane_key as pane_key
from sources.models import Source
from tests import factories

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
    # What the cache holds under this version is what the page shows, once the pane that
    # holds the card is rendered again.
    cache.set(reading_pane_key(source), cached.replace("<p ", '<p data-from-cache="1" '))
    cache.delete(pane_key(world.assignment, world.sources))
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


# The reading pane: one cache entry for all its cards ----------------------------------------


def reading_pane(html):
    """The reading pane's HTML: from its heading to the end of the page's sources."""
    return html[
        html.index('id="sources-heading"') : html.index("</section>", html.index('id="sources"'))
    ]


def test_reading_pane_is_served_from_one_cache_entry(client, db):
    world = build_world()
    client.force_login(world.student)
    client.get(world.assignment.get_absolute_url())
    key = pane_key(world.assignment, world.sources)
    cached = cache.get(key)
    assert cached is not None and cached.count('class="source-card') == len(world.sources)
    cache.set(key, cached.replace("<article ", '<article data-pane-from-cache="1" ', 1))
    html = client.get(world.assignment.get_absolute_url()).content.decode()
    assert 'data-pane-from-cache="1"' in reading_pane(html)


def test_corrected_source_is_shown_at_once_in_the_reading_pane_not_the_cached_pane(client, db):
    # Sources 3 on are on the reading list only: no question's head shows them.
    world = build_world(source_count=4)
    source = world.sources[3]
    client.force_login(world.student)
    first = reading_pane(client.get(world.assignment.get_absolute_url()).content.decode())
    assert "Source text 3." in first
    old_key = pane_key(world.assignment, world.sources)
    assert cache.get(old_key) is not None  # the old pane stays cached, under its own key
    source.text = "Corrected transcription: the verdict was read out at dawn."
    source.number = 41
    source.context_note = "Corrected note: published on the trial's second day."
    source.save()
    source.author.description = "Corrected: Moscow correspondent of The New York Times."
    source.author.save()
    pane = reading_pane(client.get(world.assignment.get_absolute_url()).content.decode())
    assert "Corrected transcription: the verdict was read out at dawn." in pane
    assert "Source text 3." not in pane
    assert "Source 41" in pane
    assert "Corrected note: published on the trial&#x27;s second day." in pane
    assert "Corrected: Moscow correspondent of The New York Times." in pane
    fresh = Source.objects.select_related("author").filter(pk__in=[s.pk for s in world.sources])
    by_pk = {s.pk: s for s in fresh}
    assert pane_key(world.assignment, [by_pk[s.pk] for s in world.sources]) != old_key


def test_two_sources_with_the_same_text_do_not_share_a_card_or_a_pane(client, db):
    world = build_world(source_count=4)
    first, copy = world.sources[2], world.sources[3]
    copy.text = first.text
    copy.save()
    assert reading_pane_key(first) != reading_pane_key(copy)
    client.force_login(world.student)
    pane = reading_pane(client.get(world.assignment.get_absolute_url()).content.decode())
    assert f'id="source-{first.pk}"' in pane and f'id="source-{copy.pk}"' in pane
    assert pane.count(escape(first.text.split()[0])) >= 2
    # Another assignment reading only the copy is not served the first one's pane.
    other = factories.AssignmentFactory(classroom=world.classroom)
    factories.AssignmentSourceFactory(assignment=other, source=copy)
    pane = reading_pane(client.get(other.get_absolute_url()).content.decode())
    assert f'id="source-{copy.pk}"' in pane
    assert f'id="source-{first.pk}"' not in pane
    assert pane.count('class="source-card') == 1


def test_reading_pane_is_not_served_to_another_assignment_or_a_student_with_an_accommodation(
    client, db
):
    world = build_world(source_count=3)
    client.force_login(world.student)
    client.get(world.assignment.get_absolute_url())  # this assignment's pane is now cached
    # A student with extra time and a later due date, in the same class, on an assignment
    # reading other sources, then on the first one.
    helped = factories.StudentFactory()
    enrollment = factories.EnrollmentFactory(classroom=world.classroom, student=helped)
    enrollment.extra_time_percent = 25
    enrollment.extended_due_at = world.assignment.opens_at + timezone.timedelta(days=30)
    enrollment.save()
    other = factories.AssignmentFactory(classroom=world.classroom, time_limit=None)
    elsewhere = factories.SourceFactory(text="Another unit's source, on another assignment.")
    factories.AssignmentSourceFactory(assignment=other, source=elsewhere, order=0)
    factories.AssignmentSourceFactory(assignment=other, source=world.sources[2], order=1)
    client.force_login(helped)
    pane = reading_pane(client.get(other.get_absolute_url()).content.decode())
    assert pane.count('class="source-card') == 2
    assert "Another unit&#x27;s source, on another assignment." in pane
    assert f'id="source-{world.sources[0].pk}"' not in pane
    assert pane.index(f'id="source-{elsewhere.pk}"') < pane.index(
        f'id="source-{world.sources[2].pk}"'
    )
    pane = reading_pane(client.get(world.assignment.get_absolute_url()).content.decode())
    assert pane.count('class="source-card') == len(world.sources)
    assert "Another unit&#x27;s source" not in pane
