"""Table-bearing reports of two departments, described as data and written as real PDF, DOCX and text files.

Two report shapes, so that every table rule is tried on two wordings:
- EDUCATION: a 区教育局 report. Its indicator table has a two-level header (指标值 over 年度指标值 / 实际完成值),
  一级/二级指标 merged down their rows, a 合计 row merged across the label columns; its budget table states
  万元 in the caption.
- HEALTH: a 区卫生健康局 report. Its budget table has 预算数 over 年初预算数 / 全年预算数, 得分 merged down beside
  年度资金总额 and its parts; its indicator table says 目标值 / 完成值 / 扣分原因 (not 年度指标值 / 实际完成值 /
  偏差原因分析), has ≤ bounds and a total row called 总分.

`make_pdf_report` draws the tables with reportlab (STSong-Light, GRID ruling, SPAN merges, repeatRows when a table
runs over a page break, or no ruling at all); `make_docx_report` merges cells with python-docx; `make_text_report`
writes tab, "|", "｜" or Markdown rows (a merged cell is written once, the rows it covers left empty there).
"""
from __future__ import annotations

import unicodedata

from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"


@dataclass(frozen=True)
class TableSpec:
    """A table as rows of text; a merged cell's text stands in its top-left position, the rest of it is ""."""

    caption: str
    rows: tuple[tuple[str, ...], ...]
    merges: tuple[tuple[int, int, int, int], ...] = ()  # (first row, first col, last row, last col)
    repeat_header: int = 0  # PDF: header rows repeated when the table runs over a page break


@dataclass(frozen=True)
class ReportSpec:
    """A report: its title, then paragraphs and tables in order (a str is a paragraph, "\\f" a page break)."""

    title: str
    body: tuple[str | TableSpec, ...]
    tables: tuple[TableSpec, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(b for b in self.body if isinstance(b, TableSpec)))


EDUCATION_INDICATORS = TableSpec(
    caption="表2 部门整体支出绩效指标完成情况",
    rows=(
        ("一级指标", "二级指标", "三级指标", "指标值", "", "分值", "得分", "偏差原因分析"),
        ("", "", "", "年度指标值", "实际完成值", "", "", ""),
        ("产出指标", "数量指标", "新增公办学位数", "≥2000个", "2150个", "10", "10", ""),
        ("", "", "教师培训人次", "≥3000人次", "2600人次", "10", "8", "受极端天气影响，部分线下培训取消"),
        ("", "质量指标", "义务教育巩固率", "≥99%", "99.6%", "10", "10", ""),
        ("", "时效指标", "资金拨付及时率", "100%", "100%", "10", "10", ""),
        ("效益指标", "社会效益指标", "学生资助覆盖率", "100%", "100%", "20", "20", ""),
        ("满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", "88%", "10", "9", "个别学校课后服务质量有待提升"),
        ("合计", "", "", "", "", "70", "67", ""),
    ),
    merges=((0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 4), (0, 5, 1, 5), (0, 6, 1, 6), (0, 7, 1, 7),
            (2, 0, 5, 0), (2, 1, 3, 1), (8, 0, 8, 4)),
)
EDUCATION_BUDGET = TableSpec(
    caption="表1 预算执行情况（单位：万元）",
    rows=(
        ("项目", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        ("年度资金总额", "8600.00", "9120.40", "8876.55", "10", "97.33%", "9.73"),
        ("基本支出", "6200.00", "6350.00", "6321.18", "", "99.55%", ""),
        ("项目支出", "2400.00", "2770.40", "2555.37", "", "92.24%", ""),
    ),
)
EDUCATION = ReportSpec(
    title="某区教育局2023年度部门整体支出绩效自评报告",
    body=(
        "一、部门基本情况",
        "本局负责全区基础教育的管理和发展，2023年度预算执行情况见下表。",
        EDUCATION_BUDGET,
        "二、绩效指标完成情况",
        "本局对照年初设定的绩效目标逐项开展自评，结果如下。",
        EDUCATION_INDICATORS,
        "三、存在的问题",
        "部分培训活动因天气原因未能按计划开展，家长满意度略低于目标。",
    ),
)

HEALTH_BUDGET = TableSpec(
    caption="表1 预算资金执行情况（单位：万元）",
    rows=(
        ("项目", "预算数", "", "全年执行数", "执行率", "得分"),
        ("", "年初预算数", "全年预算数", "", "", ""),
        ("年度资金总额", "5000.00", "5320.50", "5108.30", "96.01%", "9.6"),
        ("其中：基本支出", "3000.00", "3100.00", "3080.20", "99.36%", ""),
        ("项目支出", "2000.00", "2220.50", "2028.10", "91.34%", ""),
    ),
    merges=((0, 1, 0, 2), (0, 0, 1, 0), (0, 3, 1, 3), (0, 4, 1, 4), (0, 5, 1, 5), (2, 5, 4, 5)),
)
HEALTH_INDICATORS = TableSpec(
    caption="表2 绩效目标完成情况",
    rows=(
        ("一级指标", "二级指标", "指标名称", "目标值", "完成值", "分值", "得分", "扣分原因"),
        ("产出指标", "数量指标", "家庭医生签约人数", "≥12万人", "11.5万人", "15", "12", "签约服务推进较慢"),
        ("", "", "65岁以上老年人健康体检人次", "≥5000人次", "5230人次", "15", "15", ""),
        ("", "质量指标", "门诊患者投诉率", "≤5%", "3.2%", "15", "15", ""),
        ("效益指标", "社会效益指标", "平均候诊时长", "≤30分钟", "35分钟", "15", "11", "就诊高峰时段医护人员不足"),
        ("满意度指标", "服务对象满意度指标", "患者满意度", "90%", "93%", "20", "20", ""),
        ("总分", "", "", "", "", "80", "73", ""),
    ),
    merges=((1, 0, 3, 0), (1, 1, 2, 1), (6, 0, 6, 4)),
)
HEALTH = ReportSpec(
    title="某区卫生健康局2022年度部门整体支出绩效自评报告",
    body=(
        "一、预算执行情况",
        "2022年度本局预算资金执行情况如下。",
        HEALTH_BUDGET,
        "二、绩效目标实现情况",
        HEALTH_INDICATORS,
        "三、下一步工作",
        "加强家庭医生签约服务宣传，优化门诊就诊流程。",
    ),
)


# --- PDF -----------------------------------------------------------------------------------------------------------

def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


MAX_COLUMN_WIDTH = 96.0  # points; a longer text wraps inside its cell
CELL_PADDING = 12.0  # reportlab's default 6 points on each side


def pdf_table(spec: TableSpec, ruled: bool = True, font_size: float = 8, body_valign: str = "MIDDLE") -> Table:
    """A reportlab table of the spec: GRID ruling (or none), a SPAN per merge, header rows repeated over pages.

    Column widths are set so every text fits its cell (a text wider than MAX_COLUMN_WIDTH wraps inside it), as in
    a real report: a text running over its cell border would stand in two cells for any reader.
    """
    style = [("FONT", (0, 0), (-1, -1), FONT, font_size), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if body_valign != "MIDDLE":  # the header centred, the rows' cells at their top (a layout many reports use)
        style.append(("VALIGN", (0, 1), (-1, -1), body_valign))
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spec.merges]
    width = max(len(r) for r in spec.rows)
    rows = [list(r) + [""] * (width - len(r)) for r in spec.rows]
    spanned = {(r, c) for r0, c0, r1, c1 in spec.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if c1 > c0}  # a text spanning columns does not widen one of them
    widths = []
    for k in range(width):
        natural = [pdfmetrics.stringWidth(row[k], FONT, font_size) + CELL_PADDING
                   for r, row in enumerate(rows) if (r, k) not in spanned]
        widths.append(min(MAX_COLUMN_WIDTH, max(natural + [24.0])))
    cells = [[_wrapped(text, font_size) if pdfmetrics.stringWidth(text, FONT, font_size) + CELL_PADDING > widths[k]
              else text for k, text in enumerate(row)] for r, row in enumerate(rows)]
    return Table(cells, colWidths=widths, repeatRows=spec.repeat_header, style=TableStyle(style))


def _wrapped(text: str, font_size: float) -> Paragraph:
    """A text that wraps inside its cell."""
    return Paragraph(text, ParagraphStyle("cell", fontName=FONT, fontSize=font_size, leading=font_size * 1.3,
                                          wordWrap="CJK"))


def make_pdf_report(spec: ReportSpec, path: Path, ruled: bool = True, spacer_before: dict[int, float] | None = None,
                    body_valign: str = "MIDDLE") -> Path:
    """The report as a PDF: paragraphs in STSong-Light, tables ruled (or not); `spacer_before` pushes the n-th table
    down by some points (to make it run over a page break)."""
    _register_font()
    style = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    story: list = [Paragraph(spec.title, style)]
    n = 0
    for item in spec.body:
        if isinstance(item, TableSpec):
            if spacer_before and n in spacer_before:
                story.append(Spacer(1, spacer_before[n]))
            story.append(Paragraph(item.caption, style))
            story.append(pdf_table(item, ruled=ruled, body_valign=body_valign))
            n += 1
        elif item == "\f":
            story.append(PageBreak())
        else:
            story.append(Paragraph(item, style))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=36, rightMargin=36).build(story)
    return path


# --- DOCX ----------------------------------------------------------------------------------------------------------

def make_docx_report(spec: ReportSpec, path: Path) -> Path:
    """The report as a .docx: one paragraph per text, each table with its merges done by python-docx."""
    document = Document()
    document.add_paragraph(spec.title)
    for item in spec.body:
        if isinstance(item, TableSpec):
            document.add_paragraph(item.caption)
            docx_table(document, item)
        else:
            document.add_paragraph(item)
    document.save(str(path))
    return path


def docx_table(document, spec: TableSpec):
    """Add the spec's table to a python-docx document (or cell), merges included; returns the table."""
    width = max(len(r) for r in spec.rows)
    table = document.add_table(rows=len(spec.rows), cols=width)
    for row, values in zip(table.rows, spec.rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    for r0, c0, r1, c1 in spec.merges:
        top = table.cell(r0, c0)
        text = top.text
        merged = top.merge(table.cell(r1, c1))
        merged.text = text  # python-docx joins the merged cells' paragraphs; the spec's text stands alone
    return table


# --- text ----------------------------------------------------------------------------------------------------------

def text_table(spec: TableSpec, style: str) -> str:
    """The table as text rows: "tab", "pipe" ("|"), "full" ("｜"), "markdown" (a --- row under the header) or
    "space" (columns aligned with spaces, a Chinese character two wide, numbers right-aligned as a layout
    export prints them)."""
    if style == "space":
        return _space_table(spec)
    sep = {"tab": "\t", "pipe": " | ", "full": "｜", "markdown": " | "}[style]
    lines = []
    for i, row in enumerate(spec.rows):
        line = sep.join(row)
        if style == "markdown":
            line = f"| {line} |"
        lines.append(line)
        if style == "markdown" and i == 0:
            lines.append("|" + "|".join(" --- " for _ in row) + "|")
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _space_table(spec: TableSpec) -> str:
    width = max(len(r) for r in spec.rows)
    rows = [list(r) + [""] * (width - len(r)) for r in spec.rows]
    widths = [max(_width(row[k]) for row in rows) for k in range(width)]
    lines = []
    for row in rows:
        cells = []
        for k, text in enumerate(row):
            pad = " " * (widths[k] - _width(text))
            numeric = bool(text) and (text[0].isdigit() or text[0] in "≥≤＞＜")
            cells.append(pad + text if numeric else text + pad)
        lines.append("   ".join(cells).rstrip())
    return "\n".join(lines)


def make_text_report(spec: ReportSpec, path: Path, style: str = "tab") -> Path:
    """The report as UTF-8 text, one paragraph a line, tables written in `style`."""
    parts = [spec.title]
    for item in spec.body:
        if isinstance(item, TableSpec):
            parts += [item.caption, text_table(item, style)]
        elif item != "\f":
            parts.append(item)
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


# --- project self-evaluation forms (项目支出绩效自评表): one table of sections -------------------------------------

def project_form(name: str, department: str, unit: str, funds: tuple[tuple[str, ...], ...],
                 goals: tuple[str, str], indicators: tuple[tuple[str, ...], ...], total: tuple[str, str]) -> TableSpec:
    """A 项目支出绩效自评表 as one 8-column table: the form (项目名称, 主管部门/实施单位), the 项目资金 block with its
    own header row, the goals (预期目标 / 实际完成情况), then the indicators with theirs and a 总分 row."""
    rows: list[tuple[str, ...]] = [
        ("项目名称", name, "", "", "", "", "", ""),
        ("主管部门", department, "", "", "实施单位", unit, "", ""),
        ("项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        *(("",) + f for f in funds),
        ("年度总体目标", "预期目标", "", "", "实际完成情况", "", "", ""),
        ("", goals[0], "", "", goals[1], "", "", ""),
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
        *indicators,
        ("总分", "", "", "", "", total[0], total[1], ""),
    ]
    first_fund, goals_row, header = 3, 3 + len(funds), 5 + len(funds)
    merges = [(0, 1, 0, 7), (1, 1, 1, 3), (1, 5, 1, 7), (2, 0, 2 + len(funds), 0), (goals_row, 0, goals_row + 1, 0),
              (goals_row, 1, goals_row, 3), (goals_row, 4, goals_row, 7), (goals_row + 1, 1, goals_row + 1, 3),
              (goals_row + 1, 4, goals_row + 1, 7), (len(rows) - 1, 0, len(rows) - 1, 4)]
    del first_fund, header
    return TableSpec("表1 项目支出绩效自评表", tuple(rows), tuple(merges))


STREET_PROJECT = ReportSpec(
    title="某街道办事处2023年度长者饭堂服务项目支出绩效自评报告",
    body=(
        "一、项目基本情况",
        "本项目为辖区长者提供助餐和上门服务，项目支出绩效自评表如下。",
        project_form(
            "长者饭堂服务项目", "区民政局", "某街道办事处",
            funds=(("年度资金总额", "386.40", "412.60", "398.72", "10", "96.64%", "9.66"),
                   ("其中：当年财政拨款", "356.40", "382.60", "371.25", "—", "97.03%", "—"),
                   ("上年结转资金", "30.00", "30.00", "27.47", "—", "91.57%", "—")),
            goals=("提供助餐服务不少于12万人次，上门服务不少于850人。", "全年助餐13.26万人次，上门服务812人。"),
            indicators=(("产出指标", "数量指标", "助餐服务人次", "≥12万人次", "13.26万人次", "20", "20", ""),
                        ("", "", "上门服务人数", "≥850人", "812人", "20", "18", "部分长者迁出辖区"),
                        ("", "质量指标", "食品安全事故数", "0起", "0起", "20", "20", ""),
                        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "94.6%", "30", "30", "")),
            total=("100", "97.66")),
        "二、自评结论",
        "经自评，本项目绩效自评得分97.66分。",
    ),
)
HRSS_PROJECT = ReportSpec(
    title="某区人力资源和社会保障局2024年度就业补贴项目支出绩效自评报告",
    body=(
        "一、项目概况",
        project_form(
            "就业创业补贴项目", "区人力资源和社会保障局", "区就业服务中心",
            funds=(("年度资金总额", "1200.00", "1080.00", "1051.56", "10", "97.37%", "9.74"),
                   ("其中：财政拨款", "1200.00", "1080.00", "1051.56", "—", "97.37%", "—")),
            goals=("发放就业补贴惠及不少于3000人，新增就业岗位不少于1500个。", "惠及3120人，新增就业岗位1432个。"),
            indicators=(("产出指标", "数量指标", "补贴发放人数", "≥3000人", "3120人", "25", "25", ""),
                        ("", "", "新增就业岗位", "≥1500个", "1432个", "25", "22", "企业用工需求下降"),
                        ("效益指标", "社会效益指标", "补贴资金兑付及时率", "100%", "100%", "20", "20", ""),
                        ("满意度指标", "服务对象满意度指标", "补贴对象满意度", "≥85%", "91%", "20", "20", "")),
            total=("100", "96.74")),
        "二、存在问题",
        "新增就业岗位未达目标，下一步将加强岗位开发。",
    ),
)
