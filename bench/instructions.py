"""
`python -m bench.instructions [--requests 20]`: the instructions the server's Python runs
per request of the bare view, the list page and the API page of issue 7 (response cache
off), counted by valgrind's callgrind on the benchmark database, with each page's count
as a ratio of the bare view's.

Counts repeat exactly from run to run, where timings on a shared 2-core machine vary by a
third: use them to see whether a change makes a page cheaper. They leave out PostgreSQL,
gunicorn and the network, so they are not the figures of issue 7; `make bench` measures those.
"""

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "bare view": "/bench/bare/",
    "list page": "/enterprises/?district=pudong&business_type=digital-services",
    "API page": "/api/enterprises/?district=pudong&business_type=digital-services",
}
WARM_UP = 5


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--requests", type=int, default=20, help="requests counted per page")
    parser.add_argument("--database", default="shdt_bench", help="PostgreSQL database built by `make bench`")
    parser.add_argument("--count", nargs=2, metavar=("PATH", "REQUESTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    from bench import server

    env = server.server_env(f"{base}/{args.database}", RESPONSE_CACHE_SECONDS=0)
    env.setdefault("DJANGO_SETTINGS_MODULE", "shdt.settings")
    if args.count:
        os.environ.update(env)
        count_requests(args.count[0], int(args.count[1]))
        return
    # Production settings serve static files by their manifest, as `make bench` does.
    manage = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
    subprocess.run(manage, cwd=ROOT, env=env, check=True)
    print(f"Instructions per request ({args.requests} requests after {WARM_UP} to warm up), database {args.database}:")
    print("| page | instructions per request | bare view / page |")
    print("|---|---|---|")
    bare = None
    for name, path in PAGES.items():
        per_request = instructions_per_request(path, args.requests, env, args.database)
        bare = bare or per_request
        print(f"| {name} | {per_request / 1e6:,.2f} M | {bare / per_request:.1%} |")


def instructions_per_request(path: str, requests: int, env: dict, database: str) -> float:
    """The difference between runs of 1 and 1 + `requests` requests: start-up and warm-up cancel out."""
    with ThreadPoolExecutor(2) as pool:
        one, many = pool.map(lambda n: collected(path, n, env, database), (1, 1 + requests))
    return (many - one) / requests


def collected(path: str, requests: int, env: dict, database: str) -> int:
    # The counting process is told the database too: it sets its own DATABASE_URL from it.
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
        sys.executable, "-m", "bench.instructions", "--database", database, "--count", path, str(requests),
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode or not found:
        # E.g. no benchmark database yet: `make bench` builds it.
        raise SystemExit(f"counting {path} failed:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def count_requests(path: str, requests: int) -> None:
    """In the process valgrind runs: warm up, switch counting on, then handle the requests."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    for _ in range(WARM_UP):
        handle(handler, path)
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    for _ in range(requests):
        handle(handler, path)


def handle(handler, path: str) -> None:
    path_info, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765", "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": BytesIO(), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
    }
    status = []
    b"".join(handler(environ, lambda line, headers: status.append(line)))
    if not status[0].startswith("200"):
        raise RuntimeError(f"{path} answered {status[0]}")


if __name__ == "__main__":
    main()
