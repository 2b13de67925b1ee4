"""Answers from table cells over two departments' reports (a 教育局 PDF, a 卫生健康局 DOCX), table-driven: the asked
row and column decide the cell; targets keep their bounds; derived answers show their operands; questions no row
answers are left to the prose (None). Then end to end: ingest into a real Chroma, ask the Assistant."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.question import analyze
from app.table_answer import COLUMN_CUES, answer_from_tables
from app.verify import verify_numbers
from ingest.pipeline import PreparedReport, prepare_report
from tests.ingest.table_reports import (EDUCATION, HEALTH, HRSS_PROJECT, STREET_PROJECT, ReportSpec, TableSpec,
                                        make_docx_report, make_pdf_report, make_text_report)



@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    folder = tmp_path_factory.mktemp("table-answers")
    return {"education": prepare_report(make_pdf_report(EDUCATION, folder / "education-2023.pdf")),
            "health": prepare_report(make_docx_report(HEALTH, folder / "health-2022.docx")),
            # two project self-evaluation forms: one table of sections (form, funds, goals, indicators)
            "street": prepare_report(make_docx_report(STREET_PROJECT, folder / "street-2023.docx")),
            "hrss": prepare_report(make_text_report(HRSS_PROJECT, folder / "hrss-2024.txt", "full"))}


def ask(reports: dict[str, PreparedReport], report: str, question: str, history: list[dict] | None = None):
    p = reports[report]
    return answer_from_tables(analyze(question, history), [f for f in p.figures if f.table], [p.info.id])


def leading_number(text: str) -> str:
    """The first number of an answer: what it leads with."""
    m = re.search(r"\d+(?:\.\d+)?", text)
    return m.group(0) if m else ""


# (report, question, the figure the answer leads with, words it must hold, the rows it cites)
ANSWERED = [
    # the actual value, its target beside it
    ("education", "教师培训人次实际完成了多少？", "2600", ["2600人次", "≥3000人次"], ["教师培训人次"]),
    ("health", "家庭医生签约人数完成了多少", "11.5", ["11.5万人", "≥12万人"], ["家庭医生签约人数"]),
    ("health", "65岁以上老年人健康体检人次完成了多少？", "5230", ["5230人次"], ["65岁以上老年人健康体检人次"]),
    ("education", "新增学位多少个", "2150", ["2150个"], ["新增公办学位数"]),  # words reordered, no column asked
    # a target keeps its bound
    ("education", "新增公办学位数的年度指标值是多少", "2000", ["≥2000个"], ["新增公办学位数"]),
    ("health", "门诊患者投诉率的目标是多少？", "5", ["≤5%"], ["门诊患者投诉率"]),
    # scores, points and deductions (分值 − 得分, both operands shown)
    ("education", "义务教育巩固率得了几分", "10", ["得分10分"], ["义务教育巩固率"]),
    ("education", "教师培训人次扣了几分？", "2", ["10分 − 8分 = 2分"], ["教师培训人次"]),
    ("health", "平均候诊时长这项扣了多少分", "4", ["15分 − 11分 = 4分"], ["平均候诊时长"]),
    ("health", "患者满意度的分值是多少", "20", ["分值20分"], ["患者满意度"]),
    # the total row when no row is named
    ("education", "执行率是多少？", "97.33", ["97.33%"], ["年度资金总额"]),
    ("health", "执行率是多少", "96.01", ["96.01%"], ["年度资金总额"]),
    ("health", "自评总分是多少？", "73", ["73分"], ["总分"]),  # the largest total, not the budget's 9.6
    ("health", "年初预算数是多少？", "5000.00", ["5000.00万元"], ["年度资金总额"]),
    # a named row's rate
    ("education", "项目支出的执行率", "92.24", ["92.24%"], ["项目支出"]),
    ("health", "基本支出执行率多少", "99.36", ["99.36%"], ["其中：基本支出"]),
    # a difference of two columns, operands shown
    ("education", "全年预算数比年初预算数多多少？", "520.40", ["9120.40万元 − 8600.00万元 = 520.40万元"], ["年度资金总额"]),
    ("health", "基本支出的全年预算数比年初预算数多多少", "100.00", ["3100.00万元 − 3000.00万元 = 100.00万元"],
     ["其中：基本支出"]),
    # reasons, from the reason column
    ("education", "为什么家长满意度没达标？", "", ["个别学校课后服务质量有待提升"], ["家长满意度"]),
    ("health", "平均候诊时长为什么没达到目标", "", ["就诊高峰时段医护人员不足"], ["平均候诊时长"]),
    # was it met? actual against target, by the bound
    ("education", "家长满意度完成了吗", "", ["未完成", "88%", "≥90%"], ["家长满意度"]),
    ("education", "学生资助覆盖率达标了吗？", "", ["已完成"], ["学生资助覆盖率"]),
    ("health", "门诊患者投诉率达标了吗", "", ["已完成", "3.2%", "≤5%"], ["门诊患者投诉率"]),
    # which fell short: every row compared, each cited
    ("education", "哪些指标没有完成？", "", ["教师培训人次", "家长满意度"], ["教师培训人次", "家长满意度"]),
    ("health", "有哪些指标没达标", "", ["家庭医生签约人数", "平均候诊时长"], ["家庭医生签约人数", "平均候诊时长"]),
    ("education", "产出指标中哪些没完成", "", ["教师培训人次"], ["教师培训人次"]),
    # the highest or lowest of a column
    ("education", "得分最低的是哪项？", "", ["教师培训人次", "8分"], ["教师培训人次"]),
    ("health", "哪项指标扣分最多", "", ["平均候诊时长", "4"], ["平均候诊时长"]),
    # English
    ("education", "What was the execution rate?", "97.33", ["97.33%"], ["年度资金总额"]),
    ("health", "Which indicators were not met?", "", ["家庭医生签约人数", "平均候诊时长", "at least 12万人"],
     ["家庭医生签约人数", "平均候诊时长"]),
    ("health", "What was the budget execution rate?", "96.01", ["96.01%"], ["年度资金总额"]),
    # the glossary's alternatives for one phrase (satisfaction: 满意度 | 满意率): each row scored by the one that fits
    ("health", "What was the patient satisfaction rate?", "93", ["93%"], ["患者满意度"]),
    ("health", "How many people signed up for family doctors?", "11.5", ["11.5万人", "at least 12万人"],
     ["家庭医生签约人数"]),
    ("education", "How many points were deducted for teacher training?", "2", ["10分 − 8分 = 2分"], ["教师培训人次"]),
    # project self-evaluation forms
    ("street", "上年结转资金的执行率是多少？", "91.57", ["91.57%"], ["上年结转资金"]),  # 上年 names the fund
    ("hrss", "财政拨款全年执行了多少？", "1051.56", ["1051.56万元"], ["其中：财政拨款"]),  # 万元 of 项目资金（万元）
    ("street", "预算调整了多少？", "26.20", ["412.60万元 − 386.40万元 = 26.20万元"], ["年度资金总额"]),
    ("hrss", "预算调整了多少", "120.00", ["1200.00万元 − 1080.00万元 = 120.00万元", "少"], ["年度资金总额"]),
    ("street", "食品安全事故有几起？", "0", ["0起"], ["食品安全事故数"]),  # a value as written: 0起
    ("hrss", "项目的预期目标是什么？", "3000", ["不少于3000人", "不少于1500个"], ["发放就业补贴"]),  # a text cell
    ("street", "总分多少", "97.66", ["97.66分"], ["总分"]),  # the row labelled 总分
    ("hrss", "哪些指标没有完成", "", ["新增就业岗位", "≥1500个", "1432个"], ["新增就业岗位"]),
    ("street", "执行率是多少", "96.64", ["96.64%"], ["年度资金总额"]),
    # the overall score: of the several tables' totals, the one carrying full marks (分值 100)
    ("street", "一共得了多少分？", "97.66", ["97.66分"], ["总分"]),
    ("hrss", "自评得分是多少", "96.74", ["96.74分"], ["总分"]),
    # a column named before a score asked of it is what was scored: the score of the row stating it
    ("education", "预算执行率得了几分？", "9.73", ["9.73分"], ["年度资金总额"]),
    ("health", "执行率得了多少分", "9.6", ["9.6分"], ["年度资金总额"]),
    ("street", "执行率这项扣了几分", "0.34", ["10分 − 9.66分 = 0.34分"], ["年度资金总额"]),
    ("hrss", "预算执行率扣了多少分？", "0.26", ["10分 − 9.74分 = 0.26分"], ["年度资金总额"]),
    # two columns named: the total of the table having both, not the largest total
    ("education", "执行率和得分分别是多少", "97.33", ["97.33%", "9.73分"], ["年度资金总额"]),
    ("hrss", "执行率和得分各是多少", "97.37", ["97.37%", "9.74分"], ["年度资金总额"]),
]


@pytest.mark.parametrize(("report", "question", "lead", "holds", "rows"), ANSWERED,
                         ids=[f"{r}:{q}" for r, q, *_ in ANSWERED])
def test_answers_from_the_asked_row_and_column(reports, report, question, lead, holds, rows) -> None:
    draft = answer_from_tables(analyze(question), [f for f in reports[report].figures if f.table],
                               [reports[report].info.id])
    assert draft is not None, question
    assert not draft.abstained and draft.sure
    if lead:
        assert leading_number(draft.text) == lead, draft.text
    for words in holds:
        assert words in draft.text, draft.text
    cited = [c.table["row"] for c in draft.citations]
    assert [next(t for t in row if t) for row in cited] and all(
        any(leaf in c.text for c in draft.citations) for leaf in rows), draft.citations
    assert len(draft.citations) == len(rows), draft.citations
    for c in draft.citations:
        assert c.table is not None and len(c.table["header"]) == len(c.table["row"]) and c.table["column"]
    # every number of the answer stands in a cited row, or is computed from numbers that do
    assert all(n.verified for n in verify_numbers(draft.text, draft.citations, question)), \
        [n for n in verify_numbers(draft.text, draft.citations, question) if not n.verified]
    assert len(draft.text) <= 300


NOT_FROM_TABLES = [
    ("education", "本局有多少在编人员？"),  # no table row names it
    ("health", "残疾人康复服务人数完成了多少"),  # another report's row
    ("education", "教师培训人次比上年增加了多少"),  # a change the table does not state
    ("health", "基本支出得了几分"),  # the budget score is the total's (merged beside its parts), not 基本支出's
    ("education", "新增公办学位数是多少钱"),  # no column asked and the row states no money
    ("health", "哪个指标的名称最长"),  # a question about the table that no cell answers
    ("education", "本局主要职能是什么"),
    ("health", "签约"),  # a word shared with a row is not a question about it
    # two tables each total a score (9.73 of the budget table, 67 of the indicators) and neither row is called 总分:
    # which is the report's overall score is for the prose to say
    ("education", "总分多少"),
    ("health", "What was the total score?"),  # the same for the budget table's 9.6 and the indicators' 总分 73
    ("health", "一共得了多少分"),  # 80 of the indicators + 10 of the budget: no total carries full marks
    ("education", "自评得分是多少"),
]


NOT_FROM_TABLES += [
    ("street", "有多少服务对象？"),  # the row 服务对象满意度 measures satisfaction, not a number of people
    ("hrss", "补贴对象有多少"),
]


@pytest.mark.parametrize(("report", "question"), NOT_FROM_TABLES, ids=[f"{r}:{q}" for r, q in NOT_FROM_TABLES])
def test_questions_no_row_answers_are_left_to_the_prose(reports, report, question) -> None:
    assert ask(reports, report, question) is None


# a question naming the report's body: the names say whose table it is, not which row (bound by about_reports)
@pytest.mark.parametrize(("report", "question", "lead"), [
    ("health", "{body}家庭医生签约人数完成了多少", "11.5"),
    ("hrss", "{body}新增就业岗位完成了多少？", "1432"),
    ("street", "{body}的实施单位是谁", ""),
])
def test_the_bodys_name_in_a_question_names_no_row(reports, report, question, lead) -> None:
    from app.question import about_reports

    p = reports[report]
    assert p.info.body, p.info
    q = about_reports(analyze(question.format(body=p.info.body)), [p.info])
    assert q.names, q
    draft = answer_from_tables(q, [f for f in p.figures if f.table], [p.info.id])
    assert draft is not None and not draft.abstained, question
    assert leading_number(draft.text) == lead if lead else draft.text.startswith("某街道办事处"), draft.text


# a form's text fields (主管部门｜X｜实施单位｜Y): the value of the field named, the form row cited; a DOCX and a text form
FORM_FIELDS = [
    ("street", "实施单位是谁？", "某街道办事处"),
    ("hrss", "实施单位是谁", "区就业服务中心"),
    ("street", "本项目的主管部门是哪个", "区民政局"),
    ("hrss", "主管部门是哪个单位？", "区人力资源和社会保障局"),
    ("hrss", "项目名称是什么", "就业创业补贴项目"),
]


@pytest.mark.parametrize(("report", "question", "value"), FORM_FIELDS, ids=[f"{r}:{q}" for r, q, _ in FORM_FIELDS])
def test_a_forms_text_field_is_answered_from_the_form(reports, report, question, value) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained and draft.text.startswith(value), draft
    [cited] = draft.citations
    assert value in cited.text and value in cited.table["row"] and cited.table["column"] in question


@pytest.mark.parametrize(("report", "question"), [
    ("street", "实施单位的负责人是谁"),  # names something the form does not state
    ("hrss", "实施单位有多少人"),  # asks a figure
    ("education", "实施单位是谁"),  # a report without a form
])
def test_questions_beyond_a_forms_fields_are_not_answered_from_it(reports, report, question) -> None:
    draft = ask(reports, report, question)
    assert draft is None or "实施单位" not in draft.text


# rows named alike, one stating a date, the other a duration: a question asking how long is the duration's, even when
# its words ("每天", "一天") are not the row's ("日均", "每日"); a DOCX and a text table
DURATIONS = {
    "docx": ReportSpec(title="某区政务服务中心2023年度项目支出绩效自评报告", body=("一、绩效指标完成情况", TableSpec(
        "表1 绩效指标完成情况", (
            ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
            ("产出指标", "时效指标", "便民服务窗口启用时间", "2022年12月底前", "2023年1月15日", "10", "9"),
            ("效益指标", "可持续影响指标", "便民服务窗口日均服务时长", "≥8小时", "9.5小时", "10", "10"),
            ("满意度指标", "服务对象满意度指标", "办事群众满意度", "≥90%", "88%", "10", "8"),
        )), TableSpec("表2 资金支出明细（单位：万元）", (
            ("支出项目", "全年预算数", "全年执行数"),
            ("窗口改造", "12.00", "3.50"),
            ("自助终端购置", "30.00", "29.80"),
        ))),
    ),
    "tab": ReportSpec(title="某镇人民政府2024年度长者食堂项目支出绩效自评报告", body=("一、绩效指标完成情况", TableSpec(
        "表1 项目绩效指标", (
            ("指标", "目标值", "完成值", "分值", "得分"),
            ("社区长者食堂开业时间", "2024年3月底前", "2024年3月1日", "10", "10"),
            ("社区长者食堂每日供餐时长", "≥6小时", "7小时", "10", "10"),
            ("就餐长者满意度", "≥85%", "82%", "10", "9"),
        )), TableSpec("表2 资金支出明细（单位：万元）", (
            ("支出项目", "全年预算数", "全年执行数"),
            ("厨房设备", "8.00", "2.10"),
            ("食材补贴", "20.00", "19.60"),
        ))),
    ),
}


@pytest.fixture(scope="module")
def durations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    folder = tmp_path_factory.mktemp("durations")
    return {"docx": prepare_report(make_docx_report(DURATIONS["docx"], folder / "service-2023.docx")),
            "tab": prepare_report(make_text_report(DURATIONS["tab"], folder / "canteen-2024.txt", "tab"))}


@pytest.mark.parametrize(("report", "question", "answer"), [
    ("docx", "便民服务窗口每天服务多长时间？", "9.5小时"),
    ("tab", "社区长者食堂一天供餐多久", "7小时"),
    ("tab", "社区长者食堂每天供餐几个小时？", "7小时"),
    ("docx", "便民服务窗口什么时候启用的", "2023年1月15日"),  # when: the date's row
    ("docx", "政务大厅每天开放多长时间", None),  # names no row of the table
    # a column named (得分) is asked of the rows of the tables having it, never another table's values
    ("docx", "哪项得分最低？", "办事群众满意度（得分8分）"),
    ("tab", "得分最低的是哪项", "就餐长者满意度（得分9分）"),
])
def test_how_long_and_lowest_are_asked_of_the_rows_stating_them(durations, report, question, answer) -> None:
    p = durations[report]
    draft = answer_from_tables(analyze(question), [f for f in p.figures if f.table], [p.info.id])
    if answer is None:
        assert draft is None, draft
        return
    assert draft is not None and draft.text.startswith(answer), draft


# another year than the tables': a sure "not stated", this year's cell only as related (never the answer)
OTHER_YEAR = [
    ("street", "2022年的执行率是多少？", "2022年", "96.64%"),  # a 2023 report's table
    ("hrss", "2023年哪些指标没有完成？", "2023年", "新增就业岗位"),  # a 2024 report's
    ("street", "上年的执行率是多少？", "2022年", "96.64%"),  # a year counted from the report's
    ("street", "前年的执行率是多少？", "2022年", "96.64%"),  # a reader's 前年: the report's 上年
    ("hrss", "上一年度新增就业岗位完成了多少", "2023年", "1432个"),
    ("health", "What was last year's budget execution rate?", "2021", "96.01%"),
    ("education", "2022年教师培训人次实际完成了多少？", "2022年", "2600人次"),
]


@pytest.mark.parametrize(("report", "question", "asked", "related"), OTHER_YEAR, ids=[f"{r}:{q}" for r, q, *_ in OTHER_YEAR])
def test_a_question_about_another_year_is_surely_not_stated(reports, report, question, asked, related) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and draft.abstained and draft.sure, draft
    assert not draft.citations and draft.related, draft
    assert asked in draft.text and related in draft.text.split("并非所问", 1)[-1].split("not the answer", 1)[-1]


# a year word inside a row's name asks no year; this year, asked as such, is answered
THIS_YEAR = [
    ("street", "当年财政拨款的执行率是多少？", "97.03"),
    ("street", "今年的执行率是多少", "96.64"),
    ("hrss", "2024年新增就业岗位完成了多少", "1432"),
    ("health", "What was this year's budget execution rate?", "96.01"),
    ("street", "How much of the full-year budget was carried over from the previous year?", "30.00"),
    ("durations", "2022年12月底前应启用的便民服务窗口，实际什么时候启用的？", "2023"),  # a year a cell speaks of
]


@pytest.mark.parametrize(("report", "question", "lead"), THIS_YEAR, ids=[f"{r}:{q}" for r, q, _ in THIS_YEAR])
def test_this_years_question_and_year_words_of_row_names_are_answered(reports, durations, report, question,
                                                                       lead) -> None:
    if report == "durations":
        p = durations["docx"]
        draft = answer_from_tables(analyze(question), [f for f in p.figures if f.table], [p.info.id])
    else:
        draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained, question
    assert leading_number(draft.text) == lead, draft.text


# follow-ups: the row is the earlier question's, the column this one's
FOLLOW_UPS = [
    ("street", "上门服务人数实际完成了多少？", "差了多少人？", "38", ["850人 − 812人 = 38人"]),
    ("hrss", "新增就业岗位完成了多少？", "目标是多少？", "1500", ["≥1500个"]),
    ("hrss", "新增就业岗位完成了多少？", "这项扣了几分？", "3", ["25分 − 22分 = 3分"]),
    ("education", "教师培训人次实际完成了多少？", "为什么没完成？", "", ["受极端天气影响"]),
    ("health", "门诊患者投诉率的目标是多少？", "实际呢？", "3.2", ["3.2%"]),
]


@pytest.mark.parametrize(("report", "earlier", "question", "lead", "holds"), FOLLOW_UPS,
                         ids=[f"{r}:{e}→{q}" for r, e, q, *_ in FOLLOW_UPS])
def test_a_follow_up_asks_the_earlier_questions_row(reports, report, earlier, question, lead, holds) -> None:
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": "（上一个回答）"}]
    draft = ask(reports, report, question, history)
    assert draft is not None, question
    if lead:
        assert leading_number(draft.text) == lead, draft.text
    for words in holds:
        assert words in draft.text, draft.text
    assert all(n.verified for n in verify_numbers(draft.text, draft.citations, question))


def test_the_cue_table_is_documented_and_general() -> None:
    """Cues name columns and asks, never a department or a report's own row."""
    words = "|".join(p.pattern for _, p in COLUMN_CUES)
    for department_word in ("教育", "卫生", "残疾", "学位", "签约", "满意度"):
        assert department_word not in words


def test_several_reports_each_answer_for_their_own_rows(reports) -> None:
    cells = [f for p in reports.values() for f in p.figures if f.table]
    ids = [p.info.id for p in reports.values()]
    draft = answer_from_tables(analyze("家庭医生签约人数完成了多少"), cells, ids)
    assert draft is not None and draft.citations[0].report == reports["health"].info.id
    # "执行率是多少" names no row and two reports have a total row with a rate: the table cannot say which
    assert answer_from_tables(analyze("执行率是多少"), cells, ids) is None


# --- end to end: ingest into a real Chroma, ask the Assistant -------------------------------------------------------


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    from app.assistant import Assistant
    from app.settings import Settings
    from ingest.pipeline import ingest_file
    from tests.conftest import HashingEmbeddings
    from vectorstore.store import ReportStore, open_client

    folder = tmp_path_factory.mktemp("table-store")
    settings = Settings(data_dir=folder)
    store = ReportStore(open_client(settings), HashingEmbeddings())
    ids = []
    for path in (make_pdf_report(EDUCATION, folder / "education-2023.pdf"),
                 make_docx_report(HEALTH, folder / "health-2022.docx")):
        summary = ingest_file(path, store, None, settings.chunk_size, settings.chunk_overlap)
        assert (summary.report.tables, summary.report.cells) == (2, 40 if "education" in path.name else 35)
        ids.append(summary.report.id)
    ids.append(ingest_file(make_docx_report(STREET_PROJECT, folder / "street-2023.docx"), store, None,
                           settings.chunk_size, settings.chunk_overlap).report.id)
    return Assistant(settings, store), ids


def test_the_assistant_answers_a_forms_field_and_says_another_year_is_not_stated(assistant) -> None:
    """End to end through the store: the form's fields ride on the cell figures; a question about another year than
    the tables' is a sure "not stated" (an LLM mode would not answer it either), a year word of a row's name is not."""
    bot, ids = assistant
    answer = bot.ask("实施单位是谁？", report=ids[2])
    assert not answer.abstained and answer.answer.startswith("某街道办事处"), answer.answer
    assert "实施单位" in answer.citations[0].text
    other = bot.ask("2022年的执行率是多少？", report=ids[2])
    assert other.abstained and "2022年" in other.answer, other.answer
    own = bot.ask("上年结转资金的执行率是多少？", report=ids[2])
    assert not own.abstained and leading_number(own.answer) == "91.57", own.answer


@pytest.mark.parametrize(("which", "question", "lead", "row"), [
    (0, "教师培训人次实际完成了多少？", "2600", "教师培训人次"),
    (1, "家庭医生签约人数完成了多少？", "11.5", "家庭医生签约人数"),
    (1, "平均候诊时长扣了几分", "4", "平均候诊时长"),
    (0, "执行率是多少", "97.33", "年度资金总额"),
])
def test_the_assistant_answers_from_the_cell_and_cites_its_row(assistant, which, question, lead, row) -> None:
    bot, ids = assistant
    answer = bot.ask(question, report=ids[which])
    assert not answer.abstained and leading_number(answer.answer) == lead, answer.answer
    record = answer.to_record("q")
    [citation] = record["citations"]
    assert row in citation["text"] and citation["report"] == ids[which]
    assert citation["table"]["column"] and len(citation["table"]["header"]) == len(citation["table"]["row"])
    assert record["numbers"] and all(n["verified"] for n in record["numbers"])


def test_the_assistant_lists_unmet_indicators_of_the_report_asked(assistant) -> None:
    bot, ids = assistant
    answer = bot.ask("哪些指标没有完成？", report=ids[1])
    assert "家庭医生签约人数" in answer.answer and "平均候诊时长" in answer.answer
    assert "教师培训人次" not in answer.answer  # the other report's row
    assert len(answer.citations) == 2


def test_table_rows_are_retrieved_as_passages(assistant) -> None:
    """The row lines of the cleaned text are chunks like any prose: a text question finds them."""
    bot, ids = assistant
    chunks = bot.store.chunks(ids[1])
    assert any("家庭医生签约人数：目标值≥12万人，完成值11.5万人" in c.text for c in chunks)


# a row named as the column scored ("预算执行率这项得了多少分" with an indicator row 预算执行率) is the one scored,
# not the total of the budget table having 执行率; in a 医院's and a 街道's indicator tables
SCORED_ROW = {
    "hospital": ReportSpec(title="某市医院2023年度单位整体支出绩效自评报告", body=(
        "一、预算执行情况",
        TableSpec("表1 预算执行情况（单位：万元）", (
            ("项目", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
            ("年度资金总额", "1865.20", "1928.40", "1889.02", "10", "97.96%", "9.80"))),
        "二、绩效指标完成情况",
        TableSpec("表2 绩效指标完成情况", (
            ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
            ("预算执行", "预算执行", "预算执行率", "100%", "97.96%", "10", "9.5"),
            ("产出指标", "数量指标", "门急诊人次", "≥180万人次", "186.42万人次", "10", "10"))))),
    "street": ReportSpec(title="某街道办事处2023年度部门整体支出绩效自评报告", body=(
        TableSpec("表1 预算执行情况（单位：万元）", (
            ("项目", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
            ("年度资金总额", "820.00", "788.10", "10", "96.11%", "9.61"))),
        TableSpec("表2 绩效指标完成情况", (
            ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
            ("预算执行", "资金管理", "财政资金执行率", "≥95%", "96.11%", "5", "4.8"),
            ("产出指标", "数量指标", "长者助餐人次", "≥5万人次", "5.6万人次", "10", "10"))))),
}


@pytest.mark.parametrize(("name", "question", "lead"), [
    ("hospital", "预算执行率这项得了多少分？", "9.5"),
    ("street", "财政资金执行率得了几分", "4.8"),
])
def test_a_row_named_as_the_column_scored_is_the_one_scored(tmp_path: Path, name, question, lead) -> None:
    p = prepare_report(make_docx_report(SCORED_ROW[name], tmp_path / f"{name}.docx"))
    draft = answer_from_tables(analyze(question), [f for f in p.figures if f.table], [p.info.id])
    assert draft is not None and leading_number(draft.text) == lead, draft
