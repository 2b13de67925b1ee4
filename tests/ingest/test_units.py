"""ingest.numbers' measures as these reports write them, and every figure of a list its own Figure.

Cases come from different reports (the dev corpus, tests/app/reports, tests/ingest/reports), in their wordings; the
traditional-character text is built in the test with OpenCC.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.clean import clean_report_text
from ingest.figures import UNCLASSIFIED, extract_figures
from ingest.numbers import UNIT_KIND, find_numbers
from ingest.outline import outline_paragraphs
from ingest.pipeline import prepare_report


def figures_in(text: str):
    return extract_figures(outline_paragraphs("一、基本情况\n" + clean_report_text(text).text), "t", 2023)


# --- measures: 万/亿 before a measure word, a measure per another, a rate per a round number ---------------------


@pytest.mark.parametrize(
    ("text", "written", "unit", "kind", "scaled"),
    [
        ("为居家长者提供上门服务共计3.9万小时。", "3.9", "万小时", "hours", "39000"),  # a street office's project
        ("新增校舍建筑面积18.6万平方米。", "18.6", "万平方米", "area", "186000"),  # an education bureau
        ("全年接种新冠病毒疫苗3125.6万剂次。", "3125.6", "万剂次", "times", "31256000"),  # a health commission
        ("新增图书馆藏书1.2万册。", "1.2", "万册", "count", "12000"),
        ("义务教育学位新增2.35万个。", "2.35", "万个", "count", "23500"),
        ("平均等候时间由上年的25分钟缩短至15分钟。", "15", "分钟", "hours", "15"),  # a hospital
        ("送餐服务半径不超过30分钟车程。", "30", "分钟", "hours", "30"),
        ("助餐补贴标准：年度指标值≤8元/人次。", "8", "元/人次", "money", "8"),  # a street office's table row
        ("生均公用经费：年度指标值≥1150元/生年。", "1150", "元/生年", "money", "1150"),  # an education bureau
        ("校舍维修单价≤1800元/平方米。", "1800", "元/平方米", "money", "1800"),
        ("开展心理健康讲座服务学生3600人/次。", "3600", "人/次", "times", "3600"),  # 人/次 is how some write 人次
        ("孕产妇死亡率6.8/10万。", "6.8", "/10万", "percent", "6.8"),  # a rate per 100,000
        ("储备应急物资品种达到126种。", "126", "种", "count", "126"),  # a health bureau's reserve
        ("全年开展职业技能培训23种。", "23", "种", "count", "23"),  # an employment bureau
    ],
)
def test_measures_these_reports_use(text: str, written: str, unit: str, kind: str, scaled: str) -> None:
    token = next(t for t in find_numbers(text) if t.text == written)
    assert (token.unit, token.kind, token.scaled) == (unit, kind, Decimal(scaled))
    assert UNIT_KIND[unit] == kind  # what app/ reads a figure's unit as
    figure = next(f for f in figures_in(text) if f.text == written)
    assert (figure.unit, figure.kind) == (unit, kind)
    assert text[figure.start - len("一、基本情况\n"):].startswith(written + unit)


@pytest.mark.parametrize(("text", "figures"), [
    ("孕产妇死亡率6.8/10万，婴儿死亡率1.62‰。", ["6.8/10万", "1.62‰"]),  # a health commission's rates
    ("传染病报告发病率：年度指标值≤200/10万，实际完成值156.3/10万。", ["200/10万", "156.3/10万"]),
    ("助餐补贴标准≤8元/人次，服务3600人/次。", ["8元/人次", "3600人/次"]),
])
def test_a_number_inside_a_figures_unit_is_no_figure_of_its_own(tmp_path, text: str, figures: list[str]) -> None:
    path = tmp_path / "rates.txt"
    path.write_text("某某市某某委员会2021年度部门整体支出绩效自评报告\n一、绩效情况\n" + text, encoding="utf-8")
    prepared = prepare_report(path)
    assert [f.display for f in prepared.figures] == figures
    assert prepared.info.unclassified == 0


@pytest.mark.parametrize("text", [
    "得分95.66分，自评等级为优。",  # a score stays a score
    "全年完成2,105.60万元，4125.49/4143.91为两年的数。",  # "/" between two numbers is no measure
    "2023年我院有65岁以上老人1.2万人。",
])
def test_measures_do_not_swallow_what_is_not_theirs(text: str) -> None:
    units = {t.text: t.unit for t in find_numbers(text)}
    assert units.get("95.66", "分") == "分"
    assert units.get("4143.91", "") == "" and units.get("65", "岁") == "岁" and units.get("1.2", "万人") == "万人"


# --- traditional characters: figures carry simplified units -------------------------------------------------------

TRADITIONAL_SOURCES = [
    # a civil-affairs bureau's "三公" explanation (tests/ingest/reports), and a hospital's self-evaluation sentences
    ("2023年度本局“三公”经费财政拨款支出决算为8.64万元，完成预算的72.00%。公务接待12批次、86人次。"
     "全年开展培训4期，新增服务项目3项，建成服务站点5个。",
     {("8.64", "万元", "money"), ("72.00", "%", "percent"), ("12", "批次", "times"), ("86", "人次", "times"),
      ("4", "期", "count"), ("3", "项", "count"), ("5", "个", "count")}),
    ("2024年度本院门诊量达23.6万人次，志愿服务1.2万小时，平均候诊时间缩短至18分钟，新建业务用房1.5万平方米，"
     "购置设备台套数126台。",
     {("23.6", "万人次", "times"), ("1.2", "万小时", "hours"), ("18", "分钟", "hours"), ("1.5", "万平方米", "area"),
      ("126", "台", "count")}),
]


@pytest.mark.parametrize(("simplified", "expected"), TRADITIONAL_SOURCES)
def test_a_traditional_report_gives_figures_with_simplified_units(tmp_path, simplified: str, expected) -> None:
    import opencc

    traditional = opencc.OpenCC("s2t").convert(simplified)
    assert "萬" in traditional and traditional != simplified  # the text really is in traditional characters
    path = tmp_path / "traditional.txt"
    path.write_text("某某區某某局2023年度部門整體支出績效自評報告\n一、基本情況\n" + traditional, encoding="utf-8")
    prepared = prepare_report(path)
    got = {(f.text, f.unit, f.kind) for f in prepared.figures}
    assert expected <= got, got
    for f in prepared.figures:  # quoted as the report writes it
        assert f.extra.get("original") and f.extra["original"] != f.sentence
    assert prepared.info.unclassified == 0 and prepared.info.coverage == 1.0


def test_traditional_units_are_read_after_conversion() -> None:
    text = clean_report_text("全年服務長者3.9萬小時，辦理業務1,260個，完成項目12項，平均辦理時間15分鐘。").text
    assert [(t.text, t.unit) for t in find_numbers(text)] == [("3.9", "万小时"), ("1,260", "个"), ("12", "项"),
                                                              ("15", "分钟")]


# --- every figure of a list its own Figure ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # tests/app/reports/health-2024: two decimals with two places each, comma-separated, then 各下降 x%、y%
        ("2024年度收、支总计各是8650.20,8412.75万元，与上年相比各减少321.40,298.66万元，各下降3.58%、3.43%。",
         ["8650.20万元", "8412.75万元", "321.40万元", "298.66万元", "3.58%", "3.43%"]),
        # a street office's final accounts: the same form with other subjects
        ("2021年度本年收入、本年支出各是3180.52,3102.94万元,与上年相比各减少215.36,198.40万元,各下降6.34%、6.01%。",
         ["3180.52万元", "3102.94万元", "215.36万元", "198.40万元", "6.34%", "6.01%"]),
        # thousands separators inside a pair: "3,256.78,3,198.45" is two figures
        ("2021年度收、支总计各是3,256.78,3,198.45万元。", ["3,256.78万元", "3,198.45万元"]),
        # a comma that is no valid thousands grouping ("321,298.66" for two subjects; "12,34")
        ("收、支总计各是321,298.66万元。", ["321万元", "298.66万元"]),
        ("收、支总计各减少12,34万元。", ["12万元", "34万元"]),
        # tests/ingest/reports/street-office-2020: 分别为 A、B、C with the unit on each
        ("完成老旧小区改造3个,改造资金分别为320.50万元、210.00万元、180.25万元。",
         ["3个", "320.50万元", "210.00万元", "180.25万元"]),
        ("基本支出、项目支出分别为786.65万元、1907.51万元。", ["786.65万元", "1907.51万元"]),
    ],
)
def test_every_figure_of_a_list_is_its_own_figure(tmp_path, text: str, figures: list[str]) -> None:
    assert [f.display for f in figures_in(text)] == figures
    path = tmp_path / "list.txt"
    path.write_text("某某区某某局2023年度部门决算说明\n一、收支情况\n" + text, encoding="utf-8")
    prepared = prepare_report(path)
    assert [f.display for f in prepared.figures] == figures
    census = __import__("json").loads(prepared.info.numbers)
    assert census.get(UNCLASSIFIED, 0) == 0 and prepared.info.coverage == 1.0
    values = [Decimal(f.value) for f in prepared.figures]
    assert len(set(values)) == len(values)  # no figure merged into another


def test_the_dev_reports_lists_come_out_figure_by_figure() -> None:
    root = Path(__file__).resolve().parents[2]
    for path, pairs in [
        (root / "tests" / "app" / "reports" / "health-2024.txt", [("8650.20", "8412.75"), ("321.40", "298.66")]),
        (root / "tests" / "ingest" / "reports" / "web-education-2021.txt", [("3,256.78", "3,198.45"), ("120.50", "98.30")]),
    ]:
        texts = [f.text for f in prepare_report(path).figures]
        for a, b in pairs:
            assert a in texts and b in texts and texts.index(b) == texts.index(a) + 1, (path.name, texts)


@pytest.mark.parametrize(("text", "numbers"), [
    ("岗位技能培训：培训人次（万人次）3.86，补贴金额（万元）2316.00", ["3.86", "2316.00"]),  # a form's fields
    ("参保人数（万人）12.5，其中城乡居民（万人）8.1", ["12.5", "8.1"]),
    ("全年两万人次参加培训", ["两万"]),  # a magnitude with a digit is a number
])
def test_a_magnitude_written_without_a_number_is_part_of_the_measure(text: str, numbers: list[str]) -> None:
    """"（万人次）" in a field's name says the values are in 万人次; its 万 is no number (no unclassified 万)."""
    from ingest.numbers import find_numbers

    assert [n.text for n in find_numbers(text)] == numbers
