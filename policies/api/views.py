"""API view of the policy documents: the table's queryset and filters."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from shdt.core.api.views import TableListView

from ..tables import POLICIES
from .serializers import PolicySerializer

@extend_schema_view(
    get=extend_schema(
        tags=["policies"],
        summary=_("List policy documents"),
        description=_("The policy documents on digital trade, oldest first, filtered as their page and downloads are."),
    )
)
class PolicyListView(TableListView):
    table = POLICIES
    serializer_class = PolicySerializer
