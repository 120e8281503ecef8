"""
Running an import: `import_table()` reads a file, checks every row and, unless it is a dry
run or anything is wrong, writes it; `import_record_run()` does so for an ImportRecord,
keeping its progress, counts and preview up to date (the admin's request and the
background worker both call it).

A run holds a lease on its record, so that a worker killed by the system (OOM, a restart,
a deploy) is seen as stopped and its import can be cancelled or retried, and so that no
two runs ever work on one record:

- `import_record_queue()` hands the record to a run: it sets the record waiting and its
  `heartbeat_at` to a new value, the run's ticket, in one UPDATE conditional on the
  state the caller read (two clicks on *Confirm* or *Retry* queue one run).
- The run claims the record with one UPDATE … WHERE status = waiting AND heartbeat_at =
  its ticket AND started_at IS NULL; a second task queued for the same record (a retry
  while the first was only slow) finds the ticket gone and does nothing.
- Each write of its progress (its phase, and every PROGRESS_EVERY rows and at least
  every sixth of IMPORT_LEASE_SECONDS: progress) moves `heartbeat_at`, conditional on
  the value it wrote last: no extra query, and a run whose record was cancelled or
  retried meanwhile stops (LeaseLost) before it writes anything.
- The rows, and the record's end as *imported*, are written in one transaction, which
  checks the lease once more before it commits: a run that lost its record rolls back.

The progress is written outside the import's transaction, where the page sees it at
once: while that transaction is open, from a thread of its own with a connection of its
own (_OutsideWriter). SQLite has one writer at a time, so there the page sees the write
phases begin, and then the end.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..versioning import data_version_bump
from .columns import Row
from .progress import Progress, ProgressCallback
from .reading import column_letter, filled, read_sheet
from .results import ERROR, ImportRefused, ImportResult, Problem


@contextmanager
def collector_paused():
    """
    Pause Python's cycle collector while an import runs, and restore it after.

    An import keeps every row, plan and record of its file alive until it commits, and
    makes almost no reference cycles (52 objects in all in an import of 20,000 rows):
    the collector finds nothing to free, yet each of its full passes walks every live
    object, more often as they grow, about 5 s of an import of 100,000 rows. Reference
    counting frees everything else as usual. The collector is process-wide: another
    thread's request meanwhile only keeps its own cycles a little longer.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@collector_paused()
def import_table(
    kind: str,
    content: bytes,
    *,
    file_name: str = "",
    list_year: int | None = None,
    dry_run: bool = False,
    user=None,
    decisions: dict | None = None,
    record=None,
    progress: ProgressCallback | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """
    Check a spreadsheet for the table `kind` and, unless it is a dry run or anything is
    wrong, import it: all rows in one transaction, or nothing.

    `decisions` settles likely duplicates (row number → "new", or the id of the existing
    enterprise the row is). `progress(phase, done, total)` is called as the run goes
    through the phases of ImportRecord.Phase: at the start and end of each, every
    PROGRESS_EVERY rows or records and at least every sixth of IMPORT_LEASE_SECONDS
    (see Progress); the write phases call it in the write's transaction.
    `before_commit(result)` is called in the write's transaction, after the rows are
    written; if it raises, nothing is written.
    """
    from ..models import ImportRecord
    from ..tables import get_table

    Phase = ImportRecord.Phase
    tracker = Progress(progress)
    tracker.start(Phase.READING, 0)
    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run)
    try:
        sheet = read_sheet(content)
    except ImportRefused as refusal:
        result.file_problems.append(Problem(None, "", refusal.code, refusal.message))
        return result
    result.format, result.encoding, result.rows_total = sheet.format, sheet.encoding, len(sheet.rows)

    importer = get_table(kind).importer(list_year=list_year, user=user, decisions=decisions, record=record)
    importer.progress = tracker
    mapping, header_problems = importer.map_headers(sheet.headers)
    result.file_problems.extend(header_problems)
    if not sheet.rows:
        # Nothing to import is an error, not an import of nothing: the write would still
        # create what the rows hang off (a year's list and its history) and name a new
        # state of the records. The header's own errors, if any, are reported beside it.
        result.file_problems.append(
            Problem(None, "", "no_rows", _("The file has a header row but no data rows; nothing was imported."))
        )
        return result

    rows = []
    for number, values in sheet.rows:
        row = Row(number, {}, {})
        for index, value in enumerate(values):
            column = mapping.get(index)
            if column is not None:
                if not column.export_only:
                    row.values[column.key] = value
                    row.headers[column.key] = sheet.headers[index]
            elif filled(value) and (index >= len(sheet.headers) or not sheet.headers[index]):
                row.error(None, "no_header", _("a value in column %(column)s, which has no header") % {"column": column_letter(index)})
        rows.append(row)
    # Headers are known even for columns no row fills, for the messages of checks.
    for index, column in mapping.items():
        for row in rows:
            row.headers.setdefault(column.key, sheet.headers[index])

    importer.prepare(rows)
    tracker.start(Phase.CHECKING, len(rows))
    for row in rows:
        outcome = importer.check_row(row)
        outcome.problems = row.problems
        result.rows.append(outcome)
        tracker.advance()
    importer.check_file(rows, result.rows)
    for outcome in result.rows:
        if outcome.problems:
            outcome.status = ERROR
    tracker.end()

    if dry_run or not result.ok:
        return result
    # Said before the transaction begins, so that the page sees it on every database.
    tracker.start(Phase.RECORDS, importer.write_total())
    with transaction.atomic():
        importer.write()
        tracker.end()
        tracker.start(Phase.HISTORY, importer.history_total())
        importer.write_queued_history()
        tracker.end()
        tracker.start(Phase.PUBLIC, importer.public_total())
        importer.refresh_public()
        # Bulk writes send no signals: count the change for the caches here.
        data_version_bump()
        tracker.end()
        result.written = True
        if before_commit:
            before_commit(result)
    return result


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def import_record_create(*, kind: str, file_name: str, content: bytes, user=None, list_year=None, language: str = ""):
    """Record an uploaded file, to be checked and then imported (by the request or the worker)."""
    from ..models import ImportRecord

    return ImportRecord.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_content=content,
        file_size=len(content),
        file_sha256=file_sha256(content),
        list_year=list_year,
        user=user if getattr(user, "is_authenticated", False) else None,
        language=language,
    )


class LeaseLost(Exception):
    """The record was cancelled, or handed to another run, while this run worked on it."""


def _waiting_status(dry_run: bool):
    from ..models import ImportRecord

    return ImportRecord.Status.CHECKING if dry_run else ImportRecord.Status.QUEUED


def import_record_queue(record, *, dry_run: bool) -> datetime.datetime | None:
    """
    Hand `record` to a new run (check or import): set it waiting, with a new ticket in
    `heartbeat_at`, if it is still in the state the caller read. Return the ticket that
    the run claims the record with, or None if the record changed meanwhile (another
    click, another person, a worker that came back).
    """
    from ..models import ImportRecord

    ticket = timezone.now()
    fields = {
        "status": _waiting_status(dry_run),
        "heartbeat_at": ticket,
        "started_at": None,
        "finished_at": None,
        "rows_done": 0,
        "phase": "",
    }
    if not ImportRecord.objects.filter(pk=record.pk, status=record.status, heartbeat_at=record.heartbeat_at).update(**fields):
        return None
    for name, value in fields.items():
        setattr(record, name, value)
    return ticket


def import_record_cancel(record) -> bool:
    """
    Cancel `record` if it is still in the state the caller read: it is never imported,
    and its file is dropped. Return whether it was cancelled. A run still working on it
    (a worker thought dead) finds at its next sign of life that it lost the record, and
    stops; one about to commit checks first, so nothing of its rows is written.
    """
    from ..models import ImportRecord

    fields = {
        "status": ImportRecord.Status.CANCELLED,
        "file_content": None,
        "finished_at": timezone.now(),
    }
    if not ImportRecord.objects.filter(pk=record.pk, status=record.status, heartbeat_at=record.heartbeat_at).update(**fields):
        return False
    for name, value in fields.items():
        setattr(record, name, value)
    return True


class _Lease:
    """
    This run's hold on its record: every write to the record is conditional on the status
    and the sign of life this run wrote last (a cancel changes the one, a retry the other).
    """

    def __init__(self, record, beat, status):
        self.record = record
        self.beat = beat
        self.status = status

    def write(self, **fields) -> None:
        """Write `fields` (and a new sign of life) to the record, or raise LeaseLost."""
        from ..models import ImportRecord

        now = timezone.now()
        held = ImportRecord.objects.filter(pk=self.record.pk, status=self.status, heartbeat_at=self.beat)
        if not held.update(heartbeat_at=now, **fields):
            raise LeaseLost
        self.beat = now
        self.status = fields.get("status", self.status)
        self.record.heartbeat_at = now
        for name, value in fields.items():
            setattr(self.record, name, value)


class _OutsideWriter:
    """
    Writes for a run from a thread of its own, and so on a database connection of its
    own (Django's connections are per thread), committed at once: the progress of the
    write phases, which run in the import's transaction on the run's connection, reaches
    the page while that transaction is still open. The run waits for each write, so a
    lost lease stops it there as anywhere else. The record's row is never locked by the
    import's transaction before its end (finish), which comes after the last of these
    writes: they cannot wait on the import.
    """

    def __init__(self):
        self.thread = None

    def run(self, function, /, **kwargs):
        if self.thread is None:
            self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-progress")
        return self.thread.submit(function, **kwargs).result()

    def close(self) -> None:
        if self.thread is not None:
            self.thread.submit(connections.close_all).result()
            self.thread.shutdown()
            self.thread = None


def _claim(record, *, dry_run: bool, ticket) -> _Lease | None:
    """Take the record for this run, if it still waits with this run's ticket (the one UPDATE that decides)."""
    from ..models import ImportRecord

    now = timezone.now()
    working = ImportRecord.Status.CHECKING if dry_run else ImportRecord.Status.RUNNING
    claimed = ImportRecord.objects.filter(
        pk=record.pk, status=_waiting_status(dry_run), heartbeat_at=ticket, started_at__isnull=True
    ).update(status=working, heartbeat_at=now, started_at=now, rows_done=0, phase="")
    if not claimed:
        return None
    record.status, record.heartbeat_at, record.started_at, record.rows_done, record.phase = working, now, now, 0, ""
    return _Lease(record, now, working)


def import_record_run(record, *, dry_run: bool, ticket=None) -> ImportResult | None:
    """
    Check (dry run) or import the file of `record`, keeping the record up to date as it
    goes: its progress while rows are checked, then its counts, errors and preview.

    `ticket` is the one import_record_queue() gave when the run was queued (the worker's
    task carries it); without one the record is queued and run at once (the request, the
    command line). Return None, having done nothing, if the record is not this run's to
    take (already taken, cancelled, queued again), or is lost to a cancel or a retry
    while the run works.
    """
    from django.utils import translation

    from ..models import ImportRecord

    Status = ImportRecord.Status
    if ticket is None:
        ticket = import_record_queue(record, dry_run=dry_run)
        if ticket is None:
            return None
    lease = _claim(record, dry_run=dry_run, ticket=ticket)
    if lease is None:
        return None
    # A caller's own transaction (a test's, a command's) hides every write of the run
    # until it commits: the progress is then written in it, as everything else.
    in_callers_transaction = connection.in_atomic_block
    outside = _OutsideWriter()

    def progress(phase: str, done: int, total: int) -> None:
        # Written at once (outside the import's transaction), for the progress page; the
        # same write is the run's sign of life.
        fields = {"phase": phase, "rows_done": done, "rows_total": total}
        if in_callers_transaction or not connection.in_atomic_block:
            lease.write(**fields)
        elif connection.vendor == "sqlite":
            # One writer at a time: another connection would wait for the import's
            # transaction to end. The page shows the phase it saw begin until then.
            return
        else:
            outside.run(lease.write, **fields)

    def finish(result: ImportResult) -> None:
        counts = result.counts()
        fields = {
            "rows_total": result.rows_total,
            "rows_done": result.rows_total,
            "new_count": counts["new"],
            "updated_count": counts["updated"],
            "unchanged_count": counts["unchanged"],
            "error_count": counts["errors"],
            "errors": [asdict(problem) for problem in result.problems],
            "preview": result.as_json(max_rows=settings.IMPORT_PREVIEW_ROWS),
        }
        if result.written:
            fields["status"] = Status.DONE
        elif not result.ok:
            fields["status"] = Status.FAILED
        else:
            fields["status"] = Status.PREVIEWED
        if fields["status"] in (Status.DONE, Status.FAILED):
            fields["finished_at"] = timezone.now()
            if fields["status"] == Status.DONE or not result.similar_rows:
                # Done with the file; a failed one is fixed and uploaded again. Kept only while
                # a likely duplicate waits for a decision, so that the same file can be checked again.
                fields["file_content"] = None
        lease.write(**fields)

    with translation.override(record.language or settings.LANGUAGE_CODE):
        try:
            result = import_table(
                record.kind,
                bytes(record.file_content or b""),
                file_name=record.file_name,
                list_year=record.list_year,
                dry_run=dry_run,
                user=record.user,
                decisions=record.decisions,
                record=record,
                progress=progress,
                # The record ends as imported in the rows' own transaction, and only if
                # this run still holds it: imported rows and an “imported” record go together.
                before_commit=finish,
            )
        except LeaseLost:
            # Cancelled or handed to another run meanwhile: this run wrote nothing, and the
            # record is no longer its to change.
            return None
        except Exception:
            # The transaction has rolled back; the record must not stay “importing” for ever.
            reason = _(
                "The import stopped on an unexpected error (perhaps the records changed meanwhile); "
                "nothing was written. Check the file again."
            )
            try:
                lease.write(
                    status=Status.FAILED,
                    finished_at=timezone.now(),
                    errors=[asdict(Problem(None, "", "stopped", reason))],
                    error_count=1,
                )
            except LeaseLost:
                pass
            raise
        finally:
            outside.close()
        if not result.written:
            try:
                finish(result)
            except LeaseLost:
                return None
    return result
