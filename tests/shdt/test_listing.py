"""
The contract of every public list: each download holds exactly the rows the page
shows for the same query (all pages of them), in each format, with the formula guard.
"""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from tests.factories import make_enterprise, put_on_list
from tests.shdt.test_export_data import read_table

pytestmark = pytest.mark.django_db

# (list URL name, download URL name, query, the column that names a row, how a page row names itself)
CASES = [
    ("enterprise_list", "enterprise_download", "", "企业名称", "name"),
    ("enterprise_list", "enterprise_download", "district=pudong&business_type=digital-services", "企业名称", "name"),
    ("enterprise_list", "enterprise_download", "district=pudong&district=xuhui&sort=name", "企业名称", "name"),
    ("enterprise_list", "enterprise_download", "list=2022&case_study=1", "企业名称", "name"),
    ("enterprise_list", "enterprise_download", "q=shanghai&sort=region", "企业名称", "name"),
    ("exportbase_list", "exportbase_download", "", "名称", "name"),
    ("exportbase_list", "exportbase_download", "domain=culture", "名称", "name"),
    ("policy_list", "policy_download", "", "文件名称", "title"),
    ("policy_list", "policy_download", "period=14th&issuer=上海市人民政府", "文件名称", "title"),
]


def page_rows(client, url_name, query, attribute) -> list[str]:
    """Every row the list shows for the query, following the pager to the last page."""
    rows, page = [], 1
    while True:
        response = client.get(f"{reverse(url_name)}?{query}&page={page}")
        rows += [getattr(obj, attribute) for obj in response.context["rows"]]
        if not response.context["page_obj"].has_next():
            return rows
        page += 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(("list_name", "download_name", "query", "column", "attribute"), CASES)
def test_download_holds_exactly_the_rows_of_the_page(client, report, fmt, list_name, download_name, query, column, attribute):
    shown = page_rows(client, list_name, query, attribute)
    response = client.get(f"{reverse(download_name, kwargs={'fmt': fmt})}?{query}")
    assert response.status_code == 200
    headers, rows = read_table(b"".join(response.streaming_content), fmt)
    assert [row[headers.index(column)] for row in rows] == shown
    assert shown, "the case should show some rows"


def test_a_download_of_many_pages_holds_all_of_them(client, report):
    response = client.get(reverse("enterprise_download", kwargs={"fmt": "csv"}))
    headers, rows = read_table(b"".join(response.streaming_content), "csv")
    assert len(rows) == 100  # two pages of 50 on the site


def test_download_file_names_say_what_they_hold(client, report):
    response = client.get(reverse("enterprise_download", kwargs={"fmt": "xlsx"}), {"list": 2022, "district": "pudong"})
    assert response["Content-Disposition"] == 'attachment; filename="shdt-enterprises-2022-pudong.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get(reverse("policy_download", kwargs={"fmt": "csv"}), {"period": "13th"})
    assert response["Content-Disposition"] == 'attachment; filename="shdt-policies-13th.csv"'


def test_csv_download_has_a_bom_for_excel(client, report):
    response = client.get(reverse("enterprise_download", kwargs={"fmt": "csv"}))
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_download_keeps_formula_like_text_inert(client, db, fmt):
    enterprise = make_enterprise("上海公式测试有限公司")
    # Names the forms now refuse (shdt.core.validators.validate_plain_name), as a database
    # written before the rule holds them: the downloads must keep them inert all the same.
    Enterprise.objects.filter(pk=enterprise.pk).update(name_en="=1+2", aliases="-3+4\n@A1")
    put_on_list(enterprise, 2022)
    response = client.get(reverse("enterprise_download", kwargs={"fmt": fmt}), {"list": 2022})
    content = b"".join(response.streaming_content)
    headers, rows = read_table(content, fmt)
    english, aliases = rows[0][headers.index("英文名称")], rows[0][headers.index("别名")]
    if fmt == "csv":
        assert (english, aliases) == ("'=1+2", "'-3+4；@A1")
    elif fmt == "xlsx":
        cell = openpyxl.load_workbook(io.BytesIO(content)).active.cell(row=2, column=headers.index("英文名称") + 1)
        assert (cell.value, cell.data_type) == ("=1+2", "s")
    else:
        assert json.loads(content)[0]["英文名称"] == "=1+2"


def test_an_unknown_format_is_not_found(client, report):
    response = client.get("/enterprises/download.exe")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "download_name, params, said",
    [
        ("enterprise_download", {"district": "bogus"}, "未知的所属区域：bogus\n"),
        ("exportbase_download", {"year": "20x1"}, "：输入整数。\n"),
        ("policy_download", {"period": "99th"}, "：99th\n"),
    ],
)
def test_a_download_with_a_refused_filter_answers_400_naming_it(client, report, download_name, params, said):
    url = reverse(download_name, kwargs={"fmt": "csv"})
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # Not every row, as if the filter had been applied: the visitor is told what was wrong.
    assert response.status_code == 400
    assert said in response.content.decode()
    assert client.get(url).status_code == 200


def test_a_refused_download_speaks_the_visitors_language(client, report):
    response = client.get(reverse("enterprise_download", kwargs={"fmt": "csv"}), {"district": "bogus"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.content.decode() == "Unknown region: bogus\n"
