"""AnyOf: the rows IN would give, with the values as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import F

from enterprises.models import Enterprise, ListMembership
from shdt.core.lookups import AnyOf

pytestmark = pytest.mark.django_db


def entries_of(ids):
    return ListMembership.objects.filter(AnyOf(F("enterprise_id"), ids))


def test_any_of_gives_the_rows_in_gives(report):
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:7]) + [10**9]
    expected = set(ListMembership.objects.filter(enterprise_id__in=ids).values_list("pk", flat=True))
    assert expected
    assert set(entries_of(ids).values_list("pk", flat=True)) == expected


def test_any_of_no_values_gives_no_rows(report):
    assert list(entries_of([])) == []


def test_any_of_sends_the_values_as_one_parameter_on_postgresql_and_as_in_elsewhere(report):
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:50])
    sql, params = entries_of(ids).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert '"enterprise_id" = ANY(%s)' in sql
        assert list(params) == [ids]
    else:
        assert '"enterprise_id" IN (' in sql
        assert list(params) == ids
