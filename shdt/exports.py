"""
Writers for the registry's tables: CSV, XLSX and JSON from the same rows.

One path for every table and every caller (export_data, the public downloads): the
rows come from a django-import-export resource over a filtered queryset, read in
chunks, and each writer streams them without holding the table in memory.

Spreadsheet safety: a text cell that begins with ``= + - @`` (or a tab or carriage
return) would run as a formula when the file is opened in Excel. CSV text cells get a
leading apostrophe; XLSX cells are written as typed strings, which Excel never
evaluates; JSON is not opened by Excel and keeps the text as it is.
"""

import csv
import datetime
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff".encode()
CHUNK_ROWS = 2000


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str


FORMATS = {
    "csv": Format("csv", "text/csv; charset=utf-8"),
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": Format("json", "application/json"),
}


def resource_rows(resource, queryset) -> Iterator[list]:
    """Yield each object of `queryset` as the resource's export row, in native types."""
    # Not resource.iter_queryset(): with prefetches it re-orders by pk, and a download
    # must keep the order of the page. iterator() prefetches chunk by chunk.
    for number, obj in enumerate(queryset.iterator(chunk_size=CHUNK_ROWS), start=1):
        # The running number is what 序号 shows when a table has no serial of its own.
        obj.running_number = number
        yield resource.export_resource(obj, force_native_type=True)


def guard_formula(text: str) -> str:
    """Return `text` so that a spreadsheet shows it as text, never runs it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_formula(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """Yield a UTF-8 CSV with a BOM (so Excel on Chinese Windows reads it), in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    yield UTF8_BOM + buffer.getvalue().encode()
    count = 0
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def json_default(value):
    if isinstance(value, Decimal):
        # A string keeps the exact decimal; a JSON number would become a float.
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_chunks(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """Yield a JSON array of objects keyed by the column headers, in chunks."""
    parts = ["["]
    for index, row in enumerate(rows):
        item = json.dumps(dict(zip(headers, row)), ensure_ascii=False, default=json_default)
        parts.append(("\n" if index == 0 else ",\n") + item)
        if len(parts) >= CHUNK_ROWS:
            yield "".join(parts).encode()
            parts = []
    parts.append("\n]\n")
    yield "".join(parts).encode()


def xlsx_file(headers: Sequence[str], rows: Iterable[Sequence], sheet_name: str = "Sheet1"):
    """
    Write the rows to an XLSX in a temporary file and return it, rewound.

    xlsxwriter's constant-memory mode writes each row to disk as it comes, so the
    memory used does not grow with the number of rows.
    """
    output = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(
        output,
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    for row_index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(row_index, col, value)
            elif isinstance(value, bool):
                sheet.write_boolean(row_index, col, value)
            elif isinstance(value, (int, Decimal)):
                sheet.write_number(row_index, col, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_index, col, value, date_format)
            else:
                sheet.write_string(row_index, col, str(value))
    workbook.close()
    output.seek(0)
    return output


def file_chunks(fileobj, size: int = 64 * 1024) -> Iterator[bytes]:
    """Yield the contents of an open file in blocks, then close it."""
    with fileobj:
        while block := fileobj.read(size):
            yield block


def table_chunks(fmt: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_name: str) -> Iterator[bytes]:
    """Yield the table in the given format ("csv", "xlsx" or "json") as bytes."""
    if fmt == "csv":
        return csv_chunks(headers, rows)
    if fmt == "json":
        return json_chunks(headers, rows)
    if fmt == "xlsx":
        return file_chunks(xlsx_file(headers, rows, sheet_name))
    raise ValueError(f"unknown format {fmt!r}")
