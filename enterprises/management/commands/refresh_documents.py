"""`python manage.py refresh_documents`: write every public enterprise's stored API document again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from enterprises.api.documents import enterprise_documents_refresh
from enterprises.models import Enterprise, EnterpriseDocument


class Command(BaseCommand):
    help = (
        "Write the stored API documents of every public enterprise again, and drop any of an "
        "enterprise the public no longer sees: after a change of TIME_ZONE, or a write made "
        "outside the registry's code (SQL by hand)."
    )

    def handle(self, *args, **options):
        ids = set(Enterprise.objects.public().values_list("pk", flat=True))
        ids |= set(EnterpriseDocument.objects.values_list("enterprise_id", flat=True))
        with transaction.atomic():
            enterprise_documents_refresh(ids)
        self.stdout.write(f"{EnterpriseDocument.objects.count()} documents written.")
