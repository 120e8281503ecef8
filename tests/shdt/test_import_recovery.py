"""
An import that has nothing to import writes nothing; an import whose worker died is seen
as stopped and can be cancelled or retried from its page, and never runs twice (issue 14,
finding 8: consistency and recovery).
"""

import datetime

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enterprises.imports import EnterpriseImport
from enterprises.models import Enterprise, ListMembership
from shdt.core.imports import import_record_create, import_record_queue, import_record_run
from shdt.core.models import DataVersion, ImportRecord
from shdt.core.tasks import import_record_task
from tests.factories import make_base, make_enterprise, make_policy, put_on_list
from tests.report_tables import enterprises_3_3
from tests.sheets import csv_bytes, json_bytes, xlsx_bytes
from tests.shdt.test_import_admin import run_worker

pytestmark = pytest.mark.django_db

ADD = reverse("admin:shdt_importrecord_add")
HEADERS = ["序号", "企业名称", "业务类型", "所属区域"]

# The columns of each importable table, as a person would type them above no rows.
KIND_HEADERS = {
    "enterprises": HEADERS,
    "case_studies": ["序号", "企业名称", "数字贸易进出口额（万美元）"],
    "bases": ["名称", "类别", "领域", "认定年份", "批次", "所属区域"],
    "policies": ["发布日期", "发布单位", "文件名称"],
    "awards": ["名称", "年份"],
}
# With a list year an enterprise import puts its rows on that year's list, creating it:
# the file that has no rows must not create it either.
LIST_YEAR = {"enterprises": "2023", "case_studies": "2022"}


def registry_state() -> dict:
    """Every registry table's row count (records, their history, lists, editions, events) and the data token."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in ("enterprises", "bases", "policies", "awards", "shdt")
        for model in apps.get_app_config(app).get_models()
        if model is not ImportRecord
    }
    return {**counts, "token": list(DataVersion.objects.values_list("token", "changed_at"))}


@pytest.fixture
def registry(db):
    """Some records of each kind, so that a no-op is told from an empty database."""
    enterprise = make_enterprise("上海既有科技有限公司")
    put_on_list(enterprise, 2022, serial=1)
    make_base("既有基地")
    make_policy("既有政策")
    state = registry_state()
    assert state["enterprises.Enterprise"] and state["enterprises.HistoricalEnterprise"] and state["enterprises.AnnualList"]
    return state


def upload(client, kind, name, content, language="en"):
    return client.post(
        ADD,
        {"kind": kind, "list_year": LIST_YEAR.get(kind, ""), "file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def refused(client, response, language="en") -> tuple[str, list[str]]:
    """The record an upload made, which must have failed: its codes, and the messages its page shows."""
    assert response.status_code == 302
    record = ImportRecord.objects.get()
    assert record.status == "failed" and record.file_content is None
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language)
    assert "Confirm" not in page.content.decode() and not page.context["can_confirm"]
    return [problem["code"] for problem in record.errors], page.context["problems"]


# --- Nothing to import ------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KIND_HEADERS))
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "template"])
def test_a_file_with_only_its_header_row_writes_nothing(staff_client, registry, kind, fmt):
    if fmt == "template":
        # The empty template, downloaded and uploaded as it is.
        content = staff_client.get(reverse("admin:shdt_importrecord_template", args=[kind])).content
    else:
        content = {"xlsx": xlsx_bytes, "csv": csv_bytes}[fmt](KIND_HEADERS[kind], [])
    codes, messages = refused(staff_client, upload(staff_client, kind, f"header-only.{fmt}", content))
    assert codes == ["no_rows"]
    assert messages == ["The file has a header row but no data rows; nothing was imported."]
    assert registry_state() == registry


def test_a_header_only_enterprise_file_creates_no_list_even_when_confirmed_by_the_worker(staff_client, registry, settings):
    """The path that created the annual list: a list year the registry has not got, through the worker."""
    settings.IMPORT_FOREGROUND_MAX_BYTES = 0
    response = upload(staff_client, "enterprises", "header-only.xlsx", xlsx_bytes(HEADERS, []))
    run_worker()
    codes, _messages = refused(staff_client, response)
    assert codes == ["no_rows"]
    assert staff_client.post(response["Location"], {"confirm": "1"}).status_code == 403
    run_worker()
    assert registry_state() == registry
    assert not ListMembership.objects.filter(annual_list__year=2023).exists()


def test_the_refusal_is_in_the_uploaders_language(staff_client, registry):
    response = upload(staff_client, "enterprises", "只有表头.csv", csv_bytes(HEADERS, [], encoding="gb18030"), language="zh-hans")
    _codes, messages = refused(staff_client, response, language="zh-hans")
    assert messages == ["文件只有表头，没有数据行；未导入任何内容。"]
    assert registry_state() == registry


@pytest.mark.parametrize("kind", list(KIND_HEADERS))
@pytest.mark.parametrize(
    "name, content",
    [
        ("empty-sheet.xlsx", xlsx_bytes([], [])),
        ("blank-rows.xlsx", xlsx_bytes([None, None], [(None, ""), ("", None)])),
        ("blank-lines.csv", "\ufeff\r\n,,\r\n\r\n".encode()),
        ("empty.json", json_bytes([], [])),
    ],
    ids=["xlsx-empty-sheet", "xlsx-blank-rows", "csv-blank-lines", "json-empty-list"],
)
def test_an_empty_file_writes_nothing(staff_client, registry, kind, name, content):
    codes, messages = refused(staff_client, upload(staff_client, kind, name, content))
    assert (codes, messages) == (["empty"], ["The file is empty."])
    assert registry_state() == registry


@pytest.mark.parametrize("kind", list(KIND_HEADERS))
def test_a_file_of_no_bytes_is_refused_at_upload(staff_client, registry, kind):
    response = upload(staff_client, kind, "nothing.xlsx", b"")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The submitted file is empty."]
    assert not ImportRecord.objects.exists()
    assert registry_state() == registry


# --- A worker that died -------------------------------------------------------------


class Killed(BaseException):
    """The process ending where it stands (SIGKILL, the OOM killer): no except clause runs."""


def confirmed_on_the_worker(client, settings):
    """A file of 100 enterprises, checked and confirmed, waiting in the worker's queue."""
    settings.IMPORT_FOREGROUND_MAX_BYTES = 0
    response = client.post(
        ADD, {"kind": "enterprises", "list_year": "2022", "file": SimpleUploadedFile("list.xlsx", xlsx_bytes(HEADERS, enterprises_3_3()))}
    )
    run_worker()
    record = ImportRecord.objects.get()
    assert record.status == "previewed"
    client.post(response["Location"], {"confirm": "1"})
    record.refresh_from_db()
    assert record.status == "queued" and record.started_at is None
    return record, response["Location"]


def worker_dies(record, monkeypatch, at_row=50):
    """A worker takes the queued record, works up to `at_row`, and is killed there."""
    check_row = EnterpriseImport.check_row

    def check_row_until_killed(self, row):
        if row.number == at_row:
            raise Killed
        return check_row(self, row)

    # A progress write every 10 rows, as a slow machine writes one every few seconds.
    monkeypatch.setattr("shdt.core.imports.progress.PROGRESS_EVERY", 10)
    with monkeypatch.context() as patch:
        patch.setattr(EnterpriseImport, "check_row", check_row_until_killed)
        with pytest.raises(Killed):
            import_record_run(ImportRecord.objects.get(pk=record.pk), dry_run=False, ticket=record.heartbeat_at)
    record.refresh_from_db()
    assert (record.status, record.rows_done, record.rows_total) == ("running", 40, 100)


def time_passes(record, seconds):
    """Move the record's times back, as if `seconds` had passed since the worker's last sign of life."""
    delta = datetime.timedelta(seconds=seconds)
    record.refresh_from_db()
    ImportRecord.objects.filter(pk=record.pk).update(
        heartbeat_at=record.heartbeat_at - delta, started_at=record.started_at and record.started_at - delta
    )
    record.refresh_from_db()


def stalled_page(client, url):
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    return page, html


def test_a_dead_workers_import_is_shown_stopped_and_can_be_cancelled(staff_client, settings, monkeypatch):
    settings.IMPORT_LEASE_SECONDS = 120
    record, url = confirmed_on_the_worker(staff_client, settings)
    worker_dies(record, monkeypatch)

    # Within the lease it is running as far as anyone can tell: the page follows it.
    page, html = stalled_page(staff_client, url)
    assert not page.context["stalled"] and page.context["refresh_seconds"] == 2
    assert 'name="retry"' not in html and "The worker stopped" not in html
    assert staff_client.post(url, {"cancel": "1"}).status_code == 403, "a live import is not cancelled"

    time_passes(record, 121)
    page, html = stalled_page(staff_client, url)
    assert page.context["stalled"] and page.context["refresh_seconds"] is None
    assert "The worker stopped" in html and "has given no sign of life since" in html
    assert "Nothing of this file was written" in html
    assert 'name="retry"' in html and 'name="cancel"' in html
    chinese = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "后台进程已停止" in chinese and "处理该导入的后台进程自" in chinese and 'value="重试"' in chinese
    listing = staff_client.get(reverse("admin:shdt_importrecord_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert "worker stopped" in listing.content.decode()

    staff_client.post(url, {"cancel": "1"})
    record.refresh_from_db()
    assert (record.status, record.file_content) == ("cancelled", None)
    assert not Enterprise.objects.exists() and not ListMembership.objects.exists()
    assert not Enterprise.history.exists()
    page, html = stalled_page(staff_client, url)
    assert not page.context["stalled"] and 'name="retry"' not in html

    # The task the confirmation queued, if a worker ever takes it, finds its ticket gone.
    run_worker()
    record.refresh_from_db()
    assert record.status == "cancelled"
    assert not Enterprise.objects.exists()


def test_a_dead_workers_import_can_be_retried_and_is_imported_once(staff_client, settings, monkeypatch):
    record, url = confirmed_on_the_worker(staff_client, settings)
    worker_dies(record, monkeypatch)
    time_passes(record, settings.IMPORT_LEASE_SECONDS + 1)

    staff_client.post(url, {"retry": "1"})
    record.refresh_from_db()
    assert (record.status, record.started_at, record.rows_done) == ("queued", None, 0)
    assert not stalled_page(staff_client, url)[0].context["stalled"]

    # Two tasks wait now: the confirmation's (its ticket stale) and the retry's. One runs the import.
    run_worker()
    record.refresh_from_db()
    assert (record.status, record.new_count, record.rows_done) == ("done", 100, 100)
    assert Enterprise.objects.count() == 100 and ListMembership.objects.count() == 100
    assert Enterprise.history.filter(import_record=record).count() == 100, "imported once, not twice"


def test_a_retried_check_is_checked_again(staff_client, settings):
    """A check (dry run) whose worker died: retried, it is checked, not imported."""
    settings.IMPORT_FOREGROUND_MAX_BYTES = 0
    response = staff_client.post(
        ADD, {"kind": "enterprises", "list_year": "2022", "file": SimpleUploadedFile("list.xlsx", xlsx_bytes(HEADERS, enterprises_3_3()))}
    )
    record = ImportRecord.objects.get()
    # The worker took the check (the claim) and was killed before its first sign of life.
    ImportRecord.objects.filter(pk=record.pk).update(started_at=record.heartbeat_at)
    time_passes(record, settings.IMPORT_LEASE_SECONDS + 1)
    assert record.is_stalled and record.status == "checking"
    staff_client.post(response["Location"], {"retry": "1"})
    run_worker()
    record.refresh_from_db()
    assert (record.status, record.new_count) == ("previewed", 100)
    assert not Enterprise.objects.exists()


def test_a_file_no_worker_takes_is_shown_stopped_after_the_queue_lease(staff_client, settings):
    settings.IMPORT_QUEUE_LEASE_SECONDS = 600
    record, url = confirmed_on_the_worker(staff_client, settings)
    time_passes(record, 300)
    assert not stalled_page(staff_client, url)[0].context["stalled"], "waiting behind another import is not stopping"
    time_passes(record, 301)
    page, html = stalled_page(staff_client, url)
    assert page.context["stalled"] and "No worker has taken this file since" in html and "db_worker" in html
    staff_client.post(url, {"retry": "1"})
    run_worker()
    record.refresh_from_db()
    assert record.status == "done" and Enterprise.history.filter(import_record=record).count() == 100


def test_only_those_who_may_import_the_table_cancel_or_retry(client, django_user_model, settings, monkeypatch):
    from django.contrib.auth.models import Permission

    owner = django_user_model.objects.create_superuser("owner", "o@example.com", "pw-for-tests-only")
    client.force_login(owner)
    record, url = confirmed_on_the_worker(client, settings)
    worker_dies(record, monkeypatch)
    time_passes(record, settings.IMPORT_LEASE_SECONDS + 1)

    viewer = django_user_model.objects.create_user("viewer", password="pw-for-tests-only", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_importrecord"))
    client.force_login(viewer)
    page, html = stalled_page(client, url)
    assert page.context["stalled"] and not page.context["can_recover"] and 'name="retry"' not in html
    assert client.post(url, {"retry": "1"}).status_code == 403
    assert client.post(url, {"cancel": "1"}).status_code == 403
    record.refresh_from_db()
    assert record.status == "running"


def test_a_record_is_run_by_one_task_however_often_it_is_queued():
    record = import_record_create(kind="enterprises", file_name="x.xlsx", content=xlsx_bytes(HEADERS, enterprises_3_3()[:5]), list_year=2022)
    ticket = import_record_queue(record, dry_run=False)
    assert import_record_queue(ImportRecord.objects.get(pk=record.pk), dry_run=False) is not None
    stale = ticket.isoformat()
    record.refresh_from_db()
    fresh = record.heartbeat_at.isoformat()
    # The first ticket was replaced by the second queueing: its task does nothing.
    assert import_record_task.call(record.pk, False, stale) == {}
    assert import_record_task.call(record.pk, False, fresh)["new"] == 5
    # The same task delivered twice (a worker's retry) finds the record taken, then done.
    assert import_record_task.call(record.pk, False, fresh) == {}
    assert Enterprise.history.filter(import_record=record).count() == 5


def test_a_worker_that_comes_back_after_a_cancel_stops_and_writes_nothing(monkeypatch):
    """A worker thought dead (paused, cut off) that resumes after someone cancelled its record."""
    record = import_record_create(kind="enterprises", file_name="x.xlsx", content=xlsx_bytes(HEADERS, enterprises_3_3()), list_year=2022)
    ticket = import_record_queue(record, dry_run=False)
    check_row = EnterpriseImport.check_row

    def cancelled_meanwhile(self, row):
        if row.number == 30:
            seen = ImportRecord.objects.get(pk=record.pk)
            ImportRecord.objects.filter(pk=record.pk, heartbeat_at=seen.heartbeat_at).update(status="cancelled")
        return check_row(self, row)

    monkeypatch.setattr("shdt.core.imports.progress.PROGRESS_EVERY", 10)
    monkeypatch.setattr(EnterpriseImport, "check_row", cancelled_meanwhile)
    assert import_record_run(ImportRecord.objects.get(pk=record.pk), dry_run=False, ticket=ticket) is None
    record.refresh_from_db()
    assert (record.status, record.rows_done) == ("cancelled", 20)
    assert not Enterprise.objects.exists()


def test_a_run_that_loses_its_record_while_writing_rolls_back(monkeypatch):
    """
    The lease is checked once more in the write's transaction: a run whose record was
    taken over while it wrote (here the heartbeat moves under it) commits nothing.
    """
    record = import_record_create(kind="enterprises", file_name="x.xlsx", content=xlsx_bytes(HEADERS, enterprises_3_3()), list_year=2022)
    ticket = import_record_queue(record, dry_run=False)
    write = EnterpriseImport.write

    def write_then_lose_the_record(self):
        write(self)
        assert Enterprise.objects.count() == 100
        ImportRecord.objects.filter(pk=record.pk).update(heartbeat_at=timezone.now() + datetime.timedelta(seconds=1))

    monkeypatch.setattr(EnterpriseImport, "write", write_then_lose_the_record)
    assert import_record_run(ImportRecord.objects.get(pk=record.pk), dry_run=False, ticket=ticket) is None
    assert not Enterprise.objects.exists() and not Enterprise.history.exists()


def test_a_long_check_writes_a_sign_of_life_by_time_not_only_by_rows(monkeypatch, settings):
    """However slow the rows, the heartbeat is written at least every sixth of the lease, with the progress."""
    from django.db.models import QuerySet

    settings.IMPORT_LEASE_SECONDS = 6
    record = import_record_create(kind="enterprises", file_name="x.xlsx", content=xlsx_bytes(HEADERS, enterprises_3_3()[:10]), list_year=2022)
    seconds = iter(range(0, 10_000, 2))  # two seconds between looks at the clock: very slow rows
    monkeypatch.setattr("shdt.core.imports.progress.clock", lambda: next(seconds))
    beats = []
    update = QuerySet.update

    def recorded_update(self, **fields):
        if self.model is ImportRecord and "rows_done" in fields and "status" not in fields:
            beats.append((fields["phase"], fields["rows_done"], "heartbeat_at" in fields))
        return update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", recorded_update)
    result = import_record_run(record, dry_run=True)
    assert result is not None and result.rows_total == 10
    # Far fewer rows than PROGRESS_EVERY, yet a sign of life as the file is read, before the first row
    # and after each slow one, each the progress write itself.
    assert beats == [("reading", 0, True), *[("checking", n, True) for n in [0, *range(1, 11), 10]]]


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_one_record_at_the_same_moment_run_it_once(committed_db):
    """Two tasks for one record (a retry of a run that was only slow), started together by two workers."""
    import threading

    from django.db import connection

    record = import_record_create(kind="enterprises", file_name="x.xlsx", content=xlsx_bytes(HEADERS, enterprises_3_3()[:20]), list_year=2022)
    ticket = import_record_queue(record, dry_run=False).isoformat()
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait()
            results.append(import_record_task.call(record.pk, False, ticket))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if connection.vendor == "sqlite":
        # SQLite's in-memory test database refuses a second writer at once ("table is
        # locked") rather than making it wait: the refused worker takes nothing, as the one
        # that loses the claim does on PostgreSQL.
        assert all("locked" in str(error) for error in errors), errors
        assert sorted(result.get("new", 0) for result in results) in ([0, 20], [20])
    else:
        assert errors == []
        assert sorted(result.get("new", 0) for result in results) == [0, 20]
    assert Enterprise.history.filter(import_record=record).count() == 20
    assert ImportRecord.objects.get(pk=record.pk).status == "done"
