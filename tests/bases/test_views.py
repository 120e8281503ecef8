import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_bases_are_grouped_by_domain(client, report):
    response = client.get(reverse("exportbase_list"))
    assert response.context["total"] == 8
    html = response.content.decode()
    assert html.index("上海浦东软件园") < html.index("徐汇区") < html.index("上海中医药大学")


def test_filter_bases_by_domain_with_counts(client, report):
    response = client.get(reverse("exportbase_list"), {"domain": "culture"})
    assert sorted(base.name for base in response.context["rows"]) == sorted(["徐汇区", "上海仓城影视文化产业园"])
    counts = {option.value: option.count for facet, options in response.context["facets"] if facet.param == "domain" for option in options}
    assert counts == {"digital": 1, "culture": 2, "tcm": 1, "human-resources": 1, "ip": 1, "geo-information": 1, "language": 1}


def test_a_base_shows_both_statements_of_the_report(client, report):
    response = client.get(reverse("exportbase_detail", args=["shanghaizhongyiyaodaxue"]))
    html = response.content.decode()
    assert "2021" in html and "首批" in html and "第三章第二节三" in html
    assert "2022" in html and "第二批" in html and "第五章第一节四" in html
    assert "国家中医药服务出口基地" in html


def test_base_profile_in_english(client, report):
    response = client.get(reverse("exportbase_detail", args=["shanghaipudongruanjianyuan"]), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "National Digital Service Export Base" in html
    assert "first batch" in html


def test_filter_bases_by_year_and_batch(client, report):
    response = client.get(reverse("exportbase_list"), {"year": 2022})
    names = sorted(base.name for base in response.context["rows"])
    assert len(names) == 5 and "上海中医药大学" in names  # the four special bases and, by 第五章, the TCM base
    response = client.get(reverse("exportbase_list"), {"batch": "second"})
    assert sorted(base.name for base in response.context["rows"]) == sorted(["上海仓城影视文化产业园", "上海中医药大学"])
    years = {o.value: o.count for f, options in response.context["facets"] if f.param == "year" for o in options}
    assert years == {"2018": 0, "2020": 0, "2021": 1, "2022": 1}
