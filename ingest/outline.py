"""Pure: cleaned text -> paragraphs with their heading path, the title line(s) and the preface marked.

Headings are recognised by their marker (第一部分 / 一、 / （一） or (一) / 1． 1. 1、 / （1） or (1) / ① / 一是…).
The nesting is the order in which a report uses the markers, not a fixed ranking: a marker style seen for the
first time nests under the current heading; a style already open closes everything opened after it. So
"第一部分 > 一、 > （一）", "一、 > 1． > （1）" and "1、 > (1)" all nest as the report writes them.

Before the first heading (or, in a report without headings, at its start) stand the title line(s) and a
preface: index lines of a web page (索引号, 发布日期, 来源 ...), a document number (〔2021〕15号), a salutation
("XX财政局："). The title is the first run of short title lines after the preface; everything else is body, so
a report without any heading is still all body (chunked, its figures read).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.document import PlacedTable
from ingest.numbers import ROLE_FIGURE, find_numbers
from ingest.report import PREFACE, TITLE, Paragraph

SECTION_SEPARATOR = " > "
MAX_HEADING_CHARS = 40  # a longer "（1）…" is a list item of the body, not a heading
MAX_TITLE_CHARS = 60  # the title line(s) joined
MAX_TITLE_LINE_CHARS = 45

_CN = "一二三四五六七八九十"
# (style, pattern, rank): rank orders the styles only where a report's own order cannot tell (see _nest)
HEADING_STYLES: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("part", re.compile(rf"^第[{_CN}\d]+(?:部分|章|篇)"), 0),
    ("cn", re.compile(rf"^[{_CN}]+、"), 1),
    ("cn-paren", re.compile(rf"^[（(][{_CN}]+[）)]"), 2),
    ("num", re.compile(r"^\d{1,2}[．.、](?!\d)"), 3),
    ("num-paren", re.compile(r"^[（(]\d{1,2}[）)]"), 4),
    ("circled", re.compile(r"^[①-⑳]"), 5),
    ("shi", re.compile(rf"^[{_CN}]+是"), 6),
)
_RANK = {style: rank for style, _, rank in HEADING_STYLES}
_TITLE_END = re.compile(r"[。：:！？!?]")
_PART_TITLE_END = re.compile(r"^第[一二三四五六七八九十\d]+(?:部分|章|篇)\s*")

# --- the preface and the title ---------------------------------------------------------------------------------
# web-page and document furniture: the name of a field of a page's or a document's header
_INDEX_LINE = re.compile(
    r"^[【\[]?(?:索引号|发布日期|发布时间|成文日期|生成日期|印发日期|发文日期|发布机构|发文机关|发文机构|发文字号|文号|来源|信息来源|"
    r"作者|浏览次数|点击数|点击率|访问量|阅读量|分类|主题分类|体裁分类|组配分类|主题词|公开方式|公开范围|公开时限|有效性|时效性|"
    r"字号|字体|打印|关闭|分享|当前位置|您当前的位置|您的位置|首页|信息名称|名称|标题|编号|签发人|签发|主送|抄送|密级|紧急程度|缓急)"
    r"(?:\s*[：:\]】>＞]|\s|$)")
_DOCUMENT_NUMBER = re.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,4}\s*号")
_DATE_LINE = re.compile(r"^(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"
                        r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)$")
_BREADCRUMB = re.compile(r"[>＞»›]")
_TITLE_WORDS = re.compile(r"报告|说明|自评|评价|情况|表|公开|总结|结论|决算|预算|绩效|经费|分析|方案|公告|通知")
_SENTENCE_MARKS = re.compile(r"[。！？!?；;，,]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TITLE_QUALIFIER = re.compile(r"^[（(][^（()）。，,；;]{1,20}[）)]$")  # "（2024年度）", "（征求意见稿）" under a title
PREFACE_SCAN_LINES = 12  # the title is looked for among the first lines only


def heading_style(line: str) -> str:
    """The marker style a line starts with ("cn", "num-paren", ...), or "" for none."""
    for style, pattern, _ in HEADING_STYLES:
        if pattern.match(line):
            return style
    return ""


def heading_level(line: str) -> int:
    """The marker's rank in the usual outline (1 一、 … 5 一是), 0 for none; the real nesting is the report's."""
    style = heading_style(line)
    return {"part": 1, "cn": 1, "cn-paren": 2, "num": 3, "num-paren": 4, "circled": 5, "shi": 5}.get(style, 0)


def split_heading(paragraph: str) -> tuple[str, str] | None:
    """Split "1．主要职能。广州市…" into ("1．主要职能", "广州市…"); None when the paragraph is not a heading.

    A numbered line whose would-be title states a figure ("1. 年度资金总额120万元") is a list item of the body.
    """
    style = heading_style(paragraph)
    if not style:
        return None
    if style in ("shi", "circled") and len(paragraph) > MAX_HEADING_CHARS:
        return None  # "一是…，拟投入…：…" running on is an enumeration inside the text, not a heading
    if style == "part":
        marker = _PART_TITLE_END.match(paragraph)
        rest = paragraph[marker.end():]
        end = _TITLE_END.search(rest)
        title_end = marker.end() + (end.start() if end else len(rest))
        body_start = marker.end() + (end.end() if end else len(rest))
    else:
        end = _TITLE_END.search(paragraph)
        title_end = end.start() if end else len(paragraph)
        body_start = end.end() if end else len(paragraph)
    if title_end > MAX_HEADING_CHARS:
        return None
    title = paragraph[:title_end].strip()
    if _states_a_figure(title):
        return None
    return title, paragraph[body_start:].strip()


def _states_a_figure(title: str) -> bool:
    marker = next((p.match(title) for _, p, _ in HEADING_STYLES if p.match(title)), None)
    rest = title[marker.end():] if marker else title
    return any(t.role == ROLE_FIGURE and t.unit not in ("", "年") for t in find_numbers(rest))


def preface_kind(line: str) -> str:
    """What kind of header line a line is: "index" (索引号：…), "number" (〔2021〕15号), "date", "letterhead"
    ("某某中学文件"), "breadcrumb", "salutation" ("XX财政局："), or "" for none."""
    text = line.strip()
    if _INDEX_LINE.match(text):
        return "index"
    if _DATE_LINE.match(text):
        return "date"
    if 4 <= len(text) <= 30 and text.endswith("文件") and not _SENTENCE_MARKS.search(text):
        return "letterhead"  # "某某区教育局文件": the issuer's letterhead above a document number
    if len(text) <= 40 and _DOCUMENT_NUMBER.search(text) and not re.search(r"[。；;]", text):
        return "number"
    if len(text) <= 40 and _BREADCRUMB.search(text) and not _SENTENCE_MARKS.search(text):
        return "breadcrumb"  # 首页 > 信息公开 > 财政预决算
    # a salutation: "XX区财政局：", "各有关单位:" — a short line that only leads into the letter
    if (len(text) <= 30 and text.endswith(("：", ":")) and not re.search(r"[。！？；;，,：:]", text[:-1])
            and not heading_style(text)):
        return "salutation"
    return ""


def is_preface_line(line: str) -> bool:
    """A line of a page's or a document's header: an index field, a document number, a date, a salutation."""
    return bool(preface_kind(line))


def _is_title_line(line: str) -> bool:
    text = line.strip()
    return (len(text) <= MAX_TITLE_LINE_CHARS and len(_CJK.findall(text)) >= 4
            and not _SENTENCE_MARKS.search(text) and not re.search(r"[：:]", text)
            and not heading_style(text) and not is_preface_line(text))


def title_lines(lines: Sequence[str]) -> tuple[list[int], list[int]]:
    """Which of a report's first lines are its title and which its preface: (title indices, preface indices).

    The title is the first run of short title lines (no sentence punctuation, no field "名称："), at most
    MAX_TITLE_CHARS joined, that names a report (报告, 说明, 自评, 情况, 表, 决算 ...); it stands before the first
    heading and before any body text. Preface lines are recognised before and right after the title: index lines
    and the value under an index field left empty on its own line ("索引号：" / "1144…/2022-00015"), document
    numbers, dates, letterheads, salutations, and a sender's name above a document number (a run of short lines
    that names no report, ended by a preface line, is the sender's header, not the title).
    """
    title: list[int] = []
    preface: list[int] = []
    run: list[int] = []
    for i, line in enumerate(lines[:PREFACE_SCAN_LINES]):
        text = line.strip()
        if not text:
            continue
        if is_preface_line(text) or _is_index_value(lines, i):
            if run and _names_a_report(lines, run):
                break
            preface.extend(run)  # a sender's name above its document number ("某某区妇女联合会" / "某妇〔2025〕6号")
            run = []
            preface.append(i)
            continue
        fits = sum(len(lines[j].strip()) for j in run) + len(text) <= MAX_TITLE_CHARS
        if fits and (_is_title_line(text) or (run and _TITLE_QUALIFIER.match(text))):
            run.append(i)
            continue
        break  # a heading, body text or a field: the title (if any) has ended
    if run and _names_a_report(lines, run):
        title = run
        # preface lines right after the title (文号, 发布日期, 称呼) are still preface
        for i in range(run[-1] + 1, min(len(lines), PREFACE_SCAN_LINES)):
            if not lines[i].strip():
                continue
            if not (is_preface_line(lines[i]) or _is_index_value(lines, i)):
                break
            preface.append(i)
    return title, sorted(preface)


def _names_a_report(lines: Sequence[str], run: Sequence[int]) -> bool:
    return bool(_TITLE_WORDS.search("".join(lines[j] for j in run)))


def _is_index_value(lines: Sequence[str], i: int) -> bool:
    """The value of an index field whose name stands alone on the line above ("发布机构：" / "某某区教育局")."""
    previous = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
    return (preface_kind(previous) == "index" and re.search(r"[：:\]】]\s*$", previous) is not None
            and len(lines[i].strip()) <= MAX_TITLE_LINE_CHARS and not _TITLE_WORDS.search(lines[i]))


def outline_paragraphs(text: str, tables: Sequence[PlacedTable] = ()) -> list[Paragraph]:
    """Give every paragraph of cleaned text (one per line) its heading path; headings become their own entries.

    The title line(s) are paragraphs with role "title" (is_heading, level 0), preface lines role "preface";
    a table's row lines (`tables`: where CleanedText placed them) are never headings: each is a paragraph of its
    own, under the heading the table stands in.
    """
    row_at = {span[0]: (t.index, r) for t in tables for r, span in enumerate(t.rows) if span[1] > span[0]}
    lines = text.split("\n")
    first_lines = []
    for line in lines:
        if len(first_lines) >= PREFACE_SCAN_LINES:
            break
        first_lines.append(line)
    title_at, preface_at = title_lines([("" if _is_row(lines, i, row_at) else line)
                                        for i, line in enumerate(first_lines)])
    title_set, preface_set = set(title_at), set(preface_at)
    paragraphs: list[Paragraph] = []
    stack: list[tuple[str, str]] = []  # (style, title) of the open headings
    offset = 0
    for i, line in enumerate(lines):
        start, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        section = SECTION_SEPARATOR.join(title for _, title in stack)
        if start in row_at:
            table, row = row_at[start]
            paragraphs.append(Paragraph(line, section, start, start + len(line), table=table, row=row))
            continue
        if i in title_set:
            paragraphs.append(Paragraph(line, section, start, start + len(line), is_heading=True, role=TITLE))
            continue
        if i in preface_set:
            paragraphs.append(Paragraph(line, section, start, start + len(line), role=PREFACE))
            continue
        split = split_heading(line)
        if split is None:
            paragraphs.append(Paragraph(line, section, start, start + len(line)))
            continue
        title, body = split
        style = heading_style(line)
        _nest(stack, style)
        stack.append((style, title))
        section = SECTION_SEPARATOR.join(t for _, t in stack)
        paragraphs.append(Paragraph(title, section, start, start + len(title), is_heading=True, level=len(stack)))
        if body:
            body_start = start + line.index(body, len(title))
            paragraphs.append(Paragraph(body, section, body_start, body_start + len(body)))
    return paragraphs


def _is_row(lines: list[str], i: int, row_at: dict[int, tuple[int, int]]) -> bool:
    return sum(len(line) + 1 for line in lines[:i]) in row_at


def _nest(stack: list[tuple[str, str]], style: str) -> None:
    """Close the headings a new heading of `style` ends.

    A style already open closes itself and everything opened after it. A new style nests under the current
    heading, except a part (第一部分) or a 一、 heading, which by their nature close the finer styles open.
    """
    styles = [s for s, _ in stack]
    if style in styles:
        del stack[styles.index(style):]
        return
    if _RANK[style] <= _RANK["cn"]:
        while stack and _RANK[stack[-1][0]] > _RANK[style]:
            stack.pop()


def report_title(paragraphs: list[Paragraph]) -> str:
    """The title line(s), joined; "" when the report has none."""
    return "".join(p.text for p in paragraphs if p.is_title)[:MAX_TITLE_CHARS]


def count_sections(paragraphs: list[Paragraph]) -> int:
    """How many headings the outline has."""
    return sum(1 for p in paragraphs if p.level)
