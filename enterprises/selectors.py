"""Reads of enterprises that are more than a filter."""

from django.db.models import F, QuerySet, Value
from django.db.models.functions import NullIf


def with_public_serial(queryset: QuerySet) -> QuerySet:
    """
    Annotate each enterprise with ``list_serial``, ``list_year`` and ``list_status``: its
    序号, year and status on the latest list the public sees it on.
    """
    # On no public list (a draft that staff read): no status, not an empty one outside the statuses.
    return queryset.annotate(
        list_serial=F("public_serial"),
        list_year=F("public_list_year"),
        list_status=NullIf(F("public_status"), Value("")),
    )
