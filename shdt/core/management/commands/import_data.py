"""`python manage.py import_data KIND FILE [--list YEAR] [--dry-run] [--new ROW] [--same ROW]`."""

import sys

from django.core.management.base import BaseCommand

from shdt.core.imports import ImportRefused, ImportResult, Problem, import_record_create, import_record_run, import_table, read_upload
from shdt.core.tables import importable_tables


class Command(BaseCommand):
    help = (
        "Import a spreadsheet (XLSX, CSV in UTF-8 or GB18030, or the registry's JSON) into a table: "
        "enterprises, case_studies, bases or policies. Prints every row's outcome and every error; "
        "a file with any error writes nothing. The last line is `new=N updated=N unchanged=N errors=N`."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importable_tables()), help="Which table the file holds.")
        parser.add_argument("file", help="The file to import (- for standard input).")
        parser.add_argument(
            "--list",
            type=int,
            metavar="YEAR",
            help="Enterprises: put them on this year's list with the file's 序号 (creating the list). "
            "Case studies: the report year (default: the latest list).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and show what would change; write nothing.")
        parser.add_argument(
            "--new",
            type=int,
            action="append",
            default=[],
            metavar="ROW",
            help="Row ROW, flagged as a likely duplicate, is a new enterprise all the same.",
        )
        parser.add_argument(
            "--same",
            type=int,
            action="append",
            default=[],
            metavar="ROW",
            help="Row ROW, flagged as a likely duplicate, is the existing enterprise it was flagged against "
            "(its spelling becomes an alias).",
        )

    def handle(self, *args, kind, file, list, dry_run, new, same, verbosity, **options):
        file_name = "stdin" if file == "-" else file
        try:
            content = self.read(file)
        except ImportRefused as refusal:
            result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run)
            result.file_problems.append(Problem(None, "", refusal.code, refusal.message))
            return self.report(result, verbosity)
        decisions = {str(row): "new" for row in new}
        if same:
            # A first check says which enterprise each flagged row is close to.
            preview = import_table(kind, content, file_name=file_name, list_year=list, dry_run=True, decisions=decisions)
            for outcome in preview.similar_rows:
                if outcome.row in same and len(outcome.similar) == 1:
                    decisions[str(outcome.row)] = str(outcome.similar[0].pk)
        if dry_run:
            result = import_table(kind, content, file_name=file_name, list_year=list, dry_run=True, decisions=decisions)
        else:
            record = import_record_create(kind=kind, file_name=file_name, content=content, list_year=list)
            record.decisions = decisions
            result = import_record_run(record, dry_run=False)
        self.report(result, verbosity)

    def read(self, file: str) -> bytes:
        if file == "-":
            return read_upload(sys.stdin.buffer)
        try:
            with open(file, "rb") as fileobj:
                return read_upload(fileobj)
        except OSError as error:
            raise ImportRefused(f"{file}: {error.strerror}", "unreadable") from None

    def report(self, result: ImportResult, verbosity: int) -> None:
        for problem in result.file_problems:
            self.stdout.write(str(problem))
        for outcome in result.rows:
            if outcome.status in ("error", "similar") or verbosity >= 1:
                self.stdout.write(outcome.describe())
        self.stdout.write(result.summary_line())
        if not result.ok:
            # Exit non-zero after the summary, so that it stays the last line printed.
            sys.exit(1)
