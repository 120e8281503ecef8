"""The empty workbooks staff download to fill in: one per importable table."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _

from .reading import column_letter

def template_xlsx(kind: str) -> bytes:
    """
    Return an empty workbook for the table `kind`: the columns an import reads, in the
    export's order, and a drop-down of the valid values where there is a fixed list
    (region, business type, domain, category), kept on a hidden sheet.
    """
    import xlsxwriter

    from ..tables import get_table

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
        letter = column_letter(list_column)
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
