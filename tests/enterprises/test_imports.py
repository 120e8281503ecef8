"""Importing enterprises (表 3-3, onto a year's list) and case studies (表 6-1)."""

from decimal import Decimal

import pytest

from enterprises.models import AnnualList, CaseStudy, Enterprise, ListMembership
from shdt.core.imports import CHANGED, NEW, SIMILAR, UNCHANGED, Change
from tests.factories import make_enterprise, put_on_list
from tests.report_tables import case_studies_6_1, enterprises_3_3
from tests.sheets import csv_bytes, problems, run, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADERS_3_3 = ["序号", "企业名称", "业务类型", "所属区域"]
HEADERS_6_1 = ["序号", "企业名称", "业务类型", "所属区域", "数字贸易进出口额（万美元）"]
FULL_REGION_NAMES = {
    "浦东": "浦东新区",
    "临港": "临港新片区",
}


def table_3_3_xlsx() -> bytes:
    return xlsx_bytes(HEADERS_3_3, enterprises_3_3())


def list_rows(year=2022) -> list[tuple]:
    """The list as the registry holds it: (序号, 企业名称, 业务类型, 所属区域 short name)."""
    return [
        (m.serial, m.enterprise.name, m.enterprise.business_type.name, m.enterprise.region.short_name)
        for m in ListMembership.objects.filter(annual_list__year=year).select_related(
            "enterprise__business_type", "enterprise__region"
        )
    ]


def test_table_3_3_with_chinese_headers_puts_100_enterprises_on_the_list():
    result = run("enterprises", table_3_3_xlsx(), list_year=2022)
    assert result.summary_line() == "new=100 updated=0 unchanged=0 errors=0"
    assert result.written and result.format == "xlsx"
    assert list_rows() == enterprises_3_3()
    assert AnnualList.objects.get(year=2022).title == "2022年上海数字贸易创新企业"
    boyan = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    assert (boyan.slug, boyan.region.code) == ("boyankeji-shanghai", "pudong")
    assert "boyan" in boyan.search_text
    # Row numbers are Excel's: the header is row 1.
    assert [(o.row, o.status, o.label) for o in result.rows[:2]] == [
        (2, NEW, "上海英斯贝克商品检验有限公司"),
        (3, NEW, enterprises_3_3()[1][1]),
    ]


def gb18030_rows():
    """表 3-3 as Excel on Chinese Windows saves it by hand: full region names, half-width parentheses."""
    for serial, name, kind, region in enterprises_3_3():
        full = FULL_REGION_NAMES.get(region, region + "区")
        yield serial, name.replace("（", "(").replace("）", ")"), kind, full


def test_the_same_list_as_gb18030_csv_with_full_region_names_is_the_same_enterprises():
    run("enterprises", table_3_3_xlsx(), list_year=2022)
    content = csv_bytes(HEADERS_3_3, gb18030_rows(), encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    result = run("enterprises", content, list_year=2022)
    assert result.encoding == "GB18030"
    assert result.summary_line() == "new=0 updated=0 unchanged=100 errors=0"
    assert Enterprise.objects.count() == 100
    assert list_rows() == enterprises_3_3()


def test_a_gb18030_csv_into_an_empty_registry_keeps_the_files_characters():
    result = run("enterprises", csv_bytes(HEADERS_3_3, gb18030_rows(), encoding="gb18030"), list_year=2022)
    assert result.summary_line() == "new=100 updated=0 unchanged=0 errors=0"
    boyan = Enterprise.objects.get(name_normalized="博彦科技(上海)有限公司")
    assert boyan.name == "博彦科技(上海)有限公司"
    assert boyan.region.code == "pudong"
    lingang = Enterprise.objects.filter(region__code="lingang").count()
    assert lingang == sum(1 for row in enterprises_3_3() if row[3] == "临港")


def test_english_headers_and_english_or_coded_spellings():
    content = csv_bytes(
        ["No.", "Company name", "Business type", "District", "Credit code"],
        [
            ("1.0", "上海英文表头科技有限公司", "Digital services", "Pudong New Area", "91310000132200821H"),
            ("2", "上海代码表头科技有限公司", "cross-border-ecommerce", "xuhui", ""),
            ("3", "上海别名表头科技有限公司", "跨境电商服务", "Jing'an District", ""),
        ],
        encoding="utf-8",
    )
    result = run("enterprises", content, list_year=2023)
    assert problems(result) == []
    assert list_rows(2023) == [
        (1, "上海英文表头科技有限公司", "数字服务", "浦东"),
        (2, "上海代码表头科技有限公司", "跨境电商", "徐汇"),
        (3, "上海别名表头科技有限公司", "跨境电商", "静安"),
    ]
    assert Enterprise.objects.get(name="上海英文表头科技有限公司").credit_code == "91310000132200821H"


def test_a_file_with_bad_rows_reports_every_error_and_writes_nothing():
    content = xlsx_bytes(
        ["序号", "企业名称", "业务类型", "所属区域", "统一社会信用代码"],
        [
            (1, "上海好行科技有限公司", "云服务", "浦东", ""),
            (2, "上海外滩科技有限公司", "云服务", "外滩", ""),
            (3, "", "数字服务", "徐汇", ""),
            (4, "上海坏码科技有限公司", "数字内容", "长宁", "91310000132200821X"),
            (5, "上海好行科技有限公司", "云服务", "浦东", ""),
        ],
    )
    result = run("enterprises", content, list_year=2022)
    assert problems(result) == [
        (3, "所属区域", "unknown_region"),
        (4, "企业名称", "required"),
        (5, "统一社会信用代码", "credit_code_check"),
        (6, "企业名称", "duplicate_row"),
    ]
    assert str(result.problems[0]) == "Row 3, 所属区域: unknown region “外滩”"
    assert str(result.problems[3]) == "Row 6, 企业名称: the same enterprise as row 2"
    assert result.summary_line() == "new=1 updated=0 unchanged=0 errors=4"
    assert not result.written
    assert Enterprise.objects.count() == 0
    assert not AnnualList.objects.exists()
    assert Enterprise.history.count() == 0


def test_a_stray_cell_in_the_name_column_is_refused_in_the_users_language():
    from django.utils import translation

    content = csv_bytes(["企业名称", "业务类型", "所属区域"], [['=HYPERLINK("x")', "云服务", "浦东"]])
    with translation.override("zh-hans"):
        result = run("enterprises", content, list_year=2022)
        assert problems(result) == [(2, "企业名称", "name_not_chinese")]
        assert str(result.problems[0]) == '第 2 行 企业名称：企业登记名称应使用汉字；“=HYPERLINK("x")”中没有汉字。'
    assert not result.written and Enterprise.objects.count() == 0


def test_importing_the_same_file_again_changes_nothing_and_touches_no_history():
    content = table_3_3_xlsx()
    run("enterprises", content, list_year=2022)
    before = {e.pk: e.updated_at for e in Enterprise.objects.all()}
    history = (Enterprise.history.count(), ListMembership.history.count(), AnnualList.history.count())
    again = run("enterprises", content, list_year=2022)
    assert again.summary_line() == "new=0 updated=0 unchanged=100 errors=0"
    assert {o.status for o in again.rows} == {UNCHANGED}
    assert {e.pk: e.updated_at for e in Enterprise.objects.all()} == before
    assert (Enterprise.history.count(), ListMembership.history.count(), AnnualList.history.count()) == history


def test_a_changed_row_shows_its_old_and_new_values_and_is_written_with_history(django_user_model):
    run("enterprises", table_3_3_xlsx(), list_year=2022)
    user = django_user_model.objects.create_user("editor")
    rows = list(enterprises_3_3())
    rows[64] = (65, "博彦科技（上海）有限公司", "云服务", "徐汇")
    result = run("enterprises", xlsx_bytes(HEADERS_3_3, rows), list_year=2022, user=user)
    assert result.summary_line() == "new=0 updated=1 unchanged=99 errors=0"
    changed = result.rows[64]
    assert (changed.row, changed.status) == (66, CHANGED)
    assert changed.changes == [Change("业务类型", "数字服务", "云服务"), Change("所属区域", "浦东", "徐汇")]
    boyan = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    assert (boyan.business_type.code, boyan.region.code) == ("cloud", "xuhui")
    latest = boyan.history.first()
    assert (latest.history_type, latest.history_user, latest.region.code) == ("~", user, "xuhui")
    assert latest.prev_record.region.code == "pudong"


def tracked_values(history_row) -> dict:
    return {f.attname: getattr(history_row, f.attname) for f in type(history_row).tracked_fields}


def test_history_rows_hold_each_record_as_the_import_wrote_it(django_user_model):
    run("enterprises", table_3_3_xlsx(), list_year=2022)
    rows = list(enterprises_3_3())
    rows[64] = (65, "博彦科技（上海）有限公司", "云服务", "徐汇")
    rows[0], rows[1] = (rows[1][0], *rows[0][1:]), (rows[0][0], *rows[1][1:])
    user = django_user_model.objects.create_user("editor")
    run("enterprises", xlsx_bytes(HEADERS_3_3, rows), list_year=2022, user=user)
    for model in (Enterprise, ListMembership, AnnualList):
        for record in model.objects.all():
            latest = record.history.first()
            assert tracked_values(latest) == {f.attname: getattr(record, f.attname) for f in type(latest).tracked_fields}
    boyan = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    assert [(h.history_type, h.history_user) for h in boyan.history.all()] == [("~", user), ("+", None)]
    swapped = ListMembership.objects.get(serial=1).history.all()
    assert [(h.history_type, h.serial) for h in swapped] == [("~", 1), ("+", 2)]


def test_serials_can_be_swapped_and_a_serial_held_by_another_enterprise_is_refused():
    first, second, third = (make_enterprise(f"上海序号{n}科技有限公司") for n in (1, 2, 3))
    for serial, enterprise in enumerate((first, second, third), 1):
        put_on_list(enterprise, 2022, serial)
    swap = xlsx_bytes(["序号", "企业名称"], [(2, first.name), (1, second.name)])
    result = run("enterprises", swap, list_year=2022)
    assert [c for o in result.rows for c in o.changes] == [Change("序号", "1", "2"), Change("序号", "2", "1")]
    assert result.written
    assert list_rows()[:2] == [(1, second.name, "数字服务", "浦东"), (2, first.name, "数字服务", "浦东")]

    taken = xlsx_bytes(["序号", "企业名称", "业务类型", "所属区域"], [(3, "上海新来科技有限公司", "云服务", "浦东")])
    refused = run("enterprises", taken, list_year=2022)
    assert problems(refused) == [(2, "序号", "serial_taken")]
    assert "上海序号3科技有限公司" in refused.problems[0].message


def test_a_row_without_a_serial_keeps_its_place_or_goes_to_the_end():
    on_list = make_enterprise("上海已在名单科技有限公司")
    put_on_list(on_list, 2022, 7)
    content = csv_bytes(
        ["序号", "企业名称", "业务类型", "所属区域"],
        [("", on_list.name, "数字服务", "浦东"), ("", "上海新上名单科技有限公司", "云服务", "黄浦")],
    )
    result = run("enterprises", content, list_year=2022)
    assert [o.status for o in result.rows] == [UNCHANGED, NEW]
    assert [(serial, name) for serial, name, *_ in list_rows()] == [(7, on_list.name), (8, "上海新上名单科技有限公司")]


def test_a_credit_code_matches_the_enterprise_whatever_its_name():
    enterprise = make_enterprise("上海旧名科技有限公司", credit_code="91310000132200821H")
    content = xlsx_bytes(["企业名称", "统一社会信用代码"], [("上海新名科技有限公司", "91310000132200821H")])
    result = run("enterprises", content)
    assert result.rows[0].changes == [Change("企业名称", "上海旧名科技有限公司", "上海新名科技有限公司")]
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.slug) == ("上海新名科技有限公司", "shanghaijiumingkeji")
    assert Enterprise.objects.count() == 1


@pytest.mark.parametrize(
    "existing, new",
    [
        ("博彦科技（上海）有限公司", "博彦科技有限公司"),
        # 雅 and 亚 are both ya: the same name when heard (a homophone, not "one character apart").
        ("上海喜马拉雅科技有限公司", "上海喜马拉亚科技有限公司"),
        ("上海喜马拉雅科技有限公司", "上海喜马拉雅科技有限公"),
    ],
    ids=["place in parentheses", "same sound", "legal form cut short"],
)
def test_a_new_name_close_to_an_existing_one_waits_for_a_decision(existing, new):
    enterprise = make_enterprise(existing)
    content = xlsx_bytes(HEADERS_3_3, [(1, new, "数字服务", "浦东")])
    result = run("enterprises", content, list_year=2022)
    assert result.rows[0].status == SIMILAR
    assert [(s.pk, s.name) for s in result.rows[0].similar] == [(enterprise.pk, existing)]
    assert result.summary_line() == "new=0 updated=0 unchanged=0 errors=1"
    assert not result.written and Enterprise.objects.count() == 1

    as_new = run("enterprises", content, list_year=2022, decisions={"2": "new"}, dry_run=True)
    assert (as_new.rows[0].status, as_new.rows[0].decision, as_new.ok) == (NEW, "new", True)

    same = run("enterprises", content, list_year=2022, decisions={2: enterprise.pk})
    assert same.written and same.rows[0].status == CHANGED
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.alias_list) == (existing, [new])
    assert ListMembership.objects.get().enterprise == enterprise
    again = run("enterprises", content, list_year=2022)
    assert again.summary_line() == "new=0 updated=0 unchanged=1 errors=0", "the alias now matches"


def test_the_reports_traps_wait_for_a_decision_and_names_one_brand_character_apart_do_not(report):
    # Names one brand character from 上海联明网络科技有限公司: other companies.
    for name in ("上海联华网络科技有限公司", "上海联明数字科技有限公司", "上海明联网络科技有限公司"):
        make_enterprise(name)
    registered = dict(Enterprise.objects.values_list("name", "pk"))
    rows = [
        "海隆软件股份有限公司",
        "博彦科技有限公司",
        "上海米哈游网络科技有限公司",
        "上海纵游网络科技股份有限公司",
        "上海纵游网络科技有限公司",
        "上海海捷软件有限公司",
        "上海联明网络科技有限公司",
    ]
    # 纵游 as the registry has it (数字内容, 虹口), so that its row changes nothing.
    where = {"上海纵游网络科技有限公司": ("数字内容", "虹口")}
    content = xlsx_bytes(
        ["企业名称", "业务类型", "所属区域"], [(name, *where.get(name, ("数字服务", "徐汇"))) for name in rows]
    )
    result = run("enterprises", content, dry_run=True)
    outcomes = {outcome.row - 1: outcome for outcome in result.rows}
    flagged = {rows[i - 1]: [s.name for s in o.similar] for i, o in outcomes.items() if o.status == SIMILAR}
    assert flagged == {
        "海隆软件股份有限公司": ["上海海隆软件有限公司"],
        "博彦科技有限公司": ["博彦科技（上海）有限公司"],
        "上海米哈游网络科技有限公司": ["上海米哈游网络科技股份有限公司"],
        # Through its alias 上海纵游网络科技有限公司 (第六章's spelling of the name).
        "上海纵游网络科技股份有限公司": ["上海纵游网络技术有限公司"],
    }
    # The alias itself is that enterprise, as before: a match, not a likely duplicate.
    assert outcomes[5].status == UNCHANGED and outcomes[5].label == "上海纵游网络技术有限公司"
    assert [outcomes[6].status, outcomes[7].status] == [NEW, NEW]
    assert [s.pk for s in outcomes[1].similar] == [registered["上海海隆软件有限公司"]]


def test_table_6_1_attaches_15_case_studies_and_creates_no_enterprise():
    run("enterprises", xlsx_bytes(HEADERS_3_3, enterprises_3_3()), list_year=2022)
    rows = [(n, name, kind, region, float(volume)) for n, name, kind, region, volume in case_studies_6_1()]
    assert rows[9][1] == "博彦科技(上海)有限公司" and "跨境电商服务" in {row[2] for row in rows}
    result = run("case_studies", xlsx_bytes(HEADERS_6_1, rows))
    assert result.summary_line() == "new=15 updated=0 unchanged=0 errors=0"
    assert Enterprise.objects.count() == 100
    cases = list(CaseStudy.objects.select_related("enterprise").order_by("serial"))
    assert [(c.serial, c.report_year) for c in cases] == [(n, 2022) for n in range(1, 16)]
    assert cases[9].enterprise.name == "博彦科技（上海）有限公司"
    assert [c.trade_volume for c in cases] == [volume for *_, volume in case_studies_6_1()]
    assert cases[0].trade_volume == Decimal("12368.8")
    again = run("case_studies", xlsx_bytes(HEADERS_6_1, rows))
    assert again.summary_line() == "new=0 updated=0 unchanged=15 errors=0"


def test_a_case_study_of_an_enterprise_not_in_the_registry_is_an_error():
    make_enterprise("上海喜马拉雅科技有限公司", region="minhang", business_type="digital-content")
    put_on_list(Enterprise.objects.get(), 2022, 1)
    content = xlsx_bytes(
        HEADERS_6_1,
        [(1, "上海喜马拉雅科技有限公司", "数字内容", "浦东", 351.0), (2, "上海不存在科技有限公司", "云服务", "浦东", 1)],
    )
    result = run("case_studies", content)
    assert problems(result) == [(2, "所属区域", "differs_from_enterprise"), (3, "企业名称", "unknown_enterprise")]
    assert not CaseStudy.objects.exists() and Enterprise.objects.count() == 1


def test_an_import_is_in_the_history_of_each_record_it_wrote(django_user_model):
    from shdt.core.imports import import_record_create, import_record_run

    user = django_user_model.objects.create_user("editor")
    record = import_record_create(kind="enterprises", file_name="2022.xlsx", content=table_3_3_xlsx(), user=user, list_year=2022)
    result = import_record_run(record, dry_run=False)
    assert result.written
    boyan = Enterprise.objects.get(name="博彦科技（上海）有限公司")
    entry = boyan.history.get()
    assert (entry.history_type, entry.history_user, entry.import_record) == ("+", user, record)
    assert entry.history_change_reason == f"Import {record.pk}: 2022.xlsx"
    membership = ListMembership.objects.get(enterprise=boyan)
    assert (membership.history.get().serial, membership.history.get().import_record) == (65, record)
    assert AnnualList.history.get().import_record == record
    assert Enterprise.history.filter(import_record=record).count() == 100
    record.refresh_from_db()
    assert (record.status, record.new_count, record.rows_done, record.rows_total) == ("done", 100, 100, 100)
    assert record.file_content is None


def synthetic_rows(count, start=0):
    """Names far apart from each other (not likely duplicates of one another)."""
    import hashlib

    regions, kinds = ["浦东", "徐汇", "静安", "临港"], ["云服务", "数字服务", "数字内容", "跨境电商"]
    return [
        (n + 1, f"上海{hashlib.md5(str(n).encode()).hexdigest()[:10]}科技有限公司", kinds[n % 4], regions[n % 4])
        for n in range(start, start + count)
    ]


def queries_of(content, **options) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        result = run("enterprises", content, **options)
    assert result.ok
    return len(context.captured_queries)


def test_checking_a_file_makes_the_same_queries_whatever_its_length():
    make_enterprise("上海已有科技有限公司")
    small = queries_of(xlsx_bytes(HEADERS_3_3, synthetic_rows(20)), list_year=2022, dry_run=True)
    large = queries_of(xlsx_bytes(HEADERS_3_3, synthetic_rows(400)), list_year=2022, dry_run=True)
    assert small == large


def test_writing_a_file_makes_queries_per_batch_not_per_row():
    writes_20 = queries_of(xlsx_bytes(HEADERS_3_3, synthetic_rows(20)), list_year=2022)
    writes_1000 = queries_of(xlsx_bytes(HEADERS_3_3, synthetic_rows(1000, start=20)), list_year=2022)
    assert Enterprise.objects.count() == 1020
    # Enterprises, list entries and both histories go in batches. SQLite's are the
    # smallest (999 values a statement), so a batch holds a few dozen rows there.
    assert writes_1000 - writes_20 < 1000 / 10


def test_the_import_reads_aliases_and_websites_by_the_models_rules():
    headers = ["企业名称", "业务类型", "所属区域", "别名", "网站"]
    row = ("上海规则科技有限公司", "云服务", "浦东", "规则科技；RULES; 规则", "www.example.cn")
    result = run("enterprises", csv_bytes(headers, [row]))
    assert result.ok and result.written, [str(p) for p in result.problems]
    enterprise = Enterprise.objects.get(name="上海规则科技有限公司")
    assert enterprise.alias_list == ["规则科技", "RULES", "规则"]
    assert enterprise.website == "https://www.example.cn"
    # The same file again: the stored values are what the file gives, read by the same rules.
    assert run("enterprises", csv_bytes(headers, [row])).summary_line() == "new=0 updated=0 unchanged=1 errors=0"
