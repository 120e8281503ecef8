from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShdtConfig(AppConfig):
    """The project's own app: shared templates, static files, translations and commands."""

    name = "shdt"
    verbose_name = _("Registry")

    def ready(self):
        from . import signals

        signals.connect()
