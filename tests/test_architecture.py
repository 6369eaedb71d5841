"""Which way the imports run: ``core`` imports no app, no app imports one above it, and no module imports
itself back through others (docs/architecture.md draws the layers).

The imports are read from the source (``ast``), including those inside functions: an import placed in
a function to dodge a cycle is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# From the bottom up; an app may import its own layer and those below, never one above.
LAYERS: list[set[str]] = [
    {"core"},  # errors, money, parsing, number formats, HTTP helpers: nothing of the project
    {"listing"},  # search text, list filters and list pages
    {"organizations", "security", "funds"},  # who (people, organisations, roles, access) and which funds
    {"calls"},  # a fund's calls (budget, dates, overrides) and declared events; funds, not applications
    {"applications"},  # an application's life (in its call), the workflow table, reviews, documents
    {"disbursements"},  # tranches, loans, repayments, write-offs
    {"letters", "notifications"},  # decision letters and schedules; notices, deadlines, the outbox
    {"portal"},  # the pages of applications, committee and finance, and their page helpers
    {"reporting"},  # project reports and outcomes, with their pages (built on the portal's helpers)
    {"donors"},  # donors and contributions traced through the ledger; their report counts reported people
    {"dashboard"},  # each role's landing page and panels, the notice centre, the history of changes
    {"opendata", "backups"},  # what is published; backups
    {"config", "loadtest"},  # settings, URLs, Celery; the load generator
]

# Entry points run from outside (``manage.py <command>``) may call any app, like URLs and Celery tasks;
# so may the demo builders that only the demo seed runs (``reporting.demo``, ``organizations.demo_past``).
ENTRY_POINTS = (".management.commands.",)


def is_entry_point(module: str) -> bool:
    return (any(marker in f".{module}." for marker in ENTRY_POINTS)
            or module.rpartition(".")[2].startswith("demo"))

def project_apps(root: Path = ROOT) -> list[str]:
    skip = {"tests", "benchmarks", "docs", "static", "templates", "locale", "bin"}
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and (p / "__init__.py").exists() and p.name not in skip)


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for app in project_apps(root):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _top_level(body) -> set[ast.AST]:
    """The import statements run when the module loads (not those under ``if TYPE_CHECKING``)."""
    found = set()
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.add(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            found |= _top_level(node.body) | _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            found |= _top_level(node.body) | _top_level(node.orelse) | _top_level(node.finalbody)
            for handler in node.handlers:
                found |= _top_level(handler.body)
    return found


def import_graph(root: Path = ROOT) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(every import, the imports run at load) between the project's modules, as module → modules."""
    known = modules(root)

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    every, at_load = defaultdict(set), defaultdict(set)
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        loaded = _top_level(tree.body)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                names = [prefix] + [f"{prefix}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                target = resolve(name)
                if target and target != module:
                    every[module].add(target)
                    if node in loaded:
                        at_load[module].add(target)
    return every, at_load


def layer_of(app: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if app in layer:
            return index
    return None


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    found = []
    for module, targets in graph.items():
        if is_entry_point(module):
            continue
        here = layer_of(module.split(".")[0])
        for target in targets:
            there = layer_of(target.split(".")[0])
            if here is not None and there is not None and there > here:
                found.append((module, target))
    return sorted(set(found))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


@pytest.fixture(scope="module")
def graphs():
    return import_graph()


def test_every_app_has_its_layer():
    """A new app is placed when it is added."""
    placed = set().union(*LAYERS)
    assert set(project_apps()) - placed == set()


def test_core_imports_no_app(graphs):
    every, _ = graphs
    assert sorted(
        (module, target) for module, targets in every.items() if module.split(".")[0] == "core"
        for target in targets if target.split(".")[0] != "core"
    ) == []


def test_no_app_imports_one_above_it(graphs):
    every, _ = graphs
    assert upward_imports(every) == []


def test_no_import_cycle_between_modules(graphs):
    _, at_load = graphs
    assert cycles(at_load) == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checks_catch_what_they_forbid(tmp_path):
    """A core module importing an app, an app importing one above it, and two modules importing each
    other are each found."""
    _write(tmp_path, {
        "core/__init__.py": "", "core/money.py": "from applications.models import Application\n",
        "applications/__init__.py": "", "applications/models.py": "",
        "applications/services.py": "def close():\n    from reporting.selectors import refusals\n",
        "reporting/__init__.py": "", "reporting/selectors.py": "",
        "letters/__init__.py": "", "letters/services.py": "from .tasks import render\n",
        "letters/tasks.py": "from . import services\n",
    })
    every, at_load = import_graph(tmp_path)
    assert ("core.money", "applications.models") in upward_imports(every)
    assert ("applications.services", "reporting.selectors") in upward_imports(every)
    assert ("applications.services", "reporting.selectors") not in upward_imports(at_load)
    assert cycles(at_load) == [["letters.services", "letters.tasks"]]


def _service_modules(root: Path = ROOT) -> list[tuple[str, Path]]:
    placed = set().union(*LAYERS)
    return [(module, path) for module, path in sorted(modules(root).items())
            if module.split(".")[0] in placed
            and (module.endswith(".services") or ".services." in module)]


def untyped_actors(root: Path = ROOT) -> list[str]:
    """Service functions whose acting user (``by`` or ``actor``) has no type."""
    found = []
    for module, path in _service_modules(root):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                found += [f"{module}.{node.name}({argument.arg})" for argument in arguments
                          if argument.arg in ("by", "actor") and argument.annotation is None]
    return found


def test_every_service_types_who_acts():
    assert _service_modules(), "no service module found"
    assert untyped_actors() == []


def test_an_untyped_actor_is_found(tmp_path):
    _write(tmp_path, {"applications/__init__.py": "",
                      "applications/services.py": "def close(*, application_id: int, by): ...\n"})
    assert untyped_actors(tmp_path) == ["applications.services.close(by)"]
