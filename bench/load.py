"""Throughput as production serves it: `make bench-load`.

Runs the application as a real server on this machine, the way the Dockerfile runs it:
production settings (DEBUG off, collected static served by whitenoise) under gunicorn,
connecting through PgBouncer in transaction pooling mode (as `make smoke` and
docker-compose.yml run it), against the scale data set. Then drives it over HTTP from
this process, CONNECTIONS requests at a time (a thread and a connection each, kept
alive when the server allows it), for SECONDS per target after a short warm-up, and
reports requests per second, p50 and p99 latency (as the client sees it, loopback
included) and errors:

* a 50-item API list, `GET /api/v1/submissions/?limit=50`, with the largest
  organization's owner key (budget: at least 150 requests/s);
* the recruiter home page, `GET /`, signed in as the largest organization's recruiter
  (budget: at least 50 requests/s).

Every worker model in WORKER_MODELS is measured in turn, each in a fresh gunicorn, so
that the one the deployment uses is chosen on figures (docs/performance.md). A response
counts as an error unless it is a 200 with the page's own mark in it.

Like the other benches it works in a database of its own, seeded here (`--keep` keeps
it), or measures again in a kept one (`--reuse`, with `--database` naming, say,
bench-metrics' database). The load generator shares the machine's cores with the server
and PostgreSQL: its own cost is about a fifth of a millisecond per request.

    python -m bench.load [--seconds 15] [--connections 8] [--write] [--keep | --reuse]
"""

import http.client
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    ROOT,
    contention,
    database_migrate,
    database_recreate,
    machine,
    scale_bench_main,
    scale_bench_parser,
)
from scripts.smoke import pooled_url, start_pgbouncer

DOC_BEGIN = "<!-- bench-load:begin (written by `python -m bench.load --write`) -->"
DOC_END = "<!-- bench-load:end -->"
BENCH_DATABASE = "rapport_bench_load"
HOST = "127.0.0.1"
WARM_UP_SECONDS = 3
STARTUP_TIMEOUT_SECONDS = 60
# (worker class, workers, threads per worker). The Dockerfile's is the first.
WORKER_MODELS = [
    ("sync", 3, 1),
    ("sync", 5, 1),
    ("gthread", 2, 4),
    ("gthread", 3, 4),
]
API_LIST = "/api/v1/submissions/?limit=50"
HOME = "/"
TARGET_RPS = {"API list": 150, "recruiter home": 50}


@dataclass
class Load:
    """One target under one worker model: what the clients saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    headers: dict
    mark: bytes  # a byte string every good response contains


def targets_of(organization_id: str) -> list[Target]:
    """The two targets, with the credentials of the organization's owner (an API key
    made here) and of its recruiter (a session made here)."""
    from django.conf import settings
    from django.test import Client as TestClient

    from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
    from accounts.models import Membership, MembershipRole
    from integrations.models import ApiKeyScope
    from integrations.services import api_key_create
    from lib.tenancy import organization_context

    with organization_context(organization_id):
        owner = Membership.objects.get(role=MembershipRole.OWNER)
        recruiter = (
            Membership.objects.filter(role=MembershipRole.RECRUITER)
            .select_related("user")
            .order_by("id")
            .first()
        )
        _, key = api_key_create(actor=owner, name="bench-load", scopes=[ApiKeyScope.READ])
    client = TestClient()
    client.force_login(recruiter.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = str(organization_id)
    session.save()
    # As a TLS-terminating proxy would pass them on (production redirects plain HTTP).
    proxied = {"Host": HOST, "X-Forwarded-Proto": "https"}
    return [
        Target(
            "API list",
            API_LIST,
            {**proxied, "Authorization": f"Api-Key {key}"},
            b'"results":',
        ),
        Target(
            "recruiter home",
            HOME,
            {**proxied, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"},
            b'id="main"',
        ),
    ]


# --- The server -----------------------------------------------------------------------


def server_environment(pgbouncer_port: int) -> dict:
    """Production settings, this bench's database through PgBouncer, and no throttle in
    the way. The secret key is this process's, which signed the session it made."""
    from django.conf import settings

    return {
        "APP_DATABASE_URL": pooled_url(pgbouncer_port, settings.DATABASES["default"]["NAME"]),
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "DEBUG": "false",
        "API_THROTTLE_RATE": "1000000/minute",
    }


def collect_static() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=server_environment(0),  # collecting static files needs no database
        check=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """A gunicorn serving config.wsgi for the block; its output kept for the report."""

    def __init__(self, worker_class: str, workers: int, threads: int, *, pgbouncer_port: int):
        self.port = free_port()
        self.pgbouncer_port = pgbouncer_port
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--worker-class",
            worker_class,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ]
        self.process = None
        self.output = b""
        # The server's log goes to a file: a pipe nobody reads until the end fills up
        # (a log line per request) and stops the workers mid-response.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__

    def __enter__(self) -> "Gunicorn":
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            self.command,
            cwd=ROOT,
            env=server_environment(self.pgbouncer_port),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self._read_log()[-2000:]!r}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz", headers={"Host": HOST})
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def _read_log(self) -> bytes:
        self.log.seek(0)
        return self.log.read()

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output = self._read_log()
        self.log.close()


# --- The load -------------------------------------------------------------------------


def drive(port: int, target: Target, *, connections: int, seconds: float) -> Load:
    """`connections` clients requesting `target` one request after another each, for
    `seconds`; what they saw."""
    load = Load()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", target.path, headers=target.headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                load.errors.append(f"{type(error).__name__}: {error}")
                continue
            if response.will_close:
                connection.close()  # reopened by the next request
            if response.status != 200 or target.mark not in body:
                load.errors.append(f"HTTP {response.status}: {body[:200]!r}")
                continue
            load.latencies.append((time.perf_counter() - started) * 1000)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    return load


def measure(targets: list[Target], args) -> list[tuple[tuple, dict[str, Load], bytes]]:
    """Every worker model in turn, each through one PgBouncer as production runs it."""
    from django.conf import settings

    with tempfile.TemporaryDirectory() as folder:
        pgbouncer_port = free_port()
        pgbouncer = start_pgbouncer(
            Path(folder),
            port=pgbouncer_port,
            database=settings.DATABASES["default"]["NAME"],
            server_url=os.environ["DATABASE_URL"],
        )
        try:
            return _measure_models(targets, args, pgbouncer_port)
        finally:
            pgbouncer.stop()


def _measure_models(targets, args, pgbouncer_port: int):
    results = []
    for model in WORKER_MODELS:
        worker_class, workers, threads = model
        print(f"gunicorn {worker_class} × {workers} workers × {threads} threads…", flush=True)
        with Gunicorn(worker_class, workers, threads, pgbouncer_port=pgbouncer_port) as server:
            loads = {}
            for target in targets:
                drive(server.port, target, connections=args.connections, seconds=WARM_UP_SECONDS)
                loads[target.label] = drive(
                    server.port, target, connections=args.connections, seconds=args.seconds
                )
        results.append((model, loads, server.output))
    return results


# --- The report -----------------------------------------------------------------------


def report(args, results, context: dict) -> str:
    lines = [
        f"### Run of {time.strftime('%Y-%m-%d')}",
        "",
        f"- Machine: {machine()}. Other work on it: {context['busy_at_start']} at the "
        f"start, {context['busy_at_end']} at the end.",
        f"- Python {platform.python_version()}; production settings under gunicorn, "
        "connecting through PgBouncer (transaction pooling, deploy/pgbouncer/pgbouncer.ini), "
        f"{args.connections} connections per target, {args.seconds:.0f} s each after a "
        f"{WARM_UP_SECONDS} s warm-up; the largest organization of the scale data set "
        f"({context['submissions']:,} submissions). Whole bench: "
        f"{context['seconds'] / 60:.1f} minutes.",
        "",
        "| Worker model | Target | Requests/s | p50 | p99 | Requests | Errors | Budget |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for (worker_class, workers, threads), loads, _ in results:
        model = f"{worker_class}, {workers} workers" + (
            f" × {threads} threads" if threads > 1 else ""
        )
        for label, load in loads.items():
            met = load.rate >= TARGET_RPS[label] and not load.errors
            lines.append(
                f"| {model} | {label} | {load.rate:.1f} | {load.percentile(0.5):.0f} ms "
                f"| {load.percentile(0.99):.0f} ms | {len(load.latencies):,} "
                f"| {len(load.errors)} | ≥ {TARGET_RPS[label]}/s: "
                f"{'met' if met else '**missed**'} |"
            )
    errors = [
        (label, error)
        for _, loads, _ in results
        for label, load in loads.items()
        for error in load.errors[:1]
    ]
    if errors:
        lines += ["", "First errors:", ""]
        lines += [f"- {label}: `{error[:160]}`" for label, error in errors]
    return "\n".join(lines)


def run(args, source_url: str) -> str:
    import django

    django.setup()

    from django.core.management import call_command

    from bench.pages import organization_ids_by_size
    from demo.management.commands.seed_scale import Command as SeedScale
    from lib.tenancy import organization_context
    from recruiting.models import Submission

    started = time.perf_counter()
    busy_at_start = contention()
    if args.reuse:
        print("Migrating the kept bench database…", flush=True)
        database_migrate()
    else:
        print("Creating, migrating and seeding the bench database…", flush=True)
        database_recreate(source_url, args.database)
        database_migrate()
        call_command(SeedScale(), scale=args.scale)
    organization_id = organization_ids_by_size()[-1]
    with organization_context(organization_id):
        submissions = Submission.objects.count()
    targets = targets_of(organization_id)
    print("Collecting the static files…", flush=True)
    collect_static()
    results = measure(targets, args)
    for model, _, output in results:
        if b"Traceback" in output:
            raise RuntimeError(f"gunicorn {model} logged a traceback:\n{output.decode()[-3000:]}")
    context = {
        "busy_at_start": busy_at_start,
        "busy_at_end": contention(),
        "seconds": time.perf_counter() - started,
        "submissions": submissions,
    }
    return report(args, results, context)


def main() -> int:
    parser = scale_bench_parser(__doc__.split("\n\n")[0], BENCH_DATABASE)
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds per target")
    parser.add_argument("--connections", type=int, default=8, help="requests at a time")
    return scale_bench_main(
        parser.parse_args(),
        run,
        make_target="bench-load",
        begin=DOC_BEGIN,
        end=DOC_END,
    )


if __name__ == "__main__":
    sys.exit(main())
