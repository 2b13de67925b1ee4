"""app.verify: a number in an answer is verified only by the sentence it cites (or a computation shown in full)."""
from __future__ import annotations

import pytest

from app.answer import Citation, NumberCheck
from app.verify import verify_numbers

# sentences of the bundled report, as the answer step cites them
S143 = ("为有需要的困难重度残疾人提供寄宿托养资助，全年减少15人（死亡），新增11人，现有143名残疾人在托，其中精神类51名、"
        "智力及重度残疾人92名，60岁以下117人、60岁以上26人，低保低收入家庭残疾人62人，非低保低收入家庭残疾人81人。")
S423 = "推动康园工疗站星级评定工作，全年服务学员423人，服务人次62364人次。"
S_INCOME = ("2023年本部门收入2700.38万元，比上年减少686.90万元，下降20.28%，主要原因是康园工疗站及社区专职委员经费"
            "（人员工资）由各街道编制预算，未列入本部门预算收入；")
S1407 = "进一步深化按比例安排残疾人就业，全区用人单位有招聘残疾人543家，共安排1407名残疾人就业。"
S_TRAINING = ("举办四期残疾人职业技能培训班：残疾人智能电子装接培训班、残疾人新媒体电商培训班、残障人士职业技能培训班两期，"
              "培训残疾人133人，新增就业人数共187人，超额完成市下达的指标任务。")
S_GENERAL = "（1）2023年度，一般公共预算财政拨款收入2655.58万元，占总收入的98.57%，同比上年度减少461.02万元；"
S_FUND = "政府性基金预算财政拨款收入38.58万元，占总收入的1.43%，同比2022年度减少222.22万元。"
S_TENK = "全年累计服务1.4万人次。"
S_14000 = "全年累计服务14000人次。"


def cite(*sentences: str) -> list[Citation]:
    return [Citation(text=s, section="二、综合评价分析 > （三）主要工作成效", report="liwan") for s in sentences]


def check(answer: str, *sentences: str, question: str = "") -> list[tuple[str, bool]]:
    return [(n.text, n.verified) for n in verify_numbers(answer, cite(*sentences), question)]


@pytest.mark.parametrize(
    ("answer", "cited", "expected"),
    [
        # the right value in the cited sentence
        ("现有143名残疾人在托。", [S143], [("143名", True)]),
        ("全年服务学员423人。", [S423], [("423人", True)]),
        ("有143人在托。", [S143], [("143人", True)]),  # 人 and 名 both count people
        # a real figure of the report, but not of the sentence cited
        ("现有423名残疾人在托。", [S143], [("423名", False)]),
        ("现有143名残疾人在托。", [S423], [("143名", False)]),
        ("现有143名残疾人在托。", [], [("143名", False)]),
        ("现有144名残疾人在托。", [S143], [("144名", False)]),
        # rounding forms and separators
        ("比上年减少686.9万元。", [S_INCOME], [("686.9万元", True)]),
        ("比上年减少686.90万元。", [S_INCOME], [("686.90万元", True)]),
        ("比上年减少686.91万元。", [S_INCOME], [("686.91万元", False)]),
        ("下降20.3%。", [S_INCOME], [("20.3%", False)]),  # rounding the report's figure is not the figure
        ("共安排1,407名残疾人就业。", [S1407], [("1,407名", True)]),
        ("共安排1407名残疾人就业。", [S1407], [("1407名", True)]),
        ("共安排1,470名残疾人就业。", [S1407], [("1,470名", False)]),
        # 万 scaling, both ways
        ("全年累计服务14000人次。", [S_TENK], [("14000人次", True)]),
        ("全年累计服务1.4万人次。", [S_14000], [("1.4万人次", True)]),
        ("全年累计服务1.5万人次。", [S_14000], [("1.5万人次", False)]),
        ("全年累计服务1.4万人次。", [S1407], [("1.4万人次", False)]),  # 1.4万 is not 1407
        ("本部门收入27003800元。", [S_INCOME], [("27003800元", True)]),
        # the same digits at the wrong scale are a wrong figure
        ("本部门收入2700.38元。", [S_INCOME], [("2700.38元", False)]),
        ("本部门收入2700.38亿元。", [S_INCOME], [("2700.38亿元", False)]),
        # Chinese numerals
        ("举办了4期培训班。", [S_TRAINING], [("4期", True)]),
        ("举办了四期培训班。", [S_TRAINING], [("四期", True)]),
        ("举办了五期培训班。", [S_TRAINING], [("五期", False)]),
        ("其中两期为职业技能培训班。", [S_TRAINING], [("两期", True)]),
        # units must measure the same thing
        ("现有143万元。", [S143], [("143万元", False)]),
    ],
)
def test_numbers_are_checked_against_the_cited_sentences(answer: str, cited: list[str],
                                                         expected: list[tuple[str, bool]]) -> None:
    assert check(answer, *cited) == expected


def test_each_number_of_an_answer_is_checked_on_its_own() -> None:
    answer = "2023年本部门收入2700.38万元，比上年减少686.90万元，下降20.82%。"
    assert check(answer, S_INCOME) == [("2023", True), ("2700.38万元", True), ("686.90万元", True), ("20.82%", False)]


def test_a_verified_number_names_the_figure_and_sentence_it_matched() -> None:
    [number] = verify_numbers("减少686.9万元", cite(S143, S_INCOME))
    assert number == NumberCheck(text="686.9万元", verified=True, figure="686.90万元", source=S_INCOME)
    [unverified] = verify_numbers("现有423名", cite(S143))
    assert not unverified.verified and unverified.figure == "" and unverified.reason


# --- computations ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "cited", "expected"),
    [
        ("合计2655.58万元 + 38.58万元 = 2694.16万元。", [S_GENERAL, S_FUND],
         [("2655.58万元", True), ("38.58万元", True), ("2694.16万元", True)]),
        ("合计2655.58万元+38.58万元=2694.16万元。", [S_GENERAL, S_FUND],
         [("2655.58万元", True), ("38.58万元", True), ("2694.16万元", True)]),
        ("差额为2655.58 - 38.58 = 2617万元。", [S_GENERAL, S_FUND],
         [("2655.58", True), ("38.58", True), ("2617万元", True)]),
        # the arithmetic does not hold
        ("合计2655.58万元 + 38.58万元 = 2694.17万元。", [S_GENERAL, S_FUND],
         [("2655.58万元", True), ("38.58万元", True), ("2694.17万元", False)]),
        ("合计2655.58万元 + 38.58万元 = 2700.38万元。", [S_GENERAL, S_FUND, S_INCOME],
         [("2655.58万元", True), ("38.58万元", True), ("2700.38万元", True)]),  # cited itself, not computed
        # an operand the citations do not hold
        ("合计2655.58万元 + 38.58万元 = 2694.16万元。", [S_GENERAL],
         [("2655.58万元", True), ("38.58万元", False), ("2694.16万元", False)]),
        ("合计2655.58万元 + 38.58万元 = 2694.16万元。", [S_FUND],
         [("2655.58万元", False), ("38.58万元", True), ("2694.16万元", False)]),
        # the result alone, without the computation shown, is not verified
        ("合计为2694.16万元。", [S_GENERAL, S_FUND], [("2694.16万元", False)]),
    ],
)
def test_computations(answer: str, cited: list[str], expected: list[tuple[str, bool]]) -> None:
    assert check(answer, *cited) == expected


def test_a_verified_computation_says_so() -> None:
    numbers = verify_numbers("合计2655.58万元 + 38.58万元 = 2694.16万元。", cite(S_GENERAL, S_FUND))
    assert numbers[-1].verified and numbers[-1].source.startswith("computed:")
    assert "2655.58万元 + 38.58万元 = 2694.16万元" in numbers[-1].source


# --- years ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "cited", "question", "expected"),
    [
        ("2023年本部门收入2700.38万元。", [S_INCOME], "", [("2023", True), ("2700.38万元", True)]),
        ("2022年本部门收入2700.38万元。", [S_INCOME], "", [("2022", False), ("2700.38万元", True)]),
        ("2021年本部门收入2700.38万元。", [S_INCOME], "", [("2021", False), ("2700.38万元", True)]),
        ("2023年现有143名残疾人在托。", [S143], "", [("2023", False), ("143名", True)]),
        # a year the question itself names may be repeated
        ("2023年现有143名残疾人在托。", [S143], "2023年现有多少名残疾人在托？", [("2023", True), ("143名", True)]),
        ("同比2022年度减少222.22万元。", [S_FUND], "", [("2022", True), ("222.22万元", True)]),
    ],
)
def test_years_are_checked_against_the_citation(answer: str, cited: list[str], question: str,
                                                expected: list[tuple[str, bool]]) -> None:
    assert check(answer, *cited, question=question) == expected


def test_an_answer_without_numbers_has_nothing_to_check() -> None:
    assert verify_numbers("报告未提及该事项。", cite(S143)) == []
