"""
Planning: what each row does to the records — new, changed (with old and new values),
unchanged — and what spans rows, such as the serials (序号) of a list or a report year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from .columns import Row
from .results import Change


class PlanningMixin:
    """The part of a TableImport that compares a row with its record and guards public records."""

    def may_change_public(self) -> bool:
        """Whether this import may change records the public sees (superusers and the command line)."""
        return self.user is None or self.user.is_superuser

    def refuse_public_change(self, row: Row, instance) -> bool:
        """
        Refuse (as an error of the row) a change to a record under public notice or
        published: a reviewer returns it to draft first, so that nothing public changes
        without review. Return whether the change was refused.
        """
        if not getattr(instance, "is_public", False) or self.may_change_public():
            return False
        row.error(
            None,
            "public",
            _("“%(record)s” is public (%(status)s): a reviewer must return it to draft before it is changed.")
            % {"record": instance, "status": instance.get_status_display()},
        )
        return True

    def changes(self, row: Row, instance, values: dict) -> tuple[list[Change], list[str]]:
        """Compare `values` with the record: return the changes to show, and the fields that change."""
        changes, fields = [], []
        column_of = {c.field.attribute: c for c in self.columns() if c.field.attribute}
        for name, new in values.items():
            old = getattr(instance, name)
            if _same(old, new):
                continue
            fields.append(name)
            column = column_of.get(name)
            if column is not None and (isinstance(old, models.Model) or isinstance(new, models.Model)):
                # A related record is shown as the export writes it (浦东, not 浦东新区).
                old_text, new_text = column.field.widget.render(old), column.field.widget.render(new)
            else:
                old_text, new_text = display(old), display(new)
            changes.append(Change(row.header(column.key if column else name), old_text, new_text))
        if fields:
            self.refuse_public_change(row, instance)
        return changes, fields


def _same(old, new) -> bool:
    if isinstance(old, models.Model) or isinstance(new, models.Model):
        return getattr(old, "pk", old) == getattr(new, "pk", new)
    if old in (None, "") and new in (None, ""):
        return True
    return old == new


def display(value) -> str:
    """Return a value as a preview shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f").rstrip("0")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


@dataclass
class SerialClaim:
    """A row's claim on a serial (序号) within a list or a report year."""

    row: Row
    key: object  # what holds the serial: a record's id, or ("new", row number)
    wanted: int | None  # the serial the file gives, if any
    current: int | None  # the serial the record holds now, if any


def settle_serials(claims: list[SerialClaim], held: dict[int, tuple[object, str]], scope: str, column: str = "serial") -> dict:
    """
    Return the serial each claim ends with, and add an error to any row whose serial is
    given twice in the file, or held by a record the file does not move. A row without
    a serial keeps its current one, or gets the next free one after all in use.
    `held` maps serials in use now to (key, name) of their holders.
    """
    taken: dict[int, SerialClaim] = {}
    final: dict = {}
    for claim in claims:
        wanted = claim.wanted if claim.wanted is not None else claim.current
        if wanted is None:
            continue
        if wanted in taken:
            claim.row.error(
                column,
                "duplicate_serial",
                _("serial %(serial)d is also given to row %(row)d") % {"serial": wanted, "row": taken[wanted].row.number},
            )
            continue
        taken[wanted] = claim
        final[claim.key] = wanted
    keys_in_file = {claim.key for claim in claims}
    for serial, (key, name) in held.items():
        if key not in keys_in_file and serial in taken:
            taken[serial].row.error(
                column,
                "serial_taken",
                _("serial %(serial)d already belongs to “%(holder)s” in %(scope)s")
                % {"serial": serial, "holder": name, "scope": scope},
            )
    following = max([*taken, *held], default=0) + 1
    for claim in claims:
        if claim.key not in final:
            final[claim.key] = following
            following += 1
    return final
