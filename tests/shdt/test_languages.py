"""
Each language of a page has an address of its own (`?lang=`), which the pages give as
hreflang alternates and search engines index (issue 16); the visitor's own choice (cookie,
browser) decides everywhere else.
"""

import re

import pytest

from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

SITE = "https://shdt.example.gov.cn"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def alternates(html: str) -> dict[str, str]:
    return {lang: href.replace("&amp;", "&") for lang, href in re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)}


def test_an_address_with_a_language_answers_in_it_whatever_the_browser_asks(client, report):
    enterprise = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    html = client.get(enterprise.get_absolute_url() + "?lang=en", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="en">' in html and "Business type" in html
    html = client.get(enterprise.get_absolute_url() + "?lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-Hans">' in html and "业务类型" in html
    # An unknown language is ignored: the visitor's own decides.
    html = client.get(enterprise.get_absolute_url() + "?lang=fr", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "django_language" not in client.cookies, "naming a language in the address sets no cookie"


def test_every_page_names_its_alternates_in_each_language(client, report):
    enterprise = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    path = enterprise.get_absolute_url()
    found = alternates(client.get(path + "?utm_source=x").content.decode())
    assert found == {
        "zh-Hans": f"{SITE}{path}?lang=zh-hans",
        "en": f"{SITE}{path}?lang=en",
        "x-default": f"{SITE}{path}",
    }
    found = alternates(client.get("/enterprises/?district=pudong&page=2").content.decode())
    assert found["en"] == f"{SITE}/enterprises/?district=pudong&page=2&lang=en"
    english = client.get(path + "?lang=en").content.decode()
    assert f'<link rel="canonical" href="{SITE}{path}?lang=en">' in english


def test_each_language_of_a_page_is_cached_apart(client, report, response_cache):
    path = Enterprise.objects.get(name="博彦科技（上海）有限公司").get_absolute_url()
    for _ in range(2):
        assert '<html lang="en">' in client.get(path + "?lang=en").content.decode()
        assert '<html lang="zh-Hans">' in client.get(path + "?lang=zh-hans").content.decode()
        assert '<html lang="zh-Hans">' in client.get(path).content.decode()


def test_the_language_switch_comes_back_without_the_language_the_address_named(client, report):
    html = client.get("/enterprises/?district=pudong&lang=en").content.decode()
    next_value = re.search(r'<input type="hidden" name="next" value="([^"]+)">', html).group(1).replace("&amp;", "&")
    assert next_value == "/enterprises/?district=pudong"
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": next_value})
    assert response["Location"] == "/enterprises/?district=pudong"
    assert '<html lang="zh-Hans">' in client.get(response["Location"]).content.decode()
