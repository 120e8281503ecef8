"""
Running an import: `import_table()` reads a file, checks every row and, unless it is a dry
run or anything is wrong, writes it; `import_record_run()` does so for an ImportRecord,
keeping its progress, counts and preview up to date (the admin's request and the
background worker both call it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..versioning import data_version_bump
from .columns import Row
from .reading import column_letter, filled, read_sheet
from .results import ERROR, ImportRefused, ImportResult, Problem

ProgressCallback = Callable[[int, int], None]
PROGRESS_EVERY = 1000


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
) -> ImportResult:
    """
    Check a spreadsheet for the table `kind` and, unless it is a dry run or anything is
    wrong, import it: all rows in one transaction, or nothing.

    `decisions` settles likely duplicates (row number → "new", or the id of the existing
    enterprise the row is). `progress(done, total)` is called as rows are checked.
    """
    from ..tables import get_table

    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run)
    try:
        sheet = read_sheet(content)
    except ImportRefused as refusal:
        result.file_problems.append(Problem(None, "", refusal.code, refusal.message))
        return result
    result.format, result.encoding, result.rows_total = sheet.format, sheet.encoding, len(sheet.rows)

    importer = get_table(kind).importer(list_year=list_year, user=user, decisions=decisions, record=record)
    mapping, header_problems = importer.map_headers(sheet.headers)
    result.file_problems.extend(header_problems)

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
    total = len(rows)
    for done, row in enumerate(rows, 1):
        outcome = importer.check_row(row)
        outcome.problems = row.problems
        result.rows.append(outcome)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    importer.check_file(rows, result.rows)
    for outcome in result.rows:
        if outcome.problems:
            outcome.status = ERROR
    if progress:
        progress(total, total)

    if dry_run or not result.ok:
        return result
    with transaction.atomic():
        importer.write()
        # Bulk writes send no signals: count the change for the caches here.
        data_version_bump()
    result.written = True
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


def import_record_run(record, *, dry_run: bool) -> ImportResult:
    """
    Check (dry run) or import the file of `record`, keeping the record up to date as it
    goes: its progress while rows are checked, then its counts, errors and preview.
    """
    from django.utils import translation

    from ..models import ImportRecord

    Status = ImportRecord.Status
    record.status = Status.CHECKING if dry_run else Status.RUNNING
    record.rows_done = 0
    record.save(update_fields=["status", "rows_done"])

    def progress(done: int, total: int) -> None:
        # Written at once (outside the import's transaction), for the progress bar.
        ImportRecord.objects.filter(pk=record.pk).update(rows_done=done, rows_total=total)

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
            )
        except Exception:
            # The transaction has rolled back; the record must not stay “importing” for ever.
            reason = _(
                "The import stopped on an unexpected error (perhaps the records changed meanwhile); "
                "nothing was written. Check the file again."
            )
            record.status = Status.FAILED
            record.finished_at = timezone.now()
            record.errors = [asdict(Problem(None, "", "stopped", reason))]
            record.error_count = 1
            record.save()
            raise
    counts = result.counts()
    record.rows_total = result.rows_total
    record.rows_done = result.rows_total
    record.new_count, record.updated_count = counts["new"], counts["updated"]
    record.unchanged_count, record.error_count = counts["unchanged"], counts["errors"]
    record.errors = [asdict(problem) for problem in result.problems]
    record.preview = result.as_json(max_rows=settings.IMPORT_PREVIEW_ROWS)
    if result.written:
        record.status = Status.DONE
    elif not result.ok:
        record.status = Status.FAILED
    else:
        record.status = Status.PREVIEWED
    if record.status in (Status.DONE, Status.FAILED):
        record.finished_at = timezone.now()
        if record.status == Status.DONE or not result.similar_rows:
            # Done with the file; a failed one is fixed and uploaded again. Kept only while
            # a likely duplicate waits for a decision, so that the same file can be checked again.
            record.file_content = None
    record.save()
    return result
