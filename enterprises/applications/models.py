"""
Applications for a year's list (issue 17): the windows staff open, what an enterprise
submits in one, and its attachments.

Nothing here is public. The models are not registered with shdt.core.registry: that
would put them in the data version, the roles' record grants and the history pages the
public tables share; the app gives the roles its own grants (apps.py) instead. Contact
data and attachments are read in the admin only with `view_application_contact`.
"""

import hashlib
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from enterprises.models import BusinessType, Enterprise
from shdt.core.fields import CreditCodeField, WebsiteField
from shdt.core.models import registry_history
from shdt.core.text import normalize_name
from shdt.core.validators import validate_plain_name, validate_registered_name
from shdt.reference.models import Region

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class PrivateStorage(FileSystemStorage):
    """
    The applicants' files, under settings.APPLICATION_FILES_ROOT (read when used, so that
    tests may move it): outside MEDIA_ROOT and STATIC_ROOT, and with no URL at all —
    FileSystemStorage would fall back to MEDIA_URL for a base_url of None.
    """

    @cached_property
    def base_location(self):
        return str(settings.APPLICATION_FILES_ROOT)

    @property
    def location(self):
        return str(Path(settings.APPLICATION_FILES_ROOT).resolve())

    def url(self, name):
        raise ValueError("Application files have no URL; staff download them through the admin.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def attachment_path(instance, filename: str) -> str:
    """A random name: the applicant's own name is kept as text only (original_name)."""
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(instance.content_type, "")
    return f"{timezone.now():%Y}/{secrets.token_hex(16)}{extension}"


def token_digest(token: str) -> str:
    """What is stored of a private link's token: its SHA-256, so that a copy of the database opens no application."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApplicationWindow(models.Model):
    """A period in which enterprises apply for a year's list."""

    year = models.PositiveSmallIntegerField(
        _("list year"), validators=[MinValueValidator(2000)], help_text=_("The year of the list applied for.")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    guidance = models.TextField(_("guidance"), blank=True, help_text=_("Shown to applicants above the form."))
    required_documents = models.TextField(
        _("required documents"), blank=True, help_text=_("The documents applicants attach, one per line.")
    )

    history = registry_history()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("application window")
        verbose_name_plural = _("application windows")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="application_window_closes_after_opening")
        ]

    def __str__(self):
        return _("Applications for the %(year)s list") % {"year": self.year}

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A window closes after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Application(models.Model):
    """One enterprise's application in a window, with its review."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        UNDER_REVIEW = "under_review", _("under review")
        RETURNED = "returned", _("returned for correction")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    window = models.ForeignKey(ApplicationWindow, models.PROTECT, related_name="applications", verbose_name=_("window"))
    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    reason = models.TextField(
        _("reason given to the applicant"), blank=True, editable=False,
        help_text=_("Why the application was returned or rejected; the applicant reads it on the private page."),
    )

    name = models.CharField(
        _("registered name"), max_length=200, validators=[validate_registered_name],
        help_text=_("The enterprise's registered Chinese name, as on its business licence."),
    )
    # Two applications for the same name in one window are flagged (selectors.same_enterprise).
    name_normalized = models.CharField(_("normalised name"), max_length=200, editable=False, db_index=True)
    # Required here, and not unique: one enterprise may apply in several windows.
    credit_code = CreditCodeField(blank=False, unique=False)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    business_type = models.ForeignKey(BusinessType, models.PROTECT, related_name="+", verbose_name=_("business type"))
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=[validate_plain_name])
    website = WebsiteField()

    contact_name = models.CharField(_("contact person"), max_length=100, validators=[validate_plain_name])
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    contact_email = models.EmailField(_("contact e-mail"))

    trade_volume = models.DecimalField(
        _("digital trade imports and exports last year (10,000 USD)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("数字贸易进出口额, in 万美元 (10,000 US dollars)."),
    )
    profile = models.TextField(_("company profile"))
    case = models.TextField(_("typical digital trade case"))
    technology_experience = models.TextField(_("experience in applying digital technology"))
    business_model_innovation = models.TextField(_("innovation in business model and application scenarios"))
    overseas_markets = models.TextField(_("overseas market development"))
    declaration = models.BooleanField(_("declaration"), default=False)

    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    enterprise = models.ForeignKey(
        Enterprise, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("matched enterprise")
    )
    class MatchKind(models.TextChoices):
        CREDIT_CODE = "credit_code", _("credit code")
        NAME = "name", _("normalised name")
        ALIAS = "alias", _("alias")
        NEW = "new", _("new enterprise")

    match_kind = models.CharField(_("matched by"), max_length=16, choices=MatchKind.choices, blank=True, editable=False)
    # Enterprises whose names sound like this one's (shdt.core.imports.matching.find_similar):
    # [{"id": …, "name": …}], for the reviewer to check.
    candidates = models.JSONField(_("likely duplicates"), default=list, blank=True, editable=False)

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reviewer")
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, help_text=_("Internal; never shown to the applicant."))
    notes = models.TextField(_("internal notes"), blank=True, help_text=_("Internal; never shown to the applicant."))

    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    # The token's digest stays out of the history: only the current row may open a link.
    history = registry_history(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [("view_application_contact", _("Can see applicants' contact data and attachments"))]

    def __str__(self):
        return f"{self.receipt_number} {self.name}"

    def save(self, *args, **kwargs):
        # A derived key, as Enterprise.name_normalized: not a side effect but the row's own value.
        self.name_normalized = normalize_name(self.name)
        super().save(*args, **kwargs)

    def correctable(self, now=None) -> bool:
        """Whether the applicant may still correct it: not yet under review, and the window open."""
        return self.status in (self.Status.SUBMITTED, self.Status.RETURNED) and self.window.is_open(now)


class Attachment(models.Model):
    """A PDF or image an applicant attached, stored under a random name outside every URL."""

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"

    application = models.ForeignKey(Application, models.CASCADE, related_name="attachments", verbose_name=_("application"))
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=40, choices=ContentType.choices)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
