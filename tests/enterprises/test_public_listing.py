"""
An enterprise's PublicListing (its latest public list, 序号 and status, which the public
list sorts and filters on) follows its list entries through every write path: a
reviewer's publication and withdrawal (set-based), an edit of the enterprise, an import
that moves serials, a single save.
"""

import pytest
from django.http import QueryDict

from enterprises.models import Enterprise, ListMembership, PublicListing
from enterprises.services import enterprise_update
from enterprises.tables import ENTERPRISES
from shdt.core.models import PUBLIC_STATUSES, Status
from shdt.core.publication import records_move
from shdt.reference.models import Region
from tests.factories import make_enterprise, put_on_list
from tests.publishing import make_reviewer
from tests.sheets import run, xlsx_bytes

pytestmark = pytest.mark.django_db


def expected_listing() -> set[tuple]:
    """What the entries say, worked out in Python: each enterprise's latest public entry."""
    latest = {}
    for entry in ListMembership.objects.filter(status__in=PUBLIC_STATUSES).select_related("annual_list"):
        year = entry.annual_list.year
        if entry.enterprise_id not in latest or latest[entry.enterprise_id][1] < year:
            latest[entry.enterprise_id] = (entry.enterprise_id, year, entry.serial, entry.status)
    return set(latest.values())


def stored_listing() -> set[tuple]:
    return set(PublicListing.objects.values_list("enterprise_id", "list_year", "serial", "status"))


def assert_consistent():
    assert stored_listing() == expected_listing()
    # Public: exactly the enterprises with a row.
    assert set(Enterprise.objects.public().values_list("pk", flat=True)) == {row[0] for row in expected_listing()}


def public_list(query: str = "") -> list[tuple]:
    rows = ENTERPRISES.filter(QueryDict(query)).qs
    return [(e.name, e.list_year, e.list_serial, e.list_status) for e in rows]


def test_the_public_listing_follows_publication_edits_imports_and_withdrawal():
    reviewer = make_reviewer()
    first, second, third = (make_enterprise(f"上海名单{n}号科技有限公司") for n in (1, 2, 3))
    put_on_list(first, 2022, 1)
    put_on_list(second, 2022, 2)
    put_on_list(first, 2023, 1, status=Status.DRAFT)
    put_on_list(third, 2023, 2, status=Status.DRAFT)
    assert_consistent()
    assert not PublicListing.objects.filter(enterprise=third).exists()

    # Publishing the 2023 list (set-based): its enterprises' latest public list is 2023.
    records_move(ListMembership.objects.filter(annual_list__year=2023), to=Status.PUBLISHED, user=reviewer)
    assert_consistent()
    assert public_list() == [
        (first.name, 2023, 1, Status.PUBLISHED),
        (third.name, 2023, 2, Status.PUBLISHED),
        (second.name, 2022, 2, Status.PUBLISHED),
    ]

    # An edit of the enterprise (a reviewer's, at once) changes its region, not its place.
    enterprise_update(first, user=reviewer, region=Region.objects.get(code="huangpu"), name="上海名单一号科技有限公司")
    assert_consistent()
    assert public_list("district=huangpu") == [("上海名单一号科技有限公司", 2023, 1, Status.PUBLISHED)]

    # An import that swaps two serials on the published list (bulk writes, no signals).
    swap = xlsx_bytes(["序号", "企业名称"], [(2, "上海名单一号科技有限公司"), (1, third.name)])
    assert run("enterprises", swap, list_year=2023).written
    assert_consistent()
    assert PublicListing.objects.get(enterprise=first).serial == 2

    # Withdrawing: back to the previous public list, or off every one.
    records_move(ListMembership.objects.filter(annual_list__year=2023, enterprise=first), to=Status.WITHDRAWN, user=reviewer)
    records_move(ListMembership.objects.filter(enterprise=second), to=Status.WITHDRAWN, user=reviewer)
    assert_consistent()
    assert public_list() == [
        (third.name, 2023, 1, Status.PUBLISHED),
        ("上海名单一号科技有限公司", 2022, 1, Status.PUBLISHED),
    ]
    assert not Enterprise.objects.public().filter(pk=second.pk).exists()

    # A single save and a delete of an entry (signals), and staff seeing the drafts too.
    entry = ListMembership.objects.get(enterprise=second, annual_list__year=2022)
    entry.status = Status.NOTICE
    entry.save()
    assert_consistent()
    ListMembership.objects.get(enterprise=third).delete()
    assert_consistent()
    staff = ENTERPRISES.filter(QueryDict(), public=False).qs
    assert {e.name: e.list_year for e in staff}[third.name] is None


def test_refreshing_no_enterprise_writes_nothing():
    Enterprise.objects.filter(pk__in=[]).refresh_public_listing()
    assert not PublicListing.objects.exists()


def test_a_move_that_makes_entries_public_skips_the_delete_that_could_find_nothing():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reviewer = make_reviewer()
    entries = [put_on_list(make_enterprise(), year=2024, status=Status.DRAFT) for _ in range(3)]
    queryset = ListMembership.objects.filter(pk__in=[entry.pk for entry in entries])

    def deletes_of_the_listing(to) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert records_move(queryset, to=to, user=reviewer) == 3
        assert_consistent()
        return sum('DELETE FROM "enterprises_publiclisting"' in query["sql"] for query in captured)

    assert deletes_of_the_listing(Status.PUBLISHED) == 0
    assert deletes_of_the_listing(Status.WITHDRAWN) == 1
    assert not PublicListing.objects.filter(enterprise__in=[entry.enterprise_id for entry in entries]).exists()
