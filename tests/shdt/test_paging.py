"""
Deep pages: CountCachingPaginator reads a deep page's keys first, then its rows. Each
page must hold exactly the rows of the same slice of the plain, ordered queryset, on
SQLite and on PostgreSQL alike, whatever the sort and the ties in the sort keys.
"""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.tables import ENTERPRISES
from enterprises.views import EnterpriseListView
from shdt.core.caching import CountCachingPaginator, current_token
from shdt.core.listing import query_string
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


def fast_and_plain_pages(params: dict, **cache) -> tuple[list, list]:
    filterset = ENTERPRISES.filter(params)
    queryset = filterset.qs
    paginator = CountCachingPaginator(queryset.values("id", "name"), PER_PAGE, keys_queryset=queryset, **cache)
    plain = list(queryset.values("id", "name"))
    pages = [list(paginator.page(number).object_list) for number in paginator.page_range]
    slices = [plain[start : start + PER_PAGE] for start in range(0, len(plain), PER_PAGE)]
    return pages, slices


@pytest.mark.parametrize(
    "params", [{}, {"sort": "name"}, {"sort": "region"}, {"sort": "serial"}, {"list": "2021"}, {"q": "深页"}]
)
@pytest.mark.parametrize("cached", [False, True], ids=["keys read", "keys from cached blocks"])
def test_every_page_by_keys_is_the_same_slice_of_the_plain_queryset(enterprises, monkeypatch, params, cached):
    # Every page but the first takes the path by keys; blocks of 5 keys do not line up
    # with pages of 4, so that some pages take their keys from two blocks.
    monkeypatch.setattr(CountCachingPaginator, "DEFERRED_JOIN_OFFSET", PER_PAGE)
    monkeypatch.setattr(CountCachingPaginator, "KEY_BLOCK", 5)
    cache = {"keys_key": ("test", tuple(params.items())), "token": current_token()} if cached else {}
    pages, slices = fast_and_plain_pages(params, **cache)
    assert len(slices) >= 3
    assert pages == slices
    # A second reading, from the cache when it is on, gives the same pages.
    assert fast_and_plain_pages(params, **cache) == (pages, slices)


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


# Keys are kept only outside a transaction: this test commits, as a server does.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committed_db")
def test_a_deep_page_again_reads_no_keys_and_a_change_is_seen_at_once(client, enterprises, monkeypatch):
    monkeypatch.setattr(CountCachingPaginator, "DEFERRED_JOIN_OFFSET", 1)
    monkeypatch.setattr(EnterpriseListView, "paginate_by", PER_PAGE)
    url = reverse("enterprise_list")
    first = [row.name for row in client.get(url, {"page": 3}).context["rows"]]
    with CaptureQueriesContext(connection) as queries:
        again = [row.name for row in client.get(url, {"page": 3}).context["rows"]]
    assert again == first
    assert not [query for query in queries if 'AS "pk"' in query["sql"] and "LIMIT" in query["sql"]]

    # The newest list comes first: a new entry on it moves every later row down one place.
    put_on_list(make_enterprise("上海最新上榜有限公司"), 2022, serial=99)
    expected = list(ENTERPRISES.filter({}).qs.values_list("name", flat=True))[2 * PER_PAGE : 3 * PER_PAGE]
    moved = [row.name for row in client.get(url, {"page": 3}).context["rows"]]
    assert moved == expected
    assert moved != first


def test_links_keep_every_filter_value_as_the_query_had_it():
    # The pager's, sort's and downloads' links: the query with one key changed, encoded as
    # Django encodes a QueryDict, repeated keys and all.
    params = QueryDict("q=%E5%96%9C%E9%A9%AC+%26+x&district=pudong&district=xuhui&page=3&sort=name&empty=")
    assert query_string(params, page=None) == "?q=%E5%96%9C%E9%A9%AC+%26+x&district=pudong&district=xuhui&sort=name&empty="
    assert query_string(params, page=4, district=["minhang"]) == (
        "?q=%E5%96%9C%E9%A9%AC+%26+x&district=minhang&page=4&sort=name&empty="
    )
    expected = params.copy()
    expected["sort"] = "serial"
    assert query_string(params, sort="serial", new=None) == "?" + expected.urlencode()
    assert query_string(QueryDict(""), page=None) == ""
    assert params.getlist("district") == ["pudong", "xuhui"]  # the request's own query is left alone
