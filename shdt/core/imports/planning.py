"""
Planning: what each row does to the records — new, changed (with old and new values),
unchanged — and what spans rows, such as the serials (序号) of a list or a report year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from .columns import Row
from .results import CHANGED, NEW, UNCHANGED, Change, RowOutcome


@dataclass
class Plan:
    """
    What the import does with one row: the record the row is (None for a new one), the
    values it writes, and the outcome the preview shows. Every table's importer plans
    its rows in this one shape.
    """

    row: Row
    outcome: RowOutcome
    record: models.Model | None = None
    # New record: every value read from the row; existing record: only those that change.
    values: dict = field(default_factory=dict)
    changed_fields: list[str] = field(default_factory=list)
    # What identifies the row's record among the file's rows, once the row is matched.
    key: object = None
    # What the row says of the records that hang off its record: an enterprise's 序号 on
    # the year's list, a base's recognitions (None: the row says nothing of them).
    attached: object = None
    # Changed values that wait for a reviewer instead of being written (plan_review).
    pending: dict = field(default_factory=dict)

    @property
    def pk(self):
        return self.record.pk if self.record is not None else None

    @property
    def status(self) -> str:
        return self.outcome.status


class PlanningMixin:
    """The part of a TableImport that plans each row: new, changed or unchanged, and what changes."""

    def start_plan(self, row: Row, label) -> Plan:
        """Return the plan of a row, new until matched, labelled for the preview."""
        plan = Plan(row, RowOutcome(row.number, NEW, str(label or "")))
        self.plans.append(plan)
        return plan

    def first_of(self, row: Row, key, column: str, message: str) -> bool:
        """
        Return whether `row` is the first of the file with `key`; if not, give it the error
        `message` (naming the first row as %(row)d) in `column`. Give `message` lazily
        (gettext_lazy): it is asked of every row and translated only for the few that need it.
        """
        if key in self.seen:
            row.error(column, "duplicate_row", message % {"row": self.seen[key]})
            return False
        self.seen[key] = row.number
        return True

    def refuse_blanks(self, row: Row, values: dict, keys, *, new_record_message: str = "") -> None:
        """
        Refuse a blank cell in the columns `keys` (dropping it from `values`); for a new
        record (`new_record_message` given, lazily as first_of's, naming the column as
        %(column)s), a missing column too.
        """
        for key in keys:
            if key in values and values[key] in (None, ""):
                self.required(row, key, None)
                values.pop(key)
            elif not row.has(key) and new_record_message:
                row.error(None, "required", new_record_message % {"column": self.resource.fields[key].column_name})

    def plan_new(self, plan: Plan, values: dict) -> RowOutcome:
        """The row is a new record with `values`."""
        plan.values = values
        return plan.outcome

    def plan_change(self, plan: Plan, record, values: dict) -> RowOutcome:
        """The row is `record` with `values`: keep only the values that change, and show them."""
        changes, changed_fields = self.changes(plan.row, record, values)
        plan.record = record
        plan.values = {name: values[name] for name in changed_fields}
        plan.changed_fields = changed_fields
        plan.outcome.changes = changes
        plan.outcome.status = CHANGED if changes else UNCHANGED
        return plan.outcome

    def plan_review(self, plan: Plan, names) -> None:
        """
        Let the changes of the fields `names` wait for a reviewer instead of being written:
        taken out of what the row writes, kept in `plan.pending` for the table's importer to
        propose, and marked in the preview. The row stays “changed”: it does change something.
        """
        names = [name for name in names if name in plan.values]
        for name in names:
            plan.pending[name] = plan.values.pop(name)
        plan.changed_fields = [name for name in plan.changed_fields if name not in plan.pending]
        for change in plan.outcome.changes:
            if change.field_name in plan.pending:
                change.pending = True

    def planned(self, *statuses: str) -> list[Plan]:
        """The plans of the rows with one of `statuses`, in the file's order."""
        return [plan for plan in self.plans if plan.status in statuses]

    def apply_changes(self) -> tuple[list, set[str]]:
        """Set the planned values on the records that change; return them and the fields that change."""
        records, fields = [], set()
        for plan in self.planned(CHANGED):
            if not plan.changed_fields:
                continue
            for name, value in plan.values.items():
                setattr(plan.record, name, value)
            records.append(plan.record)
            fields.update(plan.changed_fields)
        return records, fields

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
            changes.append(Change(row.header(column.key if column else name), old_text, new_text, field_name=name))
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
