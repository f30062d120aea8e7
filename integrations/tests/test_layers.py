"""No layer below integrations imports it, not even inside a function: a lower layer
that needs integration work publishes an event or enqueues a task by its name."""

import ast
from pathlib import Path

from django.conf import settings

LOWER_LAYERS = ["lib", "accounts", "activity", "recruiting", "intake", "engagements"]
# The demo data commands still live in accounts until the demo app takes them; they sit
# above every app, integrations included.
DEMO_CODE_NOT_YET_IN_ITS_APP = {
    "accounts/management/commands/seed_scale.py",
    "accounts/tests/test_seed_scale.py",
}


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_no_lower_layer_imports_integrations():
    base = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(base)}:{line} imports {module}"
        for package in LOWER_LAYERS
        for path in sorted((base / package).rglob("*.py"))
        if str(path.relative_to(base)) not in DEMO_CODE_NOT_YET_IN_ITS_APP
        for line, module in _imported_modules(ast.parse(path.read_text()))
        if module == "integrations" or module.startswith("integrations.")
    ]
    assert offenders == []
