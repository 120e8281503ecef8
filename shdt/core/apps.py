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
        from . import signals, versioning

        signals.connect()
        versioning.connect(self)
