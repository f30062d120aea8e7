"""The documentation names only things that exist, and cites nothing outside the repository.

README.md and docs/*.md name files (`engagements/services/nudges.py`), folders
(`recruiting/services/`), Python objects (`lib.tenancy.organization_context`) and
sections of each other (`design.md#5-urgency-nudges`). When code moves, these go
stale silently; these tests make the move fail until the docs follow.

What counts as a reference, and what is skipped on purpose:

* Inline code spans and link targets are read; fenced code blocks are not: they
  hold shell sessions, JSON, SQL and query plans, whose tokens are not repository
  paths (and their `#` comments are not headings).
* A code span is a **path** when it is one token made of path characters that
  contains a `/` or ends in a known extension (or is a known extension-less file,
  such as `Makefile`). It is relative to the repository root. Skipped:
  - URLs (`http://…`, `consolemail://`) and anything with `:`, `@` or `=`
    (URLs, e-mail addresses, `VARIABLE=value`, `127.0.0.1/32` inside one);
  - routes that start with `/` (`/api/v1/…`, `/healthz`), and relative API
    resource names (`members/`) that do not exist as files but resolve under
    `/api/v1/` (or as a page);
  - patterns and placeholders: `*`, `?`, `[]`, `{}`, `<>` and `…`;
  - spans that do not start like a path (`1200/minute`, a rate);
  - what exists only at run time and is git-ignored: `.data/`, `.venv/`,
    `test-artifacts/`, `staticfiles/`.
  A bare file name (`services.py`) names a kind of module; it must exist at the
  root or as the name of some file in the repository.
* A code span is a **Python reference** when it is a dotted name of three parts
  or more whose first part is one of the repository's packages
  (`engagements.selectors.clock_list`); it must import and resolve. Two-part
  names are skipped: they are the activity log's verbs (`intake.recorded`), not
  module paths.
* A link (`[text](target)`) is relative to the document's folder, as a Markdown
  renderer resolves it; its file must exist, and its `#anchor`, if any, must be a
  heading of that file. `docs/….md#anchor` and `README.md#anchor` written anywhere
  in the repository (comments, docstrings) are checked the same way.
"""

import importlib
import importlib.util
import os
import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

KNOWN_EXTENSIONS = {
    ".cfg",
    ".css",
    ".html",
    ".ini",
    ".js",
    ".json",
    ".md",
    ".py",
    ".sh",
    ".sql",
    ".toml",
    ".txt",
    ".yaml",
    ".yml",
}
KNOWN_FILES = {"Makefile", "Dockerfile"}
# Created by running the project, never committed (.gitignore).
RUNTIME_ONLY = {".data", ".venv", "test-artifacts", "staticfiles"}
TEXT_SUFFIXES = KNOWN_EXTENSIONS | {".in", ".lock"}
NOT_SCANNED = {".git", "__pycache__", "node_modules", *RUNTIME_ONLY}

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
PATH_LIKE = re.compile(r"^[A-Za-z_.][\w.\-]*(/[\w.\-]+)*/?$")
NOT_A_PATH = re.compile(r"[\s:@=*?\[\]{}<>…]")
DOTTED = re.compile(r"^[a-z_][a-z0-9_]*(\.[A-Za-z_]\w*){2,}$")
ANCHORED_DOC = re.compile(r"(?<![\w/.])(docs/[\w.\-]+\.md|README\.md)#([\w\-]+)")
# Citations of a product reference kept outside the repository.
OUTSIDE_CITATIONS = re.compile(r"DESIGN\s*(§|section)|DESIGN\.md|\.\./shared|shared/DESIGN")
CITE_INSTEAD = "Cite docs/design.md, or the doc that owns the subject, instead:\n"


def _relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@cache
def _tracked_files() -> tuple[str, ...]:
    """The repository's files: git's list, or a walk when there is no git checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        listed = []
        for folder, subfolders, files in os.walk(REPO):
            subfolders[:] = [name for name in subfolders if name not in NOT_SCANNED]
            listed += [_relative(Path(folder) / name) for name in files]
    return tuple(name for name in listed if (REPO / name).is_file())


def _text_files() -> list[tuple[str, Path]]:
    """The repository's text files, this one left out (it quotes what it looks for)."""
    this_file = _relative(Path(__file__).resolve())
    return [
        (name, REPO / name)
        for name in _tracked_files()
        if name != this_file
        and (Path(name).suffix in TEXT_SUFFIXES or Path(name).name in KNOWN_FILES)
    ]


@cache
def _packages() -> frozenset[str]:
    return frozenset(path.parent.name for path in REPO.glob("*/__init__.py"))


def _prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of a Markdown file, fenced code blocks left out."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer (GitHub's rules) gives a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


@cache
def _anchors(path: Path) -> frozenset[str]:
    seen: Counter[str] = Counter()
    anchors = set()
    for _, line in _prose_lines(path):
        match = HEADING.match(line)
        if match is None:
            continue
        slug = _slug(match.group(2))
        anchors.add(slug if not seen[slug] else f"{slug}-{seen[slug]}")
        seen[slug] += 1
    return frozenset(anchors)


def _is_route(span: str) -> bool:
    """An API resource relative to /api/v1/, or a page, rather than a file."""
    for candidate in (f"/api/v1/{span}", f"/{span}"):
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        except ImportError:  # the URLs do not load: other tests say why
            return False
        if match.url_name:  # the API's catch-all 404 view has no name
            return True
    return False


def _path_problem(span: str) -> str | None:
    """Why a code span that looks like a path names nothing, or None."""
    if NOT_A_PATH.search(span) or not PATH_LIKE.match(span):
        return None
    name = span.rstrip("/")
    if "/" not in span and Path(name).suffix not in KNOWN_EXTENSIONS and name not in KNOWN_FILES:
        return None
    if name.split("/")[0] in RUNTIME_ONLY:
        return None
    target = REPO / name
    if "/" not in span:
        if target.exists() or any(Path(f).name == name for f in _tracked_files()):
            return None
        return "no such file in the repository"
    if span.endswith("/") and target.is_dir():
        return None
    if not span.endswith("/") and target.exists():
        return None
    if _is_route(span):
        return None
    return "does not exist" if not span.endswith("/") else "is not a folder"


def _python_problem(span: str) -> str | None:
    """Why a dotted name of the repository's packages does not resolve, or None."""
    if not DOTTED.match(span) or span.split(".")[0] not in _packages():
        return None
    parts = span.split(".")
    for split in range(len(parts), 0, -1):
        module = ".".join(parts[:split])
        try:
            if importlib.util.find_spec(module) is None:
                continue
        except ModuleNotFoundError:  # a parent is a module, not a package
            continue
        if split == len(parts):
            return None  # a module, found without running it
        found = importlib.import_module(module)
        for attribute in parts[split:]:
            if not hasattr(found, attribute):
                return f"{'.'.join(parts[:split])} has no {'.'.join(parts[split:])}"
            found = getattr(found, attribute)
        return None
    return "no such module"


def _link_problem(doc: Path, target: str) -> str | None:
    if re.match(r"^[a-z][a-z0-9+.\-]*:", target):  # https:, mailto:
        return None
    file_part, _, anchor = target.partition("#")
    linked = (doc.parent / file_part).resolve() if file_part else doc
    if not linked.exists():
        return "links to a file that does not exist"
    if REPO not in linked.parents and linked != REPO:
        return "links outside the repository"
    if anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
        return f"links to #{anchor}, which is not a heading of {_relative(linked)}"
    return None


def test_docs_name_only_files_and_objects_that_exist():
    problems = []
    for doc in DOCS:
        for number, line in _prose_lines(doc):
            for span in CODE_SPAN.findall(line):
                span = span.strip()
                problem = _path_problem(span) or _python_problem(span)
                if problem:
                    problems.append(f"{_relative(doc)}:{number}: `{span}` {problem}")
            for target in LINK.findall(line):
                problem = _link_problem(doc, target)
                if problem:
                    problems.append(f"{_relative(doc)}:{number}: ({target}) {problem}")
    assert not problems, "Stale references in the docs:\n" + "\n".join(problems)


def test_section_anchors_cited_anywhere_exist():
    """`docs/design.md#4-response-clocks-and-slas` in a comment or docstring is a heading."""
    problems = []
    for name, path in _text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for document, anchor in ANCHORED_DOC.findall(line):
                if path.suffix == ".md" and not document.startswith("docs/"):
                    continue  # a link relative to its document: the link check's
                cited = REPO / document
                if not cited.is_file():
                    problems.append(f"{name}:{number}: {document} does not exist")
                elif anchor not in _anchors(cited):
                    problems.append(f"{name}:{number}: {document} has no heading #{anchor}")
    assert not problems, "Stale section anchors:\n" + "\n".join(problems)


@pytest.mark.parametrize("doc", DOCS, ids=_relative)
def test_docs_cite_nothing_outside_the_repository(doc):
    cited = [
        f"{_relative(doc)}:{number}: {line.strip()}"
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE_CITATIONS.search(line)
    ]
    assert not cited, CITE_INSTEAD + "\n".join(cited)


def test_no_file_cites_the_outside_design_by_section():
    cited = []
    for name, path in _text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE_CITATIONS.search(line):
                cited.append(f"{name}:{number}: {line.strip()}")
    assert not cited, CITE_INSTEAD + "\n".join(cited)


@pytest.mark.parametrize(
    ("span", "stale"),
    [
        ("engagements/services/nudges.py", False),
        ("recruiting/services/", False),
        ("engagements/services.py", True),  # moved into a package
        ("recruiting/services.py/", True),
        ("services.py", False),  # a kind of module several apps have
        ("engagements/no_such_module.py", True),
        ("members/", False),  # an API resource, relative to /api/v1/
        ("no-such-resource/", True),
        ("/api/v1/submissions/", False),
        ("http://127.0.0.1:8000", False),
        ("WEBHOOK_ALLOWED_PRIVATE_NETWORKS=127.0.0.1/32", False),
        (".data/postgres", False),
        ("1200/minute", False),
        ("PUT /api/v1/<resource>/", False),
        ("…/acknowledge/", False),
        ("accounts/*.py", False),
    ],
)
def test_path_rule(span, stale):
    assert (_path_problem(span) is not None) is stale


@pytest.mark.parametrize(
    ("span", "stale"),
    [
        ("lib.tenancy.organization_context", False),
        ("engagements.selectors.clock_list", False),
        ("engagements.selectors.no_such_reader", True),
        ("engagements.no_such_module.thing", True),
        ("intake.recorded", False),  # an activity verb, not a module
        ("rapport.organization_id", False),  # a PostgreSQL setting
    ],
)
def test_python_reference_rule(span, stale):
    assert (_python_problem(span) is not None) is stale


def test_slugs_follow_the_renderer():
    assert _slug("4. Response clocks and SLAs") == "4-response-clocks-and-slas"
    assert _slug("2.3 Permission matrix") == "23-permission-matrix"
    assert _slug("A submission's stages") == "a-submissions-stages"
    assert _slug("Nudge scan (`make bench-nudges`)") == "nudge-scan-make-bench-nudges"
