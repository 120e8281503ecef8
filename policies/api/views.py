"""API view of the policy documents: the table's queryset and filters."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from shdt.core.api.schema import parameter
from shdt.core.api.views import TableListView

from ..models import PlanPeriod
from ..tables import POLICIES
from .serializers import PolicySerializer

# The filters of PolicyFilterSet, described for API clients (a test keeps them equal).
POLICY_PARAMETERS = [
    parameter(
        "issuer",
        _("The issuing body, exactly as the documents name it; repeat it for several, meaning either."),
        ["上海市人民政府"],
        many=True,
    ),
    parameter(
        "period",
        _("Five-year-plan period: 13th (2016–2020), 14th (2021–2025) or 15th (2026–2030)."),
        "14th",
        enum=PlanPeriod.values,
    ),
    parameter("year", _("Year of publication."), 2021, type=int),
    parameter("q", _("A part of the title."), "数字贸易"),
]


@extend_schema_view(
    get=extend_schema(
        tags=["policies"],
        summary=_("List policy documents"),
        description=_("The policy documents on digital trade, oldest first, filtered as their page and downloads are."),
        parameters=POLICY_PARAMETERS,
    )
)
class PolicyListView(TableListView):
    table = POLICIES
    serializer_class = PolicySerializer
