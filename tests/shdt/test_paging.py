"""
Deep pages: CountCachingPaginator reads a deep page's keys first, then its rows. Each
page must hold exactly the rows of the same slice of the plain, ordered queryset, on
SQLite and on PostgreSQL alike, whatever the sort and the ties in the sort keys.
"""

import pytest
from django.urls import reverse

from enterprises.tables import ENTERPRISES
from enterprises.views import EnterpriseListView
from shdt.caching import CountCachingPaginator
from tests.factories import make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

PER_PAGE = 4


@pytest.fixture
def enterprises():
    """
    Twenty-three public enterprises on two lists, whose 序号 repeat across the lists and
    whose names, regions and ids are each in a different order, so that a page is right
    only if every part of the sort key is kept; and two that are on no public list.
    """
    for number in range(23):
        enterprise = make_enterprise(
            f"上海深页测试{(number * 7) % 23:02d}有限公司",
            region=["pudong", "xuhui", "jingan"][number % 3],
        )
        put_on_list(enterprise, 2021 + number % 2, serial=1 + number // 2)
    for number in range(2):
        put_on_list(make_enterprise(f"上海未公示{number}有限公司"), 2023, status="draft")


def fast_and_plain_pages(params: dict) -> tuple[list, list]:
    filterset = ENTERPRISES.filter(params)
    queryset = filterset.qs
    paginator = CountCachingPaginator(queryset.values("id", "name"), PER_PAGE, keys_queryset=queryset)
    plain = list(queryset.values("id", "name"))
    pages = [list(paginator.page(number).object_list) for number in paginator.page_range]
    slices = [plain[start : start + PER_PAGE] for start in range(0, len(plain), PER_PAGE)]
    return pages, slices


@pytest.mark.parametrize(
    "params", [{}, {"sort": "name"}, {"sort": "region"}, {"sort": "serial"}, {"list": "2021"}, {"q": "深页"}]
)
def test_every_page_by_keys_is_the_same_slice_of_the_plain_queryset(enterprises, monkeypatch, params):
    # Every page but the first takes the path by keys.
    monkeypatch.setattr(CountCachingPaginator, "DEFERRED_JOIN_OFFSET", PER_PAGE)
    pages, slices = fast_and_plain_pages(params)
    assert len(slices) >= 3
    assert pages == slices


def test_the_list_page_by_keys_shows_the_rows_of_the_plain_order(client, enterprises, monkeypatch):
    monkeypatch.setattr(CountCachingPaginator, "DEFERRED_JOIN_OFFSET", 1)
    monkeypatch.setattr(EnterpriseListView, "paginate_by", PER_PAGE)
    expected = list(ENTERPRISES.filter({}).qs.values_list("name", flat=True))
    shown, page = [], 1
    while True:
        response = client.get(reverse("enterprise_list"), {"page": page})
        shown += [row.name for row in response.context["rows"]]
        if not response.context["page_obj"].has_next():
            break
        page += 1
    assert page > 1
    assert shown == expected
    assert len(shown) == 23
