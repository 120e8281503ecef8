"""
The site's search (shdt.core.search, /search/ and /search/suggest/): enterprises by
name, alias, pinyin and English name, case studies by their words, export bases and
policies by their titles, public records only, grouped by kind, matches marked.
"""

from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from bases.models import ExportBase
from enterprises.models import CaseStudy, Enterprise
from policies.models import Policy
from shdt.core.registry import search_sources
from shdt.core.search import (
    MAX_QUERY_LENGTH,
    InvalidQuery,
    clean_query,
    excerpt,
    highlight,
    match_spans,
    search,
    suggestions,
)
from shdt.core.search import Hit
from tests.factories import make_case_study, make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

HAILONG = "上海海隆软件有限公司"
MUTONG = "上海沐瞳科技有限公司"


def found(query) -> dict[str, list[str]]:
    """The titles found, by kind."""
    return {group.source.kind: [hit.title for hit in group.hits] for group in search(clean_query(query))}


# --- The module ---------------------------------------------------------------------------


def test_every_record_app_registers_a_search_source_in_order():
    assert [source.kind for source in sorted(search_sources(), key=lambda s: s.order)] == [
        "enterprises", "case-studies", "bases", "policies",
    ]


@pytest.mark.parametrize(
    ("text", "query", "marked"),
    [
        (HAILONG, "海隆", ["海隆"]),
        (HAILONG, "hailong", ["海隆"]),
        (HAILONG, "shhl", ["上海海隆"]),
        ("博彦科技（上海）有限公司", "博彦科技(上海)", ["博彦科技（上海）"]),
        ("Mobile Legends: Bang Bang", "mobile legends", ["Mobile Legends"]),
        ("MLBB 游戏与 MLBB 电竞", "mlbb", ["MLBB", "MLBB"]),
        (HAILONG, "不相干", []),
    ],
)
def test_match_spans_mark_what_the_search_matched(text, query, marked):
    assert [text[start:end] for start, end in match_spans(text, query)] == marked


def test_highlight_escapes_the_text_and_marks_the_match():
    assert highlight("上海<b>x</b>科技有限公司", "x") == "上海&lt;b&gt;<mark>x</mark>&lt;/b&gt;科技有限公司"
    assert highlight("<script>", "zzz") == "&lt;script&gt;"


def test_an_excerpt_gives_the_words_around_the_first_match():
    text = "甲" * 100 + "MLBB" + "乙" * 100
    snippet = excerpt(["没有", text], "mlbb", context=5)
    assert snippet == "…甲甲甲甲甲MLBB乙乙乙乙乙…"


@pytest.mark.parametrize("raw", ["x" * (MAX_QUERY_LENGTH + 1), "海隆\x00", "a\x1bb"])
def test_clean_query_refuses_overlong_queries_and_control_characters(raw):
    with pytest.raises(InvalidQuery):
        clean_query(raw)


def test_clean_query_strips_white_space():
    assert clean_query("  海隆 \u3000") == "海隆"
    assert clean_query(None) == ""


# --- What the report's records give -----------------------------------------------------


def test_a_chinese_part_of_a_name_finds_the_enterprise(report):
    assert found("海隆")["enterprises"] == [HAILONG]


def test_pinyin_finds_the_enterprise(report):
    assert HAILONG in found("hailong")["enterprises"]


def test_an_alias_finds_the_enterprise_and_says_which(report):
    (group,) = [g for g in search("INTSIG") if g.source.kind == "enterprises"]
    assert [(hit.title, hit.note) for hit in group.hits] == [("上海合合信息科技股份有限公司", "INTSIG")]


def test_an_english_name_finds_the_enterprise(report):
    Enterprise.objects.filter(name=HAILONG).update(name_en="Hailong Software")
    Enterprise.objects.filter(name=HAILONG).get().save()  # the search text follows the names
    assert found("hailong software")["enterprises"] == [HAILONG]


@pytest.mark.parametrize("query", ["MLBB", "mlbb", "Mobile Legends", "mobile   legends", "ＭＬＢＢ", "Ｍｏｂｉｌｅ\u3000Ｌｅｇｅｎｄｓ"])
def test_a_word_of_a_case_study_finds_its_enterprise(report, query):
    results = found(query)
    assert results["case-studies"] == [MUTONG]
    assert results["enterprises"] == []


def test_a_case_study_hit_links_to_the_case_on_the_enterprise_page(report):
    (group,) = [g for g in search("MLBB") if g.source.kind == "case-studies"]
    (hit,) = group.hits
    mutong = Enterprise.objects.get(name=MUTONG)
    assert hit.url == f"{mutong.get_absolute_url()}#case-2022"
    assert "MLBB" in hit.note


def test_a_base_is_found_by_its_name(report):
    assert found("中医药")["bases"] == ["上海中医药大学"]


def test_a_policy_is_found_by_a_word_of_its_title(report):
    policies = found("标准化")["policies"]
    assert policies == ["《上海城市数字化转型标准化建设实施方案》"]


def test_a_policy_links_to_the_policy_list_filtered_by_its_title(report, client):
    (group,) = [g for g in search("标准化") if g.source.kind == "policies"]
    (hit,) = group.hits
    page = client.get(hit.url)
    assert [policy.title for policy in page.context["rows"]] == [hit.title]


# --- Drafts never appear ------------------------------------------------------------------


def test_drafts_are_never_found(report):
    hailong = Enterprise.objects.get(name=HAILONG)
    hailong.memberships.update(status="draft")
    Enterprise.objects.filter(pk=hailong.pk).refresh_public_listing()
    CaseStudy.objects.filter(enterprise__name=MUTONG).update(status="draft")
    ExportBase.objects.filter(name="上海中医药大学").update(status="draft")
    Policy.objects.filter(title__contains="标准化").update(status="draft")
    assert found("海隆")["enterprises"] == []
    assert found("MLBB")["case-studies"] == []
    assert found("中医药")["bases"] == []
    assert found("标准化")["policies"] == []
    assert suggestions("海隆") == [] and suggestions("MLBB") == []


def test_a_public_case_study_of_an_enterprise_the_public_does_not_see_is_not_found():
    hidden = make_enterprise("上海隐秘科技有限公司")
    make_case_study(hidden, profile="独有词语XYZZY", status="published")
    assert found("xyzzy")["case-studies"] == []


# --- The page -----------------------------------------------------------------------------


def test_the_page_groups_the_results_by_kind(report, client):
    page = client.get(reverse("search"), {"q": "上海"})
    assert page.status_code == 200
    kinds = [group.source.kind for group in page.context["groups"] if group.hits]
    assert kinds == ["enterprises", "case-studies", "bases", "policies"]
    html = page.content.decode()
    assert html.index('id="search-enterprises"') < html.index('id="search-case-studies"') < html.index('id="search-bases"')


def test_the_page_marks_the_match_and_links_each_record(report, client):
    html = client.get(reverse("search"), {"q": "hailong"}).content.decode()
    hailong = Enterprise.objects.get(name=HAILONG)
    assert f'<a href="{hailong.get_absolute_url()}">上海<mark>海隆</mark>软件有限公司</a>' in html


def test_the_page_escapes_a_hostile_name(client):
    put_on_list(make_enterprise("上海<b>x</b>科技有限公司"), 2022)
    html = client.get(reverse("search"), {"q": "科技"}).content.decode()
    assert "上海&lt;b&gt;x&lt;/b&gt;<mark>科技</mark>有限公司" in html
    assert "<b>x</b>" not in html


def test_a_search_that_finds_more_than_a_group_shows_links_to_the_list(client):
    for number in range(12):
        put_on_list(make_enterprise(f"上海繁多{number}科技有限公司"), 2022)
    page = client.get(reverse("search"), {"q": "繁多"})
    (group,) = [g for g in page.context["groups"] if g.hits]
    assert len(group.hits) == 10 and group.has_more
    assert f'href="{reverse("enterprise_list")}?q=%E7%B9%81%E5%A4%9A"' in page.content.decode()


def test_an_empty_search_shows_the_form_and_no_results(report, client):
    for params in ({}, {"q": ""}, {"q": "   "}):
        page = client.get(reverse("search"), params)
        assert page.status_code == 200
        assert page.context["groups"] == []
        assert 'name="q"' in page.content.decode()


def test_a_search_that_finds_nothing_says_so(report, client):
    page = client.get(reverse("search"), {"q": "不存在的名字"})
    assert page.status_code == 200
    assert "empty-results" in page.content.decode()


@pytest.mark.parametrize("q", ["x" * (MAX_QUERY_LENGTH + 1), "海隆\x00"])
def test_a_refused_search_answers_400_with_a_sentence(report, client, q):
    page = client.get(reverse("search"), {"q": q})
    assert page.status_code == 400
    assert page.context["error"]
    assert 'role="alert"' in page.content.decode()


def test_the_english_page(report, client, english):
    html = client.get(reverse("search"), {"q": "MLBB"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Case studies" in html and "1 result for “MLBB”" in html
    assert "上海沐瞳科技有限公司" in html


def test_the_chinese_page_is_translated(report, client):
    html = client.get(reverse("search"), {"q": "MLBB"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "搜索" in html and "典型案例" in html


def test_every_page_has_the_search_form_in_its_header(report, client):
    for name in ("home", "enterprise_list", "policy_list"):
        html = client.get(reverse(name)).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert f'<form class="site-search" role="search" action="{reverse("search")}" method="get">' in header
        assert 'name="q"' in header
        assert "js/search.js" in html


# --- Suggestions --------------------------------------------------------------------------


def test_suggestions_are_names_across_kinds_as_json(report, client):
    answer = client.get(reverse("search_suggest"), {"q": "中医药"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert answer.json()["suggestions"] == [
        {"name": "上海中医药大学", "url": ExportBase.objects.get(name="上海中医药大学").get_absolute_url(), "kind": "bases"}
    ]


def test_suggestions_are_at_most_eight_and_each_record_once(report, client):
    names = [s["name"] for s in client.get(reverse("search_suggest"), {"q": "上海"}).json()["suggestions"]]
    assert len(names) == 8 and len(set(names)) == 8


def test_suggestions_of_a_case_study_word_name_its_enterprise(report, client):
    assert [s["name"] for s in client.get(reverse("search_suggest"), {"q": "MLBB"}).json()["suggestions"]] == [MUTONG]


def test_suggestions_for_nothing_and_for_a_refused_query(report, client):
    assert client.get(reverse("search_suggest")).json()["suggestions"] == []
    assert client.get(reverse("search_suggest"), {"q": "x" * 200}).status_code == 400


def test_suggestions_are_cached_per_data_version(report, client, response_cache):
    url = reverse("search_suggest")
    assert [s["name"] for s in client.get(url, {"q": "繁多"}).json()["suggestions"]] == []
    put_on_list(make_enterprise("上海繁多科技有限公司"), 2022)
    # The write made a new data version: the answer cached before it is not served.
    assert [s["name"] for s in client.get(url, {"q": "繁多"}).json()["suggestions"]] == ["上海繁多科技有限公司"]


# --- Served by indexes on PostgreSQL -------------------------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm and GIN indexes are PostgreSQL's")


@pytest.fixture
def many_public_records():
    """
    Enough public enterprises and case studies, with fresh statistics, that reading every
    text costs the planner more than the trigram indexes: a real choice, not one forced by
    `SET enable_seqscan = off` (which would prove only that the index can be used).
    """
    from decimal import Decimal

    from enterprises.models import BusinessType, PublicListing
    from shdt.core.text import search_document
    from shdt.reference.models import Region

    region, business_type = Region.objects.get(code="pudong"), BusinessType.objects.get(code="digital-services")
    rare = put_on_list(make_enterprise("上海德盛致数科技有限公司"), 2022).enterprise
    make_case_study(rare, serial=1, profile="以独家产品 Zephyrine 开拓东南亚市场。")
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"上海批量{number}号网络科技有限公司",
            name_normalized=f"上海批量{number}号网络科技有限公司",
            slug=f"piliang-{number}",
            search_text=search_document(f"上海批量{number}号网络科技有限公司"),
            region=region,
            business_type=business_type,
        )
        for number in range(5000)
    )
    # Public: where the public sees them (enterprises.PublicListing, as a publication writes it).
    PublicListing.objects.bulk_create(
        PublicListing(enterprise=enterprise, list_year=2022, serial=100 + number, status="published")
        for number, enterprise in enumerate(enterprises)
    )
    CaseStudy.objects.bulk_create(
        CaseStudy(
            enterprise=enterprise,
            report_year=2022,
            serial=10 + number,
            trade_volume=Decimal(number),
            profile=f"公司第{number}号，提供云服务与数字内容，产品出口全球一百多个国家和地区。",
            case="以游戏、电竞和软件外包开拓海外市场，在东南亚设有分支机构。",
            status="published",
        )
        for number, enterprise in enumerate(enterprises)
    )
    with connection.cursor() as cursor:
        # New entries wait in a GIN index's pending list until a vacuum moves them in.
        cursor.execute("SELECT gin_clean_pending_list('enterprise_search_text_trgm')")
        cursor.execute("SELECT gin_clean_pending_list('case_study_search_text_trgm')")
        cursor.execute("ANALYZE enterprises_enterprise")
        cursor.execute("ANALYZE enterprises_casestudy")


@postgresql_only
@pytest.mark.parametrize("query", ["德盛致数", "dszs", "deshengzhishu"])
def test_the_enterprise_search_uses_the_trigram_index(many_public_records, query):
    from enterprises.search import enterprise_matches

    plan = enterprise_matches(query)[:11].explain()
    assert "Bitmap Index Scan on enterprise_search_text_trgm" in plan, plan
    assert [hit.title for hit in search(query)[0].hits] == ["上海德盛致数科技有限公司"]


@postgresql_only
@pytest.mark.parametrize("query", ["zephyrine", "独家产品"])
def test_the_case_study_search_uses_the_trigram_index(many_public_records, query):
    from enterprises.search import case_study_matches

    plan = case_study_matches(query)[:11].explain()
    assert "Bitmap Index Scan on case_study_search_text_trgm" in plan, plan
    assert found(query)["case-studies"] == ["上海德盛致数科技有限公司"]


@postgresql_only
def test_the_case_study_index_is_a_trigram_gin_index_on_the_generated_search_text():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_study_search_text_trgm'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_text gin_trgm_ops)" in definition


# --- Kept per data version ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_hits_are_read_once_per_data_version_and_again_after_a_change(committed_db, django_assert_num_queries):
    first = put_on_list(make_enterprise("上海繁多科技有限公司"), 2022).enterprise
    assert found("繁多")["enterprises"] == [first.name]
    # The same query again, in the same data version: no source asks the database.
    with django_assert_num_queries(1):  # the data token
        assert found("繁多")["enterprises"] == [first.name]
    second = put_on_list(make_enterprise("上海繁多信息技术有限公司"), 2022).enterprise
    assert found("繁多")["enterprises"] == [first.name, second.name]
    first.memberships.update(status="draft")
    Enterprise.objects.filter(pk=first.pk).refresh_public_listing()
    from shdt.core.versioning import data_version_bump

    data_version_bump()  # a bulk write names its change itself
    assert found("繁多")["enterprises"] == [second.name]


def test_search_pages_are_not_indexed_by_search_engines(report, client):
    assert '<meta name="robots" content="noindex">' in client.get(reverse("search"), {"q": "海隆"}).content.decode()
    assert "noindex" not in client.get(reverse("home")).content.decode()


def test_a_drafts_name_is_answered_as_a_name_that_never_existed(client):
    """No oracle: the search says nothing more of a draft than of a name never registered."""
    make_enterprise("上海草稿科技有限公司")  # on no list: a draft
    put_on_list(make_enterprise("上海公示科技有限公司"), 2022, status="draft")
    answers = []
    for word in ("草稿", "公示", "虚构"):
        page = client.get(reverse("search"), {"q": word}).content.decode()
        suggested = client.get(reverse("search_suggest"), {"q": word}).json()["suggestions"]
        page = page.replace(word, "WORD").replace(quote(word), "WORD")
        answers.append((page, suggested))
    assert answers[0] == answers[1] == answers[2]
