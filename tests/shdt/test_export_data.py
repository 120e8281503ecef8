"""`export_data`: each table, in each format, read back and compared with the report itself."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from enterprises.models import Enterprise
from shdt.core.text import normalize_name
from tests.factories import make_enterprise, put_on_list
from tests.report_tables import case_studies_6_1, enterprises_3_3, policies_3_2

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "json"]


def read_table(content: bytes, fmt: str) -> tuple[list[str], list[list]]:
    """Return the headers and rows of an exported file, every cell as text ('' for empty)."""
    if fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf"), "a CSV for Excel starts with a UTF-8 BOM"
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        return rows[0], rows[1:]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        rows = [["" if v is None else _text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        return rows[0], rows[1:]
    items = json.loads(content)
    headers = list(items[0])
    return headers, [["" if item[h] is None else _text(item[h]) for h in headers] for item in items]


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return str(value)


def export(tmp_path, kind, fmt, *args) -> tuple[list[str], list[list]]:
    output = tmp_path / f"out.{fmt}"
    call_command("export_data", kind, "--format", fmt, "--output", str(output), *args)
    return read_table(output.read_bytes(), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_enterprises_of_the_2022_list_are_table_3_3(report, tmp_path, fmt):
    headers, rows = export(tmp_path, "enterprises", fmt, "--list", "2022")
    assert headers[:4] == ["序号", "企业名称", "业务类型", "所属区域"]
    assert {"英文名称", "区域代码", "业务类型代码", "永久链接"} <= set(headers)
    assert [tuple(row[:4]) for row in rows] == [(str(n), *rest) for n, *rest in enterprises_3_3()]


def test_enterprises_without_a_list_are_numbered_in_order(report, tmp_path):
    headers, rows = export(tmp_path, "enterprises", "csv")
    assert [row[0] for row in rows] == [str(n) for n in range(1, 101)]
    assert sorted(row[1] for row in rows) == sorted(row[1] for row in enterprises_3_3())


def test_permalinks_lead_to_the_profiles(report, tmp_path, settings):
    settings.SITE_URL = "https://registry.example.cn"
    headers, rows = export(tmp_path, "enterprises", "csv", "--list", "2022")
    links = [row[headers.index("永久链接")] for row in rows]
    assert links[33] == "https://registry.example.cn/enterprises/shanghaiximalayakeji/"
    assert len(set(links)) == 100


@pytest.mark.parametrize("fmt", FORMATS)
def test_case_studies_are_table_6_1_with_their_volumes(report, tmp_path, fmt):
    headers, rows = export(tmp_path, "case_studies", fmt, "--list", "2022")
    assert headers[:5] == ["序号", "企业名称", "业务类型", "所属区域", "数字贸易进出口额（万美元）"]
    assert len(rows) == 15
    for row, (serial, name, kind, region, volume) in zip(rows, case_studies_6_1()):
        assert row[0] == str(serial)
        # The registry writes the name as 表 3-3 does (full-width parentheses) and the type
        # by its one name (表 6-1's 跨境电商服务 is 跨境电商).
        assert normalize_name(row[1]) == normalize_name(name)
        assert row[2] == ("跨境电商" if kind == "跨境电商服务" else kind)
        assert row[3] == region
        assert Decimal(row[4]) == volume
    sections = headers[5:10]
    assert sections == ["企业简介", "数字贸易典型案例", "数字技术应用经验", "商业模式和应用场景创新做法", "海外市场开拓情况"]
    assert all(all(row[5:10]) for row in rows), "every case study has all its sections"


@pytest.mark.parametrize("fmt", FORMATS)
def test_policies_are_table_3_2(report, tmp_path, fmt):
    headers, rows = export(tmp_path, "policies", fmt)
    assert headers[:4] == ["序号", "发布日期", "发布单位", "文件名称"]
    assert [tuple(row[:4]) for row in rows] == [(str(n), *rest) for n, *rest in policies_3_2()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_bases_are_the_eight_of_chapter_5(report, tmp_path, fmt):
    headers, rows = export(tmp_path, "bases", fmt)
    assert headers[:6] == ["名称", "类别", "领域", "认定年份", "批次", "所属区域"]
    by_name = {row[0]: row for row in rows}
    assert len(by_name) == 8
    assert by_name["徐汇区"][1:6] == ["国家文化出口基地", "文化", "2018", "首批", "徐汇"]
    # The report gives two statements for this base; both are kept.
    assert by_name["上海中医药大学"][3:5] == ["2021；2022", "首批；第二批"]


def test_without_output_the_file_goes_to_standard_output(report, capfdbinary):
    call_command("export_data", "policies", "--format", "csv")
    headers, rows = read_table(capfdbinary.readouterr().out, "csv")
    assert len(rows) == 17


def test_an_unknown_list_year_is_refused(report):
    with pytest.raises(CommandError, match="--list"):
        call_command("export_data", "enterprises", "--list", "1999")


@pytest.mark.parametrize("fmt", FORMATS)
def test_cells_that_look_like_formulas_stay_text(tmp_path, fmt):
    enterprise = make_enterprise("上海公式测试有限公司")
    # As a database written before the name rule holds them: the export keeps them inert.
    Enterprise.objects.filter(pk=enterprise.pk).update(aliases="=HYPERLINK(\"http://x\")", name_en="@SUM(A1)")
    put_on_list(enterprise)
    output = tmp_path / f"out.{fmt}"
    call_command("export_data", "enterprises", "--format", fmt, "--output", str(output))
    content = output.read_bytes()
    headers, rows = read_table(content, fmt)
    alias = rows[0][headers.index("别名")]
    english = rows[0][headers.index("英文名称")]
    if fmt == "csv":
        assert (alias, english) == ("'=HYPERLINK(\"http://x\")", "'@SUM(A1)")
    else:
        assert (alias, english) == ("=HYPERLINK(\"http://x\")", "@SUM(A1)")
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        column = headers.index("别名") + 1
        assert sheet.cell(row=2, column=column).data_type == "s", "stored as text, not as a formula"
