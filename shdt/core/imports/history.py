"""
History: every record an import writes gets its history row (django-simple-history's
table, `Model.history.model`), saying who, when, why and which import.

The database copies each record's columns into its history table itself (INSERT …
SELECT, shdt.core.history; a statement per few thousand records), instead of a history
object built and sent per record as simple-history's bulk helpers do (three times slower
on 20,000 rows). The rows hold what those helpers write: the record as written, who,
when, why and which import.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..history import history_enabled, history_insert_select


def change_reason(import_record) -> str:
    """The reason a history row gives for an import's change: “Import 12: 2022.xlsx”."""
    if import_record is None:
        return ""
    return (_("Import %(number)d: %(file)s") % {"number": import_record.pk, "file": import_record.file_name})[:100]


def write_history(model, pks: list, history_type: str, *, user, import_record, progress=None) -> None:
    """
    Write the history rows of records this import has just written: "+" created, "~"
    changed, copied from the records as the database holds them now. `progress` (a
    runner Progress) is told of each statement's rows.
    """
    if not pks or not history_enabled():
        return
    given = {
        "history_date": timezone.now(),
        "history_change_reason": change_reason(import_record),
        "history_type": history_type,
        "history_user": user.pk if user is not None else None,
        "import_record": import_record.pk if import_record is not None else None,
    }
    insert, params = history_insert_select(model, given)
    quote = connection.ops.quote_name
    pk_column = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    # SQLite allows 999 parameters in a statement.
    size = 900 if connection.vendor == "sqlite" else 10_000
    pks = sorted(pks)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), size):
            chunk = pks[start : start + size]
            cursor.execute(
                f"{insert} WHERE {pk_column} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {pk_column}",
                [*params, *chunk],
            )
            if progress is not None:
                progress.advance(len(chunk))
