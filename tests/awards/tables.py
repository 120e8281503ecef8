from shdt.core.tables import Table

from .filters import AwardFilterSet
from .models import Award
from .resources import AwardResource

AWARDS = Table(
    name="awards",
    get_all_queryset=lambda: Award.objects.all(),
    resource_class=AwardResource,
    filterset_class=AwardFilterSet,
    import_path="tests.awards.imports.AwardImport",
)
