"""Layouts staff really get: web text and hard-wrapped text, forms, other outlines, no outline, a preface.

Each rule is checked on at least two reports of different bodies (tests/ingest/reports/ and the bundled one).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean_report_text
from ingest.figures import extract_figures
from ingest.load import load_report
from ingest.outline import outline_paragraphs
from ingest.pipeline import PreparedReport, prepare_report

REPORTS = Path(__file__).resolve().parent / "reports"
BUNDLED = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
S = " > "


def prepared(name: str) -> PreparedReport:
    return prepare_report(REPORTS / name if not name.endswith("self-evaluation.txt") else BUNDLED)


def paragraph_holding(p: PreparedReport, words: str):
    found = [x for x in p.paragraphs if words in x.text]
    assert found, f"no paragraph holds {words!r}"
    return found[0]


def outline(text: str):
    return outline_paragraphs(clean_report_text(text).text)


# --- web text (a paragraph a line, half-width punctuation) beside hard-wrapped text -----------------------------


@pytest.mark.parametrize("name", ["web-education-2021.txt", "street-office-2020.txt"])
def test_a_paragraph_a_line_is_kept_as_it_is(name: str) -> None:
    """Web pages and CMS exports: every source line is one paragraph, none joined to the next."""
    source = [line.strip() for line in (REPORTS / name).read_text(encoding="utf-8").split("\n") if line.strip()]
    assert clean_report_text("\n".join(source)).text.split("\n") == source


@pytest.mark.parametrize(
    ("name", "joined"),
    [
        # pdftotext: a blank line after every line, sentences wrapped mid-line, a number wrapped mid-digits
        ("federation-2020.txt", "基本支出3,120.45万元，项目支出5,580.77万元，分别占支出总额的35.86%、64.14%。"),
        ("federation-2020.txt", "根据省财政厅工作部署，我会对2020年度部门整体支出开展了绩效自评，现将自评情况报告如下："),
        ("liwan-dpf-2023-performance-self-evaluation.txt", "现有143名残疾人在托，其中精神类51名"),
    ],
)
def test_hard_wrapped_lines_rejoin(name: str, joined: str) -> None:
    assert joined in prepared(name).cleaned.text


@pytest.mark.parametrize(
    ("name", "words", "section"),
    [
        # (一) with ASCII parentheses, 1. under it
        ("web-education-2021.txt", "收、支总计各是", f"一、部门基本情况{S}(二)部门整体收支情况{S}1.收入支出总体情况"),
        ("web-education-2021.txt", "无因公出国", f"二、绩效目标完成情况{S}(三)\"三公\"经费"),
        # 1、 at the top, (1) under it
        ("street-office-2020.txt", "下设社区居委会9个", f"1、基本情况{S}(1)部门职能"),
        # 第一部分 above 一、 (hard-wrapped) and above 1、 (a paragraph a line)
        ("federation-2020.txt", "本会机关行政编制45名", f"第一部分部门概况{S}二、人员编制"),
        ("federation-2020.txt", "部分项目绩效目标设置不够细化", "第三部分存在问题"),
        ("school-2024.txt", "教育支出4,856.20万元", f"第二部分2024年度部门决算情况说明{S}2、财政拨款支出决算情况"),
        ("school-2024.txt", "本级财政部门", f"第三部分名词解释{S}1、财政拨款收入"),
    ],
)
def test_outlines_other_than_the_usual(name: str, words: str, section: str) -> None:
    assert paragraph_holding(prepared(name), words).section == section


@pytest.mark.parametrize(
    ("text", "items"),
    [
        # numbered lines that state figures are items of the body, not headings
        ("一、绩效目标完成情况\n(1)全年组织社区义诊36场,服务居民4,520人次。\n(2)完成老旧小区改造3个。",
         ["(1)全年组织社区义诊36场,服务居民4,520人次。", "(2)完成老旧小区改造3个。"]),
        ("二、产出情况\n1. 年度资金总额120万元，执行116.4万元\n2. 服务老年人826人",
         ["1.年度资金总额120万元，执行116.4万元", "2.服务老年人826人"]),
    ],
)
def test_numbered_lines_with_figures_are_items(text: str, items: list[str]) -> None:
    paragraphs = outline(text)
    for item in items:
        [p] = [p for p in paragraphs if p.text == item]
        assert not p.is_heading and p.section == text.split("\n")[0]
    assert sum(len(f.text) > 0 for f in extract_figures(paragraphs, "t")) >= 2


@pytest.mark.parametrize(
    ("name", "figures"),
    [
        ("hospital-conclusion-2022.txt", {"93.5分", "45,678.90万元", "86.5万人次", "99.12%"}),  # one paragraph
        ("health-sangong-2022.txt", {"12.36万元", "82.4%", "2.14万元", "14.76%", "9.80万元"}),  # no heading at all
    ],
)
def test_a_report_without_headings_is_still_a_report(name: str, figures: set[str]) -> None:
    p = prepared(name)
    assert p.info.sections == 0
    assert p.chunks and p.info.coverage == 1.0
    assert figures <= {f.display for f in p.figures}


# --- key:value forms ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("项目支出绩效自评表\n项目名称:社区居家养老服务项目\n项目资金(万元):年度资金总额120,其中:财政拨款100,其他资金20\n"
         "全年执行数(万元):116.4\n执行率:97%",
         {("120", "万元", "项目资金·年度资金总额"), ("100", "万元", "项目资金·财政拨款"), ("20", "万元", "项目资金·其他资金"),
          ("116.4", "万元", "全年执行数"), ("97", "%", "执行率")}),
        ("项目名称：校园安全设施改造\n主管部门：某某区教育局\n预算金额（万元）：85.6\n实际支出（万元）：80.2\n设备数量：12台",
         {("85.6", "万元", "预算金额"), ("80.2", "万元", "实际支出"), ("12", "台", "设备数量")}),
    ],
)
def test_a_forms_field_names_and_units_its_figures(text: str, expected: set[tuple[str, str, str]]) -> None:
    cleaned = clean_report_text(text).text
    assert all(line.count(":") + line.count("：") >= 1 for line in cleaned.split("\n")[1:])  # one field a line
    figures = extract_figures(outline_paragraphs(cleaned), "t")
    assert {(f.text, f.unit, f.phrase) for f in figures} == expected


def test_a_forms_figures_name_their_field_in_a_report() -> None:
    p = prepared("project-form-2023.txt")
    by_text = {f.text: f for f in p.figures}
    assert by_text["826"].phrase == "服务老年人数·实际完成值" and by_text["826"].qualifier == "level"
    assert by_text["800"].phrase == "服务老年人数·目标值" and by_text["800"].qualifier == "target"
    assert (by_text["97"].relation, by_text["120"].kind) == ("execution", "money")


# --- a preface before the first heading ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "preface", "title"),
    [
        ("web-education-2021.txt", ["索引号:11440606MB2C91234X/2022-00015", "发布日期:2022-04-18", "来源:佛山市顺德区教育局",
                                    "区财政局:"], "佛山市顺德区教育局2021年度部门整体支出绩效自评报告"),
        ("federation-2020.txt", ["粤科协〔2021〕15号", "省财政厅："], "广东省科学技术协会关于2020年度部门整体支出绩效自评情况的报告"),
        ("street-office-2020.txt", ["江门市蓬江区财政局:"], "street-office-2020"),
    ],
)
def test_a_preface_is_neither_title_nor_figure(name: str, preface: list[str], title: str) -> None:
    p = prepared(name)
    assert [x.text for x in p.paragraphs if x.is_preface] == preface
    assert p.info.title == title
    spans = [(x.start, x.end) for x in p.paragraphs if x.is_preface or x.is_title]
    assert not [f.display for f in p.figures if any(a <= f.start < b for a, b in spans)]
    # and the preface is still text of the report: it lies in a chunk
    assert all(any(c.start <= a and b <= c.end for c in p.chunks) for a, b in spans)


def test_a_short_inline_preface() -> None:
    """Even a handful of lines (too few to tell a layout's width) keep their header lines apart."""
    paragraphs = outline("穗教〔2021〕15号\n某某区教育局2020年度部门决算说明\n某某区财政局：\n一、基本情况\n本局收入120万元。")
    assert [(p.text, p.role) for p in paragraphs[:3]] == [
        ("穗教〔2021〕15号", "preface"), ("某某区教育局2020年度部门决算说明", "title"), ("某某区财政局：", "preface")]
    assert [f.display for f in extract_figures(paragraphs, "t")] == ["120万元"]


def test_the_bundled_report_keeps_its_outline() -> None:
    p = prepare_report(BUNDLED)
    assert p.info.sections == 32 and p.info.title == "2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告"
    assert paragraph_holding(p, "现有143名残疾人在托").section.endswith("三是聚焦精准高效，做好残疾人康复服务")
    assert load_report(BUNDLED).text  # the file itself is untouched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a hospital project's form: each indicator a line, its fields split by ";"
        ("项目名称:医疗设备购置项目\n数量指标:购置医疗设备数量;年度指标值:≥25台(套);实际完成值:28台(套)\n"
         "质量指标:设备验收合格率;年度指标值:100%;实际完成值:100%\n"
         "社会效益指标:门诊检查平均等候时间;年度指标值:≤3天;实际完成值:1.5天",
         {("25", "数量指标·购置医疗设备数量·年度指标值", "target"), ("28", "数量指标·购置医疗设备数量·实际完成值", "level"),
          ("100", "质量指标·设备验收合格率·年度指标值", "target"), ("100", "质量指标·设备验收合格率·实际完成值", "level"),
          ("3", "社会效益指标·门诊检查平均等候时间·年度指标值", "target"),
          ("1.5", "社会效益指标·门诊检查平均等候时间·实际完成值", "level")}),
        # a street office's project form, full-width punctuation
        ("项目名称：长者饭堂服务项目\n产出指标：服务长者人数；年度指标值：850人；实际完成值：812人\n"
         "效益指标：长者满意度；目标值：90%；实际完成值：96.5%",
         {("850", "产出指标·服务长者人数·年度指标值", "target"), ("812", "产出指标·服务长者人数·实际完成值", "level"),
          ("90", "效益指标·长者满意度·目标值", "target"), ("96.5", "效益指标·长者满意度·实际完成值", "level")}),
    ],
)
def test_a_form_line_of_several_fields_names_each_figure_by_its_item_and_field(
        text: str, expected: set[tuple[str, str, str]]) -> None:
    figures = extract_figures(outline_paragraphs(clean_report_text(text).text), "t")
    assert {(f.text, f.phrase, f.qualifier) for f in figures} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # items listed by ";", each with its count and its spending: the spending is the item's
        ("项目资金分别用于:64排螺旋CT1台,支出468.00万元;彩色多普勒超声诊断仪3台,支出276.60万元。",
         {("468.00", "64排螺旋CT"), ("276.60", "彩色多普勒超声诊断仪")}),
        ("资金使用情况:助餐补贴发放11860人次,金额186.35万元;上门服务812人,金额95.20万元。",
         {("186.35", "助餐补贴发放"), ("95.20", "上门服务")}),
    ],
)
def test_a_measure_word_in_a_listed_item_belongs_to_that_item(text: str, expected: set[tuple[str, str]]) -> None:
    figures = {f.text: f for f in extract_figures(outline_paragraphs(clean_report_text(text).text), "t")}
    for number, item in expected:
        assert item in figures[number].phrase.split("·"), figures[number].phrase
