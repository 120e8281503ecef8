"""
The data version becomes a random token: a counter came back after a rollback or a
restore, and caches keyed by it served pages of records that no longer were.
"""

import shdt.core.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('shdt', '0003_roles'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='dataversion',
            name='version',
        ),
        migrations.AddField(
            model_name='dataversion',
            name='token',
            field=models.CharField(default=shdt.core.models.new_data_token, max_length=32),
        ),
    ]
