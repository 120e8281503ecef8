"""
Case studies' text, searchable: a generated column of the four sections in lower case,
and on PostgreSQL a trigram GIN index on it, as enterprises' search text has one (0008),
so that the site's search (shdt.core.search) finds a word of a case study with LIKE
'%…%' through the index rather than by reading every text. SQLite has no pg_trgm: there
the column alone serves, as plain LIKE.
"""

import django.db.models.functions.text
from django.db import migrations, models


INDEX = "case_study_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_casestudy USING gin (search_text gin_trgm_ops)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0015_public_listing'),
    ]

    operations = [
        migrations.AddField(
            model_name='casestudy',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Concat('profile', models.Value('\n'), 'case', models.Value('\n'), 'technology_experience', models.Value('\n'), 'business_model_innovation', models.Value('\n'), 'overseas_markets', output_field=models.TextField())), output_field=models.TextField(), verbose_name='search text'),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
