from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from shdt.core.registry import register_models, register_search_source, register_tables

        from .models import Policy
        from .search import POLICY_SOURCE
        from .tables import POLICIES

        register_models(Policy)
        register_tables(POLICIES)
        register_search_source(POLICY_SOURCE)
