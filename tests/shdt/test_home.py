import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_says_what_the_registry_holds(client, report):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "上海数字贸易创新企业名录" in html
    assert response.context["enterprise_count"] == 100
    assert response.context["case_study_count"] == 15
    assert response.context["base_count"] == 8
    assert response.context["policy_count"] == 17
    assert reverse("admin:index") in html


def test_home_in_english(client, report):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Shanghai Digital Trade Registry" in response.content.decode()
