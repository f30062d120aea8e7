"""Run a command against PostgreSQL: DATABASE_URL when set, else the embedded server.

`make test` and `make migrate` go through here, so that a fresh clone needs no
database installed: the embedded PostgreSQL of `make run` is started for the
command and stopped after it.
"""

import os
import subprocess
import sys

from dev import prepare_data_dirs, start_postgres, stop_postgres


def main(command: list[str]) -> int:
    if not command:
        print("usage: with_database.py COMMAND [ARGS...]", file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL"):
        return subprocess.run(command, check=False).returncode
    prepare_data_dirs()
    os.environ["DATABASE_URL"] = start_postgres()
    try:
        return subprocess.run(command, check=False).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        stop_postgres()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
