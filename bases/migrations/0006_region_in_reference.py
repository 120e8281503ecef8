"""Region now lives in shdt.reference (same table): the foreign keys follow it in Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bases", "0005_publish_existing"),
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="exportbase",
                    name="region",
                    field=models.ForeignKey(blank=True, help_text="Only where the report says it.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="export_bases", to="reference.region", verbose_name="region"),
                ),
                migrations.AlterField(
                    model_name="historicalexportbase",
                    name="region",
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text="Only where the report says it.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="reference.region", verbose_name="region"),
                ),
            ],
            database_operations=[],
        ),
        # All reference tables share one base (shdt.core.models.CodedReference).
        migrations.AlterField(
            model_name="basedomain",
            name="name",
            field=models.CharField(max_length=32, unique=True, verbose_name="name"),
        ),
    ]
