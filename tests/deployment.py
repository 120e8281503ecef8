"""
A deployment of the registry run as production runs it: its own database and cache,
management commands and gunicorn servers in processes of their own, read over HTTP.
For the tests that no test client can stand for (restores, several server processes).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SLUG = "shanghaiximalayakeji"
# Where the enterprise is shown: its profile, a list and its download, the API's detail and list.
PAGES = {
    "profile": f"/enterprises/{SLUG}/",
    "list": "/enterprises/?district=minhang",
    "download": "/enterprises/download.csv?district=minhang",
    "api detail": f"/api/enterprises/{SLUG}/",
    "api list": "/api/enterprises/?district=minhang",
}


def redis_url() -> str:
    """The Redis that every session and CI run (REDIS_URL to use another), checked to answer."""
    import pytest
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {url} ({error}): start it, or set REDIS_URL")
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deployment:
    """One deployment: the environment its commands and servers share."""

    def __init__(self, *, database_url: str, cache_url: str, key_prefix: str):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "CACHE_KEY_PREFIX": key_prefix,
            "RESPONSE_CACHE_SECONDS": "600",
            "DEBUG": "1",  # static files from the source folders, no collectstatic
            "SECRET_KEY": "deployment-tests-only",
            "DJANGO_SETTINGS_MODULE": "shdt.settings",
            # The tests read pages and downloads faster than a person: the limits per
            # address are tested on their own (tests/shdt/test_limits.py).
            "PAGE_RATE": "100000/minute",
            "DOWNLOAD_RATE": "100000/minute",
        }
        self.servers: dict[int, subprocess.Popen] = {}
        self.api_key = None

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def load_report(self) -> None:
        """As README's set-up does: migrate, then the report's records."""
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("loaddata", "report_2022", "-v", "0")

    def make_api_key(self) -> str:
        """A superuser's API token (kept in the database, so a backup holds it)."""
        self.api_key = self.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; from rest_framework.authtoken.models import Token; "
            "user = get_user_model().objects.create_superuser('restorer', 'r@example.com', 'pw-for-tests-only'); "
            "print(Token.objects.create(user=user).key)",
        ).split()[-1]  # after what the shell says of its own imports
        return self.api_key

    def start(self) -> int:
        """A gunicorn server on a port of its own; its port, once it answers."""
        port = free_port()
        self.servers[port] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "shdt.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning"],
            cwd=BASE_DIR,
            env=self.env,
        )
        # Generous: a worker loads Django on its first request, slowly on a busy machine.
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/", timeout=60)
                return port
            except OSError:  # refused while starting, or a read that timed out
                assert self.servers[port].poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)

    def stop(self) -> None:
        for server in self.servers.values():
            server.terminate()
            server.wait(timeout=30)
        self.servers = {}

    def get(self, port: int, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            return response.read().decode("utf-8-sig")

    def pages(self, port: int) -> dict[str, str]:
        return {name: self.get(port, path) for name, path in PAGES.items()}

    def rename(self, port: int, name: str) -> None:
        """Rename the enterprise through the API of one server, as staff would."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/enterprises/{SLUG}/",
            data=json.dumps({"name": name}).encode(),
            method="PATCH",
            headers={"Authorization": f"Token {self.api_key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 200


class Relay:
    """
    A TCP relay in front of a server (PostgreSQL): a deployment connects through it, and a
    test cuts it (every connection through it closed, new ones refused, as when the
    database stops or the network fails) and opens it again on the same port.
    """

    def __init__(self, target_host: str, target_port: int):
        import threading

        self.target = (target_host, target_port)
        self.port = free_port()
        self.listener = None
        self.sockets: set = set()
        self.lock = threading.Lock()

    def open(self) -> None:
        import threading

        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed by cut()
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.sockets |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would leave it listening.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for end in sockets:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()


def fetch(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    """Status, headers and body of a GET, whatever the status."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
