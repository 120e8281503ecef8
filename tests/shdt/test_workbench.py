"""
The workbench on the admin index (issue 15): each role sees what waits for it, every count
links to a changelist showing exactly those records, and the index's queries do not grow
with the records.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from enterprises.models import AnnualList
from enterprises.services import annual_list_publish, enterprise_update
from policies.models import Policy
from shdt.core.models import ImportRecord, Status
from shdt.core.roles import EDITOR, VIEWER
from shdt.core.workbench import (
    ACCOUNTS,
    DRAFTS,
    EDITIONS,
    IMPORTS,
    MY_DRAFTS,
    NOTICE_ENDED,
    NOTICES,
    RETURNED,
    REVIEW,
    SECTIONS,
    SECTIONS_BY_ROLE,
    workbench_for,
)
from tests.factories import make_enterprise, make_policy, put_on_list
from tests.workbench import drafted_by, imported, make_public_enterprise, notice, people_create, staff, work_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

INDEX = reverse("admin:index")


@pytest.fixture
def people(db):
    return people_create()


@pytest.fixture
def work(people):
    work_create(people)
    return people


def counts(workbench) -> dict:
    """{section: {label: count}} of a workbench."""
    return {section.key: {count.label: count.count for count in section.counts} for section in workbench.sections}


def test_an_editor_sees_their_drafts_what_was_returned_and_their_imports(work):
    workbench = workbench_for(work["editor"])
    assert [section.key for section in workbench.sections] == [MY_DRAFTS, RETURNED, IMPORTS, EDITIONS]
    assert counts(workbench) == {
        MY_DRAFTS: {"List entries": 1, "Policy documents": 1, "My changes to public enterprises, waiting for review": 1},
        RETURNED: {"List entries": 1, "My changes to public enterprises, rejected": 1},
        # Their own imports, not the other editor's queued one.
        IMPORTS: {
            "in progress": 1,
            "checked, waiting to be confirmed": 1,
            "waiting for a decision on likely duplicates": 1,
            "not imported": 1,
        },
        EDITIONS: {},
    }
    assert [action.label for action in workbench.actions] == ["Import a spreadsheet"]


def test_a_reviewer_sees_what_waits_for_review_and_the_notices_with_their_end_dates(work):
    workbench = workbench_for(work["reviewer"])
    assert [section.key for section in workbench.sections] == [REVIEW, NOTICES, NOTICE_ENDED, DRAFTS, EDITIONS]
    assert counts(workbench) == {
        REVIEW: {"Changes to public enterprises": 1},
        NOTICES: {"List entries": 2},
        NOTICE_ENDED: {"List entries": 1},
        # The three drafts (two of them the editor's) and the returned one; the policy.
        DRAFTS: {"List entries": 3, "Policy documents": 1},
        EDITIONS: {},
    }
    notices = next(section for section in workbench.sections if section.key == NOTICES)
    ends = timezone.localdate() + datetime.timedelta(days=3)
    assert [(line.text, line.note) for line in notices.lines] == [
        ("2023年名单公示", f"ends on {date_format(ends)}, in 3 days")
    ]
    assert [action.label for action in workbench.actions] == ["Publish a list"]


def test_each_list_shows_its_latest_edition(work):
    editions = next(section for section in workbench_for(work["viewer"]).sections if section.key == EDITIONS)
    today = timezone.localdate()
    assert [(line.text, line.note) for line in editions.lines] == [
        ("2023年上海数字贸易创新企业", "no edition published yet"),
        ("2022年上海数字贸易创新企业", f"edition 2, published {date_format(today)}, 1 enterprise"),
        ("2021年上海数字贸易创新企业", "no edition published yet"),
    ]
    latest = AnnualList.objects.get(year=2022).editions.get(number=2)
    assert editions.lines[1].url == reverse("admin:enterprises_listedition_change", args=[latest.pk])


def test_a_viewer_sees_the_counts_and_no_action(client, work):
    workbench = workbench_for(work["viewer"])
    assert [section.key for section in workbench.sections] == list(SECTIONS_BY_ROLE[VIEWER])
    assert counts(workbench)[IMPORTS]["in progress"] == 2  # everyone's imports
    assert workbench.actions == []
    client.force_login(work["viewer"])
    html = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="workbench-review"' in html and 'id="workbench-actions"' not in html
    assert reverse("admin:shdt_importrecord_add") not in html


def test_an_account_administrator_sees_the_accounts_by_role(work):
    workbench = workbench_for(work["account_admin"])
    assert [section.key for section in workbench.sections] == [ACCOUNTS]
    assert counts(workbench) == {
        ACCOUNTS: {
            "Editor": 2,
            "Reviewer": 1,
            "Viewer": 1,
            "Account administrator": 1,
            "active, without a role": 1,  # the superuser
            "deactivated": 1,
        }
    }
    assert [action.label for action in workbench.actions] == ["Add an account"]


def test_a_superuser_sees_every_section_and_action(work):
    workbench = workbench_for(work["superuser"])
    assert [section.key for section in workbench.sections] == list(SECTIONS)
    assert [action.label for action in workbench.actions] == ["Import a spreadsheet", "Add an account", "Publish a list"]


@pytest.mark.parametrize("person", ["editor", "reviewer", "viewer", "account_admin", "superuser"])
def test_every_count_links_to_a_changelist_showing_exactly_that_many(client, work, person):
    client.force_login(work[person])
    response = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en")
    workbench = response.context["workbench"]
    links = [count for section in workbench.sections for count in section.counts]
    assert links, "the work fixture gives every role something to count"
    html = response.content.decode()
    for count in links:
        assert f'href="{count.url.replace("&", "&amp;")}" class="workbench-count">{count.count}</a>' in html
        changelist = client.get(count.url, HTTP_ACCEPT_LANGUAGE="en")
        # An unknown filter would redirect to “?e=1”; a forbidden list would answer 403.
        assert changelist.status_code == 200, count
        assert changelist.context["cl"].result_count == count.count, count


def test_the_index_runs_as_many_queries_however_many_records_wait(client, work):
    client.force_login(work["superuser"])
    client.get(INDEX)  # the session and the permissions, read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INDEX).status_code == 200
        return len(captured)

    before = queries()
    editor, reviewer = work["editor"], work["reviewer"]
    for n in range(5):
        drafted_by(editor, make_policy(f"《更多政策{n}》", status=Status.DRAFT))
        imported(editor, ImportRecord.Status.RUNNING)
        imported(editor, ImportRecord.Status.FAILED, file_content=b"x")
        staff(f"更多录入员{n}", EDITOR)
        enterprise_update(make_public_enterprise(f"上海更多{n}科技有限公司"), user=editor, name_en=f"More {n}")
        notice(Policy.objects.filter(title=f"《更多政策{n}》"), reviewer, title=f"更多公示{n}", days_ago=1, days_left=n + 1)
    for year in (2019, 2020):
        annual_list_publish(put_on_list(make_enterprise(f"上海{year}科技有限公司"), year=year, status=Status.NOTICE).annual_list, user=reviewer)
    assert queries() == before
