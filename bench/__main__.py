"""
`python -m bench [--n 100000] [--runs 3] [--seconds 5]`: build (or reuse) a PostgreSQL
database of N synthetic enterprises and print every figure of issue 7 as a ratio
against a baseline measured in the same run; write the table to bench/results/latest.md.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="synthetic enterprises (default 100,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure; the median is reported")
    parser.add_argument("--seconds", type=int, default=5, help="seconds of load per wrk run")
    parser.add_argument("--database", default="shdt_bench", help="PostgreSQL database to build or reuse")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated groups: list, deep, api, search, sitesearch, cached, download, import, duplicates, publish",
    )
    parser.add_argument("--import-rows", type=int, default=None, help="rows of the import figures (default: N)")
    parser.add_argument(
        "--duplicate-names", type=int, default=10_000, help="new names of the likely-duplicate figure (default 10,000)"
    )
    parser.add_argument(
        "--duplicate-registry", type=int, default=100_000,
        help="registered enterprises the likely-duplicate figure checks them against, in memory (default 100,000)",
    )
    parser.add_argument("--publish-rows", type=int, default=None, help="entries of the publication figure (default: N)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = parser.parse_args()

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    database_url = f"{base}/{args.database}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shdt.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")

    import django

    django.setup()
    from bench import figures
    from bench.database import prepare

    from bench import server

    args.import_rows = args.import_rows or args.n
    args.publish_rows = args.publish_rows or args.n
    prepare(args.database, args.n, rebuild=args.rebuild)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, check=True)
    results = figures.run_all(database_url, args)
    table = figures.render(results, args, server.machine())
    Path(args.output).write_text(table, encoding="utf-8")
    print(table)
    if not all(figure.met for figure in results):
        print("Not every target is met (see the table).")


if __name__ == "__main__":
    main()
