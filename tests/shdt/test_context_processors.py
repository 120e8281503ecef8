"""“Last updated” on every page: the time of the last change the public sees, in Shanghai time."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_script_prefix
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.services import enterprise_update
from shdt.core.models import DataVersion, PublicationEvent, Status
from shdt.context_processors import public_timestamped_models
from tests.factories import make_enterprise, make_policy, put_on_list

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r'<p class="last-updated">Last updated: <time datetime="([^"]+)">(\d{4}-\d\d-\d\d \d\d:\d\d)</time></p>')


def last_updated(client, url) -> tuple[str, str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    match = FOOTER.search(response.content.decode())
    assert match, f"no “last updated” on {url}"
    return match.groups()


def set_changed_at(moment: datetime.datetime) -> None:
    """Make `moment` the time of every public change: each record's last edit and each publication."""
    for model in public_timestamped_models():
        model.objects.update(updated_at=moment)
    PublicationEvent.objects.update(at=moment)


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("enterprise_list"),
        reverse("exportbase_list"),
        reverse("policy_list"),
        reverse("stats"),
        reverse("annuallist_list"),
        reverse("listedition_list", kwargs={"year": 2022}),
    ],
)
def test_every_page_says_when_the_registry_last_changed_in_shanghai_time(client, report, url):
    set_changed_at(datetime.datetime(2023, 1, 31, 17, 5, tzinfo=datetime.UTC))
    iso, shown = last_updated(client, url)
    assert shown == "2023-02-01 01:05"
    assert iso == "2023-02-01T01:05:00+08:00"


def test_the_date_moves_when_a_record_changes(client, report):
    set_changed_at(datetime.datetime(2023, 1, 31, 17, 5, tzinfo=datetime.UTC))
    assert last_updated(client, reverse("home"))[1] == "2023-02-01 01:05"
    enterprise_update(Enterprise.objects.get(name="上海微盟企业发展有限公司"), name_en="Weimob")
    iso, shown = last_updated(client, reverse("home"))
    assert shown > "2023-02-01 01:05"
    assert abs(timezone.now() - datetime.datetime.fromisoformat(iso)) < datetime.timedelta(minutes=1)


def test_a_draft_does_not_move_the_date(client, report):
    # The footer would otherwise tell the public that staff saved something it cannot see.
    set_changed_at(datetime.datetime(2023, 1, 31, 17, 5, tzinfo=datetime.UTC))
    put_on_list(make_enterprise("上海草稿页脚科技有限公司"), 2031, serial=1, status=Status.DRAFT)
    make_policy("《草稿页脚政策》", status=Status.DRAFT)
    assert DataVersion.objects.get().changed_at > datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    assert last_updated(client, reverse("home"))[1] == "2023-02-01 01:05"


def test_a_profile_keeps_its_own_date_beside_the_registrys(client, report):
    set_changed_at(datetime.datetime(2023, 1, 31, 17, 5, tzinfo=datetime.UTC))
    enterprise = Enterprise.objects.get(name="上海微盟企业发展有限公司")
    Enterprise.objects.filter(pk=enterprise.pk).update(updated_at=datetime.datetime(2022, 6, 1, 4, 0, tzinfo=datetime.UTC))
    response = client.get(enterprise.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<footer class="record-meta">' in html
    assert 'Last updated: <time datetime="2022-06-01T12:00:00+08:00">2022-06-01</time>' in html
    assert FOOTER.search(html).group(2) == "2023-02-01 01:05"


def test_the_data_version_is_read_once_per_request(client, report):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert len([q for q in queries if "shdt_dataversion" in q["sql"]]) == 1


def test_a_registry_that_never_changed_shows_no_date(client, db):
    DataVersion.objects.all().delete()
    html = client.get(reverse("policy_list")).content.decode()
    assert 'class="last-updated"' not in html


CHROME_LINK = re.compile(r'<(?:a|link|form)[^>]* (?:href|action)="(/[^"]*)"')


@pytest.mark.parametrize("script_name", ["", "/registry"])
def test_the_header_and_footer_link_to_every_section_under_the_sites_prefix(client, report, script_name):
    # The links are reversed once per script prefix (site_urls): a site served under a
    # prefix links under it, and one served at the root does not.
    path_info = reverse("enterprise_list")
    with override_script_prefix(script_name + "/"):
        response = client.get(path_info, SCRIPT_NAME=script_name)
    assert response.status_code == 200
    html = response.content.decode()
    links = set(CHROME_LINK.findall(html))
    for name in ["home", "enterprise_list", "exportbase_list", "policy_list", "stats", "change_feed",
                 "annuallist_list", "set_language", "admin:index"]:
        assert script_name + reverse(name) in links, name
    # The menu marks the section the page is in, whatever the prefix.
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == [script_name + "/enterprises/"]
