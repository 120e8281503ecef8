"""
The registry's tables: for each kind of record, the queryset, the filters and the
spreadsheet columns that every list page, download, export and import share.

`export_data KIND`, the public downloads and the import name a table by its `name`.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from . import exports
from .registry import registered_tables

# The tables' base querysets, by table name and whether they are the public ones.
_base_querysets: dict[tuple[str, bool], QuerySet] = {}



@dataclass(frozen=True)
class Table:
    name: str
    # Every record, drafts included: for staff tools (export_data --all, the import).
    get_all_queryset: Callable[[], QuerySet]
    resource_class: type
    filterset_class: type
    # The parameters whose values a download's file name carries, in this order.
    filename_params: tuple[str, ...] = ()
    # The dotted path of the shdt.core.imports.TableImport that reads this table's spreadsheets.
    import_path: str = ""
    # The export columns as SQL expressions over the filtered queryset (shdt.core.sql_exports),
    # in the resource's order and form: with them, PostgreSQL writes the CSV and XLSX.
    sql_columns: Callable[[QuerySet], list] | None = None

    def get_queryset(self, *, public: bool = True) -> QuerySet:
        """The records the public sees (under public notice or published), or with `public=False` all of them."""
        key = (self.name, public)
        if key not in _base_querysets:
            # Built once per process, as it depends on nothing but the code; each caller
            # gets a copy, so the kept one is never evaluated.
            queryset = self.get_all_queryset()
            _base_querysets[key] = queryset.public() if public else queryset
        return _base_querysets[key].all()

    def filter(self, params: Mapping, *, public: bool = True):
        """Return the bound filterset of this table for the given query parameters."""
        return self.filterset_class(
            params, queryset=self.get_queryset(public=public), public=public, base_key=self.base_key(public)
        )

    def base_key(self, public: bool) -> tuple:
        """What names the base queryset of get_queryset(public=…), for the filtered querysets a FilterSet keeps."""
        return (self.name, public)

    def headers(self) -> list[str]:
        return self.resource_class().get_export_headers()

    def importer(self, **options):
        """Return the importer of this table (see shdt.core.imports), set up with `options`."""
        return import_string(self.import_path)(**options)

    def rows(self, queryset: QuerySet) -> Iterator[list]:
        return exports.resource_rows(self.resource_class(), queryset)

    def filename(self, filterset, extension: str) -> str:
        """Return a file name that says what the file holds: shdt-enterprises-2022-pudong.xlsx."""
        parts = ["shdt", self.name.replace("_", "-")]
        filterset.errors  # noqa: B018 -- validates the form; invalid values filter nothing
        cleaned = filterset.form.cleaned_data
        for param in self.filename_params:
            parts.extend(_filename_words(cleaned.get(param), param))
        return "-".join(parts) + "." + extension

    def export(self, filterset, fmt: str) -> tuple[str, Iterator[bytes]]:
        """Return the file name and the content of the rows that `filterset` selects."""
        queryset = filterset.qs
        if self.sql_columns is not None and fmt in ("csv", "xlsx") and connections[queryset.db].vendor == "postgresql":
            chunks = self.sql_chunks(queryset, fmt)
        else:
            chunks = exports.table_chunks(fmt, self.headers(), self.rows(queryset), sheet_name=self.name)
        return self.filename(filterset, exports.FORMATS[fmt].extension), chunks

    def sql_chunks(self, queryset: QuerySet, fmt: str) -> Iterator[bytes]:
        """The file written by PostgreSQL (see shdt.core.sql_exports): the same bytes as the resource's path."""
        from . import sql_exports

        columns = self.sql_columns(queryset)
        if fmt == "csv":
            return sql_exports.csv_chunks(self.headers(), queryset, columns)
        rows = sql_exports.xlsx_rows(queryset, columns)
        return exports.file_chunks(exports.xlsx_file(self.headers(), rows, sheet_name=self.name))


def _filename_words(value, param: str) -> list[str]:
    if value in (None, "", [], False):
        return []
    if value is True:
        return [param.replace("_", "-")]
    values = value if isinstance(value, (list, tuple, QuerySet)) else [value]
    words = []
    for item in values:
        key = getattr(item, "code", None) or getattr(item, "year", None) or item
        words.append(str(key))
    return words


def get_table(name: str) -> Table:
    """Return the table called `name`, or raise KeyError."""
    return all_tables()[name]


def importable_tables() -> dict[str, Table]:
    """The tables that spreadsheets can be imported into (those with an importer)."""
    return {name: table for name, table in all_tables().items() if table.import_path}


def all_tables() -> dict[str, Table]:
    """Every table the apps registered (shdt.core.registry.register_tables), by name."""
    return registered_tables()
