from shdt.core.tables import Table

from .filters import ExportBaseFilterSet
from .models import ExportBase
from .resources import ExportBaseResource

EXPORT_BASES = Table(
    name="bases",
    get_all_queryset=lambda: ExportBase.objects.select_related("domain", "region", "notice").prefetch_related("recognitions"),
    resource_class=ExportBaseResource,
    filterset_class=ExportBaseFilterSet,
    import_path="bases.imports.ExportBaseImport",
)
