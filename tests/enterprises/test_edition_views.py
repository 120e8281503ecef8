"""The public pages of the lists' editions, and their permanent files."""

import hashlib
import re

import pytest
from django.urls import reverse

from enterprises.models import AnnualList
from enterprises.services import annual_list_publish
from shdt.core.models import Status
from tests.factories import make_enterprise, put_on_list
from tests.publishing import ADDED, NAMES, NEW_NAME, make_reviewer, publish_two_editions

pytestmark = pytest.mark.django_db

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@pytest.fixture
def edition(report):
    return annual_list_publish(AnnualList.objects.get(year=2022), user=make_reviewer(), note="依据《上海数字贸易发展报告 2022》表 3-3")


@pytest.fixture
def two_editions():
    return publish_two_editions()


def file_url(edition, fmt):
    return reverse("listedition_file", kwargs={"year": edition.annual_list.year, "number": edition.number, "fmt": fmt})


def section(html: str, heading_id: str) -> str:
    """The HTML from the heading with this id to the next heading of the same level or higher."""
    start = html.index(f'id="{heading_id}"')
    following = re.search(r"<h[23] ", html[start:])
    return html[start : start + following.start()] if following else html[start:]


def test_the_file_urls_are_the_permanent_addresses_the_issue_names(edition):
    assert file_url(edition, "csv") == "/lists/2022/editions/1/shdt-enterprises-2022-edition-1.csv"
    assert edition.get_absolute_url() == "/lists/2022/editions/1/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_file_is_served_byte_for_byte_with_its_checksum_as_etag(client, edition, fmt):
    response = client.get(file_url(edition, fmt))
    assert response.status_code == 200
    assert response.content == edition.file(fmt)
    assert hashlib.sha256(response.content).hexdigest() == edition.sha256(fmt)
    assert response["ETag"] == f'"{edition.sha256(fmt)}"'
    assert response["Content-Type"] == FORMATS[fmt]
    assert response["Content-Disposition"] == f'attachment; filename="shdt-enterprises-2022-edition-1.{fmt}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_client_holding_the_file_gets_not_modified(client, edition):
    response = client.get(file_url(edition, "csv"), HTTP_IF_NONE_MATCH=f'"{edition.sha256("csv")}"')
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == f'"{edition.sha256("csv")}"'


def test_a_file_name_that_does_not_match_its_edition_is_not_found(client, edition):
    assert client.get("/lists/2022/editions/1/shdt-enterprises-2022-edition-2.csv").status_code == 404
    assert client.get("/lists/2022/editions/1/shdt-enterprises-2021-edition-1.csv").status_code == 404
    assert client.get("/lists/2022/editions/2/shdt-enterprises-2022-edition-2.csv").status_code == 404


def test_the_edition_page_shows_its_files_checksums_and_how_to_check_them(client, edition):
    response = client.get(edition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    for fmt in FORMATS:
        assert f'href="{file_url(edition, fmt)}"' in html
        assert f'<code class="checksum">{edition.sha256(fmt)}</code>' in html
    assert "sha256sum shdt-enterprises-2022-edition-1.csv" in html
    assert "依据《上海数字贸易发展报告 2022》表 3-3" in html
    assert '<dd>100</dd>' in html
    assert "This is the first edition of the list." in html
    # Who published an edition is for staff only.
    assert "reviewer" not in html


def test_the_changes_page_lists_exactly_what_changed(client, two_editions):
    _, second, _ = two_editions
    html = client.get(second.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What changed since edition 1" in html
    assert "first edition" not in html
    added, removed = section(html, "added"), section(html, "removed")
    renamed, moved_region, moved_type = section(html, "renamed"), section(html, "moved-region"), section(html, "moved-type")
    assert "1 enterprise added" in added and ADDED in added
    assert "2 enterprises removed" in removed and NAMES["to_draft"] in removed and NAMES["withdrawn"] in removed
    assert f"<del>{NAMES['renamed']}</del>" in renamed and f"<ins>{NEW_NAME}</ins>" in renamed
    assert NAMES["moved_region"] in moved_region and "<del>浦东</del>" in moved_region and "<ins>徐汇</ins>" in moved_region
    assert NAMES["moved_type"] in moved_type and "<del>数字服务</del>" in moved_type and "<ins>云服务</ins>" in moved_type
    for unchanged in (NAMES["kept"],):
        assert unchanged not in html


def test_the_editions_page_lists_every_edition_newest_first(client, two_editions):
    first, second, _ = two_editions
    response = client.get(reverse("listedition_list", kwargs={"year": 2023}))
    assert [edition.number for edition, _ in response.context["editions"]] == [2, 1]
    html = response.content.decode()
    assert html.index(second.get_absolute_url()) < html.index(first.get_absolute_url())
    assert file_url(first, "xlsx") in html and file_url(second, "json") in html


def test_the_lists_page_shows_public_lists_with_their_editions_and_never_a_draft_list(client, edition):
    put_on_list(make_enterprise("上海草稿名单科技有限公司"), year=2024, status=Status.DRAFT)
    response = client.get(reverse("annuallist_list"))
    assert [annual_list.year for annual_list in response.context["annual_lists"]] == [2022]
    html = response.content.decode()
    # Not a bare "2024": the footer's timestamp may contain those digits.
    assert edition.get_absolute_url() in html
    assert "2024年" not in html and reverse("listedition_list", kwargs={"year": 2024}) not in html
    assert client.get(reverse("listedition_list", kwargs={"year": 2024})).status_code == 404


def test_a_list_without_edition_yet_says_so(client, report):
    html = client.get(reverse("listedition_list", kwargs={"year": 2022}), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No edition of this list has been published yet." in html


def test_the_enterprise_list_filtered_by_a_list_links_its_editions(client, edition):
    html = client.get(reverse("enterprise_list"), {"list": "2022"}).content.decode()
    assert f'href="{edition.get_absolute_url()}"' in html
    assert f'href="{reverse("listedition_list", kwargs={"year": 2022})}"' in html
    unfiltered = client.get(reverse("enterprise_list")).content.decode()
    assert edition.get_absolute_url() not in unfiltered


def test_the_home_page_links_the_editions(client, report):
    assert f'href="{reverse("annuallist_list")}"' in client.get(reverse("home")).content.decode()
