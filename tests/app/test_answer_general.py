"""General mechanisms of "does this figure answer what was asked", each on small reports of two different
departments (our own wordings, not the evaluation's): the measure word asked in its fuller form (场/场次), a
magnitude before the measure (9.6万人次), the items of a list sharing their first item's scope, a figure named as the
complement of what was asked (非…), a year named as a comparison's base, hedges and a count's verb as non-content."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.lookup import FigureIndex, same_measure
from app.question import analyze


def _index(tmp_path: Path, name: str, text: str, year: int) -> FigureIndex:
    from ingest.pipeline import prepare_report

    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    prepared = prepare_report(path, name)
    return FigureIndex(prepared.figures, {name: year})


SCIENCE = """某区科学技术协会2022年度部门整体支出绩效自评报告
一、部门基本情况
2022年度本部门收入合计486.52万元，比上年增加37.84万元。
财政拨款收入、支出总计各是462.30,450.10万元。本年财政拨款支出450.10万元，主要用于科普活动。
收入、支出总计各是486.52,480.20万元。
二、绩效目标完成情况
全年举办各类科普活动146场次，受众约9.6万人次。其中，全国科普日系列活动41场次，科技活动周系列活动32场次。
服务对象中，低保家庭会员62人，非低保家庭会员81人。
科技馆全年开放天数≥300天，实际全年开放312天，接待观众6.85万人次。
会员服务方面，全年减少会员5人，新增会员12人，现有会员230人。
“三公”经费支出5.00万元，其中：因公出国（境）费0万元；公务接待费1.20万元，占24.00%，共接待来访团组18批次、230人次。
三、项目支出情况
科技馆运行维护经费52.80万元，学会及基层科协工作经费21.32万元。
"""

CULTURE = """某县文化馆2023年度项目支出绩效自评报告
一、项目基本情况
2023年度财政拨款收入、支出总计各是1200.00,1180.50万元。财政拨款支出中，免费开放支出800.00万元。
收入、支出总计各是1300.00,1290.40万元。
二、绩效目标完成情况
全年开展送戏下乡演出58场次，观众约3.2万人次；其中，少儿专场演出12场次。
参加培训的学员中，在职教师45人，非在职教师30人。
分馆全年开放286天，接待读者4.1万人次。
志愿服务方面，志愿者队伍全年退出8人，新增20人，现有志愿者160人。
全年共举办公益讲座、艺术展览、非遗展示等各类文化活动88场次，其中线上活动10场次。
三、支出情况
社会保障和就业支出84.20万元，文化旅游体育与传媒支出900.00万元。
"""


@pytest.fixture(scope="module")
def science(tmp_path_factory) -> FigureIndex:
    return _index(tmp_path_factory.mktemp("sci"), "science-2022", SCIENCE, 2022)


@pytest.fixture(scope="module")
def culture(tmp_path_factory) -> FigureIndex:
    return _index(tmp_path_factory.mktemp("cul"), "culture-2023", CULTURE, 2023)


def _answer(index: FigureIndex, question: str, history: list[dict] | None = None) -> list[str]:
    result = index.lookup(analyze(question, history))
    return [m[0].figure.value for m in result.matches if m and m[0].answers] if result.answered else []


@pytest.mark.parametrize("asked,unit,same", [("场", "场次", True), ("批", "批次", True), ("人次", "万人次", True),
                                             ("台", "台", True), ("场", "万元", False), ("人次", "场次", False)])
def test_same_measure(asked: str, unit: str, same: bool) -> None:
    assert same_measure(asked, unit) is same


@pytest.mark.parametrize("fixture,question,value", [
    ("science", "全国科普日系列活动办了几场", "41"),  # 场 asked, 41场次 stated; 办了 is the count's verb
    ("culture", "少儿专场演出搞了几场", "12"),
    ("science", "科普活动受众多少人次", "9.6"),  # 人次 asked, 9.6万人次 stated
    ("culture", "送戏下乡的观众有多少人次", "3.2"),
])
def test_measure_word_in_its_fuller_form(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("fixture,question,value", [
    # "财政拨款收入、支出总计各是A,B": B is 财政拨款支出总计 (the report names 财政拨款支出 itself), not the 支出总计
    ("science", "财政拨款支出总计是多少", "450.10"),
    ("science", "支出总计是多少", "480.20"),
    ("culture", "财政拨款支出总计是多少", "1180.50"),
    ("culture", "支出总计多少", "1290.40"),
])
def test_list_items_share_the_first_items_scope(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("fixture,question,value", [
    ("science", "低保家庭会员有多少", "62"),  # not 非低保家庭会员81人
    ("culture", "在职教师有多少", "45"),  # not 非在职教师30人
])
def test_a_figure_named_as_the_complement_is_not_the_answer(request, fixture: str, question: str, value: str) -> None:
    index = request.getfixturevalue(fixture)
    result = index.lookup(analyze(question))
    answering = [m.figure.value for m in result.matches[0] if m.answers]
    assert answering[:1] == [value]
    assert all(not m.answers for m in result.matches[0] if m.figure.clause.startswith("非"))


@pytest.mark.parametrize("question,years", [
    ("和2022年比，支出总计增加了多少", ()),
    ("与2021年度相比收入增加多少", ()),
    ("2023年收入比2022年多多少", (2023,)),
    ("2022年的收入是多少", (2022,)),
])
def test_a_year_named_as_the_base_of_a_comparison_is_not_asked(question: str, years: tuple) -> None:
    assert analyze(question).years == years


@pytest.mark.parametrize("question,subject", [
    ("区科协2021年的收入大概是多少", ("区科协", "收入")),  # 大概: a hedge
    ("这些活动一共办了多少场", ("活动",)),  # 这些: a demonstrative; 办了: the count's verb
    ("送戏下乡演出开展了多少场次", ("送戏下乡演出",)),
    ("政务信息公开了多少条", ("政务信息公开",)),  # 公开 is a word, not the verb 开
])
def test_asking_words_are_no_content(question: str, subject: tuple) -> None:
    assert analyze(question).asks[0].subject == subject


@pytest.mark.parametrize("question,kind", [
    ("在托的低保低收入家庭残疾人有多少", "people"),  # 低收入 names the people counted, it asks no amount
    ("参加培训的非在职教师有多少", "people"),
    ("低收入家庭补贴有多少", "money"),
])
def test_the_head_noun_asked_decides_people(question: str, kind: str) -> None:
    assert analyze(question).asks[0].kind == kind


@pytest.mark.parametrize("question,operands", [
    ("人员经费在基本支出里占百分之几", ("人员经费", "基本支出")),
    ("专项资金在项目支出中占多少", ("专项资金", "项目支出")),
])
def test_a_share_asked_as_where_the_part_stands(question: str, operands: tuple) -> None:
    q = analyze(question)
    assert (q.operation, q.operands) == ("share", operands)


@pytest.mark.parametrize("question,named", [
    ("区科协有没有委托业务费支出？", ()),  # 委托 is a word: no body "…委"
    ("卫健局有没有委托业务费？", ("卫健局",)),
    ("哪两个科是省级中医重点专科建设单位", ()),  # 省级 is a level, not a province
    ("有几个项目是市级重点项目", ()),
    ("政府性基金收入里区残联本级占多少比例", ()),  # 里 is no part of a place's name
    ("一般公共预算收入里区本级占多少", ()),
    ("深圳市残联的收入", ("深圳市",)),
    ("清新区人社局发放了多少创业担保贷款？", ("清新区", "区人社局")),
])
def test_places_and_bodies_are_named_as_words(question: str, named: tuple) -> None:
    from app.question import named_places

    found = named_places(question)
    assert all(n in found for n in named)
    assert not [p for p in found if not any(p in n or n in p for n in named)]


@pytest.mark.parametrize("fixture,question,operands", [
    ("culture", "社会保障和就业支出加上文化旅游体育与传媒支出一共多少", ("社会保障和就业支出", "文化旅游体育与传媒支出")),
    ("science", "科技馆运行维护经费和学会及基层科协工作经费一共多少", ("科技馆运行维护经费", "学会及基层科协工作经费")),
])
def test_operands_as_the_report_names_them(request, fixture: str, question: str, operands: tuple) -> None:
    """Split at every 和/及/与, the pieces a figure's own name holds together are one operand (科协 inside 基层科协…
    is part of that name, not the body's)."""
    from app.compose import joined_operands
    from app.question import about_reports
    from ingest.report import ReportInfo

    index = request.getfixturevalue(fixture)
    info = ReportInfo(id="x", title="", year=None, source="x.txt", body="某区科学技术协会", aliases="区科协|科协")
    q = about_reports(analyze(question), [info])
    assert joined_operands(q, index) == operands


@pytest.mark.parametrize("question,term", [
    ("How many staff does the sub-district office actually have?", "实有人员"),  # the staff in post, not the quota
    ("How many staff does the association actually have on its payroll?", "实有人员"),
    ("How many authorised posts does the bureau have?", "编制"),
    ("How much was spent on running official vehicles?", "公务用车运行维护费"),
    ("What did the running costs of the official cars come to?", "公务用车运行维护费"),
    ("How many undergraduate students received the reward?", "本科"),
    ("How many master's students were rewarded?", "硕士"),
])
def test_english_asks_in_the_reports_terms(question: str, term: str) -> None:
    assert term in analyze(question).terms


@pytest.mark.parametrize("fixture,question,value", [
    ("science", "会员今年新增几人", "12"),  # the question names the figure's own change word: not 现有230人
    ("culture", "志愿者新增了几人", "20"),
    ("science", "一共接待了多少批次", "18"),  # "共接待…18批次" states its own total
    ("culture", "文化活动一共办了多少场", "88"),
])
def test_the_figures_own_words_for_what_is_asked(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


HOSPITAL = """某区中医院2021年度重点专科建设项目支出绩效自评报告
1、项目基本情况
项目资金（万元）：年度资金总额850.00，其中：财政拨款700.00，其他资金150.00
2、绩效目标完成情况
设备验收合格率100%，患者满意度为95.2%。
"""

SCHOOL = """某县第一中学2023年度校园改造项目支出绩效自评报告
一、项目基本情况
资金来源（万元）：总投入500.00，其中：中央补助300.00，地方配套资金200.00
二、绩效目标完成情况
工程验收合格率100%，师生满意度为96%。
"""


@pytest.mark.parametrize("name,text,question", [
    ("hospital-2021", HOSPITAL, "财政拨款占项目资金的比例是多少"),
    ("school-2023", SCHOOL, "中央补助占资金的比例是多少"),
])
def test_a_computed_share_never_exceeds_its_whole(tmp_path: Path, name: str, text: str, question: str) -> None:
    """A share computed from two figures is only shown when the second is the part's whole: another part beside it
    (其他资金150.00, 地方配套资金200.00) gives a share over 100 %, which is no answer."""
    from decimal import Decimal

    from app.compose import _computed_share

    index = _index(tmp_path, name, text, 2021)
    draft = _computed_share(analyze(question), index)
    assert draft is None or Decimal(draft.text.split("%")[0]) <= 100


@pytest.mark.parametrize("question", ["设备验收合格率完成得怎么样", "师生满意度达到怎么样"])
def test_how_a_rate_was_reached_asks_the_rate(question: str) -> None:
    q = analyze(question)
    assert q.intent == "figure" and q.asks[0].subject[-1].endswith(("率", "度"))


DEPT = """某区司法局2024年度部门整体支出绩效自评报告
一、部门基本情况
本年支出合计900.00万元，其中：基本支出600.00万元，占66.67%；项目支出300.00万元，占33.33%。
基本支出中，人员经费450.00万元，公用经费150.00万元。
"""


@pytest.mark.parametrize("name,text,question,share", [
    ("hospital-2021", HOSPITAL, "财政拨款占项目资金的比例是多少", "82.35%"),  # 700.00 ÷ 850.00, not ÷ 其他资金
    ("justice-2024", DEPT, "人员经费占基本支出的百分之几", "75.00%"),  # 450 ÷ 600: not the part itself (基本支出中，…)
])
def test_a_computed_share_takes_the_whole_the_report_names(tmp_path: Path, name: str, text: str, question: str,
                                                          share: str) -> None:
    from app.compose import _computed_share

    draft = _computed_share(analyze(question), _index(tmp_path, name, text, 2024))
    assert draft is not None and draft.text.startswith(share)


@pytest.mark.parametrize("fixture,question,value", [
    ("science", "科技馆全年开放了多少天", "312"),  # 天: the unit the report states it in, not a word of its name
    ("culture", "分馆开放了多少天", "286"),
])
def test_a_counted_character_the_report_writes_as_a_unit_is_the_measure(request, fixture, question, value) -> None:
    index = request.getfixturevalue(fixture)
    assert index.lookup(analyze(question)).asks[0].unit == "天"
    assert _answer(index, question) == [value]


@pytest.mark.parametrize("question,kinds", [
    ("三公经费花了多少钱？完成预算多少", ["money", "percent"]),  # how much of the budget was reached: a rate
    ("项目支出完成年度预算多少", ["percent"]),
    ("完成预算多少钱", ["money"]),  # an amount, asked as such
])
def test_how_much_of_a_budget_was_reached_is_a_rate(question: str, kinds: list) -> None:
    assert [a.kind for a in analyze(question).asks] == kinds


TOWN = """某镇人民政府2020年度部门决算说明
一、收入支出决算总体情况说明
2020年度收入、支出总计各是2100.50,2080.30万元。与2019年度相比，收入、支出总计各增加120.40,98.60万元，各增长6.08%、4.98%。
"""

CLINIC = """某区妇幼保健院2022年度部门决算说明
一、收入支出决算总体情况说明
2022年度收入、支出总计各为5600.00,5480.00万元。与2021年相比，收入、支出总计分别增加300.00,280.00万元，分别增长5.66%、5.38%。
"""


@pytest.mark.parametrize("name,text,question,values", [
    ("town-2020", TOWN, "支出总计比上年增加了多少", ["98.60", "4.98"]),  # the item's own rate, not 收入's 6.08%
    ("clinic-2022", CLINIC, "支出总计比上年增加了多少", ["280.00", "5.38"]),
])
def test_a_distributed_change_goes_with_its_items_own_rate(tmp_path: Path, name: str, text: str, question: str,
                                                          values: list) -> None:
    from app.compose import _with_rates

    index = _index(tmp_path, name, text, int(name.split("-")[-1]))
    q = analyze(question)
    result = index.lookup(q)
    assert result.answered
    assert [m.figure.value for m in _with_rates(q, result, index)] == values


@pytest.mark.parametrize("question,term", [
    ("下属有几个事业单位", "事业单位"),  # 单位 inside a word is no name of the body
    ("预算单位有多少个", "预算单位"),
])
def test_a_bare_self_name_inside_a_word_stays(question: str, term: str) -> None:
    assert term in analyze(question).terms


@pytest.mark.parametrize("question,change", [
    ("下一年高级职称医师占比打算提高到多少", False),  # the level to reach, not a change
    ("明年覆盖率计划提升到多少，比今年提高多少", True),
    ("病床使用率增加到多少", False),
    ("病床使用率比上年增加了多少", True),
])
def test_a_change_to_a_level_asks_the_level(question: str, change: bool) -> None:
    assert any(a.change for a in analyze(question).asks) is change
