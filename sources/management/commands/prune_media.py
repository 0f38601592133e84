"""List (and delete) files under the media storage's sources/ folder that no source names."""

from datetime import timedelta

from django.core.management import BaseCommand

from sources.files import ORPHAN_MIN_AGE, delete_orphans, orphaned_files


class Command(BaseCommand):
    help = (
        "Find the files under sources/ in the media storage that no source names (neither "
        "its image nor one of its renditions): left by a crash, a restore of an older "
        "database, or a copy made by hand. Deletes them unless --dry-run. The previewed "
        "zips in sources/incoming/ are not touched (they are swept after two hours)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list the orphans, delete nothing"
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=int(ORPHAN_MIN_AGE.total_seconds() // 60),
            metavar="MINUTES",
            help="leave files younger than this: an upload may still be in its transaction "
            "(default: %(default)s)",
        )

    def handle(self, *args, dry_run=False, min_age=60, verbosity=1, **options):
        orphans = orphaned_files(min_age=timedelta(minutes=max(min_age, 0)))
        for name in orphans.files:
            if verbosity:
                self.stdout.write(name)
        size = f"{orphans.size / 1024 / 1024:.1f} MB"
        count = f"{len(orphans.files)} orphaned file{'' if len(orphans.files) == 1 else 's'}"
        if dry_run:
            summary = f"Dry run, nothing deleted: {count} under sources/ ({size})."
        else:
            deleted = delete_orphans(orphans.files)
            summary = f"Deleted {deleted} of {count} under sources/ ({size})."
        if orphans.recent:
            summary += (
                f" {len(orphans.recent)} newer than {min_age} minutes left alone (run again later)."
            )
        if verbosity:
            self.stdout.write(summary)
