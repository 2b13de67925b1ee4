"""ingest.outline: every heading level of these reports, the heading path of every paragraph, exact spans."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.clean import clean_report_text
from ingest.load import load_report
from ingest.outline import (
    SECTION_SEPARATOR,
    count_sections,
    heading_style,
    outline_paragraphs,
    report_title,
    split_heading,
)
from ingest.report import Paragraph

REPORT = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"


@pytest.fixture(scope="module")
def cleaned_text() -> str:
    return clean_report_text(load_report(REPORT).text).text


@pytest.fixture(scope="module")
def paragraphs(cleaned_text: str) -> list[Paragraph]:
    return outline_paragraphs(cleaned_text)


def body_holding(paragraphs: list[Paragraph], words: str) -> Paragraph:
    found = [p for p in paragraphs if words in p.text and not p.is_heading]
    assert len(found) == 1, f"{words!r} is in {len(found)} body paragraphs"
    return found[0]


# --- one line at a time ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "style", "title", "body"),
    [
        ("一、基本情况", "cn", "一、基本情况", ""),
        ("四、下一步改进措施", "cn", "四、下一步改进措施", ""),
        ("十二、其他需要说明的情况", "cn", "十二、其他需要说明的情况", ""),
        ("（一）部门职能", "cn-paren", "（一）部门职能", ""),
        ("(三)主要工作成效", "cn-paren", "(三)主要工作成效", ""),
        ("1．主要职能。广州市荔湾区残疾人联合会的主要职责是：", "num", "1．主要职能", "广州市荔湾区残疾人联合会的主要职责是："),
        ("2．收入支出结构分析。", "num", "2．收入支出结构分析", ""),
        ("4.财政拨款收入、支出分析。", "num", "4.财政拨款收入、支出分析", ""),
        ("3、支出按经济分类科目分析", "num", "3、支出按经济分类科目分析", ""),
        ("（1）“三公”经费支出情况：本年度我部门“三公”经费年初预算0.8万元。", "num-paren", "（1）“三公”经费支出情况",
         "本年度我部门“三公”经费年初预算0.8万元。"),
        ("（2）差异原因分析。社会保障和就业支出年初预算2267.59万元。", "num-paren", "（2）差异原因分析",
         "社会保障和就业支出年初预算2267.59万元。"),
        ("(5)重点经济分类支出中存在的问题及改进措施。", "num-paren", "(5)重点经济分类支出中存在的问题及改进措施", ""),
        ("一是坚持政治引领，加强残联组织建设。", "shi", "一是坚持政治引领，加强残联组织建设", ""),
        ("六是强化党建引领，营造扶残助残氛围", "shi", "六是强化党建引领，营造扶残助残氛围", ""),
    ],
)
def test_heading_lines(line: str, style: str, title: str, body: str) -> None:
    assert heading_style(line) == style
    assert split_heading(line) == (title, body)


@pytest.mark.parametrize(
    "line",
    [
        # body text that starts like a heading
        "4.5万元用于残疾人康复。",  # a decimal, not "4."
        "2023年本部门收入2700.38万元，比上年减少686.90万元。",
        "12345市长热线等163人次。",
        # a long list item of the body: "（1）…" running on past any title length
        "（1）贯彻执行中央、省、市有关残疾人工作的法律、法规和方针、政策，结合实际，研究和制定残疾人事业发展规划和年度计划，并组织协调实施。",
        "（1）2023年度，一般公共预算财政拨款收入2655.58万元，占总收入的98.57%，同比上年度减少461.02万元；",
        # "一是…，拟投入…：…" running text is an enumeration inside a paragraph
        "一是教育文信和社保监管工作，拟投入的资金为350.66万元，主要包括：为残疾人学生和机构办理发放扶助教育补助；",
        "一是运营管理工作，保障了区残联及下属残疾人服务所的正常运行，为残疾人提供各类服务，确保机构正常运作；二是教就文信和社保监管工作。",
        "进一步促进残疾人充分就业。",
        "无。",
    ],
)
def test_body_lines_are_not_headings(line: str) -> None:
    assert split_heading(line) is None
    paragraphs = outline_paragraphs(f"一、基本情况\n{line}")
    assert [p.text for p in paragraphs] == ["一、基本情况", line]
    assert paragraphs[1].is_heading is False
    assert paragraphs[1].section == "一、基本情况"


# --- the heading path ------------------------------------------------------------------------------------------

SAMPLE = "\n".join([
    "2023年度某区残疾人联合会",
    "部门整体支出绩效自评报告",
    "一、基本情况",
    "（一）部门职能",
    "1．主要职能。本会的主要职责是：",
    "（1）贯彻执行中央、省、市有关残疾人工作的法律、法规和方针、政策，结合实际，研究和制定残疾人事业发展规划。",
    "（二）部门整体收支情况",
    "2023年本部门收入2700.38万元。",
    "4.财政拨款收入、支出分析。",
    "本年度，我部门基本支出786.65万元。",
    "（1）差异原因分析。社会保障和就业支出年初预算2267.59万元。",
    "（2）会议费支出情况：本年度我部门无会议费支出。",
    "二、综合评价分析",
    "（三）主要工作成效",
    "一是坚持政治引领，加强残联组织建设。",
    "荔湾区残联深刻理解和把握习近平新时代中国特色社会主义思想。",
    "二是拓宽融合路径，推动残疾人就业工作。",
    "新增就业人数共187人。",
    "三、存在的主要问题",
    "无。",
])
S = SECTION_SEPARATOR


@pytest.mark.parametrize(
    ("words", "section"),
    [
        ("本会的主要职责是", f"一、基本情况{S}（一）部门职能{S}1．主要职能"),
        ("（1）贯彻执行", f"一、基本情况{S}（一）部门职能{S}1．主要职能"),
        ("2700.38", f"一、基本情况{S}（二）部门整体收支情况"),  # （二） closes 1．
        ("786.65", f"一、基本情况{S}（二）部门整体收支情况{S}4.财政拨款收入、支出分析"),
        ("2267.59", f"一、基本情况{S}（二）部门整体收支情况{S}4.财政拨款收入、支出分析{S}（1）差异原因分析"),
        ("无会议费支出", f"一、基本情况{S}（二）部门整体收支情况{S}4.财政拨款收入、支出分析{S}（2）会议费支出情况"),
        ("习近平", f"二、综合评价分析{S}（三）主要工作成效{S}一是坚持政治引领，加强残联组织建设"),
        ("187人", f"二、综合评价分析{S}（三）主要工作成效{S}二是拓宽融合路径，推动残疾人就业工作"),  # 二是 closes 一是
        ("无。", "三、存在的主要问题"),  # 三、 closes everything
    ],
)
def test_each_level_gives_the_heading_path(words: str, section: str) -> None:
    paragraphs = outline_paragraphs(SAMPLE)
    assert body_holding(paragraphs, words).section == section


def test_headings_carry_their_level_and_path() -> None:
    headings = [(p.level, p.text, p.section) for p in outline_paragraphs(SAMPLE) if p.level]
    assert [level for level, _, _ in headings] == [1, 2, 3, 2, 3, 4, 4, 1, 2, 3, 3, 1]  # depth in the outline
    for _, text, section in headings:
        assert section.endswith(text)  # a heading's own path ends with itself


def test_title_block_and_section_count() -> None:
    paragraphs = outline_paragraphs(SAMPLE)
    assert [p.text for p in paragraphs[:2]] == ["2023年度某区残疾人联合会", "部门整体支出绩效自评报告"]
    assert all(p.is_heading and p.is_title and p.level == 0 and p.section == "" for p in paragraphs[:2])
    assert report_title(paragraphs) == "2023年度某区残疾人联合会部门整体支出绩效自评报告"
    assert count_sections(paragraphs) == 12


# --- the bundled report ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "section"),
    [
        ("现有143名残疾人在托", f"二、综合评价分析{S}（三）主要工作成效{S}三是聚焦精准高效，做好残疾人康复服务"),
        ("全年服务学员423人", f"二、综合评价分析{S}（三）主要工作成效{S}三是聚焦精准高效，做好残疾人康复服务"),
        ("1407名残疾人实现稳定就业", f"二、综合评价分析{S}（三）主要工作成效"),
        ("共安排1407名残疾人就业", f"二、综合评价分析{S}（三）主要工作成效{S}二是拓宽融合路径，推动残疾人就业工作"),
        ("2023年本部门收入2700.38万元", f"一、基本情况{S}（二）部门整体收支情况"),
        ("本年度年初预算数为2317.52万元",
         f"一、基本情况{S}（二）部门整体收支情况{S}1．收入支出与预算对比分析{S}"
         "（1）预、决算差异情况，分收入支出功能科目、分单位、分收入支出具体项目逐项对比"),
        ("社会保障和就业支出年初预算2267.59万元",
         f"一、基本情况{S}（二）部门整体收支情况{S}1．收入支出与预算对比分析{S}（2）差异原因分析"),
        # a long "（1）…" list item stays body under 2．
        ("（1）2023年度，一般公共预算财政拨款收入2655.58万元", f"一、基本情况{S}（二）部门整体收支情况{S}2．收入支出结构分析"),
        ("（1）贯彻执行中央", f"一、基本情况{S}（一）部门职能{S}1．主要职能"),
        ("我部门基本支出786.65万元", f"一、基本情况{S}（二）部门整体收支情况{S}4.财政拨款收入、支出分析"),
        # "一是…，拟投入…：…" is running text of （四）, not a heading of its own
        ("一是教育文信和社保监管工作，拟投入的资金为350.66万元", f"一、基本情况{S}（四）部门年度重点工作任务"),
        ("拟投入的资金为1191.06万元", f"一、基本情况{S}（四）部门年度重点工作任务"),
        ("一是运营管理工作", f"二、综合评价分析{S}（二）各重点工作任务绩效目标完成情况分析"),
        ("夺得金牌13枚", f"二、综合评价分析{S}（三）主要工作成效{S}五是紧扣残建融合，增强公共服务供给"),
        ("1023户视障家庭", f"二、综合评价分析{S}（三）主要工作成效{S}六是强化党建引领，营造扶残助残氛围"),
    ],
)
def test_report_paragraph_paths(paragraphs: list[Paragraph], words: str, section: str) -> None:
    assert body_holding(paragraphs, words).section == section


def test_report_inline_heading_splits_into_heading_and_body(paragraphs: list[Paragraph], cleaned_text: str) -> None:
    line = next(line for line in cleaned_text.split("\n") if line.startswith("（2）差异原因分析。"))
    i = next(i for i, p in enumerate(paragraphs) if p.text == "（2）差异原因分析")
    heading, body = paragraphs[i], paragraphs[i + 1]
    assert heading.is_heading and heading.level == 4
    assert not body.is_heading
    assert body.text == line[len("（2）差异原因分析。"):]
    assert body.text.startswith("社会保障和就业支出年初预算2267.59万元")
    assert body.section == heading.section
    assert cleaned_text[heading.start:body.end] == line


def test_report_headings(paragraphs: list[Paragraph]) -> None:
    by_level: dict[str, list[str]] = {}
    for p in paragraphs:
        if p.level:
            by_level.setdefault(heading_style(p.text), []).append(p.text)
    assert by_level["cn"] == ["一、基本情况", "二、综合评价分析", "三、存在的主要问题", "四、下一步改进措施"]
    assert by_level["cn-paren"] == ["（一）部门职能", "（二）部门整体收支情况", "（三）部门整体支出绩效目标", "（四）部门年度重点工作任务",
                           "（一）自评结论综述", "（二）各重点工作任务绩效目标完成情况分析", "（三）主要工作成效"]
    assert by_level["num"] == ["1．主要职能", "1．收入支出与预算对比分析", "2．收入支出结构分析", "3．支出按经济分类科目分析",
                           "4.财政拨款收入、支出分析"]
    assert by_level["shi"] == ["一是坚持政治引领，加强残联组织建设", "二是拓宽融合路径，推动残疾人就业工作",
                           "三是聚焦精准高效，做好残疾人康复服务", "四是强化关爱服务，夯实社会保障基础",
                           "五是紧扣残建融合，增强公共服务供给", "六是强化党建引领，营造扶残助残氛围"]
    assert "（2）收入支出按部门所属单位分布情况" in by_level["num-paren"]
    assert not any(t.startswith("（1）贯彻执行") or t.startswith("（1）2023年度") for t in by_level["num-paren"])
    assert report_title(paragraphs) == "2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告"


def test_spans_index_the_cleaned_text_exactly(paragraphs: list[Paragraph], cleaned_text: str) -> None:
    assert paragraphs
    previous_end = -1
    for p in paragraphs:
        assert cleaned_text[p.start:p.end] == p.text
        assert p.start > previous_end  # in order, never overlapping
        previous_end = p.end
    # between paragraphs only line breaks and the "。"/"：" that ends a heading are left out: no words are lost
    assert paragraphs[0].start == 0
    ends = [p.end for p in paragraphs]
    starts = [p.start for p in paragraphs[1:]] + [len(cleaned_text) + 1]
    for p, end, start in zip(paragraphs, ends, starts):
        gap = (cleaned_text + "\n")[end:start]
        assert re.fullmatch(r"[。：:！？]?\n?", gap), (p.text, gap)
        if gap.startswith(("。", "：", ":")):
            assert p.level
