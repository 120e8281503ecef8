"""
Publication scales with its work: a move of 300 list entries runs the same statements as a
move of 5, and writes for each record the history row and the event that the per-record
code wrote (simple-history's bulk_update_with_history and a PublicationEvent per record).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from enterprises.models import AnnualList, BusinessType, Enterprise, ListMembership
from shdt.core.models import Notice, PublicationEvent, Status
from shdt.core.publication import records_move
from shdt.core.roles import can_publish
from shdt.reference.models import Region
from tests.publishing import make_reviewer

pytestmark = pytest.mark.django_db


def draft_list(year: int, entries: int) -> AnnualList:
    """A year's list of `entries` draft entries, each of its own enterprise (written in bulk)."""
    region, kind = Region.objects.get(code="pudong"), BusinessType.objects.get(code="cloud")
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"上海{year}第{number}号科技有限公司",
            name_normalized=f"上海{year}第{number}号科技有限公司",
            slug=f"e{year}-{number}",
            region=region,
            business_type=kind,
        )
        for number in range(1, entries + 1)
    )
    annual_list = AnnualList.objects.create(year=year, title=f"{year}年上海数字贸易创新企业")
    ListMembership.objects.bulk_create(
        ListMembership(annual_list=annual_list, enterprise=enterprise, serial=number)
        for number, enterprise in enumerate(enterprises, start=1)
    )
    return annual_list


def notice():
    return Notice.objects.create(
        title="公示", starts_on=datetime.date(2023, 1, 10), ends_on=datetime.date(2023, 1, 20), contact="服务贸易处"
    )


def queries_of(move) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        move()
    return [query["sql"] for query in captured.captured_queries]


# Each move of the list's life, from the state the previous one left.
MOVES = [Status.NOTICE, Status.PUBLISHED, Status.WITHDRAWN, Status.DRAFT, Status.PUBLISHED]


def test_the_statements_of_a_move_do_not_grow_with_its_records():
    reviewer = make_reviewer()
    small, large = draft_list(2031, 5), draft_list(2032, 300)
    the_notice = notice()
    # The reviewer's permissions are read once and kept on the user, as in a request.
    assert can_publish(reviewer, ListMembership)
    for to in MOVES:
        kwargs = {"to": to, "user": reviewer, "notice": the_notice if to == Status.NOTICE else None}
        few = queries_of(lambda: records_move(small.memberships.all(), **kwargs))
        many = queries_of(lambda: records_move(large.memberships.all(), **kwargs))
        assert len(few) == len(many), (to, few, many)
        assert len(many) <= 12, many
        # No statement names the records one by one.
        assert max(len(sql) for sql in many) < 3000
        assert set(large.memberships.values_list("status", flat=True)) == {to}
        assert PublicationEvent.objects.filter(kind="enterprises.listmembership", action=to).count() >= 300


def test_public_listing_follows_a_large_move():
    reviewer = make_reviewer()
    annual_list = draft_list(2033, 300)
    records_move(annual_list.memberships.all(), to=Status.PUBLISHED, user=reviewer)
    assert Enterprise.objects.public().count() == 300
    assert Enterprise.objects.get(slug="e2033-7").listing.serial == 7
    records_move(annual_list.memberships.filter(serial__gt=100), to=Status.WITHDRAWN, user=reviewer)
    assert Enterprise.objects.public().count() == 100


def old_records_move(queryset, *, to, user, notice=None) -> None:
    """What records_move did before it was set-based: one object per record, one history row per object."""
    now = timezone.now()
    records = list(queryset.filter(status__in=(Status.DRAFT, Status.NOTICE, Status.PUBLISHED, Status.WITHDRAWN)).exclude(status=to))
    for record in records:
        record.status = to
        if to == Status.NOTICE:
            record.notice = notice
        if to == Status.PUBLISHED:
            record.published_at = now
    bulk_update_with_history(records, ListMembership, ["status", "notice", "published_at"], default_user=user)
    PublicationEvent.objects.bulk_create(
        PublicationEvent(action=to, kind="enterprises.listmembership", record_id=r.pk, title=str(r)[:300],
                         url=r.enterprise.get_absolute_url(), user=user)
        for r in records
    )


def written(annual_list, since_event: int):
    """The history rows and events written for a list's entries, told apart by serial, not by id."""
    serial = {m.pk: m.serial for m in annual_list.memberships.all()}
    history = sorted(
        (serial[row.id], row.history_type, row.history_user_id, row.history_change_reason, row.import_record_id,
         row.status, row.notice_id, row.published_at is not None, row.enterprise.name)
        for row in ListMembership.history.filter(id__in=serial).select_related("enterprise")
    )
    events = sorted(
        (serial[event.record_id], event.action, event.kind, event.title.replace(str(annual_list.year), "YEAR"),
         event.url.replace(str(annual_list.year), "YEAR"), event.user_id)
        for event in PublicationEvent.objects.filter(pk__gt=since_event, record_id__in=serial)
    )
    return history, events


def test_history_and_events_are_those_the_per_record_code_wrote():
    reviewer = make_reviewer()
    new, old = draft_list(2034, 4), draft_list(2035, 4)
    the_notice = notice()
    for to in MOVES:
        kwargs = {"to": to, "user": reviewer, "notice": the_notice if to == Status.NOTICE else None}
        records_move(new.memberships.all(), **kwargs)
        old_records_move(old.memberships.all(), **kwargs)
    new_history, new_events = written(new, 0)
    old_history, old_events = written(old, 0)
    assert new_history == [
        (serial, kind, user, None, None, status, notice_id, published, name.replace("2035", "2034"))
        for serial, kind, user, _reason, _import, status, notice_id, published, name in old_history
    ]
    assert len(new_history) == 4 * len(MOVES)
    assert {row[1] for row in new_history} == {"~"} and {row[2] for row in new_history} == {reviewer.pk}
    assert new_events == old_events
    assert len(new_events) == 4 * len(MOVES)
    published = ListMembership.history.filter(id__in=new.memberships.values("pk"), status=Status.PUBLISHED).first()
    event = PublicationEvent.objects.filter(action=Status.PUBLISHED, record_id=published.id).first()
    assert event.title == f"2034 · {published.serial} · 上海2034第{published.serial}号科技有限公司"
    assert event.url == f"/enterprises/e2034-{published.serial}/"
    assert published.history_date == event.at


def test_a_move_leaves_records_in_other_states_as_they_are():
    reviewer = make_reviewer()
    annual_list = draft_list(2036, 6)
    records_move(annual_list.memberships.filter(serial__lte=2), to=Status.PUBLISHED, user=reviewer)
    # Already published: not moved again, no second history row or event.
    assert records_move(annual_list.memberships.all(), to=Status.PUBLISHED, user=reviewer) == 4
    assert ListMembership.history.filter(id__in=annual_list.memberships.values("pk"), history_type="~").count() == 6
    assert PublicationEvent.objects.count() == 6
    assert records_move(annual_list.memberships.all(), to=Status.PUBLISHED, user=reviewer) == 0


def test_twenty_thousand_entries_publish():
    reviewer = make_reviewer()
    annual_list = draft_list(2037, 20_000)
    assert records_move(annual_list.memberships.all(), to=Status.PUBLISHED, user=reviewer) == 20_000
    assert annual_list.memberships.filter(status=Status.PUBLISHED).count() == 20_000
    assert ListMembership.history.filter(history_type="~", status=Status.PUBLISHED).count() == 20_000
    assert PublicationEvent.objects.filter(action=Status.PUBLISHED).count() == 20_000
    assert Enterprise.objects.public().count() == 20_000
