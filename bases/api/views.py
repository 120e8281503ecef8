"""API views of the national service-export bases: the table's queryset and filters."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from shdt.core.api.schema import parameter
from shdt.core.api.views import SlugDetailView, TableListView

from ..tables import EXPORT_BASES
from .serializers import ExportBaseSerializer

TAG = "export bases"

@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("List national service-export bases"),
        description=_("The national service-export bases in Shanghai, filtered as their page and downloads are."),
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
