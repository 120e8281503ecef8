"""
JSON written by PostgreSQL, value for value as DRF's fields write it, for API pages whose
items are built in the page's own query (an app's representation in SQL, e.g.
enterprises.api.sql) instead of by a serializer per row.

An app writes its representation as SQL text with named slots, once per process, and
annotates it on the filtered, ordered queryset as a `Template`: a query expression whose
slots are ordinary expressions (the request's values as parameters, the filter's
annotations as F()). The text is the app's own, not taken from the query compiler. Built
of Django expressions node by node (Func, Subquery), the same representation cost four
times the rest of the request to resolve and compile; as one node it costs next to nothing.
json_build_object keeps the keys in the order given, as a serializer's fields are.
"""

import re

from django.db.models import TextField

from .sql_exports import SqlTemplate

_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
_SLOT = re.compile(r"\{([a-z_]+)\}")

# What Python's str.strip() and str.splitlines() take for white space and line ends (the
# widest white space is U+3000), so that lists of lines split in SQL match those in Python.
WHITESPACE = "".join(character for character in map(chr, range(0x3001)) if character.isspace())
LINE_BREAKS = "\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"


class Template(SqlTemplate):
    """SQL text in which {name} stands for the expression given as `name`, as often as the text needs it."""

    def __init__(self, sql: str, output_field=None, **expressions):
        parts = _SLOT.split(sql)  # the text between the slots, and the slots' names, in turn
        super().__init__(
            "{}".join(parts[0::2]), *[expressions[name] for name in parts[1::2]], output_field=output_field or TextField()
        )


def table(model) -> str:
    return f'"{model._meta.db_table}"'


def column(model, name: str, alias: str | None = None) -> str:
    """A column of the model's table (by its field's name), under the table's name or `alias`."""
    return f'{alias or table(model)}."{model._meta.get_field(name).column}"'


def json_object(fields: dict[str, str]) -> str:
    """json_build_object of the SQL values, keys in the order given (they are SQL literals, so checked)."""
    for key in fields:
        if not _KEY.match(key):
            raise ValueError(f"not a plain key: {key!r}")
    return "json_build_object(" + ", ".join(f"'{key}', {sql}" for key, sql in fields.items()) + ")"


def json_array(select: str) -> str:
    """A JSON array of the one column of `select`, in its order; [] for no rows."""
    return f"array_to_json(ARRAY({select}))"


def trimmed_parts(text: str, separators: str, whitespace: str) -> str:
    """
    The parts of `text` between matches of the regular expression `separators`, each
    stripped of the characters `whitespace`, the empty ones left out, in order: a JSON array.
    """
    return json_array(
        f"SELECT btrim(part, {whitespace}) FROM regexp_split_to_table({text}, {separators}) WITH ORDINALITY AS t(part, n)"
        f" WHERE btrim(part, {whitespace}) <> '' ORDER BY n"
    )


def drf_datetime(time: str, zone: str) -> str:
    """
    A timestamp as DRF's DateTimeField writes it: ISO 8601 in the time zone `zone`
    (DRF's is the current one), microseconds only when there are any, "Z" for an offset of zero.
    """
    # The local time and the UTC time worked out once, in a subquery of the row.
    offset = "(local_time - utc_time)"
    return (
        "(SELECT to_char(local_time, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        " || CASE WHEN to_char(local_time, 'US') = '000000' THEN '' ELSE to_char(local_time, '.US') END"
        f" || CASE WHEN {offset} = interval '0' THEN 'Z'"
        f" WHEN {offset} < interval '0' THEN '-' || to_char(-{offset}, 'HH24:MI')"
        f" ELSE '+' || to_char({offset}, 'HH24:MI') END"
        f" FROM (SELECT {time} AT TIME ZONE {zone} AS local_time, {time} AT TIME ZONE 'UTC' AS utc_time) AS times"
        f" WHERE {time} IS NOT NULL)"
    )
