"""The production stack on this machine, driven over HTTP only: `make smoke`.

Starts what a deployment runs, each as its own process, with production settings
(DEBUG off, the secret key and hosts from the environment, collected static files
served by whitenoise): PgBouncer in transaction pooling mode between the
application and PostgreSQL, gunicorn, a Celery worker for each kind of work (nudges,
webhooks, reports with the rest) and Celery beat, with Redis as the broker. The
commands are the ones `docker-compose.yml` runs (`tests/test_compose.py` holds the
two together). Then, as people and an ATS would:

1. `/healthz` and `/readyz` answer, `/readyz` naming its checks only to the operator's
   token (`METRICS_TOKEN`);
2. the agency's owner signs in through the login page and creates an API key on the
   API keys page;
3. through the proxy the stack is told to trust (`TRUSTED_PROXY_COUNT=1`, each request
   carrying the `X-Forwarded-For` a proxy would append): wrong passwords for the owner
   from one forwarded address are limited, and the owner signs in from another;
4. the ATS registers a webhook endpoint (a receiver in this process), then creates a
   client, its hiring manager, a role, a candidate and a submission through the API;
5. the submission's response clock is made overdue (its due time moved into the past,
   as time passing would) and beat's scan finds it: the nudge worker mails the hiring
   manager the first nudge (the mail is read from the file backend);
6. the receiver has the submission's webhooks, each signed with the endpoint's secret;
7. tenant isolation under pooling and load: ten more organizations, each with its own
   marker in its names, are read by 32 clients at once, API keys and signed-in owners
   interleaved (an API list, the candidates, the clients page, the dashboard), so
   every pooled server connection serves them all in turn; every answer must be a 200
   that names its own organization and no other (`--bleed-requests`, 2,000 by default).

Every process is stopped at the end; the run fails on any step that does not happen
in time, any 5xx, and any traceback in the logs. The smoke's database is created here
from DATABASE_URL (the owner) and dropped after.

    python scripts/smoke.py [--bleed-requests 2000] [--keep-logs DIR]
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import urlencode, urlsplit

import psycopg2
from psycopg2 import sql

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DATABASE = "rapport_smoke"
APP_ROLE = "rapport_app"
STARTUP_SECONDS = 60
NUDGE_SECONDS = 150  # beat scans every 60 s; the first scan comes a minute after start
WEBHOOK_SECONDS = 60
OWNER_EMAIL = "owner@smoke.example"
HIRING_MANAGER_EMAIL = "hm@smoke-client.example"
WEBHOOK_EVENT_TYPES = ["submission.created", "nudge.sent"]
# Tenant isolation under pooling and load: organizations, requests and concurrency.
BLEED_ORGANIZATIONS = 10
BLEED_REQUESTS = 2_000
BLEED_CONCURRENCY = 32
MARKER = re.compile(rb"Bleedmark(\d\d)x")
# Sign-in limits through a proxy: the owner's account from one address. The limit per
# account and address is 5 failures in 5 minutes (config/settings/base.py).
PROXY_FAILURES = 8
FAILURES_BEFORE_LIMIT = 5
LOGIN_LIMITED = b"Too many failed login attempts"

# The processes of a deployment, as docker-compose.yml runs them (with its
# --bind and --schedule); `tests/test_compose.py` compares the two.
WEB_COMMAND = ["gunicorn", "config.wsgi:application", "--workers", "3", "--access-logfile", "-"]
# One worker per kind of work (docs/scaling.md), named after it: a slow webhook receiver
# holds only the webhook worker, never the nudges'. Together they consume every queue.
WORKER_COMMANDS = {
    f"worker-{name}": [
        *("celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2"),
        *("--queues", queues, "--hostname", f"{name}@%h"),
    ]
    for name, queues in (
        ("nudges", "nudges"),
        ("webhooks", "webhooks"),
        ("reports", "reports,default"),
    )
}
BEAT_COMMAND = ["celery", "-A", "config", "beat", "--loglevel=INFO", "--enable-remote-control"]
# PgBouncer's settings, shared with docker-compose.yml's PgBouncer.
PGBOUNCER_INI = REPO / "deploy" / "pgbouncer" / "pgbouncer.ini"


class SmokeFailure(Exception):
    pass


def say(message: str) -> None:
    print(f"smoke | {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for(what: str, check, seconds: float, interval: float = 0.5):
    """Poll `check()` until it returns something truthy; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise SmokeFailure(f"{what}: nothing after {seconds:.0f} s")


# --- The database ---------------------------------------------------------------------


def owner_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SmokeFailure("DATABASE_URL (the owner role's) is not set")
    return url


def owner_connection(dbname: str):
    parts = urlsplit(owner_url())
    connection = psycopg2.connect(
        host=parts.hostname or HOST,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=dbname,
    )
    connection.autocommit = True
    return connection


def smoke_owner_url() -> str:
    return urlsplit(owner_url())._replace(path=f"/{DATABASE}").geturl()


def recreate_database(*, drop_only: bool = False) -> None:
    connection = owner_connection(urlsplit(owner_url()).path.lstrip("/") or "postgres")
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE))
        )
        if not drop_only:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    connection.close()


# --- The processes ----------------------------------------------------------------------


@dataclass
class Process:
    name: str
    command: list[str]
    log: Path
    process: subprocess.Popen | None = None

    def start(self, env: dict, **kwargs) -> "Process":
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        return self

    def check_running(self) -> None:
        if self.process.poll() is not None:
            raise SmokeFailure(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def venv_command(command: list[str]) -> list[str]:
    """`command` run from this Python's environment (gunicorn, celery)."""
    return [str(Path(sys.executable).parent / command[0]), *command[1:]]


def start_pgbouncer(folder: Path, *, port: int, database: str, server_url: str) -> "Process":
    """PgBouncer, from deploy/pgbouncer/pgbouncer.ini, pooling `database` of the server
    at `server_url` for the application's role, listening on `port`; started, and
    accepting connections. It trusts local users as the server here does (the
    deployment authenticates them: `AUTH_TYPE` in its entrypoint)."""
    own = folder / "pgbouncer"
    own.mkdir()
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: it runs as postgres
        os.chmod(folder, 0o755)  # noqa: S103 - so that postgres reaches its own folder
        shutil.chown(own, "postgres")
    users = own / "users.txt"
    users.write_text(f'"{APP_ROLE}" ""\n')
    server = urlsplit(server_url)
    config = own / "pgbouncer.ini"
    config.write_text(
        Template(PGBOUNCER_INI.read_text()).substitute(
            DATABASE=database,
            DB_HOST=server.hostname or HOST,
            DB_PORT=server.port or 5432,
            LISTEN_ADDR=HOST,
            LISTEN_PORT=port,
            AUTH_TYPE="trust",
            AUTH_FILE=users,
            LOG_FILE="",  # to stderr, kept in the log below
            PID_FILE="",
        )
    )
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise SmokeFailure("pgbouncer is not installed (apt-get install pgbouncer)")
    command = [binary, *(["-u", "postgres"] if os.geteuid() == 0 else []), str(config)]
    process = Process("pgbouncer", command, folder / "pgbouncer.log").start(dict(os.environ))
    try:
        wait_for("PgBouncer", lambda: process.check_running() or _accepts(port), STARTUP_SECONDS)
    except SmokeFailure:
        process.stop()
        raise
    return process


def pooled_url(port: int, database: str) -> str:
    """The application role's URL through PgBouncer on `port`."""
    return f"postgres://{APP_ROLE}@{HOST}:{port}/{database}"


def stack_environment(folder: Path, pgbouncer_port: int, mail_dir: Path) -> dict:
    """Production settings, with the application's role connecting through PgBouncer."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": smoke_owner_url(),
        "APP_DATABASE_URL": pooled_url(pgbouncer_port, DATABASE),
        # django-environ reads the path after "filemail://" + "/": four slashes keep it absolute.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "SITE_URL": "https://rapport.smoke.example",
        "WEBHOOK_ALLOWED_PRIVATE_NETWORKS": "127.0.0.0/8",
        # As behind one reverse proxy: X-Forwarded-For's last entry is the client. The
        # smoke's own requests carry none, and count as the connection's address.
        "TRUSTED_PROXY_COUNT": "1",
        "METRICS_TOKEN": secrets.token_urlsafe(32),
        # Its queues apart from any other stack's on the same Redis.
        "CELERY_BROKER_KEY_PREFIX": f"rapport-smoke-{os.getpid()}:",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(folder / "celerybeat-schedule"),
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SmokeFailure(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# --- HTTP -------------------------------------------------------------------------------


@dataclass
class Browser:
    """Requests to the stack as a TLS-terminating proxy would pass them on, keeping
    cookies like a browser (they are marked Secure, so a plain client would drop them)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    statuses: list[tuple[str, int]] = field(default_factory=list)
    forwarded_for: str | None = None  # the client's address, as the proxy appends it

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers=None, session=True
    ):
        """One request; `session=False` sends no cookies (an API key's request)."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        sent = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
        if self.forwarded_for:
            sent["X-Forwarded-For"] = self.forwarded_for
        if self.cookies and session:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        self.statuses.append((f"{method} {path}", response.status))
        if response.status >= 500:
            raise SmokeFailure(f"{method} {path} answered {response.status}: {content[:500]!r}")
        return response.status, dict(response.getheaders()), content

    def form(self, path: str, fields: dict, *, referer_path: str) -> tuple[int, dict, bytes]:
        body = urlencode(
            {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}, doseq=True
        )
        return self.request(
            "POST",
            path,
            body=body.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{HOST}{referer_path}",
                "Origin": f"https://{HOST}",
            },
        )


def api(browser: Browser, key: str, method: str, path: str, payload: dict | None = None) -> dict:
    status, _, content = browser.request(
        method,
        path,
        body=json.dumps(payload).encode() if payload is not None else None,
        headers={"Authorization": f"Api-Key {key}", "Content-Type": "application/json"},
        session=False,
    )
    if status not in (200, 201):
        raise SmokeFailure(f"{method} {path} answered {status}: {content[:500]!r}")
    return json.loads(content)


# --- The webhook receiver -----------------------------------------------------------------


@contextmanager
def webhook_receiver():
    received: list[tuple[dict, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/hooks", received
    finally:
        server.shutdown()
        server.server_close()


def signature_valid(secret: str, headers: dict, body: bytes) -> bool:
    """Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body", keyed with the secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [value.split(",", 1)[1] for value in headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, value) for value in offered)


# --- The journey ----------------------------------------------------------------------------


def sign_in(browser: Browser, email: str, password: str) -> None:
    status, _, _ = browser.request("GET", "/accounts/login/")
    if status != 200:
        raise SmokeFailure(f"the login page answered {status}")
    status, _, _ = browser.form(
        "/accounts/login/", {"login": email, "password": password}, referer_path="/accounts/login/"
    )
    if status != 302:
        raise SmokeFailure(f"signing in as {email} answered {status}, not a redirect")


def readiness_details(browser: Browser, token: str) -> str:
    """/readyz tells anyone only its status, and the operator's token its checks."""
    status, _, anonymous = browser.request("GET", "/readyz")
    if status != 200 or json.loads(anonymous) != {"status": "ok"}:
        raise SmokeFailure(f"/readyz answered {status} {anonymous[:200]!r} without the token")
    status, _, detailed = browser.request(
        "GET", "/readyz", headers={"Authorization": f"Bearer {token}"}
    )
    checks = json.loads(detailed).get("checks") if status == 200 else None
    if checks != {"database": "ok", "broker": "ok"}:
        raise SmokeFailure(f"/readyz answered {status} {detailed[:200]!r} to the operator")
    return ", ".join(f"{name} {state}" for name, state in checks.items())


def sign_in_limits_through_a_proxy(port: int, password: str) -> tuple[str, int, str]:
    """Wrong passwords for the owner from one forwarded address until the limit, which
    must come after the allowed failures; then even the right password from there is
    limited, and the owner signs in from another forwarded address. The addresses are
    new each run: the counters live in Redis, and outlast a run."""
    attacker = f"198.51.100.{secrets.randbelow(254) + 1}"
    member = f"203.0.113.{secrets.randbelow(254) + 1}"
    guesser = Browser(port, forwarded_for=attacker)
    guesser.request("GET", "/accounts/login/")
    limited_at = None
    for attempt in range(1, PROXY_FAILURES + 1):
        status, _, page = guesser.form(
            "/accounts/login/",
            {"login": OWNER_EMAIL, "password": f"not-the-password-{attempt}"},
            referer_path="/accounts/login/",
        )
        if status != 200:
            raise SmokeFailure(f"wrong password {attempt} from {attacker} answered {status}")
        if LOGIN_LIMITED in page and limited_at is None:
            limited_at = attempt
    if limited_at != FAILURES_BEFORE_LIMIT + 1:
        raise SmokeFailure(
            f"{PROXY_FAILURES} wrong passwords from {attacker}: limited at attempt "
            f"{limited_at}, not {FAILURES_BEFORE_LIMIT + 1}"
        )
    status, _, page = guesser.form(
        "/accounts/login/",
        {"login": OWNER_EMAIL, "password": password},
        referer_path="/accounts/login/",
    )
    if status != 200 or LOGIN_LIMITED not in page:
        raise SmokeFailure(f"the right password from the limited {attacker} answered {status}")
    sign_in(Browser(port, forwarded_for=member), OWNER_EMAIL, password)
    return attacker, limited_at, member


def sign_in_and_create_key(browser: Browser, password: str) -> str:
    sign_in(browser, OWNER_EMAIL, password)
    status, _, page = browser.request("GET", "/settings/api-keys/")
    if status != 200:
        raise SmokeFailure(f"the API keys page answered {status}")
    member = re.search(rb'name="acting_as"[^>]*value="([0-9a-f-]{36})"', page) or re.search(
        rb'<option value="([0-9a-f-]{36})"[^>]*selected', page
    )
    if member is None:
        raise SmokeFailure("the API keys page offers no member to act as")
    status, _, page = browser.form(
        "/settings/api-keys/",
        {"name": "ATS", "scopes": ["read", "write"], "acting_as": member.group(1).decode()},
        referer_path="/settings/api-keys/",
    )
    key = re.search(rb'data-testid="new-api-key">([^<]+)<', page)
    if status != 200 or key is None:
        raise SmokeFailure(f"creating an API key answered {status} without a key")
    return key.group(1).decode()


def create_pipeline(browser: Browser, key: str, *, marker: str = "") -> dict:
    """A client, its hiring manager, a role, a candidate and a submission; `marker`
    in the client's and the candidate's names."""
    every_day = {
        "timezone": "UTC",
        "business_day_start": "00:00",
        "business_day_end": "23:59",
        "workdays": [0, 1, 2, 3, 4, 5, 6],
    }
    client = api(
        browser, key, "POST", "/api/v1/clients/", {"name": f"Initech {marker}".strip(), **every_day}
    )
    manager = api(
        browser,
        key,
        "POST",
        "/api/v1/contacts/",
        {
            "client": client["id"],
            "kind": "hiring_manager",
            "full_name": "Bill Lumbergh",
            "email": HIRING_MANAGER_EMAIL,
        },
    )
    role = api(
        browser,
        key,
        "POST",
        "/api/v1/roles/",
        {"client": client["id"], "title": "Staff Engineer", "hiring_manager": manager["id"]},
    )
    candidate = api(
        browser,
        key,
        "POST",
        "/api/v1/candidates/",
        {
            "full_name": f"Peter Gibbons {marker}".strip(),
            "email": "peter@example.com",
            "consent_to_represent": True,
        },
    )
    submission = api(
        browser,
        key,
        "POST",
        "/api/v1/submissions/",
        {
            "role": role["id"],
            "candidate": candidate["id"],
            "pitch": "Ships reliable systems; led a payments rewrite.",
        },
    )
    return {"client": client, "role": role, "submission": submission}


def make_clocks_overdue() -> int:
    """Move the open clocks' due and next-nudge times into the past, as the owner."""
    connection = owner_connection(DATABASE)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE engagements_responseclock"
            " SET due_at = now() - interval '1 minute', next_nudge_at = now() - interval '1 minute'"
            " WHERE closed_at IS NULL"
        )
        moved = cursor.rowcount
    connection.close()
    return moved


def nudge_mail(mail_dir: Path) -> str | None:
    for message in sorted(mail_dir.glob("*.log")):
        text = message.read_text(errors="replace")
        if f"To: {HIRING_MANAGER_EMAIL}" in text and "Peter Gibbons" in text:
            return text
    return None


# --- Tenant isolation under pooling and load ------------------------------------------------

# Run by `manage.py shell`: organizations with an owner and a key each, as JSON.
BLEED_SETUP = """
import json, secrets
from accounts import services
from accounts.models import Membership
from integrations.services import api_key_create
from lib.tenancy import organization_context
made = []
for n in range({count}):
    marker = f"Bleedmark{{n:02d}}x"
    email, password = f"owner{{n}}@bleed.example", secrets.token_urlsafe(12)
    user = services.user_get_or_create(email=email, password=password)
    organization = services.organization_create(name=f"Agency {{marker}}", owner=user)
    with organization_context(organization.id):
        owner = Membership.objects.get(user=user)
        _, key = api_key_create(actor=owner, name="bleed", scopes=["read", "write"])
    made.append(dict(marker=marker, email=email, password=password, key=key))
print(json.dumps(made))
"""


@dataclass
class Tenant:
    marker: str
    email: str
    password: str
    key: str
    browser: Browser | None = None


@dataclass
class Seen:
    """What the load's clients saw, per target."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # another organization's marker seen
    lock: threading.Lock = field(default_factory=threading.Lock)


def bleed_tenants(env: dict, port: int) -> list[Tenant]:
    """Organizations with a client, its hiring manager, a role, a candidate and a
    submission each, every name carrying the organization's marker; their owners
    signed in."""
    made = json.loads(
        manage(
            env, "shell", "--verbosity", "0", "-c", BLEED_SETUP.format(count=BLEED_ORGANIZATIONS)
        )
    )
    tenants = [Tenant(**fields) for fields in made]
    for tenant in tenants:
        browser = Browser(port)
        create_pipeline(browser, tenant.key, marker=tenant.marker)
        sign_in(browser, tenant.email, tenant.password)
        tenant.browser = browser
    return tenants


BLEED_TARGETS = {
    "API list": ("key", "/api/v1/clients/?limit=50"),
    "API candidates": ("key", "/api/v1/candidates/?limit=50"),
    "clients page": ("session", "/clients/"),
    "dashboard": ("session", "/dashboard/"),
}


def bleed_load(tenants: list[Tenant], *, requests: int, concurrency: int) -> tuple[Seen, float]:
    """`requests` requests from `concurrency` clients, each taking the organizations and
    targets in turn, so that every pooled connection serves them interleaved. Every
    answer must be a 200 naming its own organization and no other."""
    seen = Seen(latencies={label: [] for label in BLEED_TARGETS})
    work = [
        (tenants[n % len(tenants)], label)
        for n in range(requests)
        for label in [list(BLEED_TARGETS)[(n // len(tenants)) % len(BLEED_TARGETS)]]
    ]
    cursor = iter(range(len(work)))
    take = threading.Lock()

    def client() -> None:
        while True:
            with take:
                index = next(cursor, None)
            if index is None:
                return
            tenant, label = work[index]
            credential, path = BLEED_TARGETS[label]
            headers = {"Authorization": f"Api-Key {tenant.key}"} if credential == "key" else {}
            started = time.perf_counter()
            try:
                status, _, body = tenant.browser.request(
                    "GET", path, headers=headers, session=credential == "session"
                )
            except (OSError, http.client.HTTPException, SmokeFailure) as error:
                with seen.lock:
                    seen.errors.append(f"{label}: {error}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            markers = {match.decode() for match in MARKER.findall(body)}
            own = tenant.marker.removeprefix("Bleedmark").removesuffix("x")
            with seen.lock:
                if status != 200 or own not in markers:
                    seen.errors.append(
                        f"{label} for {tenant.marker}: HTTP {status}, own marker missing"
                    )
                seen.foreign += [f"{label} for {tenant.marker}: {m}" for m in markers - {own}]
                seen.latencies[label].append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen, time.perf_counter() - started


def bleed_report(seen: Seen, seconds: float) -> list[str]:
    total = sum(len(times) for times in seen.latencies.values())
    lines = [
        f"{total + len(seen.errors):,} requests by {BLEED_CONCURRENCY} clients for "
        f"{BLEED_ORGANIZATIONS} organizations in {seconds:.1f} s ({total / seconds:.1f}/s): "
        f"{len(seen.errors)} errors, {len(seen.foreign)} answers with another organization's data"
    ]
    for label, times in seen.latencies.items():
        ordered = sorted(times) or [0.0]
        p50 = ordered[len(ordered) // 2]
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        lines.append(
            f"  {label:<15} {len(times):>6,} requests  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
        )
    return lines


def run(folder: Path, *, bleed_requests: int) -> None:
    started = time.monotonic()
    mail_dir = folder / "mail"
    mail_dir.mkdir()
    pgbouncer_port, web_port = free_port(), free_port()
    env = stack_environment(folder, pgbouncer_port, mail_dir)

    processes = [
        Process(
            "web", venv_command([*WEB_COMMAND, "--bind", f"{HOST}:{web_port}"]), folder / "web.log"
        ),
        *(
            Process(name, venv_command(command), folder / f"{name}.log")
            for name, command in WORKER_COMMANDS.items()
        ),
        Process(
            "beat",
            venv_command([*BEAT_COMMAND, "--schedule", env["CELERY_BEAT_SCHEDULE_FILENAME"]]),
            folder / "beat.log",
        ),
    ]
    with ExitStack() as stack:
        pgbouncer = start_pgbouncer(
            folder, port=pgbouncer_port, database=DATABASE, server_url=owner_url()
        )
        stack.callback(pgbouncer.stop)
        for process in processes:
            stack.callback(process.stop)

        say(f"database {DATABASE}: created and migrated as the owner, directly")
        recreate_database()
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        password = secrets.token_urlsafe(16)
        manage(
            env,
            "create_organization",
            "--name",
            "Smoke Agency",
            "--owner-email",
            OWNER_EMAIL,
            # One argument: a generated password may begin with "-", which argparse
            # would otherwise take for an option.
            f"--password={password}",
        )
        for process in processes:
            process.start(env)
        say(
            "pgbouncer (transaction pooling), gunicorn, celery workers "
            f"({', '.join(WORKER_COMMANDS)}) and beat started"
        )
        browser = Browser(web_port)

        def answers(path: str) -> bool:
            for process in [pgbouncer, *processes]:
                process.check_running()
            try:
                return browser.request("GET", path)[0] == 200
            except OSError:
                return False

        wait_for("/healthz", lambda: answers("/healthz"), STARTUP_SECONDS)
        wait_for("/readyz", lambda: answers("/readyz"), STARTUP_SECONDS)
        say(f"healthz and readyz answer ({time.monotonic() - started:.0f} s)")
        checks = readiness_details(browser, env["METRICS_TOKEN"])
        say(f"readyz: only its status without the token; with it, {checks}")

        key = sign_in_and_create_key(browser, password)
        say("the owner signed in and created an API key")
        attacker, limited_at, member = sign_in_limits_through_a_proxy(web_port, password)
        say(
            f"through the proxy: wrong passwords from {attacker} limited at attempt "
            f"{limited_at}; the owner signed in from {member}"
        )
        with webhook_receiver() as (receiver_url, received):
            endpoint = api(
                browser,
                key,
                "POST",
                "/api/v1/webhook-endpoints/",
                {"url": receiver_url, "event_types": WEBHOOK_EVENT_TYPES},
            )
            made = create_pipeline(browser, key)
            say("the ATS created a client, a contact, a role, a candidate and a submission")
            moved = make_clocks_overdue()
            say(f"{moved} open clock(s) made overdue; waiting for beat's scan and the nudge worker")
            mail = wait_for("the nudge mail", lambda: nudge_mail(mail_dir), NUDGE_SECONDS, 1)
            subject = next(line for line in mail.splitlines() if line.startswith("Subject:"))
            say(f"the hiring manager was nudged: {subject}")
            submission_id = made["submission"]["id"]

            def signed_events() -> set[str]:
                return {
                    json.loads(body)["type"]
                    for headers, body in list(received)
                    if submission_id.encode() in body
                    and signature_valid(endpoint["secret"], headers, body)
                }

            wait_for(
                "the submission's webhooks (created, nudge sent)",
                lambda: signed_events() >= set(WEBHOOK_EVENT_TYPES),
                WEBHOOK_SECONDS,
            )
            unsigned = [b for h, b in received if not signature_valid(endpoint["secret"], h, b)]
            if unsigned:
                raise SmokeFailure(f"{len(unsigned)} webhook(s) with an invalid signature")
            say(f"signed webhooks received: {', '.join(sorted(signed_events()))}")
        if bleed_requests:
            tenants = bleed_tenants(env, web_port)
            say(
                f"tenant isolation: {len(tenants)} organizations, {bleed_requests:,} requests "
                f"at {BLEED_CONCURRENCY} at a time, through PgBouncer"
            )
            seen, seconds = bleed_load(
                tenants, requests=bleed_requests, concurrency=BLEED_CONCURRENCY
            )
            for line in bleed_report(seen, seconds):
                say(line)
            if seen.foreign:
                raise SmokeFailure(
                    "another organization's data seen:\n" + "\n".join(seen.foreign[:20])
                )
            if seen.errors:
                raise SmokeFailure("errors under load:\n" + "\n".join(seen.errors[:20]))
        for process in processes:
            process.check_running()
    pooled = (folder / "pgbouncer.log").read_text(errors="replace")
    if f"user={APP_ROLE}" not in pooled:
        raise SmokeFailure("PgBouncer logged no connection of the application's role")
    failures = [
        f"{process.name}: {line}"
        for process in processes
        for line in process.log.read_text(errors="replace").splitlines()
        if "Traceback" in line or re.search(r'" 5\d\d ', line)
    ]
    if failures:
        raise SmokeFailure("errors in the logs:\n" + "\n".join(failures[:20]))
    say(
        f"passed in {time.monotonic() - started:.0f} s; every process stopped, no 5xx, no traceback"
    )


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep-logs", type=Path, help="copy the processes' logs and mails here")
    parser.add_argument(
        "--bleed-requests",
        type=int,
        default=BLEED_REQUESTS,
        help="requests of the tenant isolation load (0 skips it)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rapport-smoke-"))
    try:
        run(folder, bleed_requests=args.bleed_requests)
        return 0
    except SmokeFailure as failure:
        say(f"FAILED: {failure}")
        for log in sorted(folder.glob("*.log")) + sorted(folder.glob("*.out")):
            print(
                f"\n----- {log.name} (last lines) -----\n"
                + "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            )
        return 1
    finally:
        if args.keep_logs:
            shutil.copytree(folder, args.keep_logs, dirs_exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        recreate_database(drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
