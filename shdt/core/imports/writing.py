"""
Writing: only if no row has an error, in the import's one transaction, in bulk, with the
history rows written in bulk too. Importing the same file again writes nothing.

The records are written first, then all their history rows (write_queued_history), so
that the import's progress goes through its phases in order and never back; a history
row copies its record as the database holds it then, which is as the records phase left
it (nothing changes a record between the two but the public listing, refreshed after).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import history
from .progress import Progress

BATCH_SIZE = 1000


class WritingMixin:
    """The part of a TableImport that writes records, and their history, in bulk."""

    #: Told of each batch of records and of history rows written (runner sets the run's).
    progress: Progress

    def bulk_create(self, model, instances: list) -> list:
        """Create `instances` in batches; their history rows ("+") wait for write_queued_history()."""
        if not instances:
            return []
        if not connection.features.can_return_rows_from_bulk_insert:
            # The new ids are not returned (SQLite before 3.35): simple-history's
            # documented helper finds the records again, writing their history at once.
            created = bulk_create_with_history(
                instances,
                model,
                batch_size=BATCH_SIZE,
                default_user=self.user,
                default_change_reason=history.change_reason(self.record),
                custom_historical_attrs={"import_record_id": self.record.pk if self.record else None},
            )
            self.progress.advance(len(instances))
            return created
        # A batch at a time, to tell the progress of each. No signals: the history rows
        # are written later, from the rows as stored.
        created = []
        for start in range(0, len(instances), BATCH_SIZE):
            created += model.objects.bulk_create(instances[start : start + BATCH_SIZE])
            self.progress.advance(min(BATCH_SIZE, len(instances) - start))
        self.write_history(model, [instance.pk for instance in created], "+")
        return created

    def bulk_update(self, model, instances: list, fields: Iterable[str]) -> None:
        """Update `fields` of `instances` in batches, and write their history rows ("~")."""
        if not instances:
            return
        fields = set(fields)
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            # bulk_update() does not run auto_now; the record did change now.
            now = timezone.now()
            for instance in instances:
                instance.updated_at = now
            fields.add("updated_at")
        for start in range(0, len(instances), BATCH_SIZE):
            batch = instances[start : start + BATCH_SIZE]
            if fields:
                model.objects.bulk_update(batch, sorted(fields))
            self.progress.advance(len(batch))
        self.write_history(model, [instance.pk for instance in instances], "~")

    def write_history(self, model, pks: list, history_type: str) -> None:
        """Queue the history rows of records just written ("+" created, "~" changed)."""
        if pks and history.history_enabled():
            self.history_queue.append((model, pks, history_type))

    def history_total(self) -> int:
        """How many history rows write_queued_history() writes."""
        return sum(len(pks) for _model, pks, _type in self.history_queue)

    def write_queued_history(self) -> None:
        """Write the history rows of every record written so far, in the order they were written."""
        queue, self.history_queue = self.history_queue, []
        for model, pks, history_type in queue:
            history.write_history(
                model, pks, history_type, user=self.user, import_record=self.record, progress=self.progress
            )

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
