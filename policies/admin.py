from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shdt.core.admin import ImportLinkMixin
from shdt.core.changelog_admin import RegistryHistoryAdmin
from shdt.core.publishing_admin import PublishableAdminMixin

from .models import Policy


@admin.register(Policy)
class PolicyAdmin(PublishableAdminMixin, ImportLinkMixin, RegistryHistoryAdmin):
    import_kind = "policies"
    list_display = ["published_on", "title", "issuer", "period"]
    list_filter = ["issuer"]
    date_hierarchy = "published_on"
    search_fields = ["title", "title_en", "issuer"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("plan period"))
    def period(self, obj):
        period = obj.plan_period
        return period.label if period else "—"
