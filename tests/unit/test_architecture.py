"""The layout's rules, checked over the source tree (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("services", "projections")
CONTEXTS = {layer: {p.name for p in (ROOT / layer).iterdir() if (p / "__init__.py").exists()}
            for layer in LAYERS}


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
