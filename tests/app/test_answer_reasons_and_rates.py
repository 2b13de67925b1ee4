"""Reasons and completion rates, each on small reports of two different bodies (our own wordings, not the
evaluation's): a form's field "偏差原因：…" says why; a figure asked with its reason ("差了多少，为什么？") is answered with
both; "完成计划/预算的百分之多少" is a completion rate (not a share, not the plan), and "预算是多少" beside it the budget;
"A和B各占W多少" gives each item's share, and "X花了多少？在W里占几成" the share of X; 签约人数 is what 签约居民…万人
counts (人数 names the measure, not the item); a measure per one (单价, 人均, 平均每…) is answered only by a figure stated per
one, never by the purchase's total; "平均每批次…" the report does not state is the total ÷ the count beside it, computed."""
from __future__ import annotations

import pytest

from tests.app.conftest import answer_in, small_reports

# a key:value project form: each field a line, the reasons in their own fields
FORM_A = """某区妇幼保健院2024年度孕产妇保健服务项目支出绩效自评表
项目名称：孕产妇保健服务项目
主管部门：某区卫生健康局
孕产妇系统管理人数：指标值≥1200人，实际完成值1134人，分值10分，得分9分，未完成
产检信息平台上线时间：指标值2024年6月30日前，实际完成值2024年9月12日，分值5分，得分3分，未完成
孕产妇满意度：指标值≥90%，实际完成值95.1%，分值10分，得分10分
孕产妇系统管理人数偏差原因：辖区流动人口外迁，部分孕妇转外地建档，管理人数未达到年度指标值。
产检信息平台上线时间偏差原因：平台与区域卫生信息系统对接需重新开发接口，测试周期延长。
"""

FORM_B = """某县农业技术推广站2023年度农技培训项目支出绩效自评表
项目名称：高素质农民培训项目
主管部门：某县农业农村局
培训农民人数：指标值≥600人，实际完成值552人，分值10分，得分8分，未完成
培训基地建成时间：指标值2023年5月31日前，实际完成值2023年8月20日，分值5分，得分2分，未完成
学员满意度：指标值≥85%，实际完成值92.4%，分值10分，得分10分
培训教材单价：指标值≤35元/册，实际完成值32元/册，分值5分，得分5分
培训农民人数偏差原因：夏收农忙期间参训农民请假较多，部分班次开班人数不足。
培训基地建成时间偏差原因：基地选址调整后需重新办理用地手续，施工进场推迟。
"""

PROSE_A = """某区统计局2023年度部门整体支出绩效自评报告
一、预算执行情况
2023年末核定编制48名，实有在职人员45人。
全年预算数856.40万元，全年执行数812.15万元，全年预算数与执行数相差44.25万元，主要是经济普查入户登记延至下年开展，普查经费结转。
二、收支情况
2023年度一般公共预算财政拨款支出决算为812.15万元，占本年支出合计的95.20%，完成预算的94.83%（预算856.40万元）。
本年支出合计853.10万元，其中：基本支出602.35万元，占70.61%；项目支出250.75万元，占29.39%。
项目支出中，统计调查经费120.30万元，占47.98%；普查经费84.20万元，占33.58%。
三、“三公”经费情况
“三公”经费支出4.80万元，其中：公务用车运行维护费3.60万元，占75.00%；公务接待费1.20万元，占25.00%。
公务接待费支出决算为1.20万元，完成预算的60.00%（预算2.00万元）。全年共接待国内公务接待12批次96人次。
四、服务情况
全年签约统计联络员1260人，比计划的1200人多60人，完成计划的105.00%。
五、设备购置
购置统计数据采集平板电脑60台，支出21.00万元；购置普查专用服务器2台，支出13.00万元。
"""

PROSE_B = """某县审计局2024年度部门整体支出绩效自评报告
一、预算执行情况
2024年末核定编制31名，实有在职人员27人。
全年预算数512.60万元，全年执行数471.30万元，全年预算数与执行数相差41.30万元，主要是政府投资审计项目委托费用按进度结算，部分费用未到支付期。
二、收支情况
2024年度一般公共预算财政拨款支出决算为471.30万元，占本年支出合计的91.40%，完成预算的91.94%（预算512.60万元）。
本年支出合计515.65万元，其中：基本支出380.25万元，占73.74%；项目支出135.40万元，占26.26%。
项目支出中，委托审计费用78.60万元，占58.05%；审计信息化建设36.80万元，占27.18%。
三、“三公”经费情况
“三公”经费支出2.50万元，其中：公务用车运行维护费1.90万元，占76.00%；公务接待费0.60万元，占24.00%。
公务接待费支出决算为0.60万元，全年接待5批次30人次，主要是接待上级审计机关业务指导。
四、服务情况
全年签约特约审计员86人，比计划的80人多6人，完成计划的107.50%。
五、设备购置
购置审计现场取证记录仪24台，支出9.60万元；采购审计专用笔记本电脑12台，单价0.65万元，共7.80万元。
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("reasons-rates"),
                         {"form-a": FORM_A, "form-b": FORM_B, "prose-a": PROSE_A, "prose-b": PROSE_B})


def _lead(text: str) -> str:
    return text.split("报告原文")[0]


@pytest.mark.parametrize("report,question,said,not_said", [
    ("form-a", "系统管理人数为什么没达标？", "流动人口外迁", "对接需重新开发"),
    ("form-a", "信息平台为什么没按时上线？", "重新开发接口", "流动人口"),
    ("form-b", "培训农民人数为什么没完成？", "农忙期间", "用地手续"),
    ("form-b", "培训基地为什么没按时建成？", "用地手续", "农忙"),
])
def test_a_forms_reason_field_says_why(reports, report, question, said, not_said) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and said in draft.text and not_said not in draft.text, draft.text


@pytest.mark.parametrize("report,question,figure,why", [
    ("prose-a", "全年预算和执行数差了多少，为什么？", "44.25", "经济普查入户登记延至下年"),
    ("prose-b", "全年预算和执行数差了多少，为什么？", "41.30", "按进度结算"),
])
def test_a_figure_asked_with_its_reason_gets_both(reports, report, question, figure, why) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and figure in draft.text and why in draft.text, draft.text


@pytest.mark.parametrize("report,question,values,absent", [
    ("prose-a", "一般公共预算财政拨款支出完成预算的百分之多少？", ("94.83",), "95.20"),
    ("prose-b", "一般公共预算财政拨款支出完成预算的百分之多少？", ("91.94",), "91.40"),
    ("prose-a", "财政拨款支出完成预算的百分之多少？预算是多少？", ("94.83", "856.40"), "95.20"),
    ("prose-b", "财政拨款支出完成预算的百分之多少？预算是多少？", ("91.94", "512.60"), "91.40"),
    ("prose-a", "签约人数完成计划的百分之多少", ("105.00",), "1200"),
    ("prose-b", "签约人数完成计划的百分之多少", ("107.50",), "80人"),
])
def test_a_completion_rate_is_neither_a_share_nor_the_plan(reports, report, question, values, absent) -> None:
    draft = answer_in(reports, report, question)
    lead = _lead(draft.text)
    assert not draft.abstained and all(v in lead for v in values) and absent not in lead, draft.text


@pytest.mark.parametrize("report,question,values,absent", [
    ("prose-a", "公务用车和公务接待各占三公经费多少？", ("75.00", "25.00"), None),
    ("prose-b", "公务用车和公务接待各占三公经费多少？", ("76.00", "24.00"), None),
    ("prose-a", "统计调查经费那块花了多少？在项目支出里占几成？", ("120.30", "47.98"), "29.39"),
    ("prose-b", "委托审计费用那块花了多少？在项目支出里占几成？", ("78.60", "58.05"), "26.26"),
])
def test_each_item_gets_its_own_share(reports, report, question, values, absent) -> None:
    draft = answer_in(reports, report, question)
    lead = _lead(draft.text)
    assert not draft.abstained and all(v in lead for v in values), draft.text
    assert absent is None or absent not in lead, draft.text


@pytest.mark.parametrize("report,question,value", [
    ("form-b", "培训教材单价多少？", "32"),
    ("prose-b", "审计专用笔记本电脑单价多少？", "0.65"),
])
def test_a_price_per_one_stated_answers(reports, report, question, value) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and value in _lead(draft.text), draft.text


@pytest.mark.parametrize("report,question,total", [
    ("prose-a", "平板电脑单价是多少？", "21.00"),
    ("prose-a", "服务器单价是多少？", "13.00"),
    ("prose-b", "取证记录仪单价是多少？", "9.60"),
])
def test_a_price_per_one_not_stated_is_not_the_total(reports, report, question, total) -> None:
    draft = answer_in(reports, report, question)
    # (the total may be listed as a related figure, labelled as not what was asked)
    assert draft.abstained and (total not in draft.text or "并非所问" in draft.text), draft.text


@pytest.mark.parametrize("report,question,value", [
    ("prose-a", "平均每批次接待花了多少万元？", "0.10"),
    ("prose-b", "平均每批次接待花了多少万元？", "0.12"),
    ("prose-a", "平均每批次接待几个人？", "8.00"),
    ("prose-b", "平均每批次接待几个人？", "6.00"),
])
def test_an_average_per_one_is_computed_from_the_total_and_its_count(reports, report, question, value) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and value in draft.text and "计算" in draft.text, draft.text


@pytest.mark.parametrize("report,value", [("prose-a", "3"), ("prose-b", "4")])
def test_people_counted_in_名_and_人_are_one_measure(reports, report, value) -> None:
    draft = answer_in(reports, report, "核定编制比实有在职人员多几个？")
    assert not draft.abstained and draft.text.startswith(value), draft.text
