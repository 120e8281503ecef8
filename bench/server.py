"""Run the site under gunicorn on 127.0.0.1 and load it with wrk, as a deployment would be served."""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def server_env(database_url: str, **extra) -> dict:
    """Production settings over plain HTTP on the loopback, with the benchmark's bare view."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        BENCHMARK_VIEWS="1",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="600",
        # wrk is one client asking thousands of times a second: the figures measure the
        # pages, so the API's throttle and the pages' limits are set far above it (they
        # still run, and count, on every request).
        API_THROTTLE_ANON="100000000/second",
        PAGE_RATE="100000000/second",
        DOWNLOAD_RATE="100000000/second",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


@contextmanager
def gunicorn(env: dict, port: int | None = None, workers: int = 2, threads: int = 1):
    """Start gunicorn with the given environment; yield the base URL and the process."""
    # BENCH_PORT lets two benchmarks run side by side on one machine.
    port = port or int(os.environ.get("BENCH_PORT", "8765"))
    command = [
        sys.executable, "-m", "gunicorn", "shdt.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--log-level", "warning", "--timeout", "300",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/bench/bare/")
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url}")


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_kib(pid: int) -> int:
    """The peak resident memory of a process so far (VmHWM), in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def wrk(url: str, seconds: int = 5, connections: int = 8, threads: int = 2) -> dict:
    """Load `url` with wrk; return requests per second and the median latency in ms."""
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url} answered {non_2xx.group(1)} errors under load")
    return {"rate": rate, "p50_ms": float(p50.group(1)) * scale}


def warm(url: str, paths) -> None:
    """Ask for each page once, so that the figures measure a running site, not its first request."""
    for path in paths:
        with urllib.request.urlopen(url + path, timeout=120) as response:
            response.read()


def machine() -> str:
    """What the figures were measured on: CPU, cores, memory, PostgreSQL."""
    import os
    import platform

    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // (1024 * 1024)
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {memory} GiB, {platform.python_implementation()} {platform.python_version()}, {postgres}"
