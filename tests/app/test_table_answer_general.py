"""Answers from cells over reports whose tables use other words than the ones the table step was built on: a 区林业局
PDF (目标值 / 实际值 / 原因分析, a budget table with no 执行率 column) and a 区文化广电旅游体育局 DOCX (预期目标 / 全年实际值
/ 未完成原因, 全年预算 / 执行数). Every mechanism is asked on both: a row named in full beside a word no row has, a unit
asked in a follow-up, 结余 (budget − actual), 调了多少 (全年 − 年初), an execution rate computed when no column states it,
A-not-A questions (满不满意, 达没达标), a group's rows listed; and what must stay unanswered by a cell."""
from __future__ import annotations

import pytest

from app.question import analyze
from app.table_answer import answer_from_tables
from ingest.pipeline import PreparedReport, prepare_report
from tests.ingest.table_reports import ReportSpec, TableSpec, make_docx_report, make_pdf_report

FORESTRY = ReportSpec(
    title="某区林业局2024年度部门整体支出绩效自评报告",
    body=(
        "一、部门概况。本局负责全区森林资源保护与造林绿化工作。",
        TableSpec(
            caption="表1 2024年度部门预算执行情况（单位：万元）",
            rows=(
                ("项目", "年初预算数", "全年预算数", "执行数", "分值", "执行率", "得分"),
                ("年度资金总额", "3200.00", "3450.00", "3312.00", "10", "96.00%", "9.60"),
                ("基本支出", "1200.00", "1250.00", "1238.50", "", "99.08%", ""),
                ("项目支出", "2000.00", "2200.00", "2073.50", "", "94.25%", ""),
            ),
        ),
        TableSpec(
            caption="表2 2024年度主要专项资金使用情况",
            rows=(
                ("专项名称", "全年预算数（万元）", "执行数（万元）"),
                ("森林防火专项经费", "640.00", "601.60"),
                ("林业有害生物防治经费", "380.00", "342.00"),
                ("合计", "1020.00", "943.60"),
            ),
        ),
        TableSpec(
            caption="表3 2024年度绩效指标完成情况",
            rows=(
                ("一级指标", "二级指标", "三级指标", "目标值", "实际值", "分值", "得分", "原因分析"),
                ("产出指标", "数量指标", "新造林面积", "≥1200亩", "1080亩", "10", "9", "部分地块林权纠纷未解决，延至次年造林"),
                ("", "", "森林抚育面积", "≥5000亩", "5260亩", "10", "10", ""),
                ("", "质量指标", "造林成活率", "≥90%", "93.2%", "10", "10", ""),
                ("", "成本指标", "造林单位成本", "≤3000元/亩", "2860元/亩", "10", "10", ""),
                ("效益指标", "生态效益指标", "森林覆盖率", "≥58%", "58.4%", "10", "10", ""),
                ("", "", "林业有害生物成灾率", "≤3‰", "2.1‰", "10", "10", ""),
                ("满意度指标", "服务对象满意度指标", "林农满意度", "≥90%", "86.5%", "10", "8", "补助资金到位偏晚"),
                ("总分", "", "", "", "", "100", "95.6", ""),
            ),
            merges=((1, 0, 4, 0), (1, 1, 2, 1), (5, 0, 6, 0), (5, 1, 6, 1), (8, 0, 8, 4)),
        ),
    ),
)

SPORTS = ReportSpec(
    title="某区文化广电旅游体育局2023年度部门整体支出绩效自评报告",
    body=(
        "一、基本情况。本局负责全区群众体育和公共文化服务。",
        TableSpec(
            caption="表1 2023年度预算资金执行情况（单位：万元）",
            rows=(
                ("支出类别", "年初预算", "全年预算", "全年执行", "执行率"),
                ("合计", "5100.00", "5480.00", "5206.00", "95.00%"),
                ("基本支出", "2300.00", "2320.00", "2312.80", "99.69%"),
                ("项目支出", "2800.00", "3160.00", "2893.20", "91.56%"),
            ),
        ),
        TableSpec(
            caption="表2 2023年度重点项目资金情况",
            rows=(
                ("项目名称", "全年预算（万元）", "全年执行（万元）"),
                ("全民健身设施建设经费", "900.00", "846.00"),
                ("公共文化惠民演出经费", "450.00", "441.00"),
                ("合计", "1350.00", "1287.00"),
            ),
        ),
        TableSpec(
            caption="表3 2023年度绩效目标完成情况",
            rows=(
                ("一级指标", "二级指标", "三级指标", "预期目标", "全年实际值", "分值", "得分", "未完成原因"),
                ("产出指标", "数量指标", "全民健身赛事活动场次", "≥40场", "36场", "10", "9", "两场赛事因场馆改造停办"),
                ("", "", "社区健身路径新建数", "≥25条", "27条", "10", "10", ""),
                ("", "质量指标", "健身设施验收合格率", "=100%", "100%", "10", "10", ""),
                ("", "成本指标", "健身路径单条建设成本", "≤8万元", "7.6万元", "10", "10", ""),
                ("效益指标", "社会效益指标", "经常参加体育锻炼人数比例", "≥40%", "41.5%", "10", "10", ""),
                ("", "", "惠民演出受众人次", "≥6万人次", "6.8万人次", "10", "10", ""),
                ("满意度指标", "服务对象满意度指标", "健身群众满意度", "≥90%", "93.0%", "10", "10", ""),
                ("", "", "演出观众满意度", "≥90%", "88.0%", "10", "8", "部分场次音响效果不佳"),
                ("总分", "", "", "", "", "100", "95", ""),
            ),
            merges=((1, 0, 4, 0), (1, 1, 2, 1), (5, 0, 6, 0), (5, 1, 6, 1), (7, 0, 8, 0), (7, 1, 8, 1), (9, 0, 9, 4)),
        ),
    ),
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    folder = tmp_path_factory.mktemp("general-tables")
    return {"forestry": prepare_report(make_pdf_report(FORESTRY, folder / "forestry-2024.pdf")),
            "sports": prepare_report(make_docx_report(SPORTS, folder / "sports-2023.docx"))}


def ask(reports: dict[str, PreparedReport], report: str, question: str, history: list[dict] | None = None):
    p = reports[report]
    return answer_from_tables(analyze(question, history), [f for f in p.figures if f.table], [p.info.id])


def said(question: str, answer: str) -> list[dict]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


# (report, question, history, words the answer holds, rows it cites)
ANSWERED = [
    # a row named in full, with words no row has beside it ("控制", "执行得怎么样"): that row, never the total
    ("forestry", "造林单位成本控制目标是多少？", None, ["≤3000元/亩"], ["造林单位成本"]),
    ("sports", "健身路径单条建设成本控制目标是多少？", None, ["≤8万元"], ["健身路径单条建设成本"]),
    ("forestry", "项目支出执行得怎么样，执行率多少？", None, ["94.25%"], ["项目支出"]),
    ("sports", "项目支出执行得怎么样，执行率多少？", None, ["91.56%"], ["项目支出"]),
    # a unit asked in a follow-up names no row: the row is the earlier question's
    ("forestry", "差了多少亩？", said("新造林面积完成了多少亩？", "1080亩。"), ["120亩", "1200亩 − 1080亩"], ["新造林面积"]),
    ("sports", "比目标少了几场？", said("全民健身赛事活动办了多少场？", "36场。"), ["4场", "40场 − 36场"],
     ["全民健身赛事活动场次"]),
    # 结余: the budget less what was spent, both shown
    ("forestry", "项目支出结余了多少？", None, ["126.50万元", "2200.00万元 − 2073.50万元"], ["项目支出"]),
    ("sports", "项目支出还剩余多少钱？", None, ["266.80万元", "3160.00万元 − 2893.20万元"], ["项目支出"]),
    # 调了多少: 全年预算 − 年初预算
    ("forestry", "项目支出预算调了多少？", None, ["200.00万元", "2200.00万元 − 2000.00万元"], ["项目支出"]),
    ("sports", "基本支出预算调了多少？", None, ["20.00万元", "2320.00万元 − 2300.00万元"], ["基本支出"]),
    # an execution rate no column states: computed, said to be so, both operands shown
    ("forestry", "森林防火专项经费执行率是多少？", None, ["94.00%", "601.60万元 ÷ 640.00万元", "未直接给出"],
     ["森林防火专项经费"]),
    ("sports", "全民健身设施建设经费的执行率大概多少？", None, ["94.00%", "846.00万元 ÷ 900.00万元", "未直接给出"],
     ["全民健身设施建设经费"]),
    # A-not-A: 满不满意 asks the actual (its target beside it); 达没达标 whether it was met
    ("forestry", "林农满不满意？", None, ["86.5%", "≥90%"], ["林农满意度"]),
    ("sports", "演出观众满不满意？", None, ["88.0%", "≥90%"], ["演出观众满意度"]),
    ("forestry", "造林成活率达没达标？", None, ["已完成", "93.2%"], ["造林成活率"]),
    ("sports", "全民健身赛事活动场次达没达标？", None, ["未完成", "36场"], ["全民健身赛事活动场次"]),
    # a group's rows listed
    ("forestry", "生态效益指标有哪几项？", None, ["森林覆盖率", "林业有害生物成灾率", "共2项"], ["森林覆盖率"]),
    ("sports", "满意度指标包括哪些？", None, ["健身群众满意度", "演出观众满意度", "共2项"], ["健身群众满意度"]),
]


@pytest.mark.parametrize("report,question,history,words,rows", ANSWERED)
def test_the_asked_row_and_column_decide_the_cell(reports, report, question, history, words, rows):
    draft = ask(reports, report, question, history)
    assert draft is not None and not draft.abstained, question
    for word in words:
        assert word in draft.text, (question, draft.text)
    cited = " ".join(c.text for c in draft.citations)
    for row in rows:
        assert row in cited, (question, cited)


# questions no cell answers: left to the prose (None), never a figure of another row or column
UNANSWERED = [
    ("forestry", "项目支出包括哪些内容？"),  # a list asked of a row that heads no group
    ("sports", "项目支出包括哪些内容？"),
    ("forestry", "基本支出占比多少？"),  # a share, which no cell of the row states
    ("sports", "基本支出占比多少？"),
]


@pytest.mark.parametrize("report,question", UNANSWERED)
def test_no_cell_answers_what_no_cell_states(reports, report, question):
    assert ask(reports, report, question) is None


@pytest.mark.parametrize("report,question,figure", [
    ("forestry", "What was the adjusted budget?", "3450.00"),  # the adjusted budget is 全年预算数, not a difference
    ("sports", "What was the adjusted budget?", "5480.00"),
])
def test_the_adjusted_budget_is_a_column_not_a_difference(reports, report, question, figure):
    draft = ask(reports, report, question)
    assert draft is None or figure in draft.text and "−" not in draft.text


# indicator lines written as labelled fields in a DOCX, one group of one row each, a row of dates among them
FIELD_FORMS = {
    "forestry": ["某区林业局2024年度造林绿化项目支出绩效自评报告", "项目名称：造林绿化项目",
                 "产出指标—数量指标：新造林面积；目标值：≥1200亩；实际值：1260亩",
                 "产出指标—时效指标：苗木采购完成时间；目标值：2024年3月底前；实际值：2024年4月20日",
                 "满意度指标—服务对象满意度指标：林农满意度；目标值：≥90%；实际值：92.5%",
                 "一、项目基本情况。项目按计划实施。"],
    "transport": ["某区交通运输局2023年度农村公路建设项目支出绩效自评报告", "项目名称：农村公路建设项目",
                  "产出指标-数量指标：农村公路提档升级里程；预期目标：≥80公里；全年实际值：86公里",
                  "产出指标-时效指标：项目竣工验收时间；预期目标：2023年11月底前；全年实际值：2023年12月",
                  "效益指标-可持续影响指标：公路养护优良路率；预期目标：≥85%；全年实际值：87.3%",
                  "二、存在问题。部分路段征地滞后。"],
}


@pytest.fixture(scope="module")
def field_forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    from docx import Document

    folder = tmp_path_factory.mktemp("field-forms")
    out = {}
    for name, lines in FIELD_FORMS.items():
        document = Document()
        for line in lines:
            document.add_paragraph(line)
        document.save(str(folder / f"{name}.docx"))
        out[name] = prepare_report(folder / f"{name}.docx")
    return out


@pytest.mark.parametrize("name,row", [("forestry", "苗木采购完成时间"), ("transport", "项目竣工验收时间")])
def test_a_row_of_dates_is_a_row_and_a_group_of_one_row_names_it(field_forms, name, row):
    p = field_forms[name]
    cells = [f for f in p.figures if f.table]
    met = answer_from_tables(analyze("时效指标完成了吗？"), cells, [p.info.id])
    assert met is not None and met.text.startswith("未完成") and row in met.text, met
    short = answer_from_tables(analyze("哪些指标没完成？"), cells, [p.info.id])
    assert short is not None and row in short.text and "均达到" not in short.text, short
    assert [c.text for c in short.citations] and all(row in c.text for c in short.citations)


@pytest.mark.parametrize("report,question,asked,stated", [
    ("forestry", "2023年的造林目标是多少？", "2023年", "2024年"),  # 新造林面积, 造林成活率, 造林单位成本 fit alike
    ("sports", "2022年的健身路径目标是多少？", "2022年", "2023年"),  # 新建数 and 单条建设成本 alike
])
def test_another_years_ask_that_several_rows_fit_is_not_stated(reports, report, question, asked, stated):
    draft = ask(reports, report, question)
    assert draft is not None and draft.abstained and draft.sure, draft
    assert asked in draft.text and stated in draft.text
