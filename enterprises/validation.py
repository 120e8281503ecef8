"""
An enterprise's rules, each written once, for every path that writes one: the admin's
form and the API (through the services' full_clean(), whose Enterprise.clean() calls
these) and the import (which calls them on each row, with what it has read once instead
of a query per row).

A field's own rule stays with the field: the registered name's characters and the
credit code's check character are validators, a website typed without a scheme is https
(WebsiteField). The rules here span values or records.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shdt.core.validators import validate_plain_name

# How a cell, a form or a list entry separates aliases: “；” (as the exports write them),
# “;” or a line break (each that str.splitlines knows). The API's SQL (enterprises.api.sql)
# splits by the same characters, so that both give the same aliases.
ALIAS_SEPARATORS = "[；;\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
_ALIAS_SEPARATORS = re.compile(ALIAS_SEPARATORS + "+")


def split_aliases(value) -> list[str]:
    """Return the aliases of `value`, one per entry, without blanks."""
    return [alias.strip() for alias in _ALIAS_SEPARATORS.split(str(value or "")) if alias.strip()]


def validate_aliases(value) -> None:
    """
    Refuse aliases of which one begins as a formula or holds a control character (the
    rule of every name, shdt.core.validators.validate_plain_name), naming the alias.
    """
    for alias in split_aliases(value):
        validate_plain_name(alias)


def validate_name_free(name: str, pk, holder: tuple[int, str] | None) -> None:
    """
    Refuse `name` for the enterprise `pk` (None: a new one) if `holder` (id, name), the
    enterprise whose name is the same once normalised, is another one: names that differ
    only in full-/half-width characters or spaces are the same enterprise.
    """
    if holder is None or holder[0] == pk:
        return
    raise ValidationError(
        {
            "name": ValidationError(
                _(
                    "An enterprise with this name already exists: “%(existing)s”. "
                    "Names that differ only in full-/half-width characters or spaces are the same enterprise."
                ),
                code="duplicate_name",
                params={"existing": holder[1], "name": name},
            )
        }
    )

