"""English questions on small reports of two different bodies (our own wordings, not the evaluation's): the year a
change is counted from is the base of the comparison, not the year asked ("fall from the previous year"); "how much
more A than B" computes A − B, the second said short ("than on projects"); "points short of full marks" is full marks
less the score; "the target and the actual rate" asks two figures of one thing; and the glossary puts the words
leaders use (retired staff, infection rate, inpatients, rectified) in the reports' terms."""
from __future__ import annotations

import pytest

from app.question import analyze
from tests.app.conftest import answer_in, small_reports

CIVIL = """某市北湖区民政局2023年度部门整体支出绩效自评报告
一、部门基本情况
2023年末核定编制58名，实有在职人员52人，退休人员31人。
二、部门整体支出情况
2023年度本部门支出合计2500.55万元，其中：基本支出1520.40万元，项目支出980.15万元。
三、“三公”经费情况
2023年度公务接待费支出2.40万元，比上年减少0.60万元，下降20.00%。
四、绩效目标完成情况
城乡低保对象满意率目标不低于90%，实际满意率96.5%。
开展社会救助专项检查12次，发现问题45个，已整改41个。
五、评价结论
经评价，本部门综合得分93分，其中决策得分18分（满分20分），产出得分36分（满分40分），效益得分39分（满分40分）。
"""

HOSPITAL = """某县西河人民医院2022年度单位整体支出绩效自评报告
一、单位基本情况
2022年末核定编制320名，实有在职人员305人，退休人员64人。
二、单位整体支出情况
2022年度本单位支出合计10550.80万元，其中：基本支出8200.50万元，项目支出2350.30万元。
三、“三公”经费情况
2022年度公务接待费支出1.30万元，比上年减少0.30万元，下降18.75%。
四、绩效目标完成情况
医院感染发生率目标控制在3%以内，实际医院感染发生率2.10%；住院患者满意度97.3%，门诊患者满意度92.8%。
全年开展院感督查20次，发现问题66个，已整改60个。
五、评价结论
经评价，本院综合得分90分，其中过程得分17.5分（满分20分），产出得分35分（满分40分），效益得分37.5分（满分40分）。
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("english"), {"civil-2023": CIVIL, "hospital-2022": HOSPITAL})


@pytest.mark.parametrize("report,question,present,absent", [
    # the year the change is counted from is no year asked about: the report's own year's change
    ("civil-2023", "By what percentage did official reception spending fall from the previous year?", ["20.00"], []),
    ("hospital-2022", "How much lower was spending on official receptions than the previous year?", ["0.30"], []),
    # "how much more A than B": A − B, the second said short
    ("civil-2023", "How much more did the bureau spend on basic expenditure than on projects?", ["540.25"], []),
    ("hospital-2022", "How much more was basic expenditure than project expenditure?", ["5850.20"], []),
    # full marks less the score, of the part named
    ("civil-2023", "How many points short of full marks did decision-making score?", ["2"], ["93", "18"]),
    ("hospital-2022", "How many points below full marks was the output score?", ["5"], ["90", "35"]),
    # the target and what was reached, of one thing
    ("civil-2023", "What was the satisfaction rate target and the actual rate?", ["90", "96.5"], []),
    ("hospital-2022", "What was the hospital infection rate target and the actual rate?", ["3", "2.10"], []),
    # everyday words in the reports' terms
    ("civil-2023", "How many retired staff does the bureau have?", ["31"], ["58", "52"]),
    ("hospital-2022", "How many retirees does the hospital have?", ["64"], ["320", "305"]),
    ("hospital-2022", "What was the inpatient satisfaction rate?", ["97.3"], ["92.8"]),
    ("civil-2023", "How many problems were found in the special inspections, and how many were rectified?",
     ["45", "41"], []),
    ("hospital-2022", "How many problems did the inspections find and how many were rectified?", ["66", "60"], []),
])
def test_english_question_answered(reports, report, question, present, absent):
    text = answer_in(reports, report, question).text
    figures = text.split(". The report")[0].split("(computed")[0]
    for value in present:
        assert value in text, text
    for value in absent:
        assert not any(v == value for v in _numbers(figures)), text


def _numbers(text: str) -> list[str]:
    import re

    return re.findall(r"\d+(?:\.\d+)?", text)


@pytest.mark.parametrize("question", [
    "By what percentage did official reception spending fall from the previous year?",
    "How much more than the previous year was spent?",
])
def test_base_year_of_a_comparison_is_not_asked(question):
    assert analyze(question).relative_years == ()


def test_last_year_asked_is_still_a_year():
    assert analyze("How much was spent on official receptions last year?").relative_years == (-1,)


def test_points_lost_for_a_part_the_glossary_cannot_name_is_not_the_whole():
    """"deducted for zebra work": the part is unknown, so no deduction of the whole (92 − …) is computed."""
    q = analyze("How many points short of full marks did zebra work score?")
    assert q.operation is None


REHAB = """某县东坪镇残疾人联合会2023年度残疾人康复项目支出绩效自评报告
一、项目基本情况
本项目年初预算48.00万元，全年预算50.00万元，实际支出47.60万元，预算执行率95.20%。
二、项目实施情况
全年服务残疾儿童86人，比计划多6人；入户随访320人次。
"""

CHECKUPS = """关于北岭社区卫生服务中心2022年度老年人体检项目绩效评价意见的函
北岭社区卫生服务中心：
经评价，该项目全年预算80.00万元，实际支出78.00万元，预算执行率97.50%；全年服务65岁以上居民4120人。
"""


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("english-projects"), {"rehab-2023": REHAB, "checkups-2022": CHECKUPS})


@pytest.mark.parametrize("report,question,present", [
    # the report's topic named in pieces ("disabled" + "rehabilitation"): not what the figure's sentence must hold
    ("rehab-2023", "How many disabled children received rehabilitation under the project?", "86"),
    # ... and the body named by its own place and kind ("Beiling community health centre"): its name, no topic
    ("checkups-2022", "What was the budget execution rate of the Beiling community health centre's elderly "
                      "check-up project?", "97.50"),
])
def test_project_topic_and_own_body_named_in_english(projects, report, question, present):
    assert present in answer_in(projects, report, question).text
