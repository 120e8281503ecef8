from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self):
        from shdt.core.registry import (
            register_feed_source,
            register_models,
            register_reportable,
            register_search_source,
            register_sitemap,
            register_tables,
            register_workbench_source,
        )

        from . import signals
        from .feed import edition_feed_entries
        from .models import AnnualList, BusinessType, CaseStudy, Enterprise, ListEdition, ListMembership, PendingChange
        from .search import CASE_STUDY_SOURCE, ENTERPRISE_SOURCE
        from .sitemaps import EnterpriseSitemap, ListEditionSitemap
        from .tables import CASE_STUDIES, ENTERPRISES
        from .workbench import workbench_entries

        # An enterprise's own fields: editors propose changes to a public one, reviewers
        # decide them and may change it directly (enterprises.review).
        register_models(Enterprise, changed_by_reviewers=True)
        register_models(AnnualList, ListMembership, CaseStudy)
        # Reference data, and the editions a reviewer publishes: editors only read them.
        register_models(BusinessType, edited_by_editors=False)
        register_models(ListEdition, edited_by_editors=False, added_by_reviewers=True)
        # Changes to public enterprises waiting for review: every role reads them; editors
        # make them through the enterprise's write paths, reviewers decide (services).
        register_models(PendingChange, edited_by_editors=False)
        register_tables(ENTERPRISES, CASE_STUDIES)
        register_feed_source(edition_feed_entries)
        register_sitemap("enterprises", EnterpriseSitemap)
        register_sitemap("editions", ListEditionSitemap)
        register_workbench_source(workbench_entries)
        register_search_source(ENTERPRISE_SOURCE)
        register_search_source(CASE_STUDY_SOURCE)
        # A visitor may report an error on an enterprise's page (/report-error/enterprise/<slug>/).
        register_reportable("enterprise", Enterprise)
        signals.connect(self)
