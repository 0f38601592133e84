"""Byte budgets of the assignment page, the page a class opens at once on school
Chromebooks over a school's shared connection: its HTML, CSS and JavaScript, counted (not
timed) with every one of the Great Purge's 23 sources on the page.

A budget is broken when a size exceeds it by more than MARGIN: growth within the margin is
noise, beyond it a decision to make (and to write in docs/benchmarks.md, where
bench/frontend.py measures what the bytes cost in time on a throttled Chromium).
"""

import gzip
import re
from io import StringIO

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from exercises import demo
from exercises.models import Assignment, AssignmentSource
from sources.models import Source

MARGIN = 0.10
# Bytes, as measured on 2 December 2026 (docs/benchmarks.md: 107,795 / 240,593 / 109,441,
# gzip 23,310 / 33,533 / 31,529), rounded up. Most of the CSS and JS is Bootstrap's.
BUDGETS = {
    "html": 110_000,
    "css": 245_000,
    "js": 112_000,
    # 24,593 on a fresh database after visual sources, head notes and the workspace's
    # comments (2 Dec 2026); within a whole PostgreSQL run, where earlier tests leave ids
    # several digits longer on every input's name and id, 27,195.
    "html gzip": 25_000,
    "css gzip": 34_000,
    "js gzip": 32_000,
}
ASSETS = re.compile(r'<(?:link rel="stylesheet"|script)[^>]*?(?:href|src)="/static/([^"]+)"')


@pytest.fixture
def page_with_every_source(db, settings, client):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())
    assignment = Assignment.objects.get(
        classroom__join_code=demo.DEMO_JOIN_CODE, title=demo.ASSIGNMENT_TITLE
    )
    shown = set(assignment.assignment_sources.values_list("source_id", flat=True))
    rest = Source.objects.filter(unit__slug="great-purge").exclude(pk__in=shown)
    AssignmentSource.objects.bulk_create(
        AssignmentSource(assignment=assignment, source=source, order=len(shown) + n)
        for n, source in enumerate(rest.order_by("number"))
    )
    assert assignment.assignment_sources.count() == 23
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="student1"))
    response = client.get(assignment.get_absolute_url())
    assert response.status_code == 200
    return response.content


def sizes(html):
    found = {"html": html}
    for kind in ("css", "js"):
        found[kind] = b""
    for path in ASSETS.findall(html.decode()):
        kind = "css" if path.endswith(".css") else "js"
        with open(finders.find(path), "rb") as f:
            found[kind] += f.read()
    measured = {kind: len(data) for kind, data in found.items()}
    # What a gzip-compressing server sends (WhiteNoise for static files, at level 9).
    measured.update({f"{k} gzip": len(gzip.compress(d, compresslevel=9)) for k, d in found.items()})
    return measured


def test_assignment_page_with_all_23_sources_keeps_within_its_byte_budgets(
    page_with_every_source,
):
    assert len(set(re.findall(rb'id="source-(\d+)"', page_with_every_source))) == 23
    measured = sizes(page_with_every_source)
    over = {
        kind: f"{measured[kind]:,} bytes, budget {budget:,} (+{MARGIN:.0%} allowed)"
        for kind, budget in BUDGETS.items()
        if measured[kind] > budget * (1 + MARGIN)
    }
    assert not over, over


def test_assignment_page_is_sent_gzip_compressed_to_browsers_that_accept_it(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())
    from django.contrib.auth import get_user_model

    assignment = Assignment.objects.get(
        classroom__join_code=demo.DEMO_JOIN_CODE, title=demo.ASSIGNMENT_TITLE
    )
    client.force_login(get_user_model().objects.get(username="student1"))
    plain = client.get(assignment.get_absolute_url())
    packed = client.get(assignment.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 3
    assert b"The Moscow trials" in gzip.decompress(packed.content)
