"""Reads of enterprises that are more than a filter."""

from django.db.models import OuterRef, QuerySet, Subquery

from .models import ListMembership


def with_list_serial(queryset: QuerySet, year: int | None = None) -> QuerySet:
    """
    Annotate each enterprise with ``list_serial`` and ``list_year``: its 序号 on the
    given year's list, or, with no year, on the latest list it is on.
    """
    memberships = ListMembership.objects.filter(enterprise=OuterRef("pk"))
    if year is not None:
        memberships = memberships.filter(annual_list__year=year)
    memberships = memberships.order_by("-annual_list__year")
    return queryset.annotate(
        list_serial=Subquery(memberships.values("serial")[:1]),
        list_year=Subquery(memberships.values("annual_list__year")[:1]),
    )
