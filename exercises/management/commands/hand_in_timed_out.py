"""Hand in timed work whose clock has run out.

Timed work is also handed in lazily, when the student or a teacher next opens it; this
sweep (run from cron every few minutes, say) makes the desk's counts and exports right
even for work nobody opens.
"""

from django.core.management import BaseCommand

from exercises.services import answering


class Command(BaseCommand):
    help = "Hand in timed submissions whose time limit has passed, with what was saved."

    def handle(self, *args, **options):
        count = answering.hand_in_timed_out()
        noun = "submission" if count == 1 else "submissions"
        self.stdout.write(f"Handed in {count} timed {noun} whose time was up.")
