"""Importing a source pack into the library: a unit, its numbered sources and their authors.

`plan_import` reads a pack and works out what importing it would do, without writing;
the admin's preview and `import_sources --dry-run` show that plan. `import_pack` carries it
out in one transaction: a pack is imported whole or not at all.

Importing a pack again (same unit slug) updates the unit and its sources in place, matched
by number; a source whose text changed is announced with `signals.text_corrected` (so that
answers pointing into the old text follow), and what the receivers report is in the result.

A pack with images comes as a zip (`packs.read_archive`): the images it names are checked
(`images.check_image`) while planning, so the preview already refuses a bad one. The fields
under a source's header (image, alt text, caption, credit, licence, head note,
interpretation) are taken when the pack states them and differ; a pack never clears them.

When a source's header is unchanged, only its text is taken from the pack: the author,
title, date and context note parsed from the header are what teachers correct in the admin,
and re-importing must not undo their corrections.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from .files import HELD_FOLDER, note_written, removed_on_failure
from .images import check_image, refresh_renditions, stored_name
from .models import Author, Source, Unit
from .packs import Pack, PackError, PackSource, parse_pack
from .signals import announce_text_corrected

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

HEADER_FIELDS = ("title", "year", "month", "day", "date_printed", "context_note")


@dataclass
class PlannedSource:
    """One source of the pack and what importing it does to the library."""

    parsed: PackSource
    existing: Source | None
    action: str
    changes: list[str] = field(default_factory=list)

    @property
    def number(self):
        return self.parsed.number

    @property
    def reads_header(self):
        """New, or its header changed: author, title, date and note come from the header."""
        return self.action == CREATE or "header" in self.changes


@dataclass
class ImportPlan:
    """What importing a pack would do; nothing has been written."""

    pack: Pack
    slug: str
    unit: Unit | None
    unit_changes: list[str]
    sources: list[PlannedSource]
    authors: dict  # lower-cased name -> existing Author
    new_authors: list[str]
    kept: list[int]  # numbers in the library's unit that the pack does not have
    images: dict = field(default_factory=dict)  # the zip's files by name
    checked_images: dict = field(default_factory=dict)  # name -> images.CheckedImage

    @property
    def creates_unit(self):
        return self.unit is None

    def count(self, action):
        return sum(1 for planned in self.sources if planned.action == action)

    @property
    def created(self):
        return self.count(CREATE)

    @property
    def updated(self):
        return self.count(UPDATE)

    @property
    def unchanged(self):
        return self.count(UNCHANGED)


@dataclass
class ImportResult:
    unit: Unit
    unit_created: bool
    unit_changes: list[str]
    created: int
    updated: int
    unchanged: int
    authors_created: int
    kept: list[int]
    # (number, what followed) for each source whose text was corrected, e.g.
    # (3, "12 answers re-anchored, 1 passage lost"): told to the editor.
    corrections: list[tuple[int, str]] = field(default_factory=list)

    def correction_reports(self):
        return [f"Source ({number}) corrected: {report}." for number, report in self.corrections]

    def summary(self):
        if self.unit_created:
            unit = "new unit"
        elif self.unit_changes:
            unit = f"unit updated ({', '.join(self.unit_changes)})"
        else:
            unit = "unit unchanged"
        text = (
            f'"{self.unit.title}" ({self.unit.slug}): {unit}; sources: {self.created} created, '
            f"{self.updated} updated, {self.unchanged} unchanged; "
            f"{self.authors_created} new author{'s' if self.authors_created != 1 else ''}."
        )
        if self.kept:
            text += f" Not in the pack, left as they were: {_numbers(self.kept)}."
        return text


def plan_import(data, slug=None, *, lock=False, images=None):
    """Read a pack (text or UTF-8 bytes) and plan its import; raise PackError if malformed.

    `images` are the other files of the pack's zip, by name (None for a plain text pack).
    """
    pack = parse_pack(data)
    checked = _check_images(pack, images)
    slug = slug or pack.slug
    if not slug:
        raise PackError(pack.title_line, "the title gives no web address (slug); choose one.")
    validate_slug(slug)

    units = Unit.objects.filter(slug=slug)
    unit = (units.select_for_update() if lock else units).first()
    existing = {s.number: s for s in unit.sources.select_related("author")} if unit else {}

    wanted = {planned.author.lower() for planned in pack.sources if planned.author}
    authors = {
        author.lowered: author
        for author in Author.objects.annotate(lowered=Lower("name")).filter(lowered__in=wanted)
    }
    planned_sources = [
        _plan_source(parsed, existing.get(parsed.number), authors, images)
        for parsed in pack.sources
    ]
    new_authors = {}  # lower-cased -> as first printed, in the pack's order
    for planned in planned_sources:
        name = planned.parsed.author
        if planned.reads_header and name and name.lower() not in authors:
            new_authors.setdefault(name.lower(), name)
    unit_changes = []
    if unit:
        unit_changes = [
            name
            for name, value in (("title", pack.title), ("narrative", pack.narrative))
            if getattr(unit, name) != value
        ]
    numbers = {parsed.number for parsed in pack.sources}
    return ImportPlan(
        pack=pack,
        slug=slug,
        unit=unit,
        unit_changes=unit_changes,
        sources=planned_sources,
        authors=authors,
        new_authors=list(new_authors.values()),
        kept=sorted(set(existing) - numbers),
        images=images or {},
        checked_images=checked,
    )


def _check_images(pack, images):
    """{name: CheckedImage} of the images the pack names; PackError naming the source's line
    for one that is missing or refused."""
    checked = {}
    for parsed in pack.sources:
        name = parsed.image
        if not name:
            continue
        if images is None:
            raise PackError(
                parsed.line,
                f'source ({parsed.number}) names the image "{name}": upload the pack as a .zip '
                "holding the text file and its images.",
            )
        if name not in images:
            raise PackError(
                parsed.line,
                f'source ({parsed.number}) names the image "{name}", which is not in the zip.',
            )
        try:
            checked[name] = check_image(images[name], name=f'the image "{name}"')
        except ValidationError as error:
            raise PackError(parsed.line, f"source ({parsed.number}): {error.messages[0]}") from None
    return checked


def _plan_source(parsed, source, authors, images=None):
    if source is None:
        return PlannedSource(parsed, None, CREATE)
    changes = []
    if source.text != parsed.text:
        changes.append("text")
    for name, value in parsed.fields.items():
        if name == "image":
            if not _same_image(source, (images or {}).get(value)):
                changes.append("image")
        elif getattr(source, name) != value:
            changes.append(name)
    if source.header != parsed.header_text:
        changes.append("header")
        wanted = _header_values(parsed)
        changes += [name for name in HEADER_FIELDS if getattr(source, name) != wanted[name]]
        author = authors.get(parsed.author.lower()) if parsed.author else None
        if (parsed.author and author is None) or author != source.author:
            changes.append("author")
    return PlannedSource(parsed, source, UPDATE if changes else UNCHANGED, changes)


def _header_values(parsed):
    header = parsed.header
    return {
        "title": header.title,
        "year": header.date.year,
        "month": header.date.month,
        "day": header.date.day,
        "date_printed": header.date.printed,
        "context_note": header.context_note,
    }


def _same_image(source, data):
    if not source.image or data is None:
        return False
    try:
        with source.image.storage.open(source.image.name, "rb") as stored:
            return stored.read() == data
    except OSError:  # the stored file is gone: take the pack's
        return False


def import_pack(data, slug=None, images=None):
    """Import a pack whole or not at all; return an ImportResult with the counts.

    `images` are the other files of the pack's zip, by name. Raises PackError (naming the
    line) for a malformed pack; nothing is written to the database then, and the images
    (and renditions) this import had already stored are deleted again
    (`files.removed_on_failure`). An image a source no longer shows is deleted only once
    the import commits.
    """
    with removed_on_failure(), transaction.atomic():
        return _import_pack(data, slug, images)


def _import_pack(data, slug, images):
    plan = plan_import(data, slug, lock=True, images=images)
    pack = plan.pack

    unit = plan.unit
    unit_created = unit is None
    if unit_created:
        unit = Unit.objects.create(slug=plan.slug, title=pack.title, narrative=pack.narrative)
    elif plan.unit_changes:
        unit.title, unit.narrative = pack.title, pack.narrative
        unit.save()

    authors = dict(plan.authors)
    authors_created = 0
    for planned in plan.sources:
        header = planned.parsed.header
        if not (planned.reads_header and header.author):
            continue
        key = header.author.lower()
        author = authors.get(key)
        if author is None:
            author = Author.objects.create(
                name=header.author,
                kind=Author.Kind.PUBLICATION
                if header.author_is_publication
                else Author.Kind.PERSON,
                description=header.author_description,
            )
            authors[key] = author
            authors_created += 1
        elif header.author_description and not author.description:
            author.description = header.author_description
            author.save(update_fields=["description"])

    corrections = []
    for planned in plan.sources:
        if planned.action == UNCHANGED:
            continue
        parsed = planned.parsed
        source = planned.existing or Source(unit=unit, number=parsed.number)
        old_text = source.text if planned.existing else None
        source.text = parsed.text
        if planned.reads_header:
            source.header = parsed.header_text
            source.author = authors.get(parsed.author.lower()) if parsed.author else None
            for name, value in _header_values(parsed).items():
                setattr(source, name, value)
        for name, value in parsed.fields.items():
            if name != "image":
                setattr(source, name, value)
        new_image = parsed.image and (planned.action == CREATE or "image" in planned.changes)
        previous = (source.image.name, list(source.renditions)) if new_image else None
        if new_image:
            checked = plan.checked_images[parsed.image]
            name = stored_name(parsed.image, checked)
            # Named, so that Django measures it (image_width, image_height) as it is saved.
            content = ContentFile(plan.images[parsed.image], name=name)
            source.image.save(name, content, save=False)
            note_written(source.image.name)
        try:
            source.full_clean(exclude=["unit"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise PackError(parsed.line, f"source ({parsed.number}): {_messages(error)}") from None
        source.save()
        if new_image:
            refresh_renditions(source, *previous)
        if old_text is not None:
            corrections += [
                (source.number, report) for report in announce_text_corrected(source, old_text)
            ]

    return ImportResult(
        unit=unit,
        unit_created=unit_created,
        unit_changes=plan.unit_changes,
        created=plan.created,
        updated=plan.updated,
        unchanged=plan.unchanged,
        authors_created=authors_created,
        kept=plan.kept,
        corrections=corrections,
    )


def _numbers(numbers):
    return ", ".join(f"({number})" for number in numbers)


def _messages(error):
    return " ".join(
        f"{name}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    )


# A zip between the preview and the confirmation ----------------------------------------
# The preview's confirmation form carries the pack's text signed (purgeclass.signed); a
# zip's images are too big for that, so the zip waits in storage under a random name, and
# the signed payload names it with its SHA-256: the confirmation imports exactly what was
# previewed. Abandoned ones are swept at the next upload.

HELD_FOR = timedelta(hours=2)


def hold_archive(data, storage=default_storage):
    """Keep a previewed zip until its confirmation; return (name, sha256)."""
    _sweep_held(storage)
    name = storage.save(f"{HELD_FOLDER}/{secrets.token_hex(16)}.zip", ContentFile(data))
    return name, hashlib.sha256(data).hexdigest()


def held_archive(name, digest, storage=default_storage):
    """The held zip's bytes, or None if it is gone or not the one that was previewed."""
    if not (isinstance(name, str) and name.startswith(f"{HELD_FOLDER}/") and ".." not in name):
        return None
    try:
        with storage.open(name, "rb") as held:
            data = held.read()
    except (OSError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == digest else None


def release_archive(name, storage=default_storage):
    storage.delete(name)


def _sweep_held(storage):
    try:
        _, names = storage.listdir(HELD_FOLDER)
    except (OSError, NotImplementedError):
        return
    for name in names:
        path = f"{HELD_FOLDER}/{name}"
        try:
            if timezone.now() - storage.get_modified_time(path) > HELD_FOR:
                storage.delete(path)
        except (OSError, NotImplementedError):
            continue
