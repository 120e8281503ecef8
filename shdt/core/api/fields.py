"""Serializer fields the apps' APIs share."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.URI)
class PermalinkField(serializers.Field):
    """The absolute address of the record's public page, as the downloads write it (SITE_URL)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Address of the record's public page."))
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return permalink(obj)


def permalink(obj) -> str:
    return site_url(obj.get_absolute_url())


def site_url(path: str) -> str:
    """The public address of a path of the site (SITE_URL, not the API client's host)."""
    return settings.SITE_URL.rstrip("/") + path


class OptionalURLField(serializers.URLField):
    """A website that may be unknown: null, never an empty string, which is not an address."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class StrictCharField(serializers.CharField):
    """Text, and only text: a number or a boolean sent in its place is refused, as the schema says."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A whole number sent as a JSON number: text such as "12" is refused, as the schema says."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class CodeField(serializers.SlugRelatedField):
    """A reference record (region, business type) named by its code."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        # Only text reaches the database; PostgreSQL refuses a NUL character in a query outright.
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class NoticeSerializer(serializers.Serializer):
    """A public notice (公示): its period and whom to contact with an objection."""

    title = serializers.CharField(read_only=True)
    starts_on = serializers.DateField(read_only=True, help_text=_("First day of the notice."))
    ends_on = serializers.DateField(read_only=True, help_text=_("Last day of the notice."))
    contact = serializers.CharField(read_only=True, help_text=_("Who takes objections, and how."))


STATUS_HELP = _(
    "Publication status: “notice” while under public notice (公示, see `notice`), then “published”. "
    "Anonymous reads see no other; staff writing see their drafts as “draft”."
)


def status_field(**kwargs):
    return serializers.ChoiceField(
        choices=[(value, value) for value in ("draft", "notice", "published", "withdrawn")],
        read_only=True,
        help_text=STATUS_HELP,
        **kwargs,
    )


def notice_field():
    return NoticeSerializer(read_only=True, allow_null=True, help_text=_("The public notice, while there is one."))
