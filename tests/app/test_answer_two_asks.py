"""Two asks in one question, each on small reports of two different bodies (our own wordings, not the evaluation's):
each ask gets its own figure where both lead with the same one (报名 / 结业, 财政拨款 / 其他资金), the second ask of
a pair names only its verb or qualifier ("目标是多少人，实际保障了多少", "比上年减了多少", "这项得了几分"), a figure
stated once for every item of a list ("收、支总计各是A万元") and its change in the next sentence, and a clause that
says what was reached is not a target because the clause before it states one."""
from __future__ import annotations

import pytest

from app.question import analyze
from tests.app.conftest import answer_in, small_reports

CIVIL = """某区民政局2023年度部门整体支出绩效自评报告
一、部门基本情况
2023年末核定编制42名，实有在职人员39人。
二、绩效目标完成情况
城乡低保对象目标不少于3100人，实际保障3246人，完成目标；特困人员供养目标不少于410人，实际供养428人。
临时救助审批时限目标不超过5个工作日，实际平均4.2个工作日。
三、培训情况
举办社工培训班12期，报名学员960人，结业905人。
四、“三公”经费情况
2023年度本部门“三公”经费支出6.12万元，比上年减少0.84万元，下降12.07%。
五、资金来源
项目资金（万元）：年度资金总额210.00，其中：财政拨款180.00，其他资金30.00。
六、决算总体情况
2023年度收、支总计各是2451.30万元。与2022年度相比，收、支总计各增加160.20万元，增长6.99%。
"""

SCHOOL = """某县第二中学2024年度部门整体支出绩效自评报告
一、学校基本情况
2024年末核定编制86名，实有教职工82人。
二、绩效目标完成情况
资助家庭经济困难学生目标不少于520人，实际资助548人；校舍维修目标不少于6所，实际完成7所。
设备报修响应时限目标不超过3个工作日，实际平均1.5个工作日。
三、培训情况
开展教师信息技术培训8期，报名教师310人，结业296人。
四、“三公”经费情况
2024年度本校“三公”经费支出2.48万元，比上年减少0.36万元，下降12.68%。
五、资金来源
项目资金（万元）：年度资金总额95.00，其中：财政拨款80.00，其他资金15.00。
六、决算总体情况
2024年度收、支总计各是3120.60万元。与2023年度相比，收、支总计各增加210.40万元，增长7.23%。
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("two-asks"), dict((("civil-2023", CIVIL), ("school-2024", SCHOOL))))


def answer(reports, report: str, question: str):
    return answer_in(reports, report, question)


def _in_order(text: str, *values: str) -> bool:
    at = [text.find(v) for v in values]
    return all(a >= 0 for a in at) and at == sorted(at)


@pytest.mark.parametrize("report,question,values", [
    ("civil-2023", "培训报名多少人，结业多少？", ("960", "905")),
    ("school-2024", "培训报名多少人，结业多少？", ("310", "296")),
    ("civil-2023", "钱里面财政拨款多少，其他资金多少？", ("180.00", "30.00")),
    ("school-2024", "钱里面财政拨款多少，其他资金多少？", ("80.00", "15.00")),
    ("civil-2023", "编制多少名，实有多少人？", ("42", "39")),
    ("school-2024", "编制多少名，实有多少？", ("86", "82")),
])
def test_each_ask_gets_its_own_figure(reports, report, question, values) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and _in_order(draft.text.split("报告原文")[0], *values), draft.text


@pytest.mark.parametrize("report,question,values", [
    ("civil-2023", "低保对象目标是多少人，实际保障了多少？", ("3100", "3246")),
    ("school-2024", "困难学生资助目标是多少人，实际资助了多少？", ("520", "548")),
    ("civil-2023", "临时救助审批时限要求多少，实际平均几天？", ("5个工作日", "4.2个工作日")),
    ("school-2024", "设备报修响应时限要求多少，实际平均几天？", ("3个工作日", "1.5个工作日")),
    ("civil-2023", "三公经费花了多少，比上年减了多少？", ("6.12", "0.84")),
    ("school-2024", "三公经费花了多少，比上年减了多少？", ("2.48", "0.36")),
])
def test_the_second_ask_of_a_pair_is_of_the_same_thing(reports, report, question, values) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and _in_order(draft.text.split("报告原文")[0], *values), draft.text


@pytest.mark.parametrize("report,question", [
    ("civil-2023", "特困人员实际供养了多少人？"),
    ("school-2024", "校舍维修实际完成了几所？"),
])
def test_what_was_reached_after_a_target_in_its_sentence_is_not_a_target(reports, report, question) -> None:
    draft = answer(reports, report, question)
    reached = {"civil-2023": "428", "school-2024": "7所"}[report]
    assert not draft.abstained and draft.text.startswith(reached), draft.text


@pytest.mark.parametrize("report,question,value", [
    ("civil-2023", "2023年收支总计是多少？", "2451.30"),
    ("school-2024", "收支总计多少", "3120.60"),
])
def test_a_figure_stated_for_every_item_answers_each(reports, report, question, value) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(value), draft.text


@pytest.mark.parametrize("report,question,values", [
    ("civil-2023", "收支总计比上年增加了多少，增长多少？", ("160.20", "6.99%")),
    ("school-2024", "收支总计比上年增加了多少，增长多少？", ("210.40", "7.23%")),
])
def test_the_change_of_every_item_and_its_rate(reports, report, question, values) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and _in_order(draft.text, *values), draft.text


@pytest.mark.parametrize("report,question,previous", [
    ("civil-2023", "2022年收支总计多少", "2291.10"),
    ("school-2024", "2023年收支总计多少", "2910.20"),
])
def test_last_years_total_from_the_change_in_the_next_sentence(reports, report, question, previous) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(previous) and " - " in draft.text, draft.text


@pytest.mark.parametrize("question,first,second", [
    ("比上年少了多少，降了几个点？", "change", "percent"),
    ("三公经费花了多少，比上年减了多少？", "level", "change"),
])
def test_a_lone_verb_or_points_leaves_the_ask_to_the_one_before(question, first, second) -> None:
    asks = analyze(question).asks
    assert len(asks) == 2 and asks[0].subject == asks[1].subject
    assert (asks[1].kind if second == "percent" else asks[1].qualifier) == second
    assert asks[0].qualifier == first


def test_points_of_service_are_not_percentage_points() -> None:
    assert analyze("建了几个点位").asks[0].kind != "percent"


@pytest.mark.parametrize("question,unit", [
    ("How many kilometres of rural roads were maintained?", "公里"),
    ("How many km of roads were resurfaced?", "公里"),
])
def test_kilometres_asked_are_the_reports_kilometres(question, unit) -> None:
    assert analyze(question).asks[0].unit == unit


@pytest.mark.parametrize("question,operands", [
    ("环境卫生保洁和绿化照明两块一共花了多少", ("环境卫生保洁", "绿化照明")),
    ("会议费和培训费两项一共花了多少钱", ("会议费", "培训费")),
])
def test_two_items_counted_then_summed(question, operands) -> None:
    q = analyze(question)
    assert q.operation == "sum" and q.operands == operands


@pytest.mark.parametrize("question,subject", [
    ("危桥改造当初定的目标是多少座？", ("危桥改造",)),
    ("校舍维修原先定的目标是多少所？", ("校舍维修",)),
    ("危桥那两座为什么没改完？", ("危桥", "没改完")),
    ("垃圾转运站那两座为什么没建完？", ("垃圾转运站", "没建完")),
])
def test_when_a_target_was_set_and_which_of_them_name_no_topic(question, subject) -> None:
    assert analyze(question).asks[0].subject[:len(subject)] == subject
