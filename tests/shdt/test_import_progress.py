"""
An import's page tells the truth about where it has got to: the phase it is in (reading,
checking, writing the records, their history, what the public sees), its rows or
records done of that phase's total, and a percentage of the whole that reaches 100 only
when the import is done (issue 15).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.urls import reverse

from enterprises.models import Enterprise, ListMembership
from shdt.core.imports import import_record_create, import_record_queue
from shdt.core.imports import runner
from shdt.core.models import ImportRecord
from shdt.core.tasks import import_record_task
from tests.enterprises.test_imports import synthetic_rows
from tests.factories import make_enterprise, put_on_list
from tests.sheets import csv_bytes
from tests.shdt.test_import_admin import run_worker

HEADERS = ["序号", "企业名称", "业务类型", "所属区域"]
ROWS = 20_000
PUBLIC = 5
PHASES = ["reading", "checking", "records", "history", "public"]


class Outside:
    """Reads the record as the progress page does: on a connection of its own, from a thread of its own."""

    def __init__(self):
        self.thread = ThreadPoolExecutor(max_workers=1)

    def read(self, pk) -> tuple:
        def read():
            record = ImportRecord.objects.get(pk=pk)
            return (record.status, record.phase, record.rows_done, record.rows_total, Enterprise.objects.count())

        return self.thread.submit(read).result()

    def close(self):
        self.thread.submit(connections.close_all).result()
        self.thread.shutdown()


@pytest.mark.django_db(transaction=True)
def test_a_background_import_rises_through_its_phases_and_reaches_100_only_when_done(committed_db, monkeypatch):
    # Enterprises the public sees on the 2022 list, which the file moves to the end of it:
    # the import then has public listings to refresh.
    listed = [make_enterprise(f"上海既有公示{number}号科技有限公司") for number in range(PUBLIC)]
    for serial, enterprise in enumerate(listed, 1):
        put_on_list(enterprise, 2022, serial=serial)
    rows = synthetic_rows(ROWS) + [(ROWS + n + 1, e.name, "数字服务", "浦东") for n, e in enumerate(listed)]
    record = import_record_create(kind="enterprises", file_name="big.csv", content=csv_bytes(HEADERS, rows), list_year=2022)
    ticket = import_record_queue(record, dry_run=False)

    # Every write of the run's progress, as the run holds its record and as the page reads it.
    samples, seen_outside = [], []
    outside = Outside()
    write = runner._Lease.write

    def sampled_write(self, **fields):
        write(self, **fields)
        held = self.record
        samples.append((held.status, held.phase, held.rows_done, held.rows_total, held.percent_done))
        if connection.vendor != "sqlite":
            seen_outside.append(outside.read(held.pk))

    monkeypatch.setattr(runner._Lease, "write", sampled_write)
    try:
        import_record_task.enqueue(record.pk, False, ticket.isoformat())
        run_worker()
    finally:
        outside.close()

    record.refresh_from_db()
    assert (record.status, record.new_count, record.updated_count, record.error_count) == ("done", ROWS, PUBLIC, 0)
    assert Enterprise.objects.count() == ROWS + PUBLIC
    assert ListMembership.objects.filter(annual_list__year=2022).count() == ROWS + PUBLIC
    # The refreshed listing: the moved enterprises show their new serials to the public.
    assert sorted(Enterprise.objects.filter(pk__in=[e.pk for e in listed]).values_list("listing__serial", flat=True)) == [
        ROWS + n + 1 for n in range(PUBLIC)
    ]

    *running, last = samples
    assert last[0] == "done" and last[4] == 100
    assert all(status == "running" for status, *_ in running)
    assert all(percent < 100 for *_, percent in running), "100% only once the record says done"
    percents = [percent for *_, percent in samples]
    assert percents == sorted(percents), "never backwards"

    # Each phase in order, each from 0 to its total, its counts never going back.
    phases = [phase for _status, phase, *_ in running]
    order = list(dict.fromkeys(phases))
    assert phases == sorted(phases, key=order.index)
    totals = {phase: total for _status, phase, _done, total, _percent in running}
    by_phase = {phase: [done for _s, p, done, _t, _pc in running if p == phase] for phase in order}
    for phase, done in by_phase.items():
        assert done[0] == 0 and done == sorted(done), phase
    # The records: 20,000 enterprises, their 20,000 new entries on the list, the 5 moved.
    expected = {"reading": 0, "checking": ROWS + PUBLIC, "records": 2 * ROWS + PUBLIC, "history": 2 * ROWS + PUBLIC, "public": PUBLIC}
    if connection.vendor == "sqlite":
        # One writer at a time: nothing can write the record while the import's
        # transaction is open, so the page sees the records phase begin, then the end.
        assert order == PHASES[:3] and by_phase["records"] == [0]
        assert by_phase["checking"][-1] == ROWS + PUBLIC
    else:
        assert order == PHASES and totals == expected
        assert all(by_phase[phase][-1] == totals[phase] for phase in PHASES), "each phase ends with all its rows done"
        # The page saw each of these writes while the import's transaction was still
        # open (not one of its enterprises visible yet), not only after it committed.
        assert [s[:4] for s in running] == [o[:4] for o in seen_outside[: len(running)]]
        assert {o[1] for o in seen_outside if o[4] == PUBLIC} == set(PHASES)
    assert totals["checking"] == ROWS + PUBLIC and totals["records"] == 2 * ROWS + PUBLIC
    # Every thousand rows or so, not every row: the writes cost the import nothing measurable.
    assert len(samples) < 5 * (ROWS * 2 / 1000) + 20, len(samples)
    assert not [t for t in threading.enumerate() if t.name.startswith("import-progress")], "the run's writer thread ends with it"


def busy_record(status, phase, done, total) -> ImportRecord:
    record = import_record_create(kind="enterprises", file_name="big.csv", content=b"x", list_year=2022)
    ImportRecord.objects.filter(pk=record.pk).update(status=status, phase=phase, rows_done=done, rows_total=total)
    record.refresh_from_db()
    return record


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, texts",
    [
        ("en", ["Step 3 of 5:", "writing the records", "12,000 / 40,005", "45% of the whole"]),
        ("zh-hans", ["第 3 步，共 5 步：", "正在写入记录", "12,000 / 40,005", "总进度 45%"]),
    ],
)
def test_the_page_shows_the_phase_its_counts_and_the_whole(staff_client, language, texts):
    record = busy_record("running", "records", 12_000, 40_005)
    page = staff_client.get(reverse("admin:shdt_importrecord_change", args=[record.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    for text in texts:
        assert text in html
    assert 'value="45" max="100"' in html, "the bar is the whole, not the phase"
    assert page.context["refresh_seconds"] == 2, "the page follows the import by reloading itself"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, texts",
    [("en", ["Step 2 of 2:", "checking the rows", "1,000 / 20,000", "52% of the whole"]), ("zh-hans", ["第 2 步，共 2 步：", "正在检查各行", "1,000 / 20,000"])],
)
def test_a_check_has_two_phases(staff_client, language, texts):
    record = busy_record("checking", "checking", 1_000, 20_000)
    html = staff_client.get(reverse("admin:shdt_importrecord_change", args=[record.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for text in texts:
        assert text in html


@pytest.mark.django_db
def test_the_whole_is_below_100_until_the_record_says_done():
    record = busy_record("running", "public", 5, 5)
    assert record.percent_done == 99
    record.status = ImportRecord.Status.DONE
    assert record.percent_done == 100
    record = busy_record("running", "history", 0, 40_000)
    assert record.percent_done == 60
    assert busy_record("queued", "", 0, 0).percent_done == 0


@pytest.mark.django_db
def test_the_list_of_imports_shows_the_phase(staff_client):
    busy_record("running", "history", 30_000, 40_000)
    html = staff_client.get(reverse("admin:shdt_importrecord_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "正在写入记录的历史：30,000 / 40,000（75%）" in html
