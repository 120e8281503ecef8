"""Reading spreadsheets for the import: formats, encodings, cells as Excel gives them, limits, hostile files."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from shdt.core.imports import ImportRefused, find_similar, format_problem, read_sheet, read_upload
from shdt.core.imports.matching import name_key, sound_key
from tests.sheets import csv_bytes, json_bytes, problems, run, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")

HEADERS = ["序号", "企业名称", "业务类型", "所属区域"]
ROWS = [(1, "上海英斯贝克商品检验有限公司", "数字服务", "浦东"), (2, "博彦科技（上海）有限公司", "数字服务", "浦东")]


@pytest.mark.parametrize(
    "encoding, name",
    [("utf-8-sig", "UTF-8"), ("utf-8", "UTF-8"), ("gb18030", "GB18030"), ("gbk", "GB18030"), ("utf-16", "UTF-16")],
)
def test_csv_encodings_are_detected_without_asking(encoding, name):
    sheet = read_sheet(csv_bytes(HEADERS, ROWS, encoding=encoding))
    assert (sheet.format, sheet.encoding, sheet.headers) == ("csv", name, HEADERS)
    assert sheet.rows == [(2, ["1", *ROWS[0][1:]]), (3, ["2", *ROWS[1][1:]])]


def test_xlsx_cells_come_back_as_excel_shows_them():
    content = xlsx_bytes(
        ["序号", "日期", "金额", "文字"],
        [(1.0, datetime.datetime(2016, 8, 18), 12368.8, "  留白  "), (2, datetime.date(2019, 7, 24), 0.1, "@文字")],
    )
    sheet = read_sheet(content)
    assert sheet.rows == [
        (2, [1, datetime.date(2016, 8, 18), Decimal("12368.8"), "留白"]),
        (3, [2, datetime.date(2019, 7, 24), Decimal("0.1"), "@文字"]),
    ]
    assert isinstance(sheet.rows[0][1][0], int)


def test_json_is_the_registrys_own_export_shape():
    sheet = read_sheet(json_bytes(HEADERS, ROWS))
    assert (sheet.format, sheet.headers) == ("json", HEADERS)
    assert sheet.rows[1] == (3, [2, *ROWS[1][1:]])


def test_the_csv_exports_formula_guard_is_removed():
    sheet = read_sheet(csv_bytes(["别名", "英文名称"], [("'=HYPERLINK(\"x\")", "'@SUM(A1)"), ("'plain", "it's")]))
    assert [values for _, values in sheet.rows] == [['=HYPERLINK("x")', "@SUM(A1)"], ["'plain", "it's"]]


def test_empty_rows_are_skipped_but_rows_keep_excels_numbers():
    sheet = read_sheet(xlsx_bytes(HEADERS, [ROWS[0], (None, None, None, None), ROWS[1]]))
    assert [number for number, _ in sheet.rows] == [2, 4]


@pytest.mark.django_db
def test_a_header_that_matches_no_column_is_an_error_and_export_only_columns_are_ignored():
    content = xlsx_bytes(
        ["序号", "企业名称", "业务类型", "所属区域", "区域代码", "永久链接", "联系人"],
        [(1, "上海列名科技有限公司", "云服务", "浦东", "pudong", "http://x/", "张三")],
    )
    result = run("enterprises", content, list_year=2022)
    assert problems(result) == [(1, "联系人", "unknown_column")]
    assert "企业名称" in result.problems[0].message
    assert not result.written


@pytest.mark.django_db
def test_a_value_in_a_column_without_a_header_is_an_error():
    content = csv_bytes(["企业名称", "业务类型", "所属区域"], [("上海无头科技有限公司", "云服务", "浦东", "多出来的")])
    result = run("enterprises", content)
    assert problems(result) == [(2, "", "no_header")]
    assert "D" in result.problems[0].message


def test_the_error_message_has_row_column_and_reason_apart():
    assert format_problem(7, "所属区域", "unknown region “外滩”") == "Row 7, 所属区域: unknown region “外滩”"
    assert format_problem(None, "", "The file is empty.") == "The file is empty."


# --- Limits and hostile files ----------------------------------------------------


def refusal(content, **kwargs) -> str:
    with pytest.raises(ImportRefused) as excinfo:
        read_sheet(content, **kwargs)
    return excinfo.value.code


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    content = csv_bytes(HEADERS, ROWS * 40)
    assert refusal(content) == "too_large"
    with pytest.raises(ImportRefused, match="1000 bytes"):
        read_upload(io.BytesIO(content))


def test_a_file_over_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    assert len(read_sheet(xlsx_bytes(HEADERS, ROWS)).rows) == 2
    for content in (xlsx_bytes(HEADERS, ROWS * 2), csv_bytes(HEADERS, ROWS * 2), json_bytes(HEADERS, ROWS * 2)):
        assert refusal(content) == "too_many_rows"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02",
        bytes(range(256)) * 4,
        b"",
    ],
    ids=["png", "pdf", "binary", "empty"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(content):
    assert refusal(content) in ("not_a_spreadsheet", "empty")


def test_an_old_xls_is_refused_with_what_to_do():
    with pytest.raises(ImportRefused, match=r"\.xlsx"):
        read_sheet(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_a_zip_that_is_not_a_workbook_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert refusal(output.getvalue()) == "not_a_spreadsheet"


def zip_bomb(unpacked_size: int) -> bytes:
    """A workbook whose sheet unpacks from a few kilobytes to `unpacked_size` bytes of zeros."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADERS, ROWS))) as source, zipfile.ZipFile(
        output, "w", zipfile.ZIP_DEFLATED
    ) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        with archive.open("xl/worksheets/sheet2.xml", "w") as bomb:
            block = b"0" * (1024 * 1024)
            for _ in range(unpacked_size // len(block)):
                bomb.write(block)
    return output.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    content = zip_bomb(64 * 1024 * 1024)
    assert len(content) < 200 * 1024
    assert refusal(content) == "zip_bomb"
    # The total that parts may unpack to is a limit of its own.
    settings.IMPORT_MAX_ZIP_RATIO = 10_000
    settings.IMPORT_MAX_UNZIPPED_BYTES = 32 * 1024 * 1024
    assert refusal(content) == "zip_bomb"


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def with_entities(part: str) -> bytes:
    """A workbook whose `part` declares XML entities (the “billion laughs”) and uses them."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADERS, ROWS))) as source, zipfile.ZipFile(output, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == part:
                text = data.decode()
                body = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
                data = (BILLION_LAUGHS + body.replace("上海英斯贝克商品检验有限公司", "&lol3;")).encode()
            archive.writestr(item, data)
    return output.getvalue()


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"])
def test_an_xlsx_declaring_xml_entities_is_refused(part):
    assert refusal(with_entities(part)) == "xml_entities"


def test_openpyxl_reads_uploads_through_defusedxml():
    import defusedxml.ElementTree
    from openpyxl.xml import functions

    assert functions.iterparse is defusedxml.ElementTree.iterparse


@pytest.mark.django_db
def test_a_refused_file_is_one_error_of_the_import():
    result = run("enterprises", b"\x00\x01binary")
    assert problems(result) == [(None, "", "not_a_spreadsheet")]
    assert result.summary_line() == "new=0 updated=0 unchanged=0 errors=1"


# The report's traps (issue 15): one enterprise written two ways. (id, name or alias) pairs,
# as EnterpriseIndex gives them: 上海纵游网络技术有限公司 has its 第六章 spelling as an alias.
REGISTRY = [
    (1, "上海海隆软件有限公司"),
    (2, "博彦科技（上海）有限公司"),
    (3, "上海米哈游网络科技股份有限公司"),
    (4, "上海纵游网络技术有限公司"),
    (4, "上海纵游网络科技有限公司"),
    (5, "上海联华网络科技有限公司"),
    (6, "上海明联网络科技有限公司"),
    (7, "上海联明数字科技有限公司"),
]


@pytest.mark.parametrize(
    "new, existing",
    [
        ("海隆软件股份有限公司", [1]),
        ("博彦科技有限公司", [2]),
        ("上海米哈游网络科技有限公司", [3]),
        ("上海纵游网络科技股份有限公司", [4]),
        ("中国 纵游网络科技 集团有限公司", [4]),
        ("上海海龙软件有限公司", [1]),
        ("上海海隆软件有限公", [1]),
    ],
    ids=["region and form", "region in parentheses", "股份", "an alias", "spaces and 集团", "homophone", "form cut short"],
)
def test_find_similar_flags_the_same_name_apart_from_region_form_and_sound(new, existing):
    assert find_similar({10: new}, REGISTRY) == {10: existing}


@pytest.mark.parametrize(
    "new",
    ["上海海捷软件有限公司", "上海联明网络科技有限公司", "上海联明网络技术有限公司", "博彦数据有限公司"],
    ids=["海捷 is not 海隆", "one brand character from 联华", "another trade", "another word"],
)
def test_find_similar_leaves_a_name_one_brand_character_apart_alone(new):
    # The old rule (one character apart) flagged each of these.
    assert find_similar({10: new}, REGISTRY) == {}


def test_find_similar_leaves_out_a_candidate_registered_under_another_credit_code():
    codes = {2: "91310000132200821H"}
    assert find_similar({10: "博彦科技有限公司"}, REGISTRY, new_codes={10: "91110108700000001X"}, codes=codes) == {}
    assert find_similar({10: "博彦科技有限公司"}, REGISTRY, new_codes={10: "91310000132200821H"}, codes=codes) == {10: [2]}
    # A candidate without a registered code, or a row without one, may still be the same.
    assert find_similar({10: "博彦科技有限公司"}, REGISTRY, new_codes={10: "91110108700000001X"}) == {10: [2]}


def test_name_key_sets_aside_what_does_not_tell_companies_apart():
    assert {name_key(n) for n in ["上海海隆软件有限公司", "海隆软件股份有限公司", "海隆软件（上海）有限公司", "上海市海隆软件集团有限公司"]} == {"海隆软件"}
    assert name_key("上海海捷软件有限公司") == "海捷软件"
    assert sound_key("上海海龙软件有限公司") == sound_key("海隆软件") == "hailongruanjian"
    assert sound_key("ABC科技(中国)有限公司") == "abckeji" != sound_key("XYZ科技有限公司")
    assert name_key("上海有限公司"), "a name of nothing but marks keeps something"


@pytest.mark.django_db
def test_an_importers_bulk_create_writes_the_records_and_their_history_and_moves_the_sequence_on():
    from enterprises.imports import EnterpriseImport
    from enterprises.models import AnnualList

    # Text that the database's quoting must keep: tabs, backslashes, quotes.
    lists = [AnnualList(year=2990 + i, title=f"{2990 + i}年名单 “引号” \\ 反斜杠\t制表", title_en="") for i in range(3)]
    importer = EnterpriseImport()
    importer.bulk_create(AnnualList, lists)
    # The history rows follow once the records are written, as the import's phases do.
    assert not AnnualList.history.filter(year__gte=2990).exists()
    importer.write_queued_history()
    assert all(item.pk for item in lists) and len({item.pk for item in lists}) == 3
    stored = {item.pk: item for item in AnnualList.objects.filter(year__gte=2990)}
    for item in lists:
        assert stored[item.pk].title == item.title
        assert stored[item.pk].created_at is not None
    history = AnnualList.history.filter(year__gte=2990)
    assert sorted((h.id, h.history_type, h.title) for h in history) == sorted((i.pk, "+", i.title) for i in lists)
    assert len({h.history_date for h in history}) == 1
    # The next record the ORM creates takes the next id.
    later = AnnualList.objects.create(year=2999, title="2999年名单")
    assert later.pk > max(item.pk for item in lists)


@pytest.mark.django_db
def test_an_import_runs_with_the_cycle_collector_paused_and_restores_it():
    import gc

    from enterprises.models import AnnualList, Enterprise

    AnnualList.objects.create(year=2022, title="2022年上海数字贸易创新企业")
    seen = []
    content = csv_bytes(["序号", "企业名称", "业务类型", "所属区域"], [[1, "上海回收测试科技有限公司", "云服务", "浦东"]])
    assert gc.isenabled()
    result = run("enterprises", content, list_year=2022, progress=lambda phase, done, total: seen.append(gc.isenabled()))
    assert result.written and Enterprise.objects.filter(name="上海回收测试科技有限公司").exists()
    # Through every phase, reading to refreshing the public listing, and on again after.
    assert len(seen) >= 5 and not any(seen)
    assert gc.isenabled()


def test_the_collector_stays_as_the_caller_left_it_even_when_the_import_fails():
    import gc

    from shdt.core.imports.runner import collector_paused

    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        # A caller that had paused it itself gets it back paused.
        assert not gc.isenabled()
    finally:
        gc.enable()
