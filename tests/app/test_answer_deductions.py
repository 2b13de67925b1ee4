"""Points deducted and what is short of a plan or budget, each on small reports of two different bodies (our own
wordings, not the evaluation's): 扣了几分 as 分值/满分/总分 − 得分 of the same item, the whole score's deduction from
the full marks stated beside it, on their own (总分：100分) or as its parts' full marks; a key:value line's figure
named by its key (分值 is no 得分); 差了多少没完成 / 还差多少人没体检 as the plan less what was done; 还剩多少没用 as
the budget less the spending; a table row named by a group label (预算执行这块), an abbreviation (农污 of 农村生活
污水), a word of its name alone (管网那项), or by the question before (那扣了几分); 不含/除…外 naming what the
asked score leaves out; a computed result used again as an operand stays verified."""
from __future__ import annotations

import pytest

from app.question import analyze
from tests.app.conftest import answer_in, small_reports

# key:value lines, as a 项目支出绩效自评表 converted to text writes them
CDC = """某县疾病预防控制中心2024年度疫苗冷链能力提升项目支出绩效自评表
一、项目资金情况
年度资金总额：186.00万元
资金到位率分值：8分
资金到位率得分：7.20分
二、绩效指标完成情况
冷链设备购置数量：指标值≥12台，实际完成值10台，分值10分，得分8分，未完成
冷链管理人员培训人次：指标值≥600人次，实际完成值553人次，分值10分，得分9分，未完成
疫苗储存温度合格率：指标值≥98%，实际完成值99.1%，分值10分，得分10分
三、自评结论
总分：100分
自评得分：95.20分
"""

FARM = """某镇农业综合服务中心2023年度农技推广项目支出绩效自评表
一、项目资金情况
年度资金总额：64.50万元
资金执行率分值：12分
资金执行率得分：11.40分
二、绩效指标完成情况
农技培训人次：指标值≥500人次，实际完成值462人次，分值10分，得分9分，未完成
示范基地建设个数：指标值≥6个，实际完成值6个，分值10分，得分10分
三、自评结论
总分：100分
自评得分：93.40分
"""

# an evaluation opinion in plain prose: the whole score, then its parts each with its full marks
CLINIC = """关于某区妇幼保健院2022年度儿童口腔保健项目绩效评价意见的函
某区妇幼保健院：
我局对你院2022年度儿童口腔保健项目开展了重点绩效评价。该项目全年预算86.00万元，实际支出80.12万元。适龄儿童口腔检查4820人，计划5000人，完成计划的96.40%，未完成的原因是部分儿童随父母外出。“三公”经费财政拨款支出决算为3.42万元，完成预算的85.50%（预算4.00万元）。
经评价，该项目综合得分88分，评价等级为“良”，其中项目决策得分18分（满分20分），项目过程得分17分（满分20分），项目产出得分33分（满分40分），项目效益得分20分（满分20分）。
"""

TOWN = """某镇人民政府2023年度农村危房改造项目支出绩效自评报告
一、项目概况
农村危房改造完成132户，计划150户，完成计划的88.00%，主要原因是部分农户外出务工未能按期开工。
2023年度“三公”经费财政拨款支出决算为8.75万元，完成预算的87.50%（预算10.00万元）。
二、自评结论
根据项目支出绩效评价指标体系，本镇2023年度项目支出绩效自评得分 91.5 分，评价等级为“优”。其中：投入得分 19 分（满分 20 分），过程得分 18.5 分（满分 20 分），产出得分 36 分（满分 40 分），效益得分 18 分（满分 20 分）。
"""

# each part's 分值 stated before its 得分, the whole score after them
LIBRARY = """某区图书馆2024年度数字阅读推广项目绩效自评报告
一、预算执行情况
预算执行率分值10分，得分9.60分。
二、绩效指标完成情况
一、产出指标（分值50分，得分47分）
二、效益指标（分值30分，得分28分）
三、满意度指标（分值10分，得分9分）
三、自评结论
自评总分：93.60分；评价等级为优。
"""

SCHOOL = """某县第三中学2023年度智慧校园建设项目绩效自评报告
一、预算执行情况
预算执行率分值10分，得分9.20分。
二、绩效指标完成情况
（一）产出指标：分值40分，得分36分。
（二）效益指标：分值40分，得分38分。
（三）满意度指标：分值10分，得分8分。
三、自评结论
项目自评总分：91.20分，评价等级为优。
"""

_HEADER = "一级指标\t二级指标\t三级指标\t分值\t年度指标值\t实际完成值\t得分\t偏差原因分析及改进措施"

WATER = "\n".join([
    "某区水务局2024年度部门整体支出绩效自评报告",
    "一、绩效指标完成情况",
    "表1 2024年度部门整体支出绩效指标完成情况",
    _HEADER,
    "预算执行\t预算执行率\t部门预算执行率\t10\t≥90%\t93.20%\t9.32\t按分值×执行率计分",
    "产出指标\t数量指标\t农村生活污水治理村数\t8\t≥30个\t27个\t7.2\t3个村管网施工受汛期影响顺延",
    "产出指标\t数量指标\t新建改建排水管网长度\t6\t≥20公里\t18.5公里\t5.4\t部分路段征地未完成",
    "产出指标\t成本指标\t排水管网每公里建设成本\t5\t≤80万元\t76万元\t5\t",
    "效益指标\t生态效益指标\t新建住宅小区中海绵城市达标占比\t6\t≥60%\t55%\t5\t部分小区按原设计施工",
    "满意度指标\t服务对象满意度指标\t供水服务对象满意度\t8\t≥90%\t92%\t8\t",
    "总分\t总分\t总分\t100\t—\t—\t93.52\t",
]) + "\n"

CIVIL = "\n".join([
    "某县民政局2023年度部门整体支出绩效自评报告",
    "一、绩效指标完成情况",
    "表2 2023年度部门整体支出绩效指标完成情况",
    _HEADER,
    "预算执行\t预算执行率\t部门预算执行率\t10\t≥90%\t95.60%\t9.56\t按分值×执行率计分",
    "产出指标\t数量指标\t农村危房改造户数\t8\t≥120户\t104户\t6.9\t部分农户外出务工",
    "产出指标\t数量指标\t新建社区养老服务站点数\t6\t≥12个\t10个\t5\t2个站点选址调整",
    "产出指标\t成本指标\t养老服务站点单个建设成本\t5\t≤30万元\t28万元\t5\t",
    "效益指标\t社会效益指标\t新增养老床位中护理型床位占比\t6\t≥55%\t51%\t5\t护理人员招聘不足",
    "满意度指标\t服务对象满意度指标\t服务对象满意度\t8\t≥90%\t93%\t8\t",
    "总分\t总分\t总分\t100\t—\t—\t94.46\t",
]) + "\n"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("deductions"), {
        "cdc-2024": CDC, "farm-2023": FARM, "clinic-2022": CLINIC, "town-2023": TOWN,
        "water-2024": WATER, "civil-2023": CIVIL, "library-2024": LIBRARY, "school-2023": SCHOOL})


def _head(draft) -> str:
    return draft.text.split("报告原文")[0]


@pytest.mark.parametrize("report,question,score,weight", [
    ("cdc-2024", "资金到位率得了几分？", "7.20分", "8分"),
    ("farm-2023", "资金执行率得了多少分", "11.40分", "12分"),
])
def test_a_key_value_line_is_named_by_its_key(reports, report, question, score, weight) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(score), draft.text
    assert not _head(draft).startswith(weight), draft.text


@pytest.mark.parametrize("report,question,lead,operands", [
    ("cdc-2024", "总共扣了多少分？", "扣了4.80分", "100分 − 95.20分"),
    ("farm-2023", "一共扣了几分", "扣了6.60分", "100分 − 93.40分"),
    ("clinic-2022", "一共扣了几分", "扣了12分", "100分 − 88分"),
    ("town-2023", "总共扣了多少分", "扣了8.5分", "100分 − 91.5分"),
    ("library-2024", "总共扣了多少分？", "扣了6.40分", "100分 − 93.60分"),
    ("school-2023", "一共扣了几分", "扣了8.80分", "100分 − 91.20分"),
])
def test_the_whole_score_falls_short_of_its_full_marks(reports, report, question, lead, operands) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead) and operands in draft.text, draft.text


def test_the_full_marks_of_the_parts_are_shown_when_the_whole_has_none(reports) -> None:
    draft = answer_in(reports, "clinic-2022", "一共扣了几分")
    assert "20分 + 20分 + 40分 + 20分 = 100分" in draft.text, draft.text


@pytest.mark.parametrize("report,earlier,said,lead", [
    ("town-2023", "自评得了多少分？", "本镇2023年度项目支出绩效自评得分91.5分。", "扣了8.5分"),
    ("clinic-2022", "综合得分多少？", "该项目综合得分88分。", "扣了12分"),
])
def test_a_deduction_asked_after_the_whole_score_is_the_whole_scores(reports, report, earlier, said, lead) -> None:
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": said}]
    draft = answer_in(reports, report, "扣了几分？", history)
    assert not draft.abstained and draft.text.startswith(lead), draft.text


@pytest.mark.parametrize("report,question,lead,operands", [
    ("cdc-2024", "冷链管理人员培训人次差了多少没完成？", "47人次", "600人次 - 553人次"),
    ("farm-2023", "农技培训人次差了多少没完成", "38人次", "500人次 - 462人次"),
    ("clinic-2022", "还差多少人没检查", "180人", "5000人 - 4820人"),
    ("town-2023", "危房改造还差多少户没完成？", "18户", "150户 - 132户"),
])
def test_what_was_not_done_is_the_plan_less_what_was(reports, report, question, lead, operands) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead) and operands in draft.text, draft.text


@pytest.mark.parametrize("report,question,lead", [
    ("clinic-2022", "三公预算还剩多少没用？", "0.58万元"),
    ("town-2023", "三公经费预算还剩多少没用", "1.25万元"),
])
def test_what_was_not_used_is_the_budget_less_the_spending(reports, report, question, lead) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead), draft.text


@pytest.mark.parametrize("report,question,lead,row", [
    ("water-2024", "预算执行这块扣了几分？", "扣了0.68分", "部门预算执行率"),
    ("civil-2023", "预算执行这块扣了多少分", "扣了0.44分", "部门预算执行率"),
    ("water-2024", "农污治理那项扣了几分", "扣了0.8分", "农村生活污水治理村数"),
    ("civil-2023", "危改户数那项扣了几分", "扣了1.1分", "农村危房改造户数"),
    ("water-2024", "管网那项扣了几分", "扣了0.6分", "新建改建排水管网长度"),
    ("civil-2023", "养老服务站点这项扣了几分", "扣了1分", "新建社区养老服务站点数"),
])
def test_the_row_a_deduction_names(reports, report, question, lead, row) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead) and row in draft.text, draft.text
    assert "总分" not in draft.text, draft.text


@pytest.mark.parametrize("report,earlier,said,lead", [
    ("water-2024", "海绵城市占比完成了多少？", "新建住宅小区中海绵城市达标占比55%，目标≥60%。", "1分"),
    ("civil-2023", "护理型床位占比完成了多少？", "新增养老床位中护理型床位占比51%，目标≥55%。", "1分"),
])
def test_a_deduction_asked_after_a_row_is_that_rows(reports, report, earlier, said, lead) -> None:
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": said}]
    draft = answer_in(reports, report, "那扣了几分？", history)
    assert not draft.abstained and draft.text.removeprefix("扣了").startswith(lead), draft.text
    assert "100分" not in draft.text, draft.text  # not the total's


@pytest.mark.parametrize("report,question,lead", [
    ("water-2024", "农污治理村数还差多少没完成？", "3个"),
    ("civil-2023", "危房改造还差多少没完成？", "16户"),
])
def test_what_a_row_falls_short_asked_with_still(reports, report, question, lead) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead), draft.text


@pytest.mark.parametrize("report,question,lead", [
    ("water-2024", "排水管网长度差了多少公里？", "1.5公里"),
    ("civil-2023", "社区养老服务站点差了几个", "2个"),
])
def test_how_far_a_row_of_new_ones_is_from_its_target_is_that_rows(reports, report, question, lead) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead), draft.text


@pytest.mark.parametrize("report,question,lead,wrong", [
    ("water-2024", "绩效指标得分多少，不含预算执行", "84.20分", "9.32分"),
    ("civil-2023", "除预算执行外，绩效指标得了几分？", "84.90分", "9.56分"),
])
def test_what_the_question_leaves_out_names_no_part_asked(reports, report, question, lead, wrong) -> None:
    draft = answer_in(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead), draft.text
    assert not draft.text.startswith(wrong)


@pytest.mark.parametrize("question,text,excluded", [
    ("绩效指标得分多少，不含预算执行", "绩效指标得分多少", ("预算执行",)),
    ("不包括预算执行那部分，绩效指标得了多少分？", "绩效指标得了多少分？", ("预算执行",)),
    ("除公务接待费以外，三公经费是多少", "三公经费是多少", ("公务接待费",)),
    ("病险水库除险加固完成了几座？", "病险水库除险加固完成了几座？", ()),
])
def test_what_is_left_out_is_read_apart(question, text, excluded) -> None:
    q = analyze(question)
    assert q.text == text and q.excluded == excluded


def test_a_result_shown_before_is_verified_where_it_is_used_again() -> None:
    """"15分 + 25分 = 40分；40分 − 32分 = 8分": the sum's result, used again as an operand, is as verified as where it
    was computed, and so is what it gives."""
    from app.answer import Citation
    from app.verify import verify_numbers

    cited = [Citation("其中决策得分14分（满分15分），产出得分18分（满分25分），合计得分32分。", "", "x", ())]
    checks = verify_numbers("扣了8分（各部分满分之和：15分 + 25分 = 40分；满分减得分：40分 − 32分 = 8分）。", cited)
    assert all(c.verified for c in checks), checks
