"""The Redis cache backend keeps one client per connection pool (no server needed: clients connect lazily)."""

from shdt.core.redis_cache import RedisCache


def test_every_call_of_a_process_uses_the_same_client():
    backend = RedisCache("redis://127.0.0.1:6379/9", {})
    first = backend._cache.get_client("a", write=True)
    assert backend._cache.get_client("b", write=True) is first
    assert backend._cache.get_client("c") is first  # one server: reads and writes share its pool


def test_a_redis_cache_url_selects_this_backend(monkeypatch):
    import importlib

    import shdt.settings

    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6379/1")
    try:
        reloaded = importlib.reload(shdt.settings)
        assert reloaded.CACHES["default"]["BACKEND"] == "shdt.core.redis_cache.RedisCache"
        assert reloaded.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
    finally:
        monkeypatch.delenv("CACHE_URL")
        importlib.reload(shdt.settings)


def settings_with(monkeypatch, **environment) -> dict:
    """The cache settings that this environment gives (settings read again, then restored)."""
    import importlib

    import shdt.settings

    try:
        with monkeypatch.context() as patch:
            for name, value in environment.items():
                patch.setenv(name, value)
            return importlib.reload(shdt.settings).CACHES["default"]
    finally:
        importlib.reload(shdt.settings)


def test_two_deployments_sharing_one_redis_never_share_keys(monkeypatch):
    redis = {"CACHE_URL": "redis://127.0.0.1:6379/1", "SECRET_KEY": "one-key"}
    production = settings_with(monkeypatch, **redis, DATABASE_URL="postgres://db.example/shdt")
    staging = settings_with(monkeypatch, **redis, DATABASE_URL="postgres://db.example/shdt_staging")
    other_key = settings_with(monkeypatch, **{**redis, "SECRET_KEY": "another-key"}, DATABASE_URL="postgres://db.example/shdt")
    prefixes = {production["KEY_PREFIX"], staging["KEY_PREFIX"], other_key["KEY_PREFIX"]}
    assert len(prefixes) == 3 and "" not in prefixes
    assert settings_with(monkeypatch, **redis, CACHE_KEY_PREFIX="site-a")["KEY_PREFIX"] == "site-a"
