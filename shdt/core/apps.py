from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The registry's framework: the machinery every record app shares.

    The label stays "shdt" so that the tables, content types, permissions, migrations and
    admin URLs made before the framework moved into `shdt/core/` keep their names.
    """

    name = "shdt.core"
    label = "shdt"
    verbose_name = _("Registry")

    def ready(self):
        from .models import Notice
        from .registry import register_models

        # A notice's dates and contact show on the pages of the records under it.
        register_models(Notice, edited_by_editors=False)
