"""The README stays true: every setting the product reads is in its configuration table, and every variable the
table names is one the product reads (or one the tools around it read: the Makefile, bench/, the tests)."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_variables() -> set[str]:
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_every_setting_is_in_the_configuration_table() -> None:
    settings = {f.name.upper() for f in fields(Settings) if f.name != "extra"}
    missing = settings - _table_variables()
    assert not missing, f"README's configuration table lacks {sorted(missing)}"


def test_every_variable_of_the_table_is_read_somewhere() -> None:
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("app", "ingest", "vectorstore", "bench", "tests")
                     for p in (ROOT / folder).rglob("*.py")) + (ROOT / "Makefile").read_text(encoding="utf-8")
    settings = {f.name.upper() for f in fields(Settings)}
    unread = {v for v in _table_variables() - settings if v not in code}
    assert not unread, f"README names variables nothing reads: {sorted(unread)}"
