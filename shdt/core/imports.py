"""
The one import path: the admin (upload → preview → confirm), the background worker and
`manage.py import_data` all call `import_table()`.

1. **Reading** (`read_sheet`): the format is told from the bytes, not the file name —
   XLSX (a zip, checked against zip bombs and XML entity declarations before openpyxl
   reads it in read-only mode through defusedxml), CSV in UTF-8 with or without a BOM or
   in GB18030/GBK (what Excel on Chinese Windows saves), or the registry's own JSON
   export. Cells come back as Excel shows them: 1.0 is 1, a date cell is a date, a
   decimal is an exact Decimal, and the CSV export's apostrophe formula guard is removed.
2. **Columns**: the headers are matched to the fields of the table's django-import-export
   resource — the same resource that names the export's columns — by their Chinese
   header or an English equivalent the resource lists. A header that matches nothing is
   an error; columns that only exports write (permalink, codes…) are accepted and ignored.
3. **Checking**: each table's `TableImport` (in its app's `imports.py`) reads every row
   against lookups it prefetched once (no query per row) and says whether the row is
   new, changed (with old and new values), unchanged or an error; all errors are
   collected, each with its row number as Excel shows it and its column.
4. **Writing**: only if no row has an error, in one transaction, in bulk, with history
   rows written in bulk too (django-simple-history's bulk helpers). A dry run stops
   before writing. Importing the same file again finds every row unchanged and writes
   nothing, history included.

Why not django-import-export's own `Resource.import_data()`: it loads each row's record,
validates it (unique checks included) and saves it one query at a time, a row maps to one
model, and its dry run writes and then rolls back. A row of the registry's enterprise
table is an enterprise *and* its place on a year's list, matched by credit code or
normalised name; the checks here run on lookups read once, and a dry run writes nothing.
The resources stay the one definition of the columns and of how a cell is read (their
widgets).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .exports import FORMULA_TRIGGERS
from .text import normalize_name
from .versioning import data_version_bump
from .widgets import CellError

# --- Messages -----------------------------------------------------------------


def format_problem(row: int | None, column: str, reason: str) -> str:
    """
    Return an error as the user reads it: `第 7 行 所属区域：未知区域“外滩”` in Chinese,
    `Row 7, 所属区域: unknown region “外滩”` in English. The column is the header as the
    file writes it; the pieces stay separate so that every language orders them its way.
    """
    if row is None and not column:
        return reason
    if row is None:
        return _("%(column)s: %(reason)s") % {"column": column, "reason": reason}
    if not column:
        return _("Row %(row)d: %(reason)s") % {"row": row, "reason": reason}
    return _("Row %(row)d, %(column)s: %(reason)s") % {"row": row, "column": column, "reason": reason}


class ImportRefused(Exception):
    """The file as a whole cannot be imported: too large, not a spreadsheet, hostile."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Problem:
    """One error: where it is (row as Excel numbers it, header as the file writes it) and why."""

    row: int | None
    column: str
    code: str
    message: str

    def __str__(self):
        return format_problem(self.row, self.column, self.message)


@dataclass
class Change:
    """One changed value of a row: the column's header, the value before and after, as text."""

    column: str
    old: str
    new: str


# Row statuses. A likely duplicate is a new row whose name is close to an existing
# enterprise's: it is not imported until the staff member decides (see README).
NEW, CHANGED, UNCHANGED, ERROR, SIMILAR = "new", "changed", "unchanged", "error", "similar"


@dataclass
class Similar:
    """An existing record whose name is close to a new row's name."""

    pk: int
    name: str


@dataclass
class RowOutcome:
    """What importing one row does (or would do)."""

    row: int
    status: str
    label: str
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    similar: list[Similar] = field(default_factory=list)
    # Set when the staff member decided on a likely duplicate: "new" or the id it is.
    decision: str = ""

    def describe(self) -> str:
        """Return the row's preview line: what happens to it."""
        if self.status == NEW:
            return _("Row %(row)d: new: %(record)s") % {"row": self.row, "record": self.label}
        if self.status == CHANGED:
            changes = "; ".join(
                _("%(column)s “%(old)s” → “%(new)s”") % {"column": c.column, "old": c.old, "new": c.new}
                for c in self.changes
            )
            return _("Row %(row)d: changed: %(record)s: %(changes)s") % {
                "row": self.row,
                "record": self.label,
                "changes": changes,
            }
        if self.status == UNCHANGED:
            return _("Row %(row)d: unchanged: %(record)s") % {"row": self.row, "record": self.label}
        if self.status == SIMILAR:
            return _("Row %(row)d: %(record)s may be %(existing)s: decide before importing") % {
                "row": self.row,
                "record": self.label,
                "existing": "、".join(f"“{s.name}”" for s in self.similar),
            }
        return "\n".join(str(problem) for problem in self.problems)


@dataclass
class ImportResult:
    """The preview of an import, or what it did: every row's outcome and every error."""

    kind: str
    file_name: str
    dry_run: bool
    format: str = ""
    encoding: str = ""
    rows_total: int = 0
    # Errors about the file itself or its headers (every row's errors are in `rows`).
    file_problems: list[Problem] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    written: bool = False

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.rows if outcome.status == status)

    @property
    def problems(self) -> list[Problem]:
        """Every error, the file's first, then the rows' in their order."""
        problems = list(self.file_problems)
        for outcome in self.rows:
            problems.extend(outcome.problems)
        return problems

    @property
    def similar_rows(self) -> list[RowOutcome]:
        return [outcome for outcome in self.rows if outcome.status == SIMILAR]

    @property
    def error_count(self) -> int:
        """Errors that stop the import: each error, and each likely duplicate not yet decided."""
        return len(self.problems) + len(self.similar_rows)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts(self) -> dict[str, int]:
        return {
            "new": self.count(NEW),
            "updated": self.count(CHANGED),
            "unchanged": self.count(UNCHANGED),
            "errors": self.error_count,
        }

    def summary_line(self) -> str:
        """The last line `import_data` prints: `new=N updated=N unchanged=N errors=N`."""
        return " ".join(f"{name}={number}" for name, number in self.counts().items())

    def as_json(self, max_rows: int | None = None) -> dict:
        """
        Return the result as JSON data for the import's record. Unchanged rows are left
        out beyond `max_rows` shown ones; errors and likely duplicates are always kept.
        """
        kept, shown = [], 0
        for outcome in self.rows:
            keep = outcome.status in (ERROR, SIMILAR) or max_rows is None or shown < max_rows
            if keep:
                kept.append(outcome)
                if outcome.status not in (ERROR, SIMILAR):
                    shown += 1
        # Only the rows kept are converted: a large file's preview keeps a few of its rows.
        data = {
            f.name: [asdict(item) for item in (kept if f.name == "rows" else getattr(self, f.name))]
            if f.name in ("rows", "file_problems")
            else getattr(self, f.name)
            for f in dataclass_fields(self)
        }
        data["counts"] = self.counts()
        return data


# --- Reading files ------------------------------------------------------------

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
        if any(_filled(v) for v in values):
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


def _filled(value) -> bool:
    return value is not None and value != ""


def _sheet_from_records(fmt: str, encoding: str, records: Iterable[tuple[int, list]], max_rows: int) -> Sheet:
    """Take the first non-empty row as the header, and the non-empty rows after it as data."""
    header_row, headers, rows = 0, [], []
    for number, values in records:
        if not any(_filled(v) for v in values):
            continue
        if not header_row:
            while values and not _filled(values[-1]):
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


# --- Columns ------------------------------------------------------------------


def header_key(text: str) -> str:
    """The form in which headers are compared: width, case and spaces folded (（万美元） is (万美元))."""
    return normalize_name(str(text or "")).rstrip("*:：")


@dataclass
class Column:
    """A column of a table as its resource defines it, and how the import treats it."""

    key: str  # the resource's field name
    header: str  # the resource's column name: what an export writes
    field: object  # the import_export Field
    aliases: tuple[str, ...] = ()
    # Read by the table's importer, not written to the record as a plain attribute.
    special: bool = False
    # Written by exports only (permalinks, codes…): accepted in a file and ignored.
    export_only: bool = False


@dataclass
class Row:
    """One data row of a sheet, by column key, with the headers as the file writes them."""

    number: int
    values: dict
    headers: dict
    problems: list[Problem] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.values

    def raw(self, key: str):
        return self.values.get(key)

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def error(self, key: str | None, code: str, message: str) -> None:
        self.problems.append(Problem(self.number, self.header(key) if key else "", code, str(message)))


# A value that could not be read; the row already holds the error.
INVALID = object()


class TableImport:
    """
    How the rows of one table become records. Subclasses (one per table, in the
    app's `imports.py`) prefetch what they match against in `prepare`, check each row
    in `check_row` without a query, check what spans rows in `check_file`, and write
    in bulk in `write`.
    """

    #: The resource whose columns the file has (also the export's).
    resource_class: type
    #: Resource fields this importer reads itself (e.g. 序号 onto a list).
    special_columns: tuple[str, ...] = ()
    #: Columns a file must have.
    required_columns: tuple[str, ...] = ()
    #: A short name for messages, e.g. "enterprise".
    model: type[models.Model]

    def __init__(self, *, list_year: int | None = None, user=None, decisions: dict | None = None, record=None):
        self.list_year = list_year
        self.user = user if getattr(user, "is_authenticated", False) else None
        # Row number (as text, as JSON keeps it) → "new" or an existing record's id.
        self.decisions = {str(k): str(v) for k, v in (decisions or {}).items()}
        self.record = record
        self.resource = self.resource_class()

    # Columns ------------------------------------------------------------------

    def columns(self) -> list[Column]:
        # Asked for by every row's checks: worked out once per import.
        if getattr(self, "_columns", None) is None:
            self._columns = self._make_columns()
        return self._columns

    def _make_columns(self) -> list[Column]:
        aliases = getattr(self.resource_class, "header_aliases", {})
        columns = []
        order = list(self.resource.get_export_order())
        fields = sorted(self.resource.fields.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
        for key, resource_field in fields:
            special = key in self.special_columns
            export_only = not special and (resource_field.readonly or not resource_field.attribute)
            columns.append(
                Column(
                    key=key,
                    header=resource_field.column_name,
                    field=resource_field,
                    aliases=tuple(aliases.get(key, ())),
                    special=special,
                    export_only=export_only,
                )
            )
        return columns

    def import_columns(self) -> list[Column]:
        """The columns a file to import has: those an export writes, less the export-only ones."""
        return [column for column in self.columns() if not column.export_only]

    def map_headers(self, headers: list[str]) -> tuple[dict[int, Column], list[Problem]]:
        """Return which column each header is (by its position), and the header errors."""
        by_key: dict[str, Column] = {}
        for column in self.columns():
            for spelling in (column.header, column.key, *column.aliases):
                by_key.setdefault(header_key(spelling), column)
        mapping, problems, seen = {}, [], {}
        for index, header in enumerate(headers):
            if not header:
                continue
            column = by_key.get(header_key(header))
            if column is None:
                problems.append(
                    Problem(
                        1,
                        header,
                        "unknown_column",
                        _("this column is not one of this table's; its columns are: %(columns)s")
                        % {"columns": "、".join(c.header for c in self.import_columns())},
                    )
                )
                continue
            if column.key in seen:
                problems.append(
                    Problem(
                        1,
                        header,
                        "duplicate_column",
                        _("the same column as “%(other)s”") % {"other": headers[seen[column.key]]},
                    )
                )
                continue
            seen[column.key] = index
            mapping[index] = column
        present = {column.key for column in mapping.values()}
        for key in self.required_columns:
            if key not in present:
                column = next(c for c in self.columns() if c.key == key)
                problems.append(
                    Problem(1, "", "missing_column", _("the file has no “%(column)s” column") % {"column": column.header})
                )
        return mapping, problems

    # Cells --------------------------------------------------------------------

    def clean(self, row: Row, key: str):
        """Return the cell of `key` read by its resource widget, or INVALID (the row then holds the error)."""
        resource_field = self.resource.fields[key]
        try:
            return resource_field.widget.clean(row.raw(key), row=row.values)
        except CellError as error:
            row.error(key, error.code, error.message)
        except (ValueError, TypeError, ArithmeticError, ValidationError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else ""
            row.error(key, "invalid", message or _("“%(value)s” cannot be read here") % {"value": row.raw(key)})
        return INVALID

    def model_value(self, row: Row, key: str, value, model_field: models.Field):
        """Return `value` as the model field stores it, checked by the field's validators."""
        if value is None or value == "":
            return None if model_field.null else ("" if isinstance(model_field, (models.CharField, models.TextField)) else None)
        if isinstance(model_field, (models.CharField, models.TextField)) and not isinstance(value, str):
            value = str(value)
        try:
            return model_field.clean(value, None)
        except ValidationError as error:
            code = next((e.code for e in error.error_list if e.code), "invalid")
            row.error(key, code, "; ".join(error.messages))
            return INVALID

    def plain_fields(self) -> list[tuple[str, models.Field]]:
        """The columns that set one model field each (not special, not export-only, no relation path)."""
        if getattr(self, "_plain_fields", None) is None:
            self._plain_fields = self._find_plain_fields()
        return self._plain_fields

    def _find_plain_fields(self) -> list[tuple[str, models.Field]]:
        found = []
        for column in self.columns():
            if column.special or column.export_only or "__" in column.field.attribute:
                continue
            found.append((column.key, self.model._meta.get_field(column.field.attribute)))
        return found

    def read_plain_fields(self, row: Row) -> dict[str, object]:
        """Return {attribute: value} of the plain columns the row has, each read and validated."""
        values = {}
        for key, model_field in self.plain_fields():
            if not row.has(key):
                continue
            value = self.clean(row, key)
            if value is INVALID:
                continue
            if model_field.is_relation:
                values[model_field.name] = value
                continue
            value = self.model_value(row, key, value, model_field)
            if value is not INVALID:
                values[model_field.name] = value
        return values

    def required(self, row: Row, key: str, value) -> bool:
        if value is None or value == "":
            row.error(key, "required", _("this cell must not be empty"))
            return False
        return True

    def may_change_public(self) -> bool:
        """Whether this import may change records the public sees (superusers and the command line)."""
        return self.user is None or self.user.is_superuser

    def refuse_public_change(self, row: Row, instance) -> bool:
        """
        Refuse (as an error of the row) a change to a record under public notice or
        published: a reviewer returns it to draft first, so that nothing public changes
        without review. Return whether the change was refused.
        """
        if not getattr(instance, "is_public", False) or self.may_change_public():
            return False
        row.error(
            None,
            "public",
            _("“%(record)s” is public (%(status)s): a reviewer must return it to draft before it is changed.")
            % {"record": instance, "status": instance.get_status_display()},
        )
        return True

    def changes(self, row: Row, instance, values: dict) -> tuple[list[Change], list[str]]:
        """Compare `values` with the record: return the changes to show, and the fields that change."""
        changes, fields = [], []
        column_of = {c.field.attribute: c for c in self.columns() if c.field.attribute}
        for name, new in values.items():
            old = getattr(instance, name)
            if _same(old, new):
                continue
            fields.append(name)
            column = column_of.get(name)
            if column is not None and (isinstance(old, models.Model) or isinstance(new, models.Model)):
                # A related record is shown as the export writes it (浦东, not 浦东新区).
                old_text, new_text = column.field.widget.render(old), column.field.widget.render(new)
            else:
                old_text, new_text = display(old), display(new)
            changes.append(Change(row.header(column.key if column else name), old_text, new_text))
        if fields:
            self.refuse_public_change(row, instance)
        return changes, fields

    # The steps ------------------------------------------------------------------

    def template_choices(self) -> dict[str, list[str]]:
        """The values a template offers in a drop-down, by column: those of the reference widgets."""
        from .widgets import SpellingForeignKeyWidget

        return {
            column.key: column.field.widget.choices()
            for column in self.import_columns()
            if isinstance(column.field.widget, SpellingForeignKeyWidget)
        }

    def prepare(self, rows: list[Row]) -> None:
        """Read, once, everything the rows are matched and checked against."""

    def check_row(self, row: Row) -> RowOutcome:
        raise NotImplementedError

    def check_file(self, rows: list[Row], outcomes: list[RowOutcome]) -> None:
        """Check what spans rows (duplicates, serials); add problems to the rows' outcomes."""

    def write(self) -> None:
        """Write the checked rows. Runs in the import's transaction, only when nothing is wrong."""
        raise NotImplementedError

    # Writing helpers --------------------------------------------------------------

    def history_options(self) -> dict:
        """The arguments of simple-history's bulk helpers: who, why, and which import."""
        reason = ""
        if self.record is not None:
            reason = (_("Import %(number)d: %(file)s") % {"number": self.record.pk, "file": self.record.file_name})[:100]
        return {
            "default_user": self.user,
            "default_change_reason": reason,
            "custom_historical_attrs": {"import_record_id": self.record.pk if self.record else None},
        }

    def bulk_create(self, model, instances: list) -> list:
        """Create `instances` in batches, and their history rows ("+")."""
        if not instances:
            return []
        if not connection.features.can_return_rows_from_bulk_insert:
            # The new ids are not returned: simple-history's helper finds the records again.
            from simple_history.utils import bulk_create_with_history

            for instance in instances:
                instance._history_user = self.user
            return bulk_create_with_history(instances, model, batch_size=500, **self.history_options())
        if connection.vendor == "postgresql":
            created = copy_create(model, instances)
        else:
            created = model.objects.bulk_create(instances, batch_size=500)
        self.write_history(model, [instance.pk for instance in created], "+")
        return created

    def bulk_update(self, model, instances: list, fields: Iterable[str]) -> None:
        """Update `fields` of `instances` in batches, and write their history rows ("~")."""
        if not instances:
            return
        fields = set(fields)
        now = timezone.now()
        if any(f.name == "updated_at" for f in model._meta.fields):
            # bulk_update() does not run auto_now; the record did change now.
            for instance in instances:
                instance.updated_at = now
            fields.add("updated_at")
        if fields:
            model.objects.bulk_update(instances, sorted(fields), batch_size=500)
        self.write_history(model, [instance.pk for instance in instances], "~")

    def write_history(self, model, pks: list, history_type: str) -> None:
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
        options = self.history_options()
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
                    record._history_user = self.user
                model.history.bulk_history_create(
                    records, batch_size=500, update=history_type == "~", **self.history_options()
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

    def park_serials(self, model, records: list, serial_field: str = "serial") -> None:
        """
        Move the serials of `records` out of the way (above every serial in use and every
        new one), in one query and without history, so that the bulk update that then gives
        them their new serials never trips the unique constraint halfway (PostgreSQL checks
        it row by row). `records` already hold their new serials; the database their old.
        """
        if not records:
            return
        top = model.objects.aggregate(top=models.Max(serial_field))["top"] or 0
        offset = 1 + max(top, max(getattr(record, serial_field) for record in records))
        model.objects.filter(pk__in=[record.pk for record in records]).update(
            **{serial_field: models.F(serial_field) + offset}
        )


def _same(old, new) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    if old in (None, "") and new in (None, ""):
        return True
    return old == new


def display(value) -> str:
    """Return a value as a preview shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f").rstrip("0")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def similar_name_key(name: str) -> str:
    """
    Return `name` without its parenthesised parts: 博彦科技（上海）有限公司 and
    博彦科技有限公司 give the same key, as do (中国) and （集团） variants.
    """
    return _without_parentheses(normalize_name(name))


def one_edit_apart(a: str, b: str) -> bool:
    """Return whether two different strings are one insertion, deletion or substitution apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def find_similar(new_names: dict[int, str], existing: dict[int, str]) -> dict[int, list[int]]:
    """
    For each new name (by row) return the ids of existing names that are likely the same
    enterprise: equal without parenthesised parts, or one character apart.

    Two texts one edit apart share a “deletion variant” (the text with one character
    left out, or the text itself), so only texts sharing a variant are compared. The
    variants are met with set operations: those of the smaller side are gathered once,
    each text of the larger side keeps only its variants found there (most keep none),
    and only those few variants are then traced back to their texts.
    """
    if not new_names or not existing:
        return {}
    new_norm = {row: normalize_name(name) for row, name in new_names.items()}
    old_norm = {pk: normalize_name(name) for pk, name in existing.items()}
    found: dict[int, set[int]] = {row: set() for row in new_names}
    by_key: dict[str, list[int]] = {}
    for pk, text in old_norm.items():
        by_key.setdefault(_without_parentheses(text), []).append(pk)
    for row, text in new_norm.items():
        found[row].update(by_key.get(_without_parentheses(text), ()))

    small, large, small_is_new = (new_norm, old_norm, True) if len(new_norm) <= len(old_norm) else (old_norm, new_norm, False)
    small_variants: set[str] = set()
    for text in small.values():
        small_variants.update(_deletions(text))
    shared: dict[object, set[str]] = {}
    for key, text in large.items():
        common = small_variants.intersection(_deletions(text))
        if common:
            shared[key] = common
    if not shared:
        return {row: sorted(pks) for row, pks in found.items() if pks}
    wanted = set().union(*shared.values())
    index: dict[str, list] = {}
    for key, text in small.items():
        for variant in wanted.intersection(_deletions(text)):
            index.setdefault(variant, []).append(key)
    for key, variants in shared.items():
        for variant in variants:
            for other in index[variant]:
                row, pk = (other, key) if small_is_new else (key, other)
                if one_edit_apart(new_norm[row], old_norm[pk]):
                    found[row].add(pk)
    return {row: sorted(pks) for row, pks in found.items() if pks}


_PARENTHESES = re.compile(r"\([^()]{0,12}\)")


def _without_parentheses(normalized: str) -> str:
    """similar_name_key() of a name already normalised."""
    return _PARENTHESES.sub("", normalized)


def _deletions(text: str) -> list[str]:
    """The text, and the text with each one of its characters left out."""
    return [text, *(text[:i] + text[i + 1 :] for i in range(len(text)))]


def copy_create(model, instances: list) -> list:
    """
    PostgreSQL: insert new `instances` as bulk_create would (no signals, no validation),
    with COPY: their ids are taken from the table's sequence first, then the rows are
    streamed. bulk_create writes each value into the text of an INSERT, quoted, which was
    a third of an import's time.
    """
    opts = model._meta
    fields = opts.concrete_fields
    quote = connection.ops.quote_name
    for instance in instances:
        # As bulk_create does: a related record saved since it was assigned gives its id.
        instance._prepare_related_fields_for_save(operation_name="bulk_create")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(opts.db_table), opts.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall()):
            instance.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for instance in instances:
                copy.write_row([f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields])
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias
    return instances


# --- Running an import ---------------------------------------------------------


ProgressCallback = Callable[[int, int], None]
PROGRESS_EVERY = 1000


def import_table(
    kind: str,
    content: bytes,
    *,
    file_name: str = "",
    list_year: int | None = None,
    dry_run: bool = False,
    user=None,
    decisions: dict | None = None,
    record=None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """
    Check a spreadsheet for the table `kind` and, unless it is a dry run or anything is
    wrong, import it: all rows in one transaction, or nothing.

    `decisions` settles likely duplicates (row number → "new", or the id of the existing
    enterprise the row is). `progress(done, total)` is called as rows are checked.
    """
    from .tables import get_table

    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run)
    try:
        sheet = read_sheet(content)
    except ImportRefused as refusal:
        result.file_problems.append(Problem(None, "", refusal.code, refusal.message))
        return result
    result.format, result.encoding, result.rows_total = sheet.format, sheet.encoding, len(sheet.rows)

    importer = get_table(kind).importer(list_year=list_year, user=user, decisions=decisions, record=record)
    mapping, header_problems = importer.map_headers(sheet.headers)
    result.file_problems.extend(header_problems)

    rows = []
    for number, values in sheet.rows:
        row = Row(number, {}, {})
        for index, value in enumerate(values):
            column = mapping.get(index)
            if column is not None:
                if not column.export_only:
                    row.values[column.key] = value
                    row.headers[column.key] = sheet.headers[index]
            elif _filled(value) and (index >= len(sheet.headers) or not sheet.headers[index]):
                row.error(None, "no_header", _("a value in column %(column)s, which has no header") % {"column": _column_letter(index)})
        rows.append(row)
    # Headers are known even for columns no row fills, for the messages of checks.
    for index, column in mapping.items():
        for row in rows:
            row.headers.setdefault(column.key, sheet.headers[index])

    importer.prepare(rows)
    total = len(rows)
    for done, row in enumerate(rows, 1):
        outcome = importer.check_row(row)
        outcome.problems = row.problems
        result.rows.append(outcome)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    importer.check_file(rows, result.rows)
    for outcome in result.rows:
        if outcome.problems:
            outcome.status = ERROR
    if progress:
        progress(total, total)

    if dry_run or not result.ok:
        return result
    with transaction.atomic():
        importer.write()
        # Bulk writes send no signals: count the change for the caches here.
        data_version_bump()
    result.written = True
    return result


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def safe_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, InvalidOperation):
        return None


# --- Serial numbers -------------------------------------------------------------


@dataclass
class SerialClaim:
    """A row's claim on a serial (序号) within a list or a report year."""

    row: Row
    key: object  # what holds the serial: a record's id, or ("new", row number)
    wanted: int | None  # the serial the file gives, if any
    current: int | None  # the serial the record holds now, if any


def settle_serials(claims: list[SerialClaim], held: dict[int, tuple[object, str]], scope: str, column: str = "serial") -> dict:
    """
    Return the serial each claim ends with, and add an error to any row whose serial is
    given twice in the file, or held by a record the file does not move. A row without
    a serial keeps its current one, or gets the next free one after all in use.
    `held` maps serials in use now to (key, name) of their holders.
    """
    taken: dict[int, SerialClaim] = {}
    final: dict = {}
    for claim in claims:
        wanted = claim.wanted if claim.wanted is not None else claim.current
        if wanted is None:
            continue
        if wanted in taken:
            claim.row.error(
                column,
                "duplicate_serial",
                _("serial %(serial)d is also given to row %(row)d") % {"serial": wanted, "row": taken[wanted].row.number},
            )
            continue
        taken[wanted] = claim
        final[claim.key] = wanted
    keys_in_file = {claim.key for claim in claims}
    for serial, (key, name) in held.items():
        if key not in keys_in_file and serial in taken:
            taken[serial].row.error(
                column,
                "serial_taken",
                _("serial %(serial)d already belongs to “%(holder)s” in %(scope)s")
                % {"serial": serial, "holder": name, "scope": scope},
            )
    following = max([*taken, *held], default=0) + 1
    for claim in claims:
        if claim.key not in final:
            final[claim.key] = following
            following += 1
    return final


def fetch_in_chunks(queryset, pks: Iterable[int], size: int = 900) -> dict:
    """Return {pk: record} for the given ids, a few queries in all (SQLite limits the parameters)."""
    pks = sorted(set(pks) - {None})
    found = {}
    for start in range(0, len(pks), size):
        for record in queryset.filter(pk__in=pks[start : start + size]):
            found[record.pk] = record
    return found


# --- Imports as records: what the admin, the worker and import_data share ------------


def import_record_create(*, kind: str, file_name: str, content: bytes, user=None, list_year=None, language: str = ""):
    """Record an uploaded file, to be checked and then imported (by the request or the worker)."""
    from .models import ImportRecord

    return ImportRecord.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_content=content,
        file_size=len(content),
        file_sha256=file_sha256(content),
        list_year=list_year,
        user=user if getattr(user, "is_authenticated", False) else None,
        language=language,
    )


def import_record_run(record, *, dry_run: bool) -> ImportResult:
    """
    Check (dry run) or import the file of `record`, keeping the record up to date as it
    goes: its progress while rows are checked, then its counts, errors and preview.
    """
    from django.utils import translation

    from .models import ImportRecord

    Status = ImportRecord.Status
    record.status = Status.CHECKING if dry_run else Status.RUNNING
    record.rows_done = 0
    record.save(update_fields=["status", "rows_done"])

    def progress(done: int, total: int) -> None:
        # Written at once (outside the import's transaction), for the progress bar.
        ImportRecord.objects.filter(pk=record.pk).update(rows_done=done, rows_total=total)

    with translation.override(record.language or settings.LANGUAGE_CODE):
        try:
            result = import_table(
                record.kind,
                bytes(record.file_content or b""),
                file_name=record.file_name,
                list_year=record.list_year,
                dry_run=dry_run,
                user=record.user,
                decisions=record.decisions,
                record=record,
                progress=progress,
            )
        except Exception:
            # The transaction has rolled back; the record must not stay “importing” for ever.
            reason = _(
                "The import stopped on an unexpected error (perhaps the records changed meanwhile); "
                "nothing was written. Check the file again."
            )
            record.status = Status.FAILED
            record.finished_at = timezone.now()
            record.errors = [asdict(Problem(None, "", "stopped", reason))]
            record.error_count = 1
            record.save()
            raise
    counts = result.counts()
    record.rows_total = result.rows_total
    record.rows_done = result.rows_total
    record.new_count, record.updated_count = counts["new"], counts["updated"]
    record.unchanged_count, record.error_count = counts["unchanged"], counts["errors"]
    record.errors = [asdict(problem) for problem in result.problems]
    record.preview = result.as_json(max_rows=settings.IMPORT_PREVIEW_ROWS)
    if result.written:
        record.status = Status.DONE
    elif not result.ok:
        record.status = Status.FAILED
    else:
        record.status = Status.PREVIEWED
    if record.status in (Status.DONE, Status.FAILED):
        record.finished_at = timezone.now()
        if record.status == Status.DONE or not result.similar_rows:
            # Done with the file; a failed one is fixed and uploaded again. Kept only while
            # a likely duplicate waits for a decision, so that the same file can be checked again.
            record.file_content = None
    record.save()
    return result


# --- Empty templates --------------------------------------------------------------


def template_xlsx(kind: str) -> bytes:
    """
    Return an empty workbook for the table `kind`: the columns an import reads, in the
    export's order, and a drop-down of the valid values where there is a fixed list
    (region, business type, domain, category), kept on a hidden sheet.
    """
    import xlsxwriter

    from .tables import get_table

    importer = get_table(kind).importer()
    columns = importer.import_columns()
    choices = importer.template_choices()
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(kind)
    lists = workbook.add_worksheet("lists")
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.freeze_panes(1, 0)
    list_column = 0
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.header, bold)
        sheet.set_column(index, index, max(12, 2 * len(column.header)), None if column.key != "credit_code" else text)
        values = choices.get(column.key)
        if not values:
            continue
        lists.write_string(0, list_column, column.header, bold)
        for row, value in enumerate(values, 1):
            lists.write_string(row, list_column, value)
        letter = _column_letter(list_column)
        sheet.data_validation(
            1,
            index,
            settings.IMPORT_MAX_ROWS,
            index,
            {
                "validate": "list",
                "source": f"=lists!${letter}$2:${letter}${len(values) + 1}",
                "error_title": column.header,
                "error_message": _("Choose one of the values in the list."),
            },
        )
        list_column += 1
    lists.hide()
    sheet.activate()
    workbook.close()
    return output.getvalue()
