"""The export-base filters, shared by the list page, its downloads and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from enterprises.filters import district_filter

from .models import BaseDomain, ExportBase


class ExportBaseFilterSet(django_filters.FilterSet):
    domain = django_filters.ModelMultipleChoiceFilter(
        field_name="domain", to_field_name="code", queryset=BaseDomain.objects.all(), label=_("domain")
    )
    category = django_filters.MultipleChoiceFilter(choices=ExportBase.Category.choices, label=_("category"))
    year = django_filters.NumberFilter(field_name="recognitions__year", label=_("year recognised"), distinct=True)
    district = district_filter()
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("search"))

    class Meta:
        model = ExportBase
        fields = []
