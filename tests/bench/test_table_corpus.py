"""The table-bearing part of the evaluation corpus: rebuilt from its specs, it loads, its numbers add up, and every
question's evidence and gold figures stand in the report where the question says they do.

Rebuilds every spec of bench/corpus/specs/ into a tmp folder once (a few seconds), so a spec edited without
rebuilding the committed file fails here, as does a gold answer that is not in the row its evidence names.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.corpus import build, table_check
from ingest.load import load_report

CORPUS = build.CORPUS_DIR
SPECS = build.load_specs()
SPEC_IDS = [s["id"] for s in SPECS]
KINDS = {"number", "text", "derived", "none"}
MIN_QUESTIONS = 25
MIN_ENGLISH = 3


def questions(report_id: str) -> list[dict]:
    path = CORPUS / "questions" / f"{report_id}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def report_entries() -> dict[str, dict]:
    data = json.loads((CORPUS / "reports.json").read_text(encoding="utf-8"))
    return {e["id"]: e for e in data["reports"]}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("corpus")
    return {spec["id"]: build.build(spec, out) for spec in SPECS}


@pytest.fixture(scope="module")
def texts(rebuilt) -> dict[str, str]:
    """What each rebuilt file holds, read without ingest (the corpus must not depend on the reader it measures)."""
    return {report_id: table_check.file_text(path) for report_id, path in rebuilt.items()}


def test_every_spec_has_a_committed_file_an_entry_and_questions():
    entries = report_entries()
    assert len(SPECS) >= 6
    for spec in SPECS:
        entry = entries.get(spec["id"])
        assert entry is not None, f"{spec['id']} is not in reports.json"
        assert entry["format"] == spec["format"] and entry["tables"] is True and isinstance(entry.get("author"), str) and entry["author"]
        assert (CORPUS / entry["file"]).is_file(), f"{entry['file']} is not committed (run python -m bench.corpus.build)"
        assert (CORPUS / entry["spec"]).is_file()
        assert entry["split"] in ("dev", "test")
        assert (CORPUS / "questions" / f"{spec['id']}.jsonl").is_file()
    splits = {split: {entries[i]["format"] for i in SPEC_IDS if entries[i]["split"] == split} for split in ("dev", "test")}
    assert {"pdf", "docx"} <= splits["dev"] and {"pdf", "docx"} <= splits["test"], splits


@pytest.mark.parametrize("report_id", SPEC_IDS)
def test_committed_file_is_what_the_spec_builds_and_loads(report_id, rebuilt):
    committed = CORPUS / "reports" / rebuilt[report_id].name
    assert table_check.file_text(committed) == table_check.file_text(rebuilt[report_id]), (
        f"{committed.name} differs from its spec: run python -m bench.corpus.build {report_id}")
    assert load_report(committed).text.strip()


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_tables_are_consistent_except_where_planted(spec):
    """得分 ≤ 分值, 执行率 = 执行数 / 预算数, parts add up to their total — each failing only where the spec plants it."""
    assert table_check.table_problems(spec) == []


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
    english = [q for q in qs if not re.search(r"[\u4e00-\u9fff]", q["question"])]
    assert len(english) >= MIN_ENGLISH
    assert any(q["kind"] == "none" for q in qs) and any(q.get("history") for q in qs)
    assert sum(q["table"] for q in qs) >= len(qs) // 2, "a table report's questions are mostly about its tables"


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_evidence_and_gold_stand_in_the_report(spec, texts):
    """Evidence is the report's text; a number question's gold figures stand in the row (or sentence) it names."""
    problems = [p for q in questions(spec["id"]) for p in table_check.question_problems(q, spec, texts[spec["id"]])]
    assert problems == []


SPEC = {"id": "t", "format": "txt", "title": ["t"], "body": [("table", {"rows": [
    ["三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"],
    ["康复服务人数", "≥95人", "90人", "5", "4", "服务对象迁出"],
    ["培训人次", "≥100人次", "120人次", "5", "5", ""],
    ["合计", "", "", "10", "9", ""]],
    "checks": {"score": {"max": 3, "got": 4, "rows": [1, 2]}, "sums": [{"cols": [3, 4], "total": 3, "parts": [1, 2]}]},
})]}
TEXT = "\n".join(build.table_row_texts(SPEC["body"][0][1])) + "\n全年培训残疾人120人次，服务对象满意度95%。"


@pytest.mark.parametrize("question, problem", [
    ({"kind": "number", "table": True, "evidence": "康复服务人数", "answers": ["90"]}, None),
    ({"kind": "number", "table": True, "evidence": "康复服务人数", "answers": ["120"]}, "not in the row"),
    ({"kind": "number", "table": True, "evidence": "康复服务人数", "answers": ["95", "≥|以上"]}, None),
    ({"kind": "number", "table": True, "evidence": "培训人次", "answers": ["100", "≤|以下"]}, "no alternative"),
    ({"kind": "number", "table": True, "evidence": "服务人数合计", "answers": ["90"]}, "not in the report"),
    ({"kind": "text", "table": True, "evidence": "康复服务人数", "answers": ["迁出"]}, None),
    ({"kind": "text", "table": True, "evidence": "康复服务人数", "answers": ["康复服务人数", "培训人次"]}, None),
    ({"kind": "text", "table": True, "evidence": "康复服务人数", "answers": ["去世"]}, "text gold"),
    ({"kind": "derived", "table": True, "evidence": "康复服务人数", "answers": ["1"], "formula": "5 - 4"}, None),
    ({"kind": "derived", "table": True, "evidence": "康复服务人数", "answers": ["2"], "formula": "5 - 4"}, "formula"),
    ({"kind": "derived", "table": True, "evidence": "康复服务人数", "answers": ["1"], "formula": "6 - 5"}, "operand"),
    ({"kind": "derived", "table": True, "evidence": "康复服务人数", "answers": ["1"]}, "needs its formula"),
    ({"kind": "number", "table": False, "evidence": "全年培训残疾人120人次", "answers": ["120"]}, None),
    ({"kind": "number", "table": False, "evidence": "培训残疾人120人次", "answers": ["120"]}, "12 characters"),
    ({"kind": "none", "table": True, "answers": []}, None),
])
def test_question_check_finds_what_is_wrong(question, problem):
    problems = table_check.question_problems({"id": "q", **question}, SPEC, TEXT)
    assert (problems == []) if problem is None else any(problem in p for p in problems), problems


def test_table_check_finds_a_wrong_total_and_a_planted_one_that_holds():
    table = SPEC["body"][0][1]
    assert table_check.table_problems(SPEC) == []
    wrong = {**table, "rows": [*table["rows"][:3], ["合计", "", "", "10", "8", ""]]}
    assert table_check.table_problems({**SPEC, "body": [("table", wrong)]}) == ["t: t1 row 3 col 4 sum does not hold"]
    planted = {**table, "planted": ["t1 row 3 col 4 sum"]}
    assert table_check.table_problems({**SPEC, "body": [("table", planted)]}) == [
        "t: t1 row 3 col 4 sum is listed as planted but holds"]
