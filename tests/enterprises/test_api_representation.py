"""
The API's enterprise representation is built directly, not field by field: it must be
exactly what DRF's generic path makes of the same serializer's declared fields, whether
from model instances (a record, a write's answer) or on a page of the list, from the
enterprises' stored documents (enterprises.api.documents).
"""

import pytest
from django.test import RequestFactory
from rest_framework import serializers

from enterprises.api.documents import enterprise_documents_refresh
from enterprises.api.serializers import EnterpriseSerializer
from enterprises.api.views import enterprise_queryset
from enterprises.tables import ENTERPRISES
from enterprises.models import CaseStudy, ListMembership
from shdt.core.models import Notice, Status

pytestmark = pytest.mark.django_db


def both(queryset):
    request = RequestFactory().get("/api/enterprises/")
    serializer = EnterpriseSerializer(context={"request": request})
    for enterprise in queryset:
        yield serializer.to_representation(enterprise), serializers.ModelSerializer.to_representation(serializer, enterprise)


def pages_and_generic(client, params: dict):
    """The rows of a filtered page of the API, beside DRF's generic path for each of the same enterprises."""
    answer = client.get("/api/enterprises/", {**params, "page_size": 100})
    assert answer.status_code == 200
    page = answer.json()["results"]
    request = RequestFactory().get("/api/enterprises/", params)
    queryset = ENTERPRISES.filter(request.GET).qs
    serializer = EnterpriseSerializer(context={"request": request})
    instances = queryset.prefetch_related(*enterprise_queryset()._prefetch_related_lookups)
    generic = [serializers.ModelSerializer.to_representation(serializer, enterprise) for enterprise in instances]
    return page, generic


def test_every_enterprise_of_the_report_is_represented_as_drf_would(report):
    pairs = list(both(enterprise_queryset()))
    assert len(pairs) == 100
    assert any(fast["case_studies"] for fast, _ in pairs)
    for fast, generic in pairs:
        assert fast == generic


@pytest.fixture
def drafts_and_notices(report):
    """An entry under public notice, a draft case study without a trade volume, and a second year's case study."""
    notice = Notice.objects.create(title="2023年名单公示", starts_on="2023-03-01", ends_on="2023-03-10", contact="021-0000")
    membership = ListMembership.objects.filter(annual_list__year=2022).first()
    membership.status, membership.notice = Status.NOTICE, notice
    membership.save()
    CaseStudy.objects.filter(pk=CaseStudy.objects.first().pk).update(trade_volume=None, status=Status.DRAFT)
    # A published case study without a trade volume, written as a bulk write would be.
    published = CaseStudy.objects.filter(status=Status.PUBLISHED).order_by("pk")[1]
    CaseStudy.objects.filter(pk=published.pk).update(trade_volume=None)
    enterprise_documents_refresh(CaseStudy.objects.values_list("enterprise_id", flat=True))
    earlier = CaseStudy.objects.order_by("pk").last()
    CaseStudy.objects.create(enterprise=earlier.enterprise, report_year=2023, serial=1, status=Status.PUBLISHED)


def test_drafts_notices_and_missing_values_too(drafts_and_notices):
    pairs = list(both(enterprise_queryset(public=False)))
    assert any(m["notice"] for fast, _ in pairs for m in fast["memberships"])
    assert any(c["trade_volume"] is None for fast, _ in pairs for c in fast["case_studies"])
    for fast, generic in pairs:
        assert fast == generic


@pytest.mark.parametrize("params", [{}, {"list": "2022"}, {"district": "pudong", "sort": "name"}])
def test_a_page_of_stored_documents_is_what_drf_makes_of_the_same_rows(client, report, params):
    page, generic = pages_and_generic(client, params)
    assert len(page) == len(generic) > 0
    assert any(row["case_studies"] for row in page)
    assert page == generic


def test_a_page_shows_notices_and_missing_values_as_drf_does(client, drafts_and_notices):
    page, generic = pages_and_generic(client, {})
    # The second year's case study comes first.
    assert [c["report_year"] for row in page for c in row["case_studies"] if len(row["case_studies"]) > 1] == [2023, 2022]
    assert any(m["notice"] for row in page for m in row["memberships"])
    assert any(c["trade_volume"] is None for row in page for c in row["case_studies"])
    assert page == generic
