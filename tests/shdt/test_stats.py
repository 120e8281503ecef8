from collections import Counter
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


def test_case_study_volumes(client, report):
    response = client.get(reverse("stats"))
    volumes = [c.trade_volume for c in response.context["cases"]]
    assert volumes == sorted((v for *_, v in case_studies_6_1()), reverse=True)
    assert response.context["case_total"] == sum(v for *_, v in case_studies_6_1())
    assert isinstance(response.context["case_total"], Decimal)
    assert "12,368.8" in response.content.decode()
