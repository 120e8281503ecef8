"""
History rows written by the database: INSERT … SELECT from a record's table into its
history table (django-simple-history's `Model.history.model`).

Bulk writes (an import, a reviewer's move of many records) have the database copy each
record's columns into its history row itself, instead of building a history object per
record in Python as simple-history's bulk helpers do. The rows hold what those helpers
write: the record as it is now, who, when, why. Only public APIs are used: the history
model simple-history documents, the Model _meta API's get_fields(), and raw SQL through
connection.cursor().
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection


def history_enabled() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def _stored_fields(model) -> dict:
    """The fields of `model` that have a column of their own, by name."""
    return {f.name: f for f in model._meta.get_fields() if f.concrete and not f.many_to_many}


def history_insert_select(model, given: dict) -> tuple[str, list]:
    """
    Return the SQL `INSERT INTO <history table> (…) SELECT … FROM <table>` and its
    parameters, copying every column the history keeps from the record's table, and
    writing `given` (history field name → value: history_date, the history_user's id, …) in the
    others. The caller appends the WHERE (and ORDER BY) that names the records.
    """
    history = model.history.model
    own = _stored_fields(model)
    columns, selected, params = [], [], []
    quote = connection.ops.quote_name
    for name, history_field in _stored_fields(history).items():
        if history_field.primary_key:
            continue
        if name in given:
            selected.append("%s")
            params.append(history_field.get_db_prep_save(given[name], connection))
        elif name in own:
            selected.append(f"{quote(model._meta.db_table)}.{quote(own[name].column)}")
        else:
            raise ImproperlyConfigured(f"No value to write in {history.__name__}.{name}.")
        columns.append(quote(history_field.column))
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)}"
    )
    return sql, params
