"""
Synthetic enterprises at scale: realistic registered Chinese names with aliases,
every region and business type, several years' lists. Written with bulk_create,
through the same derived-field code the model uses.
"""

import random
from decimal import Decimal

from django.db import transaction

from enterprises.models import AnnualList, BusinessType, CaseStudy, Enterprise, ListMembership
from shdt.reference.models import Region
from shdt.core.models import Status
from shdt.core.text import permalink_slug
from shdt.core.versioning import data_version_bump

from bench.names import synthetic_names

YEARS = (2022, 2023, 2024)
BATCH = 5000


def build(count: int, seed: int = 2022, log=print) -> None:
    """Fill an empty registry with `count` synthetic enterprises on several years' lists."""
    rng = random.Random(seed)
    regions = list(Region.objects.all())
    kinds = list(BusinessType.objects.all())
    lists = {
        year: AnnualList.objects.get_or_create(year=year, defaults={"title": f"{year}年上海数字贸易创新企业"})[0]
        for year in YEARS
    }
    serials = {year: 0 for year in YEARS}
    slugs: set[str] = set()
    names = synthetic_names(count, seed)
    for start in range(0, count, BATCH):
        chunk = names[start : start + BATCH]
        enterprises = []
        for name, brand, english in chunk:
            slug = permalink_slug(name)
            while slug in slugs:
                slug += "-x"
            slugs.add(slug)
            aliases = [brand + "科技"] if rng.random() < 0.3 else []
            if english:
                aliases.append(english)
            enterprise = Enterprise(
                name=name,
                aliases="\n".join(aliases),
                region=rng.choice(regions),
                business_type=rng.choice(kinds),
                slug=slug,
                source="benchmark",
            )
            enterprise.refresh_derived_fields()
            enterprises.append(enterprise)
        with transaction.atomic():
            Enterprise.objects.bulk_create(enterprises)
            memberships, cases = [], []
            for enterprise in enterprises:
                for year in rng.sample(YEARS, rng.choice((1, 1, 2, 3))):
                    serials[year] += 1
                    memberships.append(
                        ListMembership(
                            annual_list=lists[year], enterprise=enterprise, serial=serials[year], status=Status.PUBLISHED
                        )
                    )
            ListMembership.objects.bulk_create(memberships)
            for enterprise in enterprises:
                if rng.random() < 0.01:
                    cases.append(
                        CaseStudy(enterprise=enterprise, report_year=2022, serial=len(cases) + start + 1,
                                  trade_volume=Decimal(rng.randint(100, 200_000)) / 10, profile="…", case="…",
                                  status=Status.PUBLISHED)
                    )
            CaseStudy.objects.bulk_create(cases)
            Enterprise.objects.filter(pk__in=[enterprise.pk for enterprise in enterprises]).refresh_public_listing()
        log(f"  {min(start + BATCH, count):,} enterprises")
    data_version_bump()
