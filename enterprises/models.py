"""
Enterprises and the lists they are on.

A year's list (AnnualList) names enterprises with a serial (ListMembership); an
enterprise keeps one record across all the years' lists it is on. Business types are
reference data with the stable codes that URLs, downloads, imports and the API share
(DOMAIN.md); regions, which the bases share, are in shdt.reference.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, TextField, Value, Window
from django.db.models.functions import Cast, Concat, Lower, RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shdt.core.fields import CreditCodeField, SourceField, WebsiteField, source_is_report
from shdt.core.models import (
    PUBLIC_STATUSES,
    CodedReference,
    PermalinkModel,
    PublishableModel,
    PublishableQuerySet,
    Status,
    TimestampedModel,
    path_expression,
    registry_history,
)
from shdt.core.text import normalize_name, search_document
from shdt.core.validators import validate_plain_name, validate_registered_name
from shdt.reference.models import Region

from .validation import split_aliases, validate_aliases, validate_name_free

# Trade volumes in the report (表 6-1) are in 万美元, i.e. 10,000 US dollars.
TRADE_VOLUME_UNIT = "万美元"
TRADE_VOLUME_UNIT_EN = "10,000 USD"


class BusinessType(CodedReference):
    """业务类型: cloud services, digital services, digital content, cross-border e-commerce."""

    aliases = models.CharField(
        _("other spellings"),
        max_length=200,
        blank=True,
        help_text=_("Other names the report uses for this type, separated by “;”, e.g. 跨境电商服务."),
    )

    class Meta(CodedReference.Meta):
        verbose_name = _("business type")
        verbose_name_plural = _("business types")

    def spellings(self) -> list[str]:
        others = [a.strip() for a in self.aliases.replace("；", ";").split(";") if a.strip()]
        return [*super().spellings(), *others]


class EnterpriseQuerySet(models.QuerySet):
    def get_by_natural_key(self, name_normalized):
        return self.get(name_normalized=name_normalized)

    def public(self):
        """The enterprises the public sees: those on a list under public notice or published."""
        return self.filter(listing__isnull=False)

    def refresh_public_listing(self, *, may_remove: bool = True) -> None:
        """
        Recompute these enterprises' PublicListing rows from their list entries the public
        sees: one for each enterprise on a public list, from its latest such entry. Call it after any write to list entries that sends no signal
        (bulk writes); single saves do it by signal.
        """
        from shdt.core.publication import insert_select

        # Two set-based statements whatever the number of enterprises (subqueries, not
        # lists of ids). An upsert, not a delete and an insert: a row that stays is
        # updated in place, and its reference to the enterprise is not checked again.
        enterprises = self.order_by().values("pk")
        public = ListMembership.objects.filter(status__in=PUBLIC_STATUSES)
        # On no public list any more: no row (one DELETE; the rows send no signals and
        # nothing refers to them). A caller that only made entries public says so
        # (may_remove=False), and the DELETE, which could find nothing, is not run.
        if may_remove:
            PublicListing.objects.filter(enterprise__in=enterprises).exclude(
                Exists(public.filter(enterprise=OuterRef("enterprise")))
            ).delete()
        # Each enterprise's public entries, newest list first: the first is its latest (a
        # window, so that each entry is read once, not compared with the others).
        newest_first = Window(RowNumber(), partition_by=F("enterprise_id"), order_by=F("annual_list__year").desc())
        latest = public.filter(enterprise__in=enterprises).annotate(rank=newest_first).filter(rank=1).order_by()
        columns = {
            "enterprise": F("enterprise_id"),
            "list_year": F("annual_list__year"),
            "serial": F("serial"),
            "status": F("status"),
        }
        insert_select(PublicListing, columns, latest, connections[self.db], update_conflicts="enterprise")


class Enterprise(PermalinkModel):
    """A company as registered: one record whatever the year or the spelling it is listed under."""

    name = models.CharField(
        _("name"),
        max_length=200,
        validators=[validate_registered_name],
        help_text=_("The registered Chinese name, with full-width parentheses （）."),
    )
    # The key that decides identity: the database refuses two names that differ only
    # in full-/half-width characters or white space (see shdt.core.text.normalize_name).
    name_normalized = models.CharField(_("normalised name"), max_length=200, unique=True, editable=False)
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=[validate_plain_name])
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        validators=[validate_aliases],
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
    # Derived columns are left out: the history holds the names.
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
    def from_report(self) -> bool:
        """Whether the record comes from a report, whose silence on a field its page then states (not “unknown”)."""
        return source_is_report(self.source)

    @property
    def on_public_list(self) -> bool:
        """On a list the public sees (select_related("listing") reads it with the enterprise)."""
        return hasattr(self, "listing")

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)

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
        twin = Enterprise.objects.filter(name_normalized=self.name_normalized).exclude(pk=self.pk)
        validate_name_free(self.name, self.pk, twin.values_list("pk", "name").first())

    def validate_unique(self, exclude=None):
        # clean() reports a twin name on `name`, where the person typed it; the same
        # clash on the derived key would only say it twice.
        super().validate_unique(exclude={*(exclude or ()), "name_normalized"})

    def save(self, *args, **kwargs):
        # Derived columns, not side effects: the unique key must never be stale.
        self.refresh_derived_fields()
        super().save(*args, **kwargs)


class PublicListing(models.Model):
    """
    Where the public sees an enterprise: its latest list under public notice or published,
    its 序号 and status there. Derived from the list entries by
    EnterpriseQuerySet.refresh_public_listing, so that the public list filters and sorts
    on indexed columns; an enterprise on no public list has no row, and is not public.
    A narrow table of its own, not columns of the enterprise: publishing a list rewrites
    these rows, and a row of the wide enterprise table would rewrite its dozen indexes.
    """

    enterprise = models.OneToOneField(
        Enterprise, models.CASCADE, primary_key=True, related_name="listing", verbose_name=_("enterprise")
    )
    list_year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)

    class Meta:
        verbose_name = _("public listing")
        verbose_name_plural = _("public listings")
        indexes = [
            # The public list's default order: newest list first, then its 序号 (unique
            # within a list). Including the enterprise makes a deep page's keys an
            # index-only scan (PostgreSQL; SQLite ignores the INCLUDE).
            models.Index(fields=["-list_year", "serial"], include=["enterprise"], name="public_listing_order"),
        ]

    def __str__(self):
        return f"{self.list_year} · {self.serial} · {self.enterprise_id}"


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


class ListMembershipQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, year, name_normalized):
        return self.get(annual_list__year=year, enterprise__name_normalized=name_normalized)


class ListMembership(PublishableModel):
    """An enterprise's place on a year's list, with its 序号: public once under notice or published."""

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
        permissions = [("publish_listmembership", _("Can put list entries under public notice, publish and withdraw them"))]
        constraints = [
            models.UniqueConstraint(fields=["annual_list", "enterprise"], name="membership_once_per_list"),
            models.UniqueConstraint(fields=["annual_list", "serial"], name="membership_serial_unique"),
        ]

    list_url_name = "enterprise_list"

    def __str__(self):
        return f"{self.annual_list.year} · {self.serial} · {self.enterprise.name}"

    @classmethod
    def page_public_condition(cls) -> models.Q:
        # An entry's page is its enterprise's profile.
        return models.Q(enterprise__listing__isnull=False)

    @classmethod
    def publication_title(cls):
        # As __str__ says it.
        return numbered_title("annual_list__year")

    @classmethod
    def publication_url(cls):
        return path_expression("enterprise_detail", slug="enterprise__slug")

    @classmethod
    def after_publication_change(cls, records, *, to) -> None:
        # Entries that became (or stayed) public take no enterprise off the public list.
        enterprises = Enterprise.objects.filter(pk__in=records.values("enterprise_id"))
        enterprises.refresh_public_listing(may_remove=to not in PUBLIC_STATUSES)

    def natural_key(self):
        return (self.annual_list.year, self.enterprise.name_normalized)

    natural_key.dependencies = ["enterprises.annuallist", "enterprises.enterprise"]


class CaseStudyQuerySet(PublishableQuerySet):
    def public(self):
        """Public case studies of enterprises the public sees."""
        return super().public().filter(enterprise__listing__isnull=False)

    def get_by_natural_key(self, report_year, name_normalized):
        return self.get(report_year=report_year, enterprise__name_normalized=name_normalized)


class CaseStudy(PublishableModel, TimestampedModel):
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
    # The four sections in lower case, one per line: what the site's search matches
    # (shdt.core.search). The database computes it on every write, bulk ones and
    # imports included, and on PostgreSQL a trigram index serves it (migration 0015).
    search_text = models.GeneratedField(
        expression=Lower(
            Concat(
                "profile", Value("\n"), "case", Value("\n"), "technology_experience", Value("\n"),
                "business_model_innovation", Value("\n"), "overseas_markets",
                output_field=TextField(),
            )
        ),
        output_field=TextField(),
        db_persist=True,
        verbose_name=_("search text"),
    )

    objects = CaseStudyQuerySet.as_manager()
    # The search text is the sections again: the history keeps them once.
    history = registry_history(excluded_fields=["search_text"])

    class Meta:
        ordering = ["-report_year", "serial"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        permissions = [("publish_casestudy", _("Can put case studies under public notice, publish and withdraw them"))]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "report_year"], name="case_study_once_per_year"),
            models.UniqueConstraint(fields=["report_year", "serial"], name="case_study_serial_unique"),
        ]

    list_url_name = "enterprise_list"

    def __str__(self):
        return f"{self.report_year} · {self.serial} · {self.enterprise.name}"

    @classmethod
    def feed_condition(cls) -> models.Q:
        # A case study is public only with its enterprise: until then it is not named.
        return models.Q(enterprise__listing__isnull=False)

    page_public_condition = feed_condition

    @classmethod
    def publication_title(cls):
        return numbered_title("report_year")

    @classmethod
    def publication_url(cls):
        return path_expression("enterprise_detail", slug="enterprise__slug")

    def natural_key(self):
        return (self.report_year, self.enterprise.name_normalized)

    natural_key.dependencies = ["enterprises.enterprise"]

    @property
    def trade_volume_unit(self) -> str:
        return TRADE_VOLUME_UNIT


def numbered_title(year: str):
    """“2022 · 65 · 博彦科技（上海）有限公司”: a year, a 序号 and the enterprise's name, as an SQL expression."""
    return Concat(
        Cast(year, TextField()), Value(" · "), Cast("serial", TextField()), Value(" · "), F("enterprise__name"),
        output_field=TextField(),
    )


class ListEditionQuerySet(models.QuerySet):
    def get_by_natural_key(self, year, number):
        return self.get(annual_list__year=year, number=number)


class ListEdition(models.Model):
    """
    A published edition of a year's list, frozen when a reviewer publishes the list: its
    rows as CSV, XLSX and JSON, each with its SHA-256, at a permanent address. An edition
    is never changed afterwards, whatever happens to the live records.
    """

    annual_list = models.ForeignKey(AnnualList, models.PROTECT, related_name="editions", verbose_name=_("annual list"))
    number = models.PositiveSmallIntegerField(_("edition"))
    published_at = models.DateTimeField(_("date published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("published by")
    )
    row_count = models.PositiveIntegerField(_("rows"))
    note = models.TextField(_("note"), blank=True)
    csv_file = models.BinaryField(_("CSV file"), editable=False)
    xlsx_file = models.BinaryField(_("XLSX file"), editable=False)
    json_file = models.BinaryField(_("JSON file"), editable=False)
    csv_sha256 = models.CharField(_("SHA-256 of the CSV"), max_length=64, editable=False)
    xlsx_sha256 = models.CharField(_("SHA-256 of the XLSX"), max_length=64, editable=False)
    json_sha256 = models.CharField(_("SHA-256 of the JSON"), max_length=64, editable=False)

    objects = ListEditionQuerySet.as_manager()

    class Meta:
        ordering = ["annual_list__year", "number"]
        verbose_name = _("list edition")
        verbose_name_plural = _("list editions")
        constraints = [
            models.UniqueConstraint(fields=["annual_list", "number"], name="edition_number_unique"),
        ]

    def __str__(self):
        return f"{self.annual_list.year} · {self.number}"

    def natural_key(self):
        return (self.annual_list.year, self.number)

    natural_key.dependencies = ["enterprises.annuallist"]

    def save(self, *args, **kwargs):
        # An edition is a citable publication: once written, it stays as it is.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("A published list edition cannot be changed.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("listedition_detail", kwargs={"year": self.annual_list.year, "number": self.number})

    def file_name(self, extension: str) -> str:
        return f"shdt-enterprises-{self.annual_list.year}-edition-{self.number}.{extension}"

    def file(self, extension: str) -> bytes:
        return bytes(getattr(self, f"{extension}_file"))

    def sha256(self, extension: str) -> str:
        return getattr(self, f"{extension}_sha256")


class PendingChange(models.Model):
    """
    An editor's change to a public enterprise's own fields, waiting for a reviewer: the
    record keeps its old values, which the public goes on seeing, until a reviewer
    approves (the change is applied, with history) or rejects it (with a reason). One
    open change per enterprise: a further edit merges into it (enterprises.services).
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="pending_changes", verbose_name=_("enterprise")
    )
    # {field: [old, new]} as enterprises.review encodes them: text, or a region's and a
    # business type's code, so that a change names reference data as files and the API do.
    changes = models.JSONField(_("changes"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Decision.choices, default=Decision.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed"))
    # The import that proposed it, if one did (the admin and the API leave it empty).
    import_record = models.ForeignKey(
        "shdt.ImportRecord", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("import")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        constraints = [
            # A second edit merges into the open change: a reviewer never approves one
            # change over another of the same record.
            models.UniqueConstraint(
                fields=["enterprise"], condition=models.Q(status="pending"), name="pending_change_one_open_per_enterprise"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Decision.PENDING
