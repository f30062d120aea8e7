"""No layer below integrations imports it, not even inside a function: a lower layer
that needs integration work publishes an event or enqueues a task by its name."""

import ast
from pathlib import Path

from django.conf import settings

LOWER_LAYERS = ["lib", "accounts", "activity", "recruiting", "intake", "engagements"]


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
        for line, module in _imported_modules(ast.parse(path.read_text()))
        if module == "integrations" or module.startswith("integrations.")
    ]
    assert offenders == []
