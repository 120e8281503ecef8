from shdt.core.tables import Table

from .filters import PolicyFilterSet
from .models import Policy
from .resources import PolicyResource

POLICIES = Table(
    name="policies",
    get_all_queryset=lambda: Policy.objects.select_related("notice").order_by("published_on", "title"),
    resource_class=PolicyResource,
    filterset_class=PolicyFilterSet,
    import_path="policies.imports.PolicyImport",
)
