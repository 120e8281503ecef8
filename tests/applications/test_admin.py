"""
The review admin: reviewers review and see contact data and attachments; editors read the
queue without them; nobody downloads an attachment without the contact permission; the
XLSX for the review meeting carries contact data only for who may see it.
"""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.applications import services
from enterprises.applications.models import Application
from shdt.core.roles import EDITOR, REVIEWER, VIEWER
from tests.applications.helpers import PDF, credit_code, service_data, upload, window_open
from tests.workbench import staff

pytestmark = pytest.mark.django_db

EMAIL = "secret-contact@apply-test.example.cn"


@pytest.fixture
def application():
    application, _ = services.application_submit(window=window_open(year=2024), data=service_data(), uploads=[upload("营业执照.pdf")])
    return application


def signed_in(client, role):
    user = staff(f"{role}-user", role)
    client.force_login(user)
    return user


def change_url(application):
    return reverse("admin:applications_application_change", args=[application.pk])


def attachment_url(application):
    return reverse("admin:applications_application_attachment", args=[application.pk, application.attachments.get().pk])


def test_the_roles_get_their_grants():
    reviewer = set(Group.objects.get(name=REVIEWER).permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name=EDITOR).permissions.values_list("codename", flat=True))
    viewer = set(Group.objects.get(name=VIEWER).permissions.values_list("codename", flat=True))
    assert {"view_application", "change_application", "view_application_contact"} <= reviewer
    assert "view_application" in editor and not {"change_application", "view_application_contact"} & editor
    assert not {"view_application", "view_application_contact"} & viewer


def test_a_reviewer_sees_contact_data_and_downloads_an_attachment(client, application):
    signed_in(client, REVIEWER)
    page = client.get(change_url(application)).content.decode()
    assert EMAIL in page and "营业执照.pdf" in page and "application-moves" in page
    response = client.get(attachment_url(application))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == upload().read() == PDF


def test_an_editor_reads_the_queue_without_contact_data_attachments_or_history(client, application):
    signed_in(client, EDITOR)
    assert application.receipt_number in client.get(reverse("admin:applications_application_changelist")).content.decode()
    page = client.get(change_url(application)).content.decode()
    assert application.name in page
    assert EMAIL not in page and "营业执照.pdf" not in page and "application-moves" not in page
    assert client.get(attachment_url(application)).status_code == 403
    assert client.get(reverse("admin:applications_application_history", args=[application.pk])).status_code == 403
    response = client.post(change_url(application), {"_move": "accept"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_viewer_sees_no_application(client, application):
    signed_in(client, VIEWER)
    assert client.get(change_url(application)).status_code == 403
    assert client.get(attachment_url(application)).status_code == 403


def test_a_reviewer_moves_an_application_with_the_buttons(client, application):
    reviewer = signed_in(client, REVIEWER)
    client.post(change_url(application), {"_move": "start_review"})
    application.refresh_from_db()
    assert (application.status, application.reviewer) == (Application.Status.UNDER_REVIEW, reviewer)
    response = client.post(change_url(application), {"_move": "return", "reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Give the reason" in response.content.decode()
    client.post(change_url(application), {"_move": "return", "reason": "请补充材料"})
    application.refresh_from_db()
    assert (application.status, application.reason) == (Application.Status.RETURNED, "请补充材料")


def rows_of(response) -> list:
    sheet = load_workbook(BytesIO(response.content)).active
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_for_the_meeting_has_contact_data_only_for_reviewers_and_no_attachment(client, application):
    url = reverse("admin:applications_application_export", args=[application.window_id])
    signed_in(client, REVIEWER)
    rows = rows_of(client.get(url))
    assert rows[1][0] == application.receipt_number and EMAIL in rows[1]
    assert not any("营业执照" in str(cell) for row in rows for cell in row)
    client.logout()
    signed_in(client, EDITOR)
    rows = rows_of(client.get(url))
    assert rows[1][0] == application.receipt_number
    assert not any(EMAIL in str(cell) for row in rows for cell in row)


def test_the_reviewers_workbench_counts_applications_waiting_and_their_own(client, application):
    reviewer = signed_in(client, REVIEWER)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Applications waiting for a reviewer" in page
    services.application_start_review(application, user=reviewer)
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Applications under review, assigned to me" in page
    client.logout()
    signed_in(client, EDITOR)
    assert "Applications waiting for a reviewer" not in client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_queue_flags_two_applications_for_one_enterprise_in_a_window(client, application):
    services.application_submit(window=application.window, data=service_data(name="另一家科技有限公司"), uploads=[])
    services.application_submit(window=application.window, data=service_data(name="第三家科技有限公司", credit_code=credit_code("91310000MA1FL9999")), uploads=[])
    signed_in(client, REVIEWER)
    response = client.get(reverse("admin:applications_application_changelist"))
    flags = {row.receipt_number: row.has_twin for row in response.context["cl"].result_list}
    # The first two share a credit code; the third is another enterprise.
    assert flags == {"SQ2024-000001": True, "SQ2024-000002": True, "SQ2024-000003": False}
