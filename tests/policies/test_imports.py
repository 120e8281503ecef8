"""Importing policy documents (表 3-2): dates as staff write them."""

import datetime

import pytest

from policies.models import Policy
from tests.report_tables import policies_3_2
from tests.sheets import csv_bytes, problems, run, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADERS = ["序号", "发布日期", "发布单位", "文件名称"]


def table_3_2_as_written():
    """表 3-2 with its dates as the report writes them: 2019/7/24."""
    for serial, date, issuer, title in policies_3_2():
        year, month, day = (int(part) for part in date.split("-"))
        yield serial, f"{year}/{month}/{day}", issuer, title


def test_table_3_2_imports_17_documents_with_their_dates():
    result = run("policies", csv_bytes(HEADERS, table_3_2_as_written(), encoding="gb18030"))
    assert result.summary_line() == "new=17 updated=0 unchanged=0 errors=0"
    assert [
        (p.published_on.isoformat(), p.issuer, p.title) for p in Policy.objects.order_by("published_on", "title")
    ] == [tuple(row[1:]) for row in policies_3_2()]


@pytest.mark.parametrize(
    "cell",
    ["2016/8/18", "2016-08-18", "2016年8月18日", datetime.datetime(2016, 8, 18), "2016.8.18"],
    ids=["slashes", "iso", "chinese", "date cell", "dots"],
)
def test_a_date_in_any_form_staff_write_it(cell):
    run("policies", xlsx_bytes(HEADERS, [(1, cell, "商务部", "《测试政策》")]))
    assert Policy.objects.get().published_on == datetime.date(2016, 8, 18)


def test_a_corrected_date_changes_the_document_rather_than_copying_it():
    run("policies", xlsx_bytes(HEADERS, [(1, "2019/7/24", "上海市人民政府", "《行动方案》")]))
    result = run("policies", xlsx_bytes(HEADERS, [(1, "2019/7/23", "上海市人民政府", "《行动方案》")]))
    assert result.summary_line() == "new=0 updated=1 unchanged=0 errors=0"
    assert Policy.objects.get().published_on == datetime.date(2019, 7, 23)


def test_a_date_that_is_not_one_is_an_error():
    result = run("policies", xlsx_bytes(HEADERS, [(1, "去年", "商务部", "《测试政策》"), (2, "2021/2/30", "商务部", "《另一政策》")]))
    assert problems(result) == [(2, "发布日期", "invalid_date"), (3, "发布日期", "invalid_date")]
