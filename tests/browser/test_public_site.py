"""A person uses the public site in a real browser, on a desktop and on a phone."""

import io
import re

import openpyxl

import pytest
from playwright.sync_api import Page, expect

from tests.report_tables import enterprises_3_3

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def shown_names(page: Page) -> list[str]:
    return page.locator("table.results tbody th a").all_inner_texts()


def report_names(region, kind):
    return [name for _, name, k, r in enterprises_3_3() if r == region and k == kind]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_filter_download_read_a_profile_and_switch_to_english(page: Page, site, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{site}/enterprises/")
    expect(page.locator("h1")).to_have_text("数字贸易创新企业")

    if viewport is PHONE:
        # On a phone the filters are folded below the search box until asked for.
        expect(page.get_by_label("浦东")).not_to_be_visible()
        page.locator("summary", has_text="筛选").click()
    page.get_by_label("浦东").check()
    page.get_by_label("数字服务").check()
    page.get_by_role("button", name="筛选", exact=True).click()

    expect(page.locator(".result-count")).to_contain_text("13 家企业")
    assert "district=pudong" in page.url and "business_type=digital-services" in page.url
    names = shown_names(page)
    assert names == report_names("浦东", "数字服务")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "shdt-enterprises-pudong-digital-services.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "企业名称", "业务类型", "所属区域")
    assert [row[1] for row in rows[1:]] == names

    page.get_by_role("link", name="博彦科技（上海）有限公司").click()
    expect(page.locator("h1")).to_have_text("博彦科技（上海）有限公司")
    expect(page.locator(".volume")).to_contain_text("703.0")
    expect(page.locator(".volume")).to_contain_text("万美元")

    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("博彦科技（上海）有限公司")
    expect(page.locator(".facts")).to_contain_text("Digital services")
    expect(page.locator(".facts")).to_contain_text("Pudong New Area")
    expect(page.locator(".volume")).to_contain_text("(USD 10,000)")
    assert page.locator("html").get_attribute("lang") == "en"


def test_english_switch_keeps_the_filters_of_the_list(page: Page, site):
    page.goto(f"{site}/enterprises/?district=lingang&sort=name")
    page.get_by_role("button", name="English").click()
    # The heading names the filter and the count.
    expect(page.locator(".result-count")).to_contain_text("Lingang Special Area · 6 enterprises")
    assert "district=lingang" in page.url and "sort=name" in page.url
    expect(page.get_by_role("checkbox", name=re.compile("^Lingang Special Area"))).to_be_checked()


def test_search_by_pinyin_initials_from_the_home_page(page: Page, site):
    page.goto(site)
    page.get_by_label("查找企业").fill("xmly")
    # The home page's own form; the header's search box has a button of the same name.
    page.get_by_role("main").get_by_role("button", name="搜索").click()
    expect(page.locator("table.results tbody tr")).to_have_count(1)
    expect(page.locator("table.results")).to_contain_text("上海喜马拉雅科技有限公司")


def test_the_header_search_box_suggests_names_and_opens_the_chosen_one(page: Page, site):
    page.goto(f"{site}/policies/")
    box = page.get_by_role("combobox", name="搜索名录")
    box.fill("MLBB")
    # A word of a case study: its enterprise is suggested.
    expect(page.get_by_role("option")).to_have_text(["上海沐瞳科技有限公司"])
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "site-search-option-0")
    box.press("Enter")
    expect(page.locator("h1")).to_contain_text("上海沐瞳科技有限公司")


def test_the_header_search_box_opens_the_search_page(page: Page, site):
    page.goto(f"{site}/bases/")
    page.get_by_role("combobox", name="搜索名录").fill("hailong")
    page.get_by_role("banner").get_by_role("button", name="搜索").click()
    expect(page.locator("#search-enterprises + ol a")).to_have_text(["上海海隆软件有限公司"])
    expect(page.locator("#search-enterprises + ol mark")).to_have_text(["海隆"])


def test_pages_load_nothing_from_other_hosts(page: Page, site):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    pages = ["/", "/enterprises/", "/enterprises/shanghaiximalayakeji/", "/bases/", "/policies/", "/stats/"]
    # And those of issue 16: search, site map, recent changes, accessibility, an English address.
    pages += ["/search/?q=MLBB", "/site-map/", "/changes/", "/accessibility/", "/enterprises/?lang=en"]
    for path in pages:
        page.goto(site + path)
    assert requested and all(url.startswith(site) for url in requested)


def test_keyboard_focus_is_visible(page: Page, site):
    page.goto(f"{site}/enterprises/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
