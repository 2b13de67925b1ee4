"""Words of a budget and its accounts, each on small reports of two different bodies (our own wordings, not the
evaluation's): a two-digit year (22年), 收入总计 against 本年收入合计, what is left stated as 未执行/结转, the change
made to a budget during the year (年中追加 = 全年预算数 − 年初预算数), a car bought (买车 = 公务用车购置), and the
indicators' own deductions summed (绩效指标一共扣了多少分)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.question import analyze
from tests.app.conftest import answer_in, small_reports

STREET = """某区东湖街道办事处2022年度部门决算说明
第一部分 部门决算情况说明
一、收入支出决算总体情况说明
2022年度收入、支出总计各是1860.40,1842.15万元。与上年相比，收入、支出总计各增加120.30,101.25万元。
二、收入决算情况说明
本年收入合计1712.80万元，其中：财政拨款收入1650.00万元，占96.33%；其他收入62.80万元，占3.67%。
三、“三公”经费财政拨款支出决算情况说明
公务用车购置及运行维护费6.20万元，其中公务用车购置费0万元，公务用车运行维护费6.20万元。
四、预算调整情况
年中因防汛追加预算，全年预算数调整为1780.00万元，年初预算数为1600.00万元，全年执行数1712.80万元。
未执行资金67.20万元，主要是工程尾款跨年支付。
"""

BUREAU = """某县水利局2024年度部门决算说明
第一部分 部门决算情况说明
一、收入支出决算总体情况说明
2024年度收入、支出总计各是3250.00,3218.60万元。
二、收入决算情况说明
本年收入合计3010.50万元，其中：财政拨款收入2900.00万元，占96.33%；其他收入110.50万元，占3.67%。
三、“三公”经费财政拨款支出决算情况说明
公務用車購置及運行維護費4.80萬元，其中公務用車購置費0萬元，本年度未購置公務用車。
四、预算调整情况
本部门年初预算数为2800.00万元。年中追加预算，全年预算数调整为3100.00万元，全年执行数3010.50万元。
项目支出结余89.50万元，主要是水毁修复工程延期。
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("budget-words"), dict((("street-2022", STREET), ("water-2024", BUREAU))))


def answer(reports, report: str, question: str):
    return answer_in(reports, report, question)


@pytest.mark.parametrize("question,years", [
    ("22年收入总计多少", (2022,)), ("21年的呢", (2021,)), ("24年度支出多少", (2024,)),
    ("工作满22年的有几人", ()), ("近15年来投入多少", ()),
])
def test_a_two_digit_year_is_the_year_it_abbreviates(question: str, years: tuple) -> None:
    assert analyze(question).years == years


@pytest.mark.parametrize("report,question,lead,not_lead", [
    ("street-2022", "22年收入总计多少", "1860.40", "1712.80"),
    ("water-2024", "收入总计是多少？", "3250.00", "3010.50"),
    ("street-2022", "本年收入合计多少？", "1712.80", "1860.40"),
    ("water-2024", "本年收入合计是多少？", "3010.50", "3250.00"),
])
def test_the_whole_asked_by_its_own_word(reports, report, question, lead, not_lead) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead) and not_lead not in draft.text, draft.text


@pytest.mark.parametrize("report,question,lead", [
    ("street-2022", "还有多少钱没花出去？", "67.20"),  # stated as 未执行资金
    ("water-2024", "结余了多少钱？", "89.50"),
])
def test_what_is_left_is_answered_as_the_report_states_it(reports, report, question, lead) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead), draft.text


@pytest.mark.parametrize("report,question,lead,operands", [
    ("street-2022", "年中追加了多少预算？", "180.00", "1780.00万元 - 1600.00万元"),
    ("water-2024", "预算年中追加了多少？", "300.00", "3100.00万元 - 2800.00万元"),
])
def test_a_budget_change_during_the_year_is_computed_from_the_two_budgets(reports, report, question, lead,
                                                                         operands) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead) and operands in draft.text, draft.text


@pytest.mark.parametrize("report,question", [
    ("street-2022", "调整后的预算是多少？"), ("water-2024", "预算调整为多少？"),
])
def test_the_adjusted_budget_itself_is_not_a_difference(reports, report, question) -> None:
    draft = answer(reports, report, question)
    assert " - " not in draft.text, draft.text


@pytest.mark.parametrize("report", ["street-2022", "water-2024"])
def test_a_car_bought_is_the_car_purchase_line(reports, report) -> None:
    draft = answer(reports, report, "今年买车了吗")
    assert not draft.abstained and draft.text.startswith("没有"), draft.text
    assert any("购置费0" in c.text or "購置費0" in c.text for c in draft.citations), draft.citations


def test_the_indicators_deductions_are_summed_over_their_rows(tmp_path: Path) -> None:
    """A table of indicators and a 总分 that holds the budget's score too: 绩效指标扣了多少分 sums the rows."""
    from app.table_answer import answer_from_tables
    from ingest.pipeline import prepare_report

    tables = {
        "culture": ("某区文化馆2023年度项目支出绩效自评报告", ["群众文化活动场次", "公益培训人次", "观众满意度"],
                    [("10", "10"), ("10", "8.5"), ("10", "9")], "100", "96.5"),
        "roads": ("某县交通运输局2024年度部门整体支出绩效自评报告", ["公路养护里程", "危桥改造数量", "群众满意度"],
                  [("15", "12"), ("15", "15"), ("10", "9.5")], "100", "95.8"),
    }
    for name, (title, leaves, scores, points, total) in tables.items():
        lines = [title, "一、绩效指标完成情况", "一级指标\t二级指标\t三级指标\t分值\t得分"]
        for leaf, (p, s) in zip(leaves, scores):
            lines.append(f"产出指标\t数量指标\t{leaf}\t{p}\t{s}")
        lines.append(f"总分\t\t\t{points}\t{total}")
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        prepared = prepare_report(path, name)
        lost = sum(float(p) - float(s) for p, s in scores)
        draft = answer_from_tables(analyze("绩效指标一共扣了多少分？"), [f for f in prepared.figures if f.table],
                                   [name])
        assert draft is not None and not draft.abstained, name
        assert draft.text.startswith(f"各项绩效指标共扣{lost:g}"), draft.text
        # the total row's own deduction is what is asked without 指标
        plain = answer_from_tables(analyze("一共扣了多少分？"), [f for f in prepared.figures if f.table], [name])
        assert plain is not None and f"{float(points) - float(total):.1f}" in plain.text, plain.text


@pytest.mark.parametrize("question", ["What was the year-start budget?", "the start-of-year budget of the bureau",
                                      "What was the initial budget?"])
def test_the_year_start_budget_in_english_is_the_budget_at_the_start_of_the_year(question: str) -> None:
    from app.question import translate_terms

    assert "年初预算" in " ".join(translate_terms(question))
