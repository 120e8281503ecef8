"""A staff user enrols a second factor in a real browser, under the site's Content-Security-Policy."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_staff_enrols_an_authenticator_and_reaches_the_admin(page: Page, site, django_user_model, settings):
    settings.STAFF_SECOND_FACTOR = True
    staff = django_user_model.objects.create_superuser("staff", "staff@example.com", "pw-for-browser-tests")
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)

    page.goto(f"{site}/admin/")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("pw-for-browser-tests")
    page.get_by_role("button", name="登录").click()

    # The enrolment page: a QR code the site drew (it has a size on screen) and the secret as text.
    qr = page.get_by_role("img", name="密钥的二维码")
    expect(qr).to_be_visible()
    box = qr.locator("svg").bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    expect(page.locator("#second-factor-secret")).not_to_be_empty()
    device = TOTPDevice.objects.get(user=staff)
    page.get_by_label("验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="确认").click()

    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.locator("#site-name")).to_be_visible()
    assert page.url.endswith("/admin/")

    assert refused == []
