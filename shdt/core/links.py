"""
Absolute addresses of the site's pages, for what is read away from the site: canonical
links, Open Graph tags, the sitemap and robots.txt. They are written with SITE_URL (e.g.
https://shdt.example.gov.cn), the public address that the downloads' permalinks use too,
never with the request's Host header, which a cached page would then repeat to others.
"""

from urllib.parse import urlencode

from django.conf import settings

from .languages import LANGUAGE_PARAM, language_from_query


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def canonical_url(request) -> str:
    """
    The page's address as search engines should know it: its path with only the query
    parameters the view reads (a list's filters and page), sorted, so that `utm_source=…`
    or a reordered query do not make a second page of the same content; and the language
    if the address names one (each language's page is a page of its own).
    """
    language = language_from_query(request)
    return _address(request, [(LANGUAGE_PARAM, language)] if language else [])


def language_alternates(request) -> list[tuple[str, str]]:
    """
    The page's address in each of the site's languages, as `<link rel="alternate"
    hreflang>` gives them: (hreflang, url) pairs, and x-default, the address without a
    language, which answers in the visitor's own.
    """
    alternates = [(_HREFLANG.get(code, code), _address(request, [(LANGUAGE_PARAM, code)])) for code, _name in settings.LANGUAGES]
    return [*alternates, ("x-default", _address(request, []))]


# BCP 47 as hreflang writes it; Django's codes are lower-case.
_HREFLANG = {"zh-hans": "zh-Hans"}


def _address(request, extra: list[tuple[str, str]]) -> str:
    known = _known_params(request)
    query = sorted((key, value) for key, values in request.GET.lists() if key in known for value in values if value)
    query += extra
    path = absolute_url(request.path)
    return f"{path}?{urlencode(query)}" if query else path


def _known_params(request) -> frozenset[str]:
    match = getattr(request, "resolver_match", None)
    view_class = getattr(getattr(match, "func", None), "view_class", None)
    params = getattr(view_class, "response_cache_params", None)
    return params() if params else frozenset()
