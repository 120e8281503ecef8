"""
The `q` search: on PostgreSQL the trigram index of enterprises' search text serves it,
so that a rare name is found without reading the whole table (migration 0008).
"""

import pytest
from django.db import connection
from django.urls import reverse

from enterprises.models import Enterprise, PublicListing
from enterprises.tables import ENTERPRISES
from shdt.core.text import search_document
from tests.api import api_rows
from tests.factories import make_case_study, make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")


@pytest.fixture
def rare_and_common():
    rare = make_enterprise("上海德盛致数科技有限公司")
    put_on_list(rare, 2022)
    make_case_study(rare)
    for number in range(5):
        put_on_list(make_enterprise(f"上海数字{number}信息技术有限公司"), 2022)
    return rare


@pytest.fixture
def many_enterprises(rare_and_common):
    """Enough public enterprises, with fresh statistics, that reading them all costs more than the index."""
    region, business_type = rare_and_common.region, rare_and_common.business_type
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"上海批量{number}号网络科技有限公司",
            name_normalized=f"上海批量{number}号网络科技有限公司",
            slug=f"piliang-{number}",
            search_text=search_document(f"上海批量{number}号网络科技有限公司"),
            region=region,
            business_type=business_type,
        )
        for number in range(3000)
    )
    PublicListing.objects.bulk_create(
        PublicListing(enterprise=enterprise, list_year=2022, serial=100 + number, status="published")
        for number, enterprise in enumerate(enterprises)
    )
    with connection.cursor() as cursor:
        # New entries wait in the GIN index's pending list until a vacuum (autovacuum, in
        # production) moves them into the index proper, as after any large import.
        cursor.execute("SELECT gin_clean_pending_list('enterprise_search_text_trgm')")
        cursor.execute("ANALYZE enterprises_enterprise")
        cursor.execute("ANALYZE enterprises_publiclisting")


@postgresql_only
@pytest.mark.parametrize("query", ["德盛致数", "dszs", "deshengzhishu"])
def test_a_search_of_three_characters_or_more_uses_the_trigram_index(many_enterprises, query):
    filterset = ENTERPRISES.filter({"q": query})
    assert "enterprise_search_text_trgm" in filterset.qs.explain()
    assert "enterprise_search_text_trgm" in filterset.qs.order_by().explain()  # the count and the facets


@postgresql_only
def test_the_trigram_index_is_a_gin_index_on_the_search_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'enterprise_search_text_trgm'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_text gin_trgm_ops)" in definition


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("德盛致数", ["上海德盛致数科技有限公司"]),
        ("dszs", ["上海德盛致数科技有限公司"]),
        ("数字", [f"上海数字{number}信息技术有限公司" for number in range(5)]),
        ("数", ["上海德盛致数科技有限公司"] + [f"上海数字{number}信息技术有限公司" for number in range(5)]),
        ("信息技术", [f"上海数字{number}信息技术有限公司" for number in range(5)]),
        ("不存在的名字", []),
    ],
)
def test_search_finds_exactly_the_names_that_contain_the_query(client, rare_and_common, query, expected):
    response = client.get(reverse("enterprise_list"), {"q": query})
    assert sorted(row.name for row in response.context["rows"]) == sorted(expected)
    assert response.context["total"] == len(expected)
    api = api_rows(client, f"q={query}", reverse("api:enterprise_list"))
    assert sorted(row["name"] for row in api) == sorted(expected)
