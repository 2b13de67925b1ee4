"""More general mechanisms of "does this figure answer what was asked", each on two small reports of different
bodies (our own wordings, not the evaluation's): a comparison asked with a verb between 多/少 and 多少 (a computed
difference, never one operand shown as the answer), what was not executed, the question negating what a figure states
plainly, a kind only guessed from a noun, a magnitude before the measure word asked, the one rival the question names
whole, filler and everyday words (方面, 社保), and a people's government by its short names."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.lookup import FigureIndex
from app.question import analyze
from ingest.profile import body_aliases

WATER = """某县水利局2023年度部门整体支出绩效自评报告
一、部门基本情况
2023年度本部门年初预算数为1,820.40万元，全年预算数调整为2,104.60万元，全年执行数1,986.30万元。
其中：水利工程维护项目年初预算为460.00万元，支出决算为431.25万元。
二、绩效目标完成情况
全年完成河道巡查记录2.36万条，整理水文资料1.2万册。
服务对象中，低收入家庭农户58户，享受灌溉补助的农户中，低收入家庭人员126人，非低收入家庭人员342人。
政府采购支出总额320.00万元，其中授予中小企业合同金额248.00万元，占政府采购支出总额的77.50%。
防汛物资储备方面，其中高中低洼片区储备点14个，高地片区储备点1个。
三、支出情况
社会保障和就业支出96.40万元，农林水支出1,620.80万元。
"""

TOWN = """某市某区某镇人民政府2022年度部门决算说明
第一部分 部门概况
本镇辖12个村委会。
第二部分 决算情况说明
本年年初预算数为2,650.00万元，全年预算数为3,012.50万元，全年执行数2,870.25万元。
其中：道路养护项目年初预算为300.00万元，支出决算为276.40万元。
全年录入网格事件1.85万条，归档档案0.6万册。
困难群众救助对象中，低收入家庭人员212人，非低收入家庭人员95人。
政府采购支出总额180.00万元，其中授予中小企业合同金额150.00万元，占政府采购支出总额的83.33%。
基本支出1,296.38万元，项目支出1,573.87万元。
社会保障和就业支出412.38万元，一般公共服务支出1,124.56万元。
"""


def _index(tmp_path: Path, name: str, text: str, year: int) -> FigureIndex:
    from ingest.pipeline import prepare_report

    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return FigureIndex(prepare_report(path, name).figures, {name: year})


@pytest.fixture(scope="module")
def water(tmp_path_factory) -> FigureIndex:
    return _index(tmp_path_factory.mktemp("water"), "water-2023", WATER, 2023)


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> FigureIndex:
    return _index(tmp_path_factory.mktemp("town"), "town-2022", TOWN, 2022)


def _answer(index: FigureIndex, question: str) -> list[str]:
    result = index.lookup(analyze(question))
    return [m[0].figure.value for m in result.matches if m and m[0].answers] if result.answered else []


@pytest.mark.parametrize("question,operands", [
    ("全年预算比年初预算多调了多少钱", ("全年预算", "年初预算")),
    ("道路养护项目比年初预算少花了多少", ("道路养护项目", "年初预算")),
    ("实际支出比全年预算少用了多少", ("实际支出", "全年预算")),
])
def test_a_comparison_with_a_verb_is_a_difference(question: str, operands: tuple) -> None:
    q = analyze(question)
    assert (q.intent, q.operation, q.operands) == ("derived", "difference", operands)


@pytest.mark.parametrize("question", ["全年预算有多少没执行", "项目资金还有多少未执行"])
def test_what_was_not_executed_is_what_remains(question: str) -> None:
    assert analyze(question).operation == "remaining"


@pytest.mark.parametrize("fixture,question", [
    ("water", "比年初预算多追加了多少"),  # no first operand named: a change, which no level figure answers
    ("town", "比年初预算多安排了多少"),
])
def test_a_comparison_is_never_answered_by_one_of_its_sides(request, fixture: str, question: str) -> None:
    q = analyze(question)
    assert all(a.change for a in q.asks)
    assert _answer(request.getfixturevalue(fixture), question) == []


@pytest.mark.parametrize("fixture,question,plain", [
    ("water", "政府采购里没给中小企业的有多少", {"248.00", "77.50"}),
    ("town", "政府采购里没授予中小企业的是多少", {"150.00", "83.33"}),
])
def test_a_question_negating_what_a_figure_states_plainly_is_not_answered_by_it(request, fixture: str, question: str,
                                                                                plain: set) -> None:
    assert not plain & set(_answer(request.getfixturevalue(fixture), question))


@pytest.mark.parametrize("fixture,question,value", [
    ("water", "享受灌溉补助的农户里非低收入家庭的有多少", "342"),
    ("town", "救助对象里非低收入家庭的有多少", "95"),
])
def test_a_kind_guessed_from_a_noun_yields_to_what_the_report_counts(request, fixture: str, question: str,
                                                                     value: str) -> None:
    ask = analyze(question).asks[0]
    assert ask.kind == "money" and ask.guessed  # 收入 of 低收入, 补助/救助: money's words, not money asked
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("question", ["花了多少钱", "低收入家庭补助金额多少", "救助资金有多少"])
def test_money_asked_as_such_is_not_a_guess(question: str) -> None:
    assert not analyze(question).asks[0].guessed


@pytest.mark.parametrize("fixture,question,value", [
    ("water", "河道巡查记录了多少条", "2.36"),  # 2.36万条: a magnitude before the measure word asked
    ("water", "水文资料整理了多少册", "1.2"),
    ("town", "网格事件录入了多少条", "1.85"),
    ("town", "档案归档了多少册", "0.6"),
])
def test_a_count_asked_in_its_measure_word_past_a_magnitude(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("fixture,question,value", [
    ("water", "社保就业方面花了多少钱", "96.40"),
    ("town", "社保就业方面支出多少", "412.38"),
])
def test_filler_and_everyday_words(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("body,names,never", [
    ("湛江市麻章区湖光镇人民政府", {"湖光镇政府", "镇政府", "本镇"}, {"本县"}),
    ("某某省某某县人民政府", {"县政府", "某某县政府", "本县"}, {"本镇", "我镇"}),
])
def test_a_peoples_government_goes_by_its_short_names(body: str, names: set, never: set) -> None:
    aliases = set(body_aliases(body))
    assert names <= aliases and not never & aliases, aliases


@pytest.mark.parametrize("question,subject_word,never", [
    ("How much did the hospital spend on official receptions?", "公务接待", "支出"),  # spend: the verb of money asked
    ("How much did the town spend on social security and employment?", "社会保障", "公务接待"),
    ("How much was spent on storage equipment?", "设备", "支出"),
])
def test_what_was_spent_on_is_the_subject_not_spending_itself(question: str, subject_word: str, never: str) -> None:
    subject = analyze(question).asks[0].subject
    assert any(subject_word in t for t in subject) and not any(t == never for t in subject), subject


@pytest.mark.parametrize("fixture,question,value", [
    ("water", "How much did the bureau spend on social security and employment?", "96.40"),
    ("town", "How much did the town spend on social security and employment?", "412.38"),
])
def test_english_spend_on_answers_the_line_spent_on(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("question,term", [
    ("What awareness rate did the promotion of the 'Self-reliance Shop' (自立小店) reach?", "自立小店"),
    ("How many visits did the Digital Reading Platform (数字阅读平台) receive?", "数字阅读平台"),
])
def test_a_term_an_english_question_quotes_or_glosses_in_chinese_is_a_subject_not_a_place(question: str,
                                                                                         term: str) -> None:
    q = analyze(question)
    assert q.places == () and term in q.asks[0].subject


@pytest.mark.parametrize("fixture,question,value", [
    ("water", "How many river patrol records (河道巡查记录) were made?", "2.36"),
    ("town", "How many grid incidents (网格事件) were entered?", "1.85"),
])
def test_english_with_the_reports_own_words_answers(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


LIBRARY = """某县图书馆2024年度全民数字阅读推广项目支出绩效自评报告
一、项目基本情况
项目资金（万元）：年初预算数120.00；全年预算数146.50；全年执行数139.20。
二、资金使用情况
阅读推广活动28.40万元，数字资源采购72.60万元。
"""

CLINIC = """某区妇幼保健院2023年度儿童健康管理项目支出绩效自评报告
一、项目基本情况
项目资金（万元）：年初预算数260.00；全年预算数284.00；全年执行数271.35。
二、资金使用情况
儿童健康体检补助96.00万元，健康管理信息系统维护41.20万元。
"""


@pytest.mark.parametrize("name,text,topic,question,value", [
    ("library-2024", LIBRARY, "全民数字阅读推广项目", "数字阅读推广项目全年预算多少钱", "146.50"),
    ("clinic-2023", CLINIC, "儿童健康管理项目", "儿童健康管理项目全年执行了多少", "271.35"),
])
def test_a_projects_name_in_a_question_says_whose_figure_not_which(tmp_path: Path, name: str, text: str, topic: str,
                                                                    question: str, value: str) -> None:
    """The project a report is about (its title's topic) is named in a question to say whose figure is asked, as a
    body's name is: not a part whose name shares its words (阅读推广活动, 儿童健康体检补助)."""
    from app.lookup import report_topic
    from ingest.pipeline import prepare_report

    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    prepared = prepare_report(path, name)
    title = text.splitlines()[0]
    body = title[:title.index("20")]
    assert report_topic(title, [body]) == topic
    index = FigureIndex(prepared.figures, {name: int(name[-4:])}, {name: [body]}, {name: report_topic(title, [body])})
    assert _answer(index, question) == [value]


@pytest.mark.parametrize("question,terms", [
    ("区水利局2023年总共花了多少钱？", ("支出",)),  # the body's name taken out leaves no lone 区
    ("下面有几个分馆？", ("分馆",)),
    ("镇里辖几个村委会？", ("辖", "村委会")),
    ("下属有几个事业单位", ("事业单位",)),
])
def test_self_references_and_relations_are_no_topic(question: str, terms: tuple) -> None:
    from app.question import about_reports

    class Report:  # a loaded report as about_reports reads it
        def __init__(self, id: str, body: str, aliases: str):
            self.id, self.body, self.aliases, self.title, self.year = id, body, aliases, body + "2023年度报告", 2023
            self.places = ()

    q = analyze(question)
    if "区水利局" in question:
        q = about_reports(q, [Report("w", "某县某区水利局", "区水利局|水利局|本局")])
    assert tuple(t for t in q.asks[0].subject) == terms or q.terms == terms, (q.terms, q.asks[0].subject)


@pytest.mark.parametrize("fixture,question,value", [
    ("town", "镇里辖几个村委会？", "12"),
    ("water", "社保就业方面花了多少钱", "96.40"),
])
def test_self_reference_questions_answer(request, fixture: str, question: str, value: str) -> None:
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("fixture,question,value", [
    ("water", "灌溉补助的农户里非低收入家庭的有几个", "342"),  # a bare 几个 counts: never the amount of the 补助
    ("town", "救助对象里低收入家庭的有几个", "212"),
])
def test_a_bare_jige_counts(request, fixture: str, question: str, value: str) -> None:
    assert analyze(question).asks[0].kind == "count"
    assert _answer(request.getfixturevalue(fixture), question) == [value]


@pytest.mark.parametrize("name,text,question", [
    ("archive-2020", "某区档案馆2020年度档案数字化项目绩效评价结论\n项目预算经费共安排资金。全年完成馆藏档案数字化扫描126.5万页。\n",
     "档案数字化项目全年预算多少钱"),
    ("museum-2022", "某县博物馆2022年度藏品整理项目支出绩效自评报告\n项目资金全部到位，全年整理入库古籍3.2万卷。\n",
     "藏品整理项目花了多少钱"),
])
def test_a_magnitude_scaling_another_measure_is_no_amount_of_money(tmp_path: Path, name: str, text: str,
                                                                   question: str) -> None:
    """"126.5万页" near money words (预算, 资金) counts pages: asked an amount, the report does not state one."""
    index = _index(tmp_path, name, text, int(name[-4:]))
    assert _answer(index, question) == []


def test_explain_says_how_the_question_was_read_and_why_each_figure_answers(water, caplog) -> None:
    """`python -m app.ask --explain` logs the reading and each ranked figure's verdict at DEBUG."""
    import logging

    with caplog.at_level(logging.DEBUG, logger="app.lookup"):
        water.lookup(analyze("河道巡查记录了多少条"))
    text = caplog.text
    assert "unit=条" in text and "ANSWERS" in text and "2.36万条" in text
