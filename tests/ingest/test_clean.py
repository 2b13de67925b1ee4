"""ingest.clean: wrapped lines rejoin, page noise goes, numbers are normalised, repeated passages collapse."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.clean import clean_report_text, split_sentences
from ingest.load import load_report

REPORT = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
REPEATED_BLOCK_START = "1．收入支出与预算对比分析"
REPEATED_BLOCK_END = "占支出数的70.8%"
HEADER = "荔湾区残联2023年度部门整体支出绩效自评报告"


@pytest.fixture(scope="module")
def raw() -> str:
    """The bundled report as loaded, before cleaning."""
    return load_report(REPORT).text


@pytest.fixture(scope="module")
def cleaned(raw: str):
    """The bundled report, cleaned."""
    return clean_report_text(raw)


def raw_lines(raw: str, first: str, last: str) -> list[str]:
    """The non-empty raw lines of the report from the line holding `first` to the line holding `last`."""
    lines = [line for line in raw.split("\n") if line.strip()]
    start = next(i for i, line in enumerate(lines) if first in line)
    end = next(i for i, line in enumerate(lines) if i >= start and last in line)
    return lines[start:end + 1]


# --- rejoining wrapped lines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "joined"),
    [
        # the report's own page break splits "在" from "托"
        ("完善寄宿托养工作", "非低保低收入家庭", "现有143名残疾人在托，其中精神类51名"),
        # a number and its unit split by four line breaks
        ("二是康复资助和精神病防治工作", "开展康园工疗站提供康复训练", "拟投入的资金为1191.06万元，主要包括"),
        # a wrap between a number and "万元" inside "2317.52 万\n\n元"
        ("本年度年初预算数为", "残疾人服务机构运营补助", "本年度年初预算数为2317.52万元，年终决算2700.38万元"),
        ("社会保障和就业支出年初预算", "38.58 万元。", "社会保障和就业支出年初预算2267.59万元，年终决算为2605.85万元"),
    ],
)
def test_report_lines_wrapped_mid_sentence_rejoin(raw: str, cleaned, first: str, last: str, joined: str) -> None:
    assert joined in cleaned.text
    # the same lines cleaned on their own, as the report lays them out (a blank line after every line)
    excerpt = "\n\n".join(raw_lines(raw, first, last))
    assert joined in clean_report_text(excerpt).text


@pytest.mark.parametrize(
    ("raw_text", "paragraphs"),
    [
        # a short report: the heading line is as wide as its body, and must not absorb it
        ("一、基本情况\n本单位为残疾人服务，全年服务残疾人143名。\n（一）部门职能\n负责全区残疾人事业。\n",
         ["一、基本情况", "本单位为残疾人服务，全年服务残疾人143名。", "（一）部门职能", "负责全区残疾人事业。"]),
        ("1．主要职能\n组织残疾人康复。\n（1）康复训练\n全年训练312人。\n",
         ["1．主要职能", "组织残疾人康复。", "（1）康复训练", "全年训练312人。"]),
        # a list item wrapped at full width still runs on into its next line
        ("（1）贯彻执行中央、省、市有关残疾人工作的法律、法规\n和方针政策，研究和制定残疾人事业发展规划。\n"
         "（2）团结教育残疾人遵守法律法规，全年培训42场\n次。\n",
         ["（1）贯彻执行中央、省、市有关残疾人工作的法律、法规和方针政策，研究和制定残疾人事业发展规划。",
          "（2）团结教育残疾人遵守法律法规，全年培训42场次。"]),
    ],
)
def test_a_heading_line_never_absorbs_the_body_below_it(raw_text: str, paragraphs: list[str]) -> None:
    assert clean_report_text(raw_text).text.split("\n") == paragraphs


def test_the_143_paragraph_is_one_line(cleaned) -> None:
    line = next(line for line in cleaned.text.split("\n") if "现有143名" in line)
    assert line.startswith("完善寄宿托养工作。为有需要的困难重度残疾人提供寄宿托养资助")
    assert line.endswith("做好政策衔接工作。")


@pytest.mark.parametrize(
    ("raw_text", "expected"),
    [
        ("2023 年本部门收入 2700.38 万元，比上年减少 686.90 万元，", "2023年本部门收入2700.38万元，比上年减少686.90万元，"),
        ("下降 20.28 %，主要原因是", "下降20.28%，主要原因是"),
        ("占总收入的 98.57 ％。", "占总收入的98.57%。"),
        ("共安排１４０７名残疾人就业。", "共安排1407名残疾人就业。"),
        ("资助金额１６７３．０４万元。", "资助金额1673.04万元。"),
        ("共安排1,407名残疾人就业。", "共安排1,407名残疾人就业。"),  # thousands separators stay as written
        ("各是120，130万元。", "各是120，130万元。"),  # a full-width comma separates two figures
        ("服务人次 62364 人次。", "服务人次62364人次。"),
        ("The annual report was reviewed by the board.", "The annual report was reviewed by the board."),
        ("创新党建 + 助残工作，使用 Word 和 Excel 办公。", "创新党建+助残工作，使用Word和Excel办公。"),
        ("荔湾区（本级）2385.57 万元，占比 89.83%；", "荔湾区（本级）2385.57万元，占比89.83%；"),
    ],
)
def test_spaces_and_full_width_digits(raw_text: str, expected: str) -> None:
    assert clean_report_text(raw_text).text == expected


def test_heading_numbers_keep_their_full_width_point() -> None:
    """'1．' after a heading number is not a decimal point; '１．５' between digits is."""
    text = clean_report_text("1．收入支出与预算对比分析。\n\n年初预算１．５万元。").text
    assert text.split("\n") == ["1．收入支出与预算对比分析。", "年初预算1.5万元。"]


def test_english_words_wrapped_across_lines_keep_one_space() -> None:
    raw = ("The Liwan District Disabled Persons' Federation reviewed its\n\n"
           "annual budget and found that every project was completed on\n\n"
           "time and within the approved amount of money.\n\n")
    assert clean_report_text(raw).text == ("The Liwan District Disabled Persons' Federation reviewed its annual "
                                            "budget and found that every project was completed on time and within "
                                            "the approved amount of money.")


# --- page noise --------------------------------------------------------------------------------------------------


def paginate(lines: list[str], per_page: int, page_number, header: str | None, line_sep: str,
             page_sep: str) -> str:
    """Lay report lines out in pages: a running header at the top and a page number at the foot of each page."""
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    out = []
    for n, page in enumerate(pages, 1):
        out.append(line_sep.join(([header] if header else []) + page + [page_number(n)]))
    return page_sep.join(out)


PAGE_NUMBERS = {
    "dash": lambda n: f"- {n} -",
    "em-dash": lambda n: f"— {n} —",
    "di-ye": lambda n: f"第 {n} 页",
    "di-ye-gong": lambda n: f"第{n}页，共9页",
    "bare": lambda n: str(n + 10),
    "slash": lambda n: f"{n}/9",
}
LAYOUTS = {
    "double-spaced, blank lines between pages": ("\n\n", "\n\n\n\n"),
    "double-spaced, form feed between pages": ("\n\n", "\n\f\n"),
    "single-spaced, form feed between pages": ("\n", "\n\f\n"),
    "single-spaced, nothing between pages": ("\n", "\n"),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("style", list(PAGE_NUMBERS))
def test_page_numbers_and_running_headers_are_dropped(raw: str, layout: str, style: str) -> None:
    """Cut into pages with a header and page number each, the text cleans exactly as without them."""
    lines = raw_lines(raw, "进一扶持残疾人自主创业", "困难高等教育")
    line_sep, page_sep = LAYOUTS[layout]
    reference = clean_report_text(line_sep.join(lines)).text
    paged = paginate(lines, 5, PAGE_NUMBERS[style], HEADER, line_sep, page_sep)
    result = clean_report_text(paged)
    pages = -(-len(lines) // 5)
    assert pages >= 4
    assert HEADER not in result.text
    assert result.noise_lines_removed == 2 * pages
    # nothing else is lost or split: sentences across page breaks rejoin as they were
    assert result.text == reference
    assert "现有143名残疾人在托" in result.text


def test_page_numbers_are_dropped_without_a_header(raw: str) -> None:
    lines = raw_lines(raw, "完善寄宿托养工作", "做好政策衔接工作")
    paged = paginate(lines, 2, PAGE_NUMBERS["dash"], None, "\n\n", "\n\n\n\n")
    result = clean_report_text(paged)
    assert not re.search(r"- \d+ -", result.text)
    assert result.text == clean_report_text("\n\n".join(lines)).text


def test_numbers_inside_sentences_are_not_page_numbers(raw: str) -> None:
    """A line that is only a number is page noise; a number at the start or end of a wrapped line never is."""
    lines = raw_lines(raw, "深化残疾人康复服务", "做好政策衔接工作")
    assert any(re.match(r"^\d", line) for line in lines) or any(re.search(r"\d$", line) for line in lines)
    result = clean_report_text("\n\n".join(lines))
    assert result.noise_lines_removed == 0
    for number in ("24720工时", "5292次", "1673.04万元", "3181人次", "423人", "62364人次", "143名", "81人"):
        assert number in result.text
    assert "3181" not in clean_report_text("\n\n".join(lines[:3] + ["3181"] + lines[3:])).text.replace(
        "3181人次", "")


def test_a_line_repeated_twice_is_not_a_header() -> None:
    """Two pages are not enough to call a line a running header: it might be the report's own words."""
    raw = "一、基本情况\n\n荔湾区残联工作概况\n\n正文第一段。\n\n二、综合评价\n\n荔湾区残联工作概况\n\n正文第二段。"
    assert clean_report_text(raw).text.count("荔湾区残联工作概况") == 2


# --- repeated passages -------------------------------------------------------------------------------------------


def test_the_reports_repeated_block_appears_once(raw: str, cleaned) -> None:
    # the raw report states the block twice (the second time without "（2）" before one paragraph)
    assert raw.count(REPEATED_BLOCK_START) == 2
    assert re.sub(r"\s", "", raw).count(REPEATED_BLOCK_END) == 2
    assert cleaned.text.count(REPEATED_BLOCK_START) == 1
    assert cleaned.text.count(REPEATED_BLOCK_END) == 1
    end = cleaned.text.index(REPEATED_BLOCK_END) + len(REPEATED_BLOCK_END + "。")
    block = cleaned.text[cleaned.text.index(REPEATED_BLOCK_START):end]
    assert len(block) > 900
    # every sentence of the block is still there, exactly once
    for line in block.split("\n"):
        for sentence in (s for s in split_sentences(line) if len(s) > 8):  # not "无"
            assert cleaned.text.count(sentence) == 1, sentence
    assert cleaned.duplicate_passages_removed == 1
    # the copy removed is the block less the "（2）" it lost
    assert cleaned.duplicate_chars_removed == len(re.sub(r"\s", "", block)) - len("（2）")


def test_the_first_copy_of_the_block_is_kept_in_place(cleaned) -> None:
    """The copy that stays is the first, where the outline puts it: before （三）部门整体支出绩效目标."""
    text = cleaned.text
    assert text.index("（二）部门整体收支情况") < text.index(REPEATED_BLOCK_START) < text.index(
        REPEATED_BLOCK_END) < text.index("（三）部门整体支出绩效目标")


def test_nothing_but_the_repeated_block_is_removed(raw: str, cleaned) -> None:
    """Cleaning drops whitespace and the second copy of the block, and not one other character."""
    squeezed = re.sub(r"\s", "", raw)
    second = squeezed.index(REPEATED_BLOCK_START, squeezed.index(REPEATED_BLOCK_START) + 1)
    second_end = squeezed.index(REPEATED_BLOCK_END, second) + len(REPEATED_BLOCK_END) + 1  # and its "。"
    expected = squeezed[:second] + squeezed[second_end:]
    assert re.sub(r"\s", "", cleaned.text) == expected
    assert cleaned.duplicate_chars_removed == second_end - second


def test_short_legitimate_repeats_stay(cleaned) -> None:
    lines = cleaned.text.split("\n")
    assert lines[-4:] == ["三、存在的主要问题", "无。", "四、下一步改进措施", "无。"]
    assert cleaned.text.count("本年度我部门无会议费支出，与上年无变化。") == 1
    assert cleaned.text.count("与上年无变化。") == 2


def test_clauses_repeated_inside_a_longer_paragraph_stay(cleaned) -> None:
    """（四） plans and （二） results list the same tasks inside different, longer paragraphs: both stay."""
    repeated = "为辖区残疾人提供基础社会保障服务，提供养老保险资助和个体从业人员社会保险补贴；"
    assert cleaned.text.count(repeated) == 2
    assert cleaned.text.count("组织实施2023年度残疾人信息普查，对到期二代证重评和三代证更换，") == 2


SECTION_A = "一、部门职能\n甲单位负责全区残疾人康复工作。为残疾人提供托养服务；为辖区残疾人提供康复资助；开展社区精神康复综合服务；组织开展职业技能培训。"
SECTION_B_PARAGRAPH = ("全年完成各项目标，具体包括：为残疾人提供托养服务；为辖区残疾人提供康复资助；开展社区精神康复综合服务；"
                       "组织开展职业技能培训；另外新增三家托养机构。")
REPEATED_PASSAGE = ("（1）预、决算差异情况。本年度年初预算数为2317.52万元，年终决算2700.38万元，预决算差异为382.86万元。\n"
                    "（2）差异原因分析。社会保障和就业支出年初预算2267.59万元，年终决算为2605.85万元。")


@pytest.mark.parametrize(
    ("raw_text", "kept", "removed_chars"),
    [
        (f"{SECTION_A}\n二、完成情况\n{SECTION_B_PARAGRAPH}", 2, 0),  # clauses inside a longer paragraph
        ("一、问题\n无。\n二、措施\n无。\n三、其他\n无。", 3, 0),  # short repeats
        (f"一、收支\n{REPEATED_PASSAGE}\n二、重复\n{REPEATED_PASSAGE}", 1, len(re.sub(r"\s", "", REPEATED_PASSAGE))),
        # the copy lost its list markers on the way (as the report's own copy lost "（2）")
        (f"一、收支\n{REPEATED_PASSAGE}\n二、重复\n{re.sub(r'（[12]）', '', REPEATED_PASSAGE)}", 1, None),
    ],
)
def test_repeated_passages_table(raw_text: str, kept: int, removed_chars: int | None) -> None:
    result = clean_report_text(raw_text)
    probe = "为辖区残疾人提供康复资助；" if "康复资助" in raw_text else (
        "无。" if "无。" in raw_text else "预决算差异为382.86万元。")
    assert result.text.count(probe) == kept
    if removed_chars is not None:
        assert result.duplicate_chars_removed == removed_chars
    else:
        assert result.duplicate_chars_removed > 0
    assert (result.duplicate_passages_removed > 0) == (kept == 1)


def test_cleaning_is_deterministic_and_line_per_paragraph(raw: str, cleaned) -> None:
    again = clean_report_text(raw)
    assert again == cleaned
    lines = cleaned.text.split("\n")
    assert all(line and line == line.strip() for line in lines)
    assert "\f" not in cleaned.text and "  " not in cleaned.text
    assert lines[:2] == ["2023年度广州市荔湾区残疾人联合会", "部门整体支出绩效自评报告"]


def test_cleaned_text_cleans_to_itself(cleaned) -> None:
    """Text with one paragraph per line (a Word export, or our own output) keeps its paragraphs."""
    again = clean_report_text(cleaned.text)
    assert again.text.split("\n") == cleaned.text.split("\n")
    assert again.duplicate_chars_removed == 0


def test_paragraph_per_line_text_keeps_long_paragraphs_apart() -> None:
    paragraphs = [f"第{n}项工作全年服务残疾人{100 + n}名，" + "组织开展康复训练和就业援助活动，" * (2 + n % 5) + "取得良好成效。"
                  for n in range(1, 16)]
    assert clean_report_text("\n".join(paragraphs)).text.split("\n") == paragraphs


@pytest.mark.parametrize("raw_text, title, heading", [
    ("# 某市体育局2023年项目支出绩效自评报告\n\n## 一、项目概况\n\n全民健身项目年初预算200万元，全年执行185.5万元。\n",
     "某市体育局2023年项目支出绩效自评报告", "一、项目概况"),
    ("### 2021年度某县教育局部门决算说明\n\n#### 第一部分 部门概况\n\n本局2021年收入合计3,405.12万元。\n",
     "2021年度某县教育局部门决算说明", "第一部分部门概况"),
])
def test_markdown_heading_marks_are_markup_not_text(raw_text: str, title: str, heading: str) -> None:
    paragraphs = clean_report_text(raw_text).text.split("\n")
    assert paragraphs[:2] == [title, heading]
    assert "#" not in "".join(paragraphs)


def test_a_hash_that_is_not_a_heading_mark_stays() -> None:
    text = clean_report_text("某局2022年度报告\n#1号楼维修完成。\n").text
    assert "#1号楼维修完成。" in text
