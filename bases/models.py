"""
National service-export bases (国家服务出口基地) and what the report says of each.

A base's recognitions are kept as the report states them, each with its place in the
report: where two chapters disagree (上海中医药大学: 首批 in 2021 by 第三章, 第二批 in
2022 by 第五章), both statements are kept and neither is invented away.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shdt.core.fields import SourceField
from shdt.reference.models import Region
from shdt.core.models import CodedReference, PermalinkModel, PublishableModel, PublishableQuerySet, path_expression, registry_history


class BaseDomain(CodedReference):
    """One of the seven fields the bases cover (七大领域): 数字, 文化, 中医药, …"""

    class Meta(CodedReference.Meta):
        verbose_name = _("base domain")
        verbose_name_plural = _("base domains")


class ExportBaseQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ExportBase(PublishableModel, PermalinkModel):
    """A national service-export base in Shanghai, with the text sections of 第五章."""

    # The labels are the report's words; files and imports use them in every language.
    class Category(models.TextChoices):
        DIGITAL = "digital-services", "国家数字服务出口基地"
        CULTURE = "culture", "国家文化出口基地"
        TCM = "tcm", "国家中医药服务出口基地"
        SPECIAL = "special", "特色服务出口基地"

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    domain = models.ForeignKey(BaseDomain, models.PROTECT, related_name="bases", verbose_name=_("domain"))
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="export_bases",
        verbose_name=_("region"),
        help_text=_("Only where the report says it."),
    )
    profile = models.TextField(_("profile"), blank=True)
    experience = models.TextField(_("development experience"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    news = models.TextField(_("latest news"), blank=True)
    source = SourceField()

    objects = ExportBaseQuerySet.as_manager()
    history = registry_history()

    class Meta:
        ordering = ["domain__sort_order", "name"]
        verbose_name = _("export base")
        verbose_name_plural = _("export bases")
        permissions = [("publish_exportbase", _("Can put export bases under public notice, publish and withdraw them"))]

    list_url_name = "exportbase_list"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("exportbase_detail", kwargs={"slug": self.slug})

    @classmethod
    def publication_url(cls):
        return path_expression("exportbase_detail", slug="slug")

    @property
    def category_label(self) -> str:
        """The category as the report writes it: 特色服务出口基地(人力资源) names its domain."""
        if self.category == self.Category.SPECIAL:
            return f"{self.get_category_display()}({self.domain.name})"
        return self.get_category_display()

    @property
    def category_label_en(self) -> str:
        english = CATEGORY_ENGLISH[self.category]
        if self.category == self.Category.SPECIAL:
            return f"{english} ({self.domain.name_en})"
        return english


CATEGORY_ENGLISH = {
    ExportBase.Category.DIGITAL: "National Digital Service Export Base",
    ExportBase.Category.CULTURE: "National Cultural Export Base",
    ExportBase.Category.TCM: "National Traditional Chinese Medicine Service Export Base",
    ExportBase.Category.SPECIAL: "Special Service Export Base",
}


class RecognitionQuerySet(models.QuerySet):
    def get_by_natural_key(self, base_slug, year, source):
        return self.get(base__slug=base_slug, year=year, source=source)


class Recognition(models.Model):
    """One statement of the report on when, and in which batch, a base was recognised."""

    class Batch(models.TextChoices):
        FIRST = "first", "首批"
        SECOND = "second", "第二批"

    base = models.ForeignKey(ExportBase, models.CASCADE, related_name="recognitions", verbose_name=_("export base"))
    year = models.PositiveSmallIntegerField(_("year recognised"))
    batch = models.CharField(_("batch"), max_length=16, choices=Batch.choices, blank=True)
    source = SourceField()

    objects = RecognitionQuerySet.as_manager()
    history = registry_history()

    class Meta:
        ordering = ["year", "source"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            models.UniqueConstraint(fields=["base", "year", "source"], name="recognition_unique_statement"),
        ]

    def __str__(self):
        batch = f" {self.get_batch_display()}" if self.batch else ""
        return f"{self.year}{batch}"

    @property
    def batch_label(self) -> str:
        return self.get_batch_display() if self.batch else ""

    @property
    def batch_label_en(self) -> str:
        return {"first": "first batch", "second": "second batch"}.get(self.batch, "")

    def natural_key(self):
        return (self.base.slug, self.year, self.source)

    natural_key.dependencies = ["bases.exportbase"]
