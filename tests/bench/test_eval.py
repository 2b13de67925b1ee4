"""The evaluation harness's own logic: which questions go into the multi-report set, and how."""
from __future__ import annotations

from pathlib import Path

from bench.eval import Report, multi_question, unique_names

REPORTS = [
    Report("edu-a", Path("a.txt"), "dev", ("佛山市南海区教育局", "南海区教育局", "区教育局", "教育局")),
    Report("edu-b", Path("b.txt"), "test", ("广州市海珠区教育局", "海珠区教育局", "区教育局", "教育局")),
    Report("dpf", Path("c.txt"), "mixed", ("广州市荔湾区残疾人联合会", "区残疾人联合会", "区残联", "残联")),
]


def test_unique_names_leave_out_names_another_report_shares_or_short_ones():
    names = unique_names(REPORTS)
    assert names["edu-a"] == {"佛山市南海区教育局", "南海区教育局"}
    assert "区残联" in names["dpf"] and "残联" not in names["dpf"]


def test_a_question_naming_its_body_is_asked_as_written():
    q = {"id": "q1", "report": "edu-a", "question": "南海区教育局2022年收入多少？", "answers": ["1"], "kind": "number"}
    multi = multi_question(q, unique_names(REPORTS)["edu-a"])
    assert multi["id"] == "multi:q1" and multi["question"] == q["question"] and "report" not in multi
    assert multi["about"] == "edu-a"


def test_a_question_naming_no_body_gets_its_body_put_first():
    q = {"id": "q2", "report": "dpf", "question": "项目支出占比多少？", "answers": ["70.8"], "kind": "number"}
    multi = multi_question(q, unique_names(REPORTS)["dpf"])
    assert multi["id"] == "multi+:q2" and multi["question"] == "区残疾人联合会项目支出占比多少？"


def test_an_english_question_naming_no_body_is_left_out():
    q = {"id": "q3", "report": "edu-b", "question": "What was spent?", "answers": ["1"], "kind": "number"}
    assert multi_question(q, unique_names(REPORTS)["edu-b"]) is None
