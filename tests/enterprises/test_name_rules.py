"""
Names and aliases that would run as formulas in a spreadsheet or hide a control character
are refused on every path that writes an enterprise (issue 14, finding 8): the admin's
form, the API and the import, each with a message that says why, and nothing is written.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enterprises.models import Enterprise
from enterprises.validation import validate_aliases
from shdt.core.validators import validate_plain_name, validate_registered_name
from tests.api import staff_user, token_headers
from tests.sheets import csv_bytes, problems, run, xlsx_bytes

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    '=HYPERLINK("http://x","上海公式甲科技有限公司")',
    "+上海公式乙科技有限公司",
    "-上海公式丙科技有限公司",
    "@上海公式丁科技有限公司",
    " =上海公式戊科技有限公司",
]
HOSTILE_ALIASES = ["公式\x07别名", "=cmd|' /C calc'!A0", "制表\t别名"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_that_begins_as_a_formula_is_refused_with_its_reason(name, english):
    with pytest.raises(ValidationError) as excinfo:
        validate_registered_name(name)
    assert excinfo.value.code == "name_formula"
    assert "formula" in excinfo.value.messages[0]


@pytest.mark.parametrize("aliases", HOSTILE_ALIASES)
def test_an_alias_with_a_control_character_or_a_formula_is_refused(aliases):
    with pytest.raises(ValidationError) as excinfo:
        validate_aliases("正常别名\n" + aliases)
    assert excinfo.value.code in {"name_formula", "name_control_character"}


def test_the_message_shows_where_the_control_character_is(english):
    with pytest.raises(ValidationError) as excinfo:
        validate_plain_name("公式\x07别名")
    assert "公式\\x07别名" in excinfo.value.messages[0]


@pytest.mark.parametrize("name", ["上海喜马拉雅科技有限公司", "SAP（北京）软件系统有限公司", "上海A-B科技有限公司"])
def test_ordinary_names_pass(name):
    validate_registered_name(name)
    validate_aliases("INTSIG；合合；e-Commerce")


def add_form(name, aliases=""):
    from enterprises.models import BusinessType
    from shdt.reference.models import Region

    return {
        "name": name,
        "name_en": "",
        "aliases": aliases,
        "business_type": BusinessType.objects.get(code="digital-services").pk,
        "region": Region.objects.get(code="pudong").pk,
        "credit_code": "",
        "website": "",
        "source": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "case_studies-TOTAL_FORMS": "0",
        "case_studies-INITIAL_FORMS": "0",
    }


def test_the_admin_refuses_a_formula_name_and_a_control_character_alias(staff_client):
    add = reverse("admin:enterprises_enterprise_add")
    response = staff_client.post(add, add_form(HOSTILE_NAMES[0]))
    assert response.status_code == 200
    assert "电子表格会将" in " ".join(response.context["adminform"].form.errors["name"])
    response = staff_client.post(add, add_form("上海别名测试科技有限公司", aliases="好别名\n坏\x01别名"))
    assert response.status_code == 200
    assert "控制字符" in " ".join(response.context["adminform"].form.errors["aliases"])
    assert not Enterprise.objects.filter(name__contains="测试科技").exists()
    assert not Enterprise.objects.filter(name__contains="公式").exists()


def test_the_api_refuses_them_naming_the_field(client):
    editor = staff_user()
    data = {
        "name": HOSTILE_NAMES[0],
        "aliases": [],
        "region": "xuhui",
        "business_type": "digital-services",
    }
    url = reverse("api:enterprise_list")
    response = client.post(url, data, content_type="application/json", **token_headers(editor))
    assert response.status_code == 400, response.content
    assert "name" in response.json()
    data = {**data, "name": "上海别名接口科技有限公司", "aliases": ["好别名", "=1+1"]}
    response = client.post(url, data, content_type="application/json", **token_headers(editor))
    assert response.status_code == 400, response.content
    assert "aliases" in response.json()
    assert not Enterprise.objects.filter(name__contains="接口科技").exists()


def test_the_import_refuses_them_naming_row_and_column():
    headers = ["企业名称", "业务类型", "所属区域", "别名"]
    rows = [
        (HOSTILE_NAMES[0], "云服务", "浦东", ""),
        ("上海别名导入科技有限公司", "云服务", "浦东", "好别名；=1+1"),
    ]
    result = run("enterprises", csv_bytes(headers, rows))
    assert not result.written
    assert set(problems(result)) == {(2, "企业名称", "name_formula"), (3, "别名", "name_formula")}
    # A tab inside an alias (a CSV with control characters is refused as not text at all).
    rows = [("上海别名导入科技有限公司", "云服务", "浦东", "好别名；坏\t别名")]
    result = run("enterprises", xlsx_bytes(headers, rows))
    assert problems(result) == [(2, "别名", "name_control_character")]
    assert not Enterprise.objects.filter(name__contains="导入科技").exists()
