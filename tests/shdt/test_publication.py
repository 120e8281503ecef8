"""
A draft never appears anywhere public; a record under public notice (公示) appears, and
says so with its period and contact.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from enterprises.models import ListMembership
from shdt.core.models import Status
from shdt.core.publication import notice_open, records_move
from shdt.core.roles import REVIEWER
from tests.factories import make_base, make_case_study, make_enterprise, make_policy, put_on_list
from tests.shdt.test_export_data import read_table

pytestmark = pytest.mark.django_db

DRAFT_NAME = "上海尚未发布科技有限公司"
NOTICE_NAME = "上海公示期间科技有限公司"


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("reviewer", password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWER))
    return user


@pytest.fixture
def drafts(report):
    put_on_list(make_enterprise(DRAFT_NAME), 2022, serial=101, status=Status.DRAFT)
    public = ListMembership.objects.get(enterprise__slug="shanghaiximalayakeji").enterprise
    make_case_study(public, report_year=2023, serial=1, status=Status.DRAFT, profile="草稿案例")
    make_base("上海草稿基地", status=Status.DRAFT)
    make_policy("《尚未发布的政策》", status=Status.DRAFT)


@pytest.fixture
def under_notice(report, reviewer):
    entry = put_on_list(make_enterprise(NOTICE_NAME), 2022, serial=102, status=Status.DRAFT)
    notice_open(
        ListMembership.objects.filter(pk=entry.pk),
        user=reviewer,
        title="名单增补公示",
        starts_on=datetime.date(2023, 3, 1),
        ends_on=datetime.date(2023, 3, 10),
        contact="服务贸易处 021-00000000",
    )
    return entry


def download(client, url_name, fmt="csv", **params):
    response = client.get(reverse(url_name, kwargs={"fmt": fmt}), params)
    return read_table(b"".join(response.streaming_content), fmt)


def test_drafts_are_on_no_public_page(client, drafts):
    pages = [
        reverse("enterprise_list"),
        reverse("enterprise_list") + "?q=shangweifabu",
        reverse("exportbase_list"),
        reverse("policy_list"),
        reverse("enterprise_detail", args=["shanghaiximalayakeji"]),
        reverse("stats"),
        reverse("home"),
    ]
    for page in pages:
        html = client.get(page).content.decode()
        for secret in (DRAFT_NAME, "草稿案例", "上海草稿基地", "尚未发布的政策"):
            assert secret not in html, f"{secret} shown on {page}"
    assert client.get(reverse("enterprise_detail", args=["shanghaishangweifabukeji"])).status_code == 404
    assert client.get(reverse("home")).context["enterprise_count"] == 100


def test_drafts_are_in_no_download(client, drafts):
    headers, rows = download(client, "enterprise_download")
    assert len(rows) == 100 and DRAFT_NAME not in {row[1] for row in rows}
    headers, rows = download(client, "exportbase_download", fmt="json")
    assert "上海草稿基地" not in {row[0] for row in rows}
    headers, rows = download(client, "policy_download", fmt="xlsx")
    assert "《尚未发布的政策》" not in {row[headers.index("文件名称")] for row in rows}


def test_drafts_are_in_no_api_response(client, drafts):
    names = [item["name"] for item in client.get(reverse("api:enterprise_list"), {"page_size": 100}).json()["results"]]
    names += [item["name"] for item in client.get(reverse("api:enterprise_list"), {"page": 2, "page_size": 100}).json().get("results", [])]
    assert DRAFT_NAME not in names
    assert client.get(reverse("api:enterprise_detail", args=["shanghaishangweifabukeji"])).status_code == 404
    cases = client.get(reverse("api:casestudy_list"), {"list": 2023}).json()
    assert cases["count"] == 0
    bases = [item["name"] for item in client.get(reverse("api:exportbase_list")).json()["results"]]
    assert "上海草稿基地" not in bases
    profile = client.get(reverse("api:enterprise_detail", args=["shanghaiximalayakeji"])).json()
    assert [c["report_year"] for c in profile["case_studies"]] == [2022]


def test_export_data_shows_drafts_only_when_asked(drafts, tmp_path):
    from django.core.management import call_command

    public, every = tmp_path / "public.csv", tmp_path / "all.csv"
    call_command("export_data", "enterprises", "--output", str(public))
    call_command("export_data", "enterprises", "--all", "--output", str(every))
    assert DRAFT_NAME not in public.read_text(encoding="utf-8-sig")
    assert DRAFT_NAME in every.read_text(encoding="utf-8-sig")


def test_a_record_under_notice_appears_with_its_notice(client, under_notice):
    page = client.get(reverse("enterprise_list"), {"q": NOTICE_NAME})
    assert [e.name for e in page.context["rows"]] == [NOTICE_NAME]
    assert "公示中" in page.content.decode()

    profile = client.get(under_notice.enterprise.get_absolute_url()).content.decode()
    assert "公示中" in profile and "2023-03-01" in profile and "2023-03-10" in profile
    assert "服务贸易处 021-00000000" in profile

    headers, rows = download(client, "enterprise_download", list=2022)
    statuses = {row[1]: row[headers.index("状态")] for row in rows}
    assert statuses[NOTICE_NAME] == "公示中"
    assert statuses["上海喜马拉雅科技有限公司"] == "已发布"

    body = client.get(reverse("api:enterprise_detail", args=[under_notice.enterprise.slug])).json()
    assert body["list_status"] == "notice"
    assert body["memberships"][0]["notice"] == {
        "title": "名单增补公示",
        "starts_on": "2023-03-01",
        "ends_on": "2023-03-10",
        "contact": "服务贸易处 021-00000000",
    }


def test_withdrawing_takes_a_record_off_every_public_page(client, reviewer, report):
    entry = ListMembership.objects.get(enterprise__slug="shanghaiximalayakeji")
    records_move(ListMembership.objects.filter(pk=entry.pk), to=Status.WITHDRAWN, user=reviewer)
    assert client.get(entry.enterprise.get_absolute_url()).status_code == 404
    assert client.get(reverse("enterprise_list")).context["total"] == 99
    headers, rows = download(client, "enterprise_download")
    assert "上海喜马拉雅科技有限公司" not in {row[1] for row in rows}


def test_only_a_reviewer_moves_records(django_user_model, report):
    from django.core.exceptions import PermissionDenied

    editor = django_user_model.objects.create_user("someone", password="pw-for-tests-only", is_staff=True)
    with pytest.raises(PermissionDenied):
        records_move(ListMembership.objects.all(), to=Status.WITHDRAWN, user=editor)
    assert ListMembership.objects.filter(status=Status.PUBLISHED).count() == 100
