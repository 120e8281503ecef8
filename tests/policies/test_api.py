"""/api/policies/: the rows of the policies' table and download for the same query."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from shdt.core.tables import get_table
from tests.api import api_rows, csv_rows

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:policy_list")


@pytest.mark.parametrize("query", ["", "period=13th", "period=14th&year=2021", "issuer=上海市人民政府", "q=数字贸易", "year=2019"])
def test_the_api_gives_the_rows_of_the_table_and_of_its_download(client, report, query):
    rows = api_rows(client, query, LIST_URL)
    table_rows = list(get_table("policies").filter(QueryDict(query)).qs)
    downloaded = csv_rows("policies", query)
    assert [(row["published_on"], row["title"]) for row in rows] == [(p.published_on.isoformat(), p.title) for p in table_rows]
    assert [(row["published_on"], row["issuer"], row["title"]) for row in rows] == [
        (row["发布日期"], row["发布单位"], row["文件名称"]) for row in downloaded
    ]


def test_a_policy_shows_its_plan_period(client, report):
    rows = api_rows(client, "year=2021", LIST_URL)
    assert rows
    assert {row["plan_period"]["code"] for row in rows} == {"14th"}
    assert rows[0]["plan_period"] == {
        "code": "14th",
        "name": "十四五",
        "name_en": "14th Five-Year Plan",
        "first_year": 2021,
        "last_year": 2025,
    }


def test_year_zero_is_refused_not_a_server_error(client, report):
    response = client.get(LIST_URL, {"year": "0"})
    assert response.status_code == 400
    assert list(response.json()) == ["year"]
