"""
Enterprises and the lists they are on.

A year's list (AnnualList) names enterprises with a serial (ListMembership); an
enterprise keeps one record across all the years' lists it is on. Regions and
business types are reference data with the stable codes that URLs, downloads,
imports and the API share (DOMAIN.md).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shdt.fields import CreditCodeField, SourceField, WebsiteField
from shdt.models import PermalinkModel, TimestampedModel, registry_history
from shdt.text import normalize_name, search_document

# Trade volumes in the report (表 6-1) are in 万美元, i.e. 10,000 US dollars.
TRADE_VOLUME_UNIT = "万美元"
TRADE_VOLUME_UNIT_EN = "10,000 USD"


class CodedQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """A district of Shanghai, or the Lingang Special Area, which the lists treat as a region."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    short_name = models.CharField(_("short name"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=64)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CodedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def spellings(self) -> list[str]:
        """Return every way a spreadsheet may name this region (DOMAIN.md)."""
        return [self.code, self.short_name, self.name, self.name_en]


class BusinessType(models.Model):
    """业务类型: cloud services, digital services, digital content, cross-border e-commerce."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=16, unique=True)
    name_en = models.CharField(_("English name"), max_length=64)
    aliases = models.CharField(
        _("other spellings"),
        max_length=200,
        blank=True,
        help_text=_("Other names the report uses for this type, separated by “;”, e.g. 跨境电商服务."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CodedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("business type")
        verbose_name_plural = _("business types")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def spellings(self) -> list[str]:
        """Return every way a spreadsheet may name this type."""
        others = [a.strip() for a in self.aliases.replace("；", ";").split(";") if a.strip()]
        return [self.code, self.name, self.name_en, *others]


class EnterpriseQuerySet(models.QuerySet):
    def get_by_natural_key(self, name_normalized):
        return self.get(name_normalized=name_normalized)


class Enterprise(PermalinkModel):
    """A company as registered: one record whatever the year or the spelling it is listed under."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("The registered Chinese name, with full-width parentheses （）."),
    )
    # The key that decides identity: the database refuses two names that differ only
    # in full-/half-width characters or white space (see shdt.text.normalize_name).
    name_normalized = models.CharField(_("normalised name"), max_length=200, unique=True, editable=False)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other spellings and brand names, one per line (e.g. 上海纵游网络科技有限公司, INTSIG)."),
    )
    business_type = models.ForeignKey(
        BusinessType, models.PROTECT, related_name="enterprises", verbose_name=_("business type")
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="enterprises", verbose_name=_("region"))
    credit_code = CreditCodeField()
    website = WebsiteField()
    source = SourceField()
    # Name, aliases and English name with their pinyin, lower-cased: what `q` matches.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = EnterpriseQuerySet.as_manager()
    # The search text is derived from the names, which the history already holds.
    history = registry_history(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name_normalized"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name_normalized,)

    def get_absolute_url(self):
        return reverse("enterprise_detail", kwargs={"slug": self.slug})

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def refresh_derived_fields(self) -> None:
        """Set the fields computed from the names; every write path calls this before saving."""
        self.refresh_name_keys()
        self.assign_permalink()

    def refresh_name_keys(self) -> None:
        """Set the fields computed from the names, except the permalink (an import assigns those in bulk)."""
        self.name = self.name.strip()
        self.name_normalized = normalize_name(self.name)
        self.aliases = "\n".join(self.alias_list)
        self.search_text = search_document(self.name, *self.alias_list, self.name_en)

    def clean(self):
        self.refresh_derived_fields()
        twin = Enterprise.objects.filter(name_normalized=self.name_normalized).exclude(pk=self.pk).first()
        if twin is not None:
            raise ValidationError(
                {
                    "name": ValidationError(
                        _(
                            "An enterprise with this name already exists: “%(existing)s”. "
                            "Names that differ only in full-/half-width characters or spaces are the same enterprise."
                        ),
                        code="duplicate_name",
                        params={"existing": twin.name},
                    )
                }
            )

    def validate_unique(self, exclude=None):
        # clean() reports a twin name on `name`, where the person typed it; the same
        # clash on the derived key would only say it twice.
        super().validate_unique(exclude={*(exclude or ()), "name_normalized"})

    def save(self, *args, **kwargs):
        # Derived columns, not side effects: the unique key must never be stale.
        self.refresh_derived_fields()
        super().save(*args, **kwargs)


class AnnualListQuerySet(models.QuerySet):
    def get_by_natural_key(self, year):
        return self.get(year=year)


class AnnualList(TimestampedModel):
    """One year's list of innovation enterprises, e.g. 2022年上海数字贸易创新企业."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    source = SourceField()

    objects = AnnualListQuerySet.as_manager()
    history = registry_history()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual list")
        verbose_name_plural = _("annual lists")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.year,)


class ListMembershipQuerySet(models.QuerySet):
    def get_by_natural_key(self, year, name_normalized):
        return self.get(annual_list__year=year, enterprise__name_normalized=name_normalized)


class ListMembership(models.Model):
    """An enterprise's place on a year's list, with its 序号."""

    annual_list = models.ForeignKey(
        AnnualList, models.CASCADE, related_name="memberships", verbose_name=_("annual list")
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="memberships", verbose_name=_("enterprise")
    )
    serial = models.PositiveIntegerField(_("serial number"))
    source = SourceField()

    objects = ListMembershipQuerySet.as_manager()
    history = registry_history()

    class Meta:
        ordering = ["annual_list", "serial"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(fields=["annual_list", "enterprise"], name="membership_once_per_list"),
            models.UniqueConstraint(fields=["annual_list", "serial"], name="membership_serial_unique"),
        ]

    def __str__(self):
        return f"{self.annual_list.year} · {self.serial} · {self.enterprise.name}"

    def natural_key(self):
        return (self.annual_list.year, self.enterprise.name_normalized)

    natural_key.dependencies = ["enterprises.annuallist", "enterprises.enterprise"]


class CaseStudyQuerySet(models.QuerySet):
    def get_by_natural_key(self, report_year, name_normalized):
        return self.get(report_year=report_year, enterprise__name_normalized=name_normalized)


class CaseStudy(TimestampedModel):
    """
    A 典型企业 of a year's report (表 6-1 and 第六章): its trade volume and the four
    sections every case has, the third in its two sub-parts.
    """

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="case_studies", verbose_name=_("enterprise")
    )
    report_year = models.PositiveSmallIntegerField(_("report year"), validators=[MinValueValidator(2000)])
    serial = models.PositiveIntegerField(_("serial number"))
    trade_volume = models.DecimalField(
        _("digital trade imports and exports (10,000 USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("数字贸易进出口额, in 万美元 (10,000 US dollars)."),
    )
    profile = models.TextField(_("company profile"), blank=True)
    case = models.TextField(_("typical digital trade case"), blank=True)
    technology_experience = models.TextField(_("experience in applying digital technology"), blank=True)
    business_model_innovation = models.TextField(
        _("innovation in business models and application scenarios"), blank=True
    )
    overseas_markets = models.TextField(_("overseas market development"), blank=True)
    source = SourceField()

    objects = CaseStudyQuerySet.as_manager()
    history = registry_history()

    class Meta:
        ordering = ["-report_year", "serial"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "report_year"], name="case_study_once_per_year"),
            models.UniqueConstraint(fields=["report_year", "serial"], name="case_study_serial_unique"),
        ]

    def __str__(self):
        return f"{self.report_year} · {self.serial} · {self.enterprise.name}"

    def natural_key(self):
        return (self.report_year, self.enterprise.name_normalized)

    natural_key.dependencies = ["enterprises.enterprise"]

    @property
    def trade_volume_unit(self) -> str:
        return TRADE_VOLUME_UNIT
