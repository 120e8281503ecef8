"""
The publication figure of issue 14: a reviewer publishing a year's list of N draft
entries (shdt.core.publication.records_move, as the admin's action and the background
worker call it), against `bulk_create` of those N entries measured in the same run.

Each run puts every enterprise of the benchmark's database on a new year's list as a
draft (the baseline: ListMembership.objects.bulk_create, in one transaction), then
publishes the list with its history rows, its events, the enterprises' public listing
(enterprises.PublicListing) and the data version. Everything a run writes is deleted afterwards, and the
enterprises' public listing recomputed, so that the database stays as it was built.
"""

import statistics
import time

from django.db import connection, transaction

from .importing import rows_delete

# List years no real list has (bench/importing.py uses 2900 and up).
FIRST_YEAR = 2800




def bulk_create_entries(year: int, rows: int) -> int:
    """The baseline: a new list and a draft entry for each of `rows` enterprises, with bulk_create."""
    from enterprises.models import AnnualList, Enterprise, ListMembership

    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:rows])
    with transaction.atomic():
        annual_list = AnnualList.objects.create(year=year, title=f"{year}年上海数字贸易创新企业")
        ListMembership.objects.bulk_create(
            [
                ListMembership(annual_list=annual_list, enterprise_id=enterprise_id, serial=serial)
                for serial, enterprise_id in enumerate(enterprise_ids, start=1)
            ],
            batch_size=5000,
        )
    return annual_list.pk


def publish(annual_list_id: int, reviewer) -> int:
    """What the reviewer's Publish on every entry of the list calls."""
    from enterprises.models import ListMembership
    from shdt.core.models import Status
    from shdt.core.publication import records_move

    return records_move(ListMembership.objects.filter(annual_list_id=annual_list_id), to=Status.PUBLISHED, user=reviewer)


def reviewer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from shdt.core.roles import REVIEWER

    user, _ = get_user_model().objects.get_or_create(username="bench-reviewer")
    user.groups.add(Group.objects.get(name=REVIEWER))
    return get_user_model().objects.get(pk=user.pk)


def clean_up() -> None:
    """Delete the runs' lists, entries, history rows and events; recompute the enterprises' public listing."""
    from enterprises.models import AnnualList, Enterprise, ListMembership
    from shdt.core.models import PublicationEvent

    lists = AnnualList.objects.filter(year__gte=FIRST_YEAR, year__lt=FIRST_YEAR + 100)
    if not lists.exists():
        return
    with transaction.atomic():
        entries = ListMembership.objects.filter(annual_list__in=lists)
        rows_delete(PublicationEvent.objects.filter(kind="enterprises.listmembership", record_id__in=entries.values("pk")))
        rows_delete(ListMembership.history.filter(annual_list_id__in=lists.values("pk")))
        rows_delete(AnnualList.history.filter(id__in=lists.values("pk")))
        enterprises = list(entries.values_list("enterprise_id", flat=True).distinct())
        rows_delete(entries)
        rows_delete(lists)
        for start in range(0, len(enterprises), 10_000):
            Enterprise.objects.filter(pk__in=enterprises[start : start + 10_000]).refresh_public_listing()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE enterprises_publiclisting, enterprises_listmembership")


def _timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def measure_publish(rows: int, runs: int) -> list[dict]:
    """Return the publication's rate (entries/s), the median of `runs`, with the baseline's."""
    from enterprises.models import Enterprise

    rows = min(rows, Enterprise.objects.count())
    user = reviewer()
    clean_up()
    base_rates, publish_rates = [], []
    # A small first round, not counted, so that no figure pays for first use.
    try:
        publish(bulk_create_entries(FIRST_YEAR + 99, min(rows, 200)), user)
    finally:
        clean_up()
    for run in range(runs):
        try:
            seconds, annual_list_id = _timed(bulk_create_entries, FIRST_YEAR + run, rows)
            base_rates.append(rows / seconds)
            seconds, moved = _timed(publish, annual_list_id, user)
            if moved != rows:
                raise RuntimeError(f"the benchmark's publication moved {moved:,} of {rows:,} entries")
            publish_rates.append(rows / seconds)
        finally:
            clean_up()
        print(f"  publish run {run + 1}: bulk_create {base_rates[-1]:,.0f} entries/s, publish {publish_rates[-1]:,.0f}")
    return [
        {
            "name": f"publish a list of {rows:,} draft entries (history, events, public listing), set-based",
            "value": statistics.median(publish_rates),
            "base": statistics.median(base_rates),
            "baseline": f"bulk_create of the same {rows:,} list entries, no history",
            "target": "≥ 100%",
            "goal": 1.0,
            "unit": "entries/s",
        }
    ]
