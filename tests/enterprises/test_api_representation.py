"""
A page of /api/enterprises/ is written by PostgreSQL (enterprises.api.sql), on SQLite by
the serializer. Either way it must be, value for value, what DRF's EnterpriseSerializer
makes of the same records in the same order: these tests compare the two for the report's
records and for the values that are easy to get wrong in SQL (times and their zone,
decimals, empty and odd text, notices, several case studies).
"""

import datetime
import json

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.api.serializers import EnterpriseSerializer
from enterprises.api.sql import FIELDS, enterprise_json
from enterprises.api.views import enterprise_rows
from enterprises.models import BusinessType, CaseStudy, Enterprise, ListMembership
from enterprises.tables import ENTERPRISES
from shdt.core.caching import CountCachingPaginator
from shdt.core.models import Notice, Status

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="json_build_object is PostgreSQL's")


def page_and_serializer(client, params: dict, **extra):
    """The rows of a filtered page of the API, and the serializer's representation of the same enterprises."""
    answer = client.get("/api/enterprises/", {**params, "page_size": 100}, **extra)
    assert answer.status_code == 200
    page = answer.json()["results"]
    request = RequestFactory().get("/api/enterprises/", params, **extra)
    queryset = enterprise_rows(ENTERPRISES.filter(request.GET).qs)
    return page, EnterpriseSerializer(queryset, many=True, context={"request": request}).data


@pytest.mark.parametrize("params", [{}, {"list": "2022"}, {"district": "pudong", "sort": "name"}, {"case_study": "1"}])
def test_a_page_is_what_the_serializer_makes_of_the_same_rows(client, report, params):
    page, expected = page_and_serializer(client, params)
    assert len(page) == len(expected) > 0
    assert any(row["case_studies"] for row in page)
    assert page == json.loads(json.dumps(expected))


@pytest.fixture
def drafts_and_notices(report):
    """An entry under public notice, a draft case study, published ones without a trade volume, a second year's case study."""
    notice = Notice.objects.create(title="2023年名单公示", starts_on="2023-03-01", ends_on="2023-03-10", contact="021-0000")
    membership = ListMembership.objects.filter(annual_list__year=2022).first()
    membership.status, membership.notice = Status.NOTICE, notice
    membership.save()
    CaseStudy.objects.filter(pk=CaseStudy.objects.first().pk).update(trade_volume=None, status=Status.DRAFT)
    published = CaseStudy.objects.filter(status=Status.PUBLISHED).order_by("pk")[1]
    CaseStudy.objects.filter(pk=published.pk).update(trade_volume=None)
    earlier = CaseStudy.objects.order_by("pk").last()
    CaseStudy.objects.create(enterprise=earlier.enterprise, report_year=2023, serial=1, status=Status.PUBLISHED)


def test_notices_drafts_and_missing_values_as_the_serializer_shows_them(client, drafts_and_notices):
    page, expected = page_and_serializer(client, {})
    # The second year's case study comes first.
    assert [c["report_year"] for row in page for c in row["case_studies"] if len(row["case_studies"]) > 1] == [2023, 2022]
    assert any(m["notice"] for row in page for m in row["memberships"])
    assert any(c["trade_volume"] is None for row in page for c in row["case_studies"])
    assert page == json.loads(json.dumps(expected))


@pytest.fixture
def odd_values(report):
    """Values written past the model's cleaning (a bulk write, SQL by hand): the page must still show them as DRF does."""
    first, second, third = Enterprise.objects.public().order_by("pk")[:3]
    Enterprise.objects.filter(pk=first.pk).update(
        aliases="\u3000喜马拉雅 \r\n\r\n  Himalaya\t\u2028 xmly ",
        website="",
        credit_code=None,
        created_at=datetime.datetime(2020, 2, 29, 16, 0, 0, 1, tzinfo=datetime.UTC),
        updated_at=datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    )
    Enterprise.objects.filter(pk=second.pk).update(aliases="", name_en='Quote " and \\ back\nslash')
    CaseStudy.objects.filter(enterprise=third).update(trade_volume="0.50")
    BusinessType.objects.filter(pk=first.business_type_id).update(aliases=" 云服务 ；; 云计算;")
    return first


def test_odd_text_times_and_decimals_as_the_serializer_shows_them(client, odd_values):
    page, expected = page_and_serializer(client, {})
    shown = next(row for row in page if row["slug"] == odd_values.slug)
    assert shown["aliases"] == ["喜马拉雅", "Himalaya", "xmly"]
    assert shown["website"] is None and shown["credit_code"] is None
    assert shown["created_at"] == "2020-03-01T00:00:00.000001+08:00"
    assert shown["updated_at"] == "2000-01-01T07:59:59+08:00"
    assert shown["business_type"]["other_names"] == ["云服务", "云计算"]
    assert page == json.loads(json.dumps(expected))


def test_times_in_another_time_zone_and_in_utc(client, odd_values, settings):
    cases = [
        ("America/New_York", "2020-02-29T11:00:00.000001-05:00", "name"),
        ("UTC", "2020-02-29T16:00:00.000001Z", "region"),
    ]
    for zone, created, sort in cases:  # each its own query, which no cached answer holds
        settings.TIME_ZONE = zone
        timezone.activate(zone)
        try:
            page, expected = page_and_serializer(client, {"sort": sort})
        finally:
            timezone.deactivate()
        assert next(row for row in page if row["slug"] == odd_values.slug)["created_at"] == created
        assert page == json.loads(json.dumps(expected))


def test_addresses_are_on_the_clients_host_and_the_site_url(client, report, settings):
    settings.ALLOWED_HOSTS = ["api.example.org"]
    page, expected = page_and_serializer(client, {"list": "2022"}, HTTP_HOST="api.example.org")
    assert page[0]["url"].startswith("http://api.example.org/api/enterprises/")
    assert page[0]["permalink"].startswith(settings.SITE_URL.rstrip("/") + "/")
    assert page == json.loads(json.dumps(expected))


def test_a_deep_page_read_by_its_keys_first_is_the_same(client, report, monkeypatch):
    whole, expected = page_and_serializer(client, {"sort": "name"})
    monkeypatch.setattr(CountCachingPaginator, "DEFERRED_JOIN_OFFSET", 1)
    answer = client.get("/api/enterprises/", {"sort": "name", "page_size": 30, "page": 2})
    assert answer.json()["results"] == whole[30:60] == json.loads(json.dumps(expected[30:60]))


def test_every_field_of_the_serializer_and_its_order(client, report):
    answer = client.get("/api/enterprises/")
    assert list(answer.json()["results"][0]) == list(FIELDS) == list(EnterpriseSerializer().fields)


@on_postgresql
def test_on_postgresql_the_page_is_one_query_that_writes_the_json(client, report):
    client.get("/api/enterprises/")  # counts and reference data kept for the data version
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/enterprises/", {"district": "pudong"})
    assert answer.status_code == 200
    rows = [query["sql"] for query in queries if "json_build_object" in query["sql"]]
    assert len(rows) == 1
    assert not any("enterprises_casestudy" in query["sql"] and query["sql"] not in rows for query in queries)


@on_postgresql
def test_the_json_is_text_that_parses_to_the_serializers_representation(report):
    request = RequestFactory().get("/api/enterprises/")
    queryset = ENTERPRISES.filter(request.GET).qs
    texts = list(queryset.values_list(enterprise_json(request), flat=True))
    assert all(isinstance(text, str) for text in texts)
    expected = EnterpriseSerializer(enterprise_rows(queryset), many=True, context={"request": request}).data
    assert [json.loads(text) for text in texts] == json.loads(json.dumps(expected))
