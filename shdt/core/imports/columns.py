"""
Columns and cells: the headers of a file are matched to the fields of the table's
django-import-export resource — the same resource that names the export's columns — by
their Chinese header or an English equivalent the resource lists. A header that matches
nothing is an error; columns that only exports write (permalink, codes…) are accepted
and ignored. A cell is read by its resource widget, then checked by its model field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from ..text import normalize_name
from ..widgets import CellError
from .results import Problem

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



class ColumnsMixin:
    """The part of a TableImport that knows its columns and reads its cells."""

    # Columns ------------------------------------------------------------------

    def columns(self) -> list[Column]:
        return self.all_columns

    @cached_property
    def all_columns(self) -> list[Column]:
        """The table's columns in the export's order; asked for by every row's checks, so worked out once."""
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

    @cached_property
    def plain_fields(self) -> list[tuple[str, models.Field]]:
        """The columns that set one model field each (not special, not export-only, no relation path)."""
        found = []
        for column in self.columns():
            if column.special or column.export_only or "__" in column.field.attribute:
                continue
            found.append((column.key, self.model._meta.get_field(column.field.attribute)))
        return found

    def read_plain_fields(self, row: Row) -> dict[str, object]:
        """Return {attribute: value} of the plain columns the row has, each read and validated."""
        values = {}
        for key, model_field in self.plain_fields:
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

    def report(self, row: Row, error: ValidationError) -> None:
        """Add to `row` the errors of a model's validation, each under the column of its field."""
        key_of = {c.field.attribute: c.key for c in self.columns() if c.field.attribute}
        for name, errors in error.error_dict.items():
            for item in errors:
                message = item.message % item.params if item.params else item.message
                row.error(key_of.get(name), item.code or "invalid", message)

    def required(self, row: Row, key: str, value) -> bool:
        if value is None or value == "":
            row.error(key, "required", _("this cell must not be empty"))
            return False
        return True

    def template_choices(self) -> dict[str, list[str]]:
        """The values a template offers in a drop-down, by column: those of the reference widgets."""
        from ..widgets import SpellingForeignKeyWidget

        return {
            column.key: column.field.widget.choices()
            for column in self.import_columns()
            if isinstance(column.field.widget, SpellingForeignKeyWidget)
        }
