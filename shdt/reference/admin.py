from django.contrib import admin

from shdt.core.admin import CodedReferenceAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(CodedReferenceAdmin):
    list_display = ["short_name", *CodedReferenceAdmin.list_display]
    search_fields = [*CodedReferenceAdmin.search_fields, "short_name"]
