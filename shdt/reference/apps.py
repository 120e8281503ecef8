from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """Reference data every record app may use (regions); it imports no record app."""

    name = "shdt.reference"
    label = "reference"
    verbose_name = _("Reference data")

    def ready(self):
        from shdt.core.registry import register_models

        from .models import Region

        register_models(Region, edited_by_editors=False)
