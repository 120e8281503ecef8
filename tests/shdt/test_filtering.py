"""
FilterSets keep a request's filtered queryset per data version (shdt.core.filtering): a kept
one gives the same rows and cleaned values as a fresh one, follows every change at once,
and only valid parameters of a named base queryset are kept.
"""

import pytest
from django.http import QueryDict

from enterprises.models import Enterprise
from shdt.reference.models import Region
from enterprises.services import enterprise_update
from enterprises.tables import ENTERPRISES
from shdt.core.caching import current_token
from shdt.core.filtering import filtered_querysets

# Nothing is kept inside a transaction: these tests commit, as a server does.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("committed_db")]

PARAMS = "district=pudong&business_type=digital-services&list=2022"


def rows(filterset) -> list:
    return list(filterset.qs.values_list("name", "list_serial"))


def kept_count() -> int:
    # What is kept for the records as they are now: other tests' records had other tokens.
    return len(filtered_querysets._values) if filtered_querysets._token == current_token() else 0


def test_the_same_parameters_again_take_the_kept_queryset_with_the_same_rows_and_values(report):
    first = ENTERPRISES.filter(QueryDict(PARAMS))
    expected = rows(first)
    assert expected and kept_count() == 1

    again = ENTERPRISES.filter(QueryDict(PARAMS))
    assert rows(again) == expected
    # The form counts as checked, with the values the first one cleaned them to.
    assert again.is_valid() and again.errors == {}
    assert again.list_year == 2022 and again.cleaned("district") == ["pudong"]
    assert kept_count() == 1


def test_a_change_to_the_records_is_seen_at_once(report):
    assert rows(ENTERPRISES.filter(QueryDict(PARAMS)))
    enterprise = Enterprise.objects.public().filter(region__code="pudong", business_type__code="digital-services").first()
    enterprise_update(enterprise, region=Region.objects.get(code="xuhui"))
    names = [name for name, _serial in rows(ENTERPRISES.filter(QueryDict(PARAMS)))]
    assert enterprise.name not in names


def test_bad_parameters_are_checked_every_time_and_never_kept(report):
    for _ in range(2):
        filterset = ENTERPRISES.filter(QueryDict("district=nowhere"))
        assert not filterset.is_valid() and "district" in filterset.errors
    assert kept_count() == 0


def test_a_plain_dict_or_a_filterset_without_a_base_key_is_not_kept(report):
    assert rows(ENTERPRISES.filter({"list": "2022"}))
    filterset = ENTERPRISES.filterset_class(QueryDict(PARAMS), queryset=Enterprise.objects.public())
    assert rows(filterset)
    assert kept_count() == 0


def test_the_api_keeps_its_pages_queryset_and_answers_the_same(client, report):
    url = f"/api/enterprises/?{PARAMS}"
    first = client.get(url).json()
    assert first["count"] > 0 and kept_count() == 1
    assert client.get(url).json() == first
    assert client.get("/api/enterprises/?district=nowhere").status_code == 400
