"""
The spreadsheet columns of enterprises and case studies: the one place they are named.

Exports (`export_data`, the public downloads) and imports read these resources. The
first columns are the report's own (表 3-3, 表 6-1), in its words; the rest follow.
An import also accepts the English headers (and other spellings) in `header_aliases`.
"""

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Concat, Replace
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from shdt.core.models import STATUS_IN_FILES
from shdt.core.sql_exports import SqlTemplate, number, row_number, sql_string, text
from shdt.core.widgets import ExactDecimalWidget, SpellingForeignKeyWidget, WholeNumberWidget, status_field, status_in_file

from .models import TRADE_VOLUME_UNIT, BusinessType, CaseStudy, Enterprise
from shdt.reference.resources import REGION_HEADERS, region_field

ALIAS_SEPARATOR = "；"

BUSINESS_TYPE_HEADERS = ("Business type", "Type", "类型", "类别")
NAME_HEADERS = ("Name", "Company name", "Company", "Enterprise", "Enterprise name", "企业", "名称", "公司名称")
SERIAL_HEADERS = ("No.", "No", "Serial", "Serial number", "#", "编号")


def business_type_field(attribute="business_type"):
    return fields.Field(
        attribute=attribute,
        column_name="业务类型",
        widget=SpellingForeignKeyWidget(BusinessType, "name", noun=_("business type")),
    )


class EnterpriseResource(resources.ModelResource):
    serial = fields.Field(column_name="序号", widget=WholeNumberWidget(), readonly=True)
    name = fields.Field(attribute="name", column_name="企业名称")
    business_type = business_type_field()
    region = region_field()
    name_en = fields.Field(attribute="name_en", column_name="英文名称")
    aliases = fields.Field(attribute="aliases", column_name="别名")
    credit_code = fields.Field(attribute="credit_code", column_name="统一社会信用代码")
    website = fields.Field(attribute="website", column_name="网站")
    business_type_code = fields.Field(attribute="business_type__code", column_name="业务类型代码", readonly=True)
    region_code = fields.Field(attribute="region__code", column_name="区域代码", readonly=True)
    permalink = fields.Field(column_name="永久链接", readonly=True)
    status = status_field()

    class Meta:
        model = Enterprise
        fields = (
            "serial",
            "name",
            "business_type",
            "region",
            "name_en",
            "aliases",
            "credit_code",
            "website",
            "business_type_code",
            "region_code",
            "permalink",
            "status",
        )
        export_order = fields

    header_aliases = {
        "serial": SERIAL_HEADERS,
        "name": NAME_HEADERS,
        "business_type": BUSINESS_TYPE_HEADERS,
        "region": REGION_HEADERS,
        "name_en": ("English name", "Name (English)", "Name in English"),
        "aliases": ("Aliases", "Alias", "Other names", "曾用名"),
        "credit_code": ("Unified social credit code", "Credit code", "USCC", "信用代码", "社会信用代码"),
        "website": ("Website", "Web site", "URL", "网址", "官网"),
        "business_type_code": ("Business type code",),
        "region_code": ("Region code", "District code"),
        "permalink": ("Permalink", "Link", "链接"),
    }

    def dehydrate_serial(self, obj):
        # The serial on the exported year's list (the export annotates it as
        # `list_serial`), or else the row's running number in the file.
        serial = getattr(obj, "list_serial", None)
        return serial if serial is not None else getattr(obj, "running_number", None)

    def dehydrate_aliases(self, obj):
        return ALIAS_SEPARATOR.join(obj.alias_list)

    def dehydrate_status(self, obj):
        # The status on the exported list (or the latest public one), annotated by the filters.
        # Not annotated (no filters ran): the latest public one, if any.
        status = obj.list_status if hasattr(obj, "list_status") else obj.on_public_list and obj.listing.status
        return status_in_file(status or "")

    def dehydrate_permalink(self, obj):
        return settings.SITE_URL.rstrip("/") + obj.get_absolute_url()


def enterprise_sql_columns(queryset) -> list:
    """EnterpriseResource's export columns as SQL over the filtered queryset (see shdt.core.sql_exports)."""
    annotations = queryset.query.annotations
    serial = row_number(queryset)
    if "list_serial" in annotations:
        serial = SqlTemplate("COALESCE({}, {})", F("list_serial"), serial)
    status = F("listing__status")
    if "list_status" in annotations:
        status = SqlTemplate("COALESCE(NULLIF({}, ''), {})", F("list_status"), status)
    status_words = " ".join(f"WHEN {sql_string(key)} THEN {sql_string(word)}" for key, word in STATUS_IN_FILES.items())
    # The permalink's address around its slug, as get_absolute_url() makes it.
    marker = "slug-in-sql"
    prefix, suffix = reverse("enterprise_detail", kwargs={"slug": marker}).split(marker)
    return [
        number(serial),
        text(F("name")),
        text(F("business_type__name")),
        text(F("region__short_name")),
        text(F("name_en")),
        # Aliases are kept one per line, stripped, no empty lines (Enterprise.refresh_name_keys).
        text(Replace(F("aliases"), Value("\n"), Value(ALIAS_SEPARATOR))),
        text(F("credit_code")),
        text(F("website")),
        text(F("business_type__code")),
        text(F("region__code")),
        text(Concat(Value(settings.SITE_URL.rstrip("/") + prefix), F("slug"), Value(suffix))),
        text(SqlTemplate(f"CASE {{}} {status_words} ELSE '' END", status)),
    ]


class CaseStudyResource(resources.ModelResource):
    serial = fields.Field(attribute="serial", column_name="序号", widget=WholeNumberWidget())
    enterprise = fields.Field(attribute="enterprise__name", column_name="企业名称")
    business_type = business_type_field("enterprise__business_type")
    region = region_field("enterprise__region")
    trade_volume = fields.Field(
        attribute="trade_volume",
        column_name=f"数字贸易进出口额（{TRADE_VOLUME_UNIT}）",
        widget=ExactDecimalWidget(),
    )
    profile = fields.Field(attribute="profile", column_name="企业简介")
    case = fields.Field(attribute="case", column_name="数字贸易典型案例")
    technology_experience = fields.Field(attribute="technology_experience", column_name="数字技术应用经验")
    business_model_innovation = fields.Field(
        attribute="business_model_innovation", column_name="商业模式和应用场景创新做法"
    )
    overseas_markets = fields.Field(attribute="overseas_markets", column_name="海外市场开拓情况")
    report_year = fields.Field(attribute="report_year", column_name="报告年份", widget=WholeNumberWidget())
    source = fields.Field(attribute="source", column_name="出处")
    status = status_field()

    class Meta:
        model = CaseStudy
        fields = (
            "serial",
            "enterprise",
            "business_type",
            "region",
            "trade_volume",
            "profile",
            "case",
            "technology_experience",
            "business_model_innovation",
            "overseas_markets",
            "report_year",
            "source",
            "status",
        )
        export_order = fields

    def dehydrate_status(self, case_study):
        return status_in_file(case_study.status)

    header_aliases = {
        "serial": SERIAL_HEADERS,
        "enterprise": NAME_HEADERS,
        "business_type": BUSINESS_TYPE_HEADERS,
        "region": REGION_HEADERS,
        "trade_volume": (
            "数字贸易进出口额",
            "Digital trade imports and exports (10,000 USD)",
            "Digital trade imports and exports",
            "Trade volume (10,000 USD)",
            "Trade volume",
        ),
        "profile": ("Company profile", "Profile"),
        "case": ("Typical digital trade case", "Typical case", "Case"),
        "technology_experience": ("Experience in applying digital technology", "Technology experience"),
        "business_model_innovation": (
            "Innovation in business models and application scenarios",
            "Business model innovation",
        ),
        "overseas_markets": ("Overseas market development", "Overseas markets"),
        "report_year": ("Report year", "Year", "年份"),
        "source": ("Source",),
    }
