"""
Each figure of the benchmark: what is measured, its baseline in the same run, and the
target ratio (issue 7). Pages are loaded under gunicorn with wrk; downloads are timed
whole over HTTP against PostgreSQL's own COPY of the same columns.
"""

import random
import statistics
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

from bench import server

LIST_QUERY = "/enterprises/?district=pudong&business_type=digital-services"
API_QUERY = "/api/enterprises/?district=pudong&business_type=digital-services"
# Two common Chinese substrings, pinyin initials, and a rare name (a scan would find it last).
SEARCHES = [
    ("2 Chinese characters", "数字"),
    ("4 Chinese characters", "信息技术"),
    ("pinyin initials", "shxx"),
    ("a rare name", None),
]
# The site's search box (/search/): enterprises, case studies, bases and policies at once.
SITE_SEARCHES = [
    ("2 Chinese characters", "数字"),
    ("pinyin initials", "shxx"),
    ("a rare name", None),
]


@dataclass
class Figure:
    what: str
    baseline: str
    target: str
    value: float
    base: float
    unit: str
    # "higher" when the value should be at least target × baseline, "lower" for at most.
    better: str
    goal: float

    @property
    def ratio(self) -> float:
        return self.value / self.base if self.base else float("nan")

    @property
    def met(self) -> bool:
        return self.ratio >= self.goal if self.better == "higher" else self.ratio <= self.goal


def median(values) -> float:
    return statistics.median(values)


def rate(url, args) -> float:
    return median(server.wrk(url, args.seconds)["rate"] for _ in range(args.runs))


def p50(url, args) -> float:
    return median(server.wrk(url, args.seconds)["p50_ms"] for _ in range(args.runs))


def rare_name() -> str:
    """A brand that only one synthetic enterprise has (its 4 characters, without 上海)."""
    from enterprises.models import Enterprise

    name = Enterprise.objects.order_by("-id").values_list("name", flat=True)[1000]
    return name.removeprefix("上海")[:4]


# --- Pages ---------------------------------------------------------------------------


def page_figures(database_url, args, only) -> list[Figure]:
    if not ({"list", "deep", "api", "search"} & only):
        # No server to start (nor its baseline to measure) for the other groups.
        return []
    figures = []
    env = server.server_env(database_url, RESPONSE_CACHE_SECONDS=0)
    with server.gunicorn(env) as (url, _):
        server.warm(url, [LIST_QUERY, API_QUERY, "/enterprises/", "/enterprises/?page=1000"])
        bare = rate(url + "/bench/bare/", args)
        if "list" in only:
            figures.append(Figure(f"{LIST_QUERY} page 1, no response cache", "a bare Django view", "≥ 10%",
                                  rate(url + LIST_QUERY, args), bare, "req/s", "higher", 0.10))
        if "deep" in only:
            first = rate(url + "/enterprises/", args)
            figures.append(Figure("page 1,000 of the unfiltered list", "page 1 of the same list", "≥ 70%",
                                  rate(url + "/enterprises/?page=1000", args), first, "req/s", "higher", 0.70))
        if "api" in only:
            figures.append(Figure(f"{API_QUERY}, cold (no response cache)", "a bare Django view", "≥ 15%",
                                  rate(url + API_QUERY, args), bare, "req/s", "higher", 0.15))
        if "search" in only:
            plain = p50(url + "/enterprises/", args)
            for label, query in SEARCHES:
                query = query or rare_name()
                server.warm(url, [f"/enterprises/?q={quote(query)}"])
                figures.append(Figure(f"q={query} ({label}), median latency", "the unfiltered list page", "≤ 2×",
                                      p50(url + f"/enterprises/?q={quote(query)}", args), plain, "ms", "lower", 2.0))
        if "sitesearch" in only:
            plain = p50(url + "/enterprises/", args)
            for label, query in SITE_SEARCHES:
                query = query or rare_name()
                server.warm(url, [f"/search/?q={quote(query)}"])
                figures.append(Figure(f"/search/?q={query} ({label}, every kind of record), median latency",
                                      "the unfiltered list page", "≤ 2×",
                                      p50(url + f"/search/?q={quote(query)}", args), plain, "ms", "lower", 2.0))
    return figures


def cached_figures(database_url, args, only) -> list[Figure]:
    """The same pages under the production cache configuration: Redis, whole responses cached."""
    if not ({"cached", "api"} & only):
        return []
    subprocess.run(["redis-cli", "-n", "2", "flushdb"], check=True, capture_output=True)
    env = server.server_env(database_url, RESPONSE_CACHE_SECONDS=600, CACHE_URL="redis://127.0.0.1:6379/2")
    figures = []
    with server.gunicorn(env) as (url, _):
        server.warm(url, [LIST_QUERY, API_QUERY])
        bare = rate(url + "/bench/bare/", args)
        if "cached" in only:
            figures.append(Figure(f"{LIST_QUERY} repeated, production cache", "a bare Django view", "≥ 50%",
                                  rate(url + LIST_QUERY, args), bare, "req/s", "higher", 0.50))
        if "api" in only:
            figures.append(Figure(f"{API_QUERY}, warm (production cache)", "a bare Django view", "≥ 50%",
                                  rate(url + API_QUERY, args), bare, "req/s", "higher", 0.50))
    return figures


# --- Downloads -------------------------------------------------------------------------


def download_seconds(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        while response.read(1 << 16):
            pass
    return time.perf_counter() - started


def copy_seconds(database_url: str) -> float:
    """PostgreSQL writing the download's columns itself: COPY (SELECT …) TO STDOUT, read whole."""
    import psycopg

    sql = """
        COPY (
            SELECT l.serial, e.name, t.name, r.short_name, e.name_en, e.aliases, e.credit_code,
                   e.website, t.code, r.code, e.slug, l.status
            FROM enterprises_enterprise e
            JOIN enterprises_publiclisting l ON l.enterprise_id = e.id
            JOIN enterprises_region r ON r.id = e.region_id
            JOIN enterprises_businesstype t ON t.id = e.business_type_id
            ORDER BY l.list_year DESC, l.serial, e.name_normalized
        ) TO STDOUT WITH (FORMAT csv, HEADER)
    """
    with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
        started = time.perf_counter()
        with cursor.copy(sql) as copy:
            for _ in copy:
                pass
        return time.perf_counter() - started


def download_figures(database_url, args, only) -> list[Figure]:
    if "download" not in only:
        return []
    figures = []
    env = server.server_env(database_url, RESPONSE_CACHE_SECONDS=0)
    # One worker, so that the memory measured is the one process that served the file.
    with server.gunicorn(env, workers=1) as (url, process):
        worker = server.worker_pids(process.pid)[0]
        download_seconds(url + "/enterprises/?page=1")
        before = server.peak_rss_kib(worker)
        copy = median(copy_seconds(database_url) for _ in range(args.runs))
        csv = median(download_seconds(url + "/enterprises/download.csv") for _ in range(args.runs))
        csv_growth = (server.peak_rss_kib(worker) - before) / 1024
        before = server.peak_rss_kib(worker)
        xlsx = median(download_seconds(url + "/enterprises/download.xlsx") for _ in range(args.runs))
        xlsx_growth = (server.peak_rss_kib(worker) - before) / 1024
    figures.append(Figure("/enterprises/download.csv of every row, time", "COPY (SELECT …) TO STDOUT, same columns",
                          "≤ 3×", csv, copy, "s", "lower", 3.0))
    figures.append(Figure("the CSV download: growth of the serving process's peak memory", "30 MB", "≤ 30 MB",
                          csv_growth, 30.0, "MB", "lower", 1.0))
    figures.append(Figure("/enterprises/download.xlsx of every row, time", "the CSV download", "≤ 6×",
                          xlsx, csv, "s", "lower", 6.0))
    figures.append(Figure("the XLSX download: growth of the serving process's peak memory", "60 MB", "≤ 60 MB",
                          xlsx_growth, 60.0, "MB", "lower", 1.0))
    return figures


# --- All ---------------------------------------------------------------------------------

ALL = ("list", "deep", "api", "search", "sitesearch", "cached", "download", "import", "duplicates", "publish")


def run_all(database_url, args) -> list[Figure]:
    only = set(args.only.split(",")) if args.only else set(ALL)
    figures = page_figures(database_url, args, only)
    figures += cached_figures(database_url, args, only)
    figures += download_figures(database_url, args, only)
    if "import" in only:
        figures += import_figures(args)
    if "duplicates" in only:
        figures += duplicate_figures(args)
    if "publish" in only:
        figures += publish_figures(args)
    return figures


def publish_figures(args) -> list[Figure]:
    from bench.publishing import measure_publish

    return [
        Figure(row["name"], row["baseline"], row["target"], row["value"], row["base"], row["unit"], "higher", row["goal"])
        for row in measure_publish(rows=args.publish_rows, runs=args.runs)
    ]


def import_figures(args) -> list[Figure]:
    try:
        from bench.importing import measure_import
    except ImportError:
        return []
    figures = []
    for row in measure_import(rows=args.import_rows, runs=args.runs):
        better = "higher"
        figures.append(Figure(row["name"], row["baseline"], row["target"], row["value"], row["base"],
                              row.get("unit", "rows/s"), better, row["goal"]))
    return figures


def duplicate_figures(args) -> list[Figure]:
    """
    The likely-duplicate check's false alarms (issue 15): new names that differ from every
    registered name and alias in a brand character and in sound, about half of them one
    brand character from a registered name, checked against bench/data.py's registry as
    an import checks them (shdt.core.imports.find_similar). A flag on any is a false alarm.
    Built in memory, not read from the database, so that its size is the figure's own.
    """
    from bench.names import new_names, synthetic_registry
    from shdt.core.imports import find_similar

    registry = synthetic_registry(args.duplicate_registry)
    names, near = new_names(registry, args.duplicate_names, seed=random.randrange(1 << 30))
    started = time.perf_counter()
    flagged = find_similar(dict(enumerate(names)), registry.spellings)
    seconds = time.perf_counter() - started
    print(
        f"  likely duplicates: {len(flagged):,} of {len(names):,} new names flagged ({near:,} of them one brand "
        f"character from a registered name), against {len(registry.spellings):,} names and aliases, in {seconds:.1f} s"
    )
    for row in list(flagged)[:5]:
        print(f"    {names[row]} ~ {[name for pk, name in registry.spellings if pk in flagged[row]]}")
    return [
        Figure(
            f"likely duplicates flagged among {len(names):,} new names (each differs from every registered one in a "
            f"brand character and in sound; {near:,} one brand character apart), registry of "
            f"{args.duplicate_registry:,}",
            f"the {len(names):,} names", "≤ 0.1%", len(flagged), len(names), "names", "lower", 0.001,
        )
    ]


def render(figures, args, machine: str) -> str:
    lines = [
        f"Measured with `python -m bench --n {args.n:,} --runs {args.runs}` on {machine}; each value is the "
        f"median of {args.runs} runs, and its baseline was measured in the same run on the same server.",
        "",
        "| figure | value | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.what} | {f.value:,.2f} {f.unit} | {f.base:,.2f} {f.unit} ({f.baseline}) | "
            # One decimal: 9.6% rounded to 10% read as a met target of 10%.
            f"{f.ratio:.1%} | {f.target} | {'yes' if f.met else '**no**'} |"
        )
    return "\n".join(lines) + "\n"
