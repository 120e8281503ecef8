import re
from collections import Counter
from html import escape, unescape
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.report_tables import case_studies_6_1, enterprises_3_3

pytestmark = pytest.mark.django_db


def test_counts_by_type_and_region_match_table_3_3(client, report):
    response = client.get(reverse("stats"))
    by_type = {t.name: t.n for t in response.context["by_type"]}
    assert by_type == dict(Counter(kind for _, _, kind, _ in enterprises_3_3()))
    by_region = {r.short_name: r.n for r in response.context["by_region"]}
    assert by_region == dict(Counter(region for *_, region in enterprises_3_3()))


def test_charts_come_with_their_numbers_as_a_table(client, report):
    html = client.get(reverse("stats")).content.decode()
    assert html.count("<svg") == 4  # three bar charts and the district map
    assert 'aria-describedby="by-type-table"' in html
    assert "<td>54</td><td>54.0%</td>" in html  # 数字服务, 54 of 100


def test_each_bar_is_named_to_assistive_technology_and_links_to_what_it_counts(client, report):
    html = client.get(reverse("stats"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # A chart is a group of bars, not one image: an image's links would be hidden from screen readers.
    assert 'role="img" aria-labelledby' not in html
    assert html.count('role="group" aria-labelledby') == 4
    bars = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" class="bar-item">', html)
    by_name = {name: unescape(link) for link, name in bars}
    assert by_name["数字服务：54"] == "/enterprises/?list=2022&business_type=digital-services"
    # The same bar's row in the folded table links to the same list.
    link = escape(by_name["数字服务：54"])
    assert f'<th scope="row"><a href="{link}">数字服务</a></th><td>54</td>' in html


def test_case_study_volumes(client, report):
    response = client.get(reverse("stats"))
    volumes = [c.trade_volume for c in response.context["cases"]]
    assert volumes == sorted((v for *_, v in case_studies_6_1()), reverse=True)
    assert response.context["case_total"] == sum(v for *_, v in case_studies_6_1())
    assert isinstance(response.context["case_total"], Decimal)
    assert "12,368.8" in response.content.decode()
