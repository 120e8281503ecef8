"""The policy filters, shared by the timeline page, its downloads and the API."""

import datetime

from django.utils.translation import gettext_lazy as _

from shdt.core.caching import cached_for_token, current_token
from shdt.core.filtering import (
    CharFilter,
    ChoiceFilter,
    FacetOptions,
    MultipleChoiceFilter,
    RegistryFilterSet,
    YearFilter,
    bilingual_choices,
)

from .models import PLAN_PERIOD_ENGLISH, PLAN_PERIOD_YEARS, PlanPeriod, Policy, plan_period_expression


def issuer_choices(*, public: bool = True):
    """The issuers of the policies the public sees (for staff, of every policy), cached per data version."""

    def compute():
        policies = Policy.objects.public() if public else Policy.objects.all()
        return list(policies.order_by("issuer").values_list("issuer", flat=True).distinct())

    return [(issuer, issuer) for issuer in cached_for_token(current_token(), ("issuers", public), compute)]


class PolicyFilterSet(RegistryFilterSet):
    issuer = MultipleChoiceFilter(
        choices_for=issuer_choices,
        label=_("issuer"),
        help_text=_("The issuing body, exactly as the documents name it; repeat it for several, meaning either."),
        example=["上海市人民政府"],
        # Names, not codes: no words for a file name.
        filename=False,
    )
    period = ChoiceFilter(
        choices=bilingual_choices(PlanPeriod.choices, PLAN_PERIOD_ENGLISH),
        method="filter_period",
        label=_("Five-year plan period"),
        help_text=_("Five-year-plan period: 13th (2016–2020), 14th (2021–2025) or 15th (2026–2030)."),
        example="14th",
    )
    year = YearFilter(
        field_name="published_on__year", label=_("year"), help_text=_("Year of publication."), example=2021
    )
    q = CharFilter(
        field_name="title", lookup_expr="icontains", label=_("search"), help_text=_("A part of the title."), example="数字贸易"
    )

    class Meta:
        model = Policy
        fields = []
        facets = {
            "period": FacetOptions(group_by=plan_period_expression),
            "issuer": FacetOptions(),
        }

    def filter_period(self, queryset, name, value):
        first, last = PLAN_PERIOD_YEARS[PlanPeriod(value)]
        return queryset.filter(
            published_on__gte=datetime.date(first, 1, 1), published_on__lte=datetime.date(last, 12, 31)
        )
