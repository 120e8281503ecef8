"""The public pages of enterprises: configuration of the shared list view, and the profile."""

from django.db.models import Exists, FilteredRelation, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from shdt.caching import VersionedResponseCacheMixin, cached_for_version, current_version, reference_rows
from shdt.listing import Choice, Facet, RegistryListView
from shdt.models import PUBLIC_STATUSES

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
    return Exists(CaseStudy.objects.public().filter(enterprise=OuterRef("pk")))


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

    def decorate(self, queryset):
        return queryset.annotate(has_case_study=has_case_study())


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
