"""
JSON written by PostgreSQL, value for value as DRF's fields write it, for API pages whose
items are built in the query itself (an app's representation in SQL, e.g.
enterprises.api.sql) instead of by a serializer per row.

Everything here is an ordinary query expression (Func, Subquery): it composes with the
filtered, ordered queryset of the page and compiles through Django's public expression
API. json_build_object keeps the keys in the order given, as a serializer's fields are;
Django's own JSONObject writes jsonb, which sorts them.
"""

import re

from django.db.models import Func, JSONField, TextField, Value
from django.utils import timezone

from .sql_exports import SqlTemplate

_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")

# What Python's str.strip() and str.splitlines() take for white space and line ends (the
# widest white space is U+3000), so that lists of lines split in SQL match those in Python.
WHITESPACE = "".join(character for character in map(chr, range(0x3001)) if character.isspace())
LINE_BREAKS = "\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"


class JSONBuildObject(SqlTemplate):
    """json_build_object over named expressions, keys in the order given (they are SQL literals, so checked)."""

    output_field = JSONField()

    def __init__(self, **fields):
        for key in fields:
            if not _KEY.match(key):
                raise ValueError(f"not a plain key: {key!r}")
        template = "json_build_object(" + ", ".join(f"'{key}', {{}}" for key in fields) + ")"
        super().__init__(template, *fields.values(), output_field=JSONField())


def json_text(expression) -> Func:
    """The JSON value as its text, which the driver hands over as it is (a json column it would parse)."""
    return SqlTemplate("({})::text", expression)


def json_array(subquery) -> Func:
    """A JSON array of the values of a one-column subquery, in its order; [] for no rows."""
    return SqlTemplate("array_to_json(ARRAY({}))", subquery, output_field=JSONField())


def trimmed_parts(expression, separators: str) -> Func:
    """
    The parts of a text between matches of the regular expression `separators`, each
    stripped of white space as Python strips it, the empty ones left out, in order: a JSON array.
    """
    blank = Value(WHITESPACE, output_field=TextField())
    return SqlTemplate(
        "array_to_json(ARRAY(SELECT btrim(part, {}) FROM regexp_split_to_table({}, {}) WITH ORDINALITY AS t(part, n)"
        " WHERE btrim(part, {}) <> '' ORDER BY n))",
        blank,
        expression,
        Value(separators, output_field=TextField()),
        blank,
        output_field=JSONField(),
    )


def lines(expression) -> Func:
    """[line.strip() for line in text.splitlines() if line.strip()], in SQL."""
    return trimmed_parts(expression, LINE_BREAKS)


def drf_datetime(expression) -> Func:
    """
    A timestamp as DRF's DateTimeField writes it: ISO 8601 in the current time zone (the
    site's TIME_ZONE unless one is activated), microseconds only when there are any, "Z"
    for an offset of zero.
    """
    zone = Value(timezone.get_current_timezone_name(), output_field=TextField())
    # {0}: the time, {1}: the zone. The offset is the local time less the UTC time.
    local = "({0} AT TIME ZONE {1})"
    offset = f"({local} - ({{0}} AT TIME ZONE 'UTC'))"
    template = (
        f"CASE WHEN {{0}} IS NULL THEN NULL ELSE to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN to_char({local}, 'US') = '000000' THEN '' ELSE to_char({local}, '.US') END"
        f" || CASE WHEN {offset} = interval '0' THEN 'Z'"
        f" WHEN {offset} < interval '0' THEN '-' || to_char(-{offset}, 'HH24:MI')"
        f" ELSE '+' || to_char({offset}, 'HH24:MI') END END"
    )
    return _Positional(template, expression, zone)


class _Positional(SqlTemplate):
    """SqlTemplate whose {0}, {1}… name its expressions by position, each as often as needed."""

    def __init__(self, template: str, *expressions, output_field=None):
        # re.split gives the text between the numbers, and the numbers, in turn.
        parts = re.split(r"\{(\d+)\}", template)
        pieces, order = parts[0::2], [expressions[int(index)] for index in parts[1::2]]
        super().__init__("{}".join(pieces), *order, output_field=output_field or TextField())
