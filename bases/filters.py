"""The export-base filters, shared by the list page, its downloads and the API."""

from django.utils.translation import gettext_lazy as _

from shdt.core.caching import cached_for_token, current_token
from shdt.core.filtering import (
    CharFilter,
    ChoiceFilter,
    CodeFilter,
    FacetOptions,
    MultipleChoiceFilter,
    RegistryFilterSet,
    YearFilter,
    bilingual_choices,
)
from shdt.reference.filters import district_filter

from .models import CATEGORY_ENGLISH, BaseDomain, ExportBase, Recognition

BATCH_ENGLISH = {Recognition.Batch.FIRST: "first batch", Recognition.Batch.SECOND: "second batch"}


def recognition_years(*, public: bool = True):
    """The years in which the bases the public sees (for staff, every base) were recognised."""

    def compute():
        recognitions = Recognition.objects.filter(base__in=ExportBase.objects.public()) if public else Recognition.objects
        return list(recognitions.order_by("year").values_list("year", flat=True).distinct())

    return [(str(year), str(year)) for year in cached_for_token(current_token(), ("recognition years", public), compute)]


class ExportBaseFilterSet(RegistryFilterSet):
    domain = CodeFilter(
        "domain",
        BaseDomain,
        label=_("domain"),
        help_text=_(
            "Domain code: digital, culture, tcm, human-resources, ip, geo-information or language. "
            "Repeat it for several, meaning either."
        ),
        example=["digital", "culture"],
    )
    category = MultipleChoiceFilter(
        choices=bilingual_choices(ExportBase.Category.choices, CATEGORY_ENGLISH),
        label=_("category"),
        help_text=_("Category code; repeat it for several, meaning either."),
        example=["digital-services"],
    )
    year = YearFilter(
        field_name="recognitions__year",
        label=_("year recognised"),
        distinct=True,
        help_text=_("A year in which the base was recognised, as the report states it."),
        example=2021,
    )
    batch = ChoiceFilter(
        field_name="recognitions__batch",
        choices=bilingual_choices(Recognition.Batch.choices, BATCH_ENGLISH),
        label=_("batch"),
        distinct=True,
        help_text=_("The batch in which the base was recognised: first (首批) or second (第二批)."),
        example="first",
    )
    district = district_filter()
    q = CharFilter(
        field_name="name", lookup_expr="icontains", label=_("search"), help_text=_("A part of the base's name."), example="中医药"
    )

    class Meta:
        model = ExportBase
        fields = []
        facets = {
            "domain": FacetOptions(),
            "category": FacetOptions(),
            "year": FacetOptions(choices=recognition_years),
            "batch": FacetOptions(),
        }
