"""The public pages of enterprises: configuration of the shared list view, and the profile."""

from html import escape  # plain str in, str out: Django's lazy-aware escape costs more per cell

from django.db.models import Exists, FilteredRelation, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from shdt.caching import VersionedResponseCacheMixin, cached_for_version, current_version, reference_rows
from shdt.listing import Choice, Facet, RegistryListView
from shdt.models import PUBLIC_STATUSES, Status

from .filters import SORT_CHOICES
from .models import AnnualList, BusinessType, CaseStudy, Enterprise, ListMembership, Region
from .tables import ENTERPRISES

RELATED_ENTERPRISES_SHOWN = 12


def region_choices():
    return [Choice(*row) for row in reference_rows(Region, ("code", "short_name", "name_en"))]


def business_type_choices():
    return [Choice(*row) for row in reference_rows(BusinessType, ("code", "name", "name_en"))]


def public_list_years() -> list[int]:
    """The years of the lists with entries the public sees, newest first (cached per data version)."""

    def compute():
        years = AnnualList.objects.filter(memberships__status__in=PUBLIC_STATUSES).values_list("year", flat=True)
        return list(years.distinct().order_by("-year"))

    return cached_for_version(current_version(), ("public list years",), compute)


def list_choices():
    return [Choice(str(year), _("%(year)s list") % {"year": year}) for year in public_list_years()]


def with_public_entries(queryset):
    """The enterprises with their public list entries, to group them by list."""
    return queryset.alias(
        public_entries=FilteredRelation("memberships", condition=Q(memberships__status__in=PUBLIC_STATUSES))
    )


def has_case_study():
    # The rows are public enterprises already: their public case studies are public.
    return Exists(CaseStudy.objects.filter(enterprise=OuterRef("pk"), status__in=PUBLIC_STATUSES))


class EnterpriseListView(RegistryListView):
    table = ENTERPRISES
    template_name = "enterprises/enterprise_list.html"
    download_url_name = "enterprise_download"
    sort_choices = SORT_CHOICES
    facets = [
        Facet(
            "list",
            _("List"),
            "public_entries__annual_list__year",
            list_choices,
            multiple=False,
            prepare=with_public_entries,
        ),
        Facet("business_type", _("Business type"), "business_type__code", business_type_choices),
        Facet("district", _("Region"), "region__code", region_choices),
        Facet(
            "case_study",
            _("Case study"),
            has_case_study,
            lambda: [Choice("1", _("with a case study"))],
            multiple=False,
        ),
    ]

    # What a row of the page shows: read as values, not model instances, which would cost
    # more than the query itself.
    row_fields = (
        "id",
        "slug",
        "name",
        "name_en",
        "business_type__name",
        "business_type__name_en",
        "region__short_name",
        "region__name_en",
        "region__sort_order",
        "list_serial",
        "list_year",
        "list_status",
        "has_case_study",
    )

    def decorate(self, queryset):
        return queryset.annotate(has_case_study=has_case_study()).values(*self.row_fields)

    def present(self, rows):
        # Each row's cells are made here, as Django's admin makes its change list's: a
        # template tag per cell of 50 rows would cost more than everything else the page does.
        english = get_language() == "en"
        prefix = reverse("enterprise_list")
        filtered_by_list = bool(self.request.GET.get("list"))
        labels = {
            key: escape(str(label))
            for key, label in {
                "no": _("No."),
                "enterprise": _("Enterprise"),
                "type": _("Business type"),
                "region": _("Region"),
                "case": _("case study"),
                "notice": _("under public notice"),
            }.items()
        }
        rows = [EnterpriseRow(values) for values in rows]
        for row in rows:
            row.html = enterprise_row_html(row, labels, prefix, english, filtered_by_list)
        return rows


class EnterpriseRow:
    """A row of the enterprise list, from the values of its query (name, slug, labels…)."""

    def __init__(self, values: dict):
        self.__dict__.update({key.replace("__", "_"): value for key, value in values.items()})


ROW_HTML = (
    '<tr><td data-label="{no}">{serial}</td>'
    '<th scope="row" data-label="{enterprise}"><a href="{prefix}{slug}/">{name}</a>{badges}</th>'
    '<td data-label="{type}">{type_label}</td><td data-label="{region}">{region_label}</td></tr>'
)


def enterprise_row_html(row, labels, prefix, english, filtered_by_list):
    """
    One row of the enterprise list: 序号 (and its list's year), name with markers, type,
    region. Every value from the records is escaped; `labels` are escaped by the caller.
    """
    if row.list_serial is None:
        serial = "—"
    elif filtered_by_list:
        serial = f'<span class="serial">{row.list_serial}</span>'
    else:
        serial = f'<span class="serial">{row.list_serial}</span> <span class="list-year">{row.list_year}</span>'
    badges = ""
    if row.has_case_study:
        badges += f' <span class="badge">{labels["case"]}</span>'
    if row.list_status == Status.NOTICE:
        badges += f' <span class="badge notice">{labels["notice"]}</span>'
    return mark_safe(  # noqa: S308 -- built from escaped values and integers only
        ROW_HTML.format(
            serial=serial,
            prefix=prefix,
            slug=escape(row.slug),
            name=escape((english and row.name_en) or row.name),
            badges=badges,
            type_label=escape(row.business_type_name_en if english else row.business_type_name),
            region_label=escape(row.region_name_en if english else row.region_short_name),
            **labels,
        )
    )


class EnterpriseDetailView(VersionedResponseCacheMixin, DetailView):
    queryset = (
        Enterprise.objects.public()
        .select_related("region", "business_type")
        .prefetch_related(
            Prefetch(
                "memberships",
                ListMembership.objects.public().select_related("annual_list", "notice").order_by("-annual_list__year"),
            ),
            Prefetch("case_studies", CaseStudy.objects.public().select_related("notice").order_by("-report_year")),
        )
    )
    template_name = "enterprises/enterprise_detail.html"
    context_object_name = "enterprise"

    def get_context_data(self, **kwargs):
        enterprise = self.object
        related = (
            Enterprise.objects.public()
            .filter(region=enterprise.region_id, business_type=enterprise.business_type_id)
            .exclude(pk=enterprise.pk)
            .order_by("name_normalized")
        )
        case_studies = list(enterprise.case_studies.all())
        last_updated = max([enterprise.updated_at, *(c.updated_at for c in case_studies)])
        return super().get_context_data(
            memberships=enterprise.memberships.all(),
            case_studies=case_studies,
            related=related[:RELATED_ENTERPRISES_SHOWN],
            related_count=related.count(),
            last_updated=last_updated,
            **kwargs,
        )
