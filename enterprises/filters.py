"""
The enterprise filters: one definition for the list page, its downloads, export_data
and the API. The query parameters are a public contract (people bookmark them).
"""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from shdt.core.caching import reference_rows
from shdt.core.filtering import RegistryFilterSet
from shdt.core.models import PUBLIC_STATUSES
from shdt.core.text import normalize_query

from .models import AnnualList, BusinessType, CaseStudy, Enterprise, Region
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


def coded_filter(relation: str, model, label):
    """
    A repeatable filter by code (`district=pudong&district=xuhui`): several codes mean
    either. The valid codes come from the reference table, cached per data version, so
    that checking a request's codes costs no query.
    """
    return CodeFilter(model=model, relation=relation, label=label)


class CodeFilter(django_filters.MultipleChoiceFilter):
    """Filters by the foreign key's ids, looked up from the codes: no join, and an index can serve it."""

    def __init__(self, *, model, relation, **kwargs):
        self.reference_model = model
        kwargs.setdefault("choices", lambda: reference_rows(model, ("code", "name")))
        # A foreign key gives one row per record: DISTINCT would only cost time.
        kwargs.setdefault("distinct", False)
        super().__init__(field_name=relation, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ids = dict(reference_rows(self.reference_model, ("code", "pk")))
        return qs.filter(**{f"{self.field_name}__in": [ids[code] for code in value if code in ids]})


def district_filter(relation="region"):
    return coded_filter(relation, Region, _("region"))


def business_type_filter(relation="business_type"):
    return coded_filter(relation, BusinessType, _("business type"))


class YearFilter(django_filters.NumberFilter):
    """
    A year (`year=2021`): a whole number that a date can have. Anything else is refused
    as a bad value, not passed on to the database (year=0 would fail there, year=2021.5
    would match 2021).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


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
