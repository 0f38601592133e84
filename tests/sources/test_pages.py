"""The student-facing unit and source pages: public, semantic, a fixed number of queries."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import AuthorFactory, SourceFactory, UnitFactory

pytestmark = pytest.mark.django_db


def unit_url(unit):
    return reverse("sources:unit_detail", args=[unit.slug])


def source_url(unit, number):
    return reverse("sources:source_detail", args=[unit.slug, number])


def unit_with_sources(count):
    unit = UnitFactory()
    for number in range(1, count + 1):
        SourceFactory(unit=unit, number=number)
    return unit


def test_unit_list_shows_units_with_their_source_counts(client, great_purge):
    response = client.get(reverse("sources:unit_list"))
    assert response.status_code == 200
    assert "The Great Purge" in response.text
    assert "23 sources" in response.text


def test_unit_list_is_in_title_order(client, db):
    UnitFactory(title="Collectivisation")
    UnitFactory(title="A Revolution")
    html = client.get(reverse("sources:unit_list")).text
    assert html.index("A Revolution") < html.index("Collectivisation")


def test_unit_page_is_readable_without_login(client, great_purge):
    response = client.get(unit_url(great_purge))
    assert response.status_code == 200
    assert "<h1" in response.text and "The Great Purge" in response.text


def test_unit_page_shows_the_narrative_paragraph_by_paragraph(client, great_purge):
    html = client.get(unit_url(great_purge)).text
    assert "<p>On 23rd December 1930, Isaak Illich Rubin was arrested" in html
    paragraphs = re.findall(r"<p>", html.split('id="narrative-heading"')[1].split("</section>")[0])
    assert len(paragraphs) == len(great_purge.narrative_paragraphs) > 20


def test_unit_page_lists_every_source_with_author_title_and_date(client, great_purge):
    html = client.get(unit_url(great_purge)).text
    assert html.count('class="source-list__item"') == 23
    assert 'href="/units/great-purge/sources/23/"' in html
    assert '<cite class="source-list__title">I Write As I Please</cite>' in html
    assert 'datetime="1936-08-23">23 August 1936</time>' in html


def test_unknown_unit_is_not_found(client, db):
    assert client.get("/units/no-such-unit/").status_code == 404


def test_unknown_source_number_is_not_found(client, great_purge):
    assert client.get(source_url(great_purge, 24)).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_unit_page_queries_do_not_grow_with_its_sources(
    client, django_assert_max_num_queries, count
):
    unit = unit_with_sources(count)
    with django_assert_max_num_queries(2):
        response = client.get(unit_url(unit))
    assert response.text.count('class="source-list__item"') == count


@pytest.mark.parametrize("count", [3, 30])
def test_source_page_queries_do_not_grow_with_the_units_sources(
    client, django_assert_max_num_queries, count
):
    unit = unit_with_sources(count)
    with django_assert_max_num_queries(1):
        response = client.get(source_url(unit, 2))
    assert response.status_code == 200


def test_source_page_is_readable_without_login(client, great_purge):
    response = client.get(source_url(great_purge, 5))
    assert response.status_code == 200
    assert "<article" in response.text


def test_provenance_card_shows_who_what_when_above_the_text(client, great_purge):
    html = client.get(source_url(great_purge, 20)).text
    card = html.split('<section class="provenance')[1].split("</section>")[0]
    assert "<dt>Who</dt>" in card and "William Stephenson" in card
    assert "Head of the British Secret Intelligence Service in the United States" in card
    assert "<cite>report on Reinhard Heydrich</cite>" in card
    assert '<time datetime="1937">1937</time>' in card
    assert html.index("provenance") < html.index('class="source-text"')


def test_provenance_card_of_an_unsigned_editorial(client, great_purge):
    card = client.get(source_url(great_purge, 5)).text.split('<section class="provenance')[1]
    assert "An unsigned piece in <cite>The Observer</cite>" in card
    assert '<time datetime="1936-08-23">23 August 1936</time>' in card


def test_provenance_card_shows_the_context_note(client, great_purge):
    card = client.get(source_url(great_purge, 2)).text.split('<section class="provenance')[1]
    assert "<dt>Context</dt>" in card
    assert "Alexander Orlov was a NKVD officer who escaped to the United States." in card


def test_provenance_card_says_when_a_source_is_undated(client):
    source = SourceFactory(year=None, month=None, day=None, date_printed="")
    html = client.get(source.get_absolute_url()).text
    assert "Not dated" in html


def test_source_text_is_rendered_paragraph_by_paragraph(client, great_purge):
    html = client.get(source_url(great_purge, 9)).text
    text = html.split('<div class="source-text">')[1].split("</div>")[0]
    assert text.count("<p ") == 25
    assert "1. That its much-vaunted popularity" in text


def test_poem_is_rendered_line_by_line(client, great_purge):
    html = client.get(source_url(great_purge, 12)).text
    verse = html.split('<div class="source-text source-text--verse">')[1].split("</div>")[0]
    assert verse.count('class="source-text__line"') == 16
    assert verse.count("<br>") == 15
    assert verse.count("<p>") == 1


def test_source_text_include_marks_each_paragraph_with_its_offsets_in_the_text(great_purge):
    source = great_purge.sources.get(number=8)
    html = render_to_string("sources/_source_text.html", {"source": source})
    offsets = re.findall(r'data-start="(\d+)" data-end="(\d+)">([^<]{20})', html)
    assert len(offsets) == 3
    for start, end, beginning in offsets:
        assert source.text[int(start) : int(end)].startswith(beginning)


def test_previous_and_next_links(client, great_purge):
    html = client.get(source_url(great_purge, 5)).text
    pager = html.split('aria-label="Previous and next source"')[1].split("</nav>")[0]
    assert 'rel="prev" href="/units/great-purge/sources/4/"' in pager
    assert 'rel="next" href="/units/great-purge/sources/6/"' in pager


def test_first_source_has_no_previous_link_and_last_has_no_next(client, great_purge):
    first = client.get(source_url(great_purge, 1)).text
    last = client.get(source_url(great_purge, 23)).text
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_previous_and_next_skip_gaps_in_the_numbering(client):
    unit = UnitFactory()
    for number in (1, 4, 9):
        SourceFactory(unit=unit, number=number)
    html = client.get(source_url(unit, 4)).text
    assert f'href="{source_url(unit, 1)}"' in html
    assert f'href="{source_url(unit, 9)}"' in html


def test_pages_use_the_print_stylesheet_and_a_phone_viewport(client, great_purge):
    html = client.get(source_url(great_purge, 1)).text
    assert 'href="/static/css/print.css" media="print"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


def test_pages_have_no_inline_scripts_or_styles(client, great_purge):
    for url in (unit_url(great_purge), source_url(great_purge, 12)):
        html = client.get(url).text
        assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_author_names_are_escaped(client):
    source = SourceFactory(author=AuthorFactory(name="<b>Bold</b> Author"))
    html = client.get(source.get_absolute_url()).text
    assert "&lt;b&gt;Bold&lt;/b&gt; Author" in html
    assert "<b>Bold</b>" not in html
