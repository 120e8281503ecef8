"""
What the API shows of enterprises, lists, case studies and the reference data, and what
it accepts to write them. Every field is named here; nothing internal (database ids, the
normalised name, the search text) is among them.
"""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shdt.core.api.fields import (
    CodeField,
    OptionalURLField,
    PermalinkField,
    StrictCharField,
    StrictIntegerField,
    notice_field,
    status_field,
)

from shdt.reference.api import RegionSerializer
from shdt.reference.models import Region

from ..models import (
    TRADE_VOLUME_UNIT,
    TRADE_VOLUME_UNIT_EN,
    AnnualList,
    BusinessType,
    CaseStudy,
    Enterprise,
    ListMembership,
    PendingChange,
)


class BusinessTypeSerializer(serializers.ModelSerializer):
    other_names = serializers.SerializerMethodField(
        help_text=_("Other names the report uses for this type, e.g. 跨境电商服务.")
    )

    class Meta:
        model = BusinessType
        fields = ["code", "name", "name_en", "other_names"]
        read_only_fields = fields

    def get_other_names(self, obj) -> list[str]:
        # spellings() is code, name, English name, then the other names.
        return obj.spellings()[3:]


class AnnualListSerializer(serializers.ModelSerializer):
    enterprises = serializers.SerializerMethodField(help_text=_("The API address of the enterprises on this list."))

    class Meta:
        model = AnnualList
        fields = ["year", "title", "title_en", "source", "enterprises", "created_at", "updated_at"]
        read_only_fields = fields

    def get_enterprises(self, obj) -> str:
        path = reverse("api:enterprise_list") + "?" + urlencode({"list": obj.year})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ListMembershipSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="annual_list.year", read_only=True, help_text=_("The year of the list."))
    status = status_field()
    notice = notice_field()

    class Meta:
        model = ListMembership
        fields = ["year", "serial", "source", "status", "notice"]
        read_only_fields = fields


class TradeVolumeMixin(serializers.Serializer):
    trade_volume_unit = serializers.SerializerMethodField(help_text=_("The unit of trade_volume: 万美元."))
    trade_volume_unit_en = serializers.SerializerMethodField(
        help_text=_("The unit of trade_volume in English: 10,000 USD.")
    )

    def get_trade_volume_unit(self, obj) -> str:
        return TRADE_VOLUME_UNIT

    def get_trade_volume_unit_en(self, obj) -> str:
        return TRADE_VOLUME_UNIT_EN


TRADE_VOLUME_HELP = _(
    "数字贸易进出口额: digital trade imports and exports, an exact decimal written as a string, "
    "in the unit of trade_volume_unit (万美元, 10,000 US dollars); null where the report gives none."
)


class CaseStudySummarySerializer(TradeVolumeMixin, serializers.ModelSerializer):
    """A case study as an enterprise's record shows it; /api/case-studies/ has the texts."""

    status = status_field()

    class Meta:
        model = CaseStudy
        fields = ["report_year", "serial", "trade_volume", "trade_volume_unit", "trade_volume_unit_en", "status"]
        read_only_fields = fields
        extra_kwargs = {"trade_volume": {"help_text": TRADE_VOLUME_HELP}}


class EnterpriseRefSerializer(serializers.ModelSerializer):
    """An enterprise as another record names it."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:enterprise_detail", lookup_field="slug", help_text=_("The API address of the enterprise.")
    )
    permalink = PermalinkField()
    region = RegionSerializer(read_only=True)
    business_type = BusinessTypeSerializer(read_only=True)

    class Meta:
        model = Enterprise
        fields = ["slug", "name", "url", "permalink", "region", "business_type"]
        read_only_fields = fields


class EnterpriseSerializer(EnterpriseRefSerializer):
    aliases = serializers.ListField(
        source="alias_list",
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Other spellings and brand names, which search also finds."),
    )
    serial = serializers.IntegerField(
        source="list_serial",
        read_only=True,
        allow_null=True,
        help_text=_(
            "序号: the serial on the list filtered by `list`, or else on the latest list the enterprise is on; "
            "the same as the first column of the download."
        ),
    )
    website = OptionalURLField(help_text=_("The enterprise's website; null where none is known."))
    list_year = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The year of the list whose serial `serial` is.")
    )
    list_status = status_field(allow_null=True)
    memberships = ListMembershipSerializer(many=True, read_only=True, help_text=_("Every list the enterprise is on."))
    case_studies = CaseStudySummarySerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        # enterprises.api.sql writes the same fields, in this order, on PostgreSQL's pages.
        fields = [
            "slug",
            "name",
            "name_en",
            "aliases",
            "credit_code",
            "website",
            "source",
            "memberships",
            "case_studies",
            "created_at",
            "updated_at",
            "region",
            "business_type",
            "serial",
            "list_year",
            "list_status",
            "url",
            "permalink",
        ]
        read_only_fields = fields


class CaseStudySerializer(TradeVolumeMixin, serializers.ModelSerializer):
    enterprise = EnterpriseRefSerializer(read_only=True)
    status = status_field()
    notice = notice_field()

    class Meta:
        model = CaseStudy
        fields = [
            "report_year",
            "serial",
            "enterprise",
            "trade_volume",
            "trade_volume_unit",
            "trade_volume_unit_en",
            "profile",
            "case",
            "technology_experience",
            "business_model_innovation",
            "overseas_markets",
            "source",
            "status",
            "notice",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"trade_volume": {"help_text": TRADE_VOLUME_HELP}}


# --- What staff send --------------------------------------------------------
#
# Only the shape is checked here; the registry's rules (the normalised-name key, the credit
# code's check character, URLs, lengths) are the model's, applied by the services.


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class EnterpriseInputSerializer(serializers.Serializer):
    name = StrictCharField(
        max_length=_max_length(Enterprise, "name"),
        help_text=_(
            "The registered Chinese name, with full-width parentheses （）. A name that differs from "
            "an existing one only in full-/half-width characters or spaces is refused."
        ),
    )
    name_en = StrictCharField(
        max_length=_max_length(Enterprise, "name_en"), required=False, allow_blank=True, default=""
    )
    aliases = serializers.ListField(
        child=StrictCharField(max_length=_max_length(Enterprise, "name")),
        required=False,
        default=list,
        help_text=_("Other spellings and brand names."),
    )
    region = CodeField(queryset=Region.objects.all(), help_text=_("Region code, e.g. pudong (GET /api/regions/)."))
    business_type = CodeField(
        queryset=BusinessType.objects.all(),
        help_text=_("Business-type code, e.g. cloud (GET /api/business-types/)."),
    )
    credit_code = StrictCharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        max_length=64,
        help_text=_("统一社会信用代码, 18 characters with a valid check character (GB 32100-2015); spaces are ignored."),
    )
    website = StrictCharField(
        max_length=_max_length(Enterprise, "website"),
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A full address, e.g. https://www.example.cn/."),
    )
    source = StrictCharField(
        max_length=_max_length(Enterprise, "source"), required=False, allow_blank=True, default=""
    )

    def validate_aliases(self, value):
        # The model keeps one alias per line.
        return "\n".join(value)

    def validate_credit_code(self, value):
        return value or None


class ListMembershipInputSerializer(serializers.Serializer):
    serial = StrictIntegerField(help_text=_("序号 on the year's list."))
    source = StrictCharField(
        max_length=_max_length(ListMembership, "source"), required=False, allow_blank=True, default=""
    )



# --- What waits for review ----------------------------------------------------


class PendingValueSerializer(serializers.Serializer):
    old = serializers.CharField(allow_null=True, help_text=_("The value the record holds, which the public sees."))
    new = serializers.CharField(allow_null=True, help_text=_("The value proposed."))


class PendingChangeSerializer(serializers.ModelSerializer):
    """An editor's change to a public enterprise, which the public does not see until a reviewer approves it."""

    enterprise = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_("The enterprise's slug."))
    url = serializers.HyperlinkedRelatedField(
        source="enterprise",
        view_name="api:enterprise_detail",
        lookup_field="slug",
        read_only=True,
        help_text=_("The API address of the enterprise, which keeps its old values until the change is approved."),
    )
    changes = serializers.SerializerMethodField(
        help_text=_("Every field the change sets, with its current and its proposed value; regions and business types by code.")
    )
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = PendingChange
        fields = ["enterprise", "url", "status", "changes", "proposed_by", "proposed_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=PendingValueSerializer()))
    def get_changes(self, obj) -> dict:
        return {name: {"old": old, "new": new} for name, (old, new) in obj.changes.items()}
