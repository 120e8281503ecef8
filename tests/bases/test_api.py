"""/api/bases/: the rows of the bases' table and download for the same query, and what a base shows."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from shdt.core.tables import get_table
from tests.api import api_rows, csv_rows

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:exportbase_list")


@pytest.mark.parametrize(
    "query",
    ["", "domain=digital", "domain=culture&domain=tcm", "category=special", "year=2021", "batch=second", "district=xuhui", "q=中医药", "year=2020&domain=digital"],
)
def test_the_api_gives_the_rows_of_the_table_and_of_its_download(client, report, query):
    rows = api_rows(client, query, LIST_URL)
    assert [row["slug"] for row in rows] == [base.slug for base in get_table("bases").filter(QueryDict(query)).qs]
    assert [row["name"] for row in rows] == [row["名称"] for row in csv_rows("bases", query)]


def test_a_base_keeps_both_statements_of_the_report(client, report):
    response = client.get(reverse("api:exportbase_detail", kwargs={"slug": "shanghaizhongyiyaodaxue"}))
    assert response.status_code == 200
    base = response.json()
    assert base["category"] == {
        "code": "tcm",
        "name": "国家中医药服务出口基地",
        "name_en": "National Traditional Chinese Medicine Service Export Base",
    }
    assert [(r["year"], r["batch"], r["batch_name"], r["batch_name_en"]) for r in base["recognitions"]] == [
        (2021, "first", "首批", "first batch"),
        (2022, "second", "第二批", "second batch"),
    ]
    assert base["permalink"].endswith("/bases/shanghaizhongyiyaodaxue/")
    assert "id" not in base


def test_a_year_that_no_date_has_is_refused(client, report):
    for year in ["0", "2021.5", "twenty"]:
        response = client.get(LIST_URL, {"year": year})
        assert response.status_code == 400, year
        assert list(response.json()) == ["year"]
