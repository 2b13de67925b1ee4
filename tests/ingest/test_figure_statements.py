"""ingest.figures: each figure belongs to its own subject; stated zeros and nil statements; shares vs rates; years.

Cases come from different reports (the bundled one and tests/ingest/reports/), in different wordings.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.clean import clean_report_text
from ingest.figures import NIL, Figure, extract_figures
from ingest.outline import outline_paragraphs
from ingest.pipeline import prepare_report

REPORTS = Path(__file__).resolve().parent / "reports"
BUNDLED = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"


def figures_in(text: str, year: int | None = 2023) -> list[Figure]:
    return extract_figures(outline_paragraphs("一、基本情况\n" + clean_report_text(text).text), "t", year)


def report_figures(name: str) -> list[Figure]:
    return prepare_report(REPORTS / name if name != "bundled" else BUNDLED).figures


def one(figures: list[Figure], display: str, phrase_part: str = "") -> Figure:
    found = [f for f in figures if f.display == display and phrase_part in f.phrase]
    assert len(found) == 1, (display, phrase_part, [(f.display, f.phrase) for f in figures])
    return found[0]


# --- paired and distributed figures: each its own subject ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年度收、支总计各是3,256.78,3,198.45万元。与上年相比,收、支总计各减少120.50,98.30万元,各下降3.57%、2.98%。",
         [("3,256.78万元", "收入总计", "level"), ("3,198.45万元", "支出总计", "level"),
          ("120.50万元", "收入总计", "change"), ("98.30万元", "支出总计", "change"),
          ("3.57%", "收入总计", "change"), ("2.98%", "支出总计", "change")]),
        ("2022年收、支总计各为120,130万元。", [("120万元", "收入总计", "level"), ("130万元", "支出总计", "level")]),
        ("基本支出、项目支出分别为786.65万元、1907.51万元。",
         [("786.65万元", "基本支出", "level"), ("1907.51万元", "项目支出", "level")]),
        ("基本支出3,120.45万元，项目支出5,580.77万元，分别占支出总额的35.86%、64.14%。",
         [("3,120.45万元", "基本支出", "level"), ("5,580.77万元", "项目支出", "level"),
          ("35.86%", "基本支出·占支出总额", "level"), ("64.14%", "项目支出·占支出总额", "level")]),
        ("年初预算、全年预算分别为2317.52万元、2700.38万元。",
         [("2317.52万元", "年初预算", "level"), ("2700.38万元", "全年预算", "level")]),
    ],
)
def test_distributed_figures_each_name_their_own_subject(text: str, expected: list[tuple[str, str, str]]) -> None:
    figures = figures_in(text)
    assert [(f.display, f.phrase.split("·")[0] if f.qualifier == "change" else f.phrase, f.qualifier)
            for f in figures] == expected
    subjects = [s for _, s, _ in expected]
    for f, (_, subject, _) in zip(figures, expected):
        if "group" in f.extra:  # a distributed figure's clause names no other figure's subject
            assert f.clause.startswith(f.text)
            assert not any(other.split("·")[0] in f.clause for other in subjects if other != subject)
        assert f.text in f.clause and f.clause in f.sentence


@pytest.mark.parametrize(
    ("name", "display", "subject", "other_subject"),
    [
        ("web-education-2021.txt", "98.30万元", "支出总计", "收入"),
        ("web-education-2021.txt", "2.98%", "支出总计", "收入"),
        ("federation-2020.txt", "64.14%", "项目支出", "基本支出"),
    ],
)
def test_in_a_report_a_spending_figure_never_carries_the_income(name: str, display: str, subject: str,
                                                                other_subject: str) -> None:
    f = one(report_figures(name), display)
    assert f.phrase.startswith(subject) and other_subject not in f.phrase and other_subject not in f.clause


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("本年收入合计3,256.78万元,其中:财政拨款收入3,156.78万元,占96.93%;上级补助收入0万元,占0%;其他收入100.00万元,占3.07%。",
         [("3,156.78万元", "财政拨款收入"), ("96.93%", "财政拨款收入"), ("0万元", "上级补助收入"), ("0%", "上级补助收入"),
          ("100.00万元", "其他收入"), ("3.07%", "其他收入")]),
        ("“三公”经费支出决算为12.36万元。其中：因公出国（境）费0万元，占0%；公务用车购置及运行维护费9.80万元，占79.29%；"
         "公务接待费2.56万元，占20.71%。",
         [("0万元", "因公出国（境）费"), ("0%", "因公出国（境）费"), ("9.80万元", "公务用车购置及运行维护费"),
          ("79.29%", "公务用车购置及运行维护费"), ("2.56万元", "公务接待费"), ("20.71%", "公务接待费")]),
    ],
)
def test_parts_after_qizhong_keep_their_subject_and_their_share(text: str, parts: list[tuple[str, str]]) -> None:
    figures = figures_in(text)
    for display, subject in parts:
        f = one(figures, display, subject)
        assert f.qualifier == "part"
        if f.unit == "%":
            assert (f.relation, f.phrase) == ("share", f"{subject}·占")
            assert f.base in ("本年收入合计", "“三公”经费支出决算")  # the whole the parts are shares of


# --- zeros, placeholders, thousands separators --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "display", "subject"),
    [
        ("web-education-2021.txt", "0万元", "上级补助收入"),
        ("web-education-2021.txt", "0%", "上级补助收入"),
        ("health-sangong-2022.txt", "0万元", "因公出国（境）费"),
        ("school-2024.txt", "0元", "因公出国(境)费"),
    ],
)
def test_stated_zeros_are_figures(name: str, display: str, subject: str) -> None:
    f = one(report_figures(name), display, subject)
    assert f.decimal == 0 and f.kind in ("money", "percent")


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("本年收入合计3,256.78万元。(图1:收入结构图)", ["3,256.78万元"]),
        ("本年支出2700.38万元，详见附件2。（图3：支出结构图）", ["2700.38万元"]),
        ("全年收入120万元（见表1）。", ["120万元"]),
    ],
)
def test_figure_placeholders_are_not_figures(text: str, figures: list[str]) -> None:
    assert [f.display for f in figures_in(text)] == figures


@pytest.mark.parametrize(
    ("text", "written", "value", "unit"),
    [
        ("支出合计44,321.55万元。", "44,321.55", "44321.55", "万元"),
        ("比上年增长1,055.4%。", "1,055.4", "1055.4", "%"),
        ("在校学生1,620人。", "1,620", "1620", "人"),
        ("资助学生2,360人次。", "2,360", "2360", "人次"),
    ],
)
def test_thousands_separators_as_written_values_exact(text: str, written: str, value: str, unit: str) -> None:
    [f] = figures_in(text)
    assert (f.text, f.decimal, f.unit) == (written, Decimal(value), unit)


# --- statements that stand where a number would -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "statement", "nil", "subject"),
    [
        ("web-education-2021.txt", "无因公出国(境)费用支出", "none", "因公出国(境)费用支出"),
        ("school-2024.txt", "无公务用车购置支出", "none", "公务用车购置支出"),
        ("traditional-civil-affairs-2023.txt", "无此项支出", "none", "因公出国（境）费"),  # 此项: the heading's item
        ("bundled", "无会议费支出", "none", "会议费支出"),
        ("bundled", "无", "none", "其他对部门影响较大的支出情况"),  # a heading answered by "无"
        ("web-education-2021.txt", "与上年持平", "unchanged", "公务接待费"),
        ("health-sangong-2022.txt", "与上年持平", "unchanged", "公务用车购置费"),
        ("bundled", "与上年无变化", "unchanged", "会议费支出"),
        ("federation-2020.txt", "--（基数为0，不可比）", "not_comparable", "政府性基金收入"),
    ],
)
def test_nil_statements_are_recorded_as_nil_figures(name: str, statement: str, nil: str, subject: str) -> None:
    found = [f for f in report_figures(name) if f.kind == NIL and f.text == statement]
    assert found, [(f.text, f.phrase) for f in report_figures(name) if f.kind == NIL]
    f = found[0]
    assert f.extra["nil"] == nil and subject in f.phrase
    assert f.value == "0" and f.unit == "" and f.display == statement and statement in f.clause in f.sentence
    assert f.qualifier == "nil" and f.relation == ("" if nil == "none" else "change")


def test_a_heading_answered_by_none() -> None:
    text = "二、“三公”经费\n（一）因公出国（境）费\n无。\n（二）公务接待费\n公务接待费1.75万元。"
    [nil] = [f for f in extract_figures(outline_paragraphs(text), "t") if f.kind == NIL]
    assert (nil.text, nil.phrase, nil.section) == ("无", "因公出国（境）费", "二、“三公”经费 > （一）因公出国（境）费")


@pytest.mark.parametrize(
    "text",
    [
        "无障碍设施建设支出120万元。",  # 无 begins a word: the clause states a figure
        "全年无安全事故发生，服务满意度95%。",
    ],
)
def test_no_nil_where_the_clause_states_a_figure(text: str) -> None:
    assert not [f for f in figures_in(text) if f.kind == NIL and "支出" in f.text]


# --- shares, completion and execution rates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "display", "relation", "base"),
    [
        ("一般公共预算财政拨款收入2655.58万元，占总收入的98.57%。", "98.57%", "share", "总收入"),
        ("项目支出1907.51万元，占支出数的70.8%。", "70.8%", "share", "支出数"),
        ("全年预算数3,300.00万元,执行数3,198.45万元,完成预算的96.92%。", "96.92%", "completion", "预算"),
        ("财政拨款支出5,102.33万元,完成年初预算的101.2%。", "101.2%", "completion", "年初预算"),
        ("项目支出执行率为94.5%。", "94.5%", "execution", "项目支出"),
        ("全年预算执行率98.76%。", "98.76%", "execution", "预算"),
        ("收入比上年下降20.28%。", "20.28%", "change", ""),
        ("服务满意度95.2%。", "95.2%", "", ""),
    ],
)
def test_completion_rates_are_told_apart_from_shares(text: str, display: str, relation: str, base: str) -> None:
    f = one(figures_in(text), display)
    assert (f.relation, f.base) == (relation, base)


# --- the year each figure is about --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "display", "year"),
    [
        ("2024年度收入总计5,432.10万元。", "5,432.10万元", 2024),
        ("与2023年度相比,收入总计增加312.45万元,增长6.10%。", "312.45万元", 2022),  # 2023 is the base: the report's year
        ("上年支出1,200万元。", "1,200万元", 2021),
        ("2021年收入120万元，2020年收入100万元。", "100万元", 2020),
        ("全年服务学员423人。", "423人", 2022),
    ],
)
def test_the_year_a_figure_is_about(text: str, display: str, year: int) -> None:
    assert one(figures_in(text, year=2022), display).year == year


def test_report_figures_carry_the_reports_year() -> None:
    for name, year in (("school-2024.txt", 2024), ("federation-2020.txt", 2020), ("bundled", 2023)):
        figures = report_figures(name)
        assert sum(f.year == year for f in figures) >= 0.8 * len(figures), name


def test_metadata_round_trip_keeps_the_new_fields() -> None:
    for f in report_figures("web-education-2021.txt"):
        meta = f.to_metadata()
        assert all(isinstance(v, str | int | float) for v in meta.values())
        back = Figure.from_metadata(meta)
        assert back == f and back.extra == f.extra and (back.relation, back.base, back.year) == (f.relation, f.base,
                                                                                                   f.year)


@pytest.mark.parametrize(
    ("text", "aside", "aside_phrase", "change", "change_subject"),
    [
        # a civil-affairs bureau's "三公" explanation: the budget in brackets beside the completion rate
        ("2023年度本局“三公”经费财政拨款支出决算为8.64万元，完成预算的72.00%（预算12.00万元），比上年减少1.38万元，下降13.77%。",
         "12.00万元", "预算", "1.38万元", "支出决算"),
        # a hospital's project: the full-year budget in brackets beside the execution rate, another wording
        ("项目实际支出1,247.86万元，预算执行率94.53%（全年预算数1,320万元），较上年增加86.20万元。",
         "1,320万元", "预算数", "86.20万元", "项目实际支出"),
    ],
)
def test_a_figure_in_brackets_is_an_aside_with_its_own_clause(text: str, aside: str, aside_phrase: str, change: str,
                                                              change_subject: str) -> None:
    figures = figures_in(text)
    a = one(figures, aside)
    assert a.clause.strip("（()）") == a.clause and a.clause.endswith(aside)  # its own words, no other figure's
    assert aside_phrase in a.phrase and "%" not in a.phrase
    rate = next(f for f in figures if f.unit == "%" and f.qualifier != "change")
    assert rate.clause.endswith(a.clause + "）") and rate.clause != a.clause  # the aside qualifies the rate
    c = one(figures, change)
    assert change_subject in c.phrase and aside_phrase not in c.phrase.replace(change_subject, "")


@pytest.mark.parametrize(("text", "relation"), [
    ("信息化建设支出年初预算为0万元，支出决算为486.20万元，完成年初预算的--（年初预算为0，不可比），主要原因是年中追加预算。", "completion"),
    ("新冠疫苗接种项目支出决算120.00万元，预算执行率--（年初未安排预算，不可比）。", "execution"),
    ("政府性基金收入增长--（基数为0，不可比）。", "change"),
])
def test_a_rate_that_cannot_be_computed_is_a_nil_of_that_rate(text: str, relation: str) -> None:
    """"完成年初预算的--（…不可比）" stands where a completion rate would: a nil figure of that rate, not a change."""
    [nil] = [f for f in figures_in(text) if f.kind == NIL]
    assert nil.extra["nil"] == "not_comparable" and nil.relation == relation and "不可比" in nil.text
