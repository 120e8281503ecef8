"""The regions in the API: their serializer (nested in every record with a region) and their list."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shdt.core.api.views import reference_list_view

from .models import Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "short_name", "name", "name_en"]
        read_only_fields = fields


RegionListView = reference_list_view(
    Region,
    RegionSerializer,
    summary=_("List regions"),
    description=_("The 16 districts of Shanghai and the Lingang Special Area, with the codes filters take."),
)

urlpatterns = [
    path("regions/", RegionListView.as_view(), name="region_list"),
]
