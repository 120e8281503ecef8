"""
Matching rows to records: likely duplicates by name, and records fetched by id in a few queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pypinyin import Style

from ..text import lazy_pinyin, normalize_name

# What a registered name carries beside the company itself. A region mark says where the
# company is registered, not which company it is: 博彦科技（上海）有限公司 is 博彦科技 in
# Shanghai, and the report writes 海隆软件 and 上海海隆软件 for one company.
REGION_PREFIXES = ("上海市", "上海", "中国")
# Legal forms; any number of them are set aside at the end (集团有限公司 is two).
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "总公司",
    "分公司",
    "集团",
    "公司",
)
# A legal form cut short (有限公, 股份有限) is still one: every beginning of two characters or more.
_FORM_ENDINGS = sorted({form[:i] for form in LEGAL_FORMS for i in range(2, len(form) + 1)}, key=len, reverse=True)
# A parenthesised part short enough to be a mark ((上海), （中国）, (集团)), not a name.
_PARENTHESES = re.compile(r"\([^()]{0,12}\)")
# Region marks in front, legal forms behind, any number of each; the shortest core that is
# not empty. One expression: it runs over every name and alias of the registry at each import.
_MARKS = re.compile(
    "^(?:{})*(?P<core>.+?)(?:{})*$".format(
        "|".join(map(re.escape, REGION_PREFIXES)), "|".join(map(re.escape, _FORM_ENDINGS))
    ),
    re.DOTALL,
)


def name_key(name: str) -> str:
    """
    Return what is left of a name once what says nothing about which company it is has
    been set aside: width, spaces and case (normalize_name), parenthesised marks, leading
    region marks (上海, 中国) and trailing legal forms (有限公司, 股份有限公司, 集团…),
    even cut short (有限公).

    上海海隆软件有限公司, 海隆软件股份有限公司 and 海隆软件（上海）有限公司 all give 海隆软件;
    上海海捷软件有限公司 gives 海捷软件, another company. A name that is nothing but marks
    never becomes empty (上海有限公司 keeps 有限).
    """
    text = _PARENTHESES.sub("", normalize_name(name))
    match = _MARKS.match(text)
    return match["core"] if match else text


# The toneless pinyin of each character met so far: a few thousand characters at most.
_CHAR_SOUNDS: dict[str, str] = {}


def sound_key(name: str) -> str:
    """
    Return how name_key(name) is said: its toneless pinyin, with letters and digits as
    written. 海隆软件 and 海龙软件 give hailongruanjian; 海捷软件 gives haijieruanjian.

    Character by character, each in its most common reading (shdt.core.text.lazy_pinyin
    of the character alone), not cut into words as search's pinyin is: a brand is seldom
    a word of the dictionary, the same characters always sound the same, and the
    registry's 200,000 names and aliases are keyed at each import, twenty times faster so.
    """
    sounds = []
    for char in name_key(name):
        sound = _CHAR_SOUNDS.get(char)
        if sound is None:
            sound = _CHAR_SOUNDS[char] = "".join(lazy_pinyin(char, style=Style.NORMAL, errors=_as_written))
        sounds.append(sound)
    return "".join(sounds)


def _as_written(chars: str) -> list[str]:
    """Latin letters and digits sound as they are written (one function, so that pinyin can cache it)."""
    return [chars]


def find_similar(
    new_names: dict[int, str],
    existing: Iterable[tuple[int, str]],
    *,
    new_codes: dict[int, str] | None = None,
    codes: dict[int, str | None] | None = None,
) -> dict[int, list[int]]:
    """
    For each new name (by row) return the ids of the existing enterprises it is likely to
    be: those with a name or alias (`existing` holds (id, name) pairs for both) that sounds
    the same once region marks, legal forms, width and spaces are set aside (sound_key).

    Why this rule: a person hesitates over 海隆软件股份有限公司 beside 上海海隆软件有限公司,
    博彦科技有限公司 beside 博彦科技（上海）有限公司, or 海龙 beside 海隆 (the same when
    heard, a typing slip in pinyin input); a person does not hesitate over 海捷 beside 海隆.
    Names one character apart were flagged before: among 100,000 registered names most
    new names are one brand character from some other company (905 of 2,000 were flagged),
    so the flags said nothing. Equal characters give equal pinyin, so one key, the sound,
    covers both the same name and the homophone.

    What is not here: a row whose credit code, normalised name or alias is an existing
    enterprise's *is* that enterprise (EnterpriseIndex matches it); only rows matched by
    nothing come here. A row whose credit code differs from the one registered for a
    candidate is another legal person (a parent and its Shanghai subsidiary), so that
    candidate is left out (`new_codes` by row, `codes` by id).

    Each side is reduced to its keys once and met in a dict: no pair of names is compared.
    """
    if not new_names:
        return {}
    new_codes, codes = new_codes or {}, codes or {}
    by_sound: dict[str, set[int]] = {}
    for pk, name in existing:
        key = sound_key(name)
        if key:
            by_sound.setdefault(key, set()).add(pk)
    found = {}
    for row, name in new_names.items():
        pks = by_sound.get(sound_key(name), set())
        code = new_codes.get(row)
        if code:
            pks = {pk for pk in pks if not codes.get(pk) or codes[pk] == code}
        if pks:
            found[row] = sorted(pks)
    return found


def fetch_in_chunks(queryset, pks: Iterable[int], size: int = 900) -> dict:
    """Return {pk: record} for the given ids, a few queries in all (SQLite limits the parameters)."""
    pks = sorted(set(pks) - {None})
    found = {}
    for start in range(0, len(pks), size):
        for record in queryset.filter(pk__in=pks[start : start + size]):
            found[record.pk] = record
    return found

