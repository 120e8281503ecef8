from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasesConfig(AppConfig):
    name = "bases"
    verbose_name = _("Export bases")

    def ready(self):
        from shdt.core.registry import (
            register_models,
            register_reportable,
            register_search_source,
            register_sitemap,
            register_tables,
        )

        from .models import BaseDomain, ExportBase, Recognition
        from .search import EXPORT_BASE_SOURCE
        from .sitemaps import ExportBaseSitemap
        from .tables import EXPORT_BASES

        register_models(ExportBase, Recognition)
        register_models(BaseDomain, edited_by_editors=False)
        register_tables(EXPORT_BASES)
        register_sitemap("bases", ExportBaseSitemap)
        register_search_source(EXPORT_BASE_SOURCE)
        register_reportable("base", ExportBase)
