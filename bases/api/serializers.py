"""What the API shows of the national service-export bases."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shdt.reference.api import RegionSerializer
from shdt.core.api.fields import PermalinkField, notice_field, status_field

from ..models import BaseDomain, ExportBase, Recognition


class BaseDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = BaseDomain
        fields = ["code", "name", "name_en"]
        read_only_fields = fields


class CategorySerializer(serializers.Serializer):
    code = serializers.ChoiceField(source="category", choices=ExportBase.Category.choices, read_only=True)
    name = serializers.CharField(
        source="category_label", read_only=True, help_text=_("As the report writes it, e.g. 特色服务出口基地(人力资源).")
    )
    name_en = serializers.CharField(source="category_label_en", read_only=True)


class RecognitionSerializer(serializers.ModelSerializer):
    batch = serializers.ChoiceField(
        choices=Recognition.Batch.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("first or second; the three batch fields are empty where the report names no batch."),
    )
    batch_name = serializers.CharField(source="batch_label", read_only=True, help_text=_("首批 or 第二批."))
    batch_name_en = serializers.CharField(source="batch_label_en", read_only=True)

    class Meta:
        model = Recognition
        fields = ["year", "batch", "batch_name", "batch_name_en", "source"]
        read_only_fields = fields


class ExportBaseSerializer(serializers.ModelSerializer):
    category = CategorySerializer(source="*", read_only=True)
    domain = BaseDomainSerializer(read_only=True)
    region = RegionSerializer(read_only=True, allow_null=True, help_text=_("Only where the report says it."))
    recognitions = RecognitionSerializer(
        many=True,
        read_only=True,
        help_text=_("When and in which batch the base was recognised, each as the report states it and where."),
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:exportbase_detail", lookup_field="slug", help_text=_("The API address of the base.")
    )
    permalink = PermalinkField()
    status = status_field()
    notice = notice_field()

    class Meta:
        model = ExportBase
        fields = [
            "slug",
            "name",
            "name_en",
            "category",
            "domain",
            "region",
            "recognitions",
            "profile",
            "experience",
            "goals",
            "news",
            "source",
            "url",
            "permalink",
            "status",
            "notice",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
