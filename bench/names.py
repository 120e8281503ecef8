"""
Synthetic registered names: the registry's (bench/data.py writes them) and new names
that differ from every one of them in a brand character and in sound (the import
figures, the likely-duplicate figure). No Django: bench/import_sheet.py runs alone.

A synthetic name is built of known parts: 上海 or nothing, a brand of 2 to 4 characters,
an industry, a legal form. What tells one company from another is its core, the brand
and the industry; the benchmark knows each name's parts because it built the name, so
that which names are other companies is not decided by the rule being measured
(shdt.core.imports.matching).
"""

import random
from dataclasses import dataclass, field

from shdt.core.text import lazy_pinyin

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
# The part of a form that belongs to the core: 华信网络科技科技（上海）有限公司 is 华信网络科技科技.
CORE_OF_FORM = {"科技（上海）有限公司": "科技"}
LATIN = ("Nova", "Lumen", "Orbit", "Vertex", "Cloudia", "Datum", "Pixel", "Sino", "Harbor", "Apex", "Quanta", "Zen")
# The forms of new names (a sheet's rows).
NEW_FORMS = ("有限公司", "股份有限公司", "有限责任公司")


def _synthetic(count: int, seed: int):
    """Yield `count` distinct (name, brand, rest of the core, English alias or '')."""
    rng = random.Random(seed)
    seen: set[str] = set()
    made = 0
    while made < count:
        brand = "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 2, 3, 4))))
        # Drawn in the order data.py always drew them, so that its registry stays the same.
        prefix = rng.choice(("上海", "上海", "上海", ""))
        industry = rng.choice(INDUSTRIES)
        form = rng.choice(FORMS)
        name = f"{prefix}{brand}{industry}{form}"
        if name in seen:
            continue
        seen.add(name)
        made += 1
        english = f"{rng.choice(LATIN)}{rng.choice(LATIN)}" if rng.random() < 0.1 else ""
        yield name, brand, industry + CORE_OF_FORM.get(form, ""), english


def synthetic_names(count: int, seed: int = 2022) -> list[tuple[str, str, str]]:
    """Return `count` distinct (name, brand, English alias or '') triples."""
    return [(name, brand, english) for name, brand, _rest, english in _synthetic(count, seed)]


def sound(text: str) -> str:
    """How a core is said: its toneless pinyin, letters as written."""
    return "".join(lazy_pinyin(text)).casefold()


@dataclass
class Registry:
    """What new names must differ from: the registry's brands and the sounds of its cores."""

    # (id, name or alias), as the import's index gives them to the likely-duplicate check.
    spellings: list[tuple[int, str]] = field(default_factory=list)
    brands: set[str] = field(default_factory=set)
    sounds: set[str] = field(default_factory=set)
    # (brand, rest of the core) of each enterprise: where near misses start from.
    cores: list[tuple[str, str]] = field(default_factory=list)


def synthetic_registry(count: int, seed: int = 2022) -> Registry:
    """
    bench/data.py's registry of `count` enterprises, each with every alias data.py may give
    it (brand + 科技 to three in ten, an English name to one in ten): all of them here,
    so that new names differ from more spellings than the database holds, never fewer.
    """
    registry = Registry()
    for pk, (name, brand, rest, english) in enumerate(_synthetic(count, seed), start=1):
        registry.spellings += [(pk, name), (pk, brand + "科技")] + ([(pk, english)] if english else [])
        registry.brands.update((brand, english) if english else (brand,))
        registry.sounds.update((sound(brand + rest), sound(brand + "科技")))
        if english:
            registry.sounds.add(sound(english))
        registry.cores.append((brand, rest))
    return registry


def new_names(registry: Registry, count: int, seed: int) -> tuple[list[str], int]:
    """
    Return `count` new names, each differing from every registered one (and from each
    other) in its brand and in the sound of its core, and how many of them are near
    misses: one brand character from a registered name of the same industry, which is
    where a rule of "one character apart" raised its false alarms. Half are near misses
    where the registry allows; the others are new brands of the same characters.
    """
    rng = random.Random(seed)
    brands, sounds = set(registry.brands), set(registry.sounds)
    names: list[str] = []
    near = 0
    while len(names) < count:
        is_near = bool(registry.cores) and rng.random() < 0.5
        if is_near:
            brand, rest = rng.choice(registry.cores)
            at = rng.randrange(len(brand))
            brand = brand[:at] + rng.choice(BRAND_CHARS) + brand[at + 1 :]
        else:
            brand = "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 3, 3, 4))))
            rest = rng.choice(INDUSTRIES)
        said = sound(brand + rest)
        if brand in brands or said in sounds:
            continue
        brands.add(brand)
        sounds.add(said)
        near += is_near
        names.append(f"上海{brand}{rest}{rng.choice(NEW_FORMS)}")
    return names, near
