"""The policy timeline."""

from django.utils.translation import gettext_lazy as _

from shdt.core.listing import Choice, Facet, RegistryListView

from .filters import issuer_choices
from .models import PLAN_PERIOD_ENGLISH, PlanPeriod, plan_period_expression
from .tables import POLICIES


def period_choices():
    return [Choice(period.value, period.label, PLAN_PERIOD_ENGLISH[period]) for period in PlanPeriod]


class PolicyListView(RegistryListView):
    table = POLICIES
    template_name = "policies/policy_list.html"
    download_url_name = "policy_download"
    paginate_by = 200
    facets = [
        Facet("period", _("Five-year plan period"), plan_period_expression, period_choices, multiple=False),
        Facet("issuer", _("Issuer"), "issuer", lambda: [Choice(v, label) for v, label in issuer_choices()]),
    ]
