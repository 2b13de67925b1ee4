"""app.verify_llm: an LLM answer's figures must be the ones the question asks for, not only stated in a passage."""
from __future__ import annotations

from dataclasses import replace

import pytest

from app.answer import Citation
from app.verify_llm import OFF_QUESTION, Focus, missing_figures, shown_prefix, verify_llm_answer
from tests.app.test_verify import S143, S423, S_FUND, S_GENERAL, S_INCOME, cite

# --- an LLM answer's figures must be the ones the question asks for ------------------------------------------------

CARE_FOCUS = Focus(evidence=(Citation(S143, "二、> （三）", "liwan", ("143",)),), terms=("残疾人", "在托"),
                   question="眼下有多少残疾人在托养？", figure_question=True)


def llm_check(answer: str, focus: Focus, *sentences: str) -> list[tuple[str, bool]]:
    citations = list(focus.evidence) + cite(*sentences)
    return [(n.text, n.verified) for n in verify_llm_answer(answer, citations, focus)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("眼下有143名残疾人在托。", [("143名", True)]),
        ("在托的有143人。", [("143人", True)]),
        # a real figure of a passage the model was shown, but about something else
        ("在托人数为423人。", [("423人", False)]),
        ("在托143名，其中423人来自康园工疗站。", [("143名", True), ("423人", False)]),
        # a figure beside the asked one in the same sentence, with the asked one stated: context
        ("现有143名残疾人在托，其中精神类51名。", [("143名", True), ("51名", True)]),
        # ... but the same neighbour given as the answer is not, though its clause says 残疾人 too
        ("在托的有92名。", [("92名", False)]),
        ("在托143名，康园工疗站全年服务学员423人。", [("143名", True), ("423人", False)]),
        # a number the question itself names may be repeated
        ("其中60岁以下117人。", [("60岁", True), ("117人", False)]),
    ],
)
def test_an_llm_figure_must_be_what_the_question_asks(answer: str, expected: list[tuple[str, bool]]) -> None:
    focus = CARE_FOCUS if "60" not in answer else replace(CARE_FOCUS, question="60岁以下在托的有多少人？")
    assert llm_check(answer, focus, S423) == expected


def test_an_off_question_figure_says_why() -> None:
    [number] = verify_llm_answer("在托人数为423人。", [*CARE_FOCUS.evidence, *cite(S423)], CARE_FOCUS)
    assert not number.verified and number.reason == OFF_QUESTION and number.source == ""


def test_without_a_chosen_figure_a_figure_whose_clause_shares_the_question_words_is_tied() -> None:
    focus = Focus(evidence=(Citation(S143, "", "liwan"),), terms=("康园工疗站", "服务学员"),
                  question="康园工疗站的情况怎么样？")
    assert llm_check("康园工疗站全年服务学员423人。", focus, S423) == [("423人", True)]
    # the same sentence's other clause is about 人次, not 学员: it shares too few of the question's words
    assert llm_check("康园工疗站服务人次62364人次。", focus, S423) == [("62364人次", False)]


def test_a_text_answer_may_use_every_figure_of_its_evidence() -> None:
    focus = Focus(evidence=(Citation(S_INCOME, "", "liwan"),), terms=("收入下降", "原因"),
                  question="为啥今年收入少了？")
    assert llm_check("收入比上年减少686.90万元，下降20.28%，主要因为经费由街道编制预算。", focus, S423) == [
        ("686.90万元", True), ("20.28%", True)]
    assert llm_check("收入减少，全年服务学员423人。", focus, S423) == [("423人", False)]


def test_a_computed_result_from_the_chosen_operands_is_tied() -> None:
    focus = Focus(evidence=(Citation(S_GENERAL, "", "liwan", ("2655.58",)), Citation(S_FUND, "", "liwan", ("38.58",))),
                  terms=("两项财政拨款收入",), question="两项财政拨款收入一共多少？")
    assert llm_check("2655.58万元 + 38.58万元 = 2694.16万元。", focus) == [
        ("2655.58万元", True), ("38.58万元", True), ("2694.16万元", True)]


@pytest.mark.parametrize(
    ("answer", "missing"),
    [
        ("眼下有143名残疾人在托。", []),
        ("There are 143 people in residential care.", []),
        ("在托人数为423人。", ["143名"]),
        ("报告提到了寄宿托养工作。", ["143名"]),
        ("在托的有143万元。", ["143名"]),  # the digits with a unit of another kind are not the figure
    ],
)
def test_a_figure_answer_must_state_every_chosen_figure(answer: str, missing: list[str]) -> None:
    assert missing_figures(answer, CARE_FOCUS) == missing


def test_a_text_answer_need_not_state_a_figure() -> None:
    assert missing_figures("报告提到了寄宿托养工作。", replace(CARE_FOCUS, figure_question=False)) == []


@pytest.mark.parametrize(
    ("partial", "shown"),
    [
        ("眼下有143名残疾人在托。", "眼下有143名残疾人在托。"),
        ("眼下有14", "眼下有"),  # the number may still grow: it waits for the next piece
        ("眼下有143名残", "眼下有"),
        ("在托人数为423人，其中", "在托人数为"),  # never past a figure that is not verified
        ("现有143名，另有500名在", "现有143名，另有"),
        ("报告提到了寄宿托养", "报告提到了寄宿托养"),
        ("在托人数为1,4", "在托人数为"),  # a thousands group being written: "1," is not a number of its own
        ("在托人数为1,43", "在托人数为"),
    ],
)
def test_a_reply_being_written_is_shown_only_up_to_its_first_unverified_figure(partial: str, shown: str) -> None:
    assert shown_prefix(partial, [*CARE_FOCUS.evidence, *cite(S423)], CARE_FOCUS) == shown


def test_a_result_the_evidence_step_computed_may_be_given_alone() -> None:
    focus = Focus(evidence=(Citation(S_GENERAL, "", "liwan", ("2655.58",)), Citation(S_FUND, "", "liwan", ("38.58",))),
                  terms=("两项财政拨款收入",), question="两项财政拨款收入一共多少？",
                  computed=("2655.58万元 + 38.58万元 = 2694.16万元",))
    [number] = verify_llm_answer("合计为2694.16万元。", list(focus.evidence), focus)
    assert number.verified and number.source == "computed: 2655.58万元 + 38.58万元 = 2694.16万元"
    # a different total is still not verified, and without the evidence step's computation neither is this one
    assert llm_check("合计为2694.17万元。", focus) == [("2694.17万元", False)]
    assert llm_check("合计为2694.16万元。", replace(focus, computed=())) == [("2694.16万元", False)]


# --- an answer from the passages: no figure chosen, so the clause stating it must name what was asked -----------

BEDS = "医院编制床位500张，实际开放床位468张。"
HOSPITAL_INCOME = "2023年医院总收入42635.18万元，其中财政补助收入5120.60万元。"
HOSPITAL_INCOME_2022 = "2022年医院总收入40112.07万元，占比上升。"
SCHOOL_SHARE = "全区义务教育入学率保持100%，高中阶段毛入学率达到97.6%。"
SCHOOL_AID = "为家庭经济困难学生发放资助金386.5万元，惠及学生1475人。"


def passage_check(answer: str, sentences: list[str], **focus) -> list[tuple[str, bool]]:
    citations = [Citation(s, "", "r") for s in sentences]
    return [(n.text, n.verified) for n in verify_llm_answer(answer, citations, Focus(**focus))]


def test_every_character_of_the_question_words_in_the_clause_ties_a_figure() -> None:
    """"医院有多少张床" shares no word pair with "医院编制床位500张", but every one of its characters."""
    assert passage_check("医院有500张床。", [BEDS], terms=("医院", "张床"), tie_all=True) == [("500张", True)]
    assert passage_check("医院有500张床。", [SCHOOL_AID], terms=("医院", "张床"), tie_all=True) == [("500张", False)]


def test_a_thing_counted_in_one_character_ties_a_figure_in_the_measure_asked() -> None:
    """"医院有多少张床？" with the body bound: the question's only word is 床, the measure 张 (a hospital's beds, a
    street office's cars: "有几辆车？" and "公务用车保有量为3辆")."""
    assert passage_check("医院有500张床。", [BEDS], terms=("床",), measure="张", tie_all=True) == [("500张", True)]
    assert passage_check("医院有500张床。", [SCHOOL_AID], terms=("床",), measure="张", tie_all=True) == [("500张", False)]
    cars = "截至2021年12月31日，本单位开支财政拨款的公务用车保有量为3辆。"
    assert passage_check("有3辆车。", [cars], terms=("车",), measure="辆", tie_all=True) == [("3辆", True)]
    assert passage_check("有3辆车。", [cars], terms=("房",), measure="辆", tie_all=True) == [("3辆", False)]


@pytest.mark.parametrize(("answer", "kinds", "expected"), [
    ("惠及学生1475人。", ("people",), [("1475人", True)]),
    ("资助学生386.5万元。", ("people",), [("386.5万元", False)]),  # a head count is not a sum of money
    ("资助金386.5万元。", ("money",), [("386.5万元", True)]),
    ("资助金1475人。", ("money",), [("1475人", False)]),
    ("入学率97.6%。", ("percent",), [("97.6%", True)]),
    ("惠及学生1475人。", (), [("1475人", True)]),  # no measure asked: any
])
def test_a_figure_must_state_the_measure_asked(answer: str, kinds: tuple[str, ...],
                                              expected: list[tuple[str, bool]]) -> None:
    terms = ("困难学生", "资助") if "入学率" not in answer else ("高中", "入学率")
    assert passage_check(answer, [SCHOOL_AID, SCHOOL_SHARE], terms=terms, kinds=kinds) == expected


def test_a_figure_of_another_year_does_not_answer_the_year_asked() -> None:
    sentences = [HOSPITAL_INCOME, HOSPITAL_INCOME_2022]
    focus = {"terms": ("医院总收入",), "years": (2023,), "question": "2023年医院总收入多少？"}
    assert passage_check("医院总收入42635.18万元。", sentences, **focus) == [("42635.18万元", True)]
    assert passage_check("医院总收入40112.07万元。", sentences, **focus) == [("40112.07万元", False)]
    assert passage_check("医院总收入40112.07万元。", sentences, **{**focus, "years": ()}) == [("40112.07万元", True)]


def test_with_tie_all_a_year_or_a_bare_number_must_be_tied_too() -> None:
    """"CT是哪年买的？" answered with the year of a sentence about the self-evaluation score."""
    score = "医院2023年度部门整体支出绩效自评得分为90.5分。"
    focus = {"terms": ("CT", "哪年买"), "question": "CT是哪年买的？"}
    assert passage_check("CT是2023年买的。", [score], **focus) == [("2023", True)]  # a rephrase's rule: years pass
    assert passage_check("CT是2023年买的。", [score], **focus, tie_all=True) == [("2023", False)]


def test_a_figure_in_the_measure_word_asked_needs_only_one_shared_word() -> None:
    """"病人平均住几天院？": the report says 患者 and 住院日, but its clause holds most of the question's characters;
    asked in days, a share of the same clause is not the answer."""
    stay = "全年门急诊服务患者68.7万人次，出院患者2.31万人次，平均住院日7.8天，床位使用率为86.4%。"
    # as app.question finds them, with the glossary's word of the reports (患者 for 病人) in the ask's words
    focus = {"terms": ("病人平均住", "天院"), "asks": (("病人平均住|患者平均住", "天院"),), "tie_all": True}
    assert passage_check("平均住院7.8天。", [stay], **focus) == [("7.8天", True)]
    assert passage_check("平均住院7.8天。", [stay], **{**focus, "asks": ()}) == [("7.8天", False)]
    assert passage_check("平均住院7.8天。", [stay], **focus, measure="天") == [("7.8天", True)]
    assert passage_check("平均住院86.4%。", [stay], **focus, measure="天") == [("86.4%", False)]
    # the education bureau's report: "几所" and a clause sharing one word
    schools = "加强校园安全管理，完成38所学校视频监控升级。"
    assert passage_check("升级了38所。", [schools], terms=("学校监控升级",), measure="所") == [("38所", True)]


def test_a_figure_whose_text_names_no_year_is_of_its_reports_year() -> None:
    """"2021年的预算执行率是多少？" of a 2022 report: "预算执行率98.51%" is 2022's."""
    sentence = "全年预算执行率98.51%，资金使用规范。"
    citations = [Citation(sentence, "", "edu-2022")]
    focus = Focus(terms=("预算执行率",), years=(2021,), tie_all=True, report_years=(("edu-2022", 2022),))
    assert [n.verified for n in verify_llm_answer("预算执行率98.51%。", citations, focus)] == [False]
    assert [n.verified for n in verify_llm_answer("预算执行率98.51%。", citations, replace(focus, years=(2022,)))] \
        == [True]


def test_a_figure_the_lookup_found_to_be_a_part_is_never_tied_by_words() -> None:
    """"支出多少？": 项目支出 is a part of 支出; the lookup says so, and word overlap does not overrule it."""
    sentence = "支出2700.38万元，其中项目支出1907.51万元。"
    citations = [Citation(sentence, "", "r")]
    focus = Focus(terms=("支出",), tie_all=True)
    assert [n.verified for n in verify_llm_answer("支出1907.51万元。", citations, focus)] == [True]
    vetoed = replace(focus, vetoed=((sentence, "1907.51"),))
    assert [n.verified for n in verify_llm_answer("支出1907.51万元。", citations, vetoed)] == [False]
    assert [n.verified for n in verify_llm_answer("支出2700.38万元。", citations, vetoed)] == [True]


@pytest.mark.parametrize(("partial", "sentence", "pending"), [
    ("第九中学2021年的收入是3,8", "2021年度本单位收入3,862.45万元。", "3,8"),
    ("全年收入58,2", "2022年度，本部门收入58,236.48万元。", "58,2"),
])
def test_a_number_still_being_written_with_a_thousands_separator_is_not_judged_by_its_first_group(
        partial: str, sentence: str, pending: str) -> None:
    from app.verify_llm import first_unsettled

    focus = Focus((), ("收入",), "收入多少？", tie_all=True)
    start, bad = first_unsettled(partial, cite(sentence), focus)
    assert bad is None and partial[start:] == pending


# --- the figure's context must name the thing asked, not only share a word with the question ---------------------

LAB_SCHOOL = "项目完成智慧教室改造36间、智能平板采购40台，新增无线网络覆盖点位196个。"
UNEMPLOYED = "登记失业的残疾人员49名，推荐就业9人。"
CARRY_OVER = "年末结转877.25万元,主要是部分社区卫生服务中心改造项目尚未结算。"
SCHOOL_CARRY = "年末结余结转资金126.30万元，主要为校舍维修项目尚未完工。"


@pytest.mark.parametrize(("answer", "sentence", "terms", "measure", "kinds", "tied"), [
    # a school's report: 实验室 is asked, the clause counts 智慧教室 (it shares only 改造)
    ("实验室改造了36间。", LAB_SCHOOL, ("实验室改造",), "间", ("count",), False),
    ("智慧教室改造了36间。", LAB_SCHOOL, ("智慧教室改造",), "间", ("count",), True),
    # a federation's report: 在编人员 is asked, the clause counts unemployed 残疾人员 (it shares only 人员)
    ("在编人员49名。", UNEMPLOYED, ("在编人员",), "名", ("people",), False),
    ("登记失业的残疾人员49名。", UNEMPLOYED, ("登记失业", "残疾人员"), "名", ("people",), True),
    # a health bureau's and a school's report: the report's word for one of the question's (年末 for 年底)
    ("年底结转了877.25万元。", CARRY_OVER, ("年底结转",), "钱", ("money",), True),
    ("年底结转了126.30万元。", SCHOOL_CARRY, ("年底结余结转",), "钱", ("money",), True),
    ("年底结转了126.30万元。", SCHOOL_CARRY, ("项目支出",), "钱", ("money",), False),
])
def test_a_figure_is_tied_only_where_its_clause_names_the_thing_asked(answer, sentence, terms, measure, kinds,
                                                                     tied) -> None:
    focus = {"terms": terms, "measure": measure, "kinds": kinds, "tie_all": True}
    assert [v for _, v in passage_check(answer, [sentence], **focus)] == [tied]


def test_a_table_rows_labels_and_column_name_the_figure() -> None:
    """A cell's figure is named by its row's labels and its column's header (a hospital's and a civil affairs
    bureau's indicator tables): 得分 2 of 住院次均费用增幅, not its 分值 3 nor another row's score. A column the
    question names (得分) is the one the figure must stand in."""
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    row = ["产出指标", "成本指标", "住院次均费用增幅", "≤5%", "5.8%", "3", "2"]
    cite_row = Citation(" ".join(row), "", "hospital", (), {"header": header, "row": row, "column": "得分"})
    focus = Focus(terms=("住院次均费用增幅", "得分"), measure="分", kinds=("score",), tie_all=True)
    assert [n.verified for n in verify_llm_answer("住院次均费用增幅得分2分。", [cite_row], focus)] == [True]
    assert [n.verified for n in verify_llm_answer("住院次均费用增幅得分3分。", [cite_row], focus)] == [False]
    other = ["产出指标", "时效指标", "临时救助审批办结时限", "≤5个工作日", "3个工作日", "5", "4"]
    cite_other = Citation(" ".join(other), "", "civil", (), {"header": header, "row": other, "column": "得分"})
    focus = Focus(terms=("临时救助审批办结时限", "得分"), measure="分", kinds=("score",), tie_all=True)
    assert [n.verified for n in verify_llm_answer("得分4分。", [cite_other], focus)] == [True]
    assert [n.verified for n in verify_llm_answer("得分2分。", [cite_row, cite_other], focus)] == [False]


def test_the_label_of_a_key_value_line_names_its_figures() -> None:
    """"指标：年度指标值…，实际完成值…，得分…" lines (two reports' wording): the label before the colon names them."""
    line = "产出指标>时效指标>临时救助审批办结时限：年度指标值≤5个工作日，实际完成值3个工作日，分值5，得分5。"
    focus = Focus(terms=("临时救助审批", "办结时限"), tie_all=True)
    assert [n.verified for n in verify_llm_answer("实际完成值3个工作日。", cite(line), focus)] == [True]
    meals = "长者助餐补贴 金额（万元）：186.35，受益人次：52,310。"
    focus = Focus(terms=("长者助餐补贴",), tie_all=True)
    assert [n.verified for n in verify_llm_answer("186.35万元。", cite(meals), focus)] == [True]
    assert [n.verified for n in verify_llm_answer("186.35万元。", cite(meals), replace(focus, terms=("培训补贴",)))] \
        == [False]


def test_a_number_is_named_by_the_question_only_as_a_number_of_its_own() -> None:
    """"…2022年的三公经费是多少？": the 0 of 2022 does not make "支出决算0万元" (a 2021 report's) an answer."""
    sentence = "2021年度“三公”经费财政拨款支出决算中，因公出国（境）费支出决算0万元，占0%；"
    focus = Focus(terms=("三公经费",), question="街道2022年的三公经费是多少？", years=(2022,), kinds=("money",),
                  tie_all=True)
    assert [n.verified for n in verify_llm_answer("2022年的三公经费是0万元。", cite(sentence), focus)] == [True, False]
    care = Focus(terms=("在托",), question="60岁以下在托的有多少人？", tie_all=True)
    assert [n.verified for n in verify_llm_answer("60岁以下的有117人。", cite("在托60岁以下117人。"), care)] \
        == [True, True]


@pytest.mark.parametrize(("answer", "sentence", "terms", "tied"), [
    # a hospital's ICU is not its beds in general; a report naming its CT scanner
    ("ICU床位有1926张。", "医院编制床位1926张，实际开放床位2014张。", ("ICU床位",), False),
    ("ICU床位有24张。", "医院编制床位1926张，其中ICU床位24张。", ("ICU床位",), True),
    ("CT买了2台。", "购置CT设备2台，彩超3台。", ("CT",), True),
    ("CT买了3台。", "购置MRI设备1台，彩超3台。", ("CT",), False),
])
def test_a_latin_name_asked_must_stand_in_the_figures_context(answer, sentence, terms, tied) -> None:
    assert [v for _, v in passage_check(answer, [sentence], terms=terms, tie_all=True)] == [tied]


@pytest.mark.parametrize(("answer", "question", "tied"), [
    ("实际办结3个工作日。", "临时救助审批实际多少个工作日办结？", True),
    ("实际办结5个工作日。", "临时救助审批实际多少个工作日办结？", False),  # 5 is the target
    ("要求5个工作日。", "临时救助审批要求几个工作日办结？", True),
    ("要求3个工作日。", "临时救助审批要求几个工作日办结？", False),  # 3 is what was reached
])
def test_a_target_does_not_answer_what_was_reached_nor_the_reverse(answer, question, tied) -> None:
    """A civil affairs bureau's indicator line, and a women's federation's table row with the same two columns."""
    line = "产出指标>时效指标>临时救助审批办结时限：年度指标值≤5个工作日，实际完成值3个工作日，分值5，得分5。"
    focus = Focus(terms=("临时救助审批", "工作日办结"), question=question, measure="个", tie_all=True)
    assert [n.verified for n in verify_llm_answer(answer, cite(line), focus)] == [tied]
    header = ["三级指标", "年度指标值", "实际完成值"]
    row = ["家政培训人次", "600人次", "648人次"]
    cell = Citation(" ".join(row), "", "federation", (), {"header": header, "row": row, "column": "实际完成值"})
    asked = Focus(terms=("家政培训",), question="家政培训实际完成多少人次？", tie_all=True)
    assert [n.verified for n in verify_llm_answer("培训648人次。", [cell], asked)] == [True]
    assert [n.verified for n in verify_llm_answer("培训600人次。", [cell], asked)] == [False]
    assert [n.verified for n in verify_llm_answer("目标600人次。", [cell], replace(asked, question="家政培训目标多少人次？"))] \
        == [True]


def test_a_rows_score_answers_only_a_question_for_a_score() -> None:
    """A human resources bureau's satisfaction row and a hospital's indicator line: 7 and 5 are scores, not the
    satisfaction or the days asked."""
    header = ["三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    row = ["企业满意度", "≥90%", "91.5%", "7", "7"]
    cell = Citation(" ".join(row), "", "hrss", (), {"header": header, "row": row, "column": "实际完成值"})
    focus = Focus(terms=("企业满意度",), question="企业满意度多少？", tie_all=True)
    assert [n.verified for n in verify_llm_answer("企业满意度为7。", [cell], focus)] == [False]
    assert [n.verified for n in verify_llm_answer("企业满意度为91.5%。", [cell], focus)] == [True]
    scored = replace(focus, question="企业满意度得了几分？", terms=("企业满意度", "得"))
    assert [n.verified for n in verify_llm_answer("企业满意度得7分。", [cell], scored)] == [True]
    line = "产出指标>时效指标>平均住院日：年度指标值≤8.5天，实际完成值7.9天，分值3，得分3。"
    stay = Focus(terms=("平均住院日",), question="平均住院日是多少？", tie_all=True)
    assert [n.verified for n in verify_llm_answer("平均住院日3。", cite(line), stay)] == [False]
    assert [n.verified for n in verify_llm_answer("平均住院日7.9天。", cite(line), stay)] == [True]
