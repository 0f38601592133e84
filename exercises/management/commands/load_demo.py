"""Load the Great Purge unit and the demo class. Safe to run again: nothing is created twice."""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

from exercises import demo

GREAT_PURGE_PACK = Path(settings.BASE_DIR) / "sources" / "data" / "great-purge.txt"


class Command(BaseCommand):
    help = "Load the Great Purge unit, demo accounts and the demo class (idempotent)."

    def handle(self, *args, **options):
        call_command("import_sources", str(GREAT_PURGE_PACK), slug="great-purge", verbosity=0)
        accounts = demo.load()
        self.stdout.write(self.style.SUCCESS("Great Purge unit and demo classes loaded."))
        self.stdout.write(
            f"Classes: Year 12 History (demo), join code {demo.DEMO_JOIN_CODE}; "
            "Year 13 History (demo, handed in), with twelve pupils' submitted work."
        )
        self.stdout.write("Demo accounts (username / password):")
        for role, username, password in accounts:
            self.stdout.write(f"  {role:<8} {username} / {password}")
