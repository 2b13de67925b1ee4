"""The table-bearing part of the evaluation corpus: rebuilt from its specs, it loads, its numbers add up, and every
question's evidence and gold figures stand in the report where the question says they do.

Rebuilds every spec of bench/corpus/specs/ into a tmp folder once (a few seconds), so a spec edited without
rebuilding the committed file fails here, as does a gold answer that is not in the row its evidence names.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from bench.corpus import build
from ingest.load import load_report

CORPUS = build.CORPUS_DIR
SPECS = build.load_specs()
SPEC_IDS = [s["id"] for s in SPECS]
KINDS = {"number", "text", "derived", "none"}
NUM = re.compile(r"\d+(?:\.\d+)?")
MIN_QUESTIONS = 25
MIN_ENGLISH = 3
ROUNDING = 0.0051  # a figure stated to two decimals stands for ±0.005


def norm(text: str, keep_spaces: bool = False) -> str:
    """What the scorer compares: NFKC, thousands separators dropped, no whitespace (or one space for numbers)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)", lambda m: m.group(0).replace(",", ""), text)
    return re.sub(r"\s+", " " if keep_spaces else "", text)


def numbers(text: str) -> set[float]:
    return {float(m) for m in NUM.findall(norm(text, keep_spaces=True))}


def value(text: str) -> float:
    """The one number a cell states ("98.51%", "6480个", "1,234.50")."""
    found = NUM.findall(norm(text))
    assert len(found) == 1, f"cell {text!r} should state one number"
    return float(found[0])


def rows_of(spec_rows: list[int] | str) -> list[int]:
    if isinstance(spec_rows, str):
        first, last = (int(x) for x in spec_rows.split("-"))
        return list(range(first, last + 1))
    return list(spec_rows)


def questions(report_id: str) -> list[dict]:
    path = CORPUS / "questions" / f"{report_id}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def report_entries() -> dict[str, dict]:
    return {e["id"]: e for e in json.loads((CORPUS / "reports.json").read_text(encoding="utf-8"))}


def loaded_text(path: Path) -> str:
    """Every text the loader gives for the file: its text and its blocks' texts (tables included)."""
    report = load_report(path)
    return "\n".join([report.text, *(b.text for b in report.blocks)])


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("corpus")
    return {spec["id"]: build.build(spec, out) for spec in SPECS}


@pytest.fixture(scope="module")
def texts(rebuilt) -> dict[str, str]:
    return {report_id: norm(loaded_text(path)) for report_id, path in rebuilt.items()}


def test_every_spec_has_a_committed_file_an_entry_and_questions():
    entries = report_entries()
    assert len(SPECS) >= 6
    for spec in SPECS:
        entry = entries.get(spec["id"])
        assert entry is not None, f"{spec['id']} is not in reports.json"
        assert entry["format"] == spec["format"]
        assert (CORPUS / entry["file"]).is_file(), f"{entry['file']} is not committed (run python -m bench.corpus.build)"
        assert entry["split"] in ("dev", "test")
        assert (CORPUS / "questions" / f"{spec['id']}.jsonl").is_file()
    splits = {split: {entries[i]["format"] for i in SPEC_IDS if entries[i]["split"] == split} for split in ("dev", "test")}
    assert {"pdf", "docx"} <= splits["dev"] and {"pdf", "docx"} <= splits["test"], splits


@pytest.mark.parametrize("report_id", SPEC_IDS)
def test_committed_file_is_what_the_spec_builds(report_id, rebuilt):
    committed = CORPUS / "reports" / rebuilt[report_id].name
    assert load_report(committed).text == load_report(rebuilt[report_id]).text, (
        f"{committed.name} differs from its spec: run python -m bench.corpus.build {report_id}")


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_tables_are_consistent_except_where_planted(spec):
    """得分 ≤ 分值, 执行率 = 执行数 / 预算数, parts add up to their total — each failing only where the spec plants it."""
    for t, table in enumerate(build.spec_tables(spec)):
        grid = build.table_grid(table)
        checks = table.get("checks", {})
        if checks.get("transposed"):  # the measures are rows, the things measured columns
            grid = [list(column) for column in zip(*grid)]
        found: list[tuple[str, bool]] = []  # (what, holds)
        for r in rows_of(checks.get("score", {}).get("rows", [])):
            c = checks["score"]
            found.append((f"t{t + 1} row {r} 得分≤分值", value(grid[r][c["got"]]) <= value(grid[r][c["max"]])))
        c = checks.get("rate")
        for r in rows_of(c["rows"]) if c else []:
            rate = value(grid[r][c["actual"]]) / value(grid[r][c["budget"]]) * 100
            found.append((f"t{t + 1} row {r} 执行率", abs(rate - value(grid[r][c["rate"]])) <= ROUNDING))
        c = checks.get("rate_score")
        for r in rows_of(c["rows"]) if c else []:
            score = value(grid[r][c["max"]]) * value(grid[r][c["rate"]]) / 100
            found.append((f"t{t + 1} row {r} 得分=分值×执行率", abs(min(score, value(grid[r][c["max"]]))
                                                                    - value(grid[r][c["got"]])) <= ROUNDING))
        for s in checks.get("sums", []):
            for i, k in enumerate(s["cols"]):
                parts = sum(value(grid[r][k]) for r in rows_of(s["parts"])) + (s.get("adds") or [0] * 99)[i]
                holds = abs(parts - value(grid[s["total"]][k])) <= ROUNDING * len(rows_of(s["parts"]))
                found.append((f"t{t + 1} row {s['total']} col {k} sum", holds))
        planted = set(table.get("planted", ()))
        for what, holds in found:
            if what in planted:
                assert not holds, f"{spec['id']}: {what} is listed as planted but holds"
            else:
                assert holds, f"{spec['id']}: {what} does not hold"
        assert planted <= {what for what, _ in found}, f"{spec['id']}: planted checks never run: {planted}"


@pytest.mark.parametrize("report_id", SPEC_IDS)
def test_questions_are_well_formed(report_id):
    qs = questions(report_id)
    assert len(qs) >= MIN_QUESTIONS
    ids = [q["id"] for q in qs]
    assert len(ids) == len(set(ids))
    for q in qs:
        assert q["report"] == report_id and q["kind"] in KINDS and isinstance(q["table"], bool), q["id"]
        assert q["question"].strip() and isinstance(q["answers"], list), q["id"]
        assert (q["kind"] == "none") == (not q["answers"]), f"{q['id']}: only a none question has no answers"
        for turn in q.get("history", []):
            assert turn["role"] in ("user", "assistant") and turn["content"], q["id"]
    english = [q for q in qs if re.search(r"[A-Za-z]{3,}", q["question"]) and not re.search(r"[\u4e00-\u9fff]", q["question"])]
    assert len(english) >= MIN_ENGLISH
    assert any(q["kind"] == "none" for q in qs) and any(q.get("history") for q in qs)
    assert sum(q["table"] for q in qs) >= len(qs) // 2, "a table report's questions are mostly about its tables"


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_evidence_and_gold_stand_in_the_report(spec, texts):
    """Evidence is the report's text; a number question's gold figures stand in the row (or sentence) it names."""
    text = texts[spec["id"]]
    rows = [norm(row, keep_spaces=True) for table in build.spec_tables(spec) for row in build.table_row_texts(table)]
    for q in questions(spec["id"]):
        if q["kind"] == "none":
            continue
        evidence = norm(q["evidence"])
        assert evidence and evidence in text, f"{q['id']}: evidence {q['evidence']!r} is not in the report"
        if q["table"]:
            named = [row for row in rows if evidence in norm(row)]
            assert named, f"{q['id']}: no table row holds {q['evidence']!r}"
        else:
            assert len(evidence) >= 12, f"{q['id']}: prose evidence is a sentence of 12 characters or more"
            named = [q["evidence"]]
        for gold in q["answers"]:
            if "|" in gold:
                continue
            g = norm(gold).rstrip("%")
            if NUM.fullmatch(g):
                if q["kind"] == "number":
                    assert any(float(g) in numbers(row) for row in named), (
                        f"{q['id']}: gold {gold} is not in the row/sentence {q['evidence']!r}")
            else:
                assert g in text, f"{q['id']}: gold text {gold!r} is not in the report"
