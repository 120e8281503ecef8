"""
django-import-export widgets for the registry's spreadsheet columns.

Foreign keys travel by name, never by database id: a region is 浦东 in the report's
tables, and a staff member's sheet may say 浦东新区, pudong or Pudong New Area.
"""

from django.utils.translation import gettext as _
from import_export.widgets import ForeignKeyWidget

from .text import normalize_name


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

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        found = self._lookup().get(normalize_name(str(value)))
        if found is None:
            raise ValueError(_("unknown %(noun)s “%(value)s”") % {"noun": self.noun, "value": str(value).strip()})
        return found
