from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "lti"
    verbose_name = "LMS (LTI 1.3)"

    def ready(self):
        from . import receivers  # noqa: F401  (grade passback on release)
