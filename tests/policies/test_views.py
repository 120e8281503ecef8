import pytest
from django.urls import reverse

from tests.report_tables import policies_3_2

pytestmark = pytest.mark.django_db

URL = reverse("policy_list")


def titles(response):
    return [policy.title for policy in response.context["rows"]]


def test_timeline_lists_every_document_in_date_order(client, report):
    response = client.get(URL)
    assert titles(response) == [title for *_, title in policies_3_2()]


def test_filter_by_plan_period(client, report):
    assert titles(client.get(URL, {"period": "13th"})) == [t for _, date, _, t in policies_3_2() if date < "2021"]
    assert len(titles(client.get(URL, {"period": "14th"}))) == 12


def test_filter_by_issuer_and_search(client, report):
    response = client.get(URL, {"issuer": "上海市发改委"})
    assert titles(response) == ["《上海市促进城市数字化转型的若干政策措施》"]
    response = client.get(URL, {"q": "数字贸易"})
    assert titles(response) == ["《上海市数字贸易发展行动方案（2019—2021年）》"]


def test_period_counts(client, report):
    response = client.get(URL, {"issuer": "上海市人民政府"})
    counts = {o.value: o.count for f, options in response.context["facets"] if f.param == "period" for o in options}
    expected_13 = sum(1 for _, date, issuer, _ in policies_3_2() if issuer == "上海市人民政府" and date < "2021")
    assert counts["13th"] == expected_13
    assert counts["15th"] == 0


def test_the_2019_plan_carries_the_appendix_date(client, report):
    html = client.get(URL).content.decode()
    assert "2019-07-24" in html
    assert "2019年7月23日" in html
