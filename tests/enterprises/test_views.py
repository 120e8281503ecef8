"""The enterprise list and profile as the public uses them, checked against the report's 表 3-3."""

from collections import Counter

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shdt.core.text import normalize_name
from shdt.core.models import Status
from tests.factories import make_case_study, make_enterprise, put_on_list
from tests.report_tables import case_studies_6_1, enterprises_3_3

pytestmark = pytest.mark.django_db

LIST_URL = reverse("enterprise_list")
REGION_CODES = {"浦东": "pudong", "徐汇": "xuhui", "闵行": "minhang", "临港": "lingang", "嘉定": "jiading"}
TYPE_CODES = {"云服务": "cloud", "数字服务": "digital-services", "数字内容": "digital-content", "跨境电商": "cross-border-ecommerce"}


def names_on_page(response) -> list[str]:
    return [enterprise.name for enterprise in response.context["rows"]]


def report_names(region=None, kind=None) -> list[str]:
    regions = {region} if isinstance(region, str) else region
    return [
        name
        for _, name, row_kind, row_region in enterprises_3_3()
        if (regions is None or row_region in regions) and (kind is None or row_kind == kind)
    ]


def facet_counts(response, param) -> dict[str, int]:
    for facet, options in response.context["facets"]:
        if facet.param == param:
            return {option.value: option.count for option in options}
    raise AssertionError(f"no facet {param}")


def test_unfiltered_list_shows_the_first_50_in_report_order(client, report):
    response = client.get(LIST_URL)
    assert response.context["total"] == 100
    assert names_on_page(response) == report_names()[:50]


def test_second_page_shows_the_rest(client, report):
    response = client.get(LIST_URL, {"page": 2})
    assert names_on_page(response) == report_names()[50:]
    assert response.context["page_obj"].number == 2


def test_filter_by_district(client, report):
    response = client.get(LIST_URL, {"district": "pudong"})
    assert names_on_page(response) == report_names("浦东")
    assert response.context["total"] == 18


def test_filter_by_two_districts_returns_both(client, report):
    response = client.get(LIST_URL + "?district=pudong&district=xuhui")
    assert names_on_page(response) == report_names({"浦东", "徐汇"})


def test_filter_by_business_type(client, report):
    response = client.get(LIST_URL, {"business_type": "cross-border-ecommerce"})
    assert names_on_page(response) == report_names(kind="跨境电商")


def test_filter_by_district_and_business_type(client, report):
    response = client.get(LIST_URL, {"district": "pudong", "business_type": "digital-services"})
    assert names_on_page(response) == report_names("浦东", "数字服务")
    assert response.context["total"] == 13


def test_filter_by_list_year(client, report):
    newcomer = make_enterprise("上海二〇二三新企业有限公司")
    put_on_list(newcomer, 2023, serial=1)
    response = client.get(LIST_URL, {"list": 2023})
    assert names_on_page(response) == ["上海二〇二三新企业有限公司"]
    response = client.get(LIST_URL, {"list": 2022})
    assert response.context["total"] == 100


def test_filter_by_case_study(client, report):
    response = client.get(LIST_URL, {"case_study": "1"})
    assert response.context["total"] == 15
    assert "上海沐瞳科技有限公司" in names_on_page(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ximalaya", "上海喜马拉雅科技有限公司"),
        ("xmly", "上海喜马拉雅科技有限公司"),
        ("喜马拉雅", "上海喜马拉雅科技有限公司"),
        ("上海纵游网络科技有限公司", "上海纵游网络技术有限公司"),  # the case-study heading's spelling
        ("PacteraEDGE", "上海文思海辉软件技术有限公司"),
        ("博彦科技(上海)", "博彦科技（上海）有限公司"),
    ],
    ids=["pinyin", "initials", "chinese", "alias", "english-brand", "half-width"],
)
def test_search(client, report, query, expected):
    response = client.get(LIST_URL, {"q": query})
    assert names_on_page(response) == [expected]


def test_facet_counts_follow_the_other_filters(client, report):
    response = client.get(LIST_URL, {"business_type": "digital-services"})
    regions = facet_counts(response, "district")
    expected = Counter(REGION_CODES.get(region) for _, _, kind, region in enterprises_3_3() if kind == "数字服务")
    assert regions["pudong"] == expected["pudong"] == 13
    assert regions["jinshan"] == 0
    # The type facet ignores its own selection: it tells what choosing another type would give.
    assert facet_counts(response, "business_type") == {"cloud": 13, "digital-services": 54, "digital-content": 24, "cross-border-ecommerce": 9}
    case_study_types = Counter(kind for _, _, kind, _, _ in case_studies_6_1())
    assert facet_counts(response, "case_study") == {"1": case_study_types["数字服务"]}


def test_sort_by_name(client, report):
    response = client.get(LIST_URL, {"sort": "name", "district": "lingang"})
    names = names_on_page(response)
    assert names == sorted(report_names("临港"), key=normalize_name)


def test_sort_by_region_groups_regions_in_order(client, report):
    response = client.get(LIST_URL, {"sort": "region", "business_type": "cloud"})
    regions = [e.region_sort_order for e in response.context["rows"]]
    assert regions == sorted(regions)
    assert len(regions) == 13


def test_an_unknown_filter_value_answers_400_with_a_sentence_naming_filter_and_value(client, report):
    response = client.get(LIST_URL, {"district": "waitan", "business_type": "cloud"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # The page still shows the rows of the filters it understood, and says what it left out.
    assert response.status_code == 400
    assert response.context["filter_errors"] == ["未知的所属区域：waitan"]
    html = response.content.decode()
    assert "<li>未知的所属区域：waitan</li>" in html and "`district`" not in html and "选择一个有效的选项" not in html
    assert response.context["total"] == 13
    english = client.get(LIST_URL, {"district": "waitan"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and english.context["filter_errors"] == ["Unknown region: waitan"]


def test_the_heading_says_what_is_filtered_and_how_many(client, report):
    response = client.get(LIST_URL, {"district": "pudong", "business_type": "digital-services"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    heading = re.sub(r"<[^>]+>", "", re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', response.content.decode(), re.S).group(1))
    total = response.context["total"]
    assert " ".join(heading.split()) == f"数字服务 · 浦东 · {total} 家企业"
    english = client.get(LIST_URL, {"district": "pudong", "q": "软件"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    heading = re.sub(r"<[^>]+>", "", re.search(r'<h2 id="results-heading"[^>]*>(.*?)</h2>', english, re.S).group(1))
    assert heading.startswith("Pudong New Area · “软件” · ")


def test_no_result_offers_to_clear_the_filters(client, report):
    response = client.get(LIST_URL, {"district": "jinshan"})
    assert response.context["total"] == 0
    assert f'href="{LIST_URL}"' in response.content.decode()


def test_queries_do_not_grow_with_the_rows_shown(client, db):
    def queries_for(count):
        for _ in range(count):
            put_on_list(make_enterprise(), 2022)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL)
        assert len(response.context["rows"]) == min(count_total(), 50)
        return len(captured)

    def count_total():
        from enterprises.models import Enterprise

        return Enterprise.objects.count()

    few = queries_for(5)
    many = queries_for(55)
    assert few == many


def test_profile_shows_names_lists_case_study_and_provenance(client, report):
    response = client.get(reverse("enterprise_detail", args=["shanghaizongyouwangluojishu"]))
    html = response.content.decode()
    assert "<h1>上海纵游网络技术有限公司</h1>" in html
    assert "上海纵游网络科技有限公司" in html  # the alias
    assert "2022年上海数字贸易创新企业" in html
    assert "495.2" in html and "万美元" in html
    for section in ("企业简介", "数字贸易典型案例", "数字技术应用经验", "商业模式和应用场景创新做法", "海外市场开拓情况"):
        assert section in html
    assert "表 6-1；第六章 典型企业 11" in html
    assert "2023-01-01" in html  # last updated
    assert list(response.context["related"]) == []  # the only 数字内容 enterprise of 虹口


def test_profile_links_other_enterprises_of_the_same_region_and_type(client, report):
    response = client.get(reverse("enterprise_detail", args=["shanghaiximalayakeji"]))
    related = sorted(e.name for e in response.context["related"])
    assert related == sorted(set(report_names("闵行", "数字内容")) - {"上海喜马拉雅科技有限公司"})


def test_profile_of_an_unknown_permalink_is_404(client, report):
    assert client.get(reverse("enterprise_detail", args=["no-such-company"])).status_code == 404


def test_english_pages_show_english_labels(client, report):
    response = client.get(LIST_URL, {"district": "pudong"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Pudong New Area" in html
    assert "Innovation enterprises" in html
    assert 'lang="en"' in html


def test_the_language_switch_keeps_the_page_and_its_filters(client, report):
    next_url = LIST_URL + "?district=pudong&business_type=cloud"
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    page = client.get(response["Location"])
    assert "Pudong New Area" in page.content.decode()
    assert names_on_page(page) == report_names("浦东", "云服务")


def test_chinese_is_the_default(client, report):
    html = client.get(LIST_URL).content.decode()
    assert 'lang="zh-Hans"' in html
    assert "所属区域" in html


@pytest.mark.parametrize(
    "query, all_checked, checked_years",
    [({}, True, []), ({"list": "2022"}, False, ["2022"]), ({"list": ""}, True, [])],
    ids=["no list chosen", "2022 chosen", "empty list value"],
)
def test_the_list_facet_offers_all_lists_and_checks_what_the_query_chose(client, report, query, all_checked, checked_years):
    html = client.get(LIST_URL, {**query}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    fieldsets = re.findall(r'<fieldset class="facet">\n<legend>(.*?)</legend>(.*?)</fieldset>', html, re.S)
    assert [legend for legend, _ in fieldsets] == ["List", "Business type", "Region", "Case study"]
    controls = fieldsets[0][1]
    assert ('<input type="radio" name="list" value="" checked> all' in controls) is all_checked
    assert re.findall(r'name="list" value="(\d+)" checked', controls) == checked_years
    # The multiple-choice facets have no "all": none chosen means all.
    assert 'value=""' not in fieldsets[1][1] + fieldsets[2][1]


def marked_with_case_study(client, **query) -> set[str]:
    html = client.get(LIST_URL, query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return set(re.findall(r'<a href="/enterprises/[^"]+/">([^<]+)</a> <span class="badge">case study</span>', html))


def test_rows_with_a_public_case_study_carry_the_marker_and_follow_a_change_at_once(client, db):
    shown, drafted, plain = (make_enterprise(name) for name in ("上海甲数字科技有限公司", "上海乙数字科技有限公司", "上海丙数字科技有限公司"))
    for enterprise in (shown, drafted, plain):
        put_on_list(enterprise)
    make_case_study(shown)
    draft = make_case_study(drafted, serial=2, status=Status.DRAFT)
    assert marked_with_case_study(client) == {shown.name}
    assert names_on_page(client.get(LIST_URL, {"case_study": "1"})) == [shown.name]
    # The marked set is kept per data version: publishing the draft shows at once.
    draft.status = Status.PUBLISHED
    draft.save()
    assert marked_with_case_study(client) == {shown.name, drafted.name}
