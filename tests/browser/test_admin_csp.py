"""The admin works in a real browser under the site's Content-Security-Policy."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_staff_signs_in_and_edits_under_the_policy(page: Page, site, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.com", "pw-for-browser-tests")
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)

    page.goto(f"{site}/admin/")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("pw-for-browser-tests")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(f"{site}/admin/enterprises/enterprise/?q=ximalaya")
    page.get_by_role("link", name="上海喜马拉雅科技有限公司").click()
    expect(page.locator("input[name=name]")).to_have_value("上海喜马拉雅科技有限公司")
    page.locator("input[name=name_en]").fill("Ximalaya")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()

    assert refused == []
