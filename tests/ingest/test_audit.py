"""The figures audit over real ingests (prepare_report): the bundled report, reports of other departments built
here with each kind of inconsistency, and the same reports consistent (which must give no `inconsistent` finding).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from app.settings import BUILTIN_REPORTS_DIR, PROJECT_ROOT
from ingest.audit import INCONSISTENT, NOTE, OK, AuditCitation, Finding, audit_figures, findings_csv, severity_counts
from ingest.pipeline import prepare_report

BUILTIN = BUILTIN_REPORTS_DIR / "liwan-dpf-2023-performance-self-evaluation.txt"

# An education bureau's report, consistent up to its rounding (66.7% + 33.3%, 97.20% of 12345.60 ...).
EDUCATION = """2024年度某某市某某区教育局部门整体支出绩效自评报告

一、基本情况

（一）部门整体收支情况

2024年本局收入12345.60万元，比上年增加1234.50万元，增长11.11%；支出12000.00万元，比上年减少500.00万元，下降4.00%。

本年度年初预算数为11000.00万元，年终决算12345.60万元，预决算差异为1345.60万元。

2024年度，一般公共预算财政拨款收入12000.00万元，占总收入的97.20%；其他收入345.60万元，占总收入的2.80%。

2023年度，一般公共预算财政拨款收入10500.00万元，占总收入的94.50%；其他收入611.10万元，占总收入的5.50%。

本年度，我局基本支出8000.00万元，占支出数的66.7%，其中人员经费7000.00万元，公用经费1000.00万元；项目支出4000.00万元，占支出数的33.3%。

本年度项目预算数为4200.00万元，执行数为4000.00万元，预算执行率为95.24%。

（二）主要工作成效

全区共有中小学生52000人，其中小学生36000人、初中生16000人。全年培训教师1200人次，其中骨干教师培训300人次。

家长满意度目标为90%以上。全年家长满意度达到93%。

（三）存在问题

一是预算编制不够精细，部分项目年中追加较多。二是绩效目标设置不够具体，个别指标难以量化考核。三是绩效评价结果运用不充分。
"""

# A civil-affairs bureau's report in other wordings: 较上年增长/增幅, 分别, 完成预算的, 差额, thousands separators.
CIVIL_AFFAIRS = """某某市某某区民政局2023年度部门整体支出绩效自评报告

一、部门概况

（一）收支情况

2023年度收入总计8,520.35万元，较上年增长420.35万元，增幅5.19%。2022年度收入总计8100.00万元。

全年发放救助资金共计1200.00万元，城市低保、农村低保、特困供养分别为500.00万元、400.00万元、300.00万元。

全年预算数为3000.00万元，实际支出2850.00万元，完成预算的95.00%。

年初预算3000.00万元，决算数为3120.00万元，差额120.00万元。

（二）服务对象

全区登记在册困难群众4,520人，其中城市低保对象1,800人，农村低保对象2,000人，特困人员720人。服务满意度目标不低于95%，全年服务满意度为96.5%。
"""

REPEATED_PROBLEMS = ("一是专项资金管理制度有待完善，部分项目资金拨付进度偏慢，影响了项目实施效果。"
                     "二是绩效监控频次不足，过程管理需要加强，个别项目未按计划节点推进。"
                     "三是绩效自评质量参差不齐，佐证材料不够完整，自评结论依据不足。")

# (report text, edit that makes it contradict itself, kind, severity, figures the finding must cite)
EDUCATION_ERRORS = [
    ("公用经费1000.00万元", "公用经费1100.00万元", "parts", INCONSISTENT, {"8000.00万元", "7000.00万元", "1100.00万元"}),
    ("占总收入的2.80%", "占总收入的2.90%", "share", INCONSISTENT, {"345.60万元", "2.90%", "12345.60万元"}),
    ("增长11.11%", "增长10.00%", "change", INCONSISTENT, {"12345.60万元", "1234.50万元", "10.00%"}),
    ("预决算差异为1345.60万元", "预决算差异为1354.60万元", "difference", INCONSISTENT,
     {"11000.00万元", "12345.60万元", "1354.60万元"}),
    ("预算执行率为95.24%", "预算执行率为4.76%", "execution_rate", INCONSISTENT, {"4000.00万元", "4200.00万元", "4.76%"}),
    ("其他收入611.10万元，占总收入的5.50%", "其他收入700.00万元，占总收入的5.50%", "previous_year", INCONSISTENT,
     {"12345.60万元", "1234.50万元", "10500.00万元", "700.00万元"}),
    ("家长满意度达到93%", "家长满意度达到85%", "target", NOTE, {"90%", "85%"}),
]
CIVIL_ERRORS = [
    ("特困供养分别为500.00万元、400.00万元、300.00万元", "特困供养分别为500.00万元、400.00万元、200.00万元", "parts",
     INCONSISTENT, {"1200.00万元", "500.00万元", "400.00万元", "200.00万元"}),
    ("增幅5.19%", "增幅4.93%", "change", INCONSISTENT, {"8,520.35万元", "420.35万元", "4.93%"}),  # as printed
    ("差额120.00万元", "差额150.00万元", "difference", INCONSISTENT, {"3000.00万元", "3120.00万元", "150.00万元"}),
    ("完成预算的95.00%", "完成预算的5.00%", "execution_rate", INCONSISTENT, {"2850.00万元", "3000.00万元", "5.00%"}),
    ("2022年度收入总计8100.00万元", "2022年度收入总计8010.00万元", "previous_year", INCONSISTENT,
     {"8,520.35万元", "420.35万元", "8010.00万元"}),
    ("全年服务满意度为96.5%", "全年服务满意度为93.5%", "target", NOTE, {"95%", "93.5%"}),
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _audit(path: Path) -> list[Finding]:
    return list(prepare_report(path).audit)


def _only(findings: list[Finding], kind: str, severity: str, figures: set[str]) -> Finding:
    matches = [f for f in findings if f.kind == kind and f.severity == severity and figures <= set(f.figures)]
    assert matches, f"no {severity} {kind} finding citing {sorted(figures)}; got:\n" + "\n".join(
        f"{f.severity} {f.kind} {f.figures} {f.message}" for f in findings)
    return matches[0]


def _inconsistent(findings: list[Finding]) -> list[str]:
    return [f"{f.kind}: {f.message}" for f in findings if f.severity == INCONSISTENT]


# --- the bundled report -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled() -> list[Finding]:
    return _audit(BUILTIN)


def test_bundled_report_uses_two_different_totals(bundled):
    # 2700.38 is stated as income and as spending; the parts 2655.58 + 38.58 and 786.65 + 1907.51 give 2694.16
    income = _only(bundled, "parts", INCONSISTENT, {"2655.58万元", "38.58万元", "2700.38万元", "98.57%", "1.43%"})
    assert "2694.16" in income.message and "2700.38" in income.message
    spending = _only(bundled, "parts", INCONSISTENT, {"786.65万元", "1907.51万元", "2700.38万元"})
    assert "2694.16" in spending.message


def test_bundled_report_share_is_of_the_parts_sum_not_of_the_stated_total(bundled):
    share = _only(bundled, "share", INCONSISTENT, {"2655.58万元", "98.57%", "2700.38万元"})
    assert "2694.16" in share.message and "98.34%" in share.message
    assert any("占总收入的98.57%" in c.text for c in share.citations)
    assert any(c.section.endswith("2．收入支出结构分析") for c in share.citations)


def test_bundled_report_previous_year_parts_miss_the_total_implied_by_the_change(bundled):
    finding = _only(bundled, "previous_year", INCONSISTENT, {"2700.38万元", "686.90万元", "3116.60万元", "260.80万元"})
    assert "3387.28" in finding.message and "3377.40" in finding.message
    assert finding.message.startswith("2022年")  # the previous year is named; the report's own year is not


def test_bundled_report_repeated_passage(bundled):
    repeated = [f for f in bundled if f.kind == "repeated_passage"]
    assert len(repeated) == 1 and repeated[0].severity == NOTE
    text = repeated[0].citations[0].text
    assert text.startswith("1．收入支出与预算对比分析") and text.endswith("占支出数的70.8%。")
    assert repeated[0].citations[0].section.endswith("1．收入支出与预算对比分析")


@pytest.mark.parametrize("kind, figures", [
    ("change", {"2700.38万元", "686.90万元", "20.28%"}),
    ("difference", {"2317.52万元", "2700.38万元", "382.86万元"}),
    ("share", {"2385.57万元", "89.83%", "2655.58万元"}),
    ("share", {"38.58万元", "1.43%", "2700.38万元"}),
    ("share", {"3116.60万元", "92.28%", "260.80万元"}),
    ("parts", {"786.65万元", "755.32万元", "31.33万元"}),
    ("parts", {"143名", "51名", "92名", "117人", "26人", "62人", "81人"}),  # three breakdowns of one whole
    ("parts", {"370名", "29人", "248人", "18人", "3人"}),  # a list that goes on after a ；
    ("previous_year", {"2655.58万元", "461.02万元", "3116.60万元"}),
], ids=["change", "difference", "share-of-its-whole", "share-either-total", "share-2022", "parts", "breakdowns",
        "list-over-semicolon", "previous-year"])
def test_bundled_report_checks_that_hold_are_ok(bundled, kind, figures):
    _only(bundled, kind, OK, figures)


def test_bundled_report_has_exactly_the_inconsistencies_a_careful_reader_finds(bundled):
    found = _inconsistent(bundled)
    assert len(found) == 6, "\n".join(found)  # 3 shares, 2 totals, 1 previous year


# --- reports of other departments, consistent and with each kind of error ------------------------------------------

@pytest.mark.parametrize("text", [EDUCATION, CIVIL_AFFAIRS], ids=["education", "civil-affairs"])
def test_a_consistent_report_gets_no_inconsistent_finding(tmp_path, text):
    findings = _audit(_write(tmp_path, "report.txt", text))
    assert not _inconsistent(findings)
    assert severity_counts(findings)[OK] >= 5


@pytest.mark.parametrize("text, old, new, kind, severity, figures",
                         [(EDUCATION, *e) for e in EDUCATION_ERRORS] + [(CIVIL_AFFAIRS, *e) for e in CIVIL_ERRORS],
                         ids=[f"education-{e[2]}" for e in EDUCATION_ERRORS] + [f"civil-{e[2]}" for e in CIVIL_ERRORS])
def test_each_kind_of_error_is_found(tmp_path, text, old, new, kind, severity, figures):
    assert old in text
    findings = _audit(_write(tmp_path, "report.txt", text.replace(old, new)))
    finding = _only(findings, kind, severity, figures)
    assert finding.citations and all(c.text and c.section for c in finding.citations)
    if severity == NOTE:
        assert not _inconsistent(findings)  # a target missed is worth a look, not a contradiction


def test_the_hints_say_what_the_printed_figure_really_is(tmp_path):
    findings = _audit(_write(tmp_path, "report.txt", EDUCATION.replace("增长11.11%", "增长10.00%").replace(
        "预算执行率为95.24%", "预算执行率为4.76%")))
    change = _only(findings, "change", INCONSISTENT, {"10.00%"})
    assert "1234.50 ÷ 12345.60" in change.message  # computed on this year's value instead of last year's
    rate = _only(findings, "execution_rate", INCONSISTENT, {"4.76%"})
    assert "节余" in rate.message  # the share saved, printed as the execution rate


def test_shares_that_do_not_add_up_to_100_percent(tmp_path):
    findings = _audit(_write(tmp_path, "report.txt", EDUCATION.replace("占总收入的94.50%", "占总收入的94.56%")))
    _only(findings, "share", INCONSISTENT, {"94.56%", "5.50%"})
    _only(findings, "share", INCONSISTENT, {"10500.00万元", "94.56%"})


def test_repeated_passage_in_another_report(tmp_path):
    text = CIVIL_AFFAIRS + f"\n（三）存在问题\n\n{REPEATED_PROBLEMS}\n\n（四）下一步工作\n\n{REPEATED_PROBLEMS}\n"
    findings = _audit(_write(tmp_path, "report.txt", text))
    repeated = _only(findings, "repeated_passage", NOTE, set())
    assert repeated.citations[0].text == REPEATED_PROBLEMS
    assert repeated.citations[0].section.endswith("（三）存在问题")


def test_counts_broken_down_past_their_whole_are_worth_a_look(tmp_path):
    # head counts are often broken down along two lines at once, so a sum past the whole is a note, not a verdict
    findings = _audit(_write(tmp_path, "report.txt", EDUCATION.replace("初中生16000人", "初中生17000人")))
    _only(findings, "parts", NOTE, {"52000人", "36000人", "17000人"})
    assert not _inconsistent(findings)


def test_rounding_is_carried_through_the_arithmetic(tmp_path):
    text = ("2024年度某某街道办事处部门整体支出绩效自评报告\n\n一、收支情况\n\n"
            "本年度支出100.00万元，其中甲项目33.33万元，乙项目33.33万元，丙项目33.33万元。"  # 99.99 within ±0.02
            "本年度收入150.0万元，占比说明如下：财政拨款收入100.0万元，占总收入的66.7%；其他收入50.0万元，占总收入的33.3%。\n")
    findings = _audit(_write(tmp_path, "report.txt", text))
    assert not _inconsistent(findings)
    _only(findings, "parts", OK, {"100.00万元", "33.33万元"})


# --- tables -------------------------------------------------------------------------------------------------------

BUDGET_TABLE = [["项目", "年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）", "分值", "执行率", "得分"],
                ["年度资金总额", "500.00", "520.00", "494.00", "10", "95.00%", "9.5"],
                ["其中：基本支出", "300.00", "310.00", "300.00", "", "96.77%", ""],
                ["项目支出", "200.00", "210.00", "194.00", "", "92.38%", ""]]
INDICATOR_TABLE = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                   ["产出指标", "数量指标", "门诊服务人次", "≥50000人次", "52000人次", "20", "20"],
                   ["产出指标", "质量指标", "药品抽检合格率", "≥98%", "98%", "20", "20"],
                   ["效益指标", "社会效益指标", "患者满意度", "≥90%", "92%", "20", "20"],
                   ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%", "30", "30"],
                   ["总分", "", "", "", "", "90", "90"]]
STREET_TABLE = [["项目", "预算数（万元）", "决算数（万元）"], ["社区服务", "120.50", "118.20"],
                ["环境整治", "80.25", "79.80"], ["安全生产", "45.00", "44.10"], ["合计", "245.75", "242.10"]]


def _docx(path: Path, title: str, items: list) -> Path:
    document = Document()
    for item in [title, "一、基本情况", *items]:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        table = document.add_table(rows=len(item), cols=len(item[0]))
        for row, values in zip(table.rows, item):
            for cell, value in zip(row.cells, values):
                cell.text = value
    document.save(str(path))
    return path


def _edited(table: list[list[str]], row: int, col: int, value: str) -> list[list[str]]:
    copy = [list(r) for r in table]
    copy[row][col] = value
    return copy


def _health(tmp_path: Path, budget=BUDGET_TABLE, indicators=INDICATOR_TABLE) -> Path:
    return _docx(tmp_path / "health.docx", "2024年度某某县卫生健康局部门整体支出绩效自评报告",
                 ["（一）预算执行情况", budget, "（二）绩效指标完成情况", indicators])


def _street(tmp_path: Path, table=STREET_TABLE) -> Path:
    return _docx(tmp_path / "street.docx", "2023年度某某街道办事处部门整体支出绩效自评报告", ["（一）项目支出情况", table])


def test_consistent_tables_get_no_inconsistent_finding(tmp_path):
    for path in (_health(tmp_path), _street(tmp_path)):
        findings = _audit(path)
        assert not _inconsistent(findings), path.name
    health = _audit(_health(tmp_path))
    _only(health, "parts", OK, {"90分", "20分", "30分"})  # 总分 = the rows' 分值 (the unit from the header)
    _only(health, "parts", OK, {"494.00万元", "300.00万元", "194.00万元"})  # 年度资金总额 = 基本支出 + 项目支出
    _only(health, "execution_rate", OK, {"494.00万元", "520.00万元", "95.00%"})
    _only(health, "target", OK, {"98%", "52000人次"})
    _only(_audit(_street(tmp_path)), "parts", OK, {"242.10万元", "118.20万元", "79.80万元", "44.10万元"})


@pytest.mark.parametrize("report, edit, kind, severity, figures", [
    ("health", ("indicators", 5, 6, "92"), "parts", INCONSISTENT, {"92分", "20分", "30分"}),
    ("health", ("budget", 3, 3, "204.00"), "parts", INCONSISTENT, {"494.00万元", "300.00万元", "204.00万元"}),
    ("health", ("budget", 1, 5, "5.00%"), "execution_rate", INCONSISTENT, {"494.00万元", "5.00%"}),
    ("health", ("indicators", 2, 4, "97%"), "target", NOTE, {"98%", "97%"}),
    ("health", ("indicators", 3, 6, "22"), "score", INCONSISTENT, {"20分", "22分"}),
    ("street", ("table", 4, 2, "243.10"), "parts", INCONSISTENT, {"243.10万元", "118.20万元", "79.80万元", "44.10万元"}),
], ids=["total-score", "top-total", "execution-rate", "target-missed", "score-above-maximum", "bottom-total"])
def test_each_kind_of_table_error_is_found(tmp_path, report, edit, kind, severity, figures):
    which, row, col, value = edit
    if report == "health":
        budget = _edited(BUDGET_TABLE, row, col, value) if which == "budget" else BUDGET_TABLE
        indicators = _edited(INDICATOR_TABLE, row, col, value) if which == "indicators" else INDICATOR_TABLE
        path = _health(tmp_path, budget, indicators)
    else:
        path = _street(tmp_path, _edited(STREET_TABLE, row, col, value))
    findings = _audit(path)
    finding = _only(findings, kind, severity, figures)
    assert finding.citations and finding.citations[0].text  # the table row as printed


def test_a_target_missed_names_its_row(tmp_path):
    findings = _audit(_health(tmp_path, indicators=_edited(INDICATOR_TABLE, 2, 4, "97%")))
    missed = _only(findings, "target", NOTE, {"97%"})
    assert "药品抽检合格率" in missed.message and "≥98%" in missed.message


# --- the output -----------------------------------------------------------------------------------------------------

def test_findings_round_trip_and_csv(bundled):
    assert [Finding.from_dict(f.to_dict()) for f in bundled] == bundled
    record = bundled[0].to_dict()
    assert set(record) == {"kind", "severity", "message", "figures", "citations"}
    assert set(record["citations"][0]) == {"text", "section"}
    text = findings_csv(bundled)
    assert text.splitlines()[0] == "结果,检查,说明,涉及数字,原文,章节"
    assert "不一致" in text and "通过" in text
    assert severity_counts(bundled)[INCONSISTENT] == 6


def test_inconsistencies_come_first(bundled):
    order = [f.severity for f in bundled]
    assert order == sorted(order, key=[INCONSISTENT, NOTE, OK].index)


def test_the_audit_is_a_pure_function_of_the_figures():
    builtin_prepared = prepare_report(BUILTIN)
    again = audit_figures(builtin_prepared.figures, year=2023)
    assert [f for f in builtin_prepared.audit if f.kind != "repeated_passage"] == again


def test_no_report_vocabulary_in_the_audit_rules():
    code = "".join((PROJECT_ROOT / p).read_text(encoding="utf-8") for p in ("ingest/audit.py", "app/audit_answer.py"))
    for word in ("残联", "残疾", "荔湾", "广州", "康园", "托养", "教育", "卫生", "民政", "街道"):
        assert word not in code, word
    assert AuditCitation("x", "y").text == "x"


# --- the evaluation corpus (dev split): what its authors planted is found, and nothing else is called inconsistent --

CORPUS = PROJECT_ROOT / "bench" / "corpus"
# report id -> the figure every inconsistent finding must cite (what the corpus notes say was planted); () = none
PLANTED_IN_DEV = {
    "nanhai-edu-2022-dept-performance": "6.81%",  # 3,600.00 of 58,236.48 is 6.18%
    "shenzhen-health-2021-dept-selfeval": "96.18%",  # 337,755.45 / 348,877.35 = 96.81%
    "wuhou-yulin-street-2021-final-accounts": None, "xinhui-hospital-2024-equipment-project": None,
    "xiangzhou-no9-school-2020-evaluation-conclusion": None, "chancheng-civil-affairs-2023-three-public-expenses": None,
    "haizhu-edu-2022-dept-selfeval": None, "beijingjie-street-2023-project-selfeval": None,
    "huangpu-culture-2024-project-selfeval": None,
}


def _dev_reports() -> list[tuple[str, Path]]:
    import json

    listing = json.loads((CORPUS / "reports.json").read_text(encoding="utf-8"))
    entries = listing["reports"] if isinstance(listing, dict) else listing
    return [(e["id"], CORPUS / e["file"]) for e in entries if e.get("split") == "dev" and e["id"] in PLANTED_IN_DEV]


@pytest.mark.parametrize("report_id, path", _dev_reports(), ids=[r for r, _ in _dev_reports()])
def test_corpus_reports_planted_inconsistencies_and_no_false_alarm(report_id, path):
    findings = _audit(path)
    inconsistent = [f for f in findings if f.severity == INCONSISTENT]
    planted = PLANTED_IN_DEV[report_id]
    if planted is None:
        assert not inconsistent, "\n".join(f.message for f in inconsistent)
    else:
        assert inconsistent and all(planted in f.figures for f in inconsistent), "\n".join(
            f"{f.figures} {f.message}" for f in inconsistent)
    assert any(f.severity == OK for f in findings)  # and the checks that hold are listed
