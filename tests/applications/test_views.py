"""
The public form, its receipt and the private page: bad input is refused with a message
naming what is wrong and nothing is stored (no row, no file); a good application gets a
receipt number and a private link shown once.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enterprises.applications.models import Application, Attachment, MAX_ATTACHMENT_BYTES
from tests.applications.helpers import EXE, PNG, credit_code, form_data, upload, window_open, wrong_check

pytestmark = pytest.mark.django_db

APPLY = "/apply/"


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def submit(client, data=None, files=(), **headers):
    payload = dict(data or form_data())
    if files:
        payload["attachments"] = list(files)
    return client.post(APPLY, payload, HTTP_ACCEPT_LANGUAGE=headers.pop("language", "en"), **headers)


def assert_nothing_stored(root):
    assert Application.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(root) == []


def test_outside_a_window_the_form_says_when_the_next_opens(client):
    window_open(year=2025, opens_at=timezone.now() + datetime.timedelta(days=10), closes_at=timezone.now() + datetime.timedelta(days=40))
    page = client.get(APPLY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Applications for the 2025 list open on" in page
    assert "<form class=\"application-form\"" not in page


def test_with_no_window_scheduled_the_form_says_so_in_chinese(client):
    page = client.get(APPLY, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "尚未安排" in page


def test_the_form_page_carries_a_csrf_token_and_is_never_cached(client):
    window_open()
    response = client.get(APPLY)
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not getattr(response, "shdt_cacheable", False)


def test_a_good_application_gets_a_receipt_and_a_private_link_shown_once(client, _private_files, django_capture_on_commit_callbacks):
    window_open(year=2024)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, files=[upload()])
    assert response.status_code == 302 and response["Location"] == reverse("application_receipt")
    receipt = client.get(response["Location"]).content.decode()
    application = Application.objects.get()
    assert application.receipt_number == "SQ2024-000001"
    assert "SQ2024-000001" in receipt
    link = receipt.split('class="private-link" href="')[1].split('"')[0]
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Only the digest is stored.
    assert token not in application.token_hash and len(application.token_hash) == 64
    assert "SQ2024-000001" not in client.get(reverse("application_receipt")).content.decode()
    status = client.get(reverse("application_status", args=[token])).content.decode()
    assert "submitted" in status and "证明材料.pdf" in status
    [attachment] = application.attachments.all()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "证明材料.pdf"
    # Stored under a random name, in the private root.
    assert "证明材料" not in attachment.file.name
    assert [p.name for p in stored_files(_private_files)] == [attachment.file.name.rsplit("/", 1)[1]]
    [receipt_mail] = mail.outbox
    assert receipt_mail.to == ["secret-contact@apply-test.example.cn"] and token in receipt_mail.body


def test_a_wrong_credit_code_checksum_is_refused_in_the_visitors_language(client, _private_files):
    window_open()
    code = wrong_check(credit_code())
    response = submit(client, form_data(credit_code=code), language="zh-hans")
    assert response.status_code == 400
    assert "校验" in response.content.decode()
    assert_nothing_stored(_private_files)


def test_an_exe_renamed_pdf_is_refused(client, _private_files):
    window_open()
    response = submit(client, files=[upload("年报.pdf", EXE)])
    assert response.status_code == 400
    assert "“年报.pdf” is not a PDF, PNG or JPEG file" in response.content.decode()
    assert_nothing_stored(_private_files)


def test_an_11_mb_file_is_refused(client, _private_files):
    window_open()
    big = b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)
    response = submit(client, files=[upload("大文件.pdf", big)])
    assert response.status_code == 400
    assert "an attachment may be at most 10.0" in response.content.decode()
    assert MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024
    assert_nothing_stored(_private_files)


def test_a_sixth_attachment_is_refused(client, _private_files):
    window_open()
    response = submit(client, files=[upload(f"图{i}.png", PNG, "image/png") for i in range(6)])
    assert response.status_code == 400
    assert "At most 5 attachments per application; this would make 6." in response.content.decode()
    assert_nothing_stored(_private_files)


def test_a_submission_after_the_window_closed_is_refused(client, _private_files):
    window_open(opens_at=timezone.now() - datetime.timedelta(days=30), closes_at=timezone.now() - datetime.timedelta(minutes=1))
    response = submit(client)
    assert response.status_code == 200
    assert "Applications are closed now" in response.content.decode()
    assert_nothing_stored(_private_files)


def test_a_window_closing_between_the_form_and_the_write_refuses_it(client, _private_files, monkeypatch):
    window = window_open()
    # The view found the window open; by the time the service locks it, it has closed.
    monkeypatch.setattr(
        "enterprises.applications.models.ApplicationWindow.is_open", lambda self, now=None: False
    )
    monkeypatch.setattr("enterprises.applications.views.open_window", lambda: window)
    response = submit(client, files=[upload()])
    assert response.status_code == 400
    assert "Applications for the 2024 list are closed." in response.content.decode()
    assert_nothing_stored(_private_files)


def test_a_filled_honeypot_is_refused(client, _private_files):
    window_open()
    response = submit(client, form_data(fax_number="123"))
    assert response.status_code == 400
    assert_nothing_stored(_private_files)


def test_a_missing_declaration_is_refused(client, _private_files):
    window_open()
    data = form_data()
    del data["declaration"]
    response = submit(client, data)
    assert "Tick the declaration to submit the application." in response.content.decode()
    assert_nothing_stored(_private_files)


def test_a_guessed_token_is_404(client):
    window_open()
    assert client.get(reverse("application_status", args=["guessed-" + "x" * 36])).status_code == 404


def test_a_burst_from_one_address_is_answered_429(client, settings, monkeypatch, _private_files):
    monkeypatch.setattr("shdt.core.limits.time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    settings.APPLICATION_RATE = "2/hour"
    window_open()
    codes = [submit(client, form_data(name=f"突发{i}科技有限公司")).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert Application.objects.count() == 2


def test_the_applicant_corrects_a_submitted_application_and_adds_a_file(client, _private_files):
    window_open()
    submit(client)
    token = client.get(reverse("application_receipt")).content.decode().split("/apply/status/")[1].split("/")[0]
    page = client.get(reverse("application_status", args=[token])).content.decode()
    assert "申请测试科技有限公司" in page and 'name="csrfmiddlewaretoken"' in page
    response = client.post(
        reverse("application_status", args=[token]), {**form_data(profile="更正后的简介"), "attachments": [upload()]}
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.profile == "更正后的简介" and application.attachments.count() == 1


def test_a_returned_application_shows_the_reason_and_its_correction_submits_it_again(client):
    from enterprises.applications import services
    from shdt.core.roles import REVIEWER
    from tests.workbench import staff

    window_open()
    submit(client)
    token = client.get(reverse("application_receipt")).content.decode().split("/apply/status/")[1].split("/")[0]
    application = Application.objects.get()
    services.application_return(application, user=staff("审核员甲", REVIEWER), reason="请补充海外市场数据。")
    url = reverse("application_status", args=[token])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "请补充海外市场数据。" in page and "已退回修改" in page
    assert client.post(url, form_data(overseas_markets="已补充：东南亚、欧洲")).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.overseas_markets == "已补充：东南亚、欧洲"


def test_a_refused_correction_leaves_the_application_as_it_was(client):
    window_open()
    submit(client)
    token = client.get(reverse("application_receipt")).content.decode().split("/apply/status/")[1].split("/")[0]
    url = reverse("application_status", args=[token])
    response = client.post(url, form_data(credit_code=wrong_check(credit_code()), profile="不应保存"))
    assert response.status_code == 400
    application = Application.objects.get()
    assert application.profile == "企业简介文字" and application.credit_code == credit_code()


def test_the_applicant_may_withdraw_until_a_reviewer_takes_it(client):
    window_open()
    submit(client)
    token = client.get(reverse("application_receipt")).content.decode().split("/apply/status/")[1].split("/")[0]
    url = reverse("application_status", args=[token])
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    assert Application.objects.get().status == Application.Status.WITHDRAWN
    assert 'name="action"' not in client.get(url).content.decode()


def test_a_correction_replaces_an_attachment_within_the_limit(client, _private_files, django_capture_on_commit_callbacks):
    window_open()
    submit(client, files=[upload(f"材料{i}.pdf") for i in range(5)])
    token = client.get(reverse("application_receipt")).content.decode().split("/apply/status/")[1].split("/")[0]
    url = reverse("application_status", args=[token])
    application = Application.objects.get()
    wrong = application.attachments.get(original_name="材料0.pdf")
    # A sixth without removing one is refused…
    response = client.post(url, {**form_data(), "attachments": [upload("新材料.pdf")]}, HTTP_ACCEPT_LANGUAGE="en")
    assert "At most 5 attachments per application; this would make 6." in response.content.decode()
    # …and accepted in place of one taken off, whose file goes.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form_data(), "remove_attachments": [wrong.pk], "attachments": [upload("新材料.pdf")]})
    assert response.status_code == 302
    names = sorted(application.attachments.values_list("original_name", flat=True))
    assert names == ["新材料.pdf", "材料1.pdf", "材料2.pdf", "材料3.pdf", "材料4.pdf"]
    assert len(stored_files(_private_files)) == 5


def test_a_correction_sent_after_a_reviewer_took_it_is_refused_with_a_message(client):
    from enterprises.applications import services
    from shdt.core.roles import REVIEWER
    from tests.workbench import staff

    window_open()
    submit(client)
    token = client.get(reverse("application_receipt")).content.decode().split("/apply/status/")[1].split("/")[0]
    services.application_start_review(Application.objects.get(), user=staff("审核员甲", REVIEWER))
    response = client.post(reverse("application_status", args=[token]), form_data(profile="太晚了"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "This application can no longer be corrected." in response.content.decode()
    assert Application.objects.get().profile == "企业简介文字"
