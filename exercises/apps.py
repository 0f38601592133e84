from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate, post_save, pre_save


def create_cache_table(using, **kwargs):
    # The "shared" database cache (purgeclass/throttle.py) needs its table: made by
    # `migrate`, so no deployment step can forget it.
    call_command("createcachetable", database=using, verbosity=0)


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Classes and exercises"

    def ready(self):
        from sources.models import Source

        from .kinds.checks import check_kinds
        from .services.reanchoring import reanchor_after_correction, remember_source_text

        # A registered question kind lacking a part stops start-up (kinds/checks.py).
        checks.register(check_kinds)

        # Highlight answers are character ranges of a source's text: when staff correct
        # the text, the ranges are moved to the same words (or flagged as lost).
        pre_save.connect(remember_source_text, sender=Source, dispatch_uid="reanchor-pre")
        post_save.connect(reanchor_after_correction, sender=Source, dispatch_uid="reanchor-post")
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="cache-table")
