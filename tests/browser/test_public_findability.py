"""
The public registry as a citizen, a journalist and a search engine meet it (issue 16), in
a real browser at desktop and phone width: the pages the README shows (home, a profile and
the statistics, in Chinese and English), a bad filter answered with a sentence, an error
reported from a profile reaching the staff's admin, and the sitemap naming every public
record and no draft.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import Page, expect

from enterprises.models import Enterprise
from shdt.core.models import CorrectionRequest, Status
from tests.factories import make_enterprise, put_on_list

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PROFILE = "上海米哈游网络科技股份有限公司"


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_home_page_and_a_profile_in_each_language_and_width(page: Page, site, shots, width, language):
    page.set_viewport_size(VIEWPORTS[width])
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans" if language == "zh" else "en", "url": site}])

    page.goto(site + "/")
    nav = page.get_by_role("navigation", name=re.compile("Main|主导航|主菜单|主要")).first
    expected = ["企业", "典型案例", "服务出口基地", "政策文件", "名单与版本", "统计", "开放数据（API）"]
    if language == "en":
        expected = ["Enterprises", "Case studies", "Export bases", "Policies", "Lists and editions", "Statistics", "Open data (API)"]
    expect(nav.get_by_role("link")).to_have_text(expected)
    expect(page.locator("figure.district-map")).to_be_visible()
    assert no_sideways_scroll(page)
    shots(page, f"home-{language}-{width}")

    enterprise = Enterprise.objects.get(name=PROFILE)
    page.goto(site + enterprise.get_absolute_url())
    expect(page.locator("h1")).to_have_text(PROFILE)
    missing = "报告未载明" if language == "zh" else "not stated in the report"
    expect(page.locator(".facts .missing").first).to_have_text(missing)
    if language == "en":
        expect(page.locator(".language-note")).to_be_visible()
        expect(page.locator('[lang="zh-Latn-pinyin"]')).to_contain_text("Mǐ Hā Yóu")
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical.endswith(enterprise.get_absolute_url())
    assert page.locator('meta[property="og:title"]').get_attribute("content").startswith(PROFILE)
    assert no_sideways_scroll(page)
    shots(page, f"profile-{language}-{width}")


def test_a_bad_filter_is_answered_400_with_a_sentence(page: Page, site):
    response = page.goto(site + "/enterprises/?district=waitan")
    assert response.status == 400
    expect(page.locator(".notice.error")).to_contain_text("未知的所属区域：waitan")
    # The rest of the page still works: the unfiltered list, with its count in the heading.
    expect(page.locator(".result-count")).to_contain_text("100 家企业")


def test_an_error_reported_from_a_profile_reaches_the_staff(page: Page, site, django_user_model):
    enterprise = Enterprise.objects.get(name=PROFILE)
    page.goto(site + enterprise.get_absolute_url())
    page.get_by_text("报告记录错误").click()
    page.get_by_label("错误内容").fill("网站应为 https://www.mihoyo.com/")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("main")).to_contain_text(re.compile("谢谢|感谢"))
    request = CorrectionRequest.objects.get()
    assert request.object_id == enterprise.pk and "mihoyo" in request.message

    django_user_model.objects.create_superuser("staff", "staff@example.com", "pw-for-browser-tests")
    page.goto(site + "/admin/shdt/correctionrequest/")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("pw-for-browser-tests")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#result_list")).to_contain_text(PROFILE)


def test_the_sitemap_names_every_public_enterprise_and_no_draft(page: Page, site):
    draft = make_enterprise("上海草稿地图科技有限公司")
    put_on_list(draft, year=2023, status=Status.DRAFT)
    xml = page.request.get(site + "/sitemap-enterprises.xml").text()
    urls = {element.text for element in ET.fromstring(xml).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    public = Enterprise.objects.public()
    assert len(urls) == public.count() == 100
    assert all(any(url.endswith(e.get_absolute_url()) for url in urls) for e in public)
    assert not any(url.endswith(draft.get_absolute_url()) for url in urls)


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_search_results_and_the_map_in_each_language_and_width(page: Page, site, shots, width, language):
    page.set_viewport_size(VIEWPORTS[width])
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans" if language == "zh" else "en", "url": site}])

    # One box finds an enterprise by a word of its case study, by pinyin, and a policy by its title.
    for query, found in [("Mobile Legends", "上海沐瞳科技有限公司"), ("hailong", "上海海隆软件有限公司"), ("海隆", "上海海隆软件有限公司")]:
        page.goto(f"{site}/search/?q={query}")
        expect(page.locator("main .search-group").first).to_contain_text(found)
    page.goto(f"{site}/search/?q=数字贸易")
    groups = page.locator("main .search-group")
    assert groups.count() >= 2, "case studies and policies are grouped apart"
    expect(page.locator("main")).to_contain_text("上海市数字贸易发展行动方案")  # a policy, by a word of its title
    expect(page.locator("main mark").first).to_be_visible()
    assert no_sideways_scroll(page)
    shots(page, f"search-{language}-{width}")

    page.goto(f"{site}/stats/")
    expect(page.locator("figure.district-map")).to_be_visible()
    assert no_sideways_scroll(page)
    page.locator("figure.district-map").scroll_into_view_if_needed()
    shots(page, f"stats-{language}-{width}")

