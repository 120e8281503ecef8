"""The region column of the spreadsheets (所属区域), shared by every table with a region."""

from django.utils.translation import pgettext_lazy
from import_export import fields

from shdt.core.widgets import SpellingForeignKeyWidget

from .models import Region

# The headers a spreadsheet may give the region column.
REGION_HEADERS = ("Region", "District", "区域", "所在区域", "所在区", "区")


def region_field(attribute="region"):
    return fields.Field(
        attribute=attribute,
        column_name="所属区域",
        # Its own msgid: in “unknown region “外滩”” the Chinese noun is 区域, the field's label 所属区域.
        widget=SpellingForeignKeyWidget(Region, "short_name", noun=pgettext_lazy("noun in “unknown …”", "region")),
    )
