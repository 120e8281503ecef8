"""The public pages of the export bases."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from shdt.listing import Choice, Facet, RegistryListView

from .models import CATEGORY_ENGLISH, BaseDomain, ExportBase
from .tables import EXPORT_BASES


def domain_choices():
    return [Choice(d.code, d.name, d.name_en) for d in BaseDomain.objects.all()]


def category_choices():
    return [Choice(value, label, CATEGORY_ENGLISH[value]) for value, label in ExportBase.Category.choices]


class ExportBaseListView(RegistryListView):
    table = EXPORT_BASES
    template_name = "bases/exportbase_list.html"
    download_url_name = "exportbase_download"
    facets = [
        Facet("domain", _("Domain"), "domain__code", domain_choices),
        Facet("category", _("Category"), "category", category_choices),
    ]


class ExportBaseDetailView(DetailView):
    queryset = ExportBase.objects.select_related("domain", "region").prefetch_related("recognitions")
    template_name = "bases/exportbase_detail.html"
    context_object_name = "base"
