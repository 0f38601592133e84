"""The files of visual sources are deleted when nothing names them any more, only once that
has committed, never while another source names them, and a failed write leaves none."""

import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError
from django.db.models.signals import post_delete
from django.urls import reverse

from sources.files import file_names
from sources.images import refresh_renditions
from sources.models import Source, Unit
from sources.signals import text_corrected
from tests import factories

from .images import PACK, image_bytes, zip_of

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:sources_unit_import")


@pytest.fixture
def editor(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def stored(media_root):
    """Every file under the media folder, as storage names ('sources/x.png')."""
    root = Path(media_root)
    return {
        str(Path(folder, name).relative_to(root))
        for folder, _, names in os.walk(root)
        for name in names
    }


def visual_source(**kwargs):
    """A visual source with its renditions, as the admin leaves it."""
    source = factories.SourceFactory(visual=True, **kwargs)
    refresh_renditions(source)
    return source


def files_of(source):
    return {source.image.name, *(f"{source.image.name[:-4]}.{w}w.webp" for w in source.renditions)}


# Deleting -------------------------------------------------------------------------------------


def test_deleting_a_source_in_the_admin_deletes_its_image_and_renditions_after_commit(
    editor, media_root, django_capture_on_commit_callbacks
):
    source = visual_source()
    assert source.renditions == [480] and files_of(source) <= stored(media_root)
    url = reverse("admin:sources_source_delete", args=[source.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert editor.post(url, {"post": "yes"}).status_code == 302
    assert files_of(source) <= stored(media_root)  # not before the commit
    for callback in callbacks:
        callback()
    assert not Source.objects.exists()
    assert stored(media_root) == set()


def test_deleting_sources_in_bulk_deletes_their_files(
    editor, media_root, django_capture_on_commit_callbacks
):
    sources = [visual_source(), visual_source()]
    kept = visual_source()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:sources_source_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [s.pk for s in sources],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert stored(media_root) == files_of(kept)


def test_deleting_a_unit_deletes_the_files_of_its_sources(
    editor, media_root, django_capture_on_commit_callbacks
):
    unit = factories.UnitFactory()
    visual_source(unit=unit, number=1)
    visual_source(unit=unit, number=2)
    factories.SourceFactory(unit=unit, number=3)  # a document: no files
    other = visual_source()
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("admin:sources_unit_delete", args=[unit.pk])
        response = editor.post(url, {"post": "yes"})
    assert response.status_code == 302 and not Unit.objects.filter(pk=unit.pk).exists()
    assert stored(media_root) == files_of(other)


def test_a_delete_that_is_rolled_back_keeps_every_file(
    editor, media_root, django_capture_on_commit_callbacks
):
    """The unit's sources are deleted first; the unit's own delete then fails, and the whole
    delete is rolled back: their files must still be there."""
    unit = factories.UnitFactory()
    source = visual_source(unit=unit)

    def fail(**kwargs):
        raise DatabaseError("the database went away")

    post_delete.connect(fail, sender=Unit, dispatch_uid="test-fail")
    try:
        url = reverse("admin:sources_unit_delete", args=[unit.pk])
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
        ):
            editor.post(url, {"post": "yes"})
    finally:
        post_delete.disconnect(sender=Unit, dispatch_uid="test-fail")
    assert callbacks == []
    assert Source.objects.filter(pk=source.pk).exists()
    assert files_of(source) <= stored(media_root)


def test_a_file_another_source_still_names_is_not_deleted(
    media_root, django_capture_on_commit_callbacks
):
    """A storage that overwrites (S3 with AWS_S3_FILE_OVERWRITE) can give two sources one
    name: deleting one must not take the other's image."""
    first = visual_source()
    second = factories.SourceFactory(
        image=first.image.name, image_kind="map", alt_text="The same map.", renditions=[480]
    )
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert files_of(second) <= stored(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert stored(media_root) == set()


@pytest.mark.django_db(transaction=True)
def test_a_committed_delete_removes_the_files_without_help(editor, media_root):
    """No captured callbacks here: a real transaction commits and its callback runs."""
    source = visual_source()
    url = reverse("admin:sources_source_delete", args=[source.pk])
    assert editor.post(url, {"post": "yes"}).status_code == 302
    assert stored(media_root) == set()


# Replacing and clearing -----------------------------------------------------------------------


def source_form(source, **changes):
    data = {
        "unit": source.unit.pk,
        "number": source.number,
        "header": source.header,
        "author": source.author.pk,
        "title": source.title,
        "year": source.year,
        "month": source.month,
        "day": source.day,
        "date_printed": source.date_printed,
        "context_note": "",
        "head_note": "",
        "text": source.text,
        "image_kind": source.image_kind,
        "alt_text": source.alt_text,
        "caption": "",
        "credit": "",
        "licence": "",
    }
    data.update(changes)
    return data


def test_clearing_an_image_deletes_its_files_after_commit(
    editor, media_root, django_capture_on_commit_callbacks
):
    source = visual_source()
    url = reverse("admin:sources_source_change", args=[source.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, source_form(source, **{"image-clear": "on", "image_kind": ""}))
    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.image and source.renditions == []
    assert stored(media_root) == set()


def test_a_replacement_that_fails_keeps_the_old_files_and_removes_the_new(
    editor, media_root, django_capture_on_commit_callbacks
):
    """The text is corrected with the image; what follows the correction fails, so the
    admin's transaction rolls back: the old image stays, the new one must not be left."""
    source = visual_source()
    before = stored(media_root)

    def fail(**kwargs):
        raise DatabaseError("the database went away")

    text_corrected.connect(fail, dispatch_uid="test-fail")
    try:
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
        ):
            editor.post(
                reverse("admin:sources_source_change", args=[source.pk]),
                source_form(
                    source,
                    text="A corrected transcription.",
                    image=SimpleUploadedFile("new.png", image_bytes(1000, 700)),
                ),
            )
    finally:
        text_corrected.disconnect(dispatch_uid="test-fail")
    assert callbacks == []
    source.refresh_from_db()
    assert stored(media_root) == before == files_of(source)


# A pack import that fails half-way ------------------------------------------------------------

TWO_IMAGES = PACK.replace(
    "(3) Isaac Deutscher, Stalin (1949)\nInterpretation: yes",
    "(3) Isaac Deutscher, Stalin (1949)\nImage: deutscher.png\nKind: photograph\nAlt: A grey "
    "rectangle standing in for a photograph.",
)


@pytest.fixture
def fail_at_source_3(monkeypatch):
    """The database goes away as source (3) is saved, after (2)'s image was stored."""
    real_save = Source.save

    def save(self, *args, **kwargs):
        if self.number == 3:
            raise DatabaseError("the database went away")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Source, "save", save)


def write_zip(tmp_path, files):
    path = tmp_path / "pack.zip"
    path.write_bytes(zip_of(files))
    return str(path)


def test_a_failed_import_by_the_command_removes_the_images_it_stored(
    tmp_path, media_root, fail_at_source_3
):
    archive = {"pack.txt": TWO_IMAGES, "zinoviev.png": image_bytes(1200, 900)}
    archive["deutscher.png"] = image_bytes(900, 900)
    with pytest.raises(DatabaseError):
        call_command("import_sources", write_zip(tmp_path, archive), verbosity=0)
    assert not Source.objects.exists()
    assert stored(media_root) == set()


def test_a_failed_reimport_keeps_the_images_the_sources_still_show(
    tmp_path, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    path = write_zip(tmp_path, {"pack.txt": PACK, "zinoviev.png": image_bytes(1200, 900)})
    call_command("import_sources", path, verbosity=0)
    photo = Source.objects.get(number=2)
    before = stored(media_root)
    assert before == files_of(photo)

    # Source (3)'s text is corrected, after (2)'s new image was stored.
    changed = PACK.replace("A historian's words.", "A historian's corrected words.")
    path = write_zip(tmp_path, {"pack.txt": changed, "zinoviev.png": image_bytes(1000, 600)})
    monkeypatch.setattr(
        "sources.services.announce_text_corrected",
        lambda source, old_text: (_ for _ in ()).throw(DatabaseError("gone")),
    )
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(DatabaseError),
    ):
        call_command("import_sources", path, verbosity=0)
    assert callbacks == []
    photo.refresh_from_db()
    assert stored(media_root) == before == files_of(photo)


def test_a_failed_import_on_the_admin_page_is_refused_and_leaves_no_files(
    editor, media_root, monkeypatch
):
    archive = zip_of(
        {
            "pack.txt": TWO_IMAGES,
            "zinoviev.png": image_bytes(1200, 900),
            "deutscher.png": image_bytes(900, 900),
        }
    )
    page = editor.post(IMPORT_URL, {"pack": SimpleUploadedFile("pack.zip", archive), "slug": ""})
    assert page.status_code == 200
    real_clean = Source.clean

    def clean(self):
        if self.number == 3:  # something the preview could not know
            from django.core.exceptions import ValidationError

            raise ValidationError({"alt_text": "Refused at the last moment."})
        real_clean(self)

    monkeypatch.setattr(Source, "clean", clean)
    response = editor.post(IMPORT_URL, {"payload": page.context["confirm_form"].initial["payload"]})
    assert response.status_code == 400
    assert "Refused at the last moment." in response.content.decode()
    assert not Source.objects.exists()
    images = {name for name in stored(media_root) if not name.startswith("sources/incoming/")}
    assert images == set()


def test_every_file_name_of_an_image_is_its_original_and_renditions():
    assert file_names("sources/a.png", [480]) == [
        "sources/a.png",
        "sources/a.480w.webp",
        "sources/a.960w.webp",
        "sources/a.1600w.webp",
    ]


# An original missing from the storage ---------------------------------------------------------


def test_a_source_whose_original_is_missing_can_still_be_corrected_in_the_admin(editor, media_root):
    """Django's ImageField would open the stored file to measure it again on every save:
    with the file gone that was a server error."""
    source = visual_source()
    default_storage.delete(source.image.name)
    url = reverse("admin:sources_source_change", args=[source.pk])
    response = editor.post(url, source_form(source, caption="Corrected caption"))
    assert response.status_code == 302
    assert Source.objects.get(pk=source.pk).caption == "Corrected caption"


def test_a_pack_corrects_a_source_whose_original_is_missing(tmp_path, media_root):
    path = write_zip(tmp_path, {"pack.txt": PACK, "zinoviev.png": image_bytes(1200, 900)})
    call_command("import_sources", path, verbosity=0)
    photo = Source.objects.get(number=2)
    default_storage.delete(photo.image.name)
    corrected = PACK.replace("Gregory Zinoviev", "Grigory Zinoviev")
    path = write_zip(tmp_path, {"pack.txt": corrected, "zinoviev.png": image_bytes(1200, 900)})
    call_command("import_sources", path, verbosity=0)  # the image is taken again, too
    photo = Source.objects.get(number=2)
    assert photo.caption == "Grigory Zinoviev" and default_storage.exists(photo.image.name)
    assert (photo.image_width, photo.image_height) == (1200, 900)
