"""
A trigram index on enterprises' search text, on PostgreSQL only.

`q` keeps the rows whose search text contains the query (LIKE '%…%'). Without an index
PostgreSQL reads the whole table for a query that few rows match, however small the
page. A GIN index with pg_trgm's operator class answers LIKE '%…%' for a query of three
characters or more, Chinese included (the database's ctype is UTF-8 aware).

SQLite has neither pg_trgm nor GIN indexes, so the operations are plain SQL run only
when the database is PostgreSQL; the model's state does not change, and the index is not
in Enterprise.Meta.indexes (which would be created on SQLite too).
"""

from django.db import migrations

INDEX = "enterprise_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON enterprises_enterprise USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other database objects may use it, and it costs nothing.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_region_type_order"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
