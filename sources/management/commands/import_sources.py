"""Import a source pack (see sources.packs for the layout) into the source library."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.core.validators import validate_slug

from sources.packs import ArchiveError, PackError, is_zip, read_archive
from sources.services import import_pack, plan_import

MAX_PACK_BYTES = 50 * 1024 * 1024  # a zip of a pack and its images
MAX_TEXT_PACK_BYTES = 2 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a source pack: a unit's title, narrative and numbered sources. Importing the "
        "same pack again updates the unit and its sources in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="the pack: a UTF-8 text file, or a .zip of it and the images it names"
        )
        parser.add_argument("--slug", help="the unit's web address (default: from its title)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the pack and say what would change"
        )

    def handle(self, *args, path, slug=None, dry_run=False, verbosity=1, **options):
        self.verbosity = verbosity
        if slug is not None:
            try:
                validate_slug(slug)
            except ValidationError as error:
                raise CommandError(f"--slug {slug!r}: {' '.join(error.messages)}") from None
        data, images = self._read(Path(path)), None
        try:
            if is_zip(data):
                archive = read_archive(data)
                data, images = archive.text, archive.files
            elif len(data) > MAX_TEXT_PACK_BYTES:
                kb = MAX_TEXT_PACK_BYTES // 1024
                raise CommandError(f"{path}: larger than {kb} KB; not a pack?")
            if dry_run:
                self._describe(plan_import(data, slug, images=images))
            else:
                result = import_pack(data, slug, images=images)
                if verbosity:
                    self.stdout.write(self.style.SUCCESS(f"Imported {result.summary()}"))
                    for report in result.correction_reports():
                        self.stdout.write(report)
        except (PackError, ArchiveError) as error:
            raise CommandError(f"{path}: {error}") from None

    def _read(self, path):
        try:
            if path.stat().st_size > MAX_PACK_BYTES:
                raise CommandError(f"{path}: larger than {MAX_PACK_BYTES // 2**20} MB; not a pack?")
            return path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{path}: is a folder, not a pack") from None
        except PermissionError:
            raise CommandError(f"{path}: cannot be read (permission denied)") from None

    def _describe(self, plan):
        if plan.creates_unit:
            unit = "would create a new unit"
        elif plan.unit_changes:
            unit = f"would update the unit ({', '.join(plan.unit_changes)})"
        else:
            unit = "the unit exists and is unchanged"
        self.stdout.write(f'Dry run, nothing written. "{plan.pack.title}" ({plan.slug}): {unit}.')
        self.stdout.write(
            f"Sources: {plan.created} to create, {plan.updated} to update, "
            f"{plan.unchanged} unchanged; {len(plan.new_authors)} new authors."
        )
        if self.verbosity > 1:
            for planned in plan.sources:
                detail = f" ({', '.join(planned.changes)})" if planned.changes else ""
                self.stdout.write(
                    f"  ({planned.number}) {planned.action}{detail}: {planned.parsed.header_text}"
                )
        if plan.kept:
            numbers = ", ".join(f"({n})" for n in plan.kept)
            self.stdout.write(f"Not in the pack, would be left as they are: {numbers}.")
