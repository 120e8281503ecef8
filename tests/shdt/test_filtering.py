"""
Each filter is declared once, in its FilterSet (shdt.core.filtering), and the rest is derived
from it: the list page's facets, the API's parameters and the downloads' file names. A
FilterSet checks its parameters on every request, and a change to the records is seen at once.
"""

import pytest
from django.http import QueryDict
from django.utils import translation

from bases.filters import ExportBaseFilterSet
from enterprises.filters import EnterpriseFilterSet
from enterprises.models import Enterprise
from enterprises.services import enterprise_update
from enterprises.tables import CASE_STUDIES, ENTERPRISES
from policies.filters import PolicyFilterSet
from shdt.core.listing import facets_of
from shdt.core.models import Status
from shdt.core.tables import Table, get_table
from shdt.reference.models import Region
from tests.factories import make_enterprise, put_on_list

# Nothing is kept inside a transaction: these tests commit, as a server does.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("committed_db")]

PARAMS = "district=pudong&business_type=digital-services&list=2022"


def rows(filterset) -> list:
    return list(filterset.qs.values_list("name", "list_serial"))


def test_the_same_parameters_again_give_the_same_rows_and_values(report):
    first = ENTERPRISES.filter(QueryDict(PARAMS))
    expected = rows(first)
    assert expected
    again = ENTERPRISES.filter(QueryDict(PARAMS))
    assert rows(again) == expected
    assert again.is_valid() and again.errors == {}
    assert again.list_year == 2022 and again.cleaned("district") == ["pudong"]


def test_a_change_to_the_records_is_seen_at_once(report):
    assert rows(ENTERPRISES.filter(QueryDict(PARAMS)))
    enterprise = Enterprise.objects.public().filter(region__code="pudong", business_type__code="digital-services").first()
    enterprise_update(enterprise, region=Region.objects.get(code="xuhui"))
    names = [name for name, _serial in rows(ENTERPRISES.filter(QueryDict(PARAMS)))]
    assert enterprise.name not in names


def test_bad_parameters_are_refused_every_time(report):
    for _ in range(2):
        filterset = ENTERPRISES.filter(QueryDict("district=nowhere&list=1999"))
        assert not filterset.is_valid() and set(filterset.errors) == {"district", "list"}
        assert filterset.cleaned("district") is None


def test_the_facets_are_the_filters_meta_facets_names_in_its_order_with_their_labels(report):
    facets = facets_of(EnterpriseFilterSet)
    assert [(f.param, str(f.label), f.multiple) for f in facets] == [
        ("list", "名单", False),
        ("business_type", "业务类型", True),
        ("district", "所属区域", True),
        ("case_study", "典型案例", False),
    ]
    with translation.override("en"):
        assert [str(f.label) for f in facets_of(PolicyFilterSet)] == ["Five-year plan period", "Issuer"]
        assert [str(f.label) for f in facets_of(ExportBaseFilterSet)] == ["Domain", "Category", "Year recognised", "Batch"]


def test_a_facet_offers_its_filters_choices_in_the_pages_language(report):
    district = {f.param: f for f in facets_of(EnterpriseFilterSet)}["district"]
    assert ("pudong", "浦东") in district.choices()
    with translation.override("en"):
        assert ("pudong", "Pudong New Area") in district.choices()
    period = {f.param: f for f in facets_of(PolicyFilterSet)}["period"]
    with translation.override("en"):
        assert [(value, str(label)) for value, label in period.choices()][0] == ("13th", "13th Five-Year Plan")
    assert [(value, str(label)) for value, label in period.choices()][0] == ("13th", "十三五")


@pytest.mark.parametrize(
    "table, query, words",
    [
        ("enterprises", "list=2022&district=pudong&district=xuhui&business_type=cloud", ["2022", "pudong", "xuhui", "cloud"]),
        # The order of the words is the FilterSet's, not the query's; search text and sort name none.
        ("enterprises", "sort=name&q=shanghai&business_type=cloud&district=pudong", ["pudong", "cloud"]),
        ("enterprises", "case_study=1", ["1"]),
        # A refused value filters nothing, and names nothing.
        ("enterprises", "district=nowhere&business_type=cloud", ["cloud"]),
        ("case_studies", "list=2022&district=pudong", ["2022", "pudong"]),
        ("bases", "domain=culture&year=2021&district=xuhui", ["culture", "2021", "xuhui"]),
        ("policies", "period=13th&year=2017&issuer=上海市人民政府", ["13th", "2017"]),
    ],
)
def test_a_download_file_name_takes_its_words_from_the_filterset(report, table, query, words):
    filterset = get_table(table).filter(QueryDict(query))
    assert filterset.filename_words() == words
    assert get_table(table).filename(filterset, "csv") == "-".join(["shdt", table.replace("_", "-"), *words]) + ".csv"


def test_case_studies_filter_by_the_same_declared_filters(report):
    filterset = CASE_STUDIES.filter(QueryDict("district=pudong&list=2022"))
    assert filterset.is_valid()
    assert {case.enterprise.region.code for case in filterset.qs} == {"pudong"}


def count_filtersets(monkeypatch) -> list:
    """Record each FilterSet a table makes (Table.filter), to see which selections are answered from the cache."""
    made = []
    original = Table.filter

    def counting(table, params, **kwargs):
        made.append(table.name)
        return original(table, params, **kwargs)

    monkeypatch.setattr(Table, "filter", counting)
    return made


def test_a_selection_is_its_filtersets_answer_kept_for_the_data_version(report, monkeypatch):
    made = count_filtersets(monkeypatch)
    first = ENTERPRISES.select(QueryDict(PARAMS))
    # The page, the cursor and a request with other parameters besides the filters (page) read the kept one.
    again = ENTERPRISES.select(QueryDict(PARAMS + "&page=2"))
    assert made == ["enterprises"]
    filterset = ENTERPRISES.filter(QueryDict(PARAMS))
    assert rows(first) == rows(again) == rows(filterset)
    assert again.is_valid() and again.errors == {}
    assert again.cleaned("list") == 2022 and again.cleaned("district") == ["pudong"]
    assert again.filename_words() == filterset.filename_words() == ["2022", "pudong", "digital-services"]


def test_a_kept_selection_follows_a_change_at_once(report, monkeypatch):
    made = count_filtersets(monkeypatch)
    assert rows(ENTERPRISES.select(QueryDict(PARAMS)))
    enterprise = Enterprise.objects.public().filter(region__code="pudong", business_type__code="digital-services").first()
    enterprise_update(enterprise, region=Region.objects.get(code="xuhui"))
    names = [name for name, _serial in rows(ENTERPRISES.select(QueryDict(PARAMS)))]
    assert enterprise.name not in names
    assert made == ["enterprises", "enterprises"]


def test_refused_parameters_are_checked_every_time_and_never_kept(report, monkeypatch):
    made = count_filtersets(monkeypatch)
    for _ in range(2):
        selection = ENTERPRISES.select(QueryDict("district=nowhere&business_type=cloud"))
        assert not selection.is_valid() and set(selection.errors) == {"district"}
        # The valid filters still filter, as the page shows them with the errors.
        assert {row["business_type__code"] for row in selection.qs.values("business_type__code")} == {"cloud"}
    assert made == ["enterprises", "enterprises"]


def test_the_public_and_the_staff_selections_are_kept_apart(db):
    draft = make_enterprise("上海草稿数字科技有限公司")
    put_on_list(draft, year=2023, status=Status.DRAFT)
    put_on_list(make_enterprise("上海公开数字科技有限公司"), year=2023)
    public = {name for name, _serial in rows(ENTERPRISES.select(QueryDict("list=2023")))}
    staff = {name for name, _serial in rows(ENTERPRISES.select(QueryDict("list=2023"), public=False))}
    assert public == {"上海公开数字科技有限公司"}
    assert staff == {"上海公开数字科技有限公司", "上海草稿数字科技有限公司"}


def test_the_api_filters_with_the_kept_selection_and_refuses_bad_parameters(client, report, monkeypatch):
    made = count_filtersets(monkeypatch)
    url = f"/api/enterprises/?{PARAMS}"
    first = client.get(url).json()
    # Another page size is another answer, from the same selection.
    second = client.get(f"{url}&page_size=5").json()
    assert first["count"] == second["count"] > 5
    assert second["results"] == first["results"][:5]
    assert made == ["enterprises"]
    response = client.get("/api/enterprises/?district=nowhere")
    assert response.status_code == 400 and "district" in response.json()
