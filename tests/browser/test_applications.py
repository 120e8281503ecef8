"""An enterprise applies on a phone, in a real browser: the form fits, the honeypot is out of sight, the receipt comes."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises.applications.models import Application, ApplicationWindow
from tests.applications.helpers import PDF, credit_code

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_an_enterprise_applies_on_a_phone(page: Page, live_server, transactional_db, tmp_path, settings):
    from tests.reference_data import reference_data_create

    reference_data_create()
    settings.APPLICATION_FILES_ROOT = tmp_path / "private"
    # The private link is written with the public address (SITE_URL), here the live server.
    settings.SITE_URL = live_server.url
    now = timezone.now()
    ApplicationWindow.objects.create(year=2024, opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=9))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/apply/")
    expect(page.locator("h1")).to_have_text("申报上海数字贸易创新企业名单")
    # Placed off the page by the stylesheet (Playwright counts an element off-screen as visible).
    assert page.locator(".honeypot").evaluate("el => el.getBoundingClientRect().right") <= 0
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_label("登记名称").fill("手机申报科技有限公司")
    page.get_by_label("统一社会信用代码").fill(credit_code())
    page.get_by_label("所属区域").select_option(index=1)
    page.get_by_label("业务类型").select_option(index=1)
    page.get_by_label("联系人").fill("李联系")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("联系邮箱").fill("li@example.cn")
    page.get_by_label("上年度数字贸易进出口额（万美元）").fill("88.5")
    for label in ("企业简介", "数字贸易典型案例", "数字技术应用经验", "商业模式和应用场景创新做法", "海外市场开拓情况"):
        page.get_by_label(label).fill(f"{label}的内容")
    page.locator("input[type=file]").set_input_files([{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.screenshot(path=str(tmp_path / "apply-phone.png"), full_page=True)
    page.get_by_label("本人声明").check()
    page.get_by_role("button", name="提交申请").click()

    expect(page.locator(".receipt-number")).to_have_text("SQ2024-000001")
    page.locator("a.private-link").click()
    expect(page.locator(".status")).to_have_text("已提交")
    assert Application.objects.get().attachments.get().original_name == "营业执照.pdf"
