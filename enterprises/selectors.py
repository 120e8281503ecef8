"""Reads of enterprises that are more than a filter."""

from django.db.models import F, QuerySet


def with_public_serial(queryset: QuerySet) -> QuerySet:
    """
    Annotate each enterprise with ``list_serial``, ``list_year`` and ``list_status``: its
    序号, year and status on the latest list the public sees it on.
    """
    # On no public list (a draft that staff read): no PublicListing row, so NULLs.
    return queryset.annotate(
        list_serial=F("listing__serial"),
        list_year=F("listing__list_year"),
        list_status=F("listing__status"),
    )
