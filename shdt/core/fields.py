"""Model fields shared by the apps."""

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import CREDIT_CODE_LENGTH, validate_credit_code


class CreditCodeField(models.CharField):
    """
    An optional 统一社会信用代码: upper-cased and stripped of spaces and full-width
    forms on the way in, stored as NULL when absent so that uniqueness ignores blanks.
    """

    default_validators = [validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", CREDIT_CODE_LENGTH)
        kwargs.setdefault("verbose_name", _("unified social credit code"))
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("unique", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # `unique` defaults to True here but to False in Field: always say which it is,
        # or a copy made not unique (the history table's) would come back unique.
        name, path, args, kwargs = super().deconstruct()
        kwargs["unique"] = self._unique
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        value = "".join(unicodedata.normalize("NFKC", value).split()).upper()
        return value or None

    def get_prep_value(self, value):
        # Blank means unknown; NULL keeps two unknown codes from colliding.
        value = super().get_prep_value(value)
        return value or None


# A source that is a place in a report: 表 3-3, 第五章第一节, 《上海数字贸易发展报告 2022》表 3-3.
_REPORT_PLACE = re.compile(r"^\s*(《[^》]*》)?\s*[表图第]")


def source_is_report(source: str) -> bool:
    """
    Whether a record was taken from a report (its SourceField names a table or a chapter):
    then a field it leaves empty is one the report does not state, not one the registry lost.
    """
    return bool(_REPORT_PLACE.match(source or ""))


class SourceField(models.CharField):
    """Where in the report (table or chapter) a record comes from."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("verbose_name", _("source"))
        kwargs.setdefault("help_text", _("Where the record comes from, e.g. 《上海数字贸易发展报告 2022》表 3-3."))
        super().__init__(*args, **kwargs)


class WebsiteField(models.URLField):
    """A website; an address typed without a scheme is taken as https (Django 6's default)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("website"))
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        # In the field, not only in its form: the admin, the API and the import all read an
        # address this way.
        value = super().to_python(value)
        if isinstance(value, str) and value and "://" not in value:
            return "https://" + value
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
