"""Admin for the records staff keep by hand: configuration only, the rules live in the models."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from shdt.admin import ImportLinkMixin
from shdt.text import normalize_query

from .models import AnnualList, BusinessType, CaseStudy, Enterprise, ListMembership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "name_en", "code", "sort_order"]
    search_fields = ["code", "short_name", "name", "name_en"]
    ordering = ["sort_order"]


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "aliases", "sort_order"]
    search_fields = ["code", "name", "name_en", "aliases"]
    ordering = ["sort_order"]


class ListMembershipInline(admin.TabularInline):
    model = ListMembership
    extra = 0
    autocomplete_fields = ["annual_list"]
    fields = ["annual_list", "serial", "source"]


class CaseStudyInline(admin.StackedInline):
    model = CaseStudy
    extra = 0
    classes = ["collapse"]
    fields = [
        ("report_year", "serial", "trade_volume"),
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
        return "、".join(f"{m.annual_list.year}（{m.serial}）" for m in obj.memberships.all())

    @admin.display(description=_("case study"), boolean=True, ordering="case_study_exists")
    def has_case_study(self, obj):
        return obj.case_study_exists


@admin.register(AnnualList)
class AnnualListAdmin(SimpleHistoryAdmin):
    list_display = ["year", "title", "enterprise_count", "source"]
    search_fields = ["year", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(enterprise_count=Count("memberships"))

    @admin.display(description=_("enterprises"), ordering="enterprise_count")
    def enterprise_count(self, obj):
        return obj.enterprise_count


@admin.register(ListMembership)
class ListMembershipAdmin(ImportLinkMixin, SimpleHistoryAdmin):
    import_kind = "enterprises"
    list_display = ["serial", "enterprise", "annual_list"]
    list_display_links = ["serial", "enterprise"]
    list_filter = ["annual_list", "enterprise__business_type", "enterprise__region"]
    list_select_related = ["enterprise", "annual_list"]
    search_fields = ["enterprise__name", "enterprise__aliases"]
    autocomplete_fields = ["annual_list", "enterprise"]
    ordering = ["-annual_list__year", "serial"]


@admin.register(CaseStudy)
class CaseStudyAdmin(ImportLinkMixin, NormalisedSearchMixin, SimpleHistoryAdmin):
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
        (None, {"fields": ["enterprise", ("report_year", "serial"), "trade_volume", "source"]}),
        (_("Sections"), {"fields": ["profile", "case", "technology_experience", "business_model_innovation", "overseas_markets"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
