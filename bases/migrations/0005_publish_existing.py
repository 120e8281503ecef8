"""Bases that were public before publication states existed stay public."""

from django.db import migrations


def publish_existing(apps, schema_editor):
    apps.get_model("bases", "ExportBase").objects.filter(status="draft").update(status="published")


class Migration(migrations.Migration):
    dependencies = [("bases", "0004_publication")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
