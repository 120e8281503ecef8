"""
The registry's data version: bumped in the same transaction as every change of a
record, read once per request. A cache keyed on it can never serve a page older than
the last change to the records, and pages show its time as “last updated”.
"""

import contextvars

from django.db.models import F
from django.utils import timezone

from .models import DataVersion

ROW = 1

# One read per request: DataVersionMiddleware opens a memo for the request's duration.
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("shdt_data_version", default=None)


def data_version_bump() -> None:
    """Count one more change; call it after any write that bypasses model signals (bulk writes)."""
    now = timezone.now()
    if not DataVersion.objects.filter(pk=ROW).update(version=F("version") + 1, changed_at=now):
        DataVersion.objects.get_or_create(pk=ROW, defaults={"version": 1, "changed_at": now})
    memo = _memo.get()
    if memo is not None:
        # The records changed: what this request read of them is stale now.
        memo.clear()


def data_version() -> DataVersion:
    """The current version and the time of the last change (one indexed read per request)."""
    memo = _memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    row = DataVersion.objects.filter(pk=ROW).values_list("version", "changed_at").first()
    version = DataVersion(pk=ROW, version=row[0], changed_at=row[1]) if row else DataVersion(pk=ROW, version=0)
    if memo is not None:
        memo["version"] = version
    return version


def request_memo() -> dict | None:
    """A dict that lives as long as the current request (None outside one), for values read once per request."""
    return _memo.get()


def request_data_version(request) -> DataVersion:
    """The data version as of this request (kept for the views that have the request at hand)."""
    return data_version()


class DataVersionMiddleware:
    """Read the data version at most once per request, whoever asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
