"""Small builders of test records; reference data (regions, types, domains) comes from the migrations."""

import datetime
import itertools

from bases.models import BaseDomain, ExportBase, Recognition
from enterprises.models import AnnualList, BusinessType, CaseStudy, Enterprise, ListMembership
from shdt.reference.models import Region
from policies.models import Policy
from shdt.core.models import Status

_numbers = itertools.count(1)


def make_enterprise(name=None, *, region="pudong", business_type="digital-services", **fields) -> Enterprise:
    enterprise = Enterprise(
        name=name or f"测试企业{next(_numbers)}有限公司",
        region=Region.objects.get(code=region),
        business_type=BusinessType.objects.get(code=business_type),
        **fields,
    )
    enterprise.full_clean()
    enterprise.save()
    return enterprise


def make_list(year=2022, **fields) -> AnnualList:
    annual_list, _ = AnnualList.objects.get_or_create(
        year=year, defaults={"title": f"{year}年上海数字贸易创新企业", **fields}
    )
    return annual_list


def put_on_list(enterprise, year=2022, serial=None, status=Status.PUBLISHED) -> ListMembership:
    """Put an enterprise on a year's list; published unless the test says otherwise."""
    annual_list = make_list(year)
    if serial is None:
        serial = annual_list.memberships.count() + 1
    return ListMembership.objects.create(annual_list=annual_list, enterprise=enterprise, serial=serial, status=status)


def make_case_study(
    enterprise, *, report_year=2022, serial=1, trade_volume="100.0", status=Status.PUBLISHED, **fields
) -> CaseStudy:
    return CaseStudy.objects.create(
        enterprise=enterprise, report_year=report_year, serial=serial, trade_volume=trade_volume, status=status, **fields
    )


def make_base(
    name="测试基地", *, domain="digital", category=ExportBase.Category.DIGITAL, years=(2020,), status=Status.PUBLISHED, **fields
):
    base = ExportBase.objects.create(
        name=name, domain=BaseDomain.objects.get(code=domain), category=category, status=status, **fields
    )
    for year in years:
        Recognition.objects.create(base=base, year=year, batch=Recognition.Batch.FIRST, source="测试")
    return base


def make_policy(
    title="《测试政策》", *, published_on=datetime.date(2021, 5, 1), issuer="上海市人民政府", status=Status.PUBLISHED, **fields
):
    return Policy.objects.create(title=title, published_on=published_on, issuer=issuer, status=status, **fields)
