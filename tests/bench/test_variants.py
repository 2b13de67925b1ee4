"""Variants change a report consistently: names, years and figures alike in the text, the questions and the gold."""
from __future__ import annotations

import re

import pytest

from bench.corpus.check import Findings, Report, check_question
from bench.variants import (COUNT_FACTOR, MONEY_FACTOR, NUMBER, Transform, _QuestionTransformer, _renames, Variant,
                            classify, rename_targets, scaled, DEPARTMENTS)


def classes(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), classify(text, m)) for m in NUMBER.finditer(text)]


@pytest.mark.parametrize("text, expected", [
    ("2023 年本部门收入 2700.38 万元", [("2023", "year"), ("2700.38", "money")]),
    ("拟投入的资金为 350.66 万\n\n元，主要包括", [("350.66", "money")]),
    ("本年收入、本年支出各是3180.52,3102.94万元", [("3180.52", "money"), ("3102.94", "money")]),
    ("各下降6.34%、6.01%", [("6.34", "ratio"), ("6.01", "ratio")]),
    ("现有143名残疾人在托，服务人次62364人次", [("143", "count"), ("62364", "count")]),
    ("香九中〔2021〕15号", [("2021", "year"), ("15", "other")]),
    ("结合第33次全国助残日", [("33", "other")]),
    ("截止12月15日", [("12", "other"), ("15", "other")]),
    ("项目资金(万元):年度资金总额1,260,其中:财政拨款980", [("1,260", "money"), ("980", "money")]),
    ("自评得分94.5分，满分20分", [("94.5", "other"), ("20", "other")]),
    ("受益家长和儿童1.2万人次；资助34.85万。", [("1.2", "count"), ("34.85", "money")]),
    ("比上年提高1.2个百分点", [("1.2", "ratio")]),
    ("平均反应时间11.2分钟，等候1.5天", [("11.2", "other"), ("1.5", "other")]),
    ("（图1：支出结构图）", [("1", "other")]),
])
def test_numbers_are_classified_by_what_follows(text, expected):
    assert classes(text) == expected


@pytest.mark.parametrize("token, factor, expected", [
    ("58,236.48", 3, "174,709.44"), ("0.8", 3, "2.4"), ("143", 2, "286"), ("12.30", 3, "36.90"), ("0", 3, "0"),
])
def test_scaled_keeps_decimals_and_separators(token, factor, expected):
    assert scaled(token, factor) == expected


REPORT = ("2023年本会收入120.50万元，比上年减少10.25万元，下降7.84%。其中：财政拨款100.00万元，占82.99%；"
          "其他收入20.50万元，占17.01%。培训残疾人30人，其中盲人12人、聋人18人。区残联自评得分95分。")


def test_figures_variant_keeps_sums_and_shares():
    text = Transform(money_factor=MONEY_FACTOR, count_factor=COUNT_FACTOR).apply(REPORT)
    money = [float(x) for x in re.findall(r"(\d+\.\d+)万元", text)]
    assert money == [361.50, 30.75, 300.00, 61.50]
    assert money[2] + money[3] == money[0]
    assert "占82.99%" in text and "下降7.84%" in text and "95分" in text and "2023年" in text
    assert "培训残疾人60人，其中盲人24人、聋人36人" in text


ENTRY = {"id": "r", "title": "2023年度某区残疾人联合会部门整体支出绩效自评报告", "year": 2023,
         "body": {"full": "某区残疾人联合会", "forms": ["区残联"], "self": ["本会"], "department": "残疾人联合会",
                  "abbreviations": ["残联"], "english": ["federation"]}}


def test_rename_replaces_every_form_and_the_self_reference():
    health = next(d for d in DEPARTMENTS if d.tag == "health")
    t = Transform(renames=_renames(ENTRY, health))
    assert t.apply(REPORT).startswith("2023年本局收入")
    assert "区卫健局自评得分" in t.apply(REPORT)
    assert t.apply("How much did the Federation earn?") == "How much did the health bureau earn?"


def test_rename_targets_skip_departments_the_report_or_its_questions_name():
    questions = [{"question": "区卫健局的收入是多少？"}]
    targets = [d.tag for d in rename_targets(ENTRY, REPORT + "区教育局", questions)]
    assert "health" not in targets and "edu" not in targets and "dpf" not in targets
    assert len(targets) >= 6


@pytest.mark.parametrize("question", [
    {"id": "q1", "question": "本会2023年收入多少？", "answers": ["120.50"], "evidence": "本会收入120.50万元", "kind": "number"},
    {"id": "q2", "question": "上年收入呢", "answers": ["130.75"], "evidence": "比上年减少10.25万元，下降7.84%",
     "kind": "derived", "formula": "120.50 + 10.25"},
    {"id": "q3", "question": "财政拨款占多少", "answers": ["82.99"], "evidence": "财政拨款100.00万元，占82.99%", "kind": "number"},
    {"id": "q4", "question": "培训了多少人，目标呢", "answers": ["30", "30人|三十人"], "evidence": "培训残疾人30人，其中盲人12人",
     "kind": "number"},
])
def test_questions_are_transformed_with_the_report(question):
    transform = Transform(_renames(ENTRY, DEPARTMENTS[0]), 2, MONEY_FACTOR, COUNT_FACTOR)
    variant = Variant("combined", "r", "r--combined", transform.apply(REPORT), "", 2025, [])
    new = _QuestionTransformer(transform, REPORT, variant).question({**question, "report": "r"})
    findings = Findings()
    check_question(new, Report({"id": "r--combined"}, None, variant.text), findings, new["id"], "dev")
    assert findings.problems == [] and variant.problems == []
    if question["id"] == "q1":
        assert new["question"] == "本局2025年收入多少？" and new["answers"] == ["361.50"]
    if question["id"] == "q2":
        assert new["answers"] == ["392.25"] and new["formula"] == "361.50 + 30.75"
    if question["id"] == "q4":
        assert new["answers"] == ["60", "60人|三十人"]


def test_a_short_name_only_questions_use_is_renamed_in_questions_alone_and_only_where_it_stands_alone():
    from bench.variants import _question_renames, _standalone

    entry = {"body": {"department": "科学技术协会", "abbreviations": ["区科协"], "self": ["本会"],
                      "question_abbreviations": ["科协"]}}
    civil = next(d for d in DEPARTMENTS if d.tag == "civil")
    text = Transform(renames=_renames(entry, civil))
    asked = Transform(renames=_question_renames(entry, civil), standalone=_standalone(entry))
    report = "浈江区科协指导基层科协47个，企业科协12个。"
    assert text.apply(report) == "浈江区民政局指导基层科协47个，企业科协12个。"  # the level 区 stays with it
    assert asked.apply("科协有没有事业收入？基层科协有几个？") == "民政局有没有事业收入？基层科协有几个？"
