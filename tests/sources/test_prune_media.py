"""`manage.py prune_media`: files under sources/ that no source names are listed (and, without
--dry-run, deleted); the sources' own files, recent files and held zips are left alone."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from sources.images import rendition_name
from sources.services import HELD_FOLDER

from .test_image_files import stored, visual_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(media_root):
    """A source with its files, an orphaned original, a stale rendition of the source (a
    size no longer recorded) and a held zip."""
    source = visual_source()
    orphan = default_storage.save("sources/lost.png", ContentFile(b"an image nobody names"))
    stale = default_storage.save(rendition_name(source.image.name, 960), ContentFile(b"old"))
    held = default_storage.save(f"{HELD_FOLDER}/abc.zip", ContentFile(b"PK"))
    return source, {orphan, stale}, held


def prune(*args):
    out = io.StringIO()
    call_command("prune_media", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_the_orphans_and_deletes_nothing(library, media_root):
    source, orphans, held = library
    before = stored(media_root)
    out = prune("--dry-run", "--min-age", "0")
    listed = set(out.splitlines()[:-1])
    assert listed == orphans
    assert "Dry run, nothing deleted: 2 orphaned files under sources/" in out
    assert stored(media_root) == before


def test_pruning_deletes_the_orphans_only(library, media_root):
    source, orphans, held = library
    out = prune("--min-age", "0")
    assert "Deleted 2 of 2 orphaned files" in out
    assert stored(media_root) == {
        source.image.name,
        rendition_name(source.image.name, 480),
        held,
    }
    assert "0 orphaned files" in prune("--min-age", "0")  # nothing left to find


def test_files_younger_than_the_minimum_age_are_left_alone(library, media_root):
    """An import may still be in its transaction: its files are not orphans yet."""
    before = stored(media_root)
    out = prune()
    assert "Deleted 0 of 0 orphaned files" in out
    assert "2 newer than 60 minutes left alone" in out
    assert stored(media_root) == before


def test_an_empty_media_folder_is_not_an_error(media_root):
    assert "Dry run, nothing deleted: 0 orphaned files" in prune("--dry-run")
