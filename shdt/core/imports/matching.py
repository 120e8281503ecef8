"""
Matching rows to records: likely duplicates by name, and records fetched by id in a few queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..text import normalize_name

def similar_name_key(name: str) -> str:
    """
    Return `name` without its parenthesised parts: 博彦科技（上海）有限公司 and
    博彦科技有限公司 give the same key, as do (中国) and （集团） variants.
    """
    return _without_parentheses(normalize_name(name))


def one_edit_apart(a: str, b: str) -> bool:
    """Return whether two different strings are one insertion, deletion or substitution apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def find_similar(new_names: dict[int, str], existing: dict[int, str]) -> dict[int, list[int]]:
    """
    For each new name (by row) return the ids of existing names that are likely the same
    enterprise: equal without parenthesised parts, or one character apart.

    Two texts one edit apart share a “deletion variant” (the text with one character
    left out, or the text itself), so only texts sharing a variant are compared. The
    variants are met with set operations: those of the smaller side are gathered once,
    each text of the larger side keeps only its variants found there (most keep none),
    and only those few variants are then traced back to their texts.
    """
    if not new_names or not existing:
        return {}
    new_norm = {row: normalize_name(name) for row, name in new_names.items()}
    old_norm = {pk: normalize_name(name) for pk, name in existing.items()}
    found: dict[int, set[int]] = {row: set() for row in new_names}
    by_key: dict[str, list[int]] = {}
    for pk, text in old_norm.items():
        by_key.setdefault(_without_parentheses(text), []).append(pk)
    for row, text in new_norm.items():
        found[row].update(by_key.get(_without_parentheses(text), ()))

    small, large, small_is_new = (new_norm, old_norm, True) if len(new_norm) <= len(old_norm) else (old_norm, new_norm, False)
    small_variants: set[str] = set()
    for text in small.values():
        small_variants.update(_deletions(text))
    shared: dict[object, set[str]] = {}
    for key, text in large.items():
        common = small_variants.intersection(_deletions(text))
        if common:
            shared[key] = common
    if not shared:
        return {row: sorted(pks) for row, pks in found.items() if pks}
    wanted = set().union(*shared.values())
    index: dict[str, list] = {}
    for key, text in small.items():
        for variant in wanted.intersection(_deletions(text)):
            index.setdefault(variant, []).append(key)
    for key, variants in shared.items():
        for variant in variants:
            for other in index[variant]:
                row, pk = (other, key) if small_is_new else (key, other)
                if one_edit_apart(new_norm[row], old_norm[pk]):
                    found[row].add(pk)
    return {row: sorted(pks) for row, pks in found.items() if pks}


_PARENTHESES = re.compile(r"\([^()]{0,12}\)")


def _without_parentheses(normalized: str) -> str:
    """similar_name_key() of a name already normalised."""
    return _PARENTHESES.sub("", normalized)


def _deletions(text: str) -> list[str]:
    """The text, and the text with each one of its characters left out."""
    return [text, *(text[:i] + text[i + 1 :] for i in range(len(text)))]


def fetch_in_chunks(queryset, pks: Iterable[int], size: int = 900) -> dict:
    """Return {pk: record} for the given ids, a few queries in all (SQLite limits the parameters)."""
    pks = sorted(set(pks) - {None})
    found = {}
    for start in range(0, len(pks), size):
        for record in queryset.filter(pk__in=pks[start : start + size]):
            found[record.pk] = record
    return found

