"""Records that were public before publication states existed stay public."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def publish_existing(apps, schema_editor):
    ListMembership = apps.get_model("enterprises", "ListMembership")
    CaseStudy = apps.get_model("enterprises", "CaseStudy")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    ListMembership.objects.filter(status="draft").update(status="published")
    CaseStudy.objects.filter(status="draft").update(status="published")
    latest = ListMembership.objects.filter(enterprise=OuterRef("pk"), status="published").order_by("-annual_list__year")
    Enterprise.objects.update(
        public_list_year=Subquery(latest.values("annual_list__year")[:1]),
        public_serial=Subquery(latest.values("serial")[:1]),
        public_status=Coalesce(Subquery(latest.values("status")[:1]), Value("")),
    )


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_publication")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
