"""Create .venv and install the project with its development tools: `make install`.

uv installs the same packages as pip, from the same index, but resolves, downloads
and unpacks them in parallel and from its cache: on a fresh clone it cut the install
from about two minutes to under half a minute (docs/performance.md), most of a first
`make run`. So:

1. With `uv` on the PATH, it installs into the virtualenv.
2. Without it, this Python's pip installs uv into the new virtualenv (one wheel),
   which then installs the rest.
3. When that fails (no pip here, no uv wheel for this platform), plain pip installs
   everything, as slowly as it always did.

The virtualenv is made without pip, which uv does not need (a second, shorter wait);
the fallback adds pip to it first.
"""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
PYTHON = VENV / "bin" / "python"
PROJECT = ".[dev]"


def run(*args: str | Path) -> bool:
    return subprocess.run([str(arg) for arg in args], cwd=REPO, check=False).returncode == 0


def uv_program() -> str | None:
    """uv from the PATH, or installed into the virtualenv by this Python's pip (which,
    in Debian's Python, puts programs under the prefix's local/bin)."""
    if found := shutil.which("uv"):
        return found
    installed = [VENV / "bin" / "uv", VENV / "local" / "bin" / "uv"]
    if not any(path.exists() for path in installed):
        run(sys.executable, "-m", "pip", "install", "--quiet", "--prefix", VENV, "uv")
    return next((str(path) for path in installed if path.exists()), None)


def main() -> int:
    if not run(sys.executable, "-m", "venv", "--without-pip", VENV):
        return 1
    uv = uv_program()
    if uv and run(uv, "pip", "install", "--quiet", "--python", PYTHON, "-e", PROJECT):
        return 0
    print("install: uv is not available here; installing with pip", file=sys.stderr)
    ok = (
        run(PYTHON, "-m", "ensurepip", "--upgrade")
        and run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        and run(PYTHON, "-m", "pip", "install", "--quiet", "-e", PROJECT)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
