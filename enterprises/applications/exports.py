"""A window's applications as XLSX for the review meeting: never the attachments, contact data only for who may see it."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from shdt.core.validators import FORMULA_STARTS

from .models import Application
from .services import CONTACT_FIELDS

COLUMNS = (
    "receipt_number", "status", "name", "credit_code", "region", "business_type", "name_en", "website",
    "contact_name", "contact_phone", "contact_email", "trade_volume",
    "profile", "case", "technology_experience", "business_model_innovation", "overseas_markets",
    "enterprise", "reviewer", "score", "notes", "submitted_at",
)


def _cell(application: Application, name: str):
    if name == "status":
        return application.get_status_display()
    value = getattr(application, name)
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return value.replace(tzinfo=None)
    if not isinstance(value, (int, float, str)) and name != "trade_volume":
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # An applicant's text must not run as a formula in the reviewers' Excel.
        value = "'" + value
    return value


def applications_xlsx(window, *, with_contact: bool) -> bytes:
    columns = [c for c in COLUMNS if with_contact or c not in CONTACT_FIELDS]
    rows = Application.objects.filter(window=window).select_related("region", "business_type", "enterprise", "reviewer").order_by("receipt_number")
    book = Workbook()
    sheet = book.active
    sheet.title = str(window.year)
    sheet.append([str(Application._meta.get_field(c).verbose_name) for c in columns])
    for application in rows:
        sheet.append([_cell(application, c) for c in columns])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def export_filename(window) -> str:
    return _("applications-%(year)s.xlsx") % {"year": window.year}
