"""Create, migrate and fill the benchmark's database, or reuse it when it already holds N enterprises."""

import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from bench.data import build

ROOT = Path(__file__).resolve().parent.parent


def _psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", sql],
        capture_output=True, text=True, check=True,
    ).stdout.strip()


def prepare(name: str, count: int, rebuild: bool = False) -> None:
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"
    if exists and not rebuild:
        call_command("migrate", verbosity=0)
        from enterprises.models import Enterprise

        if Enterprise.objects.count() == count:
            print(f"Reusing {name} with {count:,} enterprises.")
            return
    connection.close()
    _psql(f'DROP DATABASE IF EXISTS "{name}"')
    _psql(f'CREATE DATABASE "{name}"')
    print(f"Building {name} with {count:,} enterprises…")
    call_command("migrate", verbosity=0)
    build(count)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
