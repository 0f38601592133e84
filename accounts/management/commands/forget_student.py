from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import privacy


class Command(BaseCommand):
    help = (
        "On a student's request: --anonymise (their work and grades stay for the teacher, "
        "under a pseudonym) or --erase (nothing stays). See docs/privacy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--anonymise", action="store_true", help=privacy.ANONYMISE_REMOVES)
        mode.add_argument("--erase", action="store_true", help=privacy.ERASE_REMOVES)

    def handle(self, username, anonymise=False, erase=False, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        try:
            if anonymise:
                pseudonym = privacy.anonymise_student(user)
                self.stdout.write(
                    f"Anonymised {username}: now {pseudonym}. Kept: {privacy.ANONYMISE_KEEPS}."
                )
            else:
                privacy.erase_student(user)
                self.stdout.write(f"Erased {username} and all their work.")
        except privacy.NotAStudent as refused:
            raise CommandError(str(refused)) from None
