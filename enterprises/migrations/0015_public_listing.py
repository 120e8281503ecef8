import django.db.models.deletion
from django.db import migrations, models


# The enterprise's denormalised public list columns move to a narrow table of their own
# (enterprises.PublicListing): publishing a list rewrites them, and in the wide enterprise
# table each rewritten row updated a dozen indexes (issue 14). Plain SQL that SQLite and
# PostgreSQL both run.
FILL = """
    INSERT INTO enterprises_publiclisting (enterprise_id, list_year, serial, status)
    SELECT id, public_list_year, public_serial, public_status
    FROM enterprises_enterprise
    WHERE public_list_year IS NOT NULL
"""
UNFILL = """
    UPDATE enterprises_enterprise SET
        public_list_year = (SELECT list_year FROM enterprises_publiclisting WHERE enterprise_id = enterprises_enterprise.id),
        public_serial = (SELECT serial FROM enterprises_publiclisting WHERE enterprise_id = enterprises_enterprise.id),
        public_status = COALESCE(
            (SELECT status FROM enterprises_publiclisting WHERE enterprise_id = enterprises_enterprise.id), ''
        )
"""


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0014_pending_change'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicListing',
            fields=[
                ('enterprise', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='listing', serialize=False, to='enterprises.enterprise', verbose_name='enterprise')),
                ('list_year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('serial', models.PositiveIntegerField(verbose_name='serial number')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('notice', 'under public notice'), ('published', 'published'), ('withdrawn', 'withdrawn')], max_length=16, verbose_name='status')),
            ],
            options={
                'verbose_name': 'public listing',
                'verbose_name_plural': 'public listings',
            },
        ),
        # The rows from the enterprises' columns, set-based, before the columns go
        # (backwards: the columns come back first, then take the values again). The
        # index is built after, over the filled table.
        migrations.RunSQL(FILL, UNFILL),
        migrations.AddIndex(
            model_name='publiclisting',
            index=models.Index(fields=['-list_year', 'serial'], include=('enterprise',), name='public_listing_order'),
        ),
        migrations.RemoveIndex(
            model_name='enterprise',
            name='enterprise_public_order',
        ),
        migrations.RemoveIndex(
            model_name='enterprise',
            name='enterprise_region_type_order',
        ),
        migrations.RemoveField(
            model_name='enterprise',
            name='public_list_year',
        ),
        migrations.RemoveField(
            model_name='enterprise',
            name='public_serial',
        ),
        migrations.RemoveField(
            model_name='enterprise',
            name='public_status',
        ),
    ]
