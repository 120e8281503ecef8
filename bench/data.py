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

YEARS = (2022, 2023, 2024)
BATCH = 5000

# Characters and words registered names are made of.
BRAND_CHARS = (
    "华信达通宇博创新智云数联网恒泰安瑞嘉德鼎盛汇鑫源腾飞越明辉光远航星辰海天川峰林森"
    "美亿佳禾和顺康健宏伟志成金银东南西北中正元方圆格致睿思讯捷迅锐晟昊昱晖晨曦启航"
    "领先优品众合众邦邦泽润沃丰凯旋欣悦乐享趣玩游戏影视音画图文书香墨蓝青紫红橙绿"
)
INDUSTRIES = (
    "信息技术", "网络科技", "数字科技", "软件技术", "文化传媒", "电子商务", "科技", "智能科技",
    "数据科技", "供应链管理", "信息服务", "网络技术", "互娱科技", "影视传媒", "云计算技术",
)
FORMS = ("有限公司", "股份有限公司", "（上海）有限公司", "（中国）有限公司", "科技（上海）有限公司")
LATIN = ("Nova", "Lumen", "Orbit", "Vertex", "Cloudia", "Datum", "Pixel", "Sino", "Harbor", "Apex", "Quanta", "Zen")


def synthetic_names(count: int, seed: int = 2022) -> list[tuple[str, str, str]]:
    """Return `count` distinct (name, brand, English alias or '') triples."""
    rng = random.Random(seed)
    seen: set[str] = set()
    names = []
    while len(names) < count:
        brand = "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 2, 3, 4))))
        name = f"{rng.choice(('上海', '上海', '上海', ''))}{brand}{rng.choice(INDUSTRIES)}{rng.choice(FORMS)}"
        if name in seen:
            continue
        seen.add(name)
        english = f"{rng.choice(LATIN)}{rng.choice(LATIN)}" if rng.random() < 0.1 else ""
        names.append((name, brand, english))
    return names


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
