"""
Visitors' reports of errors in records (shdt.core.corrections), for staff: listed with the
registry's own pages, filtered by state and kind of record, each linked to the record's
admin page and its public page. Editors and reviewers handle them (shdt.core.roles);
handling a report changes no record: the correction itself is made on the record, as
any other change, with its review.
"""

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .corrections import reportable_content_types
from .models import CorrectionRequest


class KindFilter(admin.SimpleListFilter):
    """The kinds of record that can be reported, by their names (not every content type there is)."""

    title = _("kind of record")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(str(ct.pk), ct.model_class()._meta.verbose_name) for ct in reportable_content_types()]

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if self.value() else queryset


def correction_requests_close(requests, *, status: str, user) -> int:
    """Mark the open requests among `requests` handled or dismissed by `user`; return how many."""
    return requests.filter(status=CorrectionRequest.State.NEW).update(
        status=status, handled_by=user, handled_at=timezone.now()
    )


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "record_title", "excerpt", "status", "handled_by"]
    list_filter = ["status", KindFilter]
    list_select_related = ["content_type", "handled_by"]
    search_fields = ["record_title", "message", "contact"]
    date_hierarchy = "created_at"
    actions = ["mark_handled", "dismiss"]
    fields = ["record_links", "message", "contact", "language", "created_at", "status", "note", "handled_by", "handled_at"]
    readonly_fields = ["record_links", "message", "contact", "language", "created_at", "handled_by", "handled_at"]

    @admin.display(description=_("kind of record"), ordering="content_type")
    def kind(self, request_):
        model = request_.content_type.model_class()
        return model._meta.verbose_name if model else request_.content_type.model

    @admin.display(description=_("what is wrong"))
    def excerpt(self, request_):
        # Plain text: the admin escapes it, whatever a visitor wrote.
        return Truncator(request_.message).chars(80)

    @admin.display(description=_("record"))
    def record_links(self, request_):
        """The record's name, with its admin page and its public page (if it still exists)."""
        record = request_.record
        if record is None:
            return format_html("{} ({})", request_.record_title, _("no longer in the registry"))
        links = []
        opts = record._meta
        try:
            links.append((reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]), _("in the admin")))
        except NoReverseMatch:
            pass
        if hasattr(record, "get_absolute_url"):
            links.append((record.get_absolute_url(), _("public page")))
        return format_html("{} · {}", str(record), format_html_join(" · ", '<a href="{}">{}</a>', links))

    def has_add_permission(self, request):
        # Reports come from the public pages only.
        return False

    def has_delete_permission(self, request, obj=None):
        # Kept as a record of what the public told the registry: dismissed, not deleted.
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            closed = obj.status != CorrectionRequest.State.NEW
            obj.handled_by = request.user if closed else None
            obj.handled_at = timezone.now() if closed else None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark the selected reports handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        self.close(request, queryset, CorrectionRequest.State.HANDLED)

    @admin.action(description=_("Dismiss the selected reports"), permissions=["change"])
    def dismiss(self, request, queryset):
        self.close(request, queryset, CorrectionRequest.State.DISMISSED)

    def close(self, request, queryset, status):
        count = correction_requests_close(queryset, status=status, user=request.user)
        label = CorrectionRequest.State(status).label
        self.message_user(
            request,
            ngettext("%(count)d report marked %(state)s.", "%(count)d reports marked %(state)s.", count)
            % {"count": count, "state": label},
            messages.SUCCESS,
        )

