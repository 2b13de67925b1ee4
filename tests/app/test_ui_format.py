"""The page's pure formatting: a table cell's citation as its row under its header, questions derived from the loaded
reports (no fixed strings about one report), the library's summary, the figures table with rows and columns."""
from __future__ import annotations

import re

import pytest

from app.answer import Answer, Citation, NumberCheck
from app.charts import FIGURE_COLUMNS, figures_rows
from app.settings import PROJECT_ROOT
from app.ui import (citation_table, example_candidates, figure_question, format_answer, heading_question,
                    ingest_summary)
from ingest.figures import Figure

CELL = Citation(text="产出指标 数量指标 门诊服务人次 ≥50000人次 52000人次", section="二、绩效指标完成情况", report="h",
                highlights=("52000",),
                table={"header": ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
                       "row": ["产出指标", "数量指标", "门诊服务人次", "≥50000人次", "52000人次"],
                       "column": "实际完成值"})


def test_a_cited_cell_shows_its_row_under_its_header_with_the_cell_marked():
    table = citation_table(CELL)
    header, rule, row = table.splitlines()
    assert header == "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |"
    assert rule == "|---|---|---|---|---|"
    assert row.endswith("| <mark>52000人次</mark> |") and "≥50000人次 |" in row and row.count("<mark>") == 1


def test_a_cell_under_a_header_path_is_found_by_its_last_level():
    cited = Citation("年度资金总额 500.00 520.00", "一", "h", ("520.00",),
                     {"header": ["项目", "预算 > 年初", "预算 > 全年"], "row": ["年度资金总额", "500.00", "520.00"],
                      "column": "全年"})
    assert citation_table(cited).splitlines()[2] == "| 年度资金总额 | 500.00 | <mark>520.00</mark> |"


def test_a_row_shorter_than_its_header_marks_the_cell_holding_the_figure():
    cited = Citation("项目支出 200.00 194.00", "一", "h", ("194.00",),
                     {"header": ["项目", "年初预算数", "全年预算数", "全年执行数"],
                      "row": ["项目支出", "200.00", "194.00"], "column": "全年执行数"})
    row = citation_table(cited).splitlines()[2]
    assert "<mark>194.00</mark>" in row and row.count("|") == 5  # padded to the header's width


def test_a_derived_answer_marks_each_cited_column():
    cited = Citation(CELL.text, CELL.section, "h", ("52000", "50000"), {**CELL.table, "column": "实际完成值 / 年度指标值"})
    row = citation_table(cited).splitlines()[2]
    assert "<mark>≥50000人次</mark> | <mark>52000人次</mark>" in row and row.count("<mark>") == 2


def test_cell_text_is_escaped():
    cited = Citation("x", "s", "h", (), {"header": ["A|B", "<b>列</b>"], "row": ["[链接](javascript:x)", "1"],
                                         "column": "<b>列</b>"})
    table = citation_table(cited)
    assert "<b>" not in table and "](javascript" not in table and "A\\|B" in table


def test_the_chat_answer_shows_the_table_and_prose_citations_alike():
    answer = Answer(question="门诊服务人次完成了多少？", answer="门诊服务人次实际完成52000人次。", abstained=False,
                    citations=[CELL, Citation("2024年本局收入520.00万元。", "一、基本情况", "h", ("520.00",))],
                    numbers=[NumberCheck("52000", True, "52000人次", CELL.text)])
    text = format_answer(answer, {"h": "卫生健康局报告"})
    assert "表格中的一行" in text and "<mark>52000人次</mark>" in text and "| 实际完成值 |" in text
    assert re.search(r"「2024年本局收入<mark>520\\?\.00</mark>万元。」", text)
    assert text.count("报告：卫生健康局报告") == 2


def _figure(clause: str, text: str, unit: str, kind: str, report: str = "r", start: int = 0, **kw) -> Figure:
    return Figure(text=text, value=text, unit=unit, kind=kind, qualifier=kw.pop("qualifier", "level"), phrase="",
                  clause=clause, sentence=clause + "。", section=kw.pop("section", "一、基本情况"), report=report,
                  start=start, end=start + len(text), **kw)


@pytest.mark.parametrize("clause, text, unit, kind, question", [
    ("现有143名残疾人在托", "143", "名", "people", "现有多少名残疾人在托？"),
    ("2023年本部门收入2700.38万元", "2700.38", "万元", "money", "2023年本部门收入多少万元？"),
    ("全年完成门诊服务52000人次", "52000", "人次", "times", "全年完成门诊服务多少人次？"),
    ("惠及370名学生", "370", "名", "people", "惠及多少名学生？"),
    ("康复救助满意率达到98%", "98", "%", "percent", "康复救助满意率是多少？"),
])
def test_a_figure_gives_the_question_it_answers_in_its_own_words(clause, text, unit, kind, question):
    assert figure_question(_figure(clause, text, unit, kind)) == question


def test_figures_that_make_no_good_question_give_none():
    assert figure_question(_figure("共13.35万元", "13.35", "万元", "money")) is None  # says nothing of what
    assert figure_question(_figure("拟投入的资金为350.66万元", "350.66", "万元", "money", qualifier="target")) is None
    cell = _figure("产出指标 实际完成值：52000人次", "52000", "人次", "times", table="t1", row="产出指标",
                   column="实际完成值")
    assert figure_question(cell) is None


def test_headings_give_list_questions():
    assert heading_question("一、基本情况 > （四）部门年度重点工作任务") == "部门年度重点工作任务有哪些？"
    assert heading_question("三、存在的主要问题") == "存在的主要问题有哪些？"
    assert heading_question("一、基本情况") is None  # not a list


def test_examples_come_from_each_loaded_report(builtin_prepared):
    from ingest.report import ReportInfo

    education = [_figure("全区共有中小学生52000人", "52000", "人", "people", report="edu", start=10),
                 _figure("2024年本局收入12345.60万元", "12345.60", "万元", "money", report="edu", start=40,
                         section="一、基本情况 > （二）主要工作成效")]
    reports = [ReportInfo(id=builtin_prepared.info.id, title="t1", year=2023, source=""),
               ReportInfo(id="edu", title="t2", year=2024, source="")]
    candidates = example_candidates(reports, list(builtin_prepared.figures) + education)
    by_report = {r: [q for q, rid, _ in candidates if rid == r] for r in (builtin_prepared.info.id, "edu")}
    assert ("2023年本部门收入多少万元？", builtin_prepared.info.id, "2700.38") in candidates  # with what it must answer
    assert by_report[builtin_prepared.info.id][0] == "2023年本部门收入多少万元？"
    counted = [q for q in by_report[builtin_prepared.info.id] if re.search(r"多少(?:名|个|人|家)", q)]
    assert counted and all(q.endswith("？") for q in counted)  # what the report did, in its own words
    assert by_report["edu"][:2] == ["2024年本局收入多少万元？", "全区共有中小学生多少人？"]
    assert "主要工作成效有哪些？" in by_report["edu"]


def test_the_figures_table_lists_cells_with_their_row_and_column():
    cell = _figure("产出指标 > 数量指标 实际完成值：52000人次", "52000", "人次", "times", table="t1",
                   row="产出指标 > 数量指标", column="实际完成值")
    row = dict(zip(FIGURE_COLUMNS, figures_rows([cell])[0]))
    assert row["行"] == "产出指标 > 数量指标" and row["列"] == "实际完成值"
    prose = dict(zip(FIGURE_COLUMNS, figures_rows([_figure("现有143名残疾人在托", "143", "名", "people")])[0]))
    assert prose["行"] == "" and prose["列"] == ""


def test_the_ingest_summary_names_what_was_read_and_what_the_audit_found():
    from ingest.audit import Finding

    findings = [Finding("share", "inconsistent", "占比对不上"), Finding("parts", "ok", "相符")]
    text = ingest_summary({"id": "r1", "title": "某报告", "year": 2024, "sections": 5, "chunks": 9, "tables": 2,
                           "figures": 40, "coverage": 1.0, "replaced": True, "changed": True, "seconds": 3.2},
                          findings)
    assert "已替换旧版本" in text and "表格 2" in text and "覆盖率 100%" in text
    assert "不一致 1 项" in text and "通过 1 项" in text and "占比对不上" in text


def test_no_report_specific_strings_in_the_page_and_the_api():
    for name in ("ui.py", "api.py", "access.py", "library.py", "charts.py", "settings.py"):
        code = (PROJECT_ROOT / "app" / name).read_text(encoding="utf-8")
        for word in ("残联", "残疾", "荔湾", "广州", "康园", "托养", "在托", "2700.38"):
            assert word not in code, f"{word} in app/{name}"
        assert not re.search(r"(?m)^EXAMPLES\s*=", code)  # no fixed example questions
