"""
The site's one search box: a query finds enterprises by their names (Chinese, alias,
English, pinyin), case studies by their words, export bases and policies by their
titles, each kind in a group of its own.

The framework imports no record app: each app registers a search source (register_search_source
in shdt.core.registry) whose `hits(query, limit)` returns its public records matching the
query, served on PostgreSQL by an index (trigram GIN indexes on the search texts). This
module cleans the query, asks every source, and marks where a result matched.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from markupsafe import Markup, escape

from .caching import cached_for_token, current_token
from .registry import search_sources
from .text import han_only, lazy_pinyin, normalize_name, normalize_query

# Query parameter of the search page and of its suggestions.
SEARCH_VAR = "q"
# A name is at most 200 characters; a longer query finds nothing but costs a scan.
MAX_QUERY_LENGTH = 100
# Results of each kind on the search page; the kind's own list page shows the rest.
GROUP_LIMIT = 10
SUGGESTION_LIMIT = 8
# Characters either side of a match in a case study's excerpt.
EXCERPT_CONTEXT = 40


class InvalidQuery(ValueError):
    """A query the search refuses, with the sentence that says why (the page answers 400)."""


@dataclass(frozen=True)
class Hit:
    """One record found: its name as registered, its page, and what else matched (an alias, an excerpt)."""

    title: str
    url: str
    title_en: str = ""
    note: str = ""


@dataclass(frozen=True)
class SearchSource:
    """
    What an app's records give the search: `hits(query, limit)` returns at most `limit`
    public records matching the cleaned query, best first; `more_url(query)`, if given,
    is the app's list page filtered by the same query.
    """

    kind: str
    label: str
    hits: Callable[[str, int], list[Hit]]
    order: int = 100
    more_url: Callable[[str], str] | None = None


@dataclass
class ResultGroup:
    source: SearchSource
    hits: list[Hit] = field(default_factory=list)
    # Whether the source had more than the page shows.
    has_more: bool = False


def clean_query(raw: str | None) -> str:
    """Return the query stripped of surrounding white space ("" for none); raise InvalidQuery for a query refused."""
    query = (raw or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidQuery(
            _("The search is too long: at most %(limit)d characters, please.") % {"limit": MAX_QUERY_LENGTH}
        )
    # PostgreSQL refuses a NUL in a string, and no name holds a control character.
    if any(unicodedata.category(char) == "Cc" for char in query):
        raise InvalidQuery(_("The search holds characters that no name or text contains."))
    return query


def search(query: str, limit: int = GROUP_LIMIT) -> list[ResultGroup]:
    """Return every source's hits for a cleaned query, in the sources' order; the groups without hits too."""
    groups, token = [], current_token()
    for source in ordered_sources():
        hits = source_hits(token, source, query, limit + 1) if query else []
        groups.append(ResultGroup(source, hits[:limit], len(hits) > limit))
    return groups


def source_hits(token: str, source: SearchSource, query: str, limit: int) -> list[Hit]:
    """
    A source's hits, read once per data version, as a list page's first rows are
    (shdt.core.caching): the next change to the records makes a new version, and so a
    new read. A query is typed again and again (a suggestion at each key, then the page).
    """
    return cached_for_token(token, ("search", source.kind, query, limit), lambda: source.hits(query, limit))


def suggestions(query: str, limit: int = SUGGESTION_LIMIT) -> list[dict]:
    """The first `limit` names found across the kinds, in the sources' order, each once."""
    found: dict[str, dict] = {}
    token = current_token()
    for source in ordered_sources():
        if len(found) >= limit:
            break
        for hit in source_hits(token, source, query, limit):
            found.setdefault(hit.url, {"name": hit.title, "url": hit.url, "kind": source.kind})
    return list(found.values())[:limit]


def ordered_sources() -> list[SearchSource]:
    return sorted(search_sources(), key=lambda source: source.order)


# Full-width letters and digits (ＭＬＢＢ, as a Chinese input method types them) and the
# half-width ones the report's texts are written in.
_FULL_WIDTH_LETTERS_AND_DIGITS = {
    code: code - 0xFEE0 for block in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for code in range(*block)
}


def text_query(query: str) -> str:
    """
    The form of a query that a lower-cased text (a case study's search text) contains:
    single spaces, and letters and digits half-width (ＭＬＢＢ finds MLBB). Punctuation
    keeps its width: a Chinese text's ，and 。 are full-width, as typed.
    """
    return " ".join(query.translate(_FULL_WIDTH_LETTERS_AND_DIGITS).lower().split())


# --- Where a text matched --------------------------------------------------------------


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """
    Return the (start, end) spans of `text` that the query matched, as the search matches
    names: ignoring width, case and white space, or by the pinyin of the Han characters
    (full syllables or initials), so that `hailong` marks 海隆 in 上海海隆软件有限公司.
    """
    needle = normalize_query(query)
    if not needle or not text:
        return []
    units = [(index, normalize_name(char)) for index, char in enumerate(text)]
    spans = _find([unit for unit in units if unit[1]], needle)
    if spans or not needle.isascii():
        return spans
    han = [index for index, char in enumerate(text) if han_only(char)]
    syllables = lazy_pinyin(han_only(text), errors="ignore")
    if len(syllables) != len(han):
        return []
    return _find(list(zip(han, syllables)), needle) or _find([(i, s[:1]) for i, s in zip(han, syllables)], needle)


def _find(units: list[tuple[int, str]], needle: str) -> list[tuple[int, int]]:
    """The spans of the text whose units' forms, put end to end, contain `needle` (merged where they touch)."""
    joined, owners = "", []
    for index, form in units:
        joined += form
        owners += [index] * len(form)
    spans: list[tuple[int, int]] = []
    start = joined.find(needle)
    while start != -1:
        span = (owners[start], owners[start + len(needle) - 1] + 1)
        if spans and span[0] <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], span[1]))
        else:
            spans.append(span)
        start = joined.find(needle, start + len(needle))
    return spans


def highlight(text: str, query: str) -> Markup:
    """Return `text` escaped, with what the query matched in <mark> (names come from staff: never trusted as HTML)."""
    parts, position = [], 0
    for start, end in match_spans(text, query):
        parts += [escape(text[position:start]), Markup("<mark>%s</mark>") % text[start:end]]
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def excerpt(texts, query: str, context: int = EXCERPT_CONTEXT) -> str:
    """The words around the first match of the query in the first of `texts` that it matches ("" if none does)."""
    for text in texts:
        spans = match_spans(text, query)
        if spans:
            start, end = spans[0]
            first, last = max(start - context, 0), min(end + context, len(text))
            snippet = " ".join(text[first:last].split())
            return f"{'…' if first else ''}{snippet}{'…' if last < len(text) else ''}"
    return ""
