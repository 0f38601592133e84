import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.privacy import export_student


class Command(BaseCommand):
    help = "Print everything purgeclass holds about one student as JSON (docs/privacy.md)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--output", help="write to this file instead of the screen")

    def handle(self, username, output=None, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        body = json.dumps(export_student(user), indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as out:
                out.write(body + "\n")
            self.stderr.write(f"Wrote {username}'s data to {output}.")
        else:
            self.stdout.write(body)
