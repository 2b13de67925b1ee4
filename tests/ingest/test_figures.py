"""ingest.numbers / ingest.figures: every stated number becomes a Figure with its unit, value, qualifier and clause."""
from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.clean import clean_report_text
from ingest.figures import Figure, extract_figures
from ingest.load import load_report
from ingest.numbers import find_numbers, parse_chinese_numeral, parse_decimal
from ingest.outline import outline_paragraphs

REPORT = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"


@pytest.fixture(scope="module")
def cleaned_text() -> str:
    return clean_report_text(load_report(REPORT).text).text


@pytest.fixture(scope="module")
def report_figures(cleaned_text: str) -> list[Figure]:
    return extract_figures(outline_paragraphs(cleaned_text), "liwan")


def figures_in(sentence: str) -> list[Figure]:
    """The figures of one body sentence, under a heading (lines before the first heading are the title block)."""
    text = "一、基本情况\n" + clean_report_text(sentence).text
    return extract_figures(outline_paragraphs(text), "t")


def the_figure(figures: list[Figure], text: str, clause_part: str = "") -> Figure:
    found = [f for f in figures if f.text == text and clause_part in f.clause]
    assert len(found) >= 1, f"no figure {text!r} in a clause with {clause_part!r}"
    return found[0]


# --- units and kinds ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit", "kind"),
    [
        ("本年度年初预算数为2317.52万元。", "2317.52", "2317.52", "万元", "money"),
        ("下降20.28%。", "20.28", "20.28", "%", "percent"),
        ("占总收入的98.57％。", "98.57", "98.57", "%", "percent"),  # full-width percent sign
        ("现有143名残疾人在托。", "143", "143", "名", "people"),
        ("培训残疾人133人。", "133", "133", "人", "people"),
        ("服务人次62364人次。", "62364", "62364", "人次", "times"),  # 人次, not 人
        ("206个社区残协完成组建挂牌工作。", "206", "206", "个", "count"),
        ("推进13家盲人按摩机构解决经营困难问题。", "13", "13", "家", "count"),
        ("走访慰问家庭困难的失业残疾人14户。", "14", "14", "户", "count"),
        ("夺得奖牌27枚。", "27", "27", "枚", "count"),
        ("新增残疾人证1058本。", "1058", "1058", "本", "count"),
        ("康复资助审批5292次。", "5292", "5292", "次", "times"),
        ("全年已完成服务24720工时。", "24720", "24720", "工时", "hours"),
        ("结合全国助残日等活动15场。", "15", "15", "场", "count"),
        ("22条街道残联完成换届工作。", "22", "22", "条", "count"),
        ("举办职业技能培训班6期。", "6", "6", "期", "count"),
        ("安排1,407名残疾人就业。", "1,407", "1407", "名", "people"),  # a thousands separator as written
        ("支出合计12,345.67万元。", "12,345.67", "12345.67", "万元", "money"),
        ("比上年增长1,055.4%。", "1,055.4", "1055.4", "%", "percent"),
        # measure words of other reports: lessons, rounds, places, school visits, incidents
        ("上传优质课例资源3,480节。", "3,480", "3480", "节", "count"),
        ("全年开展校园安全隐患排查4轮。", "4", "4", "轮", "count"),
        ("排查整改安全隐患1,126处。", "1,126", "1126", "处", "count"),
        ("全年开展经常性督导3,860校次。", "3,860", "3860", "校次", "times"),
        ("助餐食品安全事故发生数0起。", "0", "0", "起", "count"),
        ("购置螺旋CT1台。", "1", "1", "台", "count"),
        ("共安排１４０７名残疾人就业。", "1407", "1407", "名", "people"),
        ("资助金额１６７３．０４万元。", "1673.04", "1673.04", "万元", "money"),
        ("提供基本养老保险参保缴费资助34.85万。", "34.85", "34.85", "万", "money"),
        ("社会综合满意度评分80分以上。", "80", "80", "分", "score"),
        # Chinese numerals with a measure word
        ("举办四期残疾人职业技能培训班。", "四", "4", "期", "count"),
        ("残障人士职业技能培训班两期。", "两", "2", "期", "count"),
        ("夺得金牌十三枚。", "十三", "13", "枚", "count"),
        ("服务残疾人一百零五人。", "一百零五", "105", "人", "people"),
        ("成功申报一家省级残疾人就业示范基地。", "一", "1", "家", "count"),
    ],
)
def test_units_and_values(sentence: str, text: str, value: str, unit: str, kind: str) -> None:
    figures = figures_in(sentence)
    assert [(f.text, f.value, f.unit, f.kind) for f in figures] == [(text, value, unit, kind)]
    assert figures[0].decimal == Decimal(value)
    assert figures[0].display == text + unit


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("四", 4), ("两", 2), ("十", 10), ("十三", 13), ("二十", 20), ("一百零五", 105), ("一千零一", 1001), ("两万", 20000),
     ("三百六十五", 365), ("统一", None), ("", None), ("4", None)],
)
def test_chinese_numerals(numeral: str, value: int | None) -> None:
    assert parse_chinese_numeral(numeral) == value


@pytest.mark.parametrize(("text", "value"), [("1,407", "1407"), ("686.90", "686.90"), ("四", "4"), ("0.8", "0.8"),
                                              ("abc", None)])
def test_parse_decimal(text: str, value: str | None) -> None:
    assert parse_decimal(text) == (Decimal(value) if value is not None else None)


def test_rounding_forms_keep_what_was_written() -> None:
    figure = figures_in("比上年减少686.90万元。")[0]
    assert figure.text == "686.90" and figure.decimal == Decimal("686.9")


@pytest.mark.parametrize(("written", "scaled"), [("1.4万人", 14000), ("2700.38万元", 27003800), ("14000人", 14000),
                                                  ("3亿元", 300000000)])
def test_scaled_values(written: str, scaled: int) -> None:
    tokens = find_numbers(f"共{written}。")
    assert len(tokens) == 1 and tokens[0].scaled == scaled


# --- what is not a figure ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("2023年本部门收入2700.38万元。", ["2700.38万元"]),  # 2023年: a year
        ("截止12月15日康复资助审批5292次。", ["5292次"]),  # a date
        ("2023年1月至3月开展就业援助月专项活动。", []),
        ("结合第33次全国助残日、第7个全国残疾预防日等活动15场。", ["15场"]),  # ordinals
        ("顺利召开荔湾区残联第八次代表大会。", []),
        ("组团参加广州市第十一届残疾人运动会。", []),
        ("不断增强“四个意识”，坚定“四个自信”，做到“两个维护”。", []),  # slogans
        ("落实84名残疾人就业创业资金补贴及一次性创业补贴。", ["84名"]),  # 一次性
        ("接访办理残疾群众来信以及12345市长热线等163人次。", ["163人次"]),  # an identifier
        ("紧扣区委十三届六次全会任务目标。", []),
        ("进一步促进残疾人充分就业，统一安排。", []),
        ("区残联连续两年推出民生实事。", []),
    ],
)
def test_not_figures(sentence: str, figures: list[str]) -> None:
    assert [f.display for f in figures_in(sentence)] == figures


def test_list_and_heading_numbers_are_not_figures() -> None:
    text = "一、基本情况\n（一）部门职能\n1．主要职能。本会负责残疾人工作。\n（1）“三公”经费支出情况：年初预算0.8万元。\n4.财政拨款收入、支出分析。"
    assert [f.display for f in extract_figures(outline_paragraphs(text), "t")] == ["0.8万元"]


def test_the_title_year_is_not_a_figure() -> None:
    text = "2023年度广州市荔湾区残疾人联合会\n部门整体支出绩效自评报告\n一、基本情况\n共有3名工作人员。"
    assert [f.display for f in extract_figures(outline_paragraphs(text), "t")] == ["3名"]


# --- qualifiers and clauses ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "clause_part", "qualifier"),
    [
        ("92", "%", "部门整体预算执行率92%以上", "target"),
        ("95", "%", "纳入服务完成率95%以上", "target"),
        ("1191.06", "万元", "拟投入的资金为1191.06万元", "target"),
        ("350.66", "万元", "拟投入的资金为350.66万元", "target"),
        ("686.90", "万元", "比上年减少686.90万元", "change"),
        ("20.28", "%", "下降20.28%", "change"),
        ("461.02", "万元", "同比上年度减少461.02万元", "change"),
        ("51", "名", "其中精神类51名", "part"),
        ("92", "名", "智力及重度残疾人92名", "part"),
        ("3181", "人次", "其中精神病专科门诊3181人次", "part"),
        ("755.32", "万元", "其中人员经费755.32万元", "part"),
        ("143", "名", "现有143名残疾人在托", "level"),
        ("2700.38", "万元", "2023年本部门收入2700.38万元", "level"),
        ("1407", "名", "1407名残疾人实现稳定就业", "level"),
        ("423", "人", "全年服务学员423人", "level"),
    ],
)
def test_report_qualifiers(report_figures: list[Figure], text: str, unit: str, clause_part: str,
                           qualifier: str) -> None:
    figure = the_figure(report_figures, text, clause_part)
    assert figure.unit == unit
    assert figure.qualifier == qualifier


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("2023年度部门整体预算执行率92%以上。", "target"),
        ("拟投入的资金为1191.06万元。", "target"),
        ("计划新增50个岗位。", "target"),
        ("比上年减少686.90万元。", "change"),
        ("同比增长5.2%。", "change"),
        ("现有143名残疾人在托。", "level"),
    ],
)
def test_qualifiers(sentence: str, qualifier: str) -> None:
    assert [f.qualifier for f in figures_in(sentence)] == [qualifier]


def test_parts_follow_their_whole() -> None:
    figures = figures_in("现有143名残疾人在托，其中精神类51名、智力及重度残疾人92名。")
    assert [(f.text, f.qualifier, f.clause) for f in figures] == [
        ("143", "level", "现有143名残疾人在托"), ("51", "part", "其中精神类51名"), ("92", "part", "智力及重度残疾人92名")]


def test_the_143_figure(report_figures: list[Figure]) -> None:
    [figure] = [f for f in report_figures if f.text == "143"]
    assert (figure.value, figure.unit, figure.kind, figure.qualifier) == ("143", "名", "people", "level")
    assert figure.clause == "现有143名残疾人在托"
    assert "残疾人在托" in figure.phrase
    assert figure.sentence.startswith("为有需要的困难重度残疾人提供寄宿托养资助") and figure.sentence.endswith("。")
    assert figure.section == "二、综合评价分析 > （三）主要工作成效 > 三是聚焦精准高效，做好残疾人康复服务"
    assert figure.report == "liwan"


def test_a_number_split_by_a_page_break_keeps_its_unit(report_figures: list[Figure]) -> None:
    """The raw report breaks "1191.06" from "万元" with four line breaks, and "143名残疾人在" from "托"."""
    assert the_figure(report_figures, "1191.06").unit == "万元"
    assert "1191.06\n\n\n\n万元" in load_report(REPORT).text


def test_the_repeated_block_gives_its_figures_once(report_figures: list[Figure]) -> None:
    counts = Counter(f.display for f in report_figures)
    assert counts["2317.52万元"] == 1  # stated once per copy of the repeated block
    assert counts["1907.51万元"] == 1
    assert counts["2700.38万元"] == 3  # stated three times in different sentences


# --- coverage against the report text itself -----------------------------------------------------------------------

# Our own list of what may follow a number that counts something (not the product's table).
MEASURES = ("万元", "亿元", "元", "%", "名", "人次", "人", "个", "家", "户", "枚", "本", "次", "工时", "场", "条", "期", "岁",
            "分", "万", "亿", "项", "年")
ARABIC = re.compile(r"\d+(?:\.\d+)?")


def stated_numbers(text: str) -> list[tuple[int, str]]:
    """(position, digits) of every Arabic number in `text` that states a quantity, read independently of ingest."""
    found = []
    for m in ARABIC.finditer(text):
        digits, start, end = m.group(), m.start(), m.end()
        before, after = text[start - 1:start] if start else "", text[end:end + 1]
        if re.fullmatch(r"(19|20)\d\d", digits) and after == "年":
            continue  # a year
        if after in ("月", "日"):
            continue  # a date
        if before == "第":
            continue  # an ordinal
        if re.fullmatch(r"[\u4e00-\u9fff]", after) and not text.startswith(MEASURES, end):
            continue  # glued to a word: a name or code ("12345市长热线")
        if (start == 0 or before == "\n") and re.match(r"[．.、](?!\d)", text[end:end + 2]):
            continue  # a heading number ("1．", "4.")
        if before in "（(" and after in "）)":
            continue  # a list number ("（1）")
        found.append((start, digits))
    return found


def test_every_number_the_report_states_is_a_figure(cleaned_text: str, report_figures: list[Figure]) -> None:
    stated = stated_numbers(cleaned_text)
    assert len(stated) > 100
    arabic_figures = {(f.start, f.text) for f in report_figures if f.text[0].isdigit()}
    missing = [(pos, digits, cleaned_text[max(0, pos - 12):pos + 12]) for pos, digits in stated
               if (pos, digits) not in arabic_figures]
    assert not missing
    # and nothing else: no year, date, ordinal, identifier or heading number became a figure
    assert arabic_figures == set(stated)


def test_the_coverage_check_can_fail(cleaned_text: str) -> None:
    """The independent reading does count what a careless extractor would drop."""
    stated = stated_numbers(cleaned_text)
    assert {"143", "1191.06", "686.90", "20.28", "24720", "0", "34.85"} <= {digits for _, digits in stated}
    positions = {pos for pos, _ in stated}
    for not_stated in ("2023年本部门", "12345市长热线", "33次全国助残日", "15日康复资助", "1．主要职能", "1）贯彻执行"):
        assert cleaned_text.index(not_stated) not in positions, not_stated


def test_figure_spans_index_the_cleaned_text(cleaned_text: str, report_figures: list[Figure]) -> None:
    assert len(report_figures) > 120
    for f in report_figures:
        assert cleaned_text[f.start:f.end] == f.text
        assert f.text in f.clause and f.clause in f.sentence and f.sentence in cleaned_text
        assert cleaned_text[f.end:].startswith(f.unit)
    assert len({f.id for f in report_figures}) == len(report_figures)


def test_metadata_round_trip(report_figures: list[Figure]) -> None:
    for f in report_figures[:10]:
        meta = f.to_metadata()
        assert all(isinstance(v, str | int | float) for v in meta.values())
        assert Figure.from_metadata(meta) == f
