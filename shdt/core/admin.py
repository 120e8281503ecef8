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
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .imports import ImportRefused, import_record_create, import_record_run, read_upload, template_xlsx
from .models import ImportRecord, Notice, PublicationEvent
from .registry import history_models
from .tables import all_tables, importable_tables

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


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "table", "user", "status", "progress", "new_count", "updated_count", "unchanged_count", "error_count"]
    list_display_links = ["created_at", "file_name"]
    list_filter = ["kind", "status"]
    list_select_related = ["user"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"

    @admin.display(description=_("table"), ordering="kind")
    def table(self, record):
        return kind_label(record.kind)

    @admin.display(description=_("progress"))
    def progress(self, record):
        return f"{record.rows_done:,} / {record.rows_total:,}"

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

    def start(self, record: ImportRecord, *, dry_run: bool) -> None:
        """Check or import the record's file now if it is small, else hand it to the worker."""
        if record.file_size <= settings.IMPORT_FOREGROUND_MAX_BYTES:
            import_record_run(record, dry_run=dry_run)
            return
        from .tasks import import_record_task

        record.status = ImportRecord.Status.CHECKING if dry_run else ImportRecord.Status.QUEUED
        record.rows_done = 0
        record.save(update_fields=["status", "rows_done"])
        result = import_record_task.enqueue(record.pk, dry_run)
        ImportRecord.objects.filter(pk=record.pk).update(task_id=str(result.id))

    # Preview, confirm, progress, summary ---------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = get_object_or_404(ImportRecord, pk=object_id)
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        if request.method == "POST":
            return self.act(request, record)
        preview = record.preview or {}
        rows = preview.get("rows", [])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(number)d: %(file)s") % {"number": record.pk, "file": record.file_name},
            "opts": self.model._meta,
            "record": record,
            "table_label": kind_label(record.kind),
            "table_url": self.table_url(record.kind),
            "problems": [self.problem_text(problem) for problem in record.errors],
            "rows": [row for row in rows if row["status"] != "unchanged"],
            "similar_rows": [row for row in rows if row["status"] == "similar"],
            "pending_rows": [row for row in rows if any(change.get("pending") for change in row.get("changes", []))],
            "hidden_rows": preview.get("rows_total", 0) - len(rows),
            "can_confirm": self.can_confirm(request, record),
            "refresh_seconds": 2 if record.is_busy else None,
        }
        return TemplateResponse(request, "admin/shdt/importrecord/status.html", context)

    @staticmethod
    def problem_text(problem: dict) -> str:
        from .imports import format_problem

        return format_problem(problem["row"], problem["column"], problem["message"])

    def can_confirm(self, request, record: ImportRecord) -> bool:
        if not self.has_add_permission(request) or not may_import(request.user, record.kind) or record.file_content is None:
            return False
        # A file whose only problems are likely duplicates can be confirmed once they are decided.
        only_duplicates = record.status == ImportRecord.Status.FAILED and not record.errors
        return record.status == ImportRecord.Status.PREVIEWED or only_duplicates

    def act(self, request, record: ImportRecord):
        url = reverse("admin:shdt_importrecord_change", args=[record.pk])
        if "cancel" in request.POST and not record.is_busy and record.status != ImportRecord.Status.DONE:
            record.status = ImportRecord.Status.CANCELLED
            record.file_content = None
            record.save(update_fields=["status", "file_content"])
            return HttpResponseRedirect(url)
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
        self.start(record, dry_run=False)
        return HttpResponseRedirect(url)

    def table_url(self, kind: str) -> str:
        model = all_tables()[kind].resource_class._meta.model
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

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
