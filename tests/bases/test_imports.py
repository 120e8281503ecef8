"""Importing export bases: recognitions from 认定年份 / 批次 cells like “2021；2022” / “首批；第二批”."""

import pytest

from bases.models import ExportBase, Recognition
from shdt.core.imports import CHANGED, Change
from tests.factories import make_base
from tests.sheets import problems, run, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADERS = ["名称", "类别", "领域", "认定年份", "批次", "所属区域"]


def recognitions(base) -> list[tuple]:
    return [(r.year, r.batch) for r in base.recognitions.order_by("year")]


def test_a_new_base_with_two_recognitions():
    content = xlsx_bytes(
        HEADERS,
        [
            ("上海测试中医药基地", "国家中医药服务出口基地", "中医药", "2021；2022", "首批；第二批", ""),
            ("徐汇测试文化基地", "国家文化出口基地", "culture", 2018, "首批", "徐汇区"),
            ("测试特色基地", "特色服务出口基地(人力资源)", "Human resources", "2022", "", "静安"),
        ],
    )
    result = run("bases", content)
    assert problems(result) == []
    tcm = ExportBase.objects.get(name="上海测试中医药基地")
    assert (tcm.category, tcm.domain.code, tcm.region) == ("tcm", "tcm", None)
    assert recognitions(tcm) == [(2021, "first"), (2022, "second")]
    culture = ExportBase.objects.get(name="徐汇测试文化基地")
    assert (culture.region.code, recognitions(culture)) == ("xuhui", [(2018, "first")])
    special = ExportBase.objects.get(name="测试特色基地")
    assert (special.category, special.domain.code, recognitions(special)) == ("special", "human-resources", [(2022, "")])
    assert Recognition.history.filter(history_type="+").count() == 4


def test_changed_recognitions_are_shown_and_replaced():
    base = make_base("上海测试基地", years=(2020,))
    content = xlsx_bytes(HEADERS, [("上海测试基地", "国家数字服务出口基地", "数字", "2020；2022", "首批；第二批", "")])
    result = run("bases", content)
    outcome = result.rows[0]
    assert outcome.status == CHANGED
    assert outcome.changes == [Change("认定年份", "2020 首批", "2020 首批；2022 第二批")]
    assert recognitions(base) == [(2020, "first"), (2022, "second")]


def test_bad_years_batches_and_categories_are_errors():
    content = xlsx_bytes(
        HEADERS,
        [
            ("甲基地", "国家数字服务出口基地", "数字", "二〇二〇", "首批", ""),
            ("乙基地", "国家数字服务出口基地", "数字", "2020；2021", "首批", ""),
            ("丙基地", "国家某某基地", "数字", "2020", "首批", ""),
        ],
    )
    assert problems(run("bases", content)) == [
        (2, "认定年份", "invalid_year"),
        (3, "批次", "count_mismatch"),
        (4, "类别", "unknown_category"),
    ]
    assert not ExportBase.objects.exists()
