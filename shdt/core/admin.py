"""
The admin of imports: upload → preview → confirm, the progress of background imports,
the changes an import made, and the empty templates. The views only call shdt.core.imports
(or queue shdt.core.tasks, which call the same) and render what the ImportRecord holds.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .imports import (
    ALL_NEW,
    ALL_SAME,
    ImportRefused,
    decide_all,
    import_record_cancel,
    import_record_create,
    import_record_queue,
    import_record_run,
    read_upload,
    template_xlsx,
)
from .models import ImportRecord, Notice, PublicationEvent, PublicationJob
from .publication import publication_job_requeue
from .registry import history_models, model_for_label
from .roles import can_publish
from .tables import all_tables, importable_tables
from .workbench import IMPORT_STAGES, MINE, MINE_PARAMETER, STAGE_PARAMETER, import_conditions

HISTORY_PAGE_ROWS = 500


class CodedReferenceAdmin(admin.ModelAdmin):
    """The admin of a reference table (shdt.core.models.CodedReference)."""

    list_display = ["name", "name_en", "code", "sort_order"]
    search_fields = ["code", "name", "name_en"]
    ordering = ["sort_order"]


def table_choices():
    return [(name, table.resource_class._meta.model._meta.verbose_name_plural) for name, table in importable_tables().items()]


def kind_label(kind: str) -> str:
    return dict(table_choices()).get(kind, kind)


class ImportLinkMixin:
    """Add “Import” and “Template” buttons to the changelist of a table that can be imported."""

    import_kind: str = ""
    change_list_template = "admin/shdt/change_list_with_import.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {"import_kind": self.import_kind, **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra_context)


def may_import(user, kind: str) -> bool:
    """An import adds and changes records of its table: the account needs both permissions on them."""
    model = all_tables()[kind].resource_class._meta.model
    opts = model._meta
    return user.has_perms([f"{opts.app_label}.add_{opts.model_name}", f"{opts.app_label}.change_{opts.model_name}"])


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("table"), choices=table_choices)
    file = forms.FileField(
        label=_("file"),
        help_text=_("An Excel workbook (.xlsx), a CSV file (UTF-8 or GB18030) or the registry's JSON export."),
    )
    list_year = forms.IntegerField(
        label=_("list year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_(
            "Enterprises: put them on this year's list with the file's 序号 (the list is created if it is new). "
            "Case studies: the report year (default: the latest list)."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if not may_import(self.user, kind):
            raise forms.ValidationError(_("Your account may not add or change these records."), code="permission")
        return kind

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.content = read_upload(upload)
        except ImportRefused as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from None
        return upload


class TableFilter(admin.SimpleListFilter):
    """The imports by table, each named as the staff know it (企业, 政策文件), not by its code."""

    title = _("table")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return table_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class ImportStageFilter(admin.SimpleListFilter):
    """Where imports have got to, as the admin index's workbench counts them (shdt.core.workbench)."""

    title = _("stage")
    parameter_name = STAGE_PARAMETER

    def lookups(self, request, model_admin):
        return list(IMPORT_STAGES.items())

    def queryset(self, request, queryset):
        conditions = import_conditions()
        return queryset.filter(conditions[self.value()]) if self.value() in conditions else queryset


def mine_filter(field_name: str, title) -> type[admin.SimpleListFilter]:
    """A filter of the records whose `field_name` (a user) is the person reading the list: “mine”."""

    class MineFilter(admin.SimpleListFilter):
        parameter_name = MINE_PARAMETER

        def lookups(self, request, model_admin):
            return [(MINE, _("me"))]

        def queryset(self, request, queryset):
            return queryset.filter(**{field_name: request.user}) if self.value() == MINE else queryset

    MineFilter.title = title
    return MineFilter


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "table", "user", "state", "progress", "new_count", "updated_count", "unchanged_count", "error_count"]
    list_display_links = ["created_at", "file_name"]
    list_filter = [TableFilter, ImportStageFilter, mine_filter("user", _("uploaded by")), "status"]
    list_select_related = ["user"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"import_tables": table_choices(), **(extra_context or {})})

    @admin.display(description=_("table"), ordering="kind")
    def table(self, record):
        return kind_label(record.kind)

    @admin.display(description=_("status"), ordering="status")
    def state(self, record):
        if record.is_stalled:
            return _("worker stopped")
        return record.get_status_display()

    @admin.display(description=_("progress"))
    def progress(self, record):
        counts = f"{record.rows_done:,} / {record.rows_total:,}"
        if record.is_busy and record.phase:
            return _("%(phase)s: %(counts)s (%(percent)d%%)") % {
                "phase": record.get_phase_display(),
                "counts": counts,
                "percent": record.percent_done,
            }
        return counts

    def has_change_permission(self, request, obj=None):
        # A record is never edited by hand; its page is the import's preview and progress.
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("template/<str:kind>/", wrap(self.template_view), name="shdt_importrecord_template"),
            path("<int:object_id>/changes/", wrap(self.changes_view), name="shdt_importrecord_changes"),
            *super().get_urls(),
        ]

    # Upload --------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(
            request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")}, user=request.user
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            record = import_record_create(
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=form.content,
                user=request.user,
                list_year=form.cleaned_data["list_year"],
                language=get_language(),
            )
            self.start(record, dry_run=True)
            return HttpResponseRedirect(reverse("admin:shdt_importrecord_change", args=[record.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a spreadsheet"),
            "opts": self.model._meta,
            "form": form,
            "tables": table_choices(),
            "max_bytes": settings.IMPORT_MAX_BYTES,
            "max_rows": settings.IMPORT_MAX_ROWS,
        }
        return TemplateResponse(request, "admin/shdt/importrecord/upload.html", context)

    def start(self, record: ImportRecord, *, dry_run: bool, background: bool = False) -> bool:
        """
        Check or import the record's file now if it is small, else hand it to the worker.
        Return False, having done nothing, if the record changed since it was read (a
        second click, another person, a worker that came back).
        """
        if not background and record.file_size <= settings.IMPORT_FOREGROUND_MAX_BYTES:
            ticket = import_record_queue(record, dry_run=dry_run)
            return ticket is not None and import_record_run(record, dry_run=dry_run, ticket=ticket) is not None
        from .tasks import import_record_task

        ticket = import_record_queue(record, dry_run=dry_run)
        if ticket is None:
            return False
        result = import_record_task.enqueue(record.pk, dry_run, ticket.isoformat())
        ImportRecord.objects.filter(pk=record.pk).update(task_id=str(result.id))
        return True

    # Preview, confirm, progress, summary ---------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = get_object_or_404(ImportRecord, pk=object_id)
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        if request.method == "POST":
            return self.act(request, record)
        preview = record.preview or {}
        rows = preview.get("rows", [])
        similar_rows = [row for row in rows if row["status"] == "similar"]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(number)d: %(file)s") % {"number": record.pk, "file": record.file_name},
            "opts": self.model._meta,
            "record": record,
            "table_label": kind_label(record.kind),
            "table_url": self.table_url(record.kind),
            "problems": [self.problem_text(problem) for problem in record.errors],
            "rows": [row for row in rows if row["status"] != "unchanged"],
            "similar_rows": similar_rows,
            # Likely duplicates wait for a decision; they are not errors, and are counted apart
            # (the record's error count holds both: either stops the import).
            "error_only_count": max(record.error_count - len(similar_rows), 0),
            "pending_rows": [row for row in rows if any(change.get("pending") for change in row.get("changes", []))],
            "hidden_rows": preview.get("rows_total", 0) - len(rows),
            "can_confirm": self.can_confirm(request, record),
            "stalled": record.is_stalled,
            "can_recover": record.is_stalled and self.may_act(request, record),
            # A stalled record waits for a person's decision: the page stops reloading itself.
            "refresh_seconds": 2 if record.is_busy and not record.is_stalled else None,
        }
        return TemplateResponse(request, "admin/shdt/importrecord/status.html", context)

    @staticmethod
    def problem_text(problem: dict) -> str:
        from .imports import format_problem

        return format_problem(problem["row"], problem["column"], problem["message"])

    def may_act(self, request, record: ImportRecord) -> bool:
        """Whether the person may start, cancel or retry this import: those who may import its table."""
        return self.has_add_permission(request) and may_import(request.user, record.kind)

    def can_confirm(self, request, record: ImportRecord) -> bool:
        if not self.may_act(request, record) or record.file_content is None:
            return False
        # A file whose only problems are likely duplicates can be confirmed once they are decided.
        only_duplicates = record.status == ImportRecord.Status.FAILED and not record.errors
        return record.status == ImportRecord.Status.PREVIEWED or only_duplicates

    def act(self, request, record: ImportRecord):
        url = reverse("admin:shdt_importrecord_change", args=[record.pk])
        if "cancel" in request.POST or "retry" in request.POST:
            return self.recover(request, record, url)
        if "decide_all" in request.POST:
            return self.decide_all_view(request, record)
        if "confirm" not in request.POST or not self.can_confirm(request, record):
            raise PermissionDenied
        decisions = {
            name.removeprefix("decision-"): value
            for name, value in request.POST.items()
            if name.startswith("decision-") and value
        }
        similar = [row["row"] for row in (record.preview or {}).get("rows", []) if row["status"] == "similar"]
        undecided = [row for row in similar if str(row) not in decisions]
        if undecided:
            messages.error(
                request,
                _("Decide for each likely duplicate whether it is a new enterprise or the existing one (rows %(rows)s).")
                % {"rows": ", ".join(map(str, undecided))},
            )
            return HttpResponseRedirect(url)
        record.decisions = decisions
        record.save(update_fields=["decisions"])
        if not self.start(record, dry_run=False):
            messages.warning(request, _("This import changed while the page was open (confirmed twice?); here is where it stands."))
        return HttpResponseRedirect(url)

    def decide_all_view(self, request, record: ImportRecord):
        """
        Show what deciding every likely duplicate of the file one way does, row by row;
        nothing starts here. The page's form sends those decisions to the usual
        confirmation (act), which checks that every row is decided and imports.
        """
        how = request.POST["decide_all"]
        if not self.can_confirm(request, record) or how not in (ALL_NEW, ALL_SAME):
            raise PermissionDenied
        similar_rows = [row for row in (record.preview or {}).get("rows", []) if row["status"] == "similar"]
        if not similar_rows:
            return HttpResponseRedirect(reverse("admin:shdt_importrecord_change", args=[record.pk]))
        decisions = decide_all(similar_rows, how)
        rows = []
        for row in similar_rows:
            chosen = decisions.get(str(row["row"]), "")
            names = {str(similar["pk"]): similar["name"] for similar in row["similar"]}
            rows.append({**row, "chosen": chosen, "chosen_name": names.get(chosen, "")})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Decide all likely duplicates"),
            "opts": self.model._meta,
            "record": record,
            "how": how,
            "rows": rows,
            "undecided": [row for row in rows if not row["chosen"]],
        }
        return TemplateResponse(request, "admin/shdt/importrecord/decide_all.html", context)

    def recover(self, request, record: ImportRecord, url: str):
        """
        Cancel an import not yet started (previewed, failed), or cancel or retry one whose
        worker stopped (stalled). Each is one UPDATE conditional on the record as this
        page read it, so a worker that comes back, or another person, is never overridden.
        """
        Status = ImportRecord.Status
        if not self.may_act(request, record):
            raise PermissionDenied
        if "retry" in request.POST:
            if not record.is_stalled or record.file_content is None:
                raise PermissionDenied
            # Retried on the worker, whatever the file's size: what stopped may have been the
            # request that ran it. A check is checked again; an import imported again (its
            # rows were written in one transaction that never committed, so none are).
            if self.start(record, dry_run=record.status == Status.CHECKING, background=True):
                messages.success(request, _("The import was handed to the worker again."))
            else:
                messages.warning(request, _("This import changed while the page was open; here is where it stands."))
            return HttpResponseRedirect(url)
        if (record.is_busy and not record.is_stalled) or record.status in (Status.DONE, Status.CANCELLED):
            raise PermissionDenied
        if import_record_cancel(record):
            messages.success(request, _("The import was cancelled; nothing of its file was written."))
        else:
            messages.warning(request, _("This import changed while the page was open; here is where it stands."))
        return HttpResponseRedirect(url)

    def table_url(self, kind: str) -> str:
        """The admin list of the table's records, or "" if the kind has none (an importer needs no admin pages)."""
        model = all_tables()[kind].resource_class._meta.model
        try:
            return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        except NoReverseMatch:
            return ""

    # What an import changed ----------------------------------------------------------

    def changes_view(self, request, object_id):
        record = get_object_or_404(ImportRecord, pk=object_id)
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        entries = []
        # The models whose history an import may write.
        for model in history_models():
            history = model.history.filter(import_record=record).order_by("history_id")
            for entry in history[:HISTORY_PAGE_ROWS]:
                entries.append(
                    {
                        "model": model._meta.verbose_name,
                        "record": str(entry.instance) if entry.history_type != "-" else f"#{entry.id}",
                        "type": entry.get_history_type_display(),
                        "date": entry.history_date,
                        "user": entry.history_user,
                        "url": reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[entry.id]),
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Changes made by import %(number)d") % {"number": record.pk},
            "opts": self.model._meta,
            "record": record,
            "entries": entries,
        }
        return TemplateResponse(request, "admin/shdt/importrecord/changes.html", context)

    # Templates ---------------------------------------------------------------------

    def template_view(self, request, kind):
        if kind not in importable_tables():
            raise PermissionDenied
        response = HttpResponse(
            template_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="shdt-{kind.replace("_", "-")}-template.xlsx"'
        return response


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Public notices (公示): reviewers open them with the action on the records, and may correct them here."""

    list_display = ["title", "starts_on", "ends_on", "contact", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    search_fields = ["title", "contact"]


@admin.register(PublicationEvent)
class PublicationEventAdmin(admin.ModelAdmin):
    """The log of what the public sees changing: written by shdt.core.publication, read here and in the feed."""

    list_display = ["at", "action", "kind", "title", "user"]
    list_filter = ["action", "kind"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicationJob)
class PublicationJobAdmin(admin.ModelAdmin):
    """
    Reviewers' moves of many records, made by the background worker: their page follows
    the job as an import's page does (shdt.core.publishing_admin queues them).
    """

    list_display = ["created_at", "kind", "action", "user", "status", "rows_total", "moved_count"]
    list_filter = ["status", "action", "kind"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(PublicationJob.objects.select_related("user", "notice"), pk=object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        if request.method == "POST":
            return self.run_again(request, job)
        try:
            model = model_for_label(job.kind)
        except KeyError:
            model = None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publication job %(number)d") % {"number": job.pk},
            "opts": self.model._meta,
            "job": job,
            "kind_label": model._meta.verbose_name_plural if model else job.kind,
            "records_url": reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") if model else "",
            "refresh_seconds": 2 if job.is_busy and not job.is_stalled else None,
            "can_run_again": job.is_stalled and model is not None and can_publish(request.user, model),
        }
        return TemplateResponse(request, "admin/shdt/publicationjob/status.html", context)

    def run_again(self, request, job: PublicationJob):
        """Queue again a job whose worker stopped (the page's *Run again*), for a reviewer."""
        from .tasks import publication_job_to_worker

        if "run_again" not in request.POST:
            raise PermissionDenied
        if publication_job_requeue(job, user=request.user):
            publication_job_to_worker(job)
            messages.success(request, _("The job was handed to the worker again."))
        else:
            messages.warning(request, _("This job changed while the page was open; here is where it stands."))
        return HttpResponseRedirect(job.get_absolute_url())


# Visitors' reports of errors in records, in a module of their own.
from . import corrections_admin  # noqa: E402, F401
