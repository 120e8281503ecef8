"""
/api/enterprises/, its lists and case studies: the same rows as the table, its download and
the page for the same query; what each record shows; and staff writes through the services.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import AnnualList, Enterprise, ListMembership
from shdt.core.models import Status
from shdt.core.tables import get_table
from shdt.core.validators import credit_code_check_character
from tests.api import WRITE_PERMISSIONS, api_rows, csv_rows, staff_user, token_headers
from tests.factories import make_case_study, make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

LIST_URL = reverse("api:enterprise_list")
CASE_STUDIES_URL = reverse("api:casestudy_list")

# Filters alone and together, as a page's links and a client's program would combine them.
QUERIES = [
    "",
    "district=pudong",
    "district=pudong&district=xuhui",
    "business_type=cloud",
    "business_type=digital-content&business_type=cloud&district=minhang",
    "list=2022",
    "list=2022&sort=name",
    "list=2022&district=pudong&business_type=digital-services&sort=region",
    "case_study=1",
    "case_study=0&district=pudong",
    "case_study=1&business_type=cross-border-ecommerce",
    "q=ximalaya",
    "q=xmly",
    "q=博彦科技(上海)",
    "q=上海纵游网络科技",
    "q=intsig&list=2022",
    "sort=region",
    "sort=name&business_type=cross-border-ecommerce",
    "list=&q=&case_study=",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_api_gives_the_rows_of_the_table_and_of_its_download(client, report, query):
    rows = api_rows(client, query, LIST_URL)
    table_rows = list(get_table("enterprises").filter(QueryDict(query)).qs)
    downloaded = csv_rows("enterprises", query)

    assert [row["slug"] for row in rows] == [enterprise.slug for enterprise in table_rows]
    assert [row["name"] for row in rows] == [row["企业名称"] for row in downloaded]
    assert [str(row["serial"]) for row in rows] == [row["序号"] for row in downloaded]
    assert [row["permalink"] for row in rows] == [row["永久链接"] for row in downloaded]


@pytest.mark.parametrize("query", ["", "district=pudong&district=xuhui", "list=2022&sort=region", "q=xmly"])
def test_the_first_page_is_the_first_page_of_the_site(client, report, query):
    page = client.get(reverse("enterprise_list") + "?" + query)
    api = client.get(f"{LIST_URL}?{query}").json()
    assert [row["slug"] for row in api["results"]] == [enterprise.slug for enterprise in page.context["rows"]]
    assert api["count"] == page.context["total"]


@pytest.mark.parametrize("query", ["q=ximalaya", "q=xmly", "q=喜马拉雅", "q=XIMALAYA"])
def test_search_by_pinyin_finds_ximalaya(client, report, query):
    assert [row["name"] for row in api_rows(client, query, LIST_URL)] == ["上海喜马拉雅科技有限公司"]


def test_search_finds_an_alias_and_a_half_width_spelling(client, report):
    assert [row["name"] for row in api_rows(client, "q=上海纵游网络科技有限公司", LIST_URL)] == ["上海纵游网络技术有限公司"]
    assert [row["name"] for row in api_rows(client, "q=博彦科技(上海)", LIST_URL)] == ["博彦科技（上海）有限公司"]


def test_a_list_shows_its_serials_in_order(client, report):
    rows = api_rows(client, "list=2022", LIST_URL)
    assert [row["serial"] for row in rows] == list(range(1, 101))
    assert {row["list_year"] for row in rows} == {2022}


def test_a_bad_filter_value_is_named_in_a_400(client, report):
    response = client.get(LIST_URL, {"district": "atlantis", "list": "1999", "sort": "age"})
    assert response.status_code == 400
    assert set(response.json()) == {"district", "list", "sort"}


def test_page_size_has_a_maximum_and_must_be_a_whole_number(client, report):
    assert len(client.get(LIST_URL, {"page_size": 1000}).json()["results"]) == 100
    assert len(client.get(LIST_URL).json()["results"]) == 50
    response = client.get(LIST_URL, {"page_size": "ten"})
    assert response.status_code == 400 and "page_size" in response.json()
    assert client.get(LIST_URL, {"page": 99}).status_code == 404


def test_an_enterprise_shows_codes_labels_lists_and_case_study_and_nothing_internal(client, report, settings):
    settings.SITE_URL = "https://registry.example.cn"
    enterprise = Enterprise.objects.get(name="上海沐瞳科技有限公司")
    response = client.get(reverse("api:enterprise_detail", kwargs={"slug": enterprise.slug}))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "slug", "name", "name_en", "aliases", "region", "business_type", "credit_code", "website", "serial",
        "list_year", "list_status", "memberships", "case_studies", "source", "url", "permalink", "created_at",
        "updated_at",
    }  # fmt: skip
    assert body["region"] == {
        "code": enterprise.region.code,
        "short_name": enterprise.region.short_name,
        "name": enterprise.region.name,
        "name_en": enterprise.region.name_en,
    }
    assert set(body["business_type"]) == {"code", "name", "name_en", "other_names"}
    assert body["list_status"] == "published"
    assert body["memberships"] == [
        {
            "year": 2022,
            "serial": body["serial"],
            "source": body["memberships"][0]["source"],
            "status": "published",
            "notice": None,
        }
    ]
    assert body["case_studies"] == [
        {
            "report_year": 2022,
            "serial": 1,
            "trade_volume": "12368.80",
            "trade_volume_unit": "万美元",
            "trade_volume_unit_en": "10,000 USD",
            "status": "published",
        }
    ]
    assert body["permalink"] == f"https://registry.example.cn/enterprises/{enterprise.slug}/"
    assert body["url"] == f"http://testserver/api/enterprises/{enterprise.slug}/"
    assert body["website"] is None


def test_an_unknown_slug_is_a_json_404(client, report):
    for slug in ["no-such-enterprise", "空格 and spaces"]:
        response = client.get(f"/api/enterprises/{slug}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()


def test_case_studies_keep_exact_volumes_with_their_unit(client, report):
    rows = api_rows(client, "list=2022", CASE_STUDIES_URL)
    assert len(rows) == 15
    first = rows[0]
    assert first["enterprise"]["name"] == "上海沐瞳科技有限公司"
    assert Decimal(first["trade_volume"]) == Decimal("12368.8")
    assert (first["trade_volume_unit"], first["trade_volume_unit_en"]) == ("万美元", "10,000 USD")
    assert all(first[section] for section in ["profile", "case", "technology_experience", "overseas_markets"])


@pytest.mark.parametrize("query", ["", "list=2022", "district=pudong&district=xuhui", "business_type=cloud", "q=xmly"])
def test_case_studies_are_the_rows_of_their_table_and_download(client, report, query):
    rows = api_rows(client, query, CASE_STUDIES_URL)
    downloaded = csv_rows("case_studies", query)
    assert [row["enterprise"]["name"] for row in rows] == [row["企业名称"] for row in downloaded]
    assert [Decimal(row["trade_volume"]) for row in rows] == [Decimal(row["数字贸易进出口额（万美元）"]) for row in downloaded]


def test_regions_business_types_and_lists(client, report):
    regions = client.get(reverse("api:region_list")).json()
    assert regions["count"] == 17
    assert regions["results"][0] == {"code": "huangpu", "short_name": "黄浦", "name": "黄浦区", "name_en": "Huangpu District"}
    types = {row["code"]: row for row in client.get(reverse("api:businesstype_list")).json()["results"]}
    assert set(types) == {"cloud", "digital-services", "digital-content", "cross-border-ecommerce"}
    assert "跨境电商服务" in types["cross-border-ecommerce"]["other_names"]
    lists = client.get(reverse("api:annuallist_list")).json()["results"]
    assert [row["year"] for row in lists] == [2022]
    assert lists[0]["enterprises"] == "http://testserver/api/enterprises/?list=2022"


# --- Query counts ------------------------------------------------------------


def build_enterprises(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        enterprise = make_enterprise(f"查询计数企业{i}有限公司", region="pudong", business_type="cloud")
        put_on_list(enterprise, 2022, serial=i + 1)
        put_on_list(enterprise, 2023, serial=i + 1)
        if i % 3 == 0:
            make_case_study(enterprise, serial=i + 1)


@pytest.mark.parametrize("query", ["", "district=pudong&business_type=cloud&list=2022&q=cxjs&sort=name"])
@pytest.mark.parametrize("rows", [10, 60])
def test_a_list_page_takes_the_same_queries_for_10_rows_as_for_60(client, django_assert_max_num_queries, query, rows):
    build_enterprises(rows)
    # The data version, the reference codes (cached afterwards), the count, the page and its
    # prefetches: a fixed number, whatever the rows.
    with django_assert_max_num_queries(8):
        response = client.get(f"{LIST_URL}?{query}&page_size=100")
    assert len(response.json()["results"]) == rows


def test_the_number_of_queries_does_not_grow_with_the_rows(client):
    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL, {"page_size": 100, "district": "pudong"}).status_code == 200
        return len(captured)

    build_enterprises(10)
    with_10 = queries_for_page()
    build_enterprises(50, start=10)
    assert queries_for_page() == with_10


# --- Writes ------------------------------------------------------------------

NEW_ENTERPRISE = {
    "name": "上海测试数字贸易有限公司",
    "name_en": "Shanghai Test Digital Trade Co., Ltd.",
    "aliases": ["测试数贸"],
    "region": "xuhui",
    "business_type": "digital-services",
    "credit_code": None,
    "website": "https://www.example.cn/",
}


def valid_credit_code() -> str:
    first17 = "91310104MA1FR0E5X"
    return first17 + credit_code_check_character(first17)


@pytest.fixture
def editor(db):
    return staff_user()


def post(client, url, data, user=None, method="post"):
    headers = token_headers(user) if user else {}
    return getattr(client, method)(url, data, content_type="application/json", **headers)


def test_anonymous_writes_are_refused(client, report):
    enterprise = Enterprise.objects.get(slug="shanghaiximalayakeji")
    detail = reverse("api:enterprise_detail", kwargs={"slug": enterprise.slug})
    membership = reverse("api:listmembership_detail", kwargs={"slug": enterprise.slug, "year": 2022})
    answers = [
        post(client, LIST_URL, NEW_ENTERPRISE).status_code,
        post(client, detail, {"name_en": "x"}, method="patch").status_code,
        post(client, detail, NEW_ENTERPRISE, method="put").status_code,
        post(client, membership, {"serial": 1}, method="put").status_code,
        client.delete(membership).status_code,
    ]
    assert answers == [401] * 5
    assert not Enterprise.objects.filter(name=NEW_ENTERPRISE["name"]).exists()
    assert ListMembership.objects.filter(enterprise=enterprise).exists()


@pytest.mark.parametrize(
    "permissions, is_staff",
    [([], True), (["enterprises.change_enterprise"], True), (WRITE_PERMISSIONS, False)],
    ids=["staff without permissions", "staff who may only change", "not staff"],
)
def test_an_account_without_the_add_permission_cannot_create(client, db, permissions, is_staff):
    user = staff_user(permissions=permissions, is_staff=is_staff)
    data = {**NEW_ENTERPRISE, "credit_code": valid_credit_code()}
    assert post(client, LIST_URL, data, user).status_code == 403
    assert not Enterprise.objects.exists()


def test_an_invalid_token_is_a_401_even_for_reading(client, report):
    response = client.get(LIST_URL, HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_staff_with_a_token_create_an_enterprise(client, editor):
    data = {**NEW_ENTERPRISE, "credit_code": valid_credit_code().lower()[:9] + " " + valid_credit_code()[9:]}
    response = post(client, LIST_URL, data, editor)
    assert response.status_code == 201, response.content
    body = response.json()
    enterprise = Enterprise.objects.get(slug=body["slug"])
    assert response["Location"] == f"http://testserver/api/enterprises/{enterprise.slug}/"
    assert (enterprise.name, enterprise.region.code, enterprise.business_type.code) == (
        "上海测试数字贸易有限公司",
        "xuhui",
        "digital-services",
    )
    # The model's own normalisation ran: the credit code is upper-cased without the space.
    assert enterprise.credit_code == valid_credit_code() == body["credit_code"]
    assert body["aliases"] == ["测试数贸"]
    assert body["memberships"] == [] and body["serial"] is None


def test_staff_update_an_enterprise_and_its_place_on_a_list(client, editor):
    enterprise = make_enterprise("上海更新测试有限公司", name_en="Old", aliases="旧名")
    detail = reverse("api:enterprise_detail", kwargs={"slug": enterprise.slug})

    response = post(client, detail, {"name_en": "New Name"}, editor, method="patch")
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert (enterprise.name_en, enterprise.alias_list) == ("New Name", ["旧名"])

    response = post(client, detail, {"name": "上海更新测试有限公司", "region": "lingang", "business_type": "cloud"}, editor, method="put")
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    # PUT replaces: what was left out is emptied; the permalink stays.
    assert (enterprise.region.code, enterprise.name_en, enterprise.aliases) == ("lingang", "", "")
    assert response.json()["slug"] == enterprise.slug

    membership = reverse("api:listmembership_detail", kwargs={"slug": enterprise.slug, "year": 2024})
    response = post(client, membership, {"serial": 7, "source": "2024年名单"}, editor, method="put")
    assert response.status_code == 200, response.content
    assert response.json() == {"year": 2024, "serial": 7, "source": "2024年名单", "status": "draft", "notice": None}
    assert AnnualList.objects.filter(year=2024).exists()
    # A new entry is a draft: the public does not see the enterprise until a reviewer publishes it.
    assert client.get(detail).status_code == 404

    response = client.delete(membership, **token_headers(editor))
    assert response.status_code == 204
    assert not ListMembership.objects.filter(enterprise=enterprise).exists()
    assert client.get(membership).status_code == 404


def test_a_half_width_twin_name_is_refused_on_name(client, editor):
    make_enterprise("博彦科技（上海）有限公司")
    data = {**NEW_ENTERPRISE, "name": "博彦科技(上海)有限公司"}
    response = post(client, LIST_URL, data, editor)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["name"]
    assert "博彦科技（上海）有限公司" in errors["name"][0]
    assert Enterprise.objects.count() == 1


def test_each_refused_field_is_named(client, editor):
    data = {**NEW_ENTERPRISE, "credit_code": "91310000132200821X", "website": "not a website", "region": "atlantis"}
    response = post(client, LIST_URL, data, editor)
    assert response.status_code == 400
    assert set(response.json()) == {"region"}  # the shape is checked first
    response = post(client, LIST_URL, {**data, "region": "pudong"}, editor)
    assert response.status_code == 400
    assert set(response.json()) == {"credit_code", "website"}  # then the registry's rules


def test_a_list_entry_keeps_the_registry_rules(client, editor, report):
    enterprise = Enterprise.objects.get(slug="shanghaiximalayakeji")
    # A published entry changes only once a reviewer has returned it to draft.
    ListMembership.objects.filter(enterprise=enterprise).update(status="draft")
    taken = ListMembership.objects.exclude(enterprise=enterprise).filter(annual_list__year=2022).first().serial
    url = reverse("api:listmembership_detail", kwargs={"slug": enterprise.slug, "year": 2022})
    response = post(client, url, {"serial": taken}, editor, method="put")
    assert response.status_code == 400
    assert set(response.json()) == {"non_field_errors"}

    url = reverse("api:listmembership_detail", kwargs={"slug": enterprise.slug, "year": 1999})
    response = post(client, url, {"serial": 1}, editor, method="put")
    assert response.status_code == 400
    assert set(response.json()) == {"year"}
    assert not AnnualList.objects.filter(year=1999).exists()


def test_an_editor_cannot_change_a_published_entry(client, editor, report):
    enterprise = Enterprise.objects.get(slug="shanghaiximalayakeji")
    url = reverse("api:listmembership_detail", kwargs={"slug": enterprise.slug, "year": 2022})
    response = post(client, url, {"serial": 99}, editor, method="put")
    assert response.status_code == 403
    assert "上海喜马拉雅科技有限公司" in response.json()["detail"]  # names the record it refuses to change
    assert enterprise.memberships.get().serial == 34


def test_staff_may_write_with_their_admin_session(staff_client):
    response = staff_client.post(
        LIST_URL, {**NEW_ENTERPRISE, "credit_code": valid_credit_code()}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_a_page_shows_its_enterprises_public_case_studies_and_follows_a_change_at_once(client, db):
    # A public page's case studies come from a set made once per data version.
    enterprise = make_enterprise("上海丁数字科技有限公司")
    put_on_list(enterprise)
    draft = make_case_study(enterprise, report_year=2022, status=Status.DRAFT)
    make_case_study(enterprise, report_year=2021, trade_volume="12.5")

    def case_studies():
        [row] = client.get(LIST_URL).json()["results"]
        return [(case["report_year"], case["trade_volume"]) for case in row["case_studies"]]

    assert case_studies() == [(2021, "12.50")]
    draft.status = Status.PUBLISHED
    draft.save()
    assert case_studies() == [(2022, "100.00"), (2021, "12.50")]


def test_the_api_reads_a_website_without_a_scheme_by_the_models_rule(client, editor):
    response = post(client, LIST_URL, {**NEW_ENTERPRISE, "website": "www.example.cn"}, editor)
    assert response.status_code == 201, response.content
    assert Enterprise.objects.get(slug=response.json()["slug"]).website == "https://www.example.cn"


def test_the_address_of_a_created_draft_answers_its_staff_and_not_the_public(client, editor):
    # schemathesis' ensure_resource_availability (issue 14, finding 8): Location must lead somewhere.
    response = post(client, LIST_URL, NEW_ENTERPRISE, editor)
    assert response.status_code == 201, response.content
    location = response["Location"]
    staff_answer = client.get(location, **token_headers(editor))
    assert staff_answer.status_code == 200
    assert staff_answer.json()["name"] == NEW_ENTERPRISE["name"]
    # Still a draft: on no public list, so the public does not see it.
    assert client.get(location).status_code == 404
    entry_url = reverse("api:listmembership_detail", kwargs={"slug": staff_answer.json()["slug"], "year": 2031})
    assert post(client, entry_url, {"serial": 3}, editor, method="put").status_code == 200
    assert client.get(entry_url, **token_headers(editor)).json()["status"] == "draft"
    assert client.get(entry_url).status_code == 404
