"""
The enterprise filters: one definition for the list page, its downloads, export_data
and the API. The query parameters are a public contract (people bookmark them).
"""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from shdt.core.caching import reference_rows
from shdt.core.filtering import RegistryFilterSet, YearFilter, coded_filter
from shdt.core.models import PUBLIC_STATUSES
from shdt.core.text import normalize_query
from shdt.reference.filters import district_filter

from .models import AnnualList, BusinessType, CaseStudy, Enterprise
from .selectors import with_public_serial

SORT_CHOICES = [
    ("serial", _("serial number")),
    ("name", _("name")),
    ("region", _("region")),
]
# Each sort ends on the normalised name so that equal keys keep a stable order across
# pages. By serial: on the filtered list, or else newest list first, then its 序号,
# which the index enterprise_public_order serves.
BY_LIST_SERIAL = ["list_serial", "name_normalized"]
BY_PUBLIC_SERIAL = ["-public_list_year", "public_serial", "name_normalized"]


def business_type_filter(relation="business_type"):
    return coded_filter(relation, BusinessType, _("business type"))


def filter_search_text(queryset, field_name: str, value: str):
    """Keep the rows whose search text contains the query: Chinese, English or pinyin."""
    needle = normalize_query(value)
    if not needle:
        return queryset
    return queryset.filter(**{f"{field_name}__contains": needle})


class EnterpriseFilterSet(RegistryFilterSet):
    district = district_filter()
    business_type = business_type_filter()
    list = django_filters.TypedChoiceFilter(
        method="filter_list",
        choices=lambda: [(year, year) for (year,) in reference_rows(AnnualList, ("year",))],
        coerce=int,
        label=_("list"),
    )
    # `case_study=1` as the public URLs write it (a boolean widget would want "true").
    case_study = django_filters.ChoiceFilter(
        choices=[("1", _("with a case study")), ("0", _("without a case study"))],
        method="filter_case_study",
        label=_("case study"),
    )
    q = django_filters.CharFilter(method="filter_q", label=_("search"))
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label=_("sort by"), empty_label=None
    )

    class Meta:
        model = Enterprise
        fields = []

    @property
    def list_year(self) -> int | None:
        """The year of the list filtered on, if the form holds a valid one."""
        return self.cleaned("list") or None

    def filter_queryset(self, queryset):
        # Every result carries its serial, year and status on a list (the filtered one,
        # or else the latest public one), which the page, `sort=serial` and the files show.
        queryset = super().filter_queryset(queryset)
        if self.list_year is None:
            queryset = with_public_serial(queryset)
        if not self.cleaned("sort"):
            queryset = queryset.order_by(*self.serial_ordering())
        return queryset

    def serial_ordering(self) -> list:
        return BY_LIST_SERIAL if self.list_year is not None else BY_PUBLIC_SERIAL

    def filter_list(self, queryset, name, year):
        # The annotations reuse the join of the filter: the serial is the one on this list.
        entry = {"memberships__annual_list__year": year}
        if self.public:
            entry["memberships__status__in"] = PUBLIC_STATUSES
        return queryset.filter(**entry).annotate(
            list_serial=F("memberships__serial"),
            list_year=F("memberships__annual_list__year"),
            list_status=F("memberships__status"),
        )
    def filter_case_study(self, queryset, name, value):
        cases = CaseStudy.objects.filter(enterprise=OuterRef("pk"))
        has_case = Exists(cases.public() if self.public else cases)
        return queryset.filter(has_case) if value == "1" else queryset.exclude(has_case)

    def filter_q(self, queryset, name, value):
        return filter_search_text(queryset, "search_text", value)

    def filter_sort(self, queryset, name, value):
        if value == "name":
            return queryset.order_by("name_normalized")
        if value == "region":
            return queryset.order_by("region__sort_order", *self.serial_ordering())
        return queryset.order_by(*self.serial_ordering())


class CaseStudyFilterSet(RegistryFilterSet):
    """Case studies by report year (`list`, as for enterprises), region, type and `q`."""

    list = YearFilter(field_name="report_year", label=_("report year"))
    district = district_filter("enterprise__region")
    business_type = business_type_filter("enterprise__business_type")
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = CaseStudy
        fields = []

    def filter_q(self, queryset, name, value):
        return filter_search_text(queryset, "enterprise__search_text", value)
