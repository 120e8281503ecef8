"""`import_data`: the lines it prints, its exit status, and the round trip of the registry's own exports."""

import pytest
from django.core.management import call_command

from bases.models import ExportBase, Recognition
from enterprises.models import CaseStudy, Enterprise, ListMembership
from policies.models import Policy
from shdt.core.models import ImportRecord
from tests.sheets import xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def import_data(capsys, *args) -> tuple[int, list[str]]:
    """Run the command; return its exit status and the lines it printed."""
    try:
        call_command("import_data", *[str(a) for a in args])
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, capsys.readouterr().out.splitlines()


def write(tmp_path, name, content) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_prints_each_row_then_the_counts_last(tmp_path, capsys):
    path = write(tmp_path, "list.xlsx", xlsx_bytes(["序号", "企业名称", "业务类型", "所属区域"], [(1, "上海命令科技有限公司", "云服务", "浦东")]))
    status, lines = import_data(capsys, "enterprises", path, "--list", 2023)
    assert (status, lines) == (0, ["Row 2: new: 上海命令科技有限公司", "new=1 updated=0 unchanged=0 errors=0"])
    record = ImportRecord.objects.get()
    assert (record.kind, record.file_name, record.status, record.new_count) == ("enterprises", path, "done", 1)
    status, lines = import_data(capsys, "enterprises", path, "--list", 2023)
    assert lines == ["Row 2: unchanged: 上海命令科技有限公司", "new=0 updated=0 unchanged=1 errors=0"]


def test_errors_are_printed_as_lines_and_the_exit_status_is_not_zero(tmp_path, capsys):
    path = write(
        tmp_path,
        "bad.xlsx",
        xlsx_bytes(["企业名称", "业务类型", "所属区域"], [("上海好科技有限公司", "云服务", "浦东")] * 5 + [("上海外滩科技有限公司", "云服务", "外滩")]),
    )
    status, lines = import_data(capsys, "enterprises", path)
    assert status == 1
    assert "Row 7, 所属区域: unknown region “外滩”" in lines
    assert lines[-1] == "new=1 updated=0 unchanged=0 errors=5"
    assert not Enterprise.objects.exists()
    assert ImportRecord.objects.get().status == "failed"


def test_a_dry_run_writes_nothing_and_records_nothing(tmp_path, capsys):
    path = write(tmp_path, "list.xlsx", xlsx_bytes(["企业名称", "业务类型", "所属区域"], [("上海试运行科技有限公司", "云服务", "浦东")]))
    status, lines = import_data(capsys, "enterprises", path, "--dry-run")
    assert (status, lines[-1]) == (0, "new=1 updated=0 unchanged=0 errors=0")
    assert not Enterprise.objects.exists() and not ImportRecord.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_one_error(tmp_path, capsys):
    path = write(tmp_path, "photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    status, lines = import_data(capsys, "policies", path)
    assert status == 1
    assert lines[-1] == "new=0 updated=0 unchanged=0 errors=1"
    assert "not a spreadsheet" in lines[0]


def test_likely_duplicates_are_decided_with_new_or_same(tmp_path, capsys):
    from tests.factories import make_enterprise

    existing = make_enterprise("博彦科技（上海）有限公司")
    path = write(tmp_path, "list.xlsx", xlsx_bytes(["企业名称", "业务类型", "所属区域"], [("博彦科技有限公司", "数字服务", "浦东")]))
    status, lines = import_data(capsys, "enterprises", path)
    assert status == 1 and "“博彦科技（上海）有限公司”" in lines[0]
    status, lines = import_data(capsys, "enterprises", path, "--same", 2)
    assert (status, lines[-1]) == (0, "new=0 updated=1 unchanged=0 errors=0")
    existing.refresh_from_db()
    assert existing.alias_list == ["博彦科技有限公司"] and Enterprise.objects.count() == 1


# --- Round trips: what the registry exports imports back unchanged -----------------

MODELS = (Enterprise, ListMembership, CaseStudy, ExportBase, Recognition, Policy)


def snapshot() -> dict:
    return {model.__name__: sorted(map(repr, model.objects.values())) for model in MODELS}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(
    "kind, args, count",
    [
        ("enterprises", ["--list", "2022"], 100),
        ("enterprises", [], 100),
        ("case_studies", [], 15),
        ("bases", [], 8),
        ("policies", [], 17),
    ],
)
def test_the_registrys_own_export_imports_back_unchanged(report, tmp_path, capsys, kind, args, count, fmt):
    path = tmp_path / f"export.{fmt}"
    call_command("export_data", kind, "--format", fmt, "--output", str(path), *args)
    before = snapshot()
    history = sum(model.history.count() for model in MODELS)
    status, lines = import_data(capsys, kind, path, *args)
    assert (status, lines[-1]) == (0, f"new=0 updated=0 unchanged={count} errors=0")
    assert snapshot() == before
    assert sum(model.history.count() for model in MODELS) == history
