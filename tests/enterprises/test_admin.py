import pytest
from django.urls import reverse

from enterprises.models import BusinessType, Enterprise
from shdt.reference.models import Region
from tests.factories import make_case_study, make_enterprise, put_on_list

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enterprises_enterprise_changelist")
ADD = reverse("admin:enterprises_enterprise_add")


def changelist_names(response) -> list[str]:
    return [obj.name for obj in response.context["cl"].result_list]


@pytest.fixture
def two_enterprises():
    boyan = make_enterprise("博彦科技（上海）有限公司", region="pudong", aliases="博彦科技")
    xmly = make_enterprise("上海喜马拉雅科技有限公司", region="minhang", business_type="digital-content")
    put_on_list(boyan, 2022, serial=65)
    put_on_list(xmly, 2023, serial=1)
    make_case_study(xmly)
    return boyan, xmly


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_changelist_shows_lists_with_serials(staff_client, two_enterprises):
    response = staff_client.get(CHANGELIST)
    assert sorted(changelist_names(response)) == sorted(e.name for e in two_enterprises)
    assert "2022（65，已发布）" in response.content.decode()


@pytest.mark.parametrize(
    "term",
    ["博彦科技(上海)", "boyan", "bykj", "博彦科技"],
    ids=["half-width parentheses", "pinyin", "initials", "alias"],
)
def test_search_finds_by_any_spelling(staff_client, two_enterprises, term):
    response = staff_client.get(CHANGELIST, {"q": term})
    assert changelist_names(response) == ["博彦科技（上海）有限公司"]


def test_filter_by_list_year(staff_client, two_enterprises):
    boyan, xmly = two_enterprises
    annual_list_id = xmly.memberships.get().annual_list_id
    response = staff_client.get(CHANGELIST, {"memberships__annual_list__id__exact": annual_list_id})
    assert changelist_names(response) == [xmly.name]


def test_filter_by_region_and_business_type(staff_client, two_enterprises):
    region = Region.objects.get(code="minhang")
    kind = BusinessType.objects.get(code="digital-content")
    response = staff_client.get(CHANGELIST, {"region__id__exact": region.pk, "business_type__id__exact": kind.pk})
    assert changelist_names(response) == ["上海喜马拉雅科技有限公司"]


def test_change_form_shows_memberships_and_case_study_inline(staff_client, two_enterprises):
    _, xmly = two_enterprises
    response = staff_client.get(reverse("admin:enterprises_enterprise_change", args=[xmly.pk]))
    assert response.status_code == 200
    inlines = {inline.formset.prefix: inline.formset for inline in response.context["inline_admin_formsets"]}
    assert set(inlines) == {"memberships", "case_studies"}
    assert inlines["memberships"].initial_form_count() == 1
    assert inlines["case_studies"].initial_form_count() == 1
    assert "shanghaiximalayakeji" in response.content.decode()


def add_form_data(name, **extra):
    data = {
        "name": name,
        "name_en": "",
        "aliases": "",
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
    data.update(extra)
    return data


def test_adding_an_enterprise_through_the_admin(staff_client, two_enterprises):
    response = staff_client.post(ADD, add_form_data("上海新企业科技有限公司", credit_code="91310000132200821H"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Enterprise.objects.get(name="上海新企业科技有限公司")
    assert created.slug == "shanghaixinqiyekeji"
    assert created.credit_code == "91310000132200821H"


def test_a_half_width_twin_is_refused_in_the_admin_with_a_clear_message(staff_client, two_enterprises):
    response = staff_client.post(ADD, add_form_data("博彦科技(上海)有限公司"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["name"]
    assert any("博彦科技（上海）有限公司" in error for error in errors)
    assert Enterprise.objects.filter(name_normalized__startswith="博彦").count() == 1


def test_a_bad_credit_code_is_refused_in_the_admin(staff_client, two_enterprises):
    response = staff_client.post(ADD, add_form_data("上海新企业科技有限公司", credit_code="91310000132200821X"))
    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors
    assert not Enterprise.objects.filter(name="上海新企业科技有限公司").exists()


@pytest.mark.parametrize(
    "model",
    [
        "reference.region",
        "enterprises.businesstype",
        "enterprises.annuallist",
        "enterprises.listmembership",
        "enterprises.casestudy",
        "bases.exportbase",
        "bases.basedomain",
        "policies.policy",
    ],
)
def test_every_changelist_opens_for_staff(staff_client, two_enterprises, model):
    app_label, model_name = model.split(".")
    response = staff_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == response.context["cl"].queryset.count()


def test_an_edit_in_the_admin_is_in_the_records_history_with_its_author(staff_client, two_enterprises):
    response = staff_client.post(ADD, add_form_data("上海新企业科技有限公司"))
    assert response.status_code == 302
    created = Enterprise.objects.get(name="上海新企业科技有限公司")
    entry = created.history.get()
    assert (entry.history_type, entry.history_user.username, entry.name) == ("+", "staff", "上海新企业科技有限公司")
    assert entry.import_record is None
    page = staff_client.get(reverse("admin:enterprises_enterprise_history", args=[created.pk]))
    assert [r.history_user.username for r in page.context["page_obj"]] == ["staff"]
