"""
The data token that keys every cache never comes back: not after a rollback, nor a
restore of a backup, nor flush + loaddata. So every page, download and API answer shows
the last committed change, whatever was cached before.
"""

import shutil
import subprocess
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from enterprises.models import Enterprise
from enterprises.services import enterprise_update
from shdt.core.caching import response_key
from shdt.core.versioning import data_version, data_version_bump
from tests.deployment import PAGES, SLUG, Deployment, redis_url

OLD = "上海喜马拉雅科技有限公司"
FIRST, LAST = "上海喜马拉雅第一科技有限公司", "上海喜马拉雅第二科技有限公司"
# Views that the response cache keeps (the download streams and is never kept whole).
KEPT = {name: path for name, path in PAGES.items() if name != "download"}


def token() -> str:
    return data_version(fresh=True).token


class Rollback(Exception):
    pass


def shown(client) -> dict[str, str]:
    answers = {name: client.get(path) for name, path in PAGES.items()}
    return {
        name: b"".join(answer.streaming_content).decode("utf-8-sig") if answer.streaming else answer.content.decode()
        for name, answer in answers.items()
    }


@pytest.mark.django_db
def test_every_change_names_a_state_never_named_before():
    tokens = {token()}
    for _ in range(20):
        data_version_bump()
        tokens.add(token())
    assert len(tokens) == 21 and all(len(value) == 32 for value in tokens)


# --- Rolled-back writes -------------------------------------------------------------

# These commit, as a server does: nothing is cached inside a transaction (committed_db).
committing = pytest.mark.django_db(transaction=True)


@committing
def test_a_rolled_back_change_leaves_no_page_of_it_in_the_cache(committed_db, client, report, response_cache, rf):
    assert all(OLD in text for text in shown(client).values())
    before = token()
    with pytest.raises(Rollback), transaction.atomic():
        enterprise_update(Enterprise.objects.get(slug=SLUG), name=FIRST)
        inside = token()
        # The writer's own connection sees its change, on every page.
        assert all(FIRST in text for text in shown(client).values())
        raise Rollback
    assert inside != before
    # The token is the one of the records as they are again, and nothing of the
    # rolled-back change was kept under either token.
    assert token() == before
    for name, path in KEPT.items():
        assert cache.get(response_key(rf.get(path), inside)) is None, name
    for name, text in shown(client).items():
        assert OLD in text and FIRST not in text, name


@committing
def test_a_write_not_yet_named_by_a_token_is_never_cached_under_the_committed_one(committed_db, client, report, response_cache):
    # A bulk write names its change (data_version_bump) only after its rows: until then
    # the transaction reads its own rows under the committed token.
    before = token()
    with pytest.raises(Rollback), transaction.atomic():
        Enterprise.objects.filter(slug=SLUG).update(name=FIRST)
        assert token() == before
        # The site's pages read the rows (the API its stored documents, which a bulk
        # write refreshes itself).
        pages = shown(client)
        assert all(FIRST in pages[name] for name in ("profile", "list", "download"))
        raise Rollback
    for name, text in shown(client).items():
        assert OLD in text and FIRST not in text, name


@committing
def test_a_value_computed_while_a_change_committed_is_not_kept_under_the_old_token(committed_db, client, report, response_cache, monkeypatch):
    # A request read the token, then another process committed a change before the
    # request stored what it computed: that is not kept under the old token, which a
    # restore of a backup could bring back with other records.
    from shdt.core import caching
    from shdt.core.models import DataVersion, new_data_token

    answer = caching.ResponseCacheMiddleware.answer

    def answer_while_another_process_commits(middleware, request):
        response = answer(middleware, request)
        # What another process's change leaves: its rows and its token (no signal here).
        Enterprise.objects.filter(slug=SLUG).update(name=FIRST)
        DataVersion.objects.update(token=new_data_token())
        return response

    before = token()
    monkeypatch.setattr(caching.ResponseCacheMiddleware, "answer", answer_while_another_process_commits)
    assert OLD in client.get(KEPT["profile"]).content.decode()
    monkeypatch.undo()
    assert cache.get(response_key(client.get(KEPT["profile"]).wsgi_request, before)) is None


# --- Restores -------------------------------------------------------------------------


@pytest.mark.django_db
def test_flush_and_loaddata_give_a_new_token(report, tmp_path):
    """README's portable restore: migrate, flush, and loaddata of dumps that hold the token too."""
    from tests.shdt.test_backup import documented_commands, run_in_test_transaction

    seen = {token()}
    for args in documented_commands():
        args = [str(tmp_path / arg) if arg.endswith(".xml") else arg for arg in args]
        run_in_test_transaction(args)
        if args[0] != "dumpdata":
            assert token() not in seen, args[0]
            seen.add(token())


@pytest.mark.django_db
def test_loading_a_dump_that_holds_the_token_gives_a_new_one(tmp_path):
    dump = tmp_path / "token.json"
    call_command("dumpdata", "shdt.DataVersion", output=str(dump), verbosity=0)
    dumped = token()
    call_command("loaddata", str(dump), verbosity=0)
    assert token() != dumped


@pytest.mark.django_db
def test_migrate_gives_a_new_token_and_keeps_the_time_of_the_last_change(report):
    before = data_version(fresh=True)
    call_command("migrate", verbosity=0)
    after = data_version(fresh=True)
    assert after.token != before.token and after.changed_at == before.changed_at


def test_a_sqlite_file_copied_back_shows_the_last_edit(tmp_path):
    """README's SQLite restore, with a cache that outlives the server (a file cache)."""
    database = tmp_path / "db.sqlite3"
    deployment = Deployment(
        database_url=f"sqlite:///{database}",
        cache_url=f"filecache://{tmp_path / 'cache'}",
        key_prefix=f"copyback-{uuid.uuid4().hex[:8]}",
    )
    deployment.load_report()
    deployment.make_api_key()
    shutil.copyfile(database, tmp_path / "backup.sqlite3")
    try:
        port = deployment.start()
        assert all(OLD in text for text in deployment.pages(port).values())
        deployment.rename(port, FIRST)
        assert all(FIRST in text for text in deployment.pages(port).values())
        deployment.stop()

        for leftover in ("db.sqlite3-wal", "db.sqlite3-shm"):
            (tmp_path / leftover).unlink(missing_ok=True)
        shutil.copyfile(tmp_path / "backup.sqlite3", database)
        port = deployment.start()
        assert all(OLD in text for text in deployment.pages(port).values())
        deployment.rename(port, LAST)
        for name, text in deployment.pages(port).items():
            assert LAST in text and FIRST not in text, name
    finally:
        deployment.stop()


def postgres_url() -> str | None:
    url = settings.DATABASES["default"]
    return url if url["ENGINE"] == "django.db.backends.postgresql" else None


@pytest.mark.skipif(postgres_url() is None, reason="pg_dump and pg_restore need DATABASE_URL on PostgreSQL")
def test_a_postgresql_restore_then_an_edit_shows_the_last_edit_on_every_server(tmp_path):
    """
    README's PostgreSQL backup and restore, with two server processes sharing the Redis
    cache: back up, edit (both servers show it), stop, restore, start, edit again: every
    page, download and API answer on both servers shows the last edit.
    """
    database = postgres_url()
    # The database the tests were started with names this run's databases (pytest's is test_<it>).
    name = f"{database['NAME'].removeprefix('test_')}_restore_{uuid.uuid4().hex[:8]}"
    host, port, user = database["HOST"] or "127.0.0.1", str(database["PORT"] or 5432), database["USER"] or "postgres"
    server = ["-h", host, "-p", port, "-U", user]
    run(["createdb", *server, name])
    deployment = Deployment(
        database_url=f"postgres://{user}@{host}:{port}/{name}",
        cache_url=redis_url(),
        key_prefix=f"restore-{uuid.uuid4().hex[:8]}",
    )
    try:
        deployment.load_report()
        deployment.make_api_key()
        run(["pg_dump", "-Fc", *server, "-d", name, "-f", str(tmp_path / "shdt.dump")])
        ports = [deployment.start(), deployment.start()]
        for port in ports:
            assert all(OLD in text for text in deployment.pages(port).values())
        deployment.rename(ports[0], FIRST)
        for port in ports:
            assert all(FIRST in text for text in deployment.pages(port).values())
        deployment.stop()

        run(["pg_restore", "--clean", "--if-exists", "--no-owner", *server, "-d", name, str(tmp_path / "shdt.dump")])
        ports = [deployment.start(), deployment.start()]
        for port in ports:
            assert all(OLD in text for text in deployment.pages(port).values())
        deployment.rename(ports[0], LAST)
        for port in ports:
            for page, text in deployment.pages(port).items():
                assert LAST in text and FIRST not in text, f"{page} on port {port}"
    finally:
        deployment.stop()
        run(["dropdb", "--if-exists", "--force", *server, name])


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stderr}"
