"""
Caches keyed by the registry's data token (shdt.core.versioning): a cached page, count or
set of choices belongs to one state of the records, and the next change writes a new
token, which no state ever had before, so nothing cached is ever served after the
records it shows have changed (nor after a rollback or a restore brought other records
back).

What is cached: whole public responses for anonymous visitors (RESPONSE_CACHE_SECONDS,
0 turns it off), and the counts, facet counts and reference choices that every list
page needs, and the keys of deep pages in blocks (always on: they are cheap to keep and
exact).

Only outside a transaction (may_cache), and only what was computed while the token it
is keyed by stayed the committed one (store_if_current).
"""

import hashlib
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.functional import cached_property

from .languages import LANGUAGE_PARAM, language_from_query, request_language
from .versioning import data_version, request_memo

# Records change rarely; entries of an old token simply age out.
DATA_TIMEOUT = 24 * 3600


def token_key(token: str, *parts) -> str:
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    return f"shdt:{token}:{digest}"


def may_cache() -> bool:
    """
    Whether values may be kept and taken from the caches now: only outside a transaction.
    Inside one, what is read may be uncommitted writes, under a token that a rollback
    discards or under the committed one before a bulk write names its change.
    """
    return transaction.get_autocommit()


class VersionValues:
    """
    What this process has read for one data token: a token's values never change (a
    change to the records writes a new token), so they are kept here until the token
    moves on, and read without a round trip to the cache or unpickling. Bounded: a busy
    token's many counts drop out oldest first. Nothing is kept or taken inside a
    transaction (may_cache).
    """

    SIZE = 512

    def __init__(self):
        self._lock = threading.Lock()
        self._token = None
        self._values = {}

    def get(self, token: str, key):
        if not may_cache():
            return None
        with self._lock:
            return self._values.get(key) if token == self._token else None

    def set(self, token: str, key, value) -> None:
        if not token or not may_cache():
            return
        with self._lock:
            if token != self._token:
                self._token, self._values = token, {}
            elif len(self._values) >= self.SIZE:
                del self._values[next(iter(self._values))]
            self._values[key] = value

    def clear(self) -> None:
        with self._lock:
            self._token, self._values = None, {}


process_values = VersionValues()

# In the request's memo (shdt.core.versioning.request_memo): what it computed, by key,
# and what it will store in the shared cache when it ends (store_pending).
VALUES, PENDING = "values", "pending"


def cached_for_token(token: str, parts: tuple, compute: Callable, timeout: int = DATA_TIMEOUT):
    """
    Return the value computed for these parts of the records named by `token`, computing
    it once (for every process, through the cache). Callers must not change what they get.
    """
    key = token_key(token, *parts)
    memo = request_memo()
    values = memo.setdefault(VALUES, {}) if memo is not None else {}
    if key in values:
        return values[key]
    shared = bool(token) and may_cache()
    value = process_values.get(token, key) if shared else None
    if value is None:
        value = cache.get(key) if shared else None
        if value is None:
            value = compute()
            # None is never kept: it could not be told from a missing entry, and what
            # answers None (a selection of refused parameters) is keyed by whatever a
            # visitor sent, which would fill the cache.
            if shared and value is not None:
                keep(token, key, value, timeout)
        elif shared:
            process_values.set(token, key, value)
    values[key] = value
    return value


def keep(token: str, key: str, value, timeout: int, *, in_process: bool = True) -> None:
    """Store a value computed under `token`: when the request ends, or at once outside a request."""
    memo = request_memo()
    if memo is not None:
        memo.setdefault(PENDING, []).append((token, key, value, timeout, in_process))
    else:
        store_if_current([(token, key, value, timeout, in_process)])


def store_pending() -> None:
    """Store what the current request computed (ResponseCacheMiddleware calls it as the request ends)."""
    memo = request_memo()
    if memo and memo.get(PENDING):
        store_if_current(memo.pop(PENDING))


def store_if_current(entries: list) -> None:
    """
    Store the entries whose token is still the committed one, read again now. A reader
    that read the token, then rows that a writer committed under the next one, must not
    leave those rows under the old token: a restore of a backup could bring it back.
    The token is written in the change's own transaction, so if it is unchanged after the
    value was computed, so were the rows the value was computed from.
    """
    if not entries or not may_cache():
        return
    current = data_version(fresh=True).token
    for token, key, value, timeout, in_process in entries:
        if token == current:
            cache.set(key, value, timeout)
            if in_process:
                process_values.set(token, key, value)


def current_token() -> str:
    return data_version().token


def reference_rows(model, fields: tuple[str, ...]) -> tuple[tuple, ...]:
    """
    The rows of a small reference table (regions, types, domains, lists) as tuples of
    `fields`. The whole table is read once per data token, whichever fields are asked.
    """
    token = current_token()

    def project():
        label = model._meta.label
        table = cached_for_token(token, ("reference", label), lambda: list(model.objects.values()))
        return tuple(tuple(row["id" if name == "pk" else name] for name in fields) for row in table)

    return cached_for_token(token, ("reference rows", model._meta.label, fields), project)


class CountCachingPaginator(Paginator):
    """
    A paginator that keeps the total of its rows per data token, and fetches a deep
    page by its keys first, then its rows. The keys are read in blocks that are kept per
    data token (when given a `keys_key`), so that of the pages in one block only the
    first pays for the scan of the rows before it.
    """

    # Below this offset a plain OFFSET query is as fast as two queries.
    DEFERRED_JOIN_OFFSET = 1000
    # Rows per block of cached keys: a block of ids is a few kilobytes in the cache.
    KEY_BLOCK = 1000

    def __init__(
        self,
        object_list,
        per_page,
        *,
        count_key: tuple | None = None,
        keys_key: tuple | None = None,
        token: str | None = None,
        keys_queryset=None,
        cached_rows_key: tuple | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        # What identifies the rows *and their order* but not the page: with it, the rows of
        # the first pages are kept per data version. Only for an object list of plain
        # values (values_list()), which the cache stores as they are.
        self.cached_rows_key = cached_rows_key
        # What identifies the rows *and their order* (the count's key leaves the sort out).
        self.keys_key = keys_key
        self.token = token
        # The same rows and order without what is joined only for showing them, so that
        # reading a deep page's keys can be an index-only scan.
        self.keys_queryset = keys_queryset if keys_queryset is not None else object_list

    @cached_property
    def count(self):
        if self.count_key is None or self.token is None:
            return super().count
        return cached_for_token(self.token, ("count", *self.count_key), lambda: self.object_list.count())

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.DEFERRED_JOIN_OFFSET and self.cached_rows_key is not None and self.token is not None:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            # A page of rows is read once per data version, as its count is: the next
            # change to the records makes a new version, and so a new read.
            rows = cached_for_token(
                self.token,
                ("rows", *self.cached_rows_key, bottom, top),
                lambda: list(self.object_list[bottom:top]),
            )
            return self.get_page_object(rows, number)
        if bottom < self.DEFERRED_JOIN_OFFSET or not hasattr(self.object_list, "values_list"):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        keys = self.keys(bottom, top)
        rows = {_key(row): row for row in self.object_list.filter(pk__in=keys)}
        return self.get_page_object([rows[key] for key in keys if key in rows], number)

    def get_page_object(self, rows, number) -> Page:
        return Page(rows, number, self)

    def keys(self, bottom: int, top: int) -> list:
        """The primary keys of the rows from `bottom` to `top` (excluded), in order."""
        if self.keys_key is None or self.token is None:
            return self.read_keys(bottom, top)
        keys = []
        for block in range(bottom // self.KEY_BLOCK, (top - 1) // self.KEY_BLOCK + 1):
            start = block * self.KEY_BLOCK
            block_keys = cached_for_token(
                self.token,
                ("keys", *self.keys_key, self.KEY_BLOCK, block),
                lambda start=start: self.read_keys(start, start + self.KEY_BLOCK),
            )
            keys += block_keys[max(bottom - start, 0) : top - start]
        return keys

    def read_keys(self, bottom: int, top: int) -> list:
        return list(self.keys_queryset.values_list("pk", flat=True)[bottom:top])


def _key(row):
    # Rows are model instances, dicts of a values() query or tuples of a values_list()
    # query, each with the primary key first.
    if isinstance(row, dict):
        return row["id"]
    return row[0] if isinstance(row, tuple) else row.pk


def public_params_key(params, ignore=(), only=None) -> tuple:
    """
    The query parameters as a stable key, without those that do not change the rows
    (`ignore`), and only those the view reads (`only`, a collection of names, if given): a
    parameter the view does not know changes nothing, and keyed, it would let a visitor
    make a new entry with every request (?utm=<random>).
    """
    return tuple(
        sorted(
            (key, tuple(params.getlist(key)))
            for key in params
            if key not in ignore and (only is None or key in only)
        )
    )


# --- Whole responses ------------------------------------------------------------------


def response_cache_seconds() -> int:
    return getattr(settings, "RESPONSE_CACHE_SECONDS", 0)


def may_cache_response(request) -> bool:
    """
    Only anonymous GETs: a signed-in account (a session cookie, or an API token in the
    Authorization header) may see more than the public.
    """
    return (
        response_cache_seconds() > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
    )


def response_key(request, token: str | None = None) -> str:
    """
    The key of a response: the data token (the current one unless given), and everything
    the response varies by — the host (the API's links are absolute, built from it), the
    path and query, and the language the visitor would be answered in (as LocaleMiddleware
    decides it). The API answers JSON whatever the client accepts.
    """
    return token_key(
        current_token() if token is None else token,
        "response",
        request.get_host(),
        request_language(request),
        request.get_full_path(),
    )


def view_keeps_responses(request) -> bool:
    """
    Whether the path leads to a public view whose answers the response cache keeps (a
    view class with `response_cache = True`), asked with only the query parameters that
    view reads (its `response_cache_params()`): any other parameter would make a new
    entry for the same answer, as often as a visitor likes, so such a request is answered
    but not kept. Resolving the path once more costs much less than the cache read that
    every other request would otherwise make for nothing.
    """
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    view_class = getattr(view, "view_class", None)
    if not getattr(view_class, "response_cache", False):
        return False
    if not request.GET:
        return True
    known = known_params(view_class)
    # `lang` names a language the site has, or is ignored: either way the key (which holds
    # the language answered in) names what is shown.
    return all(name in known or (name == LANGUAGE_PARAM and language_from_query(request)) for name in request.GET)


def known_params(view_class) -> frozenset[str]:
    """The query parameters a cached view reads (kept per class: they are its declaration)."""
    known = view_class.__dict__.get("_shdt_known_params")
    if known is None:
        params = getattr(view_class, "response_cache_params", None)
        known = frozenset(params() if params is not None else ())
        view_class._shdt_known_params = known
    return known


def response_cacheable_mark(response) -> None:
    """Mark a public view's response as one the response cache may keep (see ResponseCacheMiddleware)."""
    response.shdt_cacheable = True


class ResponseCacheMiddleware:
    """
    Serve an anonymous visitor's GET of a public page or API answer from the cache of the
    current data token, before the rest of the middleware and the view run.

    It keeps only what a view marked with `response_cacheable_mark` (the public views,
    through VersionedResponseCacheMixin and the API's CachedReadMixin), with the headers
    the inner middleware gave it (Content-Language, Vary, Content-Security-Policy, …), and
    never a response that sets a cookie. A cached answer costs one read of the data token
    and one cache read; it is not counted by the API's throttle, which is there for the
    answers that cost a query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.answer(request)
        # Every request passes here: what it computed under the token it read is stored
        # now if that is still the committed token (the response included).
        store_pending()
        return response

    def answer(self, request):
        if not (may_cache_response(request) and view_keeps_responses(request) and may_cache()):
            return self.get_response(request)
        token = current_token()
        if not token:
            return self.get_response(request)
        key = response_key(request, token)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if (
            getattr(response, "shdt_cacheable", False)
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            keep(token, key, (response.content, list(response.items())), response_cache_seconds(), in_process=False)
        return response


class VersionedResponseCacheMixin:
    """For a public view: let the response cache keep what it answers an anonymous visitor."""

    response_cache = True

    @classmethod
    def response_cache_params(cls) -> frozenset[str]:
        """The query parameters the view reads: a request with any other is not kept. None by default."""
        return frozenset()

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # Downloads (fmt) stream and are never kept.
        if not kwargs.get("fmt") and may_cache_response(request) and self.keeps_response():
            response_cacheable_mark(response)
        return response

    def keeps_response(self) -> bool:
        """Whether this answer may be kept (a list page refuses a mistyped filter's: see RegistryListView)."""
        return True
