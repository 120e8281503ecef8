"""Region now lives in shdt.reference (same table): the foreign keys follow it in Django's state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0010_enterprise_document"),
        ("reference", "0001_initial"),
        # The bases' foreign keys leave enterprises.Region before it leaves the state.
        ("bases", "0006_region_in_reference"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="region",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="enterprises", to="reference.region", verbose_name="region"),
                ),
                migrations.AlterField(
                    model_name="historicalenterprise",
                    name="region",
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="reference.region", verbose_name="region"),
                ),
                migrations.DeleteModel(name="Region"),
            ],
            database_operations=[],
        ),
        # All reference tables share one base (shdt.core.models.CodedReference).
        migrations.AlterField(
            model_name="businesstype",
            name="name",
            field=models.CharField(max_length=32, unique=True, verbose_name="name"),
        ),
    ]
