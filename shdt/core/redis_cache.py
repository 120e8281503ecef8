"""
Django's Redis cache backend, keeping one client per connection pool, and answering
without Redis when Redis does not answer.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call. Building one
sets up its table of some 170 response callbacks, which costs more than the call to a
local Redis itself, and a list page makes several calls (counts, facets, reference
rows). A client is thread-safe and its pool holds the connections, so one client per
pool does the same work without the rebuilding.

Everything the site keeps in the cache can be computed again from the database (pages,
counts, choices) or may be lost (the request limits' counters), so a cache that is
down, restarting or out of reach must not take the site with it: a failed read is a
miss, a failed write is dropped, and for a few seconds after a failure Redis is not
asked at all, so that requests do not each wait for a connection that will not come.
Counting (incr, incr_or_create) raises instead, for the caller to decide what a count
that could not be made means (shdt.core.limits lets the request through).
"""

import logging
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long Redis is left alone after it failed to answer.
RESTING_SECONDS = 5.0


def _raise(*args):
    raise RedisConnectionError("Redis did not answer a moment ago; not asked again yet")


# What a call answers while Redis is away: reads miss, writes are dropped, counts raise.
MISSES = {
    "get": lambda key, default=None, *rest: default,
    "get_many": lambda *args: {},
    "has_key": lambda *args: False,
    "add": lambda *args: False,
    "set": lambda *args: None,
    "touch": lambda *args: False,
    "delete": lambda *args: False,
    "set_many": lambda *args: None,
    "delete_many": lambda *args: None,
    "clear": lambda *args: None,
    "incr": _raise,
    "incr_or_create": _raise,
}


def _fail_open(name, method):
    miss = MISSES[name]

    def call(self, *args, **kwargs):
        if time.monotonic() < self.resting_until:
            return miss(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except RedisError:
            self.resting_until = time.monotonic() + RESTING_SECONDS
            logger.warning("The cache (Redis) did not answer: pages are computed without it for now", exc_info=True)
            return miss(*args, **kwargs)

    call.__name__ = name
    return call


INCR_OR_CREATE = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class ReusedClientRedisCacheClient(django_redis.RedisCacheClient):
    resting_until = 0.0

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr_or_create(self, key, timeout: int) -> int:
        # One command (a script runs atomically): the counter and its lifetime are set
        # together, so no counter is ever left without one.
        script = self.__dict__.get("_incr_script")
        if script is None:
            script = self._incr_script = self.get_client(key, write=True).register_script(INCR_OR_CREATE)
        return script(keys=[key], args=[timeout], client=self.get_client(key, write=True))


for _name in MISSES:
    setattr(ReusedClientRedisCacheClient, _name, _fail_open(_name, getattr(ReusedClientRedisCacheClient, _name)))


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def incr_or_create(self, key, timeout: int, version=None) -> int:
        """
        Count one more on a counter that lives `timeout` seconds from its first count, in
        one round trip (a Lua script): Django's incr checks that the key exists first, and
        add would be a third call. The request limits count with it (shdt.core.limits).
        """
        return self._cache.incr_or_create(self.make_and_validate_key(key, version=version), timeout)
