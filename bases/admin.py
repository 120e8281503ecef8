from django.contrib import admin

from shdt.core.admin import CodedReferenceAdmin, ImportLinkMixin
from shdt.core.changelog_admin import RegistryHistoryAdmin
from shdt.core.publishing_admin import PartOfPublishableInlineMixin, PublishableAdminMixin

from .models import BaseDomain, ExportBase, Recognition


admin.site.register(BaseDomain, CodedReferenceAdmin)


class RecognitionInline(PartOfPublishableInlineMixin, admin.TabularInline):
    model = Recognition
    extra = 0


@admin.register(ExportBase)
class ExportBaseAdmin(PublishableAdminMixin, ImportLinkMixin, RegistryHistoryAdmin):
    import_kind = "bases"
    list_display = ["name", "category", "domain", "region", "recognised", "updated_at"]
    list_filter = ["category", "domain", "region", "recognitions__year"]
    list_select_related = ["domain", "region"]
    search_fields = ["name", "name_en"]
    autocomplete_fields = ["domain", "region"]
    prepopulated_fields = {}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [RecognitionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("recognitions")

    @admin.display(description=Recognition._meta.verbose_name_plural)
    def recognised(self, obj):
        return "；".join(str(r) for r in obj.recognitions.all())


@admin.register(Recognition)
class RecognitionAdmin(RegistryHistoryAdmin):
    """Recognitions are edited on their base; listed here so that their history can be read."""

    list_display = ["base", "year", "batch", "source"]
    list_filter = ["year", "batch"]
    list_select_related = ["base"]
    search_fields = ["base__name", "source"]
    autocomplete_fields = ["base"]
