"""
Writing: only if no row has an error, in the import's one transaction, in bulk, with the
history rows written in bulk too. Importing the same file again writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

from . import history


def copy_create(model, instances: list) -> list:
    """
    PostgreSQL: insert new `instances` as bulk_create would (no signals, no validation),
    with COPY: their ids are taken from the table's sequence first, then the rows are
    streamed. bulk_create writes each value into the text of an INSERT, quoted, which was
    a third of an import's time.
    """
    opts = model._meta
    fields = opts.concrete_fields
    quote = connection.ops.quote_name
    for instance in instances:
        # As bulk_create does: a related record saved since it was assigned gives its id.
        instance._prepare_related_fields_for_save(operation_name="bulk_create")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(opts.db_table), opts.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall()):
            instance.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for instance in instances:
                copy.write_row([f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields])
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias
    return instances


class WritingMixin:
    """The part of a TableImport that writes records, and their history, in bulk."""

    def history_options(self) -> dict:
        return history.history_options(self.user, self.record)

    def bulk_create(self, model, instances: list) -> list:
        """Create `instances` in batches, and their history rows ("+")."""
        if not instances:
            return []
        if not connection.features.can_return_rows_from_bulk_insert:
            # The new ids are not returned: simple-history's helper finds the records again.
            from simple_history.utils import bulk_create_with_history

            for instance in instances:
                instance._history_user = self.user
            return bulk_create_with_history(instances, model, batch_size=500, **self.history_options())
        if connection.vendor == "postgresql":
            created = copy_create(model, instances)
        else:
            created = model.objects.bulk_create(instances, batch_size=500)
        self.write_history(model, [instance.pk for instance in created], "+")
        return created

    def bulk_update(self, model, instances: list, fields: Iterable[str]) -> None:
        """Update `fields` of `instances` in batches, and write their history rows ("~")."""
        if not instances:
            return
        fields = set(fields)
        now = timezone.now()
        if any(f.name == "updated_at" for f in model._meta.fields):
            # bulk_update() does not run auto_now; the record did change now.
            for instance in instances:
                instance.updated_at = now
            fields.add("updated_at")
        if fields:
            model.objects.bulk_update(instances, sorted(fields), batch_size=500)
        self.write_history(model, [instance.pk for instance in instances], "~")

    def write_history(self, model, pks: list, history_type: str) -> None:
        history.write_history(model, pks, history_type, user=self.user, import_record=self.record)

    def park_serials(self, model, records: list, serial_field: str = "serial") -> None:
        """
        Move the serials of `records` out of the way (above every serial in use and every
        new one), in one query and without history, so that the bulk update that then gives
        them their new serials never trips the unique constraint halfway (PostgreSQL checks
        it row by row). `records` already hold their new serials; the database their old.
        """
        if not records:
            return
        top = model.objects.aggregate(top=models.Max(serial_field))["top"] or 0
        offset = 1 + max(top, max(getattr(record, serial_field) for record in records))
        model.objects.filter(pk__in=[record.pk for record in records]).update(
            **{serial_field: models.F(serial_field) + offset}
        )
