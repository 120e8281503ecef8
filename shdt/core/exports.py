"""
Writers for the registry's tables: CSV, XLSX and JSON from the same rows.

Every table and every caller (export_data, the public downloads, the editions) can
take this path: the rows come from a django-import-export resource over a filtered
queryset, read in chunks, and each writer streams them without holding the table in
memory. On PostgreSQL, a table that declares its columns in SQL has its CSV and XLSX
written by the database instead (shdt.core.sql_exports), byte for byte the same files.

Spreadsheet safety: a text cell that begins with ``= + - @`` (or a tab or carriage
return) would run as a formula when the file is opened in Excel. CSV text cells get a
leading apostrophe; XLSX cells are written as typed strings, which Excel never
evaluates; JSON is not opened by Excel and keeps the text as it is.
"""

import csv
import datetime
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

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


class _RowLines:
    """
    What the CSV writer writes to: its rows, each ended by a bare newline.

    The writer ends rows with CRLF so that it quotes every cell holding a carriage
    return (Python 3.11 quotes only the characters of its line terminator); the rows are
    then ended with LF, as PostgreSQL's COPY ends them, so that both paths write the same
    bytes (Excel reads either).
    """

    def __init__(self):
        self.parts = []

    def write(self, line: str) -> None:
        self.parts.append(line[:-2] + "\n")

    def take(self) -> bytes:
        data = "".join(self.parts).encode()
        self.parts = []
        return data


def csv_writer(lines: _RowLines):
    return csv.writer(lines, lineterminator="\r\n")


def csv_header(headers: Sequence[str]) -> bytes:
    """The start of every CSV: a BOM (so that Excel on Chinese Windows reads UTF-8), then the headers."""
    lines = _RowLines()
    csv_writer(lines).writerow(headers)
    return UTF8_BOM + lines.take()


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """Yield a UTF-8 CSV with a BOM, in chunks."""
    yield csv_header(headers)
    lines = _RowLines()
    writer = csv_writer(lines)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        if len(lines.parts) >= CHUNK_ROWS:
            yield lines.take()
    if lines.parts:
        yield lines.take()


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


# --- XLSX -------------------------------------------------------------------------------
#
# The workbook is written part by part with zipfile: one sheet whose rows are XML
# strings, made here from Python values or by PostgreSQL (shdt.core.sql_exports) by the same
# rules. Text cells are inline strings (t="inlineStr"), never formulas; numbers are
# numbers; the header row is bold and frozen. Cells carry no reference (r="B2"): a reader
# counts them, so an empty cell is written as <c/>.

XLSX_WHITESPACE = (" ", "\t", "\n", "\r", "\u3000")
# How Excel (and xlsxwriter) keep characters that XML 1.0 cannot hold: _xHHHH_, and a
# literal _xHHHH_ in the text gets its underscore escaped as _x005F_.
XLSX_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
XLSX_CONTROL = re.compile("([\x00-\x08\x0b-\x1f\ufffe\uffff])")
XLSX_EMPTY_CELL = "<c/>"
XLSX_BOLD = 1
XLSX_DATE = 2
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def xlsx_text(text: str, style: int = 0) -> str:
    """Return the cell of a text: an inline string, escaped for XML."""
    if text == "":
        return XLSX_EMPTY_CELL
    preserve = ' xml:space="preserve"' if text.startswith(XLSX_WHITESPACE) or text.endswith(XLSX_WHITESPACE) else ""
    escaped = text
    if XLSX_CONTROL.search(escaped) or XLSX_ESCAPED.search(escaped):
        escaped = XLSX_CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", XLSX_ESCAPED.sub(r"_x005F\1", escaped))
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    style_attr = f' s="{style}"' if style else ""
    return f'<c{style_attr} t="inlineStr"><is><t{preserve}>{escaped}</t></is></c>'


def xlsx_cell(value) -> str:
    if value is None:
        return XLSX_EMPTY_CELL
    if isinstance(value, str):
        return xlsx_text(value)
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, Decimal)):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f'<c s="{XLSX_DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    return xlsx_text(str(value))


def xlsx_row(values: Iterable) -> str:
    return "<row>" + "".join(xlsx_cell(value) for value in values) + "</row>"


XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSX_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
XLSX_STATIC_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{XLSX_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{XLSX_RELS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{XLSX_PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{XLSX_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{XLSX_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Cell formats: 0 plain, 1 bold (the header), 2 a date.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{XLSX_MAIN}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
XLSX_SHEET_START = (
    f'<worksheet xmlns="{XLSX_MAIN}" xmlns:r="{XLSX_RELS}">'
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/><sheetData>'
)
XLSX_SHEET_END = "</sheetData></worksheet>"


def xlsx_file(headers: Sequence[str], row_xml: Iterable[str], sheet_name: str = "Sheet1"):
    """
    Write an XLSX of the header row and the rows (each a <row> element, see xlsx_row)
    to a temporary file and return it, rewound.

    The sheet is compressed as it is written, so memory does not grow with the rows.
    """
    output = tempfile.TemporaryFile()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, xml in XLSX_STATIC_PARTS.items():
            archive.writestr(name, XML_DECLARATION + xml)
        name = xml_escape(sheet_name[:31], {'"': "&quot;"})
        archive.writestr(
            "xl/workbook.xml",
            XML_DECLARATION + f'<workbook xmlns="{XLSX_MAIN}" xmlns:r="{XLSX_RELS}">'
            f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            header = "<row>" + "".join(xlsx_text(str(h), XLSX_BOLD) for h in headers) + "</row>"
            sheet.write((XML_DECLARATION + XLSX_SHEET_START + header).encode())
            parts = []
            for row in row_xml:
                parts.append(row)
                if len(parts) >= CHUNK_ROWS:
                    sheet.write("".join(parts).encode())
                    parts = []
            parts.append(XLSX_SHEET_END)
            sheet.write("".join(parts).encode())
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
        return file_chunks(xlsx_file(headers, (xlsx_row(row) for row in rows), sheet_name))
    raise ValueError(f"unknown format {fmt!r}")
