from django.conf import settings
from django.core.management.base import BaseCommand

from enterprises.applications.services import applications_purge


class Command(BaseCommand):
    help = (
        "Anonymise rejected and withdrawn applications older than APPLICATION_RETENTION_DAYS: "
        "clear their contact data (in the history too) and delete their attachments. Schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Retention in days (default: APPLICATION_RETENTION_DAYS).")

    def handle(self, *args, days=None, **options):
        days = settings.APPLICATION_RETENTION_DAYS if days is None else days
        count = applications_purge(days=days)
        self.stdout.write(f"{count} application(s) anonymised (older than {days} days).")
