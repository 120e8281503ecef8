"""
The year of applications in a real browser (issue 17): a reviewer opens a window; two
enterprises apply (one new, one registered as 博彦科技（上海）有限公司 and writing
half-width parentheses, with a PDF); the reviewer returns one, the applicant corrects it
through the private link; both are accepted, put under 公示 and published; the new
edition lists them. Screenshots as tests/browser/test_staff_day.py takes them
(`make screenshots` saves them into docs/screenshots).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises.applications.models import Application
from enterprises.models import Enterprise, ListEdition, ListMembership
from shdt.core.models import Status
from tests.applications.helpers import PDF, credit_code
from tests.browser.test_staff_day import select_all_and_act, sign_in, staff

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
NEW = "上海浦江申报示范科技有限公司"
REGISTERED = "博彦科技（上海）有限公司"
HALF_WIDTH = "博彦科技(上海)有限公司"


def apply(page: Page, site: str, name: str, code: str, *, pdf: bool = False) -> str:
    """Fill the form as an applicant (no account); return the private link from the receipt."""
    page.context.clear_cookies()
    page.goto(f"{site}/apply/")
    page.get_by_label("登记名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("所属区域").select_option(label="浦东新区")
    page.get_by_label("业务类型").select_option(index=1)
    page.get_by_label("联系人").fill("张联系")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("联系邮箱").fill("zhang@example.cn")
    page.get_by_label("上年度数字贸易进出口额（万美元）").fill("1200.50")
    for label in ("企业简介", "数字贸易典型案例", "数字技术应用经验", "商业模式和应用场景创新做法", "海外市场开拓情况"):
        page.get_by_label(label).fill(f"{label}：示范内容。")
    if pdf:
        page.locator("input[name=attachments]").set_input_files(
            [{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
    page.get_by_label("本人声明").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".receipt-number")).to_have_text(Application.objects.latest("pk").receipt_number)
    return page.locator("a.private-link").get_attribute("href")


def application_page(page: Page, site: str, name: str) -> None:
    application = Application.objects.get(name=name)
    page.goto(f"{site}/admin/applications/application/{application.pk}/change/")


def test_a_year_of_applications_from_window_to_edition(page: Page, site, shots, settings):
    settings.SITE_URL = site
    page.set_viewport_size(DESKTOP)
    staff("reviewer", "reviewer")
    registered = Enterprise.objects.get(name=REGISTERED)

    # The reviewer opens the window for the 2024 list.
    sign_in(page, site, "reviewer")
    page.goto(f"{site}/admin/applications/applicationwindow/add/")
    now = timezone.localtime()
    closes = now + datetime.timedelta(days=30)
    page.locator("input[name=year]").fill("2024")
    page.locator("input[name=opens_at_0]").fill((now - datetime.timedelta(days=1)).strftime("%Y-%m-%d"))
    page.locator("input[name=opens_at_1]").fill("09:00:00")
    page.locator("input[name=closes_at_0]").fill(closes.strftime("%Y-%m-%d"))
    page.locator("input[name=closes_at_1]").fill("17:00:00")
    page.locator("textarea[name=guidance]").fill("申报 2024 年上海数字贸易创新企业，请如实填写。")
    page.locator("textarea[name=required_documents]").fill("营业执照（PDF）")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    # Two enterprises apply; the registered one writes half-width parentheses and attaches a PDF.
    page.context.clear_cookies()
    page.goto(f"{site}/apply/")
    shots(page, "apply-form-desktop")
    apply(page, site, NEW, credit_code("91310000MA1FL7777"))
    private = apply(page, site, HALF_WIDTH, credit_code("91310000MA1FL8888"), pdf=True)
    shots(page, "apply-receipt-desktop")
    assert Application.objects.get(name=HALF_WIDTH).enterprise == registered

    # The reviewer returns it for correction, with the reason.
    sign_in(page, site, "reviewer")
    application_page(page, site, HALF_WIDTH)
    expect(page.locator("#content")).to_contain_text(REGISTERED)  # the matched enterprise
    expect(page.locator("#content")).to_contain_text("营业执照.pdf")
    shots(page, "application-review-desktop")
    page.locator("#application-review textarea[name=reason]").fill("请补充海外市场开拓的具体数据。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".messagelist")).to_be_visible()

    # The applicant reads the reason through the private link and corrects the application.
    page.context.clear_cookies()
    page.goto(private)
    expect(page.locator(".reason")).to_contain_text("请补充海外市场开拓的具体数据。")
    shots(page, "application-returned-desktop")
    page.get_by_label("海外市场开拓情况").fill("2023 年出口东南亚、欧洲共 12 个国家，合计 800 万美元。")
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator(".status")).to_have_text("已提交")

    # The reviewer accepts both: draft entries on the 2024 list.
    sign_in(page, site, "reviewer")
    for name in (NEW, HALF_WIDTH):
        application_page(page, site, name)
        page.get_by_role("button", name="开始审核（由我负责）").click()
        page.get_by_role("button", name="通过：列入名单草稿").click()
        expect(page.locator(".messagelist")).to_contain_text("2024")
    entries = ListMembership.objects.filter(annual_list__year=2024).select_related("enterprise")
    assert sorted((e.enterprise.name, e.status) for e in entries) == [(NEW, Status.DRAFT), (REGISTERED, Status.DRAFT)]
    assert not Enterprise.objects.filter(name=HALF_WIDTH).exists()

    # From here the existing workflow: 公示, then publication and the edition.
    page.goto(f"{site}/admin/enterprises/listmembership/?annual_list__id__exact={entries[0].annual_list_id}")
    select_all_and_act(page, "open_notice")
    today = datetime.date.today()
    page.locator("input[name=title]").fill("2024年上海数字贸易创新企业名单公示")
    page.locator("input[name=starts_on]").fill(today.isoformat())
    page.locator("input[name=ends_on]").fill((today + datetime.timedelta(days=7)).isoformat())
    page.locator("input[name=contact]").fill("上海市商务委员会 021-00000000")
    page.locator("#content input[type=submit].default").click()
    expect(page.locator(".messagelist")).to_contain_text("公示")
    page.goto(f"{site}/admin/enterprises/annuallist/")
    page.locator("tr", has_text="2024").locator("input.action-select").check()
    page.locator("select[name=action]").select_option("publish_list")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("2024")
    edition = ListEdition.objects.get(annual_list__year=2024)
    assert edition.row_count == 2

    page.context.clear_cookies()
    page.goto(f"{site}{edition.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("第 1 版")
    edition_csv = bytes(edition.csv_file).decode("utf-8-sig")
    assert NEW in edition_csv and REGISTERED in edition_csv and "zhang@example.cn" not in edition_csv
    page.goto(f"{site}/enterprises/?list=2024")
    for name in (NEW, REGISTERED):
        expect(page.locator("main")).to_contain_text(name)
    shots(page, "application-published-list-desktop")
    # Contact data stays private.
    expect(page.locator("main")).not_to_contain_text("zhang@example.cn")
