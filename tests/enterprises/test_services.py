import pytest
from django.core.exceptions import ValidationError

from enterprises.models import AnnualList, BusinessType
from shdt.reference.models import Region
from enterprises.services import enterprise_create, enterprise_update, list_membership_set
from tests.factories import make_enterprise

pytestmark = pytest.mark.django_db


def test_create_validates_the_normalised_name():
    make_enterprise("博彦科技（上海）有限公司")
    with pytest.raises(ValidationError) as excinfo:
        enterprise_create(
            name="博彦科技(上海)有限公司",
            region=Region.objects.get(code="pudong"),
            business_type=BusinessType.objects.get(code="cloud"),
        )
    assert "name" in excinfo.value.message_dict


def test_update_refuses_a_bad_credit_code_and_keeps_the_record():
    enterprise = make_enterprise()
    with pytest.raises(ValidationError):
        enterprise_update(enterprise, credit_code="91310000132200821X")
    enterprise.refresh_from_db()
    assert enterprise.credit_code is None


def test_putting_an_enterprise_on_a_new_years_list_creates_the_list():
    enterprise = make_enterprise()
    membership = list_membership_set(enterprise=enterprise, year=2023, serial=7)
    assert AnnualList.objects.get(year=2023).title == "2023年上海数字贸易创新企业"
    assert membership.serial == 7
    again = list_membership_set(enterprise=enterprise, year=2023, serial=8)
    assert again.pk == membership.pk and again.serial == 8


def test_two_enterprises_cannot_share_a_serial_on_one_list():
    list_membership_set(enterprise=make_enterprise(), year=2023, serial=1)
    with pytest.raises(ValidationError):
        list_membership_set(enterprise=make_enterprise(), year=2023, serial=1)
