"""
The site survives the database going away (issue 14, finding 7): after PostgreSQL
terminated the server's connections every following request succeeds; while the database
cannot be reached, pages answer 503 with Retry-After and a page in the visitor's language,
and the site recovers by itself when the database is back.
"""

import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.db import connections
from django.db.utils import OperationalError

from tests.deployment import PAGES, Deployment, Relay, fetch

OLD = "上海喜马拉雅科技有限公司"


@pytest.mark.django_db
def test_while_the_database_is_away_pages_answer_503_in_the_visitors_language_then_recover(client, report):
    client.raise_request_exception = False
    gone = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
    with mock.patch.object(connections["default"], "ensure_connection", side_effect=gone):
        chinese = client.get(PAGES["profile"])
        english = client.get(PAGES["list"], HTTP_ACCEPT_LANGUAGE="en")
        api = client.get(PAGES["api list"], HTTP_ACCEPT_LANGUAGE="en")
        download = client.get(PAGES["download"])
    for response in (chinese, english, api, download):
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
    assert "服务暂时不可用" in chinese.content.decode() and chinese["Content-Language"] == "zh-hans"
    assert "Service temporarily unavailable" in english.content.decode() and english["Content-Language"] == "en"
    assert api.json() == {"detail": "Service temporarily unavailable"}
    # Back by itself: the next requests are answered from the database.
    for path in PAGES.values():
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_other_errors_still_answer_the_500_page(client, monkeypatch):
    from shdt import views

    def broken(self, **kwargs):
        raise RuntimeError("not the database")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500


def postgres() -> dict | None:
    database = settings.DATABASES["default"]
    return database if database["ENGINE"] == "django.db.backends.postgresql" else None


@pytest.mark.skipif(postgres() is None, reason="pg_terminate_backend is PostgreSQL's: run with DATABASE_URL on PostgreSQL")
def test_a_server_keeping_its_connections_survives_their_termination_and_an_outage():
    """
    gunicorn with CONN_MAX_AGE=600, as production runs, reaching PostgreSQL through a
    relay: PostgreSQL terminates the server's connections (as a restart or a failover
    does) and every following request succeeds; the relay is cut (the database out of
    reach) and pages answer 503 in the visitor's language; it is opened again and the
    site answers again, by itself.
    """
    import psycopg

    database = postgres()
    host, port, user = database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432), database["USER"] or "postgres"
    name = f"{database['NAME'].removeprefix('test_')}_outage_{uuid.uuid4().hex[:8]}"[:63]
    admin = psycopg.connect(host=host, port=port, user=user, dbname="postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    relay = Relay(host, port)
    relay.open()
    deployment = Deployment(
        database_url=f"postgres://{user}@127.0.0.1:{relay.port}/{name}",
        cache_url="locmemcache://outage",
        key_prefix=f"outage-{uuid.uuid4().hex[:8]}",
    )
    deployment.env.update(
        {
            "CONN_MAX_AGE": "600",
            # As production answers errors: the site's own pages, not Django's debug page.
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "API_THROTTLE_ANON": "100000/minute",
        }
    )
    try:
        deployment.load_report()
        server = deployment.start()
        for path in PAGES.values():
            assert fetch(server, path)[0] == 200, path

        with psycopg.connect(host=host, port=port, user=user, dbname=name, autocommit=True) as other:
            terminated = other.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        assert terminated, "the server kept no connection to terminate"
        for _ in range(3):
            for page, path in PAGES.items():
                status, _headers, body = fetch(server, path)
                assert status == 200, f"{page} after the connections were terminated: {status}"
                assert OLD in body.decode("utf-8-sig"), page

        relay.cut()
        for page, path in PAGES.items():
            status, headers, body = fetch(server, path, **{"Accept-Language": "en"})
            assert status == 503, f"{page} with the database away: {status}"
            assert int(headers["Retry-After"]) > 0
        status, headers, body = fetch(server, PAGES["profile"])
        assert status == 503 and "服务暂时不可用" in body.decode()
        assert "Service temporarily unavailable" in fetch(server, PAGES["list"], **{"Accept-Language": "en"})[2].decode()

        relay.open()
        for page, path in PAGES.items():
            status, _headers, body = fetch(server, path)
            assert status == 200, f"{page} with the database back: {status}"
            assert OLD in body.decode("utf-8-sig"), page
    finally:
        deployment.stop()
        relay.cut()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
