"""
Limits on what one address may ask of the public pages and downloads per period
(settings.PAGE_RATE, settings.DOWNLOAD_RATE), counted by the address the site's one rule
names (shdt.core.clients.client_address), in the cache shared by every server process.

A fixed window: the counter of an address for the current period is one cache key,
created with the period as its lifetime and incremented by each request, in one round
trip to the cache. Cheap enough for every request, and no database query: a visitor over
the limit costs the site a cache write and a small page. If the cache fails, nobody is
limited: the site answering matters more than the limit.
"""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .clients import client_address
from .exports import FORMATS

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PAGE, DOWNLOAD = "page", "download"
# Counted by the view that takes reports of errors (shdt.core.corrections), not here: only its POSTs.
CORRECTION = "correction"
# Submissions of a public form that writes (enterprises.applications), counted by the view
# on each POST, besides the page limit every request meets.
APPLICATION = "application"
RATE_SETTINGS = {PAGE: "PAGE_RATE", DOWNLOAD: "DOWNLOAD_RATE", CORRECTION: "CORRECTION_RATE", APPLICATION: "APPLICATION_RATE"}
# The API has its own throttle (shdt.core.api.throttling); the admin is for staff, whose
# sign-in django-axes guards.
UNLIMITED_PREFIXES = ("/api/", "/admin/")
DOWNLOAD_SUFFIXES = tuple(f".{fmt.extension}" for fmt in FORMATS.values())


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """"120/minute" as (120, 60); None or "" for no limit."""
    if not rate:
        return None
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


def request_kind(request) -> str | None:
    """What the request is limited as: a download, a page, or nothing (static files, the API, the admin)."""
    path = request.path_info
    static = "/" + settings.STATIC_URL.lstrip("/") if "://" not in settings.STATIC_URL else None
    if path.startswith(UNLIMITED_PREFIXES) or (static and path.startswith(static)):
        return None
    return DOWNLOAD if path.endswith(DOWNLOAD_SUFFIXES) else PAGE


def rate_of(kind: str) -> tuple[int, int] | None:
    return parse_rate(getattr(settings, RATE_SETTINGS[kind], None))


def hits_in_window(key: str, seconds: int) -> int:
    """
    Count one more hit on `key`, a counter that lives `seconds`; return the count. One
    round trip on Redis (shdt.core.redis_cache.RedisCache.incr_or_create); elsewhere
    incr, and add when the window's counter does not exist yet (add is atomic: of two
    processes starting the same window, the second increments the first one's counter).
    """
    incr_or_create = getattr(cache, "incr_or_create", None)
    if incr_or_create is not None:
        return incr_or_create(key, seconds)
    try:
        return cache.incr(key)
    except ValueError:
        if cache.add(key, 1, seconds):
            return 1
        return cache.incr(key)


def wait_seconds(request, kind: str) -> int | None:
    """If the request's address is over its limit, how many seconds until the next window; else None."""
    rate = rate_of(kind)
    if rate is None:
        return None
    allowed, period = rate
    now = time.time()
    window = int(now // period)
    key = f"shdt:limit:{kind}:{period}:{window}:{client_address(request)}"
    try:
        count = hits_in_window(key, period)
    except Exception:  # noqa: BLE001 - any failure of the cache (Redis down, a timeout)
        logger.warning("Request limits are off: the cache did not answer", exc_info=True)
        return None
    if count <= allowed:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def too_many_requests(request, retry_after: int, template_name: str = "429.html") -> HttpResponse:
    """429 with Retry-After and a short page in the visitor's language."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        context = {"retry_after": retry_after, "retry_minutes": math.ceil(retry_after / 60)}
        content = render_to_string(template_name, context, request=request)
    response = HttpResponse(content, status=429)
    response["Retry-After"] = str(retry_after)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response


class RequestLimitMiddleware:
    """
    Limit anonymous requests to the public pages and downloads per address.

    Early in the chain, before the response cache: a cached page is counted as any other,
    or the limit would hold only for what costs the site a query. A request that carries
    no session cookie and no Authorization header is anonymous and counted at once; one
    that carries either is counted once the account is known (process_view runs after
    AuthenticationMiddleware), and not at all if it is a staff member's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = request_kind(request)
        if kind is not None:
            if settings.SESSION_COOKIE_NAME in request.COOKIES or "authorization" in request.headers:
                request.shdt_limit_kind = kind
            else:
                retry_after = wait_seconds(request, kind)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        kind = getattr(request, "shdt_limit_kind", None)
        if kind is None:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return None
        retry_after = wait_seconds(request, kind)
        return too_many_requests(request, retry_after) if retry_after is not None else None
