"""
What the API shows of enterprises, lists, case studies and the reference data, and what
it accepts to write them. Every field is named here; nothing internal (database ids, the
normalised name, the search text) is among them.
"""

import functools

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shdt.core.api.fields import (
    CodeField,
    OptionalURLField,
    PermalinkField,
    StrictCharField,
    StrictIntegerField,
    notice_field,
    site_url,
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
    list_status = status_field()
    memberships = ListMembershipSerializer(many=True, read_only=True, help_text=_("Every list the enterprise is on."))
    case_studies = CaseStudySummarySerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        # In the order of a representation: the enterprise's own stored document, then
        # what each answer adds (enterprise_document, answer_part).
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

    def to_representation(self, enterprise):
        # The same dict as DRF's field-by-field path (tests/enterprises/test_api_representation.py
        # compares them for every record of the report), built by enterprise_representation,
        # as the list's pages are: DRF's per-field machinery was most of the API's time.
        row = {name: getattr(enterprise, name, None) for name in ENTERPRISE_ROW_FIELDS}
        return enterprise_representation(
            row,
            _region_representation(enterprise.region),
            _business_type_representation(enterprise.business_type),
            [_membership_of(m) for m in enterprise.memberships.all()],
            [case_study_representation(_case_study_values(c)) for c in enterprise.case_studies.all()],
            AnswerContext(self.context.get("request")),
        )


# What an enterprise's representation reads of its row, as values() names it (the
# annotations list_serial, list_year and list_status come from the list's filters).
ENTERPRISE_ROW_FIELDS = (
    "id",
    "slug",
    "name",
    "name_en",
    "aliases",
    "region_id",
    "business_type_id",
    "credit_code",
    "website",
    "list_serial",
    "list_year",
    "list_status",
    "source",
    "created_at",
    "updated_at",
)
# A page's list entries and case studies are read from their own tables alone: the lists'
# years and the notices come from the reference rows (joining them made planning the
# query cost more than running it).
MEMBERSHIP_FIELDS = ("enterprise_id", "annual_list_id", "serial", "source", "status", "notice_id")
NOTICE_FIELDS = ("title", "starts_on", "ends_on", "contact")
CASE_STUDY_FIELDS = ("enterprise_id", "report_year", "serial", "trade_volume", "status")
REGION_FIELDS = ("code", "short_name", "name", "name_en")
# What BusinessType.spellings() reads, for other_names.
BUSINESS_TYPE_FIELDS = ("code", "name", "name_en", "aliases")

# DRF's own fields format the values whose form they decide (time zone, decimal places).
_TRADE_VOLUME = CaseStudySummarySerializer().fields["trade_volume"]


def grouped(values, key) -> dict[int, list[dict]]:
    """The rows by enterprise, each enterprise's in the order of `key`."""
    by_enterprise = {}
    for row in values:
        by_enterprise.setdefault(row["enterprise_id"], []).append(row)
    for entries in by_enterprise.values():
        entries.sort(key=key)
    return by_enterprise


class AnswerContext:
    """
    What the enterprises of one answer share, worked out once for all of them: the stems
    of their addresses (the API's on the client's host, the permalink on SITE_URL).
    """

    def __init__(self, request):
        prefix = get_script_prefix()
        self.api_url = _absolute(request, _path_template("api:enterprise_detail", prefix))
        self.permalink = site_url(_path_template("enterprise_detail", prefix))


# Times are shown in the site's time zone (TIME_ZONE), formatted by DRF's own field. The
# stored documents hold them so: after a change of TIME_ZONE, run `manage.py refresh_documents`.
@functools.cache
def _time_field(zone) -> serializers.DateTimeField:
    return serializers.DateTimeField(default_timezone=zone)


def _time(value) -> str | None:
    return _time_field(timezone.get_default_timezone()).to_representation(value) if value is not None else None


def enterprise_representation(row, region, business_type, memberships, case_studies, answer: AnswerContext) -> dict:
    """An enterprise as the API shows it, from its row and its related records' representations."""
    return {
        **enterprise_document(row, memberships, case_studies),
        "region": region,
        "business_type": business_type,
        **answer_part(row, answer),
    }


def enterprise_document(row, memberships, case_studies) -> dict:
    """
    The part of an enterprise's representation that is its own: its fields, its public list
    entries and case studies. Public pages read it stored (Enterprise.public_document).
    """
    return {
        "slug": row["slug"],
        "name": row["name"],
        "name_en": row["name_en"],
        "aliases": [line.strip() for line in row["aliases"].splitlines() if line.strip()],
        "credit_code": row["credit_code"],
        "website": row["website"] or None,
        "source": row["source"],
        "memberships": memberships,
        "case_studies": case_studies,
        "created_at": _time(row["created_at"]),
        "updated_at": _time(row["updated_at"]),
    }


def answer_part(row, answer: AnswerContext) -> dict:
    """
    What each answer adds after the region and type (reference data, shown as they are now):
    the serial on the list the query filters by, and the addresses on the client's host.
    """
    slug = row["slug"]
    return {
        "serial": row["list_serial"],
        "list_year": row["list_year"],
        "list_status": row["list_status"],
        "url": answer.api_url.replace(SLUG, slug),
        "permalink": answer.permalink.replace(SLUG, slug),
    }


def _region_representation(region) -> dict:
    return {name: getattr(region, name) for name in REGION_FIELDS}


def _business_type_representation(business_type) -> dict:
    return {
        "code": business_type.code,
        "name": business_type.name,
        "name_en": business_type.name_en,
        "other_names": business_type.spellings()[3:],
    }


def membership_representation(values: dict, years: dict, notices: dict) -> dict:
    notice = notices[values["notice_id"]] if values["notice_id"] is not None else None
    return {
        "year": years[values["annual_list_id"]],
        "serial": values["serial"],
        "source": values["source"],
        "status": values["status"],
        "notice": None
        if notice is None
        else {
            "title": notice["title"],
            "starts_on": notice["starts_on"].isoformat(),
            "ends_on": notice["ends_on"].isoformat(),
            "contact": notice["contact"],
        },
    }


def _membership_of(membership) -> dict:
    notice = membership.notice
    notices = {notice.pk: {name: getattr(notice, name) for name in NOTICE_FIELDS}} if notice else {}
    values = {name: getattr(membership, name) for name in MEMBERSHIP_FIELDS}
    return membership_representation(values, {membership.annual_list_id: membership.annual_list.year}, notices)


def _case_study_values(case) -> dict:
    return {name: getattr(case, name) for name in CASE_STUDY_FIELDS}


def case_study_representation(values: dict) -> dict:
    volume = values["trade_volume"]
    return {
        "report_year": values["report_year"],
        "serial": values["serial"],
        "trade_volume": _TRADE_VOLUME.to_representation(volume) if volume is not None else None,
        "trade_volume_unit": TRADE_VOLUME_UNIT,
        "trade_volume_unit_en": TRADE_VOLUME_UNIT_EN,
        "status": values["status"],
    }


SLUG = "__slug__"


@functools.cache
def _path_template(view_name: str, script_prefix: str) -> str:
    # reverse() once per prefix: slugs are made of [a-z0-9-], which need no quoting.
    return reverse(view_name, kwargs={"slug": SLUG})


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


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

