"""
The language of a page. A visitor's choice is a cookie (the language switch) or their
browser's Accept-Language, as Django's LocaleMiddleware reads them; an address may also
name it, `?lang=en` or `?lang=zh-hans`, so that each language of a page has an address of
its own: what search engines index (the pages' hreflang alternates) and what a shared
link keeps. The parameter wins for that request only; it sets no cookie.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

LANGUAGE_PARAM = "lang"


def language_from_query(request) -> str | None:
    """The language the address names (`?lang=`), if it is one of the site's; else None."""
    value = request.GET.get(LANGUAGE_PARAM, "").lower()
    return value if value in dict(settings.LANGUAGES) else None


def request_language(request) -> str:
    """The language a request is answered in, as the middleware below decides it."""
    return language_from_query(request) or translation.get_language_from_request(request)


class QueryLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, but a `?lang=` the site knows decides the language of that request."""

    def process_request(self, request):
        language = language_from_query(request)
        if language is None:
            return super().process_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None


def page_without_language(request) -> str:
    """The request's path and query without `lang`: where the language switch comes back to."""
    query = request.GET.copy()
    query.pop(LANGUAGE_PARAM, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
