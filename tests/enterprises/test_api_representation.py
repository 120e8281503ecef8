"""
The API's enterprise representation is built directly, not field by field: it must be
exactly what DRF's generic path makes of the same serializer's declared fields.
"""

import pytest
from django.test import RequestFactory
from rest_framework import serializers

from enterprises.api.serializers import EnterpriseSerializer
from enterprises.api.views import enterprise_queryset
from enterprises.models import CaseStudy, ListMembership
from shdt.models import Notice, Status

pytestmark = pytest.mark.django_db


def both(queryset):
    request = RequestFactory().get("/api/enterprises/")
    serializer = EnterpriseSerializer(context={"request": request})
    for enterprise in queryset:
        yield serializer.to_representation(enterprise), serializers.ModelSerializer.to_representation(serializer, enterprise)


def test_every_enterprise_of_the_report_is_represented_as_drf_would(report):
    pairs = list(both(enterprise_queryset()))
    assert len(pairs) == 100
    assert any(fast["case_studies"] for fast, _ in pairs)
    for fast, generic in pairs:
        assert fast == generic


def test_drafts_notices_and_missing_values_too(report):
    notice = Notice.objects.create(title="2023年名单公示", starts_on="2023-03-01", ends_on="2023-03-10", contact="021-0000")
    membership = ListMembership.objects.filter(annual_list__year=2022).first()
    membership.status, membership.notice = Status.NOTICE, notice
    membership.save()
    CaseStudy.objects.filter(pk=CaseStudy.objects.first().pk).update(trade_volume=None, status=Status.DRAFT)
    pairs = list(both(enterprise_queryset(public=False)))
    assert any(m["notice"] for fast, _ in pairs for m in fast["memberships"])
    assert any(c["trade_volume"] is None for fast, _ in pairs for c in fast["case_studies"])
    for fast, generic in pairs:
        assert fast == generic
