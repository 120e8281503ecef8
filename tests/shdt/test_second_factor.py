"""
Staff give a second factor after the password (shdt.core.second_factor): they enrol an
authenticator app at their first sign-in, and from then on give a code from it, or one of
their recovery codes, before the admin or the API's session writes open to them.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.models import Enterprise
from shdt.core.second_factor import RECOVERY_CODE_COUNT, recovery_codes_create
from tests.shdt.test_security import ROOT, production_env

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-123"
ADMIN = reverse("admin:index")
IMPORTS = reverse("admin:shdt_importrecord_changelist")
VERIFY = reverse("second_factor_verify")
ENROL = reverse("second_factor_enrol")
RECOVERY_CODES = reverse("second_factor_recovery_codes")


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    # As in production (DEBUG=0); tests/settings.py turns it off for every other test.
    settings.STAFF_SECOND_FACTOR = True


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.com", PASSWORD)


def sign_in(client, username="staff", password=PASSWORD):
    response = client.post(reverse("admin:login"), {"username": username, "password": password, "next": ADMIN})
    assert response.status_code == 302, "the password sign-in failed"
    return response


def sign_out(client):
    client.post(reverse("admin:logout"))


def code_now(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, recovery_codes_create(user=user)


def assert_sent_to_second_factor(response, next_url):
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert f"next={next_url.replace('/', '%2F')}" in response["Location"]


def test_after_the_password_the_admin_stays_closed_until_enrolment(client, staff):
    sign_in(client)
    assert_sent_to_second_factor(client.get(ADMIN), ADMIN)
    assert_sent_to_second_factor(client.get(IMPORTS), IMPORTS)
    # With no authenticator yet, the second-factor page sends the user to enrol…
    response = client.get(VERIFY, {"next": IMPORTS})
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    # …which shows the secret, as a QR code drawn here and as text.
    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert "<svg" in html and "<path" in html
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert "http" not in page.context["qr_code"].split("xmlns")[0]  # nothing loaded from elsewhere
    # Reloading keeps the secret the user may already have scanned.
    assert client.get(ENROL).context["secret"] == page.context["secret"]
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert device.name


def test_enrolment_with_a_correct_code_confirms_and_shows_the_recovery_codes_once(client, staff):
    sign_in(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(ENROL, {"code": code_now(device), "next": IMPORTS})
    assert response.status_code == 302 and response["Location"].startswith(RECOVERY_CODES)
    device.refresh_from_db()
    assert device.confirmed
    page = client.get(response["Location"])
    codes = page.context["codes"]
    assert len(codes) == RECOVERY_CODE_COUNT == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    for code in codes:
        assert code in page.content.decode()
    assert page.context["next"] == IMPORTS
    # Shown once only.
    again = client.get(RECOVERY_CODES)
    assert again.status_code == 302 and "codes" not in (again.context or {})
    # The session is verified: the admin opens.
    assert client.get(IMPORTS).status_code == 200
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_enrolment_code_is_refused_and_counted(client, staff):
    sign_in(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)
    right = code_now(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1
    assert not StaticToken.objects.filter(device__user=staff).exists()
    assert_sent_to_second_factor(client.get(ADMIN), ADMIN)


def test_wrong_codes_lock_the_authenticator_for_a_while(client, staff, settings):
    # Production's factor is 1 (1, 2, 4 … seconds); a longer one keeps this test from racing the clock.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device, _ = enrolled(staff)
    sign_in(client)
    right = code_now(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 200
    assert "Try again in" in str(response.context["form"].errors["code"]) or "后再试" in str(
        response.context["form"].errors["code"]
    )
    assert_sent_to_second_factor(client.get(ADMIN), ADMIN)
    # Once the wait is over, the right code works.
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=61)
    device.save()
    assert client.post(VERIFY, {"code": right, "next": ADMIN})["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_throttling_is_on_in_the_settings():
    from shdt import settings as site_settings

    assert site_settings.OTP_TOTP_THROTTLE_FACTOR > 0
    assert site_settings.OTP_STATIC_THROTTLE_FACTOR > 0


def test_the_next_sign_in_asks_for_a_code_not_a_new_enrolment(client, staff):
    device, _ = enrolled(staff)
    sign_in(client)
    assert_sent_to_second_factor(client.get(IMPORTS), IMPORTS)
    page = client.get(VERIFY, {"next": IMPORTS})
    assert page.status_code == 200 and "qr_code" not in page.context
    # The password alone never replaces the authenticator.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": code_now(device), "next": IMPORTS})
    assert response["Location"] == IMPORTS
    assert client.get(IMPORTS).status_code == 200
    # Signing out ends the verification with the session.
    sign_out(client)
    sign_in(client)
    assert_sent_to_second_factor(client.get(ADMIN), ADMIN)


def test_a_recovery_code_works_once_only(client, staff):
    _, codes = enrolled(staff)
    sign_in(client)
    # Typed in capitals and with a space, as people do.
    typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"
    assert client.post(VERIFY, {"code": typed, "next": ADMIN})["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert StaticToken.objects.filter(device__user=staff).count() == RECOVERY_CODE_COUNT - 1
    sign_out(client)
    sign_in(client)
    refused = client.post(VERIFY, {"code": codes[0], "next": ADMIN})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert_sent_to_second_factor(client.get(ADMIN), ADMIN)


def test_the_admin_shows_devices_but_no_secret_not_even_to_a_superuser(client, staff):
    device, codes = enrolled(staff)
    sign_in(client)
    client.post(VERIFY, {"code": code_now(device)})
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
    static = client.get(reverse("admin:otp_static_staticdevice_change", args=[staff.staticdevice_set.get().pk]))
    assert static.status_code == 200
    assert not any(code in static.content.decode() for code in codes)


def test_an_unknown_next_address_is_not_followed(client, staff):
    device, _ = enrolled(staff)
    sign_in(client)
    response = client.post(VERIFY, {"code": code_now(device), "next": "https://evil.example/"})
    assert response["Location"] == ADMIN


def test_the_api_refuses_session_writes_before_the_second_factor(client, staff):
    device, _ = enrolled(staff)
    sign_in(client)
    data = {"name": "上海会话录入有限公司", "region": "pudong", "business_type": "cloud"}
    api = reverse("api:enterprise_list")
    refused = client.post(api, data, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert not Enterprise.objects.filter(name=data["name"]).exists()
    client.post(VERIFY, {"code": code_now(device)})
    assert client.post(api, data, content_type="application/json").status_code == 201


def test_the_pages_speak_english_and_chinese(client, staff):
    sign_in(client)
    english = client.get(ENROL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(ENROL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Scan this QR code" in english
    assert "扫描" in chinese and "Scan this QR code" not in chinese


def test_the_reset_command_makes_the_account_enrol_again(client, staff, capsys):
    device, _ = enrolled(staff)
    sign_in(client)
    client.post(VERIFY, {"code": code_now(device)})
    assert client.get(ADMIN).status_code == 200
    call_command("reset_second_factor", "staff")
    out = capsys.readouterr().out
    assert "staff" in out and "1 authenticator" in out and f"{RECOVERY_CODE_COUNT} unused recovery code" in out
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticToken.objects.filter(device__user=staff).exists()
    # The session verified with the removed authenticator is verified no longer; the user enrols again.
    assert_sent_to_second_factor(client.get(ADMIN), ADMIN)
    assert client.get(VERIFY)["Location"].startswith(ENROL)


def test_the_reset_command_refuses_an_unknown_username(staff):
    enrolled(staff)
    with pytest.raises(CommandError, match="nobody"):
        call_command("reset_second_factor", "nobody")
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_the_reset_command_exits_nonzero_for_an_unknown_username(tmp_path):
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [sys.executable, "manage.py", "reset_second_factor", "nobody"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "No account has the username 'nobody'" in result.stderr


def test_with_the_requirement_off_the_password_is_enough(client, staff, settings):
    settings.STAFF_SECOND_FACTOR = False
    sign_in(client)
    assert client.get(ADMIN).status_code == 200
    assert client.get(IMPORTS).status_code == 200


def test_the_requirement_is_on_in_production_and_off_in_development(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.STAFF_SECOND_FACTOR)"
    answers = {}
    for debug in ("0", "1"):
        env = {**production_env(tmp_path), "DEBUG": debug, "DJANGO_SETTINGS_MODULE": "shdt.settings"}
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        answers[debug] = result.stdout.strip() or result.stderr
    assert answers == {"0": "True", "1": "False"}
    # And a deployment may turn it off explicitly (say, behind a single sign-on that has its own).
    env = {**production_env(tmp_path), "STAFF_SECOND_FACTOR": "0", "DJANGO_SETTINGS_MODULE": "shdt.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
    assert os.environ.get("STAFF_SECOND_FACTOR") is None
