"""What was left of a budget, what was not met, and a figure asked with its reason, each on small reports of two
different bodies (our own wordings, not the evaluation's): 剩了/节约了 as the budget (预算Y万元, stated beside the
spending) less what was spent; "哪一项没完成" answered from the prose that says so; "X多少，为什么…" answered with the
figure and the reason; a whole stated just before its parts (自评得分 before 其中：决策指标得分…); a year named after a
figure's clause (延期至2025年) is not the figure's; "完成预算的比例" is a rate; a rate named in the clause before a
percentage (准确率目标≥98%，实际达到99.6%) is no share; the report's topic named by its first words and 项目."""
from __future__ import annotations

import pytest

from app.question import analyze
from tests.app.conftest import answer_in, small_reports

HEALTH = """某区卫生健康局2024年度部门整体支出绩效自评报告
一、部门收支情况
2024年全年预算数2860.00万元，实际支出2743.50万元，预算执行率95.93%，年末结转结余116.50万元，主要是社区卫生服务中心改造工程款未达到支付条件。
项目支出1820.40万元中，基本公共卫生服务补助1036.80万元，占56.96%；家庭医生签约服务经费288.60万元，占15.85%。
二、绩效目标完成情况
基本公共卫生服务资金拨付准确率目标≥98%，实际达到99.2%，完成目标；家庭医生签约率目标≥75%，实际为71.6%，未完成目标，主要原因是签约团队调整，延期至2025年第二季度补足。
举办社区健康讲座目标不少于40场，实际举办48场；开展义诊活动目标不少于20场，实际开展26场。
三、“三公”经费情况
1．公务接待费。2024年度决算为2.64万元，完成预算的88.00%（预算3.00万元），比上年减少0.36万元。国（境）外公务接待费0万元，本年度无外事接待支出。
2．“三公”经费合计。2024年度“三公”经费决算为9.10万元，完成预算的91.00%（预算10.00万元）。决算数小于预算数的主要原因是严格落实过紧日子要求，压减会议和接待开支。
机关运行经费支出210.30万元，比上年减少15.20万元，主要原因是压减办公费和差旅费。
四、自评结论
本局2024年度部门整体支出绩效自评得分93.5分，自评等级为“优”。其中：决策指标得分19分（满分20分）；过程指标得分18.5分（满分20分）；产出指标得分37分（满分40分）。
"""

SCHOOL = """某县实验小学2023年度部门整体支出绩效自评报告
一、学校收支情况
2023年全年预算数1640.00万元，实际支出1588.20万元，预算执行率96.84%，年末结转结余51.80万元，主要是食堂改造尾款跨年支付。
项目支出620.50万元中，学生营养餐补助310.20万元，占49.99%；校舍维修经费120.30万元，占19.39%。
二、绩效目标完成情况
营养餐资金发放准确率目标≥99%，实际达到99.8%，完成目标；校舍维修完成率目标100%，实际为85%，未完成目标，主要原因是招标延误，延期至2024年暑期完工。
开设家长课堂目标不少于12场，实际开设16场；组织研学活动目标不少于8场，实际组织9场。
三、“三公”经费情况
1．公务接待费。2023年度决算为1.26万元，完成预算的84.00%（预算1.50万元），比上年减少0.14万元。国（境）外公务接待费0万元，本年度无外事接待支出。
2．“三公”经费合计。2023年度“三公”经费决算为4.20万元，完成预算的84.00%（预算5.00万元）。决算数小于预算数的主要原因是减少外出培训和公务接待。
机关运行经费支出96.40万元，比上年减少6.10万元，主要原因是压减水电费和印刷费。
四、自评结论
本校2023年度部门整体支出绩效自评得分91分，自评等级为“优”。其中：决策指标得分18分（满分20分）；过程指标得分17分（满分20分）；产出指标得分38分（满分40分）。
"""

PROJECT = """某街道办事处2025年度老旧小区环境提升项目支出绩效自评报告
一、项目概况
2025年项目年初预算420.00万元，全年预算480.00万元，项目全年执行452.60万元。
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    return small_reports(tmp_path_factory.mktemp("left-and-not-met"), dict((("health-2024", HEALTH), ("school-2023", SCHOOL), ("project-2025", PROJECT))))


def answer(reports, report: str, question: str):
    return answer_in(reports, report, question)


@pytest.mark.parametrize("report,question,lead,operands", [
    ("health-2024", "公务接待费预算剩了多少？", "0.36万元", "3.00万元 - 2.64万元"),
    ("school-2023", "公务接待费预算剩了多少？", "0.24万元", "1.50万元 - 1.26万元"),
    ("health-2024", "三公经费预算一共节约了多少？", "0.90万元", "10.00万元 - 9.10万元"),
    ("school-2023", "三公经费预算一共节约了多少？", "0.80万元", "5.00万元 - 4.20万元"),
])
def test_what_is_left_is_the_budget_less_what_was_spent_beside_it(reports, report, question, lead, operands) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead) and operands in draft.text, draft.text


@pytest.mark.parametrize("report,question,named,not_named", [
    ("health-2024", "绩效指标里哪一项没完成？", "家庭医生签约率", "拨付准确率"),
    ("school-2023", "哪几项指标没完成？", "校舍维修完成率", "发放准确率"),
])
def test_the_targets_not_met_are_those_the_prose_says(reports, report, question, named, not_named) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and named in draft.text and not_named not in draft.text, draft.text
    assert "支付条件" not in draft.text  # a payment condition not reached is no target


@pytest.mark.parametrize("report,question,figure,reason", [
    ("health-2024", "年底结转结余多少？为什么这么多？", "116.50", "未达到支付条件"),
    ("school-2023", "年底结转结余多少？为什么？", "51.80", "跨年支付"),
    ("health-2024", "机关运行经费多少，为什么下降？", "210.30", "压减办公费"),
    ("school-2023", "机关运行经费多少，为什么减少？", "96.40", "压减水电费"),
])
def test_a_figure_asked_with_its_reason_is_given_with_it(reports, report, question, figure, reason) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and figure in draft.text and reason in draft.text, draft.text
    assert draft.text.count(reason) == 1, draft.text


@pytest.mark.parametrize("report,question,score", [
    ("health-2024", "自评得了多少分？", "93.5分"),
    ("school-2023", "自评得了多少分？什么等级", "91分"),
])
def test_the_whole_stated_just_before_its_parts_is_the_answer(reports, report, question, score) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(score), draft.text


@pytest.mark.parametrize("report,question,lead", [
    ("health-2024", "家庭医生签约率离目标差几个百分点", "3.4个百分点"),
    ("school-2023", "校舍维修完成率离目标差几个百分点", "15个百分点"),
])
def test_a_year_named_after_the_figure_is_not_its_year(reports, report, question, lead) -> None:
    draft = answer(reports, report, question)
    assert not draft.abstained and draft.text.startswith(lead), draft.text


@pytest.mark.parametrize("report,question,lead", [
    ("health-2024", "基本公共卫生服务补助花了多少，占项目支出几成？", ("1036.80", "56.96%")),
    ("school-2023", "学生营养餐补助花了多少，占项目支出几成？", ("310.20", "49.99%")),
])
def test_a_rate_named_before_a_percentage_is_no_share(reports, report, question, lead) -> None:
    draft = answer(reports, report, question)
    head = draft.text.split("报告原文")[0]
    assert not draft.abstained and all(v in head for v in lead) and "99." not in head, draft.text


def test_reached_of_the_budget_is_a_rate_not_a_share() -> None:
    ask = analyze("那完成预算的比例呢？").asks[0]
    assert ask.rate and not ask.share


def test_the_topic_named_by_its_first_words_and_project(reports) -> None:
    draft = answer(reports, "project-2025", "老旧小区这个项目全年预算是多少？")
    assert not draft.abstained and draft.text.startswith("480.00"), draft.text


def test_another_street_office_is_not_this_report() -> None:
    from app.question import named_places

    assert "人民路街道" in named_places("中山区人民路街道2021年收支总计多少？")
    assert not named_places("辖区街道有几个")


@pytest.mark.parametrize("report,reason", [("health-2024", "过紧日子"), ("school-2023", "减少外出培训")])
def test_the_reason_in_the_sentence_after_the_figure(reports, report, reason) -> None:
    draft = answer(reports, report, "三公经费为什么比预算少？")
    assert not draft.abstained and reason in draft.text, draft.text


def test_a_comparison_names_what_it_compares_with() -> None:
    from app.question import content_terms

    assert "预算" in content_terms("三公经费为什么比预算少") and "比预算少" not in content_terms("三公经费为什么比预算少")


@pytest.mark.parametrize("report,topic,reached", [("health-2024", "健康讲座", "48"), ("school-2023", "家长课堂", "16")])
def test_a_count_asked_again_is_of_what_the_question_before_named(reports, report, topic, reached) -> None:
    history = [{"role": "user", "content": f"{topic}的年度目标是多少场？"}, {"role": "assistant", "content": "目标不少于40场。"}]
    draft = answer_in(reports, report, "那实际办了几场？", history)
    assert not draft.abstained and draft.text.startswith(reached), draft.text
