"""Admin for the records staff keep by hand: configuration only, the rules live in the models."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shdt.core.admin import CodedReferenceAdmin, ImportLinkMixin, mine_filter
from shdt.core.changelog_admin import RegistryHistoryAdmin
from shdt.core.models import PublicationJob, Status
from shdt.core.publication import publication_job_create
from shdt.core.publishing_admin import PublicRowsInlineMixin, PublishableAdminMixin, in_background
from shdt.core.roles import can_publish
from shdt.core.text import normalize_query

from . import review
from .models import AnnualList, BusinessType, CaseStudy, Enterprise, ListEdition, ListMembership, PendingChange
from .services import annual_list_publish, enterprise_update, pending_change_approve, pending_change_reject


@admin.register(BusinessType)
class BusinessTypeAdmin(CodedReferenceAdmin):
    list_display = [*CodedReferenceAdmin.list_display, "aliases"]
    search_fields = [*CodedReferenceAdmin.search_fields, "aliases"]


class ListMembershipInline(PublicRowsInlineMixin, admin.TabularInline):
    model = ListMembership
    extra = 0
    autocomplete_fields = ["annual_list"]
    fields = ["annual_list", "serial", "source", "status"]


class CaseStudyInline(PublicRowsInlineMixin, admin.StackedInline):
    model = CaseStudy
    extra = 0
    classes = ["collapse"]
    fields = [
        ("report_year", "serial", "trade_volume", "status"),
        "profile",
        "case",
        "technology_experience",
        "business_model_innovation",
        "overseas_markets",
        "source",
    ]


class NormalisedSearchMixin:
    """Also find a record by its normalised name or pinyin: 博彦科技(上海) finds 博彦科技（上海）."""

    search_text_field = "search_text"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        needle = normalize_query(search_term)
        if needle:
            queryset |= self.model.objects.filter(**{f"{self.search_text_field}__contains": needle})
        return queryset, may_have_duplicates


@admin.register(Enterprise)
class EnterpriseAdmin(ImportLinkMixin, NormalisedSearchMixin, RegistryHistoryAdmin):
    import_kind = "enterprises"
    list_display = ["name", "business_type", "region", "list_years", "has_case_study", "updated_at"]
    list_filter = ["business_type", "region", "memberships__annual_list"]
    list_select_related = ["business_type", "region"]
    search_fields = ["name", "aliases", "name_en", "credit_code"]
    autocomplete_fields = ["business_type", "region"]
    inlines = [ListMembershipInline, CaseStudyInline]
    readonly_fields = ["slug", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "name_en", "aliases", "business_type", "region"]}),
        (_("Registration"), {"fields": ["credit_code", "website", "source"]}),
        (_("Record"), {"fields": ["slug", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(case_study_exists=Exists(CaseStudy.objects.filter(enterprise=OuterRef("pk"))))
            .prefetch_related("memberships__annual_list")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Through the one write rule (enterprises.services): an editor's change to a public
        # enterprise waits for review. Compared with the stored record, not with the form's
        # initial values: a revert from the history view starts from an old version.
        stored = Enterprise.objects.get(pk=obj.pk)
        fields = [name for name in form.fields if name in review.REVIEWED_FIELDS]
        changed = review.differences(stored, obj, fields)
        update = enterprise_update(obj, user=request.user, **{name: getattr(obj, name) for name in changed})
        request.pending_change = update.pending_change
        if update.pending_change is not None:
            # What is logged and shown next is the record as stored: the public's.
            obj.refresh_from_db()

    def response_change(self, request, obj):
        pending = getattr(request, "pending_change", None)
        if pending is None:
            return super().response_change(request, obj)
        changes = "; ".join(f"{label} “{old}” → “{new}”" for label, old, new in review.describe(pending.changes))
        self.message_user(
            request,
            gettext(
                "“%(enterprise)s” is public: your change waits for a reviewer's approval, and the public sees the "
                "record as it was until then (%(changes)s)."
            )
            % {"enterprise": obj, "changes": changes},
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:enterprises_enterprise_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pending = PendingChange.objects.filter(enterprise_id=object_id, status=PendingChange.Decision.PENDING).first()
        extra_context = {
            **(extra_context or {}),
            "pending_change": pending,
            "pending_rows": review.describe(pending.changes) if pending else [],
            "may_decide": review.may_change_public(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    @admin.display(description=_("lists"))
    def list_years(self, obj):
        return "、".join(
            f"{m.annual_list.year}（{m.serial}，{m.get_status_display()}）" for m in obj.memberships.all()
        )

    @admin.display(description=_("case study"), boolean=True, ordering="case_study_exists")
    def has_case_study(self, obj):
        return obj.case_study_exists


@admin.action(description=_("Publish the list and freeze an edition"))
def publish_list(modeladmin, request, queryset):
    if not (can_publish(request.user, ListMembership) and request.user.has_perm("enterprises.add_listedition")):
        raise PermissionDenied
    follow = None
    for annual_list in queryset:
        entries = annual_list.memberships.filter(status=Status.NOTICE)
        if in_background(entries):
            # Too many entries for a web request: the worker publishes them and then
            # freezes the edition; the reviewer follows it on the job's page.
            follow = publish_list_in_background(modeladmin, request, annual_list, entries)
            continue
        try:
            edition = annual_list_publish(annual_list, user=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            continue
        modeladmin.message_user(
            request,
            _("Edition %(number)d of the %(year)d list is published with %(rows)d rows.")
            % {"number": edition.number, "year": annual_list.year, "rows": edition.row_count},
            messages.SUCCESS,
        )
    return follow


def publish_list_in_background(modeladmin, request, annual_list, entries):
    """Queue the list's publication and its edition for the worker; return the job page to follow."""
    from .tasks import annual_list_publish_task

    job = publication_job_create(entries, to=Status.PUBLISHED, user=request.user)
    result = annual_list_publish_task.enqueue(job.pk, annual_list.pk)
    PublicationJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    modeladmin.message_user(
        request,
        _(
            "The %(count)d entries of the %(year)d list will be published by the background worker, "
            "which then freezes the edition; this page follows it."
        )
        % {"count": job.rows_total, "year": annual_list.year},
        messages.INFO,
    )
    return HttpResponseRedirect(job.get_absolute_url())


@admin.register(AnnualList)
class AnnualListAdmin(RegistryHistoryAdmin):
    list_display = ["year", "title", "enterprise_count", "source"]
    search_fields = ["year", "title"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if can_publish(request.user, ListMembership) and request.user.has_perm("enterprises.add_listedition"):
            actions["publish_list"] = self.get_action(publish_list)
        return actions

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(enterprise_count=Count("memberships"))

    @admin.display(description=_("enterprises"), ordering="enterprise_count")
    def enterprise_count(self, obj):
        return obj.enterprise_count


@admin.register(ListMembership)
class ListMembershipAdmin(PublishableAdminMixin, ImportLinkMixin, RegistryHistoryAdmin):
    import_kind = "enterprises"
    list_display = ["serial", "enterprise", "annual_list"]
    list_display_links = ["serial", "enterprise"]
    list_filter = ["annual_list", "enterprise__business_type", "enterprise__region"]
    list_select_related = ["enterprise", "annual_list"]
    search_fields = ["enterprise__name", "enterprise__aliases"]
    autocomplete_fields = ["annual_list", "enterprise"]
    ordering = ["-annual_list__year", "serial"]


@admin.register(CaseStudy)
class CaseStudyAdmin(PublishableAdminMixin, ImportLinkMixin, NormalisedSearchMixin, RegistryHistoryAdmin):
    import_kind = "case_studies"
    search_text_field = "enterprise__search_text"
    list_display = ["serial", "enterprise", "report_year", "trade_volume"]
    list_display_links = ["serial", "enterprise"]
    list_filter = ["report_year", "enterprise__business_type", "enterprise__region"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "enterprise__aliases"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["enterprise", ("report_year", "serial"), "trade_volume", "source", "status"]}),
        (_("Sections"), {"fields": ["profile", "case", "technology_experience", "business_model_innovation", "overseas_markets"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(ListEdition)
class ListEditionAdmin(admin.ModelAdmin):
    """Editions are made by publishing a list, and never changed: the admin only shows them."""

    list_display = ["annual_list", "number", "published_at", "published_by", "row_count", "csv_sha256"]
    list_filter = ["annual_list"]
    readonly_fields = ["annual_list", "number", "published_at", "published_by", "row_count", "note", "csv_sha256", "xlsx_sha256", "json_sha256"]
    exclude = ["csv_file", "xlsx_file", "json_file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the change is rejected; the editor who proposed it reads this."),
    )


@admin.action(description=_("Approve the selected changes"))
def approve_changes(modeladmin, request, queryset):
    for change in queryset.filter(status=PendingChange.Decision.PENDING).select_related("enterprise"):
        try:
            pending_change_approve(change, user=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            continue
        modeladmin.message_user(
            request, gettext("The change to “%(enterprise)s” is approved and public.") % {"enterprise": change.enterprise}, messages.SUCCESS
        )


@admin.register(PendingChange)
class PendingChangeAdmin(admin.ModelAdmin):
    """
    Editors' changes to public enterprises, waiting for review: every role reads them;
    a reviewer approves them (here or in bulk) or rejects them with a reason, on the
    change's own page. They are made only through the enterprise's write paths.
    """

    list_display = ["enterprise", "summary", "status", "proposed_by", "proposed_at", "decided_by", "decided_at"]
    # “Mine”: the workbench's links to an editor's own changes (enterprises.workbench).
    list_filter = ["status", mine_filter("proposed_by", _("proposed by"))]
    list_select_related = ["enterprise", "proposed_by", "decided_by"]
    search_fields = ["enterprise__name", "enterprise__aliases"]

    @admin.display(description=_("changes"))
    def summary(self, change):
        return "; ".join(f"{label}: “{old}” → “{new}”" for label, old, new in review.describe(change.changes))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if review.may_change_public(request.user):
            actions["approve_changes"] = self.get_action(approve_changes)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = get_object_or_404(PendingChange.objects.select_related("enterprise"), pk=object_id)
        if not self.has_view_permission(request, change):
            raise PermissionDenied
        may_decide = change.is_open and review.may_change_public(request.user)
        form = RejectForm(request.POST if "reject" in request.POST else None)
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            url = reverse("admin:enterprises_pendingchange_change", args=[change.pk])
            try:
                if "approve" in request.POST:
                    pending_change_approve(change, user=request.user)
                    self.message_user(request, gettext("The change is approved and public."), messages.SUCCESS)
                    return HttpResponseRedirect(url)
                if "reject" in request.POST and form.is_valid():
                    pending_change_reject(change, user=request.user, reason=form.cleaned_data["reason"])
                    self.message_user(request, gettext("The change is rejected; the record stays as it was."), messages.SUCCESS)
                    return HttpResponseRedirect(url)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change to “%(enterprise)s”") % {"enterprise": change.enterprise},
            "opts": self.model._meta,
            "change": change,
            "rows": review.describe(change.changes),
            "may_decide": may_decide,
            "form": form,
            "enterprise_url": reverse("admin:enterprises_enterprise_change", args=[change.enterprise_id]),
        }
        return TemplateResponse(request, "admin/enterprises/pendingchange/decide.html", context)
