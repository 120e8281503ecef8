"""
The rows that migrations write (regions, business types, base domains), written again for
a test whose database was emptied by an earlier transactional test.

The data migrations' own functions do it, each given the models as they were at that
migration (Region was enterprises' then; it is shdt.reference's now), so that the rows
are exactly those a migrated database has. Roles need nothing here: flush's post_migrate
gives them back (shdt.core.roles.sync_roles).
"""

from functools import cache
from importlib import import_module

from django.db import connection
from django.db.migrations.loader import MigrationLoader

DATA_MIGRATIONS = [("enterprises", "0002_reference_data"), ("bases", "0002_reference_data")]


@cache
def _models_at(app: str, name: str):
    return MigrationLoader(connection).project_state((app, name), at_end=True).apps


def reference_data_create() -> None:
    for app, name in DATA_MIGRATIONS:
        import_module(f"{app}.migrations.{name}").create(_models_at(app, name), None)
