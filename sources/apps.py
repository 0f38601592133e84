from django.apps import AppConfig
from django.db.models.signals import post_delete


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Source library"

    def ready(self):
        # A deleted source's image and renditions go once the delete commits (sources.files).
        from .files import forget_deleted_source

        post_delete.connect(
            forget_deleted_source, sender=self.get_model("Source"), dispatch_uid="sources.files"
        )
