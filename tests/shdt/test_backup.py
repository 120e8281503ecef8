"""
Backup and restore, as README.md's “Backup and restore” says: a full dump restores to
identical records, history included.

The portable test runs the README's own commands (read from it, so that the two cannot
drift apart); on PostgreSQL, pg_dump and pg_restore are tested too.
"""

import hashlib
import io
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from enterprises.models import AnnualList, CaseStudy, Enterprise, ListEdition, ListMembership
from enterprises.services import annual_list_publish, enterprise_update, list_membership_delete
from policies.models import Policy
from shdt.core.models import DataVersion, ImportRecord, Notice, PublicationEvent, Status
from shdt.core.publication import records_move
from tests.factories import make_policy
from tests.reference_data import reference_data_create
from tests.publishing import make_reviewer, move, open_notice
from tests.sheets import xlsx_bytes

REGISTRY_APPS = ("shdt", "reference", "enterprises", "bases", "policies", "applications")
README = Path(settings.BASE_DIR) / "README.md"


# --- What is compared -------------------------------------------------------


def registry_models() -> list:
    """
    Every table of the registry's apps, history tables included. The data version is
    left out: a restore is a change, which it counts (so that no cache serves old pages).
    """
    return [model for app in REGISTRY_APPS for model in apps.get_app_config(app).get_models() if model is not DataVersion]


def table_rows(model) -> list[tuple]:
    """Every row of a table, every column, in primary-key order (file bytes as bytes)."""
    names = [field.attname for field in model._meta.concrete_fields]
    rows = model._default_manager.order_by("pk").values_list(*names)
    return [tuple(bytes(value) if isinstance(value, memoryview) else value for value in row) for row in rows]


def accounts() -> dict:
    """The staff accounts and the roles' permissions, which a restore must keep as they were."""
    users = get_user_model().objects.order_by("pk")
    return {
        "users": [(u.pk, u.username, u.password, u.is_staff, u.is_superuser, sorted(u.groups.values_list("name", flat=True))) for u in users],
        "roles": {
            group.name: sorted(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.all()
        },
    }


def snapshot() -> dict:
    return {"accounts": accounts(), **{model._meta.label: table_rows(model) for model in registry_models()}}


# --- What is backed up ---------------------------------------------------------


def change_the_registry(tmp_path) -> None:
    """
    Change the report's records as staff would, through the services and publication:
    history rows, publication events, notices, an edition, a withdrawal, an entry and an
    enterprise deleted (whose history outlives them), and an import.
    """
    reviewer = make_reviewer()
    editor = get_user_model().objects.create_user("editor", "editor@example.com", "pw-for-tests-only")
    annual_list = AnnualList.objects.get(year=2022)

    renamed = Enterprise.objects.get(name="上海微盟企业发展有限公司")
    move(renamed.memberships.get(), Status.DRAFT, reviewer)
    enterprise_update(renamed, user=editor, name="上海微盟企业发展（集团）有限公司", name_en="Weimob")
    open_notice(renamed.memberships.all(), reviewer)
    annual_list_publish(annual_list, user=reviewer, note="备份测试")

    move(annual_list.memberships.order_by("serial")[10], Status.WITHDRAWN, reviewer)
    gone = annual_list.memberships.order_by("serial")[20]
    move(gone, Status.DRAFT, reviewer)
    list_membership_delete(gone, user=editor)
    gone.enterprise.delete()  # as the admin deletes a record

    records_move(CaseStudy.objects.filter(serial=1), to=Status.WITHDRAWN, user=reviewer)
    make_policy("《备份测试政策》", status=Status.DRAFT)
    open_notice(Policy.objects.filter(title="《备份测试政策》"), reviewer, title="政策公示")

    sheet = tmp_path / "2023.xlsx"
    sheet.write_bytes(xlsx_bytes(["序号", "企业名称", "业务类型", "所属区域"], [(1, "上海备份测试科技有限公司", "云服务", "浦东")]))
    call_command("import_data", "enterprises", str(sheet), "--list", "2023", stdout=io.StringIO())


def assert_worth_comparing() -> None:
    """The database holds what the test claims to compare: history, events, notices, an edition, an import."""
    for model in (Enterprise, AnnualList, CaseStudy, Policy):
        assert model.history.exists(), model
    assert set(PublicationEvent.objects.values_list("action", flat=True)) == {"notice", "published", "withdrawn", "draft"}
    assert Enterprise.history.filter(history_type="-").exists()
    assert Enterprise.history.filter(import_record__isnull=False).exists()
    assert (ListEdition.objects.count(), Notice.objects.count(), ImportRecord.objects.count()) == (1, 2, 1)
    assert Enterprise.objects.count() == 100  # the report's 100, one deleted, one imported


# --- The portable dump ------------------------------------------------------------


def documented_commands() -> list[list[str]]:
    """The manage.py commands of the README's portable backup and restore, as argument lists."""
    section = README.read_text().split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    block = section.split("**Portable**", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    prefix = ".venv/bin/python manage.py "
    return [shlex.split(line.removeprefix(prefix)) for line in lines if line.startswith(prefix)]


def run_in_test_transaction(args: list[str]) -> None:
    """
    Run a management command inside the test's transaction. PostgreSQL refuses to empty
    a table whose deferred foreign-key checks are pending, so they are run first (a real
    restore runs in no transaction, and has none pending).
    """
    if args[0] == "flush":
        connection.check_constraints()
    call_command(*args, verbosity=0)


def test_the_readme_documents_a_dump_and_a_restore():
    names = [args[0] for args in documented_commands()]
    assert names == ["dumpdata", "dumpdata", "migrate", "flush", "loaddata"]


@pytest.mark.django_db
def test_a_portable_dump_restores_every_record_history_included(report, tmp_path):
    change_the_registry(tmp_path)
    assert_worth_comparing()
    before = snapshot()
    version_before = DataVersion.objects.get()

    for args in documented_commands():
        # The files go to the test's own folder.
        args = [str(tmp_path / arg) if re.fullmatch(r"backup-[a-z]+\.xml", arg) else arg for arg in args]
        run_in_test_transaction(args)
        if args[0] == "flush":
            assert not Enterprise.objects.exists() and not PublicationEvent.objects.exists()
            assert not get_user_model().objects.exists()

    after = snapshot()
    for label in before:
        assert after[label] == before[label], label
    for edition in ListEdition.objects.all():
        for extension in ("csv", "xlsx", "json"):
            assert edition.sha256(extension) == hashlib.sha256(edition.file(extension)).hexdigest()
    # A restore names a state of the records never seen before: caches keyed on the
    # token cannot serve the old pages.
    assert DataVersion.objects.get().token != version_before.token


@pytest.mark.django_db
def test_natural_primary_keys_would_lose_history(report, tmp_path):
    """Why the README keeps ids: with --natural-primary, a gap in the ids detaches history from its record."""
    reviewer = make_reviewer()
    annual_list = AnnualList.objects.get(year=2022)
    first = annual_list.memberships.order_by("pk").first()
    move(first, Status.DRAFT, reviewer)
    list_membership_delete(first, user=reviewer)
    withdrawn = annual_list.memberships.order_by("pk")[50]
    move(withdrawn, Status.WITHDRAWN, reviewer)
    path = tmp_path / "natural.xml"
    # The public listing (enterprises.PublicListing) is keyed by the enterprise's id, which
    # natural primary keys renumber: it is left out here, and the entries rebuild it as they load.
    call_command(
        "dumpdata", "--natural-foreign", "--natural-primary", "--exclude", "contenttypes", "--exclude", "auth.permission",
        "--exclude", "enterprises.publiclisting", "--format", "xml", "-o", str(path), verbosity=0,
    )  # fmt: skip
    public_before = sorted(Enterprise.objects.public().values_list("name", flat=True))
    run_in_test_transaction(["flush", "--no-input"])
    call_command("loaddata", str(path), verbosity=0)
    assert sorted(Enterprise.objects.public().values_list("name", flat=True)) == public_before
    restored = ListMembership.objects.get(annual_list__year=2022, status=Status.WITHDRAWN)
    assert restored.pk != withdrawn.pk
    assert not restored.history.exists()


# --- PostgreSQL: pg_dump and pg_restore ------------------------------------------------




def pg_env() -> dict:
    settings_dict = connection.settings_dict
    env = {**os.environ, "PGHOST": settings_dict["HOST"] or "localhost", "PGUSER": settings_dict["USER"] or "postgres"}
    if settings_dict["PORT"]:
        env["PGPORT"] = str(settings_dict["PORT"])
    if settings_dict["PASSWORD"]:
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def pg_connect(dbname: str, **options):
    settings_dict = connection.settings_dict
    return psycopg.connect(
        host=settings_dict["HOST"] or "localhost",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
        dbname=dbname,
        **options,
    )


def pg_tables(dbname: str) -> dict:
    """Every table's rows (sorted) and every sequence's position, read through a connection of its own."""
    with pg_connect(dbname) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [name for (name,) in cursor.fetchall()]
        state = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            state[table] = sorted(cursor.fetchall(), key=repr)
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        state["sequences"] = sorted(cursor.fetchall(), key=repr)
    return state


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_give_the_same_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore back up PostgreSQL; this run is on " + connection.vendor)
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    # A transactional test starts from a database that an earlier one may have emptied.
    reference_data_create()
    call_command("loaddata", "report_2022", verbosity=0)
    change_the_registry(tmp_path)
    assert_worth_comparing()

    source = connection.settings_dict["NAME"]
    scratch = f"{source}_restored"[:63]
    dump = tmp_path / "shdt.dump"
    env = pg_env()
    with pg_connect("postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        # The README's commands, the restore into the new, empty database.
        subprocess.run(["pg_dump", "-Fc", "-d", source, "-f", str(dump)], env=env, check=True, capture_output=True)
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", scratch, str(dump)],
            env=env,
            check=True,
            capture_output=True,
        )
        original, restored = pg_tables(source), pg_tables(scratch)
        assert original["enterprises_historicallistmembership"] and original["enterprises_listedition"]
        assert original["shdt_publicationevent"] and original["shdt_importrecord"]
        assert set(restored) == set(original)
        for table in original:
            assert restored[table] == original[table], table
    finally:
        with pg_connect("postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
