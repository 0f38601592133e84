"""The files of visual sources over their lives: written, replaced, deleted, rebuilt, swept.

A visual source's original is stored under `sources/` through Django's storage API (a local
folder or an S3-compatible store), with its WebP renditions beside it
(`images.rendition_name`: `sources/low-1936.png` has `sources/low-1936.480w.webp`, ...).
The database is the truth: a file under `sources/` that no source names is an orphan.

- A file is deleted only once the transaction that stopped naming it has committed
  (`transaction.on_commit`): a source deleted (in the admin, or with its unit), an image
  replaced or cleared. A rolled-back delete or replacement keeps every file.
- Nothing is deleted that a source still names. Names are unique with the local folder
  (the storage picks a free one), but a storage that overwrites (django-storages' S3 with
  `AWS_S3_FILE_OVERWRITE` on) may give two sources one name.
- A block that writes images and fails (a pack import half-way, an admin save) removes the
  files it wrote (`removed_on_failure`): no committed row will ever name them.
- `rebuild_renditions` makes a source's renditions again from its original (the command of
  the same name); `orphaned_files` finds what no source names (`prune_media`).
"""

import contextlib
import logging
import posixpath
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone
from PIL import Image

from .images import (
    RENDITION_WIDTHS,
    decode_original,
    make_renditions,
    rendition_name,
    rendition_widths,
)
from .models import Source

logger = logging.getLogger(__name__)

SOURCES_FOLDER = "sources"
# The previewed zips waiting for their confirmation: swept by services._sweep_held, not here.
HELD_FOLDER = f"{SOURCES_FOLDER}/incoming"
# A file younger than this may belong to an import or upload still in its transaction.
ORPHAN_MIN_AGE = timedelta(hours=1)

# Names of the originals written by the innermost `removed_on_failure` block, in order.
_written = ContextVar("sources_written_images", default=None)


def image_storage():
    """The storage source images are kept in (the model field's, normally the default)."""
    return Source._meta.get_field("image").storage


def file_names(image_name, widths=()):
    """The original `image_name` and every rendition it may have: the widths recorded, and
    those of the current sizes (a rebuild after the sizes changed may have left either)."""
    every = sorted({*widths, *RENDITION_WIDTHS})
    return [image_name, *(rendition_name(image_name, width) for width in every)]


def in_use(image_name):
    """Whether a source (as committed, or in the current transaction) names this image."""
    return Source.objects.filter(image=image_name).exists()


def delete_files(image_name, widths=(), storage=None):
    """Delete an image and its renditions now, unless a source names it; return how many
    files were there. A storage error is logged, not raised: an orphan is `prune_media`'s,
    while a failure here must not undo what was already committed."""
    storage = storage or image_storage()
    if not image_name or in_use(image_name):
        return 0
    deleted = 0
    for name in file_names(image_name, widths):
        try:
            if storage.exists(name):
                storage.delete(name)
                deleted += 1
        except OSError:
            logger.warning("Could not delete %s from the media storage", name, exc_info=True)
    return deleted


def delete_when_committed(image_name, widths=(), storage=None):
    """Once the current transaction commits, delete the image `image_name` and its
    renditions (unless a source names it by then). A rollback keeps them; outside a
    transaction they go at once."""
    if not image_name:
        return
    storage = storage or image_storage()
    transaction.on_commit(lambda: delete_files(image_name, widths, storage), robust=True)


def forget_deleted_source(sender, instance, **kwargs):
    """post_delete of a Source (the admin's delete, a bulk delete, its unit's cascade):
    its files go when the delete commits."""
    if instance.image:
        delete_when_committed(instance.image.name, instance.renditions, instance.image.storage)


def note_written(image_name):
    """Tell the enclosing `removed_on_failure` block (if any) that `image_name` was written.
    Only names under `sources/` are taken: a name not stored yet (an upload's own) is not."""
    names = _written.get()
    if names is not None and image_name and image_name.startswith(f"{SOURCES_FOLDER}/"):
        names[image_name] = None


class removed_on_failure:  # noqa: N801 (used as a context manager, like transaction.atomic)
    """Around a block that writes images inside its own transaction (put this outside the
    `transaction.atomic`): if the block raises, the images it wrote (`note_written`) and their
    renditions are deleted, since the rollback left no row naming them. A name a source
    still names is kept, and so is everything if the database cannot say (an orphan is
    safer than a lost image). A block inside another hands what it wrote to the outer one
    when it succeeds, so that the outer block's failure removes it too."""

    def __enter__(self):
        self.names = {}
        self.parent = _written.get()
        self.token = _written.set(self.names)
        return self

    def __exit__(self, exc_type, exc, traceback):
        _written.reset(self.token)
        if exc_type is None:
            if self.parent is not None:
                self.parent.update(self.names)
            return False
        for name in self.names:
            try:
                delete_files(name)
            except DatabaseError:
                logger.warning("Kept %s after a failed write: the database did not answer", name)
        return False


# Rebuilding renditions -------------------------------------------------------------------


class RenditionError(Exception):
    """A source's renditions cannot be made: its original is missing or unreadable. The
    message says which file and why, for the person running the command."""


@dataclass
class Rebuild:
    """What rebuilding one source's renditions did (or, in a dry run, would do)."""

    source: Source
    widths: list[int]  # the renditions written
    stale: list[int] = field(default_factory=list)  # recorded widths no longer made: removed


def read_original(source):
    """The decoded original of a visual source, or RenditionError saying what is wrong."""
    name, storage = source.image.name, source.image.storage
    try:
        if not storage.exists(name):
            raise RenditionError(f"the original {name} is missing from the media storage")
        with storage.open(name, "rb") as stored:
            data = stored.read()
    except OSError as error:
        raise RenditionError(f"the original {name} cannot be read: {error}") from None
    try:
        return decode_original(data)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise RenditionError(
            f"the original {name} is not an image that can be read (damaged or replaced?)"
        ) from None


def rebuild_renditions(source, dry_run=False):
    """Make a visual source's renditions again from its original, in today's sizes, and
    remove those of sizes no longer made; return a `Rebuild`. Running it twice gives the
    same files. With `dry_run`, the original is read and nothing is written.

    Raises RenditionError for a missing or unreadable original (nothing is changed then),
    or if the source's image was replaced or deleted meanwhile (what was written is removed).
    """
    image = read_original(source)
    widths = rendition_widths(image.width)
    stale = sorted(set(source.renditions) - set(widths))
    if dry_run:
        return Rebuild(source, widths, stale)
    name, storage = source.image.name, source.image.storage
    make_renditions(name, storage, image=image)
    if not Source.objects.filter(pk=source.pk, image=name).update(renditions=widths):
        delete_files(name, widths, storage)  # unless another source names it
        raise RenditionError(f"{name} was replaced or deleted while its renditions were made")
    for width in stale:
        storage.delete(rendition_name(name, width))
    source.renditions = widths
    return Rebuild(source, widths, stale)


# Orphans ---------------------------------------------------------------------------------


@dataclass
class Orphans:
    """Files under `sources/` that no source names, and those too recent to judge."""

    files: list[str] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)
    size: int = 0  # bytes of `files`, as far as the storage says


def orphaned_files(storage=None, min_age=ORPHAN_MIN_AGE):
    """Walk `sources/` in the storage (not the held zips of `sources/incoming/`) and return
    the `Orphans`: files that are neither a source's image nor one of its recorded
    renditions. Files younger than `min_age` (or of unknown age) are listed as `recent`: an
    import or upload may still be in its transaction."""
    storage = storage or image_storage()
    known = _named_files()
    orphans = Orphans()
    cutoff = timezone.now() - min_age
    for name in _walk(storage, SOURCES_FOLDER):
        if name in known:
            continue
        try:
            old = not min_age or storage.get_modified_time(name) < cutoff
        except (OSError, NotImplementedError):
            old = False
        if not old:
            orphans.recent.append(name)
            continue
        orphans.files.append(name)
        with contextlib.suppress(OSError, NotImplementedError):
            orphans.size += storage.size(name)
    return orphans


def _walk(storage, folder):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for sub in sorted(folders):
        path = posixpath.join(folder, sub)
        if path != HELD_FOLDER:
            yield from _walk(storage, path)


def delete_orphans(names, storage=None):
    """Delete the orphans `orphaned_files` found, each checked again against the database
    (a source may have come to name it since); return how many were deleted."""
    storage = storage or image_storage()
    known = _named_files()
    deleted = 0
    for name in names:
        if name in known:
            continue
        try:
            storage.delete(name)
            deleted += 1
        except OSError:
            logger.warning("Could not delete %s from the media storage", name, exc_info=True)
    return deleted


def _named_files():
    """Every file name the sources name: their images and their recorded renditions."""
    known = set()
    for name, widths in Source.objects.exclude(image="").values_list("image", "renditions"):
        known.add(name)
        known.update(rendition_name(name, width) for width in widths or [])
    return known
