"""
django-import-export widgets for the registry's spreadsheet columns.

Foreign keys travel by name, never by database id: a region is 浦东 in the report's
tables, and a staff member's sheet may say 浦东新区, pudong or Pudong New Area. Numbers
and dates are read as staff sheets write them (1.0, “1,234.5”, 2016/8/18, a date cell);
anything else is a CellError with a reason a person can act on.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export.widgets import DateWidget, DecimalWidget, ForeignKeyWidget, IntegerWidget

from .text import normalize_name


class CellError(ValueError):
    """A cell that cannot be read: `message` says why, in the user's language; `code` names the reason."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class SpellingForeignKeyWidget(ForeignKeyWidget):
    """
    Find a reference record (region, business type, base domain) by any of its
    spellings, and write it as the report writes it.

    The model must offer ``spellings()``. All rows are read once per widget, so an
    import of many rows makes no query per row for the lookup.
    """

    def __init__(self, model, field, *, noun, **kwargs):
        # `field` is what an export writes (the report's own spelling, e.g. short_name: 浦东).
        super().__init__(model, field=field, **kwargs)
        self.noun = noun
        self._by_spelling = None

    def _lookup(self) -> dict:
        if self._by_spelling is None:
            self._by_spelling = {
                normalize_name(spelling): obj
                for obj in self.model.objects.all()
                for spelling in obj.spellings()
                if spelling
            }
        return self._by_spelling

    def choices(self) -> list[str]:
        """Return the spelling exports write for each record, in order: a template's drop-down."""
        return [str(getattr(obj, self.field)) for obj in self.model.objects.all()]

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        found = self._lookup().get(normalize_name(str(value)))
        if found is None:
            raise CellError(
                _("unknown %(noun)s “%(value)s”") % {"noun": self.noun, "value": str(value).strip()},
                code=f"unknown_{self.model._meta.model_name}",
            )
        return found


def _number_text(value) -> str:
    # Thousands separators and spaces as people type them: “1,234.5”, “1 234,5” is not guessed.
    return re.sub(r"[\s,，]", "", str(value))


class WholeNumberWidget(IntegerWidget):
    """A whole number: 7, 7.0 or “7” is 7; 7.5 is refused rather than cut to 7."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if isinstance(value, bool):
            raise CellError(_("“%(value)s” is not a whole number") % {"value": value})
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a whole number") % {"value": value}) from None
        if not number.is_finite() or number != number.to_integral_value() or abs(number) >= 10**9:
            raise CellError(_("“%(value)s” is not a whole number") % {"value": value})
        return int(number)


class ExactDecimalWidget(DecimalWidget):
    """A decimal kept exact (never a float): 12368.8, “12,368.8”."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, bool):
            raise CellError(_("“%(value)s” is not a number") % {"value": value})
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number") % {"value": value}) from None
        if not number.is_finite():
            raise CellError(_("“%(value)s” is not a number") % {"value": value})
        return number


class FlexibleDateWidget(DateWidget):
    """
    A date as a staff sheet writes it: an Excel date cell, 2016-08-18, 2016/8/18,
    2016.8.18 or 2016年8月18日. Exports still write the widget's format.
    """

    PATTERN = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        match = self.PATTERN.fullmatch(text) or self.PATTERN.fullmatch(text.split(" ")[0].split("T")[0])
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise CellError(
            _("“%(value)s” is not a date; write it as 2016-08-18 or 2016/8/18") % {"value": text}, code="invalid_date"
        )


STATUS_HEADER = "状态"


def status_field():
    """The export-only column that says which rows are under public notice and which published."""
    from import_export import fields

    return fields.Field(column_name=STATUS_HEADER, readonly=True)


def status_in_file(status: str | None) -> str:
    from .models import STATUS_IN_FILES

    return STATUS_IN_FILES.get(status, "") if status else ""
