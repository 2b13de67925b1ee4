"""The flow report → ingest → store → retrieve → answer → UI is the import graph: ingest/ and vectorstore/ never
import app/ at run time (only the ingest CLI, an entry point, uses the app's settings, lock and audit answer)."""
from __future__ import annotations

import ast
from pathlib import Path

from app.settings import PROJECT_ROOT

ENTRY_POINTS = {"ingest/__main__.py"}


def run_time_imports(path: Path) -> set[str]:
    """Modules a file imports outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(block)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_lower_layers_do_not_import_the_app():
    offenders = []
    for package in ("ingest", "vectorstore"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            rel = path.relative_to(PROJECT_ROOT).as_posix()
            if rel in ENTRY_POINTS:
                continue
            offenders += [f"{rel}: {m}" for m in run_time_imports(path) if m == "app" or m.startswith("app.")]
    assert offenders == []


def test_the_check_sees_an_import_of_the_app(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.settings import Settings\n"
                      "def f():\n    from app.answer import Answer\n", encoding="utf-8")
    assert run_time_imports(module) == {"typing", "app.answer"}
