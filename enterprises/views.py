"""
The public pages of enterprises: configuration of the shared list view, the profile,
and the lists' published editions with their files.
"""

from html import escape  # plain str in, str out: Django's lazy-aware escape costs more per cell

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from shdt.core.caching import VersionedResponseCacheMixin, cached_for_version, current_version, reference_rows
from shdt.core.exports import FORMATS
from shdt.core.listing import RegistryListView
from shdt.core.models import PUBLIC_STATUSES, Status
from shdt.reference.models import Region

from .editions import FILE_FIELDS, edition_changes, editions_listed, previous_edition, public_annual_lists
from .models import BusinessType, CaseStudy, Enterprise, ListEdition, ListMembership
from .tables import ENTERPRISES

# An edition's files never change: a client may keep them as long as it likes.
EDITION_FILE_CACHE_CONTROL = "public, max-age=31536000, immutable"

RELATED_ENTERPRISES_SHOWN = 12


def enterprises_with_case_studies() -> frozenset[int]:
    """
    The ids of the enterprises with a public case study (cached per data version). A page
    marks its rows from this set: as an EXISTS in the page's query, PostgreSQL read every
    public case study for each page, and the ORM built the subquery each time.
    """

    def compute():
        ids = CaseStudy.objects.filter(status__in=PUBLIC_STATUSES).values_list("enterprise_id", flat=True)
        return frozenset(ids)

    return cached_for_version(current_version(), ("enterprises with case studies",), compute)


class EnterpriseListView(RegistryListView):
    table = ENTERPRISES
    template_name = "enterprises/enterprise_list.html"
    download_url_name = "enterprise_download"

    # What a row of the page shows: read as values, not model instances, which would cost
    # more than the query itself. Region and type names come from the reference rows:
    # two joins fewer for PostgreSQL to plan on every page.
    row_fields = (
        "id",
        "slug",
        "name",
        "name_en",
        "business_type_id",
        "region_id",
        "list_serial",
        "list_year",
        "list_status",
    )

    def decorate(self, queryset):
        return queryset.values(*self.row_fields)

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
        regions = {pk: names for pk, *names in reference_rows(Region, ("pk", "short_name", "name_en", "sort_order"))}
        types = {pk: names for pk, *names in reference_rows(BusinessType, ("pk", "name", "name_en"))}
        rows = [EnterpriseRow(values) for values in rows]
        with_case_studies = enterprises_with_case_studies()
        for row in rows:
            row.has_case_study = row.id in with_case_studies
            row.region_short_name, row.region_name_en, row.region_sort_order = regions[row.region_id]
            row.business_type_name, row.business_type_name_en = types[row.business_type_id]
            row.html = enterprise_row_html(row, labels, prefix, english, filtered_by_list)
        return rows

    def get_context_data(self, **kwargs):
        # The published editions of the list filtered on, so that the page can point to them.
        year = self.filterset.cleaned("list") or None
        editions = editions_listed().filter(annual_list__year=year).order_by("-number") if year else []
        context = super().get_context_data(list_year=year, list_editions=list(editions), **kwargs)
        # The rows' HTML as one string: a template loop over 50 rows cost more than making them.
        context["rows_html"] = mark_safe("\n".join(row.html for row in context["rows"]))  # noqa: S308 -- rows are safe HTML
        return context


class EnterpriseRow:
    """A row of the enterprise list, from the values of its query (name, slug, labels…)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


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
    # SafeString itself: mark_safe's lazy-string check costs a row more than its cells.
    return SafeString(  # built from escaped values and integers only
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


class AnnualListListView(ListView):
    """Every list the public sees, with its published editions."""

    template_name = "enterprises/annuallist_list.html"
    context_object_name = "annual_lists"

    def get_queryset(self):
        return public_annual_lists()


class ListEditionListView(TemplateView):
    """Every published edition of a year's list, newest first."""

    template_name = "enterprises/listedition_list.html"

    def get_context_data(self, **kwargs):
        annual_list = get_object_or_404(public_annual_lists(), year=kwargs["year"])
        editions = [(edition, edition_files(edition)) for edition in annual_list.editions.all()]
        return super().get_context_data(annual_list=annual_list, editions=editions, **kwargs)


class ListEditionDetailView(DetailView):
    """
    One edition: when it was published, its note, its files with their SHA-256, and
    what changed since the edition before it. Who published it is internal.
    """

    template_name = "enterprises/listedition_detail.html"
    context_object_name = "edition"

    def get_object(self, queryset=None):
        editions = editions_listed().select_related("annual_list")
        return get_object_or_404(editions, annual_list__year=self.kwargs["year"], number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        edition = self.object
        previous = previous_edition(edition)
        later = editions_listed().filter(annual_list=edition.annual_list_id, number__gt=edition.number).order_by("number")
        return super().get_context_data(
            annual_list=edition.annual_list,
            files=edition_files(edition),
            previous=previous,
            next=later.first(),
            changes=edition_changes(previous, edition) if previous else None,
            **kwargs,
        )


def edition_files(edition: ListEdition) -> list[dict]:
    """An edition's files as the pages show them: format, name, permanent address, SHA-256, size."""
    return [
        {
            "fmt": fmt,
            "name": edition.file_name(fmt),
            "url": edition_file_url(edition, fmt),
            "sha256": edition.sha256(fmt),
            "size": getattr(edition, f"{fmt}_size", None),
        }
        for fmt in FORMATS
    ]


def edition_file_url(edition: ListEdition, fmt: str) -> str:
    return reverse("listedition_file", kwargs={"year": edition.annual_list.year, "number": edition.number, "fmt": fmt})


class ListEditionFileView(View):
    """
    An edition's file, byte for byte as it was frozen: a strong ETag (its SHA-256), a
    file name that says which edition it is, and a cache lifetime of a year.
    """

    def get(self, request, year, number, fmt):
        if fmt not in FORMATS:
            raise Http404
        others = [name for name in FILE_FIELDS if name != f"{fmt}_file"]
        edition = get_object_or_404(
            ListEdition.objects.select_related("annual_list").defer(*others), annual_list__year=year, number=number
        )
        etag = f'"{edition.sha256(fmt)}"'
        last_modified = int(edition.published_at.timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            response = HttpResponse(edition.file(fmt), content_type=FORMATS[fmt].content_type)
            response["Content-Disposition"] = f'attachment; filename="{edition.file_name(fmt)}"'
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = EDITION_FILE_CACHE_CONTROL
        return response
