"""The export-base filters, shared by the list page, its downloads and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from shdt.core.filtering import RegistryFilterSet, YearFilter, coded_filter
from shdt.reference.filters import district_filter

from .models import BaseDomain, ExportBase, Recognition


class ExportBaseFilterSet(RegistryFilterSet):
    domain = coded_filter("domain", BaseDomain, _("domain"))
    category = django_filters.MultipleChoiceFilter(choices=ExportBase.Category.choices, label=_("category"))
    year = YearFilter(field_name="recognitions__year", label=_("year recognised"), distinct=True)
    batch = django_filters.ChoiceFilter(
        field_name="recognitions__batch", choices=Recognition.Batch.choices, label=_("batch"), distinct=True
    )
    district = district_filter()
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("search"))

    class Meta:
        model = ExportBase
        fields = []
