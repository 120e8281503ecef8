"""Template helpers of the public site."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from shdt.core.listing import query_string

register = template.Library()


@register.filter
def localized(obj, field="name"):
    """Return the English form of a record's field (``name_en``) on English pages when it has one."""
    if obj is None:
        return ""
    value = getattr(obj, field, "")
    if get_language() == "en":
        # A short name (浦东) has no English form of its own; the English name serves.
        english = getattr(obj, f"{field}_en", None)
        if english is None:
            english = getattr(obj, "name_en", "")
        if english:
            return english
    return value


@register.filter
def volume(value):
    """Format a trade volume as the report does: thousands separated, one decimal unless it has more."""
    if value is None:
        return ""
    value = Decimal(value)
    places = max(1, -value.normalize().as_tuple().exponent)
    return f"{value:,.{places}f}"


@register.filter
def thousands(value):
    """
    Format a count with its thousands separated (20,000), in every language, as the report
    writes numbers: Django's Chinese format (humanize's intcomma there) separates nothing.
    """
    if value in (None, ""):
        return ""
    return f"{int(value):,}"


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """Return the current query string with some parameters set or removed (None): ``{% query page=2 %}``."""
    return query_string(context["request"].GET, **changes)
