"""Rows named alike, the ask picking the row, and the second ask of a question — over two departments' reports (a
民政局 DOCX with merged cells, a 水务局 ruled PDF), each with a budget table scored, a breakdown of the funds with a
备注 column and an indicator table with 偏差原因分析:
- rows sharing a name's start ("临时救助…", "河道巡查…"): the measure word asked (办了多少件), the one that lost
  points (扣了几分), the one giving a reason (为什么没完成) picks the row;
- a row named by how its name ends (覆盖率, 水质达标率), a duration asked (多长时间内) of a row named in part;
- a reason asked of a breakdown row: its 备注; the value and the reason asked together, both answered;
- the lowest of a table named by its caption (分项资金里哪项执行率最低), a date in a reason cell (什么时候能完成);
- a score asked of the item pointed at (预算执行率那一项得了几分) is the score, never the rate;
- clauses split by a comma each ask ("达标率多少，得了几分");
- an English question naming an indicator the terms do not find is never answered by the total row."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.question import analyze
from app.table_answer import answer_from_tables
from app.verify import verify_numbers
from ingest.pipeline import PreparedReport, prepare_report
from tests.ingest.table_reports import ReportSpec, TableSpec, make_docx_report, make_pdf_report

_HEADER = (("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"),)


def _spec(title: str, intro: str, budget: tuple, breakdown_caption: str, breakdown: tuple, indicators: tuple,
          merges: tuple) -> ReportSpec:
    return ReportSpec(title=title, body=(
        "一、预算执行情况", intro,
        TableSpec("表1 预算执行情况（单位：万元）", (("项目", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
                                         budget)),
        "二、项目资金使用情况",
        TableSpec(breakdown_caption, (("支出内容", "全年预算数（万元）", "全年执行数（万元）", "执行率", "备注"), *breakdown)),
        "三、绩效指标完成情况",
        TableSpec("表3 绩效指标完成情况", (*_HEADER, *indicators), merges),
        "四、下一步工作", "加强预算执行监控，及时调整项目进度。"))


CIVIL = _spec(
    "某区民政局2024年度部门整体支出绩效自评报告", "本局2024年度预算执行情况如下。",
    ("年度资金总额", "1000.00", "1100.00", "1045.00", "10", "95.00%", "9.5"),
    "表2 项目资金分项使用情况",
    (("养老机构运营补贴", "300.00", "290.00", "96.67%", ""),
     ("社区助餐配送", "80.00", "56.00", "70.00%", "部分助餐点延后开业")),
    (("产出指标", "数量指标", "临时救助审核办理数", "≥800件", "720件", "10", "8", "部分申请转由镇街直接办理"),
     ("", "质量指标", "临时救助审核准确率", "≥98%", "99%", "10", "10", ""),
     ("", "时效指标", "临时救助审核办结时限", "≤5个工作日", "4个工作日", "10", "10", ""),
     ("", "", "救助申请受理后入户核查时间", "≤24小时", "18小时", "10", "10", ""),
     ("效益指标", "社会效益指标", "困难群众基本生活保障覆盖率", "100%", "100%", "20", "20", ""),
     ("", "可持续影响指标", "社区养老服务站建设达标率", "≥95%", "90%", "20", "18",
      "3个站点场地改造未完工；将于2025年3月底前完成"),
     ("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥90%", "93%", "10", "10", ""),
     ("", "", "护理员培训班举办场次", "≥20场", "24场", "5", "5", ""),
     ("总分", "", "", "", "", "100", "95.5", "")),
    ((1, 0, 4, 0), (3, 1, 4, 1), (5, 0, 6, 0), (7, 0, 8, 0), (7, 1, 8, 1), (9, 0, 9, 4)))

WATER = _spec(
    "某区水务局2023年度部门整体支出绩效自评报告", "2023年度本局预算资金执行情况见下表。",
    ("年度资金总额", "2000.00", "2200.00", "2068.00", "10", "94.00%", "9.4"),
    "表2 资金分项执行情况",
    (("河道保洁", "500.00", "480.00", "96.00%", ""),
     ("水质监测", "120.00", "78.00", "65.00%", "监测设备招标延后")),
    (("产出指标", "数量指标", "河道巡查发现问题整改数", "≥300件", "260件", "10", "7", "部分问题涉及跨区协调"),
     ("", "质量指标", "河道巡查覆盖率", "100%", "100%", "10", "10", ""),
     ("", "时效指标", "河道巡查问题办结时限", "≤10个工作日", "8个工作日", "10", "10", ""),
     ("", "", "汛情报告后抢险响应时间", "≤2小时", "1.5小时", "10", "10", ""),
     ("效益指标", "生态效益指标", "重点水功能区水质达标率", "≥90%", "92%", "20", "20", ""),
     ("", "可持续影响指标", "农村供水工程维修达标率", "≥95%", "88%", "20", "16",
      "2处供水站管网更换未完工；将于2025年10月底前完成"),
     ("满意度指标", "服务对象满意度指标", "沿河群众满意度", "≥90%", "94%", "10", "10", ""),
     ("", "", "节水督导检查活动场次", "≥12场", "15场", "5", "5", ""),
     ("总分", "", "", "", "", "100", "92.4", "")),
    ((1, 0, 4, 0), (3, 1, 4, 1), (5, 0, 6, 0), (7, 0, 8, 0), (7, 1, 8, 1), (9, 0, 9, 4)))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PreparedReport]:
    folder = tmp_path_factory.mktemp("alike")
    return {"civil": prepare_report(make_docx_report(CIVIL, folder / "civil-2024.docx")),
            "water": prepare_report(make_pdf_report(WATER, folder / "water-2023.pdf"))}


def ask(reports: dict[str, PreparedReport], report: str, question: str):
    p = reports[report]
    return answer_from_tables(analyze(question), [f for f in p.figures if f.table], [p.info.id])


# (report, question, words the answer holds, words it must not hold, the row it cites)
ANSWERED = [
    # rows named alike: the measure word asked picks the row
    ("civil", "临时救助办了多少件？", ["720件"], ["99%"], "临时救助审核办理数"),
    ("water", "河道巡查整改了多少件？", ["260件"], ["100%"], "河道巡查发现问题整改数"),
    # ... the one that lost points, the one giving a reason
    ("civil", "临时救助扣了几分？", ["10分 − 8分 = 2分"], [], "临时救助审核办理数"),
    ("water", "河道巡查扣了几分？", ["10分 − 7分 = 3分"], [], "河道巡查发现问题整改数"),
    ("civil", "临时救助为什么没完成？", ["镇街直接办理"], [], "临时救助审核办理数"),
    ("water", "河道巡查为什么没完成？", ["跨区协调"], [], "河道巡查发现问题整改数"),
    # a row named by how its name ends
    ("civil", "覆盖率的目标是多少？", ["100%"], [], "困难群众基本生活保障覆盖率"),
    ("water", "水质达标率的目标是多少？", ["≥90%"], [], "重点水功能区水质达标率"),
    # a duration asked of a row named in part
    ("civil", "入户核查多长时间内完成？", ["18小时"], [], "救助申请受理后入户核查时间"),
    ("water", "抢险多长时间内响应？", ["1.5小时"], [], "汛情报告后抢险响应时间"),
    # the value and the reason asked together; a breakdown row's reason is its 备注
    ("civil", "社区助餐配送执行率多少？为什么低？", ["70.00%", "延后开业", "备注"], [], "社区助餐配送"),
    ("water", "水质监测执行率多少？为什么低？", ["65.00%", "招标延后", "备注"], [], "水质监测"),
    # the lowest of the table its caption names
    ("civil", "分项资金里哪项执行率最低？", ["社区助餐配送", "70.00%"], ["养老机构运营补贴"], "社区助餐配送"),
    ("water", "分项资金里哪项执行率最低？", ["水质监测", "65.00%"], ["河道保洁"], "水质监测"),
    # when: the date a reason cell gives
    ("civil", "养老服务站改造什么时候能完成？", ["2025年3月底前"], [], "社区养老服务站建设达标率"),
    ("water", "供水站管网更换什么时候完成？", ["2025年10月底前"], [], "农村供水工程维修达标率"),
    # the score of the item pointed at, never its rate
    ("civil", "预算执行率那一项得了几分？", ["9.5分"], ["95.00%"], "年度资金总额"),
    ("water", "预算执行率这一项得了几分？", ["9.4分"], ["94.00%"], "年度资金总额"),
    # two clauses split by a comma: both asked
    ("civil", "社区养老服务站建设达标率多少，得了几分？", ["90%", "18分"], [], "社区养老服务站建设达标率"),
    ("water", "农村供水工程维修达标率多少，得了几分？", ["88%", "16分"], [], "农村供水工程维修达标率"),
    # a header, then the score header: that header's score, not its value
    ("civil", "预算执行率得分多少？", ["9.5分"], ["95.00%"], "年度资金总额"),
    ("water", "执行率得分是多少？", ["9.4分"], ["94.00%"], "年度资金总额"),
    # was the money used up: the execution rate
    ("civil", "钱用完了吗？执行率多少？", ["95.00%"], [], "年度资金总额"),
    ("water", "资金花完了吗？", ["94.00%"], [], "年度资金总额"),
    # a header named and another column cued: both
    ("civil", "全年预算多少，实际花了多少？", ["全年预算数1100.00万元", "全年执行数1045.00万元"], [], "年度资金总额"),
    ("water", "年初预算多少，实际执行了多少？", ["年初预算数2000.00万元", "全年执行数2068.00万元"], [], "年度资金总额"),
    # rows named one by one, their sum asked: each operand shown
    ("civil", "养老机构运营补贴和社区助餐配送两项一共花了多少？", ["346.00万元", "养老机构运营补贴290.00万元", "290.00万元 + 56.00万元 = 346.00万元"], [],
     "社区助餐配送"),
    ("water", "河道保洁与水质监测合计执行了多少？", ["558.00万元", "水质监测78.00万元", "480.00万元 + 78.00万元 = 558.00万元"], [], "河道保洁"),
    # a deduction and the score asked together: the score leads, the deduction computed
    ("civil", "救助对象满意度扣分了吗？得了几分？", ["得分10分", "10分 − 10分 = 0分"], [], "救助对象满意度"),
    ("water", "沿河群众满意度扣分了吗？得了几分？", ["得分10分", "10分 − 10分 = 0分"], [], "沿河群众满意度"),
]


@pytest.mark.parametrize("report,question,holds,lacks,row", ANSWERED)
def test_the_ask_picks_the_row_and_every_ask_is_answered(reports, report, question, holds, lacks, row) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained, question
    for words in holds:
        assert words in draft.text, draft.text
    for words in lacks:
        assert words not in draft.text, draft.text
    assert any(row in c.text for c in draft.citations), draft.citations
    assert all(n.verified for n in verify_numbers(draft.text, draft.citations, question)), draft.text


@pytest.mark.parametrize("report,earlier,question,holds", [
    ("civil", "临时救助审核办理数完成了多少？", "为啥没完成？", "镇街直接办理"),
    ("water", "河道巡查发现问题整改数完成了多少？", "为什么没达标？", "跨区协调"),
])
def test_a_bare_why_follows_the_earlier_questions_row(reports, report, earlier, question, holds) -> None:
    p = reports[report]
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": "……"}]
    draft = answer_from_tables(analyze(question, history), [f for f in p.figures if f.table], [p.info.id])
    assert draft is not None and holds in draft.text, draft and draft.text


@pytest.mark.parametrize("report,question,holds", [
    ("civil", "How many training sessions were held?", "24场"),
    ("water", "How many inspection events were held?", "15场"),
])
def test_an_english_count_is_answered_by_the_row_counting(reports, report, question, holds) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and not draft.abstained and draft.text.startswith(holds), draft and draft.text


@pytest.mark.parametrize("report,question,total", [
    ("civil", "How many points did the bureau lose on the assistance review accuracy rate?", "4.5"),
    ("water", "How many points did the bureau lose on the river patrol coverage rate?", "7.6"),
])
def test_an_english_indicator_is_never_answered_by_the_total(reports, report, question, total) -> None:
    draft = ask(reports, report, question)
    assert draft is None or total not in draft.text, draft.text


@pytest.mark.parametrize("report,question,total", [
    ("civil", "总共扣了几分？", "4.5"),
    ("water", "How many points were deducted overall?", "7.6"),
])
def test_the_total_still_answers_what_names_no_indicator(reports, report, question, total) -> None:
    draft = ask(reports, report, question)
    assert draft is not None and total in draft.text, draft and draft.text


@pytest.mark.parametrize("question,terms", [
    ("What was the quality pass rate of legal aid cases?", ["法律援助", "合格率", "质量"]),
    ("How many legal aid applications were processed?", ["法律援助", "办理"]),
    ("What was the on-the-spot dispute resolution rate?", ["就地", "化解"]),
    ("What was the pass rate of food safety inspections?", ["合格率"]),
    ("What was the trainees' satisfaction rate?", ["学员", "满意度"]),
    ("How many trainees found jobs?", ["学员", "培训"]),
    ("How much of the school's own funds was spent?", ["自有资金"]),
    ("How much of the hospital's self-raised funds was spent?", ["自筹资金"]),
    ("What was the satisfaction rate of vaccine recipients and parents?", ["受种者", "家长", "满意度"]),
    ("How satisfied were parents with after-school services?", ["家长"]),
    ("How many back lanes were renovated?", ["背街小巷", "整治"]),
    ("How many side-streets were refurbished?", ["背街小巷", "修缮"]),
    ("How many kilometres of rural roads were maintained?", ["农村公路", "养护"]),
    ("What was the road maintenance cost per kilometre?", ["养护"]),
    ("What share of residents were satisfied?", ["居民", "满意度"]),
    ("What was the execution rate of the other funds?", ["其他资金", "执行率"]),
    ("How much of the other funding was spent?", ["其他资金"]),
])
def test_the_glossary_names_indicators_in_the_reports_terms(question, terms) -> None:
    found = analyze(question).terms
    assert all(t in found for t in terms), found
