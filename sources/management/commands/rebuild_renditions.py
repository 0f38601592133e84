"""Make every visual source's renditions again from its original (sources.files)."""

from django.core.management import BaseCommand, CommandError

from sources.files import RenditionError, rebuild_renditions
from sources.models import Source, Unit


class Command(BaseCommand):
    help = (
        "Make the WebP renditions of every visual source again from its original, in the "
        "sizes the code makes today (e.g. after the sizes changed or the media moved), and "
        "remove those of sizes no longer made. Safe to run again. Exits non-zero if any "
        "source's original is missing or unreadable."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", metavar="SLUG", help="only this unit's sources")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="read every original and say what would be written, writing nothing",
        )

    def handle(self, *args, unit=None, dry_run=False, verbosity=1, **options):
        sources = Source.objects.exclude(image="").select_related("unit").order_by("unit", "number")
        if unit is not None:
            if not Unit.objects.filter(slug=unit).exists():
                raise CommandError(f"--unit {unit!r}: no unit has that web address (slug).")
            sources = sources.filter(unit__slug=unit)

        rebuilt = written = stale = 0
        failed = []
        for source in sources.iterator(chunk_size=200):
            where = f'Source ({source.number}) of "{source.unit.slug}"'
            try:
                result = rebuild_renditions(source, dry_run=dry_run)
            except RenditionError as error:
                failed.append(source)
                self.stderr.write(f"{where}: {error}.")
                continue
            rebuilt += 1
            written += len(result.widths)
            stale += len(result.stale)
            if verbosity > 1:
                widths = ", ".join(f"{w}w" for w in result.widths) or "none (a small original)"
                self.stdout.write(f"{where}: {widths}")

        verb = "Would rebuild" if dry_run else "Rebuilt"
        writes = "to write" if dry_run else "written"
        removes = "to remove" if dry_run else "removed"
        summary = (
            f"{'Dry run, nothing written. ' if dry_run else ''}{verb} the renditions of "
            f"{_count(rebuilt, 'visual source')}: {_count(written, 'rendition')} {writes}, "
            f"{_count(stale, 'stale rendition')} {removes}; {len(failed)} failed."
        )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(summary) if not failed else summary)
        if failed:
            raise CommandError(
                f"{_count(len(failed), 'visual source')} could not be rebuilt (listed above): "
                "upload the image again in the admin, or restore it from a backup."
            )


def _count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"
