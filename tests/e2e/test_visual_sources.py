"""A visual source in Chromium: the image loads at a sensible size on a desktop and a phone,
links to the full image for zooming, passes axe, and prints with its alt text and caption.

The tests' app runs with DEBUG off, so it does not serve MEDIA_URL (production's proxy or
object store does: README, Production). Here the browser's requests for /media/ are answered
from MEDIA_ROOT, as that proxy would; everything else goes to the live server."""

import io
import mimetypes
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from sources.images import refresh_renditions
from tests import factories
from tests.sources.images import image_bytes

from .steps import PHONE, check_accessibility
from .test_print import print_to_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ALT = "A plain dark red rectangle, standing in for a poster in this test."


@pytest.fixture
def poster(transactional_db):
    source = factories.SourceFactory(
        text="",
        image_kind="poster",
        alt_text=ALT,
        caption="A caption printed under the poster",
        credit="Made with Pillow for the tests",
        licence="CC0 1.0",
    )
    source.image.save("poster.png", ContentFile(image_bytes(2400, 1600)), save=True)
    refresh_renditions(source)
    return source


def serve_media(page):
    """Answer /media/ from MEDIA_ROOT, as the production proxy does."""
    root = Path(settings.MEDIA_ROOT)

    def fulfil(route):
        name = route.request.url.split("/media/", 1)[1]
        path = root / name
        if not path.resolve().is_relative_to(root.resolve()) or not path.is_file():
            return route.fulfill(status=404)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)

    page.route("**/media/**", fulfil)


def loaded_image(page):
    image = page.get_by_role("img", name=ALT)
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    return image


def test_a_poster_fits_a_phone_links_to_the_full_image_and_passes_axe(
    new_context, live_server, poster
):
    for viewport, most in (({"width": 1280, "height": 800}, 1600), (PHONE, 960)):
        page = new_context(viewport=viewport).new_page()
        serve_media(page)
        page.goto(live_server.url + poster.get_absolute_url())
        image = loaded_image(page)
        box = image.bounding_box()
        assert box["width"] <= viewport["width"], "the image is wider than the screen"
        chosen = page.evaluate("img => img.currentSrc", image.element_handle())
        assert chosen.endswith(".webp") and int(chosen.rsplit(".", 2)[-2][:-1]) <= most
        full = page.get_by_role("link", name=f"Open the full image of source {poster.number}")
        assert full.get_attribute("href") == poster.image.url
        check_accessibility(page, live_server, f"a poster's page at {viewport['width']}px")
        no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
        assert page.evaluate(no_overflow), "the page scrolls sideways"


def test_a_poster_prints_with_its_image_caption_and_credit(page, live_server, poster):
    serve_media(page)
    page.goto(live_server.url + poster.get_absolute_url())
    loaded_image(page)
    page.emulate_media(media="print")
    assert page.get_by_role("img", name=ALT).is_visible()
    text, pages, pdf = print_to_pdf(page)
    assert "A caption printed under the poster" in text
    assert "Poster · Credit: Made with Pillow for the tests · Licence: CC0 1.0" in text
    assert "Open the full image" not in text  # a link is no use on paper
    images = [image for sheet in PdfReader(io.BytesIO(pdf)).pages for image in sheet.images]
    assert images, "the PDF has no image in it"
    with Image.open(io.BytesIO(images[0].data)) as printed:
        assert printed.width >= 480
