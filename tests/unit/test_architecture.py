"""The layout's rules, checked over the source tree (docs/architecture.md)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: product code outside the event contracts (tests may pin stored tags)
PRODUCT = ("services", "projections", "infra", "kernel")
TAG = re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z0-9]*\.v\d+\b")
IO_LIBRARIES = ("litestar", "asyncpg", "nats", "stripe", "httpx")
LAYERS = ("services", "projections")
CONTEXTS = {layer: {p.name for p in (ROOT / layer).iterdir() if (p / "__init__.py").exists()}
            for layer in LAYERS}


def _sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def _strings(tree: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_event_tag_literal_outside_events():
    """Subscriptions and dispatch name event classes: a renamed or removed event is a
    failing import, never a string that silently matches nothing."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {TAG.search(node.value)[0]}"
        for path in _sources(*PRODUCT)
        for node in _strings(ast.parse(path.read_text(), str(path)))
        if TAG.search(node.value)
    ]
    assert not found, "event tags written as strings:\n" + "\n".join(found)


def _deciders() -> list[str]:
    paths = [*(ROOT / "services").glob("*/decider.py"), *(ROOT / "services").glob("*/deciders/*.py")]
    return sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in paths
        if p.name != "__init__.py"
    )


def test_importing_a_decider_loads_no_io_library():
    """A decider is pure: importing it in a fresh interpreter loads none of the I/O
    libraries (nor, through package ``__init__`` files, any wiring)."""
    deciders = _deciders()
    assert deciders, "no decider found"
    script = (
        "import importlib, sys\n"
        "importlib.import_module(sys.argv[1])\n"
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(IO_LIBRARIES)!r})))\n"
    )
    offending = {}
    for decider in deciders:  # one interpreter each: an earlier import must not hide a later one
        loaded = subprocess.run(
            [sys.executable, "-c", script, decider], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
        if loaded:
            offending[decider] = loaded
    assert not offending, f"deciders that load I/O libraries: {offending}"


def test_integration_tests_do_not_use_end_to_end_helpers():
    """Each tier's helpers stay in it; what several tiers share lives in ``tests/`` itself."""
    found = []
    for path in _sources("tests/integration"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {n}" for n in names if n.startswith("tests.e2e")]
    assert not found, "integration tests importing end-to-end helpers:\n" + "\n".join(found)


def test_controllers_receive_narrow_dependencies_not_the_container():
    """Routes ask for the executor, the store, the clock, the pool of their own read model
    or a dependency their component provides, never for the whole container."""
    found = []
    for path in _sources("services", "projections"):
        if path.name != "api.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args.args + node.args.kwonlyargs
                found += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}({a.arg})"
                          for a in args if a.arg == "civic"]
    assert not found, "routes given the container:\n" + "\n".join(found)


def _imported(source: str) -> list[tuple[int, str]]:
    """The modules an import statement names: ``from services.bids import facts`` names
    ``services.bids.facts``, ``from services.bids.facts import x`` names the module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.count(".") == 1:  # a package: each name may be one of its modules
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def foreign_imports(own: tuple[str, str], source: str) -> list[tuple[int, str]]:
    """Imports of another context's modules other than its ``facts``."""
    found = []
    for line, name in _imported(source):
        target = tuple(name.split("."))
        if len(target) < 2 or target[0] not in LAYERS or target[1] not in CONTEXTS[target[0]]:
            continue  # not a context (events, kernel, infra, projections.base)
        if target[:2] != own and target[2:3] != ("facts",):
            found.append((line, name))
    return found


def test_a_context_reads_another_only_through_its_facts_module():
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if len(parts) < 3:
                continue  # a module the layer shares (projections/base.py)
            found += [f"{path.relative_to(ROOT)}:{line} imports {name}"
                      for line, name in foreign_imports((parts[0], parts[1]), path.read_text())]
    assert found == [], "\n".join(found)


def test_the_import_check_tells_facts_from_the_rest():
    source = ("from services.bids.decider import BID\n"
              "from services.vendors.facts import vendor_standing\n"
              "from services.agencies import facts, decider\n"
              "import services.payments.api\n"
              "from services.bids.sealing import vault_for\n"
              "from projections.base import types_of\n")
    assert foreign_imports(("services", "bids"), source) == [
        (3, "services.agencies.decider"), (4, "services.payments.api")]
    assert foreign_imports(("services", "awards"), source)[0] == (1, "services.bids.decider")


def test_package_init_files_define_nothing():
    defining = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("__init__.py")):
            body = ast.parse(path.read_text()).body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body = body[1:]  # a docstring at most
            if body:
                defining.append(str(path.relative_to(ROOT)))
    assert defining == [], f"__init__.py files that define something: {defining}"
