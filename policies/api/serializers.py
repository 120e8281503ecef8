"""What the API shows of the policy documents."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shdt.core.api.fields import notice_field, status_field

from ..models import PLAN_PERIOD_ENGLISH, PLAN_PERIOD_YEARS, PlanPeriod, Policy


class PlanPeriodSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=PlanPeriod.choices, read_only=True)
    name = serializers.CharField(read_only=True, help_text=_("十三五, 十四五, …"))
    name_en = serializers.CharField(read_only=True)
    first_year = serializers.IntegerField(read_only=True)
    last_year = serializers.IntegerField(read_only=True)

    def to_representation(self, period):
        first, last = PLAN_PERIOD_YEARS[period]
        return {
            "code": period.value,
            "name": period.label,
            "name_en": PLAN_PERIOD_ENGLISH[period],
            "first_year": first,
            "last_year": last,
        }


class PolicySerializer(serializers.ModelSerializer):
    plan_period = PlanPeriodSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("The five-year-plan period the date falls in; null outside the known ones."),
    )
    status = status_field()
    notice = notice_field()

    class Meta:
        model = Policy
        fields = [
            "published_on",
            "issuer",
            "title",
            "title_en",
            "plan_period",
            "source",
            "source_note",
            "status",
            "notice",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
