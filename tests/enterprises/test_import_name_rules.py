"""
The import checks a name and its aliases by the model's own field rules, as the admin and
the API do: a rule added to either field (issue 14: no formulas, no control characters)
holds for imports without the import being changed.
"""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from enterprises.models import Enterprise
from tests.factories import make_enterprise
from tests.sheets import csv_bytes, problems, run, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADERS = ["序号", "企业名称", "业务类型", "所属区域", "别名"]


def no_formula(value):
    """A stand-in for the registry's rule: a rule the field holds, whatever it says."""
    for line in str(value).splitlines():
        if line.startswith(("=", "+", "-", "@")):
            raise ValidationError("may not begin with %(start)s", code="formula", params={"start": line[0]})


def with_rule(field_name):
    field = Enterprise._meta.get_field(field_name)
    return mock.patch.object(field, "validators", [*field.validators, no_formula])


def test_an_alias_is_checked_by_the_aliases_fields_rules():
    make_enterprise("上海既有科技有限公司")
    content = xlsx_bytes(
        HEADERS,
        [
            (1, "上海新别名科技有限公司", "云服务", "浦东", '新别名；=HYPERLINK("http://x","上海公式甲科技有限公司")'),
            (2, "上海既有科技有限公司", "数字服务", "浦东", "既有；@SUM(A1)"),
            (3, "上海干净科技有限公司", "云服务", "浦东", "干净"),
        ],
    )
    with with_rule("aliases"):
        result = run("enterprises", content, list_year=2022)
    assert problems(result) == [(2, "别名", "formula"), (3, "别名", "formula")]
    assert not result.written
    assert list(Enterprise.objects.values_list("name", "aliases")) == [("上海既有科技有限公司", "")]

    # Without the rule the same file imports: the refusal was the rule's.
    assert run("enterprises", content, list_year=2022).written


def test_a_name_is_checked_by_the_name_fields_rules():
    # In CSV (an XLSX cell beginning with “=” is a formula, which the import reads as empty).
    content = csv_bytes(HEADERS[:4], [(1, '=HYPERLINK("http://x","上海公式甲科技有限公司")', "云服务", "浦东")])
    with with_rule("name"):
        result = run("enterprises", content, list_year=2022)
    assert problems(result) == [(2, "企业名称", "formula")]
    assert not Enterprise.objects.exists()


def test_a_name_with_a_control_character_is_refused_today():
    # A tab inside the cell (a spreadsheet refuses most other control characters itself).
    content = csv_bytes(HEADERS[:4], [(1, "上海控制\t字符科技有限公司", "云服务", "浦东")])
    result = run("enterprises", content, list_year=2022)
    assert problems(result) == [(2, "企业名称", "name_control_character")]
    assert not Enterprise.objects.exists()
