"""Visual sources, historians' interpretations and head notes: uploaded in the admin,
imported in a pack's zip, shown with alt text and renditions, refused clearly when hostile."""

import os
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from sources.images import MAX_IMAGE_BYTES, rendition_name
from sources.models import Source
from sources.packs import MAX_ARCHIVE_MEMBERS
from sources.services import HELD_FOLDER
from tests import factories

from .images import PACK, image_bytes, png_claiming, zip_of

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:sources_source_add")
IMPORT_URL = reverse("admin:sources_unit_import")


@pytest.fixture
def editor(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def source_form(unit, image=None, **changes):
    data = {
        "unit": unit.pk,
        "number": 1,
        "header": "The Socialist Appeal (18th December, 1937)",
        "title": "",
        "year": "",
        "month": "",
        "day": "",
        "date_printed": "",
        "context_note": "",
        "head_note": "",
        "text": "",
        "image_kind": "photograph",
        "alt_text": "A plain dark red rectangle, standing in for a photograph.",
        "caption": "Gregory Zinoviev",
        "credit": "Made with Pillow for the tests",
        "licence": "CC0 1.0",
    }
    if image is not None:
        data["image"] = image
    data.update(changes)
    return data


def upload(content, name="zinoviev.png"):
    return SimpleUploadedFile(name, content)


def errors_of(response):
    return " ".join(
        str(message)
        for error in response.context["adminform"].form.errors.values()
        for message in error
    )


# Uploading in the admin ----------------------------------------------------------------


def test_an_uploaded_image_is_kept_with_its_renditions(editor):
    unit = factories.UnitFactory()
    response = editor.post(ADD_URL, source_form(unit, upload(image_bytes(2000, 1200))))
    assert response.status_code == 302, errors_of(response)
    source = Source.objects.get()
    assert (source.image_width, source.image_height) == (2000, 1200)
    assert source.renditions == [480, 960, 1600]
    for width in source.renditions:
        assert default_storage.exists(rendition_name(source.image.name, width))
    assert source.image.name.endswith(".png")


def test_an_image_narrower_than_the_smallest_rendition_is_shown_as_it_is(editor):
    unit = factories.UnitFactory()
    editor.post(ADD_URL, source_form(unit, upload(image_bytes(400, 300))))
    source = Source.objects.get()
    assert source.renditions == []
    assert source.display_url == source.image.url


def test_an_image_saved_under_a_false_extension_is_stored_as_what_it_is(editor):
    unit = factories.UnitFactory()
    jpeg = image_bytes(800, 600, format="JPEG")
    editor.post(ADD_URL, source_form(unit, upload(jpeg, name="poster.png")))
    assert Source.objects.get().image.name.endswith("poster.jpg")


@pytest.mark.parametrize(
    "content, name, message",
    [
        (image_bytes(800, 600, format="BMP"), "map.bmp", "not an image the library takes"),
        (b"%PDF-1.4 a document, not an image", "cartoon.png", "not an image the library takes"),
        (b"\x00" * 4096, "nul.png", "not an image the library takes"),
        (os.urandom(4096), "noise.jpg", "not an image the library takes"),
        (image_bytes(800, 600)[:300], "cut.png", "damaged or incomplete"),
        (png_claiming(60_000, 60_000), "bomb.png", "pixels"),
        (png_claiming(9000, 9000), "huge.png", "more than the library takes"),
        (image_bytes(30, 30), "tiny.png", "too small to read"),
    ],
    ids=["bmp", "pdf", "nul-bytes", "garbage", "truncated", "bomb", "too-many-pixels", "tiny"],
)
def test_a_file_that_is_not_a_sensible_image_is_refused_with_a_reason(
    editor, content, name, message
):
    unit = factories.UnitFactory()
    response = editor.post(ADD_URL, source_form(unit, upload(content, name)))
    assert response.status_code == 200
    assert message in errors_of(response) or message in response.content.decode()
    assert not Source.objects.exists()


def test_an_image_larger_than_the_limit_is_refused_before_it_is_read(editor):
    unit = factories.UnitFactory()
    too_big = b"\xff\xd8\xff" + b"\x00" * MAX_IMAGE_BYTES
    response = editor.post(ADD_URL, source_form(unit, upload(too_big, "scan.jpg")))
    assert response.status_code == 200
    assert "larger than 10 MB" in errors_of(response)
    assert not Source.objects.exists()


def test_an_image_needs_its_alt_text(editor):
    unit = factories.UnitFactory()
    form = source_form(unit, upload(image_bytes(800, 600)), alt_text="  ")
    response = editor.post(ADD_URL, form)
    assert "An image needs its alt text" in errors_of(response)
    assert not Source.objects.exists()


def test_a_source_needs_a_text_or_an_image(editor):
    unit = factories.UnitFactory()
    response = editor.post(ADD_URL, source_form(unit))
    assert "A source needs its text, or an image." in errors_of(response)


def test_replacing_an_image_removes_the_old_files(editor, django_capture_on_commit_callbacks):
    unit = factories.UnitFactory()
    editor.post(ADD_URL, source_form(unit, upload(image_bytes(1000, 800), "first.png")))
    source = Source.objects.get()
    old = [source.image.name, *(rendition_name(source.image.name, w) for w in source.renditions)]
    url = reverse("admin:sources_source_change", args=[source.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, source_form(unit, upload(image_bytes(700, 500), "second.png")))
    assert response.status_code == 302, errors_of(response)
    source.refresh_from_db()
    assert source.image.name.endswith("second.png") and source.renditions == [480]
    assert not any(default_storage.exists(name) for name in old)


# Showing it ------------------------------------------------------------------------------


@pytest.fixture
def cartoon(editor):
    unit = factories.UnitFactory(slug="cartoons")
    form = source_form(
        unit, upload(image_bytes(2000, 1200)), image_kind="cartoon", text="Words in the image."
    )
    assert editor.post(ADD_URL, form).status_code == 302
    return Source.objects.get()


def test_the_source_page_shows_the_image_with_its_alt_text_renditions_and_credit(client, cartoon):
    html = client.get(cartoon.get_absolute_url()).content.decode()
    (img,) = re.findall(r"<img [^>]*>", html)
    assert 'alt="A plain dark red rectangle, standing in for a photograph."' in img
    srcset = re.search(r'srcset="([^"]*)"', img)[1]
    assert [part.split()[-1] for part in srcset.split(", ")] == ["480w", "960w", "1600w", "2000w"]
    assert f'src="{cartoon.display_url}"' in img and ".960w.webp" in cartoon.display_url
    assert 'width="2000" height="1200"' in img
    assert f'<a href="{cartoon.image.url}">Open the full image' in html
    assert "Cartoon · Credit: Made with Pillow for the tests · Licence: CC0 1.0" in html
    assert "<figcaption" in html and "Gregory Zinoviev" in html
    assert "Words in the image." in html  # the transcription


def test_the_rendition_files_are_webp_of_their_width(cartoon):
    from PIL import Image

    for width in cartoon.renditions:
        name = rendition_name(cartoon.image.name, width)
        with default_storage.open(name) as stored, Image.open(stored) as image:
            assert image.format == "WEBP" and image.width == width


def test_nothing_on_the_page_stops_pinch_zoom(client, cartoon):
    html = client.get(cartoon.get_absolute_url()).content.decode()
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', html)[1]
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport


def test_the_source_list_says_which_sources_are_images(client, cartoon):
    html = client.get(cartoon.unit.get_absolute_url()).content.decode()
    assert '<span class="badge text-bg-secondary">Cartoon</span>' in html


def test_media_urls_are_not_served_by_the_app_in_production(client, cartoon):
    """With DEBUG off (the tests' setting) the proxy or object store serves MEDIA_URL."""
    assert client.get(cartoon.image.url).status_code == 404


# Interpretations and head notes ------------------------------------------------------------


def test_an_interpretation_is_badged_on_its_card_and_in_the_source_picker(client, editor):
    source = factories.SourceFactory(
        is_interpretation=True, head_note="Wrote as a historian, with hindsight."
    )
    html = client.get(source.get_absolute_url()).content.decode()
    assert "Historian's interpretation</span>" in html
    assert "About this source:</span> Wrote as a historian, with hindsight." in html
    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "exercises",
            "model_name": "assignmentsource",
            "field_name": "source",
            "term": str(source.number),
        },
    )
    (option,) = response.json()["results"]
    assert option["text"].endswith("[historian's interpretation]")


def test_the_shipped_pack_marks_the_historians_and_carries_head_notes(client, great_purge):
    deutscher, taylor = great_purge.sources.get(number=16), great_purge.sources.get(number=23)
    assert deutscher.is_interpretation and taylor.is_interpretation
    interpretations = great_purge.sources.filter(is_interpretation=True)
    assert set(interpretations.values_list("number", flat=True)) == {16, 23}
    duranty = great_purge.sources.get(number=10)
    assert "Moscow correspondent (Pulitzer Prize 1932)" in duranty.head_note
    assert great_purge.sources.get(number=12).head_note == ""  # the seed says nothing more
    html = client.get(deutscher.get_absolute_url()).content.decode()
    assert "Historian's interpretation" in html and deutscher.head_note in html


# A pack's zip ------------------------------------------------------------------------------


def preview(client, content, name="pack.zip"):
    return client.post(IMPORT_URL, {"pack": SimpleUploadedFile(name, content), "slug": ""})


def import_zip(client, content):
    response = preview(client, content)
    assert response.status_code == 200, response.content.decode()[-2000:]
    payload = response.context["confirm_form"].initial["payload"]
    return client.post(IMPORT_URL, {"payload": payload})


def test_a_zip_of_a_pack_and_its_image_imports_the_image(editor):
    archive = zip_of({"pack.txt": PACK, "zinoviev.png": image_bytes(1200, 900)})
    page = preview(editor, archive)
    assert "image: zinoviev.png" in page.content.decode()
    assert "(historian's interpretation)" in page.content.decode()
    assert editor.post(IMPORT_URL, {"payload": page.context["confirm_form"].initial["payload"]})
    photo = Source.objects.get(number=2)
    assert photo.image_kind == "photograph" and photo.renditions == [480, 960]
    assert photo.alt_text.startswith("A plain dark red rectangle")
    assert photo.credit == "Made with Pillow for the tests" and photo.licence == "CC0 1.0"
    assert photo.text == "" and photo.head_note.startswith("The narrative prints")
    assert Source.objects.get(number=3).is_interpretation
    assert default_storage.listdir(HELD_FOLDER)[1] == []  # the held zip is gone


def test_importing_the_same_zip_again_changes_nothing(editor):
    archive = zip_of({"pack.txt": PACK, "zinoviev.png": image_bytes(1200, 900)})
    import_zip(editor, archive)
    name = Source.objects.get(number=2).image.name
    page = preview(editor, archive)
    assert page.context["plan"].unchanged == 3
    import_zip(editor, archive)
    assert Source.objects.get(number=2).image.name == name


@pytest.mark.parametrize(
    "files, message",
    [
        ({"pack.txt": PACK}, 'names the image "zinoviev.png", which is not in the zip'),
        (
            {"pack.txt": PACK, "zinoviev.png": b"\x00garbage" * 100},
            'the image "zinoviev.png" is not an image the library takes',
        ),
        (
            {"pack.txt": PACK, "zinoviev.png": image_bytes(), "../x.png": image_bytes()},
            "sit at its top level",
        ),
        ({"pack/pack.txt": PACK, "zinoviev.png": image_bytes()}, "sit at its top level"),
        ({"zinoviev.png": image_bytes()}, "exactly one .txt file"),
        ({"a.txt": PACK, "b.txt": PACK}, "exactly one .txt file"),
        (
            {"pack.txt": PACK, "zinoviev.png": b"\x00" * (5 * 1024 * 1024)},
            "(a zip bomb?)",
        ),
        (
            {"pack.txt": PACK, **{f"{n}.png": b"x" for n in range(MAX_ARCHIVE_MEMBERS)}},
            f"more than {MAX_ARCHIVE_MEMBERS}",
        ),
    ],
    ids=[
        "missing-image",
        "garbage-image",
        "dot-dot-name",
        "folder",
        "no-text",
        "two-texts",
        "zip-bomb",
        "too-many-files",
    ],
)
def test_a_bad_zip_is_refused_with_a_reason_and_nothing_written(editor, files, message):
    response = preview(editor, zip_of(files))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not Source.objects.exists()


def test_a_file_that_looks_like_a_zip_but_is_not_is_refused(editor):
    response = preview(editor, b"PK\x03\x04" + os.urandom(2000))
    assert response.status_code == 400
    assert "The zip cannot be imported" in response.content.decode()


def test_a_text_pack_naming_an_image_asks_for_the_zip(editor):
    response = preview(editor, PACK.encode(), name="pack.txt")
    assert response.status_code == 400
    assert "upload the pack as a .zip" in response.content.decode()


def test_a_stored_zip_is_refused_if_it_changed_after_the_preview(editor):
    archive = zip_of({"pack.txt": PACK, "zinoviev.png": image_bytes(1200, 900)})
    page = preview(editor, archive)
    (held,) = default_storage.listdir(HELD_FOLDER)[1]
    with default_storage.open(f"{HELD_FOLDER}/{held}", "wb") as swapped:
        swapped.write(zip_of({"pack.txt": PACK, "zinoviev.png": image_bytes(600, 600)}))
    response = editor.post(IMPORT_URL, {"payload": page.context["confirm_form"].initial["payload"]})
    assert response.status_code == 400
    assert "Upload it again" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ("Image: x.png\nAlt: words", 'has an image but no "Kind:" line'),
        ("Image: x.png\nKind: cartoon", 'has an image but no "Alt:" line'),
        ("Image: ../x.png\nKind: map\nAlt: a map", "is not an image file name"),
        ("Image: x.png\nKind: painting\nAlt: words", '"painting" is not a kind of image'),
        ("Interpretation: perhaps", '"Interpretation:" is yes or no'),
        ("Alt: one\nAlt: two", 'gives "Alt:" twice'),
    ],
)
def test_a_source_field_line_that_cannot_be_read_names_its_line(editor, fields, message):
    pack = (
        f"Title\n\nNarrative.\n\nPrimary Sources\n\n(1) Someone, Work (1936)\n{fields}\n\nText.\n"
    )
    response = preview(editor, zip_of({"pack.txt": pack, "x.png": image_bytes(600, 600)}))
    assert response.status_code == 400
    html = response.content.decode().replace("&quot;", '"')
    assert message in html and "line " in html


def test_an_unzipped_member_is_never_written_to_disk_by_name(editor, tmp_path):
    """A ../ name is refused; nothing outside the storage's folder appears either way."""
    before = set(os.listdir(tmp_path.parent))
    preview(editor, zip_of({"pack.txt": PACK, "../../escaped.png": image_bytes()}))
    assert set(os.listdir(tmp_path.parent)) == before


def test_the_command_imports_a_zip_too(tmp_path, db):
    path = tmp_path / "pack.zip"
    path.write_bytes(zip_of({"pack.txt": PACK, "zinoviev.png": image_bytes(1200, 900)}))
    call_command("import_sources", str(path), verbosity=0)
    assert Source.objects.get(number=2).renditions == [480, 960]


def test_the_command_refuses_a_bad_zip_with_its_reason(tmp_path, db):
    path = tmp_path / "pack.zip"
    path.write_bytes(zip_of({"pack.txt": PACK, "../zinoviev.png": image_bytes()}))
    with pytest.raises(CommandError, match="top level"):
        call_command("import_sources", str(path), verbosity=0)
