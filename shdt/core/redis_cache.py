"""
Django's Redis cache backend, keeping one client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call. Building one
sets up its table of some 170 response callbacks, which costs more than the call to a
local Redis itself, and a list page makes several calls (counts, facets, reference
rows). A client is thread-safe and its pool holds the connections, so one client per
pool does the same work without the rebuilding.
"""

from django.core.cache.backends import redis as django_redis


class ReusedClientRedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


    def incr_or_create(self, key, timeout: int, version=None) -> int:
        """
        Count one more on a counter that lives `timeout` seconds from its first count, in
        one round trip (a transaction of SET NX EX and INCR): Django's incr checks that the
        key exists first, and add would be a third call. The request limits count with it
        (shdt.core.limits).
        """
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        with client.pipeline() as pipeline:
            pipeline.set(key, 0, ex=timeout, nx=True)
            pipeline.incr(key)
            return pipeline.execute()[1]
