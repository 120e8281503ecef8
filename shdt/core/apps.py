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
        from django.db.models.signals import post_migrate

        from . import accounts_admin, versioning  # noqa: F401 (accounts_admin registers the user admin)
        from .models import Notice
        from .registry import register_models

        # A notice's dates and contact show on the pages of the records under it.
        register_models(Notice, edited_by_editors=False)
        # Once per migrate or flush: after the last app's, when every permission exists.
        post_migrate.connect(sync_roles_after_last_app, dispatch_uid="shdt-sync-roles")
        # …and a new data token, so that nothing cached before a restore or a load is reused.
        versioning.connect(self)


def sync_roles_after_last_app(sender, using="default", **kwargs):
    from django.apps import apps

    from .roles import sync_roles

    if sender is [app for app in apps.get_app_configs() if app.models_module][-1]:
        sync_roles(using=using)
