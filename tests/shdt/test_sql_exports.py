"""
The downloads PostgreSQL writes (shdt.core.sql_exports) are byte for byte those of the
resource path in Python (shdt.core.exports), for text that tests every rule: formula
triggers, quotes, commas, line breaks, empty and missing values, XML's special and
forbidden characters, Chinese. The comparison needs PostgreSQL; the read-back tests run
on both databases.
"""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from enterprises.models import Enterprise
from shdt.core import exports
from shdt.core.models import Status
from shdt.core.tables import get_table
from tests.factories import make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and the SQL cells are PostgreSQL's")

# English names that a spreadsheet, a CSV reader or an XML parser could take for something else.
TRICKY_TEXT = [
    "=1+2",
    "+86 21 1234",
    "-minus",
    "@SUM(A1)",
    "\tleading tab",
    "\rleading return",
    'say "hello", world',
    "two\nlines",
    "carriage\rreturn inside",
    "  spaced out  ",
    "　全角空格",
    "<b>Tom & Jerry</b>",
    "_x0041_ looks escaped",
    "bell\x07 and unit\x1f separators",
    "逗号，中文；标点",
    "'already quoted",
    "\\.",
    "",
]


@pytest.fixture
def tricky(db):
    """Enterprises on two lists, in both public states, one on none, with tricky text in every column we can."""
    enterprises = []
    for index, english in enumerate(TRICKY_TEXT):
        enterprise = make_enterprise(
            f"上海刁钻数据{index:02d}有限公司",
            region=("pudong", "xuhui")[index % 2],
            business_type=("digital-services", "digital-content")[index % 2],
        )
        enterprises.append(enterprise)
    for index, enterprise in enumerate(enterprises[:-2]):
        status = Status.NOTICE if index % 4 == 0 else Status.PUBLISHED
        put_on_list(enterprise, 2021 if index % 2 else 2022, status=status)
    # Text the forms would refuse, written as a bulk import or the database could hold it.
    for enterprise, english in zip(enterprises, TRICKY_TEXT):
        Enterprise.objects.filter(pk=enterprise.pk).update(
            name_en=english,
            website="" if len(english) % 2 else "=HYPERLINK(\"http://x\")",
            # Aliases that the name rule now refuses, as a database written before it holds them.
            aliases="-3+4\n@A1\n别名, \"带引号\"" if enterprises.index(enterprise) % 3 == 0 else "",
        )
    return enterprises


def python_file(params: str, fmt: str, public: bool = True) -> bytes:
    table = get_table("enterprises")
    queryset = table.filter(QueryDict(params), public=public).qs
    return b"".join(exports.table_chunks(fmt, table.headers(), table.rows(queryset), sheet_name=table.name))


def postgresql_file(params: str, fmt: str, public: bool = True) -> bytes:
    table = get_table("enterprises")
    return b"".join(table.sql_chunks(table.filter(QueryDict(params), public=public).qs, fmt))


def parts(content: bytes) -> dict[str, bytes]:
    """An XLSX's parts by name (the archive itself differs in its timestamps)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


QUERIES = ["", "list=2022", "list=2021&sort=name", "district=xuhui&sort=region", "q=shanghai"]


@on_postgresql
@pytest.mark.parametrize("params", QUERIES)
def test_postgresql_csv_is_the_python_csv_byte_for_byte(tricky, params):
    python = python_file(params, "csv")
    assert python.count(b"\n") > 2 or params == "q=shanghai"
    assert postgresql_file(params, "csv") == python


@on_postgresql
@pytest.mark.parametrize("params", QUERIES)
def test_postgresql_xlsx_is_the_python_xlsx_part_for_part(tricky, params):
    assert parts(postgresql_file(params, "xlsx")) == parts(python_file(params, "xlsx"))


@on_postgresql
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_record_numbers_the_rows_without_a_serial_as_python_does(tricky, fmt):
    # export_data --all: drafts and enterprises on no list have no serial, so 序号 is the running number.
    make_enterprise("上海从未上榜有限公司")
    python, postgresql = python_file("", fmt, public=False), postgresql_file("", fmt, public=False)
    if fmt == "xlsx":
        python, postgresql = parts(python), parts(postgresql)
    assert postgresql == python


def test_csv_download_reads_back_as_stored_with_the_formula_guard(client, tricky):
    response = client.get(reverse("enterprise_download", kwargs={"fmt": "csv"}), {"list": 2022})
    content = b"".join(response.streaming_content)
    # Rows end in LF, as COPY ends them (no cell here holds CR LF).
    assert content.startswith(exports.UTF8_BOM) and b"\r\n" not in content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    headers, rows = rows[0], rows[1:]
    english = {row[headers.index("企业名称")]: row[headers.index("英文名称")] for row in rows}
    expected = {e.name: exports.guard_formula(text) for e, text in zip(tricky, TRICKY_TEXT)}
    assert english == {name: expected[name] for name in english}
    assert len(english) == 8


def test_xlsx_download_reads_back_as_stored_in_typed_text_cells(client, tricky):
    response = client.get(reverse("enterprise_download", kwargs={"fmt": "xlsx"}), {"list": 2022})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    headers, rows = list(rows[0]), rows[1:]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert all(isinstance(row[headers.index("序号")], int) for row in rows)
    english = {row[headers.index("企业名称")]: row[headers.index("英文名称")] for row in rows}
    # As Excel keeps them: a control character as _xHHHH_, a literal _xHHHH_ with its underscore escaped.
    def as_excel_keeps(text):
        text = text.replace("_x0041_", "_x005F_x0041_")
        return exports.XLSX_CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text) or None

    stored = {e.name: as_excel_keeps(text) for e, text in zip(tricky, TRICKY_TEXT)}
    assert english == {name: stored[name] for name in english}
    assert len(english) == 8
