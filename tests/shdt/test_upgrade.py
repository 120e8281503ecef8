"""
A database built by the release before the framework moved (shdt/core, shdt/reference)
migrates forward with nothing lost: the old code migrates and loads the report, the new
code migrates the same database, and every record, region and role permission is there.

The old release comes from the repository's own history (git archive), and runs in its
own processes, on SQLite or on a PostgreSQL database of its own, as the tests run.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# main before the structure of issue 13: Region in enterprises, the framework in shdt/.
OLD_RELEASE = "437e07b"

# Read by both releases' code: counts per table, the regions by code, the enterprises'
# names with their regions, and what each role may do with regions.
SNAPSHOT = """
import json
from django.apps import apps
from django.contrib.auth.models import Group
counts = {m._meta.db_table: m.objects.count() for m in apps.get_models() if m._meta.db_table.split("_")[0] in ("enterprises", "bases", "policies")}
Enterprise = apps.get_model("enterprises", "Enterprise")
names = sorted(Enterprise.objects.values_list("name", "region__code", "business_type__code"))
groups = {g.name: sorted(p.codename for p in g.permissions.all() if "region" in p.codename) for g in Group.objects.all()}
print(json.dumps({"counts": counts, "names": names, "groups": groups}, ensure_ascii=False))
"""


def _database_url(tmp_path: Path) -> tuple[str, callable]:
    """A database of the test's own, of the kind the tests run on, and how to drop it."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        db = settings.DATABASES["default"]
        name = f"shdt_upgrade_{uuid.uuid4().hex[:8]}"
        admin = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres"]
        subprocess.run(["createdb", *admin, name], check=True)
        return (
            f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}",
            lambda: subprocess.run(["dropdb", *admin, "--if-exists", name], check=False),
        )
    return f"sqlite:///{tmp_path / 'upgrade.sqlite3'}", lambda: None


def _manage(code: Path, database_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "shdt.settings",
        "SECRET_KEY": "upgrade-test",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "localhost",
    }
    for name in ("REDIS_URL", "CACHE_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, str(code / "manage.py"), *args], cwd=code, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{code.name}: manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_database_of_the_previous_release_migrates_forward_with_nothing_lost(tmp_path):
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{OLD_RELEASE}^{{commit}}"], capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"the previous release ({OLD_RELEASE}) is not in this clone's history (a shallow clone?)")
    old = tmp_path / "old"
    old.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", OLD_RELEASE], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    database_url, drop = _database_url(tmp_path)
    try:
        _manage(old, database_url, "migrate", "--no-input", "-v", "0")
        _manage(old, database_url, "loaddata", "report_2022", "-v", "0")
        before = json.loads(_manage(old, database_url, "shell", "-v", "0", "-c", SNAPSHOT).strip().splitlines()[-1])

        _manage(ROOT, database_url, "migrate", "--no-input", "-v", "0")
        after = json.loads(_manage(ROOT, database_url, "shell", "-v", "0", "-c", SNAPSHOT).strip().splitlines()[-1])
        # The new release can load the report again over it, changing nothing (loading is idempotent).
        _manage(ROOT, database_url, "loaddata", "report_2022", "-v", "0")
        reloaded = json.loads(_manage(ROOT, database_url, "shell", "-v", "0", "-c", SNAPSHOT).strip().splitlines()[-1])
    finally:
        drop()

    assert before["counts"]["enterprises_enterprise"] == 100
    assert before["counts"]["enterprises_region"] == 17
    # Every table keeps its rows (the stored API documents may be dropped by a later release).
    kept = {table: n for table, n in before["counts"].items() if table != "enterprises_enterprisedocument"}
    assert {table: after["counts"].get(table) for table in kept} == kept
    assert after["names"] == before["names"] == reloaded["names"]
    # Region's permissions moved with its content type: every role keeps what it had.
    # (A role added since, 账户管理员, is new to the database and has no Region permission.)
    assert {name: after["groups"][name] for name in before["groups"]} == before["groups"]
    assert after["groups"].keys() - before["groups"].keys() <= {"账户管理员"}
    assert after["groups"]["只读"] == ["view_region"]
