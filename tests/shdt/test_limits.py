"""
Limits per client address on the public pages and downloads (issue 14, finding 3): a
forged X-Forwarded-For lifts none, behind trusted proxies clients are counted by the
address the proxies report, over the limit the answer is 429 with Retry-After and a page
in the visitor's language, and downloads are held firmer than pages.
"""

from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.cache import caches
from django.urls import reverse

from shdt.core.clients import client_address

pytestmark = pytest.mark.django_db

PAGE = "/enterprises/"
DOWNLOAD = "/enterprises/download.csv"


@pytest.fixture
def limits(settings, monkeypatch):
    # Thirty seconds into a minute, for the whole test: a window that ended halfway
    # through a test would start its count again.
    monkeypatch.setattr("shdt.core.limits.time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    settings.PAGE_RATE = "5/minute"
    settings.DOWNLOAD_RATE = "2/minute"
    settings.NUM_PROXIES = 0
    return settings


def statuses(client, path, forwarded_for, **headers):
    return [client.get(path, HTTP_X_FORWARDED_FOR=value, **headers).status_code for value in forwarded_for]


def test_a_forged_forwarded_for_header_does_not_lift_the_page_limit(client, limits):
    forged = [f"203.0.113.{n}" for n in range(7)]
    assert statuses(client, PAGE, forged) == [200] * 5 + [429] * 2


def test_behind_a_trusted_proxy_clients_are_counted_by_the_address_it_reports(client, limits):
    limits.NUM_PROXIES = 1
    # Seven clients behind the proxy (all connect from its address), each once: none is over.
    assert statuses(client, PAGE, [f"203.0.113.{n}" for n in range(7)]) == [200] * 7
    # One client, whatever it writes before the proxy's entry, is counted as itself.
    assert statuses(client, PAGE, [f"10.9.9.{n}, 198.51.100.7" for n in range(7)]) == [200] * 5 + [429] * 2


def test_the_client_address_rule(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7, 192.0.2.9", REMOTE_ADDR="192.0.2.200")
    settings.NUM_PROXIES = 0
    assert client_address(request) == "192.0.2.200"
    settings.NUM_PROXIES = 1
    assert client_address(request) == "192.0.2.9"
    settings.NUM_PROXIES = 2
    assert client_address(request) == "198.51.100.7"
    # More proxies named than entries: the first entry, never one the client could not write.
    settings.NUM_PROXIES = 5
    assert client_address(request) == "10.0.0.1"
    settings.NUM_PROXIES = 1
    assert client_address(rf.get("/", REMOTE_ADDR="192.0.2.200")) == "192.0.2.200"


def test_over_the_limit_the_answer_is_429_with_retry_after_in_the_visitors_language(client, limits):
    for _ in range(5):
        assert client.get(PAGE).status_code == 200
    response = client.get(PAGE)
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert "请求过多" in response.content.decode()
    english = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429
    assert english["Content-Language"] == "en"
    assert "Too many requests" in english.content.decode()
    assert f"wait {english['Retry-After']} seconds" in english.content.decode()


def test_downloads_are_held_firmer_than_pages_and_counted_apart(client, limits):
    assert [client.get(DOWNLOAD).status_code for _ in range(3)] == [200, 200, 429]
    # The pages have their own count.
    assert client.get(PAGE).status_code == 200
    assert client.get(reverse("policy_download", kwargs={"fmt": "xlsx"})).status_code == 429


def test_a_cached_page_is_counted_too(client, limits, response_cache):
    assert statuses(client, "/", ["x"] * 6) == [200] * 5 + [429]


def test_static_files_the_api_and_staff_are_not_limited(client, limits, django_user_model):
    # (Static files are WhiteNoise's, served before the limit; tests have none collected.)
    assert 429 not in [client.get("/static/css/site.css").status_code for _ in range(7)]
    limits.REST_FRAMEWORK = {**limits.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    assert [client.get("/api/regions/").status_code for _ in range(7)] == [200] * 7
    staff = django_user_model.objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
    client.force_login(staff)
    assert [client.get(PAGE).status_code for _ in range(7)] == [200] * 7
    assert [client.get(DOWNLOAD).status_code for _ in range(4)] == [200] * 4


def test_a_made_up_session_cookie_does_not_lift_the_limit(client, limits):
    client.cookies["sessionid"] = "made-up"
    assert [client.get(PAGE).status_code for _ in range(6)] == [200] * 5 + [429]


def test_when_the_cache_fails_nobody_is_limited(client, limits):
    backend = type(caches["default"])
    down = ConnectionError("cache down")
    with mock.patch.object(backend, "incr", side_effect=down), mock.patch.object(backend, "add", side_effect=down):
        assert [client.get(PAGE).status_code for _ in range(7)] == [200] * 7


def test_the_counter_on_redis_is_one_round_trip_that_expires(settings):
    from tests.deployment import redis_url

    from shdt.core.redis_cache import RedisCache

    redis = RedisCache(redis_url(), {"KEY_PREFIX": "test-limits"})
    key = f"counter-{id(settings)}"
    assert [redis.incr_or_create(key, 60) for _ in range(3)] == [1, 2, 3]
    client = redis._cache.get_client(write=True)
    ttl = client.ttl(redis.make_key(key))
    assert 0 < ttl <= 60
    redis.delete(key)
