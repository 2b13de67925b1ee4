"""Answers from table shapes the first readers were not tuned on, over two departments' reports (a 民政局 DOCX, a
文广旅局 ruled PDF): a budget table printing its measures as rows, a task table with a description column and a text
完成情况, a breakdown with a count and a money column, deadlines and measures in Latin letters, rows whose own name
says 增幅, follow-ups naming a sibling row. Each mechanism is asked of both reports, in their own wordings."""
from __future__ import annotations

import re

import pytest

from app.question import analyze
from app.table_answer import answer_from_tables
from app.verify import verify_numbers
from ingest.pipeline import PreparedReport, prepare_report
from tests.ingest.table_reports import ReportSpec, TableSpec, make_docx_report, make_pdf_report

CIVIL = ReportSpec(
    title="某市民政局2020年度部门整体支出绩效自评报告",
    body=(
        "一、预算执行情况",
        TableSpec("表1 2020年度预算执行情况", (
            ("项目", "年度资金总额", "基本支出", "项目支出"),
            ("年初预算数（万元）", "58,436.20", "6,842.10", "51,594.10"),
            ("全年预算数（万元）", "63,218.75", "6,915.40", "56,303.35"),
            ("全年执行数（万元）", "61,954.03", "6,903.27", "55,050.76"),
            ("执行率", "98.00%", "99.82%", "97.78%"),
            ("分值", "10", "—", "—"),
            ("得分", "9.80", "—", "—"),
        )),
        TableSpec("表2 2020年度主要任务预算执行情况", (
            ("任务名称", "主要内容", "全年预算数（万元）", "全年执行数（万元）", "完成情况"),
            ("社会救助", "城乡低保、特困人员供养、临时救助", "32,460.40", "32,108.66", "已完成"),
            ("养老服务", "养老床位建设、居家养老服务补贴、高龄津贴", "15,286.50", "14,572.28", "部分完成"),
            ("儿童福利", "孤儿和事实无人抚养儿童基本生活保障", "2,318.00", "2,296.45", "已完成"),
        )),
        TableSpec("表3 2020年度社会救助情况", (
            ("救助类型", "救助人次（万人次）", "救助金额（万元）"),
            ("城乡低保", "3.86", "18,720.40"),
            ("临时救助", "0.52", "1,284.63"),
            ("合计", "4.38", "20,005.03"),
        )),
        "二、绩效目标完成情况",
        TableSpec("表4 2020年度部门整体支出绩效指标完成情况", (
            ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"),
            ("产出指标", "数量指标", "新增养老床位数", "≥800张", "650张", "10", "7", "受疫情影响，两个养老机构建设项目停工"),
            ("产出指标", "质量指标", "养老机构室内噪声", "≤55dB", "58dB", "10", "8", "部分机构临街，隔音改造未完成"),
            ("产出指标", "时效指标", "临时救助审批办结时限", "≤5个工作日", "3个工作日", "10", "10", ""),
            ("产出指标", "时效指标", "低保年审完成时间", "2020年6月30日前", "2020年6月25日", "10", "10", ""),
            ("产出指标", "成本指标", "低保标准增幅", "≥5%", "6.2%", "10", "10", ""),
            ("产出指标", "质量指标", "养老机构消防验收", "通过", "通过", "0", "0", ""),
            ("产出指标", "数量指标", "养老服务补贴发放人数", "≥1200人", "1350人", "0", "0", ""),
            ("产出指标", "时效指标", "救助资金计划拨付率", "≥95%", "98%", "0", "0", ""),
            ("产出指标", "数量指标", "社区养老服务活动场次", "≥100场", "120场", "0", "0", ""),
            ("产出指标", "成本指标", "特困人员人均供养金额", "≥1.5万元", "1.62万元", "0", "0", ""),
            ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95.2%", "10", "10", ""),
            ("满意度指标", "服务对象满意度指标", "社区居民满意度", "≥85%", "88.4%", "10", "10", ""),
            ("总分", "", "", "", "", "70", "65", ""),
            ("自评等级", "良", "", "", "", "", "", ""),
        ), merges=((13, 0, 13, 4), (14, 1, 14, 7))),
    ),
)

CULTURE = ReportSpec(
    title="某区文化广电旅游体育局2023年度部门整体支出绩效自评报告",
    body=(
        "一、预算资金执行情况",
        TableSpec("表1 预算资金执行情况", (
            ("资金类别", "合计", "财政拨款", "其他资金"),
            ("年初预算（万元）", "1,250.00", "1,100.00", "150.00"),
            ("全年预算（万元）", "1,320.50", "1,170.50", "150.00"),
            ("全年执行数（万元）", "1,268.10", "1,130.40", "137.70"),
            ("预算执行率（%）", "96.03", "96.57", "91.80"),
            ("得分", "9.60", "—", "—"),
        )),
        TableSpec("表2 重点项目实施情况", (
            ("项目名称", "实施内容", "预算数（万元）", "执行数（万元）", "完成情况"),
            ("送戏下乡", "组织专业院团下乡演出，每镇不少于4场", "86.00", "84.20", "已完成"),
            ("场馆改造", "文化馆、图书馆公共区域改造，更新照明和座椅", "420.00", "401.35", "基本完成"),
        )),
        TableSpec("表3 群众文化活动情况", (
            ("活动类型", "参与人次（万人次）", "补贴金额（万元）"),
            ("文艺演出", "12.60", "96.40"),
            ("全民阅读", "8.35", "42.10"),
            ("合计", "20.95", "138.50"),
        )),
        "二、绩效目标完成情况",
        TableSpec("表4 绩效指标完成情况", (
            ("一级指标", "二级指标", "三级指标", "目标值", "完成值", "分值", "得分", "偏差原因"),
            ("产出指标", "数量指标", "送戏下乡演出场次", "≥40场", "44场", "15", "15", ""),
            ("产出指标", "数量指标", "群众文化活动参与人次", "≥18万人次", "20.95万人次", "5", "5", ""),
            ("产出指标", "质量指标", "公共区域无线网络带宽", "≥200Mbps", "180Mbps", "15", "12", "线路改造延期"),
            ("产出指标", "时效指标", "场馆改造完工时间", "2023年10月底前", "2023年11月15日", "15", "12", "雨季施工受阻"),
            ("效益指标", "社会效益指标", "图书借阅量增幅", "≥10%", "12.5%", "15", "15", ""),
            ("效益指标", "可持续影响指标", "文物安全检查", "合格", "合格", "0", "0", ""),
            ("产出指标", "数量指标", "场馆改造面积", "≥3000平方米", "3200平方米", "0", "0", ""),
            ("产出指标", "数量指标", "场馆实际开放天数", "≥300天", "312天", "0", "0", ""),
            ("产出指标", "成本指标", "送戏下乡单场演出成本", "≤2.2万元", "1.91万元", "0", "0", ""),
            ("产出指标", "数量指标", "新增城市书房数量", "≥3个", "4个", "0", "0", ""),
            ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%", "93.5%", "10", "10", ""),
            ("满意度指标", "服务对象满意度指标", "志愿者满意度", "≥85%", "90.2%", "10", "10", ""),
            ("总分", "", "", "", "", "85", "79", ""),
            ("评价结论", "良好", "", "", "", "", "", ""),
        ), merges=((13, 0, 13, 4), (14, 1, 14, 7))),
    ),
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    folder = tmp_path_factory.mktemp("table-shapes")
    return {"civil": prepare_report(make_docx_report(CIVIL, folder / "civil-2020.docx")),
            "culture": prepare_report(make_pdf_report(CULTURE, folder / "culture-2023.pdf"))}


def ask(reports: dict[str, PreparedReport], report: str, question: str, history: list[dict] | None = None):
    p = reports[report]
    return answer_from_tables(analyze(question, history, reports=(p.info,)), [f for f in p.figures if f.table],
                              [p.info.id])


def leading_number(text: str) -> str:
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    return m.group(0).replace(",", "") if m else ""


# (report, question, the figure the answer leads with, words it must hold, the row it cites)
ANSWERED = [
    # a budget table printing its measures as rows, read turned: the total's rate, a budget adjustment, a score
    ("civil", "执行率多少？", "98.00", ["98.00%"], "年度资金总额"),
    ("culture", "预算执行率是多少", "96.03", ["96.03"], "合计"),
    ("civil", "预算调整了多少？", "4782.55", ["63,218.75万元 − 58,436.20万元"], "年度资金总额"),
    ("culture", "全年预算比年初增加了多少", "70.50", ["1,320.50万元 − 1,250.00万元"], "合计"),  # 年初 names 年初预算
    ("civil", "全年预算比年初增加了多少？", "4782.55", ["63,218.75万元 − 58,436.20万元"], "年度资金总额"),
    ("civil", "基本支出执行率多少", "99.82", ["99.82%"], "基本支出"),
    ("culture", "其他资金的执行率", "91.80", ["91.80"], "其他资金"),
    # the table the question names by its caption answers the score (not the indicators' 总分)
    ("civil", "预算执行这块得了几分？", "9.80", ["9.80分"], "年度资金总额"),
    ("culture", "资金执行这块得了多少分", "9.60", ["9.60分"], "合计"),
    # a description column beside the name: the name alone names the row; a text 完成情况 answers how it went
    ("civil", "养老服务这项任务预算多少？", "15286.50", ["15,286.50万元"], "养老服务"),
    ("culture", "场馆改造这个项目预算多少", "420.00", ["420.00万元"], "场馆改造"),
    ("civil", "养老服务任务完成得怎么样？", "", ["部分完成"], "养老服务"),
    ("culture", "场馆改造项目完成得怎么样", "", ["基本完成"], "场馆改造"),
    # a count column and a money column: the one stating the measure asked (万人次 from the header)
    ("civil", "临时救助有多少人次？", "0.52", ["0.52万人次"], "临时救助"),
    ("culture", "文艺演出有多少人次参与", "12.60", ["12.60万人次"], "文艺演出"),
    ("civil", "临时救助花了多少钱", "1284.63", ["1,284.63万元"], "临时救助"),
    # how many working days: 个 of "3个工作日" counts days
    ("civil", "临时救助审批实际多少个工作日办结？", "3", ["3个工作日"], "临时救助审批办结时限"),
    # a row whose own name says 增幅 is asked its score, not a change over time
    ("civil", "低保标准增幅得了几分？", "10", ["10分"], "低保标准增幅"),
    ("culture", "图书借阅量增幅得了几分", "15", ["15分"], "图书借阅量增幅"),
    # words a table's caption holds still name the rows named with them (社会救助 of “社会救助情况” and a task row)
    ("civil", "社会救助任务全年执行了多少", "32108.66", ["32,108.66万元"], "社会救助"),
    ("culture", "群众文化活动参与人次完成了多少", "20.95", ["20.95万人次"], "群众文化活动参与人次"),
    # why: the row named whole, the other words say what went wrong
    ("civil", "养老机构室内噪声为什么超标了？", "", ["隔音改造未完成"], "养老机构室内噪声"),
    ("culture", "场馆改造完工时间为什么推迟了", "", ["雨季施工受阻"], "场馆改造完工时间"),
]


@pytest.mark.parametrize(("report", "question", "lead", "holds", "row"), ANSWERED,
                         ids=[f"{r}:{q}" for r, q, *_ in ANSWERED])
def test_answers_from_tables_of_other_shapes(reports, report, question, lead, holds, row) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained and draft.sure, question
    if lead:
        assert leading_number(draft.text) == lead, draft.text
    for words in holds:
        assert words in draft.text, draft.text
    [cited] = draft.citations
    assert row in cited.table["row"], cited.table
    assert all(n.verified for n in verify_numbers(draft.text, draft.citations, question)), draft.text


@pytest.mark.parametrize(("report", "question"), [
    # a share asked: a count of the breakdown is not it (the prose, or an honest "not stated", answers)
    ("civil", "临时救助占全部救助人次的比例是多少？"),
    ("culture", "文艺演出占全部参与人次的比重是多少"),
])
def test_a_share_is_never_answered_with_a_count(reports, report, question) -> None:
    assert ask(reports, report, question) is None


@pytest.mark.parametrize(("report", "short", "met"), [
    # a deadline missed is short of its target; one met is not; a measure in Latin letters (dB, Mbps) compares
    ("civil", ["新增养老床位数", "养老机构室内噪声"], ["低保年审完成时间", "临时救助审批办结时限"]),
    ("culture", ["公共区域无线网络带宽", "场馆改造完工时间"], ["送戏下乡演出场次", "图书借阅量增幅"]),
])
def test_unmet_indicators_compare_deadlines_and_measures_in_letters(reports, report, short, met) -> None:
    draft = ask(reports, report, "哪几项没完成？")
    assert draft is not None and not draft.abstained, draft
    for leaf in short:
        assert leaf in draft.text, draft.text
    for leaf in met:
        assert leaf not in draft.text, draft.text
    assert len(draft.citations) == len(short)


@pytest.mark.parametrize(("report", "question", "verdict"), [
    ("civil", "低保年审完成时间达标了吗", "已完成"),
    ("culture", "场馆改造完工时间达标了吗", "未完成"),
])
def test_a_deadline_is_met_or_missed_by_its_date(reports, report, question, verdict) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and draft.text.startswith(verdict), draft


@pytest.mark.parametrize(("report", "earlier", "answer", "question", "lead"), [
    ("civil", "服务对象满意度多少？", "服务对象满意度为95.2%。", "社区居民呢？", "88.4"),
    ("culture", "读者满意度是多少", "读者满意度为93.5%。", "志愿者呢", "90.2"),
])
def test_a_follow_up_naming_a_sibling_row_asks_the_same_of_it(reports, report, earlier, answer, question,
                                                               lead) -> None:
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": answer}]
    draft = ask(reports, report, question, history)
    assert draft is not None and not draft.abstained and leading_number(draft.text) == lead, draft


@pytest.mark.parametrize(("report", "question"), [
    ("civil", "What was the total score?"),  # the indicators' 总分 and the budget's 得分: neither carries 100
    ("culture", "养老服务这项任务预算多少？"),  # another report's row
])
def test_questions_these_tables_do_not_answer_are_left_to_the_prose(reports, report, question) -> None:
    assert ask(reports, report, question) is None


@pytest.mark.parametrize(("report", "question", "printed"), [
    # a table read turned is cited by the row the report prints: the measure's row, the cell in it
    ("civil", "执行率多少？", "执行率 98.00% 99.82% 97.78%"),
    ("culture", "预算执行率是多少", "预算执行率（%） 96.03 96.57 91.80"),
])
def test_a_turned_tables_cell_is_cited_by_its_printed_row(reports, report, question, printed) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and [c.text for c in draft.citations] == [printed], draft


@pytest.mark.parametrize(("report", "question", "lead", "leaf"), [
    # "how many" counts what it names: 张 of beds, 场 of performances (the analysis may read "elderly" as people)
    ("civil", "How many new elderly care beds were added?", "650", "新增养老床位数"),
    ("culture", "How many people took part in literary and art performances?", "", ""),  # people asked: 万人次 fits
])
def test_how_many_in_english_counts_what_it_names(reports, report, question, lead, leaf) -> None:
    draft = ask(reports, report, question)
    if not lead:
        assert draft is None or "12.60" in draft.text, draft
        return
    assert draft is not None and leading_number(draft.text) == lead and leaf in draft.citations[0].text, draft


@pytest.mark.parametrize(("report", "question", "value"), [
    # a row of a table of figures that is a label and one text merged across (自评等级｜良): a text field
    ("civil", "自评等级是什么？", "良"),
    ("culture", "评价结论是什么", "良好"),
])
def test_a_label_and_text_row_answers_as_a_field(reports, report, question, value) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained and draft.text.startswith(value + "（"), draft
    [cited] = draft.citations
    assert value in cited.text


def test_a_reason_question_is_not_taken_by_a_text_field(reports) -> None:
    draft = ask(reports, "civil", "新增养老床位数的偏差原因是什么")
    assert draft is not None and "停工" in draft.text, draft


@pytest.mark.parametrize(("report", "question", "said"), [
    # 完成了吗 of a task that sets no target: the words its 完成情况 says
    ("civil", "儿童福利任务完成了吗？", "已完成"),
    ("culture", "场馆改造项目完成了没有", "基本完成"),
    # the result of a check: the actual, a text cell
    ("civil", "养老机构消防验收结果怎么样", "通过"),
    ("culture", "文物安全检查的结果是什么", "合格"),
])
def test_how_a_row_went_is_said_in_its_own_words(reports, report, question, said) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained and draft.text.startswith(said), draft


@pytest.mark.parametrize(("report", "question", "lead"), [
    # a value word inside the row's own name asks no column: 计划 of 救助资金计划拨付率, 实际 of 场馆实际开放天数
    ("civil", "救助资金计划拨付率达到多少？", "98"),
    ("culture", "场馆实际开放天数的目标是多少", "300"),
    # rows named alike in two tables: the one whose table has the column named
    ("civil", "养老服务的全年预算数是多少", "15286.50"),
    ("culture", "场馆改造的执行数是多少", "401.35"),
])
def test_a_rows_own_words_and_the_column_named_choose_the_cell(reports, report, question, lead) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained and leading_number(draft.text) == lead, draft


@pytest.mark.parametrize(("report", "question"), [
    # an amount no header word names (救助金额, 补贴金额) is what was spent: it answers no budget asked
    ("civil", "临时救助的预算是多少"),
    ("culture", "全民阅读预算多少钱"),
])
def test_an_unnamed_amount_answers_no_budget(reports, report, question) -> None:
    assert ask(reports, report, question) is None


@pytest.mark.parametrize(("report", "question", "lead"), [
    # "办了多少场" asks the row measured in 场次 by its measure word, not the task row of the same name (万元)
    ("civil", "社区养老服务活动办了多少场？", "120"),
    ("culture", "送戏下乡演出了多少场", "44"),
])
def test_a_measure_word_names_the_rows_measure(reports, report, question, lead) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained and leading_number(draft.text) == lead, draft


@pytest.mark.parametrize(("report", "question", "lead"), [
    # a per-unit row (人均, 单场) or an increment (新增) answers only a question saying so; others are not its to answer
    ("civil", "特困人员供养花了多少钱", None),
    ("civil", "特困人员人均供养金额是多少", "1.62"),
    ("culture", "送戏下乡演出花了多少钱", None),  # the task row states its 执行数, the indicator a per-show cost
    ("culture", "送戏下乡单场演出成本多少", "1.91"),
    ("culture", "城市书房有几个", None),
    ("culture", "新增了几个城市书房", "4"),
])
def test_a_per_unit_or_new_row_answers_only_a_question_saying_so(reports, report, question, lead) -> None:
    draft = ask(reports, report, question)
    if lead is None:
        assert draft is None, draft  # left to the prose, or to an honest "not stated"
        return
    assert draft is not None and leading_number(draft.text) == lead, draft


@pytest.mark.parametrize(("report", "question", "lead"), [
    # a score asked of a row named with a measure (人次, 场次): the score, whatever measure the name says
    ("civil", "社区养老服务活动场次这项得了几分？", "0"),
    ("culture", "群众文化活动参与人次得了多少分", "5"),
])
def test_a_score_is_asked_of_a_row_named_with_a_measure(reports, report, question, lead) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and leading_number(draft.text) == lead, draft


FIELD_REPORTS = {
    "hrss": "某区人力资源和社会保障局2023年度就业补贴项目支出绩效自评报告\n项目名称：就业创业补贴资金\n"
            "预算执行率：93.05%\n"
            "指标：城镇新增就业人数；年度指标值：≥6,000人；实际完成值：6,842人；得分：10分\n"
            "指标：失业人员再就业人数；年度指标值：≥1,500人；实际完成值：1,326人；得分：8分；偏差原因：企业用工需求减少\n"
            "指标：服务对象满意度；年度指标值：≥90%；实际完成值：93.5%；得分：10分\n"
            "自评得分：91.5分\n一、项目概况\n本项目用于落实就业创业扶持政策。\n",
    "health": "某县卫生健康局2024年度基本公共卫生服务项目支出绩效自评报告\n"
              "绩效指标名称：家庭医生签约率; 目标值：≥40%; 完成值：42.3%; 分值：10; 自评得分：10。\n"
              "绩效指标名称：健康档案建档率; 目标值：≥90%; 完成值：88%; 分值：10; 自评得分：8。\n"
              "一、项目概况\n本项目覆盖全县常住人口。\n",
}


@pytest.fixture(scope="module")
def field_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    folder = tmp_path_factory.mktemp("field-rows")
    out = {}
    for name, text in FIELD_REPORTS.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        out[name] = prepare_report(path)
    return out


@pytest.mark.parametrize(("report", "question", "starts"), [
    ("hrss", "服务对象满意度完成了多少？", "93.5%"),
    ("hrss", "失业人员再就业人数完成了吗", "未完成"),
    ("hrss", "失业人员再就业人数为什么没完成", "企业用工需求减少"),
    ("health", "健康档案建档率达标了吗", "未完成"),
    ("health", "家庭医生签约率得了几分", "10分"),
])
def test_rows_of_labelled_fields_answer_like_a_table(field_reports, report, question, starts) -> None:
    p = field_reports[report]
    draft = answer_from_tables(analyze(question, [], reports=(p.info,)), [f for f in p.figures if f.table], [p.info.id])
    assert draft is not None and draft.text.startswith(starts), draft


@pytest.mark.parametrize(("report", "question", "holds"), [
    # two clauses: one asks a figure with no column word (the actual), the other names the target
    ("civil", "新增养老床位数多少？目标是多少？", ["650张", "≥800张"]),
    ("culture", "读者满意度多少？要求达到多少？", ["93.5%", "≥90%"]),
])
def test_a_second_clause_naming_the_target_keeps_the_first_clauses_actual(reports, report, question, holds) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and draft.text.startswith(holds[0]) and all(h in draft.text for h in holds), draft
