"""Spreadsheets built in the tests, as staff would save them: XLSX, CSV in each encoding, JSON."""

import csv
import io
import json

import openpyxl

from shdt.core.imports import import_table


def xlsx_bytes(headers, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(headers, rows, encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def json_bytes(headers, rows) -> bytes:
    return json.dumps([dict(zip(headers, row)) for row in rows], ensure_ascii=False).encode()


def run(kind, content, **options):
    """Import `content` through the one import path; return its ImportResult."""
    return import_table(kind, content, file_name=f"test-{kind}", **options)


def problems(result) -> list[tuple]:
    """Every error as (row, column, code): what a test can check whatever the language."""
    return [(p.row, p.column, p.code) for p in result.problems]
