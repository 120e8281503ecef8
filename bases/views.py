"""The public pages of the export bases."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from shdt.core.caching import VersionedResponseCacheMixin
from shdt.core.listing import Choice, Facet, RegistryListView

from .models import CATEGORY_ENGLISH, BaseDomain, ExportBase, Recognition
from .tables import EXPORT_BASES


def domain_choices():
    return [Choice(d.code, d.name, d.name_en) for d in BaseDomain.objects.all()]


def year_choices():
    years = Recognition.objects.order_by("year").values_list("year", flat=True).distinct()
    return [Choice(str(year), str(year)) for year in years]


def batch_choices():
    english = {"first": "first batch", "second": "second batch"}
    return [Choice(value, label, english[value]) for value, label in Recognition.Batch.choices]


def category_choices():
    return [Choice(value, label, CATEGORY_ENGLISH[value]) for value, label in ExportBase.Category.choices]


class ExportBaseListView(RegistryListView):
    table = EXPORT_BASES
    template_name = "bases/exportbase_list.html"
    download_url_name = "exportbase_download"
    facets = [
        Facet("domain", _("Domain"), "domain__code", domain_choices),
        Facet("category", _("Category"), "category", category_choices),
        Facet("year", _("Year recognised"), "recognitions__year", year_choices, multiple=False),
        Facet("batch", _("Batch"), "recognitions__batch", batch_choices, multiple=False),
    ]


class ExportBaseDetailView(VersionedResponseCacheMixin, DetailView):
    queryset = ExportBase.objects.public().select_related("domain", "region", "notice").prefetch_related("recognitions")
    template_name = "bases/exportbase_detail.html"
    context_object_name = "base"
