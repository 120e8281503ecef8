"""API views of the national service-export bases: the table's queryset and filters."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from shdt.reference.api import DISTRICT_PARAMETER
from shdt.core.api.schema import parameter
from shdt.core.api.views import SlugDetailView, TableListView

from ..models import ExportBase, Recognition
from ..tables import EXPORT_BASES
from .serializers import ExportBaseSerializer

TAG = "export bases"

# The filters of ExportBaseFilterSet, described for API clients (a test keeps them equal).
EXPORT_BASE_PARAMETERS = [
    parameter(
        "domain",
        _(
            "Domain code: digital, culture, tcm, human-resources, ip, geo-information or language. "
            "Repeat it for several, meaning either."
        ),
        ["digital", "culture"],
        many=True,
    ),
    parameter(
        "category",
        _("Category code; repeat it for several, meaning either."),
        ["digital-services"],
        many=True,
        enum=ExportBase.Category.values,
    ),
    parameter("year", _("A year in which the base was recognised, as the report states it."), 2021, type=int),
    parameter(
        "batch",
        _("The batch in which the base was recognised: first (首批) or second (第二批)."),
        "first",
        enum=Recognition.Batch.values,
    ),
    DISTRICT_PARAMETER,
    parameter("q", _("A part of the base's name."), "中医药"),
]


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("List national service-export bases"),
        description=_("The national service-export bases in Shanghai, filtered as their page and downloads are."),
        parameters=EXPORT_BASE_PARAMETERS,
    )
)
class ExportBaseListView(TableListView):
    table = EXPORT_BASES
    serializer_class = ExportBaseSerializer


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("One national service-export base"),
        parameters=[
            parameter(
                "slug",
                _("The base's permalink slug: the last part of the address of its public page."),
                "shanghaizhongyiyaodaxue",
                location="path",
            )
        ],
    )
)
class ExportBaseDetailView(SlugDetailView):
    serializer_class = ExportBaseSerializer

    def get_queryset(self):
        return EXPORT_BASES.get_queryset()
