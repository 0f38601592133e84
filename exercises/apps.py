from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using, **kwargs):
    # The "shared" database cache (purgeclass/throttle.py) needs its table: made by
    # `migrate`, so no deployment step can forget it.
    call_command("createcachetable", database=using, verbosity=0)


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Classes and exercises"

    def ready(self):
        from sources.signals import text_corrected

        from .kinds.checks import check_kinds
        from .services.reanchoring import reanchor_after_correction

        # A registered question kind lacking a part stops start-up (kinds/checks.py).
        checks.register(check_kinds)

        # Highlight answers are character ranges of a source's text: when staff correct
        # the text (the admin or a pack import says so), the ranges are moved to the same
        # words (or flagged as lost), and the editor is told how many.
        text_corrected.connect(reanchor_after_correction, dispatch_uid="reanchor-highlights")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="cache-table")
