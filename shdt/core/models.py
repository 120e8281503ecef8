"""
Abstract models that the apps' records share, the history every record keeps, and the
record of each import (ImportRecord).
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import permalink_slug


class TimestampedModel(models.Model):
    """Created and last-changed times, which the public pages show as “last updated”."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class CodedQuerySet(models.QuerySet):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class CodedReference(models.Model):
    """
    A row of reference data (a region, a business type, a base's domain): a stable code
    that URLs, downloads, imports and the API share (DOMAIN.md), its Chinese and English
    names, and its place in lists.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=64)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CodedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def spellings(self) -> list[str]:
        """Every way a spreadsheet may name this row (the import matches any of them)."""
        return [self.code, self.name, self.name_en]


class PermalinkModel(TimestampedModel):
    """
    A record with a public page at a stable address: the slug is made from the name
    when the record is first saved, and then kept even if the name changes.
    """

    slug = models.SlugField(_("permalink"), max_length=80, unique=True, editable=False)

    class Meta:
        abstract = True

    def assign_permalink(self) -> None:
        if not self.slug:
            self.slug = unique_slug(type(self), permalink_slug(self.name), exclude_pk=self.pk)

    def save(self, *args, **kwargs):
        self.assign_permalink()
        super().save(*args, **kwargs)


def unique_slug(model, base: str, exclude_pk=None, taken: set[str] | None = None) -> str:
    """
    Return `base`, or `base-2`, `base-3`… the first that no other row of `model` uses.

    An import assigning many slugs passes the slugs already `taken` (read once, and
    added to as it goes) instead of a query per record.
    """
    if taken is None:
        taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


class ImportedHistory(models.Model):
    """
    What every record's history rows carry besides simple-history's own columns: the
    import that made the change, if one did (hand edits leave it empty).
    """

    import_record = models.ForeignKey(
        "shdt.ImportRecord",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("import"),
    )

    class Meta:
        abstract = True


class _EveryFieldBut:
    """A `no_db_index` for simple-history that holds every field's name but `kept`."""

    def __init__(self, *kept: str):
        self.kept = kept

    def __contains__(self, name: str) -> bool:
        return name not in self.kept


def registry_history(**kwargs) -> HistoricalRecords:
    """
    Return the history of a registry model: who, when, what, and by which import.

    A history table is read by record (`id`), by date, by person and by import, never by
    the record's other columns; so those four are its only indexes beside its own key.
    simple-history would copy every index of the record's table (its unique keys, its
    foreign keys), and each is written again for every history row: an import of 100,000
    enterprises wrote thirteen index entries per history row where five serve a reader.
    """
    return HistoricalRecords(bases=[ImportedHistory], no_db_index=_EveryFieldBut("id"), **kwargs)


class ImportRecord(models.Model):
    """
    One import of a spreadsheet: its file, who and when, where it has got to (its `phase`,
    and `rows_done` of that phase's `rows_total`, for the admin's progress page), its
    counts and every error.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("checking the file")
        PREVIEWED = "previewed", _("ready to confirm")
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("not imported")
        CANCELLED = "cancelled", _("cancelled")

    class Phase(models.TextChoices):
        """The steps of a run, in their order: a check takes the first two, an import all five."""

        READING = "reading", _("reading the file")
        CHECKING = "checking", _("checking the rows")
        RECORDS = "records", _("writing the records")
        HISTORY = "history", _("writing the records' history")
        PUBLIC = "public", _("refreshing what the public sees")

    # The states in which a worker (or the request) is still busy with the record.
    BUSY = (Status.CHECKING, Status.QUEUED, Status.RUNNING)
    CHECK_PHASES = (Phase.READING, Phase.CHECKING)
    IMPORT_PHASES = tuple(Phase)

    kind = models.CharField(_("table"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    # The uploaded bytes, kept in the database so that the background worker (another
    # process, perhaps another machine) can read them; dropped once the import ends.
    file_content = models.BinaryField(_("file content"), null=True, editable=False)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    list_year = models.PositiveSmallIntegerField(_("list year"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    # Messages are written in the language of the person who uploaded the file.
    language = models.CharField(_("language"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKING)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # While busy: the phase the run is in, and how many of the phase's rows (or records)
    # it has done; once it ends, every row of the file.
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # [{"row", "column", "code", "message"}], every error of the last check or import.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The preview the staff member confirms: see shdt.core.imports.ImportResult.as_json().
    preview = models.JSONField(_("preview"), null=True, blank=True)
    # Row number → "new" or the id of an existing enterprise, for rows flagged as likely duplicates.
    decisions = models.JSONField(_("decisions"), default=dict, blank=True)
    task_id = models.CharField(_("background task"), max_length=64, blank=True)
    # The lease on a busy record (shdt.core.imports.runner). `heartbeat_at`: when the run
    # last showed a sign of life, or when it was handed to a worker that has not taken it
    # yet; every write of the run's progress moves it, and each of those writes is
    # conditional on the value the run wrote last, so a run whose record was cancelled or
    # retried meanwhile finds out and stops. `started_at`: when a worker (or the request)
    # took this run; empty while it waits in the queue.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.pk} · {self.file_name}"

    def get_absolute_url(self):
        return reverse("admin:shdt_importrecord_change", args=[self.pk])

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY

    @property
    def last_sign_of_life(self):
        """When the run last wrote its progress, or was queued; a record from before the lease, when it was uploaded."""
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def lease_seconds(self) -> int:
        """
        How long the record may go without a sign of life before its worker is taken for
        dead: a running check or import writes its progress every few seconds; a record
        waiting in the queue may wait longer, behind another import on the one worker.
        """
        if self.started_at is None:
            return settings.IMPORT_QUEUE_LEASE_SECONDS
        return settings.IMPORT_LEASE_SECONDS

    @property
    def is_stalled(self) -> bool:
        """Busy, but without a sign of life for longer than its lease: the worker stopped (killed, restarted, never started)."""
        if not self.is_busy or self.last_sign_of_life is None:
            return False
        return (timezone.now() - self.last_sign_of_life).total_seconds() > self.lease_seconds

    @property
    def phases(self) -> tuple:
        """The phases of this run: a check (dry run) reads and checks; an import also writes."""
        return self.CHECK_PHASES if self.status == self.Status.CHECKING else self.IMPORT_PHASES

    @property
    def phase_number(self) -> int:
        """The current phase's place among this run's phases, from 1; 0 before the first."""
        return self.phases.index(self.phase) + 1 if self.phase in self.phases else 0

    @property
    def percent_done(self) -> int:
        """
        How far the whole run has got: each phase an equal part, the current one by its
        rows done. Below 100 until the import is done (its last rows written is not yet
        its end: the record says so in the same transaction).
        """
        if self.status == self.Status.DONE:
            return 100
        if not self.phase_number:
            return 0
        fraction = min(1, self.rows_done / self.rows_total) if self.rows_total else 0
        percent = int((self.phase_number - 1 + fraction) * 100 / len(self.phases))
        return min(percent, 99) if self.is_busy else percent


# --- Publication -------------------------------------------------------------


class Status(models.TextChoices):
    """Where a record stands: only what is under public notice or published is public."""

    DRAFT = "draft", _("draft")
    NOTICE = "notice", _("under public notice")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


PUBLIC_STATUSES = (Status.NOTICE, Status.PUBLISHED)

# How files (downloads, exports, editions) write a status, whatever the page's language.
STATUS_IN_FILES = {
    Status.DRAFT: "草稿",
    Status.NOTICE: "公示中",
    Status.PUBLISHED: "已发布",
    Status.WITHDRAWN: "已撤回",
}


class PublishableQuerySet(models.QuerySet):
    def public(self):
        """The records the public may see: under public notice (公示) or published."""
        return self.filter(status__in=PUBLIC_STATUSES)


class PublishableModel(models.Model):
    """
    A record that the public sees only once a reviewer has put it under public notice
    (公示) or published it. Staff change the state through shdt.core.publication, never by
    editing the field, so that every change is checked and recorded.
    """

    status = models.CharField(
        _("publication status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    notice = models.ForeignKey(
        "shdt.Notice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("public notice"),
    )
    published_at = models.DateTimeField(_("date published"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    # The public page that stands in for a record's own in the change feed when that is
    # not public, or when the record has none.
    list_url_name = "home"

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @classmethod
    def feed_condition(cls) -> models.Q:
        """The condition (on the record) for its publication events to be in the public feed."""
        return models.Q()

    @classmethod
    def page_public_condition(cls) -> models.Q:
        """The condition (on the record) for its own page to be public now."""
        return models.Q(status__in=PUBLIC_STATUSES)

    @classmethod
    def publication_title(cls) -> models.Expression:
        """
        What the change feed calls a record, as an expression over its table: shdt.core.
        publication writes every moved record's in one statement. By default its `title`
        or `name` field; a model whose __str__ says more declares the same here.
        """
        for name in ("title", "name"):
            try:
                cls._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            return models.F(name)
        raise ImproperlyConfigured(f"{cls.__name__} must say what the change feed calls its records (publication_title).")

    @classmethod
    def publication_url(cls) -> models.Expression:
        """The path of a record's public page, as an expression over its table ("" when it has none)."""
        return models.Value("")

    @classmethod
    def after_publication_change(cls, records: models.QuerySet, *, to: str) -> None:
        """
        Keep what depends on the records' states true, once shdt.core.publication has moved
        `records` (a queryset of them; a bulk write: no signal is sent) to the status `to`.
        Set-based, as the move is: a statement or two whatever the number of records.
        Nothing by default.
        """


def path_expression(url_name: str, **fields: str) -> models.Expression:
    """
    The path that reverse(url_name, kwargs=…) makes, as an SQL expression in which each
    keyword argument is the field (e.g. slug="enterprise__slug") that fills it, so that
    a bulk write can store the addresses of many records in one statement.
    """
    markers = {name: f"shdtfield{index}marker" for index, name in enumerate(fields)}
    path = reverse(url_name, kwargs=markers)
    parts: list = []
    for name, marker in markers.items():
        before, path = path.split(marker, 1)
        parts += [models.Value(before), models.F(fields[name])]
    return Concat(*parts, models.Value(path), output_field=models.CharField())


class Notice(models.Model):
    """
    A public notice (公示): the period during which records are shown as “under public
    notice”, and whom to contact with an objection.
    """

    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("notice starts"))
    ends_on = models.DateField(_("notice ends"))
    contact = models.CharField(
        _("contact for objections"), max_length=300, help_text=_("Who takes objections, and how: e.g. 上海市商务委员会 服务贸易处 021-…")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self):
        return f"{self.title}（{self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}）"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A notice cannot end before it starts.")})


class PublicationEvent(models.Model):
    """One change of what the public sees; the change feed (Atom) is made of these."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=Status.choices)
    kind = models.CharField(_("kind of record"), max_length=64)
    record_id = models.PositiveBigIntegerField(_("record"))
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("public address"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.title}"


class PublicationJob(models.Model):
    """
    A reviewer's move of more records than a web request should wait for
    (settings.PUBLICATION_BACKGROUND_ROWS): the background worker makes it
    (shdt.core.tasks), and the admin shows where it has got to, as for an import.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("moving the records")
        DONE = "done", _("done")
        FAILED = "failed", _("not done")

    BUSY = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("kind of record"), max_length=64)
    action = models.CharField(_("action"), max_length=16, choices=Status.choices)
    notice = models.ForeignKey(
        Notice, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("public notice")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    status = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # When the job was last queued (created or run again), and when a worker took it:
    # what tells a job whose worker stopped (is_stalled) from one that is only slow.
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("records selected"), default=0)
    moved_count = models.PositiveIntegerField(_("records moved"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("background task"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("publication job")
        verbose_name_plural = _("publication jobs")

    def __str__(self):
        return f"{self.pk} · {self.kind} → {self.action}"

    def get_absolute_url(self):
        return reverse("admin:shdt_publicationjob_change", args=[self.pk])

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY

    @property
    def is_stalled(self) -> bool:
        """
        Busy for longer than a worker takes: queued and not taken within
        IMPORT_QUEUE_LEASE_SECONDS (no worker runs), or taken and not ended within
        PUBLICATION_JOB_LEASE_SECONDS (its worker stopped; the move, one transaction,
        was rolled back). Its page then offers to run it again.
        """
        if self.status == self.State.QUEUED:
            since, lease = self.queued_at or self.created_at, settings.IMPORT_QUEUE_LEASE_SECONDS
        elif self.status == self.State.RUNNING:
            since, lease = self.started_at, settings.PUBLICATION_JOB_LEASE_SECONDS
        else:
            return False
        return since is not None and (timezone.now() - since).total_seconds() > lease


class PublicationJobRecord(models.Model):
    """One record a PublicationJob moves (written with INSERT … SELECT, dropped when the job ends)."""

    job = models.ForeignKey(PublicationJob, models.CASCADE, related_name="records")
    record_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "record_id"], name="publication_job_record_once")]


def new_data_token() -> str:
    """A token no registry has had before: 128 random bits."""
    return secrets.token_hex(16)


class DataVersion(models.Model):
    """
    One row naming the state of the registry's records: a random token written again in
    the same transaction as each change (see shdt.core.versioning). Caches key on it, so
    that no page is ever served older than the last change; pages show its time as the
    registry's “last updated”.
    """

    token = models.CharField(max_length=32, default=new_data_token)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data version")

    def __str__(self):
        return self.token


class CorrectionRequest(models.Model):
    """
    A visitor's report of an error in a public record (“report an error” on its page),
    kept for staff to check and handle. Linked to any kind of record by content type and
    id; the record's name at the time is kept too, so the request still says what it was
    about if the record is renamed or removed. Not a registered record: saving one changes
    nothing the public sees, and so writes no new data token.
    """

    MESSAGE_MAX_LENGTH = 2000

    class State(models.TextChoices):
        NEW = "new", _("awaiting handling")
        HANDLED = "handled", _("handled")
        DISMISSED = "dismissed", _("dismissed")

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+", verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    record_title = models.CharField(_("record"), max_length=300)
    message = models.TextField(_("what is wrong"), max_length=MESSAGE_MAX_LENGTH)
    contact = models.CharField(_("contact (optional)"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.NEW, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("staff note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="correction_record")]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self):
        return f"{self.record_title} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.record_title
