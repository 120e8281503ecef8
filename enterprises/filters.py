"""
The enterprise filters: one definition for the list page, its downloads, export_data
and the API. The query parameters are a public contract (people bookmark them).
"""

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shdt.core.caching import cached_for_token, current_token, reference_rows
from shdt.core.filtering import (
    CharFilter,
    ChoiceFilter,
    CodeFilter,
    FacetOptions,
    RegistryFilterSet,
    TypedChoiceFilter,
    YearFilter,
)
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
# which the index public_listing_order serves.
BY_LIST_SERIAL = ["list_serial", "name_normalized"]
BY_PUBLIC_SERIAL = ["-listing__list_year", "listing__serial", "name_normalized"]


def business_type_filter(relation="business_type", **kwargs):
    kwargs.setdefault(
        "help_text",
        _(
            "Business-type code: cloud, digital-services, digital-content or cross-border-ecommerce "
            "(GET /api/business-types/). Repeat it for several, meaning either."
        ),
    )
    kwargs.setdefault("example", ["digital-content", "cloud"])
    return CodeFilter(relation, BusinessType, label=_("business type"), **kwargs)


def public_list_years() -> list[int]:
    """The years of the lists with entries the public sees, newest first (cached per data version)."""

    def compute():
        years = AnnualList.objects.filter(memberships__status__in=PUBLIC_STATUSES).values_list("year", flat=True)
        return list(years.distinct().order_by("-year"))

    return cached_for_token(current_token(), ("public list years",), compute)


def list_years(*, public: bool) -> list[int]:
    """The years a `list` filter accepts: those of the lists the public sees, or for staff every list."""
    if public:
        return public_list_years()
    return [year for (year,) in reference_rows(AnnualList, ("year",))]


def list_choices():
    """The lists the public sees, as the list page offers them."""
    return [(str(year), gettext("%(year)s list") % {"year": year}) for year in public_list_years()]


def with_public_entries(queryset):
    """The enterprises with their public list entries, to group them by list."""
    return queryset.alias(
        public_entries=FilteredRelation("memberships", condition=Q(memberships__status__in=PUBLIC_STATUSES))
    )


def has_case_study():
    # The rows are public enterprises already: their public case studies are public.
    return Exists(CaseStudy.objects.filter(enterprise=OuterRef("pk"), status__in=PUBLIC_STATUSES))


CASE_STUDY_CHOICES = [("1", _("with a case study")), ("0", _("without a case study"))]


def filter_search_text(queryset, field_name: str, value: str):
    """Keep the rows whose search text contains the query: Chinese, English or pinyin."""
    needle = normalize_query(value)
    if not needle:
        return queryset
    return queryset.filter(**{f"{field_name}__contains": needle})


class EnterpriseFilterSet(RegistryFilterSet):
    # In the order a download's file name gives their values: shdt-enterprises-2022-pudong-cloud.xlsx.
    list = TypedChoiceFilter(
        method="filter_list",
        choices_for=lambda public: [(year, year) for year in list_years(public=public)],
        coerce=int,
        label=_("list"),
        help_text=_("Year of a list: only the enterprises on it, each with its serial on that list."),
        example=2022,
    )
    district = district_filter()
    business_type = business_type_filter()
    # `case_study=1` as the public URLs write it (a boolean widget would want "true").
    case_study = ChoiceFilter(
        choices=CASE_STUDY_CHOICES,
        method="filter_case_study",
        label=_("case study"),
        help_text=_("1: only enterprises with a case study; 0: only those without."),
        example="1",
    )
    q = CharFilter(
        method="filter_q",
        label=_("search"),
        help_text=_(
            "Search the names: a part of the Chinese name in full- or half-width characters, an alias, "
            "the English name, or the name's pinyin in full or as initials (ximalaya, xmly)."
        ),
        example="ximalaya",
    )
    sort = ChoiceFilter(
        choices=SORT_CHOICES,
        method="filter_sort",
        label=_("sort by"),
        empty_label=None,
        help_text=_(
            "Order of the rows: serial (the default: newest list first, then its serial), name "
            "(by the normalised name), region (then serial). Each order ends on the name, so pages are stable."
        ),
        example="serial",
        filename=False,
    )

    class Meta:
        model = Enterprise
        fields = []
        facets = {
            # The lists the public sees, counted by their public entries only.
            "list": FacetOptions(
                group_by="public_entries__annual_list__year", choices=list_choices, prepare=with_public_entries
            ),
            "business_type": FacetOptions(),
            "district": FacetOptions(),
            # Only "with": its count says how many of the rows have one.
            "case_study": FacetOptions(group_by=has_case_study, choices=lambda: CASE_STUDY_CHOICES[:1]),
        }

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

    def filter_list(self, queryset, name, value: int):
        # The annotations reuse the join of the filter: the serial is the one on this list.
        entry = {"memberships__annual_list__year": value}
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

    list = YearFilter(
        field_name="report_year",
        label=_("report year"),
        help_text=_("Year of the report the case study is in."),
        example=2022,
    )
    district = district_filter("enterprise__region")
    business_type = business_type_filter("enterprise__business_type")
    q = CharFilter(
        method="filter_q",
        label=_("search"),
        help_text=_("Search the enterprise's names, as q of /api/enterprises/ does (Chinese, alias, English, pinyin)."),
        example="xmly",
    )

    class Meta:
        model = CaseStudy
        fields = []

    def filter_q(self, queryset, name, value):
        return filter_search_text(queryset, "enterprise__search_text", value)
