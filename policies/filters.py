"""The policy filters, shared by the timeline page, its downloads and the API."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from shdt.core.filtering import RegistryFilterSet, YearFilter

from .models import PLAN_PERIOD_YEARS, PlanPeriod, Policy


def issuer_choices():
    return [(issuer, issuer) for issuer in Policy.objects.order_by("issuer").values_list("issuer", flat=True).distinct()]


class PolicyFilterSet(RegistryFilterSet):
    issuer = django_filters.MultipleChoiceFilter(choices=issuer_choices, label=_("issuer"))
    period = django_filters.ChoiceFilter(choices=PlanPeriod.choices, method="filter_period", label=_("plan period"))
    year = YearFilter(field_name="published_on__year", label=_("year"))
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("search"))

    class Meta:
        model = Policy
        fields = []

    def filter_period(self, queryset, name, value):
        first, last = PLAN_PERIOD_YEARS[PlanPeriod(value)]
        return queryset.filter(
            published_on__gte=datetime.date(first, 1, 1), published_on__lte=datetime.date(last, 12, 31)
        )
