"""
History: every record an import writes gets its history row (django-simple-history's
tables), saying who, when, why and which import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .matching import fetch_in_chunks


def history_options(user, import_record) -> dict:
    """The arguments of simple-history's bulk helpers: who, why, and which import."""
    reason = ""
    if import_record is not None:
        reason = (_("Import %(number)d: %(file)s") % {"number": import_record.pk, "file": import_record.file_name})[:100]
    return {
        "default_user": user,
        "default_change_reason": reason,
        "custom_historical_attrs": {"import_record_id": import_record.pk if import_record else None},
    }


def write_history(model, pks: list, history_type: str, *, user, import_record) -> None:
    """
    Write the history rows of records this import has just written: "+" created, "~"
    changed. The database copies each record's tracked columns into its history
    table itself (INSERT … SELECT, a statement per few thousand records), instead of
    a history object built and sent per record as simple-history's bulk helpers do;
    the rows hold what those helpers write: the record as written, who, when, why
    and which import.
    """
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    options = history_options(user, import_record)
    given = {
        "history_date": timezone.now(),
        "history_change_reason": options["default_change_reason"],
        "history_type": history_type,
        "history_user": options["default_user"].pk if options["default_user"] is not None else None,
        **{name.removesuffix("_id"): value for name, value in options["custom_historical_attrs"].items()},
    }
    tracked = {f.name: f for f in history.tracked_fields}
    columns, selected, params = [], [], []
    quote = connection.ops.quote_name
    for history_field in history._meta.concrete_fields:
        if history_field.primary_key:
            continue
        if history_field.name in tracked:
            selected.append(quote(tracked[history_field.name].column))
        elif history_field.name in given:
            selected.append("%s")
            params.append(history_field.get_db_prep_save(given[history_field.name], connection))
        else:
            # A history column this copy does not know how to fill: let simple-history write the rows.
            records = list(fetch_in_chunks(model.objects.all(), pks).values())
            for record in records:
                record._history_user = user
            model.history.bulk_history_create(
                records, batch_size=500, update=history_type == "~", **history_options(user, import_record)
            )
            return
        columns.append(quote(history_field.column))
    pk_column = quote(model._meta.pk.column)
    size = 900 if connection.vendor == "sqlite" else 10_000
    pks = sorted(pks)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), size):
            chunk = pks[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
                f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} "
                f"WHERE {pk_column} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {pk_column}",
                [*params, *chunk],
            )
