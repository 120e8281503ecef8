"""
The response cache and the caches of counts, facets and rows cannot be filled by a visitor
(issue 14, finding 5): parameters no view reads make no entry, nor do refused values or page
numbers written another way; each host has its own answers. And the site answers from the
database, with the same content, when the cache is down or loses entries mid-request.
"""

import secrets
import uuid

import pytest
from django.core.cache import caches
from django.urls import reverse

from shdt.core.caching import process_values
from tests.deployment import free_port, redis_url

# Caches are filled only outside a transaction: these tests commit, as a server does.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("committed_db")]

SLUG = "shanghaiximalayakeji"
PAGES = {
    "list": "/enterprises/?district=minhang",
    "profile": f"/enterprises/{SLUG}/",
    "home": "/",
    "api list": "/api/enterprises/?district=minhang",
    "api detail": f"/api/enterprises/{SLUG}/",
}
DOWNLOAD = "/enterprises/download.csv?district=minhang"


def kept_keys(settings) -> set[str]:
    """The keys of this test's entries in the local-memory cache (the limits' and the throttle's counters left out)."""
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return {
        key
        for key in caches["default"]._cache
        if key.startswith(prefix) and "shdt:limit:" not in key and "throttle_" not in key
    }


@pytest.fixture(autouse=True)
def _no_api_throttle(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}


def answers(client) -> dict[str, str]:
    texts = {name: client.get(path).content.decode() for name, path in PAGES.items()}
    download = client.get(DOWNLOAD)
    assert download.status_code == 200
    texts["download"] = b"".join(download.streaming_content).decode("utf-8-sig")
    return texts


def test_parameters_no_view_reads_make_no_cache_entry(client, report, response_cache, settings):
    assert "locmem" in settings.CACHES["default"]["BACKEND"]
    for path in PAGES.values():
        assert client.get(path).status_code == 200
    before = kept_keys(settings)
    for _ in range(50):
        junk = secrets.token_hex(8)
        for path in PAGES.values():
            separator = "&" if "?" in path else "?"
            assert client.get(f"{path}{separator}utm={junk}").status_code == 200
    assert kept_keys(settings) == before


def test_refused_values_and_page_numbers_written_another_way_make_no_cache_entry(client, report, response_cache, settings):
    client.get("/enterprises/?district=minhang")
    client.get("/api/enterprises/?district=minhang")
    # A refused filter is left out, so the page counts the rows without it: the unfiltered
    # list's entries, once.
    client.get("/enterprises/?district=bogus")
    before = kept_keys(settings)
    for n in range(20):
        junk = secrets.token_hex(6)
        # A mistyped filter is answered 400 with its message, a page number out of range with
        # the nearest page, a page size over the maximum with the maximum: none is kept.
        assert client.get(f"/enterprises/?district={junk}").status_code == 400
        assert client.get(f"/enterprises/?district=minhang&page={junk}").status_code == 200
        assert client.get(f"/enterprises/?district=minhang&page=0{n}").status_code == 200
        assert client.get(f"/api/enterprises/?district=minhang&page_size={500 + n}").status_code == 200
        assert client.get(f"/api/enterprises/?district=minhang&page=0{n or 1}").status_code in (200, 404)
    assert kept_keys(settings) == before


def test_the_same_path_on_two_hosts_is_answered_with_each_hosts_links(client, report, response_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.cn"]
    path = "/api/enterprises/?district=minhang&page_size=1"
    first = client.get(path).json()
    assert first["next"].startswith("http://testserver/api/enterprises/")
    mirrored = client.get(path, HTTP_HOST="mirror.example.cn").json()
    assert mirrored["next"].startswith("http://mirror.example.cn/api/enterprises/")
    assert mirrored["results"][0]["url"].startswith("http://mirror.example.cn/")
    # And each host's answer is kept for that host: asked again, each gets its own.
    assert client.get(path).json() == first
    assert client.get(path, HTTP_HOST="mirror.example.cn").json() == mirrored


def test_pages_api_and_downloads_answer_from_the_database_when_redis_is_down(client, report, response_cache, settings):
    expected = answers(client)  # from the local-memory cache, as the tests run
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "shdt.core.redis_cache.RedisCache",
            "LOCATION": dead,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.PAGE_RATE = "3/minute"  # the limit fails open: no counter can be kept
    process_values.clear()
    for _ in range(2):
        for name, path in PAGES.items():
            response = client.get(path)
            assert response.status_code == 200, name
            assert response.content.decode() == expected[name], name
        download = client.get(DOWNLOAD)
        assert download.status_code == 200
        assert b"".join(download.streaming_content).decode("utf-8-sig") == expected["download"]


def test_the_redis_backend_recovers_when_redis_answers_again(settings):
    from shdt.core import redis_cache

    backend = redis_cache.RedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    assert backend.get("a", "missing") == "missing"
    assert backend.set("a", 1) is None
    assert backend.get_many(["a", "b"]) == {}
    with pytest.raises(Exception):
        backend.incr_or_create("a", 60)
    # Pointed at a Redis that answers and past its rest, the same client works again.
    working = redis_cache.RedisCache(redis_url(), {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"})
    working._cache.resting_until = 10**12
    assert working.get("b", "resting") == "resting"
    working._cache.resting_until = 0.0
    working.set("b", 2)
    assert working.get("b") == 2
    working.delete("b")


def test_entries_evicted_between_two_reads_of_a_request_change_no_answer(client, report, response_cache, settings, monkeypatch):
    expected = answers(client)
    backend = caches["default"]
    get = type(backend).get
    calls = []

    def evicting_get(self, key, *args, **kwargs):
        # Every other read empties the cache, and what the process keeps of the token:
        # as Redis under allkeys-lru may drop any key at any moment.
        calls.append(key)
        if len(calls) % 2 == 0:
            self.clear()
            process_values.clear()
        return get(self, key, *args, **kwargs)

    monkeypatch.setattr(type(backend), "get", evicting_get)
    for _ in range(3):
        assert answers(client) == expected
    assert len(calls) > 10
