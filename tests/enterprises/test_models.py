import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.models import Enterprise
from tests.factories import make_enterprise

pytestmark = pytest.mark.django_db


def test_a_half_width_twin_of_an_existing_name_is_refused_with_a_clear_message():
    make_enterprise("博彦科技（上海）有限公司")
    twin = Enterprise(
        name="博彦科技(上海)有限公司",
        region_id=make_enterprise().region_id,
        business_type_id=make_enterprise().business_type_id,
    )
    with pytest.raises(ValidationError) as excinfo:
        twin.full_clean()
    assert list(excinfo.value.message_dict) == ["name"], "one message, on the field the person typed"
    messages = excinfo.value.message_dict["name"]
    assert any("博彦科技（上海）有限公司" in message for message in messages)


def test_the_database_refuses_a_twin_even_when_validation_is_skipped():
    first = make_enterprise("上海 喜马拉雅科技有限公司")
    twin = Enterprise(name="上海喜马拉雅科技有限公司", region=first.region, business_type=first.business_type)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_saving_an_enterprise_keeps_its_own_name_unchanged():
    enterprise = make_enterprise("博彦科技（上海）有限公司")
    enterprise.full_clean()  # validating itself is no duplicate
    enterprise.refresh_from_db()
    assert enterprise.name == "博彦科技（上海）有限公司"


def test_the_permalink_is_made_once_and_kept_when_the_name_changes():
    enterprise = make_enterprise("上海喜马拉雅科技有限公司")
    assert enterprise.slug == "shanghaiximalayakeji"
    enterprise.name = "上海喜马拉雅网络科技有限公司"
    enterprise.save()
    enterprise.refresh_from_db()
    assert enterprise.slug == "shanghaiximalayakeji"
    assert enterprise.get_absolute_url() == "/enterprises/shanghaiximalayakeji/"


def test_two_names_with_the_same_pinyin_get_distinct_permalinks():
    first = make_enterprise("上海甲乙科技有限公司")
    second = make_enterprise("上海甲乙科技股份有限公司")
    assert first.slug != second.slug
    assert second.slug == f"{first.slug}-2"


def test_aliases_and_english_name_are_searchable_with_pinyin():
    enterprise = make_enterprise("上海合合信息科技股份有限公司", aliases="INTSIG\n合合信息", name_en="INTSIG Information")
    assert "intsig" in enterprise.search_text
    assert "hhxx" in enterprise.search_text
    assert enterprise.alias_list == ["INTSIG", "合合信息"]


def test_credit_code_is_tidied_before_it_is_checked():
    enterprise = make_enterprise(credit_code=" 91310000132200821h ")
    assert enterprise.credit_code == "91310000132200821H"


def test_a_wrong_credit_code_is_refused_on_the_field():
    with pytest.raises(ValidationError) as excinfo:
        make_enterprise(credit_code="91310000132200821X")
    assert "credit_code" in excinfo.value.message_dict


def test_enterprises_without_a_credit_code_do_not_collide():
    make_enterprise(credit_code="")
    make_enterprise(credit_code=None)
    assert Enterprise.objects.filter(credit_code__isnull=True).count() == 2


def test_aliases_are_one_per_line_whichever_separator_was_typed():
    enterprise = make_enterprise("上海合合信息科技股份有限公司", aliases="INTSIG；合合信息; CamScanner\n扫描全能王")
    enterprise.refresh_from_db()
    assert enterprise.aliases == "INTSIG\n合合信息\nCamScanner\n扫描全能王"
    assert enterprise.alias_list == ["INTSIG", "合合信息", "CamScanner", "扫描全能王"]


def test_a_website_typed_without_a_scheme_is_https_on_the_model_not_only_in_the_form():
    enterprise = make_enterprise(website="www.example.cn")
    assert enterprise.website == "https://www.example.cn"
    with pytest.raises(ValidationError) as excinfo:
        make_enterprise("上海坏网址科技有限公司", website="not a website")
    assert list(excinfo.value.message_dict) == ["website"]
