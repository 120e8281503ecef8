"""The admin's import: upload → preview → confirm, likely duplicates, background progress, templates."""

import re
import io
import signal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from enterprises.models import Enterprise, ListMembership
from shdt.core.models import ImportRecord
from tests.factories import make_enterprise
from tests.report_tables import enterprises_3_3
from tests.sheets import xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ADD = reverse("admin:shdt_importrecord_add")
HEADERS = ["序号", "企业名称", "业务类型", "所属区域"]


def upload(client, content, *, kind="enterprises", name="list.xlsx", list_year="2022"):
    response = client.post(ADD, {"kind": kind, "list_year": list_year, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.context["form"].errors
    return ImportRecord.objects.get(), response["Location"]


def page(client, record):
    response = client.get(reverse("admin:shdt_importrecord_change", args=[record.pk]))
    assert response.status_code == 200
    return response


def run_worker():
    """Run the database worker until the queue is empty, as `manage.py db_worker --batch` does."""
    from unittest import mock

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    # The worker closes connections it finds inside a transaction; here that transaction is
    # the test's own (rolled back afterwards), which must stay open.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)


def registry_rows():
    return [
        (m.serial, m.enterprise.name, m.enterprise.business_type.code, m.enterprise.region.code)
        for m in ListMembership.objects.select_related("enterprise__business_type", "enterprise__region")
    ]


def test_staff_upload_preview_and_confirm(staff_client):
    existing = make_enterprise("上海喜马拉雅科技有限公司", region="minhang", business_type="digital-content")
    content = xlsx_bytes(
        HEADERS,
        [(1, "上海喜马拉雅科技有限公司", "数字内容", "徐汇"), (2, "上海预览科技有限公司", "云服务", "浦东")],
    )
    record, location = upload(staff_client, content)
    assert location == reverse("admin:shdt_importrecord_change", args=[record.pk])
    assert (record.status, record.user.username, record.file_name) == ("previewed", "staff", "list.xlsx")
    assert Enterprise.objects.count() == 1, "nothing is written before the confirmation"

    preview = page(staff_client, record)
    rows = [(row["row"], row["status"], row["label"]) for row in preview.context["rows"]]
    assert rows == [(2, "changed", "上海喜马拉雅科技有限公司"), (3, "new", "上海预览科技有限公司")]
    changes = preview.context["rows"][0]["changes"]
    assert [(c["column"], c["old"], c["new"]) for c in changes] == [("所属区域", "闵行", "徐汇"), ("序号", "", "1")]
    assert preview.context["can_confirm"]
    html = preview.content.decode()
    assert "“闵行” → “徐汇”" in html and 'name="confirm"' in html
    # A value that was not there reads as empty, not as a pair of quotes (issue 15).
    assert "序号: (empty) → “1”" in html and "“” →" not in html

    confirmed = staff_client.post(location, {"confirm": "1"})
    assert confirmed.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.new_count, record.updated_count) == ("done", 1, 1)
    existing.refresh_from_db()
    assert existing.region.code == "xuhui"
    assert registry_rows() == [(1, existing.name, "digital-content", "xuhui"), (2, "上海预览科技有限公司", "cloud", "pudong")]

    summary = page(staff_client, record).content.decode()
    changes_url = reverse("admin:shdt_importrecord_changes", args=[record.pk])
    assert changes_url in summary
    history = staff_client.get(changes_url)
    entries = {(e["record"], e["type"]) for e in history.context["entries"]}
    assert ("上海预览科技有限公司", "Created") in entries and ("上海喜马拉雅科技有限公司", "Changed") in entries
    assert {e["user"].username for e in history.context["entries"]} == {"staff"}
    record_history = staff_client.get(reverse("admin:enterprises_enterprise_history", args=[existing.pk]))
    reasons = [r.history_change_reason for r in record_history.context["page_obj"]]
    assert reasons[0] == f"Import {record.pk}: list.xlsx" and len(reasons) == 2, "the change, then the creation by hand"


def test_a_file_with_errors_shows_them_all_and_cannot_be_confirmed(staff_client):
    content = xlsx_bytes(HEADERS, [(1, "上海外滩科技有限公司", "云服务", "外滩"), (2, "", "云服务", "浦东")])
    record, location = upload(staff_client, content)
    response = page(staff_client, record)
    assert record.status == "failed"
    assert response.context["problems"] == ["Row 2, 所属区域: unknown region “外滩”", "Row 3, 企业名称: this cell must not be empty"]
    assert not response.context["can_confirm"]
    assert staff_client.post(location, {"confirm": "1"}).status_code == 403
    assert not Enterprise.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_upload(staff_client):
    response = staff_client.post(
        ADD, {"kind": "policies", "file": SimpleUploadedFile("notes.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00")}
    )
    assert response.status_code == 302
    record = ImportRecord.objects.get()
    assert record.status == "failed"
    assert [p["code"] for p in record.errors] == ["not_a_spreadsheet"]


def test_an_upload_over_the_size_limit_is_refused_in_the_form(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = staff_client.post(ADD, {"kind": "enterprises", "file": SimpleUploadedFile("big.csv", b"a" * 200)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 100 bytes; split it into smaller files."]
    assert not ImportRecord.objects.exists()


def test_likely_duplicates_are_decided_in_the_preview(staff_client):
    existing = make_enterprise("博彦科技（上海）有限公司")
    content = xlsx_bytes(HEADERS, [(1, "博彦科技有限公司", "数字服务", "浦东"), (2, "上海喜马拉雅科技有限公", "数字内容", "闵行")])
    make_enterprise("上海喜马拉雅科技有限公司", region="minhang", business_type="digital-content")
    record, location = upload(staff_client, content)
    response = page(staff_client, record)
    assert [(row["row"], [s["name"] for s in row["similar"]]) for row in response.context["similar_rows"]] == [
        (2, ["博彦科技（上海）有限公司"]),
        (3, ["上海喜马拉雅科技有限公司"]),
    ]
    assert response.context["can_confirm"]
    # Counted as what they are, not as errors with none listed (issue 15).
    html = response.content.decode()
    assert re.search(r'class="import-status-error">[^<]*: 0</span>', html)
    assert re.search(r'class="import-status-similar">[^<]*: 2</span>', html)
    # Undecided rows keep the import from starting.
    staff_client.post(location, {"confirm": "1", "decision-2": "new"})
    assert Enterprise.objects.count() == 2
    staff_client.post(location, {"confirm": "1", "decision-2": str(existing.pk), "decision-3": "new"})
    record.refresh_from_db()
    assert record.status == "done"
    existing.refresh_from_db()
    assert existing.alias_list == ["博彦科技有限公司"]
    assert Enterprise.objects.filter(name="上海喜马拉雅科技有限公").exists()
    assert Enterprise.objects.count() == 3


def hidden_decisions(response) -> dict[str, str]:
    """The decisions a decide-all page carries to the confirmation (its hidden inputs)."""
    return dict(re.findall(r'<input type="hidden" name="(decision-\d+)" value="([^"]*)">', response.content.decode()))


def test_all_likely_duplicates_become_new_enterprises_at_once_after_a_confirmation(staff_client):
    make_enterprise("博彦科技（上海）有限公司")
    make_enterprise("上海喜马拉雅科技有限公司")
    content = xlsx_bytes(
        HEADERS,
        [(1, "博彦科技有限公司", "数字服务", "浦东"), (2, "上海喜马拉雅科技股份有限公司", "数字服务", "浦东"),
         (3, "上海全新科技有限公司", "数字服务", "浦东")],
    )
    record, location = upload(staff_client, content)
    html = page(staff_client, record).content.decode()
    assert 'name="decide_all" value="new"' in html and 'name="decide_all" value="same"' in html

    # The first step only shows what each row becomes.
    shown = staff_client.post(location, {"decide_all": "new", "decision-2": ""})
    assert shown.status_code == 200 and shown.templates[0].name == "admin/shdt/importrecord/decide_all.html"
    assert [(row["row"], row["chosen"]) for row in shown.context["rows"]] == [(2, "new"), (3, "new")]
    assert hidden_decisions(shown) == {"decision-2": "new", "decision-3": "new"}
    assert 'name="confirm"' in shown.content.decode() and not shown.context["undecided"]
    record.refresh_from_db()
    assert record.status == "failed" and not record.decisions and Enterprise.objects.count() == 2

    confirmed = staff_client.post(location, {"confirm": "1", **hidden_decisions(shown)})
    assert confirmed.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.new_count) == ("done", 3)
    assert Enterprise.objects.filter(name__in=["博彦科技有限公司", "上海喜马拉雅科技股份有限公司"]).count() == 2


def test_all_likely_duplicates_become_the_enterprises_suggested_and_a_row_with_several_is_chosen(staff_client):
    boyan = make_enterprise("博彦科技（上海）有限公司")
    hailong = make_enterprise("上海海隆软件有限公司")
    make_enterprise("海隆软件（上海）有限公司")
    content = xlsx_bytes(HEADERS, [(1, "博彦科技有限公司", "数字服务", "浦东"), (2, "海隆软件股份有限公司", "数字服务", "浦东")])
    record, location = upload(staff_client, content)

    shown = staff_client.post(location, {"decide_all": "same"})
    assert [(row["row"], row["chosen"]) for row in shown.context["rows"]] == [(2, str(boyan.pk)), (3, "")]
    assert [row["row"] for row in shown.context["undecided"]] == [3]
    html = shown.content.decode()
    assert "the same as “博彦科技（上海）有限公司”" in html and '<select name="decision-3" required>' in html

    # Sent without choosing for row 3: nothing starts, and the page says which row waits.
    staff_client.post(location, {"confirm": "1", **hidden_decisions(shown)})
    record.refresh_from_db()
    assert record.status == "failed" and Enterprise.objects.count() == 3
    staff_client.post(location, {"confirm": "1", **hidden_decisions(shown), "decision-3": str(hailong.pk)})
    record.refresh_from_db()
    assert record.status == "done" and Enterprise.objects.count() == 3
    boyan.refresh_from_db()
    hailong.refresh_from_db()
    assert (boyan.name, boyan.alias_list) == ("博彦科技（上海）有限公司", ["博彦科技有限公司"])
    assert hailong.alias_list == ["海隆软件股份有限公司"]


def test_deciding_all_at_once_needs_the_right_to_confirm_and_a_known_way(staff_client):
    make_enterprise("博彦科技（上海）有限公司")
    record, location = upload(staff_client, xlsx_bytes(HEADERS, [(1, "博彦科技有限公司", "数字服务", "浦东")]))
    assert staff_client.post(location, {"decide_all": "maybe"}).status_code == 403
    ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.CANCELLED)
    assert staff_client.post(location, {"decide_all": "new"}).status_code == 403
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize("background", [False, True], ids=["foreground", "background"])
def test_a_background_import_shows_its_progress_and_ends_as_a_foreground_one(staff_client, settings, background):
    if background:
        settings.IMPORT_FOREGROUND_MAX_BYTES = 0
    content = xlsx_bytes(HEADERS, enterprises_3_3())
    record, location = upload(staff_client, content)
    if background:
        waiting = page(staff_client, record)
        assert waiting.context["record"].status == "checking"
        assert waiting.context["refresh_seconds"] == 2
        assert 'id="import-progress"' in waiting.content.decode()
        run_worker()
    record.refresh_from_db()
    assert (record.status, record.rows_total, record.new_count) == ("previewed", 100, 100)

    staff_client.post(location, {"confirm": "1"})
    if background:
        record.refresh_from_db()
        assert record.status == "queued" and record.task_id
        queued = page(staff_client, record).content.decode()
        assert "Waiting for the worker to start" in queued and 'id="import-progress"' in queued
        assert 'value="0" max="100"' in queued and "Step" not in queued
        assert not Enterprise.objects.exists()
        # The worker reports progress as it goes; a reload of the page shows where it is:
        # checking, the second of an import's five phases, 40 of its 100 rows.
        ImportRecord.objects.filter(pk=record.pk).update(status="running", phase="checking", rows_done=40, rows_total=100)
        running = page(staff_client, record).content.decode()
        assert '<progress class="import-progress" id="import-progress" value="28" max="100">' in running
        assert "Step 2 of 5:" in running and "checking the rows" in running and "40 / 100" in running
        ImportRecord.objects.filter(pk=record.pk).update(status="queued")
        run_worker()
    record.refresh_from_db()
    assert (record.status, record.new_count, record.rows_done, record.rows_total) == ("done", 100, 100, 100)
    assert registry_rows() == [
        (serial, name, Enterprise.objects.get(name=name).business_type.code, Enterprise.objects.get(name=name).region.code)
        for serial, name, *_ in enterprises_3_3()
    ]
    assert [(s, n, t, r) for s, n, t, r in registry_rows()][64] == (65, "博彦科技（上海）有限公司", "digital-services", "pudong")
    assert Enterprise.history.filter(import_record=record, history_user__username="staff").count() == 100
    done = page(staff_client, record)
    assert done.context["refresh_seconds"] is None
    assert reverse("admin:shdt_importrecord_changes", args=[record.pk]) in done.content.decode()


@pytest.mark.parametrize("kind, columns", [
    ("enterprises", ["序号", "企业名称", "业务类型", "所属区域", "英文名称", "别名", "统一社会信用代码", "网站"]),
    ("case_studies", ["序号", "企业名称", "业务类型", "所属区域", "数字贸易进出口额（万美元）"]),
    ("bases", ["名称", "类别", "领域", "认定年份", "批次", "所属区域"]),
    ("policies", ["发布日期", "发布单位", "文件名称", "英文标题", "出处", "备注"]),
])
def test_the_template_has_the_import_columns_and_drop_downs(staff_client, kind, columns):
    response = staff_client.get(reverse("admin:shdt_importrecord_template", args=[kind]))
    assert response["Content-Disposition"].endswith('-template.xlsx"')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[: len(columns)] == columns
    assert sheet.max_row == 1
    lists = workbook["lists"]
    assert lists.sheet_state == "hidden"
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    if "所属区域" in headers:
        letter = openpyxl.utils.get_column_letter(headers.index("所属区域") + 1)
        column = next(col for col in lists.iter_cols(values_only=True) if col[0] == "所属区域")
        assert list(column[1:]) == ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东", "金山", "松江", "青浦", "奉贤", "崇明", "临港"]
        assert validations[f"{letter}2"].startswith("lists!$")
    if "业务类型" in headers:
        column = next(col for col in lists.iter_cols(values_only=True) if col[0] == "业务类型")
        assert set(column[1:]) - {None} == {"云服务", "数字服务", "数字内容", "跨境电商"}


def test_an_empty_template_is_refused_only_for_having_no_rows(staff_client, tmp_path):
    from tests.sheets import problems, run

    content = staff_client.get(reverse("admin:shdt_importrecord_template", args=["enterprises"])).content
    result = run("enterprises", content, list_year=2022)
    # Its headers are the importer's own; a file of headers alone imports nothing, not an empty list.
    assert problems(result) == [(None, "", "no_rows")]
    assert not result.written


def test_each_importable_changelist_links_to_the_import_and_its_template(staff_client):
    response = staff_client.get(reverse("admin:enterprises_enterprise_changelist"))
    html = response.content.decode()
    assert f"{ADD}?kind=enterprises" in html
    assert reverse("admin:shdt_importrecord_template", args=["enterprises"]) in html
    form = staff_client.get(ADD, {"kind": "case_studies"})
    assert form.context["form"]["kind"].value() == "case_studies"


def test_an_import_that_stops_on_an_unexpected_error_is_recorded_as_failed(staff_client, monkeypatch):
    from enterprises.imports import EnterpriseImport
    from shdt.core.imports import import_record_create, import_record_run

    record = import_record_create(kind="enterprises", file_name="x.xlsx", content=xlsx_bytes(HEADERS, [(1, "上海意外科技有限公司", "云服务", "浦东")]))

    def broken_write(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(EnterpriseImport, "write", broken_write)
    with pytest.raises(RuntimeError):
        import_record_run(record, dry_run=False)
    record.refresh_from_db()
    assert (record.status, [e["code"] for e in record.errors]) == ("failed", ["stopped"])
    assert not Enterprise.objects.exists()
    assert "nothing was written" in page(staff_client, record).context["problems"][0]
