"""
The registry's data token: a random value naming one state of the records, written
again with every change and read once per request. Caches key on it (shdt.core.caching),
and pages show the time of the last change as “last updated”.

Why a random token, why it is written in the change's own transaction, and why nothing
is cached inside a transaction:

- A counter comes back. A rolled-back transaction, a restored backup or `flush` +
  `loaddata` put an old number back beside other records, and what was cached under that
  number was served again. 128 random bits never come back: a token names one state of
  the records only.
- The token is written in the same transaction as the change it names, not in
  `transaction.on_commit`: the change and its token commit together or not at all. With
  on_commit, a crash or a lost connection between the commit and the callback would
  leave committed records under the old token, whose cached pages would then be served
  until the next change; and a backup would hold records with the token of an earlier
  state. Written in the transaction, a backup holds the token of the records it holds,
  so a restore brings back a token together with exactly the records that were cached
  under it (caching stores a value only if the token it read is still the committed one
  after the value was computed: shdt.core.caching.store_if_current).
- What on_commit is for — nothing computed inside a write transaction is cached under
  the next version — holds more strictly: inside a transaction nothing is cached, nor
  read from a cache (shdt.core.caching.may_cache). There a request may see its own
  uncommitted writes under a token that a rollback discards, or under the committed
  token before a bulk write's bump; it computes afresh instead, and keeps what it
  computed for itself until the request ends.
- `migrate` and `flush` (post_migrate), and loading a fixture that holds the row itself,
  write a new token too: a database put back by hand then migrated, or emptied and
  loaded again, never answers to a token it had before.
"""

import contextvars
import datetime

from django.apps import apps as global_apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models.signals import post_migrate, post_save
from django.utils import timezone

from .models import DataVersion, new_data_token

ROW = 1

# One read per request: DataVersionMiddleware opens a memo for the request's duration,
# which shdt.core.caching also uses for what the request computed (request_memo).
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("shdt_data_version", default=None)


def data_version_bump() -> None:
    """Name the records' new state; call it after any write that bypasses model signals (bulk writes)."""
    now = timezone.now()
    token = new_data_token()
    if not DataVersion.objects.filter(pk=ROW).update(token=token, changed_at=now):
        DataVersion.objects.update_or_create(pk=ROW, defaults={"token": token, "changed_at": now})
    memo = _memo.get()
    if memo is not None:
        # The records changed: what this request read of them is stale now.
        memo.clear()


def _renew(model, using: str) -> None:
    token = new_data_token()
    if not model.objects.using(using).filter(pk=ROW).update(token=token):
        model.objects.using(using).update_or_create(pk=ROW, defaults={"token": token})
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def renew_after_migrate(using, apps=global_apps, **kwargs) -> None:
    """
    A new token after every migrate and flush, the time of the last change kept (the
    records did not change). Skipped while the database is migrated to a state without
    the token (the app unmigrated, or migrated back to before it). `flush` sends no
    `apps`: the database then has the current models.
    """
    try:
        model = apps.get_model("shdt", "DataVersion")
        model._meta.get_field("token")
    except (LookupError, FieldDoesNotExist):
        return
    _renew(model, using)


def renew_after_loaddata(raw, using, **kwargs) -> None:
    """A fixture that holds the row itself (a portable backup) loads with a new token."""
    if raw:
        _renew(DataVersion, using)


def connect(app_config) -> None:
    post_migrate.connect(renew_after_migrate, sender=app_config, dispatch_uid="shdt-data-token-migrate")
    post_save.connect(renew_after_loaddata, sender=DataVersion, dispatch_uid="shdt-data-token-loaddata")


_READ_SQL = f"SELECT token, changed_at FROM {DataVersion._meta.db_table} WHERE id = %s"


def _aware(value):
    # SQLite gives the stored UTC time as text or a naive datetime; PostgreSQL an aware one.
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value


def data_version(*, fresh: bool = False) -> DataVersion:
    """
    The current token and the time of the last change (one indexed read per request;
    `fresh` reads it again). A database without the row has the empty token, under
    which nothing is cached.
    """
    memo = _memo.get()
    if not fresh and memo is not None and "version" in memo:
        return memo["version"]
    # Every request reads it, cached answers included, where the ORM's query building
    # would be most of their cost: a plain statement.
    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL, [ROW])
        row = cursor.fetchone()
    version = DataVersion(pk=ROW, token=row[0], changed_at=_aware(row[1])) if row else DataVersion(pk=ROW, token="")
    if memo is not None and not fresh:
        memo["version"] = version
    return version


def request_memo() -> dict | None:
    """What the current request keeps until it ends or changes the records (None outside a request)."""
    return _memo.get()


class DataVersionMiddleware:
    """Read the data token at most once per request, whoever asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
