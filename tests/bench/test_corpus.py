"""The evaluation corpus stays honest: every evidence in its report, every gold number in its evidence."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.corpus import check
from bench.corpus.check import Findings, Report, check_question


def test_corpus_is_sound():
    findings = check.run(quiet=True)
    assert not findings.problems, "\n".join(findings.problems[:40])


def test_corpus_has_both_splits_and_enough_questions_of_every_kind():
    entries = check.load_entries()
    assert {"dev", "test"} <= {e["split"] for e in entries}
    test_layouts = {e["layout"][0] for e in entries if e["split"] == "test" and not e.get("tables")}
    assert len(test_layouts) >= 3, test_layouts
    for entry in entries:
        if entry.get("author") != "corp":
            continue
        questions = check.load_questions(check.QUESTIONS_DIR / f"{entry['id']}.jsonl")
        english = [q for q in questions if not re.search(r"[\u4e00-\u9fff]", q["question"])]
        follow_ups = [q for q in questions if q.get("history")]
        kinds = {q["kind"] for q in questions}
        assert len(questions) >= 25 and len(english) >= 3 and len(follow_ups) >= 2, entry["id"]
        assert {"number", "text", "derived", "none"} <= kinds, entry["id"]


REPORT_TEXT = "2023 年本部门收入 2700.38 万\n\n元，比上年减少 686.90 万元，下降 20.28%。本年度无会议费支出。"


@pytest.mark.parametrize("question, problem", [
    ({"evidence": "本部门收入2700.38万元", "answers": ["2700.38"], "kind": "number"}, None),
    ({"evidence": "本部门收入2700.38万元", "answers": ["2700.39"], "kind": "number"}, "not a number of the evidence"),
    ({"evidence": "本部门支出2700.38万元", "answers": ["2700.38"], "kind": "number"}, "evidence not in the report"),
    ({"evidence": "下降20.28%", "answers": ["20.28"], "kind": "number"}, None),
    ({"evidence": "686.90万", "answers": ["686.90"], "kind": "number"}, "shorter than 12"),
    ({"evidence": "本年度无会议费支出", "answers": ["无|没有"], "kind": "text"}, None),
    ({"evidence": "本年度无会议费支出", "answers": ["取消"], "kind": "text"}, "does not stand in the evidence"),
    ({"evidence": "本部门收入2700.38万元", "answers": ["3387.28"], "kind": "derived", "formula": "2700.38 + 686.90"}, None),
    ({"evidence": "本部门收入2700.38万元", "answers": ["3387.29"], "kind": "derived", "formula": "2700.38 + 686.90"}, "formula"),
    ({"evidence": "本部门收入2700.38万元", "answers": ["3387.28"], "kind": "derived"}, "needs its formula"),
    ({"evidence": "本部门收入2700.38万元", "answers": ["3388.28"], "kind": "derived", "formula": "2700.38 + 687.90"},
     "not a number of the report"),
    ({"answers": [], "kind": "none"}, None),
    ({"answers": ["1"], "kind": "none"}, "has no answers"),
    ({"evidence": "本部门收入2700.38万元", "answers": ["2700.38"], "kind": "figure"}, "kind"),
])
def test_check_question_finds_what_is_wrong(question, problem):
    report = Report({"id": "r1"}, Path("r1.txt"), REPORT_TEXT)
    findings = Findings()
    check_question({"id": "q1", "question": "?", "report": "r1", **question}, report, findings, "q1", "dev")
    if problem is None:
        assert findings.problems == []
    else:
        assert any(problem in p for p in findings.problems), findings.problems
