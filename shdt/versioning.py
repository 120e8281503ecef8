"""
The registry's data version: bumped in the same transaction as every change of a
record, read once per request. A cache keyed on it can never serve a page older than
the last change to the records, and pages show its time as “last updated”.
"""

from django.db.models import F
from django.utils import timezone

from .models import DataVersion

ROW = 1


def data_version_bump() -> None:
    """Count one more change; call it after any write that bypasses model signals (bulk writes)."""
    now = timezone.now()
    if not DataVersion.objects.filter(pk=ROW).update(version=F("version") + 1, changed_at=now):
        DataVersion.objects.get_or_create(pk=ROW, defaults={"version": 1, "changed_at": now})


def data_version() -> DataVersion:
    """The current version and the time of the last change (one indexed read)."""
    return DataVersion.objects.filter(pk=ROW).first() or DataVersion(pk=ROW, version=0, changed_at=None)


def request_data_version(request) -> DataVersion:
    """The data version as of this request, read once however often it is asked for."""
    if not hasattr(request, "_shdt_data_version"):
        request._shdt_data_version = data_version()
    return request._shdt_data_version
