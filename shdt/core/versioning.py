"""
The registry's data version: bumped in the same transaction as every change of a
record, read once per request. A cache keyed on it can never serve a page older than
the last change to the records, and pages show its time as “last updated”.
"""

import contextvars
import datetime

from django.db import connection
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


_READ_SQL = f"SELECT version, changed_at FROM {DataVersion._meta.db_table} WHERE id = %s"


def _aware(value):
    # SQLite gives the stored UTC time as text or a naive datetime; PostgreSQL an aware one.
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def data_version() -> DataVersion:
    """The current version and the time of the last change (one indexed read per request)."""
    memo = _memo.get()
    if memo is not None and "version" in memo:
        return memo["version"]
    # Every request reads it, cached answers included, where the ORM's query building
    # would be most of their cost: a plain statement.
    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL, [ROW])
        row = cursor.fetchone()
    version = DataVersion(pk=ROW, version=row[0], changed_at=_aware(row[1])) if row else DataVersion(pk=ROW, version=0)
    if memo is not None:
        memo["version"] = version
    return version


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
