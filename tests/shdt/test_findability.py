"""
What makes the registry findable (issue 16): the sitemap, robots.txt, the favicon, canonical
links and Open Graph tags from the record, menus to every public section, and the change
feed's page for browsers.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from shdt.core.models import Status
from tests.factories import make_base, make_enterprise, make_policy, put_on_list
from tests.publishing import publish_two_editions

pytestmark = pytest.mark.django_db

SITE = "https://shdt.example.gov.cn"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def locations(client, url) -> dict[str, str | None]:
    """The sitemap's addresses, each with its lastmod."""
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        element.find("sm:loc", NS).text: getattr(element.find("sm:lastmod", NS), "text", None)
        for element in root.findall("sm:url", NS) + root.findall("sm:sitemap", NS)
    }


def all_addresses(client) -> dict[str, str | None]:
    found = {}
    for section in locations(client, "/sitemap.xml"):
        found.update(locations(client, "/" + section.split("/", 3)[3]))
    return found


def test_the_sitemap_lists_every_public_record_with_its_date_and_no_draft(client):
    public = make_enterprise("上海公开甲科技有限公司")
    put_on_list(public, status=Status.PUBLISHED)
    on_notice = make_enterprise("上海公示乙科技有限公司")
    put_on_list(on_notice, status=Status.NOTICE)
    draft = make_enterprise("上海草稿丙科技有限公司")
    put_on_list(draft, status=Status.DRAFT)
    base = make_base("公开基地")
    hidden_base = make_base("草稿基地", status=Status.DRAFT)
    first, second, _ = publish_two_editions()

    sections = locations(client, "/sitemap.xml")
    assert {url.rsplit("/", 1)[1] for url in sections} >= {
        "sitemap-pages.xml",
        "sitemap-enterprises.xml",
        "sitemap-editions.xml",
        "sitemap-bases.xml",
    }
    addresses = all_addresses(client)
    for record in (public, on_notice, base, first, second):
        assert f"{SITE}{record.get_absolute_url()}" in addresses, record
    for record in (draft, hidden_base):
        assert f"{SITE}{record.get_absolute_url()}" not in addresses, record
    # The sitemap writes dates in the site's time zone (Asia/Shanghai), not in UTC.
    assert addresses[f"{SITE}{public.get_absolute_url()}"].startswith(localtime(public.updated_at).date().isoformat())
    assert addresses[f"{SITE}{first.get_absolute_url()}"].startswith(localtime(first.published_at).date().isoformat())
    for name in ("home", "enterprise_list", "exportbase_list", "policy_list", "annuallist_list", "stats", "changes", "site_map"):
        assert f"{SITE}{reverse(name)}" in addresses, name


def test_the_sitemap_reads_only_what_its_addresses_need(client, django_assert_max_num_queries):
    for number in range(30):
        put_on_list(make_enterprise(f"上海批量{number}号科技有限公司"))
    with django_assert_max_num_queries(3):
        urls = locations(client, "/sitemap-enterprises.xml")
    assert len(urls) == 30


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_staff_pages_and_downloads(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /enterprises/download." in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "Disallow: /" not in lines, "the public pages stay open to crawlers"


def test_favicon_ico_answers_with_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg"), "the icon is one of the site's own static files"


def test_a_profile_has_its_canonical_address_description_and_open_graph_tags(client):
    enterprise = make_enterprise("上海开放图谱科技有限公司", region="xuhui", business_type="cloud")
    put_on_list(enterprise, serial=7)
    html = client.get(enterprise.get_absolute_url() + "?utm_source=wechat").content.decode()
    url = f"{SITE}{enterprise.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="profile">' in html
    assert re.search(r'<meta property="og:title" content="上海开放图谱科技有限公司 · [^"]+">', html)
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert "上海开放图谱科技有限公司" in description and "徐汇" in description and "7" in description
    assert f'<meta property="og:description" content="{description}">' in html


def test_a_filtered_lists_canonical_address_keeps_its_filters_and_drops_the_rest(client):
    put_on_list(make_enterprise())
    html = client.get("/enterprises/?utm_source=x&district=pudong&page=1&business_type=cloud").content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert canonical == f"{SITE}/enterprises/?business_type=cloud&amp;district=pudong&amp;page=1"


def test_the_menu_leads_to_every_public_section(client):
    html = client.get("/").content.decode()
    nav = html.split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs == [
        reverse("enterprise_list"),
        reverse("enterprise_list") + "?case_study=1",
        reverse("exportbase_list"),
        reverse("policy_list"),
        reverse("annuallist_list"),
        reverse("stats"),
        reverse("api:docs"),
    ]
    for href in hrefs:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_the_feed_names_its_page_and_the_page_shows_the_same_changes(client):
    enterprise = make_enterprise("上海变更可见科技有限公司")
    put_on_list(enterprise, status=Status.DRAFT)
    from tests.publishing import drafts_of, make_reviewer, open_notice

    open_notice(drafts_of(enterprise.memberships.get().annual_list), make_reviewer())
    feed = client.get("/feed/").content.decode()
    assert re.search(r'<link[^>]+href="[^"]*/changes/"[^>]*rel="alternate"|<link[^>]+rel="alternate"[^>]+href="[^"]*/changes/"', feed)
    page = client.get("/changes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "上海变更可见科技有限公司" in html
    assert 'type="application/atom+xml"' in html


def test_the_html_site_map_links_every_section_and_no_draft(client):
    make_base("公开基地")
    make_base("草稿基地", status=Status.DRAFT)
    put_on_list(make_enterprise(), year=2022)
    make_policy()
    html = client.get("/site-map/").content.decode()
    for name in ("enterprise_list", "exportbase_list", "policy_list", "annuallist_list", "stats", "changes"):
        assert f'href="{reverse(name)}"' in html, name
    assert "公开基地" in html and "草稿基地" not in html
    assert "?list=2022" in html
