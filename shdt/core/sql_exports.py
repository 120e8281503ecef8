"""
Downloads written by PostgreSQL: the CSV from its own COPY, the XLSX rows as XML strings.

A table that declares its export columns as SQL expressions (`Table.sql_columns`) gets
this path on PostgreSQL; every other table, and every table on SQLite, goes through the
resource in Python (shdt.core.exports). Both paths write the same bytes for the same rows:
the expressions say in SQL what the resource's fields say in Python, and the cell rules
here (formula guard, XML escapes) are those of shdt.core.exports, written once more in SQL.
tests/shdt/test_sql_exports.py compares the two.

The columns are selected from the filtered, ordered queryset of the page itself, so the
file holds the rows of the page in their order.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import Expression, Func, IntegerField, QuerySet, TextField, Window
from django.db.models.functions import RowNumber

from . import exports
from .sql_select import select_sql

COPY_CHUNK_BYTES = 64 * 1024
XLSX_FETCH_ROWS = 5000


@dataclass(frozen=True)
class SqlColumn:
    """One column of a file: an expression over the table's queryset, and whether it is a number or text."""

    expression: Expression
    number: bool = False


def text(expression) -> SqlColumn:
    return SqlColumn(expression)


def number(expression) -> SqlColumn:
    return SqlColumn(expression, number=True)


class SqlTemplate(Func):
    """
    SQL made from `template`, in which each {} stands for the expression (as often as
    the template needs it: its parameters are repeated as many times).
    """

    output_field = TextField()

    def __init__(self, template: str, *expressions, output_field=None):
        super().__init__(*expressions, output_field=output_field or TextField())
        self.sql_template = template

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.get_source_expressions()]
        pieces = self.sql_template.split("{}")
        sql, params = [pieces[0]], []
        # With several expressions, the nth {} is the nth expression; with one, every {} is it.
        for index, piece in enumerate(pieces[1:]):
            part_sql, part_params = compiled[index if len(compiled) > 1 else 0]
            sql.append(f"({part_sql})")
            sql.append(piece)
            params.extend(part_params)
        return "".join(sql), params


def sql_string(value: str) -> str:
    """A PostgreSQL string literal of `value` (E'' so that it may hold a tab or a CR)."""
    escaped = value.replace("\\", "\\\\").replace("'", "''").replace("\t", "\\t").replace("\r", "\\r")
    escaped = escaped.replace("\n", "\\n")
    return f"E'{escaped}'"


def _in_list(values) -> str:
    return "(" + ", ".join(sql_string(value) for value in values) + ")"


# exports.guard_formula in SQL; an empty text is NULL, as the Python path writes None and "" alike.
CSV_TEXT = (
    f"CASE WHEN left({{}}, 1) IN {_in_list(exports.FORMULA_TRIGGERS)} "
    "THEN '''' || {} ELSE NULLIF({}, '') END"
)

# exports.xlsx_text in SQL: the _xHHHH_ escapes only where they are needed (rarely).
_ESCAPES_NEEDED = r"'[\x01-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_'"


def _control_escapes(sql: str) -> str:
    sql = f"regexp_replace({sql}, '(_x[0-9a-fA-F]{{4}}_)', '_x005F\\1', 'g')"
    for code in [*range(0x01, 0x09), *range(0x0B, 0x20), 0xFFFE, 0xFFFF]:
        sql = f"replace({sql}, chr({code}), '_x{code:04X}_')"
    return sql


_WHITESPACE = _in_list(exports.XLSX_WHITESPACE)
_ESCAPED = f"CASE WHEN {{}} ~ {_ESCAPES_NEEDED} THEN {_control_escapes('{}')} ELSE {{}} END"
XLSX_TEXT = (
    f"CASE WHEN {{}} IS NULL OR {{}} = '' THEN '{exports.XLSX_EMPTY_CELL}' "
    f"""ELSE '<c t="inlineStr"><is><t' """
    f"""|| CASE WHEN left({{}}, 1) IN {_WHITESPACE} OR right({{}}, 1) IN {_WHITESPACE} """
    f"""THEN ' xml:space="preserve">' ELSE '>' END """
    f"|| replace(replace(replace({_ESCAPED}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') "
    f"|| '</t></is></c>' END"
)
XLSX_NUMBER = f"CASE WHEN {{}} IS NULL THEN '{exports.XLSX_EMPTY_CELL}' ELSE '<c><v>' || ({{}})::text || '</v></c>' END"


def csv_cells(columns: Sequence[SqlColumn]) -> list[Expression]:
    return [
        column.expression if column.number else SqlTemplate(CSV_TEXT, column.expression) for column in columns
    ]


def xlsx_row(columns: Sequence[SqlColumn]) -> Expression:
    """One expression giving each row's <row> element, as exports.xlsx_row writes it."""
    cells = [SqlTemplate(XLSX_NUMBER if column.number else XLSX_TEXT, column.expression) for column in columns]
    return SqlTemplate("'<row>' || " + " || ".join(["{}"] * len(cells)) + " || '</row>'", *cells)


def compiled_sql(queryset: QuerySet) -> str:
    """The queryset's SQL with its parameters bound (COPY takes no parameters)."""
    import psycopg  # only here: SQLite needs none of this module's SQL

    sql, params = select_sql(queryset)
    connection = connections[queryset.db]
    connection.ensure_connection()
    return psycopg.ClientCursor(connection.connection).mogrify(sql, params)


def csv_chunks(headers: Sequence[str], queryset: QuerySet, columns: Sequence[SqlColumn]) -> Iterator[bytes]:
    """Yield the CSV that exports.csv_chunks would write of these rows, from COPY (…) TO STDOUT."""
    select = compiled_sql(queryset.values_list(*csv_cells(columns)))
    yield exports.csv_header(headers)
    connection = connections[queryset.db]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
        # COPY sends a row at a time: gather them into blocks worth a write each.
        block = bytearray()
        for data in copy:
            block += data
            if len(block) >= COPY_CHUNK_BYTES:
                yield bytes(block)
                block.clear()
        if block:
            yield bytes(block)


def xlsx_rows(queryset: QuerySet, columns: Sequence[SqlColumn]) -> Iterator[str]:
    """Yield each row's <row> element, made by PostgreSQL, read through a server-side cursor."""
    rows = queryset.values_list(xlsx_row(columns), flat=True)
    return rows.iterator(chunk_size=XLSX_FETCH_ROWS)


def row_number(queryset: QuerySet) -> Expression:
    """The running number of each row in the queryset's order (what 序号 shows when a row has no serial)."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
    return Window(RowNumber(), order_by=ordering, output_field=IntegerField())
