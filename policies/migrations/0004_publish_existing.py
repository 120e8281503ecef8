"""Policies that were public before publication states existed stay public."""

from django.db import migrations


def publish_existing(apps, schema_editor):
    apps.get_model("policies", "Policy").objects.filter(status="draft").update(status="published")


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_publication")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
