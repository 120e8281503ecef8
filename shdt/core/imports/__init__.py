"""
The one import path: the admin (upload → preview → confirm), the background worker and
`manage.py import_data` all call `import_table()` (runner).

1. **Reading** (reading): the file's format from its bytes, its header and rows.
2. **Columns** (columns): the headers matched to the fields of the table's
   django-import-export resource, each cell read by its widget and its model field.
3. **Matching and planning** (matching, planning): each table's `TableImport` (table; one
   per table in its app's `imports.py`) reads every row against lookups it prefetched
   once (no query per row) and plans it: new, changed (with old and new values),
   unchanged or an error; all errors are collected, each with its row number as Excel
   shows it and its column.
4. **Writing** (writing, history): only if no row has an error, in one transaction, in
   bulk, with the history rows written in bulk too. A dry run stops before writing.
   Importing the same file again finds every row unchanged and writes nothing.
5. **Templates** (templates): the empty workbooks to fill in.
6. **Runs** (runner): a file without data rows is refused; an ImportRecord's run holds a
   lease on it (a claim by conditional UPDATE, a heartbeat with its progress), so a dead
   worker's import is seen as stopped and can be cancelled or retried, never run twice.
7. **Progress** (progress): the phases a run goes through (ImportRecord.Phase: reading,
   checking, writing the records, their history, what the public sees), each with its
   rows or records done of its total, reported every PROGRESS_EVERY of them.

Why not django-import-export's own `Resource.import_data()`: it loads each row's record,
validates it (unique checks included) and saves it one query at a time, a row maps to one
model, and its dry run writes and then rolls back. A row of the registry's enterprise
table is an enterprise *and* its place on a year's list, matched by credit code or
normalised name; the checks here run on lookups read once, and a dry run writes nothing.
The resources stay the one definition of the columns and of how a cell is read (their
widgets).

What other modules use is imported from here; the submodules are the package's own.
"""

from .columns import INVALID, Row, header_key
from .matching import fetch_in_chunks, find_similar
from .planning import Plan, SerialClaim, display, settle_serials
from .reading import read_sheet, read_upload
from .results import (
    ALL_NEW,
    ALL_SAME,
    CHANGED,
    ERROR,
    NEW,
    SIMILAR,
    UNCHANGED,
    Change,
    ImportRefused,
    ImportResult,
    Problem,
    RowOutcome,
    Similar,
    decide_all,
    format_problem,
)
from .runner import LeaseLost, import_record_cancel, import_record_create, import_record_queue, import_record_run, import_table
from .table import TableImport
from .templates import template_xlsx

__all__ = [
    "ALL_NEW",
    "ALL_SAME",
    "CHANGED",
    "ERROR",
    "INVALID",
    "NEW",
    "SIMILAR",
    "UNCHANGED",
    "Change",
    "ImportRefused",
    "ImportResult",
    "LeaseLost",
    "Plan",
    "Problem",
    "Row",
    "RowOutcome",
    "SerialClaim",
    "Similar",
    "TableImport",
    "decide_all",
    "display",
    "fetch_in_chunks",
    "find_similar",
    "format_problem",
    "header_key",
    "import_record_cancel",
    "import_record_create",
    "import_record_queue",
    "import_record_run",
    "import_table",
    "read_sheet",
    "read_upload",
    "settle_serials",
    "template_xlsx",
]
