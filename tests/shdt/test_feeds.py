"""The public change feed (Atom): what the public was shown, and never a draft."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from enterprises.models import AnnualList, CaseStudy
from enterprises.services import annual_list_publish
from policies.models import Policy
from shdt.core.feed import feed_entries
from shdt.core.models import Status
from shdt.core.publication import records_move
from tests.factories import make_case_study, make_enterprise, make_policy, put_on_list
from tests.publishing import drafts_of, make_reviewer, move, open_notice

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client) -> list[dict]:
    response = client.get(reverse("change_feed"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


@pytest.fixture
def reviewer():
    return make_reviewer()


def test_a_notice_then_a_publication_are_entries_with_the_notice_and_the_edition(client, reviewer):
    enterprise = make_enterprise("上海公示科技有限公司")
    put_on_list(enterprise, year=2023, status=Status.DRAFT)
    annual_list = AnnualList.objects.get(year=2023)
    open_notice(drafts_of(annual_list), reviewer)
    [noticed] = read_feed(client)
    assert noticed["title"] == "Under public notice: 2023 · 1 · 上海公示科技有限公司"
    assert noticed["link"] == "http://testserver" + enterprise.get_absolute_url()
    assert "from 2023-01-10 to 2023-01-20" in noticed["summary"]
    assert "上海市商务委员会 服务贸易处 021-00000000" in noticed["summary"]

    edition = annual_list_publish(annual_list, user=reviewer)
    entries = read_feed(client)
    titles = [entry["title"] for entry in entries]
    assert set(titles) == {
        "New edition: 2023年上海数字贸易创新企业, edition 1",
        "Published: 2023 · 1 · 上海公示科技有限公司",
        "Under public notice: 2023 · 1 · 上海公示科技有限公司",
    }
    assert titles[-1].startswith("Under public notice")  # newest first
    [edition_entry] = [entry for entry in entries if entry["title"].startswith("New edition")]
    assert edition_entry["link"] == "http://testserver" + edition.get_absolute_url()
    assert len({entry["id"] for entry in entries}) == 3


def test_a_draft_is_never_in_the_feed(client, reviewer):
    shown = make_enterprise("上海公开科技有限公司")
    put_on_list(shown, year=2023, status=Status.DRAFT)
    put_on_list(make_enterprise("上海草稿科技有限公司"), year=2023, status=Status.DRAFT)
    returned = make_enterprise("上海退回科技有限公司")
    put_on_list(returned, year=2023, status=Status.DRAFT)
    make_case_study(make_enterprise("上海案例草稿有限公司"), report_year=2023, status=Status.DRAFT)
    make_policy("《草稿政策》", status=Status.DRAFT)
    annual_list = AnnualList.objects.get(year=2023)
    open_notice(annual_list.memberships.exclude(enterprise__name="上海草稿科技有限公司"), reviewer)
    # Returned to draft after its notice: what was said of it is taken back, not left in the feed.
    move(returned.memberships.get(), Status.DRAFT, reviewer)

    feed = str(read_feed(client))
    assert "上海公开科技有限公司" in feed
    for name in ("上海草稿科技有限公司", "上海退回科技有限公司", "上海案例草稿有限公司", "《草稿政策》"):
        assert name not in feed
    assert "reviewer" not in client.get(reverse("change_feed")).content.decode()


def test_a_case_study_is_not_named_while_its_enterprise_is_not_public(client, reviewer):
    enterprise = make_enterprise("上海尚未公开有限公司")
    put_on_list(enterprise, year=2023, status=Status.DRAFT)
    make_case_study(enterprise, report_year=2023, status=Status.DRAFT)
    records_move(CaseStudy.objects.all(), to=Status.PUBLISHED, user=reviewer)
    assert read_feed(client) == []
    open_notice(enterprise.memberships.all(), reviewer)
    titles = [entry["title"] for entry in read_feed(client)]
    assert "Published: 2023 · 1 · 上海尚未公开有限公司" in titles  # the case study, now its enterprise is public


def test_a_withdrawal_is_an_entry_that_links_where_the_public_can_go(client, reviewer):
    enterprise = make_enterprise("上海撤回以后有限公司")
    entry = put_on_list(enterprise, year=2023, status=Status.PUBLISHED)
    move(entry, Status.WITHDRAWN, reviewer)
    [withdrawn] = read_feed(client)
    assert withdrawn["title"] == "Withdrawn: 2023 · 1 · 上海撤回以后有限公司"
    # Its profile is no longer public: the entry points to the list instead of a page not found.
    assert withdrawn["link"] == "http://testserver" + reverse("enterprise_list")
    assert client.get(enterprise.get_absolute_url()).status_code == 404


def test_a_published_policy_links_the_policies_page(client, reviewer):
    make_policy("《数字贸易政策》", status=Status.DRAFT)
    records_move(Policy.objects.all(), to=Status.PUBLISHED, user=reviewer)
    [published] = read_feed(client)
    assert published["title"] == "Published: 《数字贸易政策》"
    assert published["link"] == "http://testserver" + reverse("policy_list")


def test_the_feed_keeps_the_latest_entries(reviewer):
    for number in range(3):
        put_on_list(make_enterprise(f"上海第{number}家科技有限公司"), year=2023, status=Status.DRAFT)
    open_notice(AnnualList.objects.get(year=2023).memberships.all(), reviewer)
    assert len(feed_entries(limit=2)) == 2


def test_every_page_advertises_the_feed(client, report):
    html = client.get(reverse("home")).content.decode()
    assert f'<link rel="alternate" type="application/atom+xml" href="{reverse("change_feed")}"' in html


def test_a_hostile_name_reads_as_text_in_feed_readers_never_as_markup(client, reviewer):
    policy = make_policy("上海<script>alert(1)</script>科技有限公司", status=Status.DRAFT)
    records_move(Policy.objects.filter(pk=policy.pk), to=Status.PUBLISHED, user=reviewer)

    [entry] = read_feed(client)

    # A feed reader decodes <summary type="html"> as HTML: what it gets must be escaped text.
    assert "<script>" not in entry["summary"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry["summary"]
    assert entry["title"] == "Published: 上海<script>alert(1)</script>科技有限公司"
