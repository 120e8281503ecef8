"""Validators shared by the models, the import and the API."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import han_only

# GB 32100-2015 统一社会信用代码: the 31 characters it uses (no I, O, S, V, Z), each
# standing for its position as a number, and the weights 3^(i-1) mod 31.
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CREDIT_CODE_LENGTH = 18


# Each character's number, and its product with each weight, looked up rather than
# computed: every imported row's credit code is checked.
_CREDIT_CODE_PRODUCTS = tuple({ch: n * w for n, ch in enumerate(CREDIT_CODE_CHARS)} for w in CREDIT_CODE_WEIGHTS)


def validate_registered_name(value: str) -> None:
    """
    Refuse an enterprise name without a Chinese character: a registered name is written in
    standard Chinese characters (企业名称登记管理规定), so a name with none is a stray cell —
    an English brand (which belongs in the aliases), a formula, a number.
    """
    if not han_only(value):
        raise ValidationError(
            _("A registered enterprise name is written in Chinese characters; “%(value)s” has none."),
            code="name_not_chinese",
            params={"value": value},
        )
    validate_plain_name(value)


# What a spreadsheet reads as the start of a formula (=HYPERLINK(…), +1, -1, @SUM): a name
# that begins so would run, not show, in the Excel of whoever opens a file with it.
FORMULA_STARTS = ("=", "+", "-", "@")


# Unicode's control characters (category Cc) are exactly these two ranges; one search of
# the name, instead of a look-up per character, as every imported name is checked.
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


def validate_plain_name(value: str) -> None:
    """
    Refuse a name (registered, English or an alias) that begins as a formula does or holds
    a control character. A tab or line break inside a cell is invisible on the page and in
    Excel, and would keep the name from matching its own spelling elsewhere; a formula is
    how a hostile cell gets into the files applicants download and open.
    """
    if value.strip().startswith(FORMULA_STARTS):
        raise ValidationError(
            _("A name cannot begin with “%(start)s”: a spreadsheet would read “%(value)s” as a formula."),
            code="name_formula",
            params={"start": value.strip()[0], "value": value},
        )
    if _CONTROL_CHARACTER.search(value):
        raise ValidationError(
            _("A name cannot contain a tab, a line break or another control character: remove it from “%(value)s”."),
            code="name_control_character",
            params={"value": _visible(value)},
        )


def _visible(value: str) -> str:
    """`value` with each control character shown as its escape (\\t, \\x01), so the message shows where it is."""
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch for ch in value)


def credit_code_check_character(first17: str) -> str:
    """Return the 18th character that GB 32100-2015 computes from the first 17."""
    try:
        total = sum([products[ch] for products, ch in zip(_CREDIT_CODE_PRODUCTS, first17)])
    except KeyError as error:
        raise ValueError(f"{error.args[0]!r} is not a credit code character") from None
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse a 统一社会信用代码 of the wrong length, with a foreign character or a wrong check digit."""
    if len(value) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(value)},
        )
    bad = [ch for ch in value if ch not in CREDIT_CODE_CHARS]
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain “%(character)s”."),
            code="credit_code_character",
            params={"character": bad[0]},
        )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check character of this credit code is wrong: by GB 32100-2015 it should be “%(expected)s”."),
            code="credit_code_check",
            params={"expected": expected},
        )
