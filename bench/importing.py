"""
The import figures of issue 7: `import_data enterprises` of a synthetic sheet into a
year's list that does not exist yet, against `bulk_create` of the same rows measured in
the same run.

Each run makes a fresh sheet (new credit codes, and new names that differ from every
registered name and alias in a brand character and in sound, about half of them one
brand character from a registered name: bench/names.py) and three measurements, with the
likely-duplicate check on as in every import:

1. the baseline: the file's rows read as CSV and written with `bulk_create` (enterprises,
   then the list and its entries), with no validation, no history, no derived search
   text or pinyin permalink, in one transaction;
2. the dry run (the preview) through the same calls `import_data --dry-run` makes;
3. the import through the same calls `import_data` makes: an ImportRecord, then
   `import_record_run`, with every check, history rows, the public listing fields and
   the data version.

Everything a run writes is deleted afterwards (history rows and the import's record
included) without signals, so that the database stays at its N enterprises.
"""

import csv
import io
import random
import statistics
import time

from django.db import connection, transaction

from bench.import_sheet import sheet_csv
from bench.names import synthetic_registry

# List years no real list has: each measurement of a run uses its own, never an existing one.
FIRST_YEAR = 2900
FILE_PREFIX = "bench-import-"


def bulk_create_rows(content: bytes, year: int) -> None:
    """The baseline: the CSV's rows straight into the tables, no validation, no history."""
    from enterprises.models import AnnualList, BusinessType, Enterprise, ListMembership
    from shdt.reference.models import Region
    from shdt.core.text import normalize_name

    regions = {r.short_name: r for r in Region.objects.all()}
    types = {t.name: t for t in BusinessType.objects.all()}
    reader = csv.reader(io.StringIO(content.decode("utf-8"), newline=""))
    next(reader)
    rows = list(reader)
    with transaction.atomic():
        enterprises = [
            Enterprise(
                name=name,
                name_normalized=normalize_name(name),
                business_type=types[kind],
                region=regions[region],
                credit_code=code,
                # Unique, as the column must be; no pinyin.
                slug=f"bench-{year}-{serial}",
            )
            for serial, name, kind, region, code in rows
        ]
        Enterprise.objects.bulk_create(enterprises, batch_size=500)
        annual_list = AnnualList.objects.create(year=year, title=f"{year}年上海数字贸易创新企业")
        ListMembership.objects.bulk_create(
            [
                ListMembership(annual_list=annual_list, enterprise=enterprise, serial=int(row[0]))
                for enterprise, row in zip(enterprises, rows)
            ],
            batch_size=500,
        )


def dry_run(content: bytes, year: int, file_name: str):
    """What `import_data enterprises FILE --list YEAR --dry-run` calls."""
    from shdt.core.imports import import_table

    return import_table("enterprises", content, file_name=file_name, list_year=year, dry_run=True, decisions={})


def real_import(content: bytes, year: int, file_name: str, decisions: dict):
    """What `import_data enterprises FILE --list YEAR [--new ROW …]` calls."""
    from shdt.core.imports import import_record_create, import_record_run

    record = import_record_create(kind="enterprises", file_name=file_name, content=content, list_year=year)
    record.decisions = decisions
    return import_record_run(record, dry_run=False)


def rows_delete(queryset) -> int:
    """
    Delete the rows of `queryset` with plain DELETE statements, by id, a few thousand at a
    time: no signals, no history rows and no cascade collection, as a clean-up of benchmark
    data wants (QuerySet.delete() would write a history row and refresh a listing per row).
    """
    model = queryset.model
    table, pk = model._meta.db_table, model._meta.pk.column
    ids = list(queryset.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            cursor.execute(f'DELETE FROM "{table}" WHERE "{pk}" IN ({", ".join(["%s"] * len(chunk))})', chunk)
    return len(ids)


def clean_up() -> None:
    """Delete what the runs wrote: their lists, entries, enterprises, history rows and import records."""
    from enterprises.models import AnnualList, Enterprise, ListMembership
    from shdt.core.models import ImportRecord

    lists = list(AnnualList.objects.filter(year__gte=FIRST_YEAR).values_list("pk", flat=True))
    records = list(ImportRecord.objects.filter(file_name__startswith=FILE_PREFIX).values_list("pk", flat=True))
    enterprises = list(
        ListMembership.objects.filter(annual_list__in=lists).values_list("enterprise_id", flat=True)
    )
    with transaction.atomic():
        for model in (ListMembership, Enterprise, AnnualList):
            rows_delete(model.history.filter(import_record__in=records))
        rows_delete(ListMembership.objects.filter(annual_list__in=lists))
        for start in range(0, len(enterprises), 10_000):
            rows_delete(Enterprise.objects.filter(pk__in=enterprises[start : start + 10_000]))
        rows_delete(AnnualList.objects.filter(pk__in=lists))
        rows_delete(ImportRecord.objects.filter(pk__in=records))
    if connection.vendor == "postgresql":
        # What the next measurement writes should not find the deleted rows in its way.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE enterprises_enterprise, enterprises_listmembership")


def _check(result, rows: int) -> None:
    if result.problems or result.count("new") + len(result.similar_rows) != rows:
        problems = [str(p) for p in result.problems[:5]]
        raise RuntimeError(f"the benchmark's import did not take every row as new: {result.counts()} {problems}")


def _all_new(result) -> dict:
    """Decide every likely duplicate of a dry run as new (the admin's “all new”), so that the import runs."""
    return {str(outcome.row): "new" for outcome in result.similar_rows}


def _timed(function, *args):
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def measure_import(rows: int, runs: int) -> list[dict]:
    """Return the dry-run and import rates (rows/s), each the median of `runs`, with the baseline's."""
    from enterprises.models import Enterprise

    clean_up()
    count = Enterprise.objects.count()
    # The names a sheet must differ from: the database is bench/data.py's registry of `count`.
    registry = synthetic_registry(count)
    base_rates, dry_rates, import_rates, flagged = [], [], [], []
    seed = random.randrange(1 << 30)
    # A small first round, not counted, so that no figure pays for first use (pinyin
    # dictionaries, translations, imports of modules) that a running server has paid already.
    warm = sheet_csv(min(rows, 200), seed=seed - 1, registry=registry)
    warm_year = FIRST_YEAR + 3 * runs
    try:
        bulk_create_rows(warm, warm_year)
        clean_up()
        result = dry_run(warm, warm_year + 1, f"{FILE_PREFIX}warm.csv")
        real_import(warm, warm_year + 1, f"{FILE_PREFIX}warm.csv", _all_new(result))
    finally:
        clean_up()
    for run in range(runs):
        content = sheet_csv(rows, seed=seed + run, registry=registry)
        year = FIRST_YEAR + 3 * run
        try:
            seconds, _ = _timed(bulk_create_rows, content, year)
            base_rates.append(rows / seconds)
            clean_up()
            seconds, result = _timed(dry_run, content, year + 1, f"{FILE_PREFIX}{year + 1}.csv")
            _check(result, rows)
            dry_rates.append(rows / seconds)
            flagged.append(len(result.similar_rows))
            decisions = _all_new(result)
            seconds, result = _timed(real_import, content, year + 2, f"{FILE_PREFIX}{year + 2}.csv", decisions)
            _check(result, rows)
            import_rates.append(rows / seconds)
        finally:
            clean_up()
        print(
            f"  import run {run + 1}: bulk_create {base_rates[-1]:,.0f} rows/s, dry run {dry_rates[-1]:,.0f}, "
            f"import {import_rates[-1]:,.0f}; likely duplicates flagged: {flagged[-1]:,} of {rows:,}"
        )
    assert Enterprise.objects.count() == count, "the import benchmark left records behind"
    base = statistics.median(base_rates)
    baseline = f"bulk_create of the same {rows:,} enterprises and list entries, no validation or history"
    return [
        {
            "name": f"import_data enterprises --dry-run, {rows:,} new rows (the preview)",
            "value": statistics.median(dry_rates),
            "base": base,
            "baseline": baseline,
            "target": "≥ 50%",
            "goal": 0.50,
            "unit": "rows/s",
        },
        {
            "name": f"import_data enterprises, {rows:,} new rows into an empty list, with validation and history",
            "value": statistics.median(import_rates),
            "base": base,
            "baseline": baseline,
            "target": "≥ 40%",
            "goal": 0.40,
            "unit": "rows/s",
        },
    ]
