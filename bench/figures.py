"""Each figure of the benchmark: what is measured, its baseline, and the target ratio."""

import statistics
from dataclasses import dataclass
from urllib.parse import quote

from bench import server


@dataclass
class Figure:
    name: str
    what: str
    baseline: str
    target: str
    value: float = 0.0
    base: float = 0.0
    ratio: float = 0.0
    unit: str = ""
    met: bool = False


def median_rate(url, args):
    return statistics.median(server.wrk(url, args.seconds)["rate"] for _ in range(args.runs))


def median_p50(url, args):
    return statistics.median(server.wrk(url, args.seconds)["p50_ms"] for _ in range(args.runs))


def run_all(database_url, args) -> str:
    figures = []
    only = {name for name in args.only.split(",") if name}
    env = server.server_env(database_url, RESPONSE_CACHE_SECONDS=0)
    with server.gunicorn(env) as (url, _):
        bare = median_rate(url + "/bench/bare/", args)
        list_url = url + "/enterprises/?district=pudong&business_type=digital-services"
        if not only or "list" in only:
            rate = median_rate(list_url, args)
            figures.append(Figure("list", "/enterprises/?district=…&business_type=… page 1, no response cache",
                                  "bare view", "≥ 10%", rate, bare, rate / bare, "req/s", rate / bare >= 0.10))
        if not only or "deep" in only:
            first = median_rate(url + "/enterprises/", args)
            deep = median_rate(url + "/enterprises/?page=1000", args)
            figures.append(Figure("deep", "page 1,000 of the unfiltered list", "page 1", "≥ 70%",
                                  deep, first, deep / first, "req/s", deep / first >= 0.70))
        if not only or "search" in only:
            plain = median_p50(url + "/enterprises/", args)
            for label, query in (("2 characters", "数字"), ("4 characters", "信息技术"), ("pinyin initials", "shxx")):
                p50 = median_p50(url + f"/enterprises/?q={quote(query)}", args)
                figures.append(Figure(f"search-{label}", f"q={query} ({label}), p50", "unfiltered list p50", "≤ 2×",
                                      p50, plain, p50 / plain, "ms", p50 / plain <= 2))
    return render(figures, args)


def render(figures, args) -> str:
    lines = [
        f"| figure | value | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.what} | {f.value:,.1f} {f.unit} | {f.base:,.1f} {f.unit} ({f.baseline}) | "
            f"{f.ratio:.0%} | {f.target} | {'yes' if f.met else 'NO'} |"
        )
    return "\n".join(lines) + "\n"
