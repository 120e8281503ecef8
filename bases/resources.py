"""The spreadsheet columns of the export bases: 名称, 类别, 领域, 认定年份, 批次, 所属区域, then the text."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from shdt.core.widgets import SpellingForeignKeyWidget, status_field, status_in_file
from shdt.reference.resources import REGION_HEADERS, region_field

from .models import BaseDomain, ExportBase

# A base the report describes twice (two years, two batches) lists both, in this cell.
MULTI_SEPARATOR = "；"


class ExportBaseResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="名称")
    category = fields.Field(attribute="category", column_name="类别")
    domain = fields.Field(
        attribute="domain",
        column_name="领域",
        widget=SpellingForeignKeyWidget(BaseDomain, "name", noun=_("domain")),
    )
    years = fields.Field(column_name="认定年份", readonly=True)
    batches = fields.Field(column_name="批次", readonly=True)
    region = region_field()
    name_en = fields.Field(attribute="name_en", column_name="英文名称")
    profile = fields.Field(attribute="profile", column_name="基地简介")
    experience = fields.Field(attribute="experience", column_name="发展经验")
    goals = fields.Field(attribute="goals", column_name="建设目标")
    news = fields.Field(attribute="news", column_name="最新动态")
    recognition_sources = fields.Field(column_name="认定出处", readonly=True)
    source = fields.Field(attribute="source", column_name="出处")
    permalink = fields.Field(column_name="永久链接", readonly=True)
    status = status_field()

    class Meta:
        model = ExportBase
        fields = (
            "name",
            "category",
            "domain",
            "years",
            "batches",
            "region",
            "name_en",
            "profile",
            "experience",
            "goals",
            "news",
            "recognition_sources",
            "source",
            "permalink",
            "status",
        )
        export_order = fields

    # Headers an import also accepts (English, and other spellings staff use).
    header_aliases = {
        "name": ("Name", "Base", "Base name", "基地名称"),
        "category": ("Category", "基地类别"),
        "domain": ("Domain", "Field", "领域（七大领域）"),
        "years": ("Year recognised", "Years recognised", "Year", "认定年度"),
        "batches": ("Batch", "Batches"),
        "region": REGION_HEADERS,
        "name_en": ("English name",),
        "profile": ("Profile", "基地介绍"),
        "experience": ("Development experience", "Experience"),
        "goals": ("Goals", "发展目标"),
        "news": ("Latest news", "News"),
        "recognition_sources": ("Recognition sources", "Recognition source"),
        "source": ("Source",),
        "permalink": ("Permalink", "Link"),
    }

    def dehydrate_status(self, base):
        return status_in_file(base.status)

    def dehydrate_category(self, base):
        return base.get_category_display()

    def dehydrate_years(self, base):
        years = [r.year for r in base.recognitions.all()]
        if len(years) == 1:
            return years[0]
        return MULTI_SEPARATOR.join(str(year) for year in years)

    def dehydrate_batches(self, base):
        recognitions = list(base.recognitions.all())
        if not any(r.batch for r in recognitions):
            return ""
        return MULTI_SEPARATOR.join(r.get_batch_display() for r in recognitions)

    def dehydrate_recognition_sources(self, base):
        return MULTI_SEPARATOR.join(r.source for r in base.recognitions.all())

    def dehydrate_permalink(self, base):
        return settings.SITE_URL.rstrip("/") + base.get_absolute_url()
