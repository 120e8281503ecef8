"""
The year through the web, as the applicant and the reviewer see it: submit → receipt →
private page → returned → corrected → accepted → a draft entry on the year's list, the
enterprise registered under a full-width spelling updated rather than duplicated.
"""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from enterprises.applications.models import Application
from enterprises.models import Enterprise, ListMembership
from shdt.core.models import Status
from shdt.core.roles import REVIEWER
from tests.applications.helpers import credit_code, form_data, upload, window_open
from tests.factories import make_enterprise
from tests.workbench import staff

pytestmark = pytest.mark.django_db


def test_the_year_through_the_web(client, django_capture_on_commit_callbacks):
    registered = make_enterprise("博彦科技（上海）有限公司")
    window_open(year=2024)
    data = form_data(name="博彦科技(上海)有限公司", credit_code=credit_code("91310000MA1FL6666"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/apply/", {**data, "attachments": [upload()]})
    receipt = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    private = urlsplit(receipt.split('class="private-link" href="')[1].split('"')[0]).path
    assert client.get(private).status_code == 200

    reviewer_client = Client()
    reviewer_client.force_login(staff("审核员甲", REVIEWER))
    application = Application.objects.get()
    change = reverse("admin:applications_application_change", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(change, {"_move": "return", "reason": "请上传营业执照。"})
    page = client.get(private, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "请上传营业执照。" in page and "returned for correction" in page

    assert client.post(private, {**data, "attachments": [upload("营业执照.pdf")]}).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED and application.attachments.count() == 2

    reviewer_client.post(change, {"_move": "start_review"})
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(change, {"_move": "accept"})
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert "accepted" in client.get(private, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert Enterprise.objects.count() == 1
    registered.refresh_from_db()
    assert registered.name == "博彦科技（上海）有限公司" and registered.credit_code == credit_code("91310000MA1FL6666")
    entry = ListMembership.objects.get(annual_list__year=2024, enterprise=registered)
    assert entry.status == Status.DRAFT and entry.source == "2024年名单网上申报 SQ2024-000001"
    assert [m.subject.split(" / ")[1] for m in mail.outbox] == [
        "Application received: SQ2024-000001",
        "Application returned for correction: SQ2024-000001",
        "Decision on application SQ2024-000001",
    ]
