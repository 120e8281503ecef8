"""`python manage.py export_data KIND --format csv|xlsx|json [--list YEAR] [--output FILE]`."""

import sys

from django.core.management.base import BaseCommand, CommandError

from shdt.core.exports import FORMATS
from shdt.core.tables import all_tables


class Command(BaseCommand):
    help = "Write a table of the registry (enterprises, case_studies, bases, policies) as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(all_tables()), help="Which table to export.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv", help="File format (default: csv).")
        parser.add_argument(
            "--list",
            type=int,
            metavar="YEAR",
            help="Only the enterprises on this year's list, with their serials (for case studies: the report year).",
        )
        parser.add_argument("--output", "-o", metavar="FILE", help="Write to FILE instead of standard output.")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every record, drafts and withdrawn ones included (by default: what the public sees).",
        )

    def handle(self, *args, kind, format, list, output, all, **options):
        table = all_tables()[kind]
        params = {} if list is None else {"list": str(list)}
        filterset = table.filter(params, public=not all)
        if not filterset.is_valid():
            raise CommandError(_errors_text(filterset.errors))
        _, chunks = table.export(filterset, format)
        if output:
            with open(output, "wb") as fileobj:
                for chunk in chunks:
                    fileobj.write(chunk)
        else:
            stream = sys.stdout.buffer
            for chunk in chunks:
                stream.write(chunk)
            stream.flush()


def _errors_text(errors) -> str:
    return "; ".join(f"--{name}: {' '.join(messages)}" for name, messages in errors.items())
