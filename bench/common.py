"""What the benchmarks share: their own database, the machine they ran on, their
reports in docs/performance.md and how they show SQL."""

import argparse
import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import environ
import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"


# --- The bench's own database ----------------------------------------------------------


def with_database_name(url: str, name: str) -> str:
    """The URL with another database: its last path segment (the embedded server's
    URLs carry a socket directory before it)."""
    parts = urlsplit(url)
    return parts._replace(path=parts.path.rsplit("/", 1)[0] + "/" + name).geturl()


def connect(url: str):
    """A psycopg2 connection to a DATABASE_URL, read the way the settings read it."""
    config = environ.Env.db_url_config(url)
    return psycopg2.connect(
        dbname=config["NAME"],
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        **config.get("OPTIONS", {}),
    )


def database_recreate(source_url: str, name: str, *, drop_only: bool = False) -> None:
    """Drop (and create) the bench database, through the owner's own database."""
    connection = connect(source_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            if not drop_only:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def database_migrate() -> None:
    """`manage.py migrate` in a subprocess, with this process's (bench) DATABASE_URL."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "--verbosity", "0"],
        cwd=ROOT,
        check=True,
    )


def use_bench_database(source_url: str | None, database: str, make_target: str) -> str | None:
    """Point Django, before it reads its settings, at the bench's own database with no
    query log in the timed code. Returns why not, when it cannot."""
    if not source_url:
        return f"DATABASE_URL is not set: run `make {make_target}`, which provides one."
    if environ.Env.db_url_config(source_url)["NAME"] == database:
        return f"DATABASE_URL already names {database!r}; point it at the real database."
    os.environ["DATABASE_URL"] = with_database_name(source_url, database)
    if os.environ.get("APP_DATABASE_URL"):
        os.environ["APP_DATABASE_URL"] = with_database_name(
            os.environ["APP_DATABASE_URL"], database
        )
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    return None


# --- The machine -------------------------------------------------------------------------


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split("\n", 1)[0].split()[1])
        memory = f", {kilobytes / 1024 / 1024:.0f} GiB RAM"
    cpu = platform.processor() or platform.machine()
    model = Path("/proc/cpuinfo")
    if model.exists():
        for line in model.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()}"


def contention() -> str:
    """How busy the machine is: 1-minute load average, and the share of the last
    minute some task waited for a CPU (Linux pressure stall information)."""
    parts = []
    if hasattr(os, "getloadavg"):
        parts.append(f"load {os.getloadavg()[0]:.1f}")
    pressure = Path("/proc/pressure/cpu")
    if pressure.exists():
        some = pressure.read_text().splitlines()[0].split()[1:]  # "some avg10=… avg60=…"
        fields = dict(item.split("=", 1) for item in some)
        parts.append(f"CPU pressure {float(fields['avg60']):.0f}%")
    return ", ".join(parts) or "unknown"


# --- The benches over the scale data set ----------------------------------------------


def scale_bench_parser(description: str, database: str) -> argparse.ArgumentParser:
    """The options every bench over the scale data set takes; each adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=float, default=1.0, help="seed_scale's --scale")
    parser.add_argument("--database", default=database, help="the bench's own database")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", action="store_true", help="keep the bench database")
    kept.add_argument(
        "--reuse",
        action="store_true",
        help="measure again in the kept bench database (migrated, not seeded again)",
    )
    return parser


def scale_bench_main(
    args,
    run: Callable[[argparse.Namespace, str], str],
    *,
    make_target: str,
    begin: str,
    end: str,
    environment: dict[str, str] | None = None,
) -> int:
    """Run a bench in its own database (`environment` set first): print its report,
    drop the database unless kept, and with `--write` record the report between the
    bench's markers in docs/performance.md."""
    source_url = os.environ.get("DATABASE_URL")
    refusal = use_bench_database(source_url, args.database, make_target)
    if refusal:
        print(refusal)
        return 2
    os.environ.update(environment or {})
    try:
        report = run(args, source_url)
    finally:
        from django.db import connections  # Django is set up by `run`, not before

        connections.close_all()
        if not (args.keep or args.reuse):
            database_recreate(source_url, args.database, drop_only=True)
    print()
    print(report)
    if args.write:
        doc_write(report, begin=begin, end=end)
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    return 0


# --- Reports ----------------------------------------------------------------------------


def doc_write(report: str, *, begin: str, end: str) -> None:
    """Put `report` between the bench's markers in docs/performance.md."""
    text = DOC.read_text()
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    DOC.write_text(f"{head}{begin}\n\n{report}\n\n{end}{tail}")


def _update_columns(match: re.Match) -> str:
    assignments = match.group(2)
    if "CASE" in assignments:  # bulk_update: one CASE per column
        columns = re.findall(r'("\w+") = \(?CASE', assignments)
        shown = ", ".join(f"{column} = CASE …" for column in columns)
    else:
        columns = re.findall(r'("\w+") = ', assignments)
        shown = ", ".join(f"{column} = …" for column in columns)
    return f"{match.group(1)}{shown}{match.group(3)}"


def without_tenant_prefix(statement: str) -> str:
    """A statement without the tenant settings prefix of lib/tenancy.py."""
    if statement.startswith("SELECT set_config("):
        return statement.split("; ", 1)[-1]
    return statement


def shorten(statement: str, limit: int = 240) -> str:
    """One line, the column lists elided, so that what a statement does shows."""
    statement = " ".join(statement.split())
    statement = re.sub(r"^SELECT .+? FROM ", "SELECT … FROM ", statement)
    statement = re.sub(
        r"^(INSERT INTO \S+) \(.+?\) VALUES \(.+?\)", r"\1 (…) VALUES (…)", statement
    )
    statement = re.sub(r"^(UPDATE \S+ SET )(.+?)( WHERE )", _update_columns, statement)
    if len(statement) <= limit:
        return statement
    return f"{statement[: limit - 80]} … {statement[-75:]}"  # the end shows the locking
