"""The public pages of the export bases."""

from django.views.generic import DetailView

from shdt.core.caching import VersionedResponseCacheMixin
from shdt.core.listing import RegistryListView

from .models import ExportBase
from .tables import EXPORT_BASES


class ExportBaseListView(RegistryListView):
    table = EXPORT_BASES
    template_name = "bases/exportbase_list.html"
    download_url_name = "exportbase_download"


class ExportBaseDetailView(VersionedResponseCacheMixin, DetailView):
    queryset = ExportBase.objects.public().select_related("domain", "region", "notice").prefetch_related("recognitions")
    template_name = "bases/exportbase_detail.html"
    context_object_name = "base"
