"""Admin for the records staff keep by hand: configuration only, the rules live in the models."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from shdt.core.admin import CodedReferenceAdmin, ImportLinkMixin
from shdt.core.publishing_admin import PublicRowsInlineMixin, PublishableAdminMixin
from shdt.core.roles import can_publish
from shdt.core.text import normalize_query

from .models import AnnualList, BusinessType, CaseStudy, Enterprise, ListEdition, ListMembership
from .services import annual_list_publish


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
class EnterpriseAdmin(ImportLinkMixin, NormalisedSearchMixin, SimpleHistoryAdmin):
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
    for annual_list in queryset:
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


@admin.register(AnnualList)
class AnnualListAdmin(SimpleHistoryAdmin):
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
class ListMembershipAdmin(PublishableAdminMixin, ImportLinkMixin, SimpleHistoryAdmin):
    import_kind = "enterprises"
    list_display = ["serial", "enterprise", "annual_list"]
    list_display_links = ["serial", "enterprise"]
    list_filter = ["annual_list", "enterprise__business_type", "enterprise__region"]
    list_select_related = ["enterprise", "annual_list"]
    search_fields = ["enterprise__name", "enterprise__aliases"]
    autocomplete_fields = ["annual_list", "enterprise"]
    ordering = ["-annual_list__year", "serial"]


@admin.register(CaseStudy)
class CaseStudyAdmin(PublishableAdminMixin, ImportLinkMixin, NormalisedSearchMixin, SimpleHistoryAdmin):
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
