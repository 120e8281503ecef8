"""
The registry's tables: for each kind of record, the queryset, the filters and the
spreadsheet columns that every list page, download, export and import share.

`export_data KIND`, the public downloads and the import name a table by its `name`.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.module_loading import import_string

from . import exports
from .caching import cached_for_token, current_token
from .filtering import Selection
from .registry import registered_tables



@dataclass(frozen=True)
class Table:
    name: str
    # Every record, drafts included: for staff tools (export_data --all, the import).
    get_all_queryset: Callable[[], QuerySet]
    resource_class: type
    # A shdt.core.filtering.RegistryFilterSet: the filters of the page, the downloads and the
    # API, the page's facets, and the words of a download's file name.
    filterset_class: type
    # The dotted path of the shdt.core.imports.TableImport that reads this table's spreadsheets.
    import_path: str = ""
    # The export columns as SQL expressions over the filtered queryset (shdt.core.sql_exports),
    # in the resource's order and form: with them, PostgreSQL writes the CSV and XLSX.
    sql_columns: Callable[[QuerySet], list] | None = None

    def get_queryset(self, *, public: bool = True) -> QuerySet:
        """The records the public sees (under public notice or published), or with `public=False` all of them."""
        queryset = self.get_all_queryset()
        return queryset.public() if public else queryset

    def filter(self, params: Mapping, *, public: bool = True):
        """Return the bound filterset of this table for the given query parameters."""
        return self.filterset_class(params, queryset=self.get_queryset(public=public), public=public)

    def select(self, params: QueryDict, *, public: bool = True) -> Selection:
        """
        What the table's FilterSet selects for a request's parameters (a Selection). Valid
        parameters' query and values are kept per data version, in the cache: checking the
        parameters and building the query were most of a page's work, and are the same for
        every request with the same filters until the records change. The query travels as
        Django documents for a queryset without its rows (QuerySet.query, pickled); the
        rows are read afresh each time.
        """
        values = tuple((name, tuple(params.getlist(name))) for name in self.filterset_class.base_filters)
        key = ("selection", self.name, public, values)
        made = []

        def compute():
            made.append(Selection.of(self.filter(params, public=public)))
            # Refused parameters are not kept: their messages are in the request's language.
            return (made[0].queryset.all().query, made[0].values) if made[0].is_valid() else None

        kept = cached_for_token(current_token(), key, compute)
        if made:
            return made[0]
        # The kept query replaces the base queryset's (the public filter included): only
        # what a queryset holds besides its query (its model, prefetches) is taken from it.
        queryset = self.get_all_queryset()
        queryset.query = kept[0]
        return Selection(self.filterset_class, queryset.all(), kept[1], {})

    def headers(self) -> list[str]:
        return self.resource_class().get_export_headers()

    def importer(self, **options):
        """Return the importer of this table (see shdt.core.imports), set up with `options`."""
        return import_string(self.import_path)(**options)

    def rows(self, queryset: QuerySet) -> Iterator[list]:
        return exports.resource_rows(self.resource_class(), queryset)

    def filename(self, filterset, extension: str) -> str:
        """Return a file name that says what the file holds: shdt-enterprises-2022-pudong.xlsx."""
        parts = ["shdt", self.name.replace("_", "-"), *filterset.filename_words()]
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


def get_table(name: str) -> Table:
    """Return the table called `name`, or raise KeyError."""
    return all_tables()[name]


def importable_tables() -> dict[str, Table]:
    """The tables that spreadsheets can be imported into (those with an importer)."""
    return {name: table for name, table in all_tables().items() if table.import_path}


def all_tables() -> dict[str, Table]:
    """Every table the apps registered (shdt.core.registry.register_tables), by name."""
    return registered_tables()
