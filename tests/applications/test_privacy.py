"""
An application's contact data and attachment names are in no public page, download, feed,
API answer, sitemap or edition file — even once the enterprise it made is published —
and the apply pages are never kept by the response cache.
"""

import pytest
from django.urls import reverse

from enterprises.applications import services
from enterprises.applications.models import Application
from enterprises.services import annual_list_publish
from shdt.core.models import Status
from tests.applications.helpers import form_data, upload, window_open
from tests.publishing import make_reviewer, move, open_notice

pytestmark = pytest.mark.django_db

EMAIL = "secret-contact@apply-test.example.cn"
PHONE = "021-12345678"
FILE_NAME = "机密附件名.pdf"


def public_answers(client, enterprise, edition):
    paths = ["/", "/enterprises/", enterprise.get_absolute_url(), "/feed/", "/sitemap.xml", "/api/enterprises/",
             "/enterprises/download.csv", "/enterprises/download.json", "/changes/", "/lists/", "/stats/"]
    index = client.get("/sitemap.xml").content.decode()
    paths += [loc.split("</loc>")[0].replace("http://testserver", "").split("://", 1)[-1].split("/", 1)[-1] for loc in index.split("<loc>")[1:]]
    for fmt in ("csv", "json"):
        paths.append(reverse("listedition_file", kwargs={"year": 2024, "number": edition.number, "fmt": fmt}))
    answers = {}
    for path in paths:
        path = path if path.startswith("/") else "/" + path
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        answers[path] = (response.status_code, body.decode("utf-8-sig"))
    answers["edition.csv (stored)"] = (200, bytes(edition.csv_file).decode("utf-8-sig"))
    answers["edition.json (stored)"] = (200, bytes(edition.json_file).decode())
    return answers


def test_no_public_answer_holds_an_applicants_contact_data_or_file_names(client, django_capture_on_commit_callbacks):
    window_open(year=2024)
    response = client.post("/apply/", {**form_data(name="公开检查科技有限公司"), "attachments": [upload(FILE_NAME)]})
    assert response.status_code == 302
    application = Application.objects.get()
    reviewer = make_reviewer()
    membership = services.application_accept(application, user=reviewer)
    open_notice(type(membership).objects.filter(pk=membership.pk), reviewer, title="2024年名单公示")
    move(membership, Status.PUBLISHED, reviewer)
    edition = annual_list_publish(membership.annual_list, user=reviewer)
    enterprise = membership.enterprise

    answers = public_answers(client, enterprise, edition)
    assert answers["/enterprises/"][0] == 200 and "公开检查科技有限公司" in answers["/enterprises/"][1]
    assert "公开检查科技有限公司" in answers[enterprise.get_absolute_url()][1]
    assert "公开检查科技有限公司" in answers["edition.csv (stored)"][1]
    assert {p: s for p, (s, _b) in answers.items() if s != 200} == {}
    leaks = {path for path, (_status, body) in answers.items() if EMAIL in body or PHONE in body or FILE_NAME in body or "王联系" in body}
    assert leaks == set()
    assert not any("/apply/" in body for path, (_status, body) in answers.items() if "sitemap" in path)


def test_the_api_has_no_applications(client):
    assert client.get("/api/applications/").status_code == 404
    assert "application" not in client.get("/api/").content.decode().lower()
