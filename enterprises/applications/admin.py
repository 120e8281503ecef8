"""
The review in the admin: a queue per window, filtered; each application's moves as
buttons (start review, return, reject, accept); contact data, attachments and the change
log only with `view_application_contact`; an XLSX of a window for the review meeting.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy as _

from shdt.core.changelog_admin import RegistryHistoryAdmin

from . import services
from .exports import applications_xlsx, export_filename
from .models import Application, ApplicationWindow, Attachment

CONTACT_PERMISSION = "applications.view_application_contact"


def may_see_contact(user) -> bool:
    return user.has_perm(CONTACT_PERMISSION)


@admin.register(ApplicationWindow)
class ApplicationWindowAdmin(RegistryHistoryAdmin):
    list_display = ["year", "opens_at", "closes_at", "application_count", "export_link"]

    @admin.display(description=_("applications"))
    def application_count(self, window):
        url = reverse("admin:applications_application_changelist") + f"?window__id__exact={window.pk}"
        return format_html('<a href="{}">{}</a>', url, window.applications.count())

    @admin.display(description=_("for the review meeting"))
    def export_link(self, window):
        url = reverse("admin:applications_application_export", args=[window.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("XLSX"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to return or reject; the applicant reads it on the private page."),
    )


@admin.register(Application)
class ApplicationAdmin(RegistryHistoryAdmin):
    list_display = ["receipt_number", "name", "window", "status", "region", "business_type", "reviewer", "enterprise", "duplicate_flag"]
    list_filter = ["window", "status", "region", "business_type", "reviewer"]
    list_select_related = ["window", "region", "business_type", "reviewer", "enterprise"]
    search_fields = ["receipt_number", "name", "credit_code"]
    change_form_template = "admin/applications/application/change_form.html"
    # What the reviewer writes; the rest is the applicant's and is read only.
    editable = ("score", "notes")
    applicant_fields = (
        "receipt_number", "window", "status", "reason", "name", "credit_code", "region", "business_type", "name_en",
        "website", "trade_volume", "profile", "case", "technology_experience", "business_model_innovation",
        "overseas_markets", "declaration", "submitted_at", "updated_at",
    )
    review_fields = ("enterprise", "match_kind", "candidate_list", "same_enterprise_list", "reviewer", "score", "notes")
    contact_fields = ("contact_name", "contact_phone", "contact_email", "attachment_list")

    def get_fields(self, request, obj=None):
        fields = [*self.applicant_fields, *self.review_fields]
        if may_see_contact(request.user):
            fields[5:5] = self.contact_fields
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.get_fields(request, obj) if f not in self.editable]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Only purge_applications removes anything, and only what it anonymises.
        return False

    def has_view_history_or_change_history_permission(self, request, obj=None):
        # The change log shows each field's old and new value, contact data included.
        return may_see_contact(request.user) and super().has_view_history_or_change_history_permission(request, obj)

    def get_queryset(self, request):
        # The list's flag in the same query as its rows, not one query a row.
        return super().get_queryset(request).annotate(has_twin=services.same_enterprise_exists())

    @admin.display(description=_("same enterprise in this window"), boolean=True)
    def duplicate_flag(self, application):
        return application.has_twin

    @admin.display(description=_("likely duplicates"))
    def candidate_list(self, application):
        rows = [(reverse("admin:enterprises_enterprise_change", args=[c["id"]]), c["name"]) for c in application.candidates]
        return format_html_join(", ", '<a href="{}">{}</a>', rows) or "—"

    @admin.display(description=_("same enterprise in this window"))
    def same_enterprise_list(self, application):
        rows = [(reverse("admin:applications_application_change", args=[o.pk]), o.receipt_number, o.get_status_display()) for o in services.same_enterprise(application)]
        return format_html_join(", ", '<a href="{}">{}</a> ({})', rows) or "—"

    @admin.display(description=_("attachments"))
    def attachment_list(self, application):
        rows = [
            (reverse("admin:applications_application_attachment", args=[application.pk, a.pk]), a.original_name, a.get_content_type_display(), a.size)
            for a in application.attachments.all()
        ]
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a> ({}, {} B)', rows) or "—"

    def get_urls(self):
        return [
            path("<int:pk>/attachments/<int:attachment_pk>/", self.admin_site.admin_view(self.attachment_view), name="applications_application_attachment"),
            path("export/<int:window_pk>.xlsx", self.admin_site.admin_view(self.export_view), name="applications_application_export"),
            *super().get_urls(),
        ]

    def attachment_view(self, request, pk, attachment_pk):
        """Stream an attachment from the private storage, to staff allowed to see it, as a download."""
        if not (self.has_view_permission(request) and may_see_contact(request.user)):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=attachment_pk, application_id=pk)
        response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def export_view(self, request, window_pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        window = get_object_or_404(ApplicationWindow, pk=window_pk)
        content = applications_xlsx(window, with_contact=may_see_contact(request.user))
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        # RFC 6266 with the filename* form: the name may be Chinese (申报-2024.xlsx).
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export_filename(window))
        response["Cache-Control"] = "private, no-store"
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = get_object_or_404(Application, pk=object_id)
        may_decide = self.has_change_permission(request, application)
        reason_form = ReasonForm(request.POST if "_move" in request.POST else None)
        if request.method == "POST" and "_move" in request.POST:
            if not may_decide:
                raise PermissionDenied
            return self.move(request, application, request.POST["_move"], reason_form)
        moves = [m for m, sources in services.MOVES.items() if m != "withdraw" and application.status in sources] if may_decide else []
        context = {"moves": moves, "reason_form": reason_form, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def move(self, request, application, move, reason_form):
        url = reverse("admin:applications_application_change", args=[application.pk])
        reason = reason_form.data.get("reason", "")
        try:
            if move == "start_review":
                services.application_start_review(application, user=request.user)
                done = gettext("The application is under review, assigned to you.")
            elif move == "return":
                services.application_return(application, user=request.user, reason=reason)
                done = gettext("The application is returned for correction; the applicant is told why.")
            elif move == "reject":
                services.application_reject(application, user=request.user, reason=reason)
                done = gettext("The application is rejected; the applicant is told why.")
            elif move == "accept":
                membership = services.application_accept(application, user=request.user)
                done = gettext("Accepted: “%(enterprise)s” is a draft entry on the %(year)s list (No. %(serial)s).") % {
                    "enterprise": membership.enterprise, "year": membership.annual_list.year, "serial": membership.serial,
                }
            else:
                raise PermissionDenied
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(url)
