"""
Reading an uploaded file: the format is told from the bytes, not the file name — XLSX (a
zip, checked against zip bombs and XML entity declarations before openpyxl reads it in
read-only mode through defusedxml), CSV in UTF-8 with or without a BOM or in
GB18030/GBK (what Excel on Chinese Windows saves), or the registry's own JSON export.
Cells come back as Excel shows them: 1.0 is 1, a date cell is a date, a decimal is an
exact Decimal, and the CSV export's apostrophe formula guard is removed.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..exports import FORMULA_TRIGGERS
from .results import ImportRefused

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
MAX_COLUMNS = 200
MAX_ZIP_MEMBERS = 10_000
# Python's zipfile never returns more than a member's declared size; these declarations
# are what the zip-bomb check reads before anything is unpacked.
XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
XML_SCAN_CHUNK = 1024 * 1024


@dataclass
class Sheet:
    """A spreadsheet's header and rows, each row with its number as Excel shows it."""

    format: str
    encoding: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]]


def read_upload(fileobj, max_bytes: int | None = None) -> bytes:
    """Read an uploaded file, refusing it as soon as it is larger than the limit."""
    limit = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise ImportRefused(
            _("The file is larger than %(limit)s; split it into smaller files.") % {"limit": _size_text(limit)},
            "too_large",
        )
    return data


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(number)s MB") % {"number": f"{size / (1024 * 1024):g}"}
    if size >= 1024:
        return _("%(number)s KB") % {"number": f"{size / 1024:g}"}
    return ngettext("%(number)d byte", "%(number)d bytes", size) % {"number": size}


def read_sheet(content: bytes, *, max_rows: int | None = None) -> Sheet:
    """
    Return the header and rows of a spreadsheet given as bytes, in whichever of the
    accepted formats it is; raise ImportRefused for anything else.
    """
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(limit)s; split it into smaller files.")
            % {"limit": _size_text(settings.IMPORT_MAX_BYTES)},
            "too_large",
        )
    if not content.strip():
        raise ImportRefused(_("The file is empty."), "empty")
    if content.startswith(ZIP_MAGIC):
        sheet = _read_xlsx(content, max_rows)
    elif content.startswith(OLE2_MAGIC):
        raise ImportRefused(
            _("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV and import that."),
            "old_excel",
        )
    else:
        text, encoding = _decode_text(content)
        if text.lstrip().startswith(("[", "{")):
            sheet = _read_json(text, encoding, max_rows)
        else:
            sheet = _read_csv(text, encoding, max_rows)
    if not sheet.headers and not sheet.rows:
        # Only blank rows (an XLSX whose sheet is empty, a CSV of blank lines, JSON `[]`).
        raise ImportRefused(_("The file is empty."), "empty")
    if not any(sheet.headers):
        raise ImportRefused(_("The file has no header row."), "no_header")
    return sheet


def _not_a_spreadsheet() -> ImportRefused:
    return ImportRefused(
        _("This file is not a spreadsheet the registry reads: import an Excel workbook (.xlsx), a CSV file or the registry's JSON export."),
        "not_a_spreadsheet",
    )


def _decode_text(content: bytes) -> tuple[str, str]:
    """
    Decode a text file: UTF-8 (with or without a BOM), UTF-16 with a BOM, or else
    GB18030, the superset of GBK and GB2312 that Excel on Chinese Windows writes.
    UTF-8 is tried first because GB18030 would also decode many UTF-8 files, wrongly.
    """
    if content.startswith(UTF8_BOM):
        candidates = [("utf-8-sig", "UTF-8")]
    elif content.startswith(UTF16_BOMS):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for codec, name in candidates:
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, name
    raise _not_a_spreadsheet()


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in sample)


def _unguard(value: str) -> str:
    """Remove the apostrophe the registry's CSV export puts before text that would run as a formula."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def _read_csv(text: str, encoding: str, max_rows: int) -> Sheet:
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = ((number, [_unguard(cell.strip()) for cell in record]) for number, record in enumerate(reader, 1))
        return _sheet_from_records("csv", encoding, records, max_rows)
    except csv.Error:
        raise _not_a_spreadsheet() from None


def _read_json(text: str, encoding: str, max_rows: int) -> Sheet:
    """Read the registry's JSON export: a list of objects keyed by the column headers."""
    try:
        items = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise _not_a_spreadsheet() from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImportRefused(
            _("A JSON file must hold a list of objects keyed by the column headers, as the registry exports it."),
            "json_shape",
        )
    if len(items) > max_rows:
        raise _too_many_rows(max_rows)
    headers = list(dict.fromkeys(key for item in items for key in item))
    rows = []
    # Numbered as the same table would be in a spreadsheet: the header is row 1.
    for number, item in enumerate(items, 2):
        values = [_json_cell(item.get(header)) for header in headers]
        if any(filled(v) for v in values):
            rows.append((number, values))
    return Sheet("json", encoding, 1, [str(h).strip() for h in headers], rows)


def _json_cell(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _too_many_rows(max_rows: int) -> ImportRefused:
    return ImportRefused(
        _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": f"{max_rows:,}"},
        "too_many_rows",
    )


def filled(value) -> bool:
    return value is not None and value != ""


def _sheet_from_records(fmt: str, encoding: str, records: Iterable[tuple[int, list]], max_rows: int) -> Sheet:
    """Take the first non-empty row as the header, and the non-empty rows after it as data."""
    header_row, headers, rows = 0, [], []
    for number, values in records:
        if not any(filled(v) for v in values):
            continue
        if not header_row:
            while values and not filled(values[-1]):
                values.pop()
            if len(values) > MAX_COLUMNS:
                raise ImportRefused(
                    _("The file has more than %(limit)d columns.") % {"limit": MAX_COLUMNS}, "too_many_columns"
                )
            header_row, headers = number, ["" if v is None else str(v).strip() for v in values]
            continue
        if len(rows) >= max_rows:
            raise _too_many_rows(max_rows)
        # Cells past the last header are kept, so that data without a header is reported.
        rows.append((number, list(values)))
    return Sheet(fmt, encoding, header_row or 1, headers, rows)


def _read_xlsx(content: bytes, max_rows: int) -> Sheet:
    import openpyxl
    from openpyxl import DEFUSEDXML

    # openpyxl parses through defusedxml only when it is installed (requirements.txt);
    # never read an upload without it.
    assert DEFUSEDXML, "defusedxml must be installed to read uploaded XLSX files"
    _check_zip(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        if type(error).__module__.startswith("defusedxml"):
            raise _hostile_xml() from None
        raise _not_a_spreadsheet() from None
    try:
        sheet = _first_visible_sheet(workbook)
        # A sheet may declare a huge used range; read only the cells it holds.
        sheet.reset_dimensions()
        records = ((number, [_xlsx_cell(v) for v in values]) for number, values in enumerate(sheet.iter_rows(values_only=True), 1))
        return _sheet_from_records("xlsx", "", records, max_rows)
    except ImportRefused:
        raise
    except Exception as error:
        if type(error).__module__.startswith("defusedxml"):
            raise _hostile_xml() from None
        raise _not_a_spreadsheet() from None
    finally:
        workbook.close()


def _first_visible_sheet(workbook):
    active = workbook.active
    if active is not None and active.sheet_state == "visible":
        return active
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "visible":
            return sheet
    raise _not_a_spreadsheet()


def _hostile_xml() -> ImportRefused:
    return ImportRefused(
        _("The workbook contains XML declarations (DOCTYPE or ENTITY) that a spreadsheet does not need; it was not read."),
        "xml_entities",
    )


def _check_zip(content: bytes) -> None:
    """
    Refuse a zip that would unpack to too much (a zip bomb) or that declares XML
    entities, before any XML parser sees it.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_spreadsheet() from None
    if len(members) > MAX_ZIP_MEMBERS or "xl/workbook.xml" not in archive.namelist():
        raise _not_a_spreadsheet()
    bomb = ImportRefused(
        _("The workbook would unpack to far more data than its size suggests (a “zip bomb”); it was not read."),
        "zip_bomb",
    )
    total = 0
    for member in members:
        total += member.file_size
        if total > settings.IMPORT_MAX_UNZIPPED_BYTES:
            raise bomb
        if member.file_size > 1024 * 1024 and member.file_size > settings.IMPORT_MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise bomb
    with archive:
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")):
                _scan_xml(archive, member)


def _scan_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    overlap = max(len(d) for d in XML_DECLARATIONS)
    tail = b""
    try:
        with archive.open(member) as stream:
            head = True
            while chunk := stream.read(XML_SCAN_CHUNK):
                if head and chunk.startswith(UTF16_BOMS):
                    # Declarations in UTF-16 would pass a byte search; no Excel writes this.
                    raise _hostile_xml()
                head = False
                window = tail + chunk
                if any(declaration in window for declaration in XML_DECLARATIONS):
                    raise _hostile_xml()
                tail = window[-overlap:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise _not_a_spreadsheet() from None


def _xlsx_cell(value):
    """Return a cell's value as Excel shows it: 1.0 is 1, a decimal exact, a date a date."""
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        # repr is the shortest text that reads back as the same double: what Excel shows.
        return Decimal(repr(value))
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, str):
        return value.strip()
    return value



def column_letter(index: int) -> str:
    """Return the letter Excel shows for the column at `index` (0 is A)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
