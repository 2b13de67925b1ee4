"""Reading tables of shapes the readers were not built on, each tried on two departments' reports (a 区林业局 and a
区交通运输局): a PDF table without ruling lines whose cells fill their columns (less than a character between two
columns), its header row at the foot of one page and its rows on the next; and DOCX indicator lines written as
labelled fields whose first field names the row's group ("产出指标—数量指标：…；目标值：…；实际值：…")."""
from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from ingest.load import load_report
from ingest.tables import ACTUAL, REASON, TARGET
from tests.ingest.table_reports import FONT, _register_font

FONT_SIZE = 9
HEADER = ("一级指标", "二级指标", "三级指标", "目标值", "实际值", "分值", "得分", "原因分析")
WIDTHS = (46, 46, 70, 52, 52, 24, 26, 90)  # points: long labels wrap and fill their columns

FORESTRY_ROWS = (
    ("产出指标", "数量指标", "森林抚育面积", "≥5000亩", "5260亩", "10", "10", ""),
    ("", "", "新造林面积（含补植补造）", "≥1200亩", "1080亩", "10", "9",
     "部分地块林权纠纷未解决，延至次年造林；已会同属地镇街开展林权调处并落实补植地块，力争次年春季完成"),
    ("", "质量指标", "造林成活率", "≥90%", "93.2%", "10", "10", ""),
    ("", "", "苗木检疫合格率", "=100%", "100%", "10", "10", ""),
    ("效益指标", "可持续影响指标", "森林覆盖率", "≥58%", "58.4%", "10", "10", ""),
    ("满意度指标", "服务对象满意度指标", "林农满意度", "≥90%", "86.5%", "10", "8", "补助资金到位偏晚"),
)
TRANSPORT_ROWS = (
    ("产出指标", "数量指标", "危桥改造座数", "≥6座", "6座", "10", "10", ""),
    ("", "", "农村公路提档升级里程", "≥80公里", "72公里", "10", "8",
     "两个路段征地未完成，延至次年施工；已与属地镇街签订征地协议，施工单位已进场开展前期准备工作"),
    ("", "时效指标", "项目按期完工率", "≥95%", "96.5%", "10", "10", ""),
    ("", "", "养护工程验收合格率", "=100%", "100%", "10", "10", ""),
    ("效益指标", "可持续影响指标", "公路养护优良路率", "≥85%", "87.3%", "10", "10", ""),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "91.4%", "10", "10", ""),
)


def _cell(text: str) -> Paragraph:
    return Paragraph(text, ParagraphStyle("cell", fontName=FONT, fontSize=FONT_SIZE, leading=FONT_SIZE * 1.3,
                                          wordWrap="CJK"))


def _tight(rows) -> Table:
    """An unruled table whose cells almost touch: 3 points of padding each side, long labels wrapped."""
    commands = [("FONT", (0, 0), (-1, -1), FONT, FONT_SIZE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    for k in (0, 1):  # a group label merged down over its rows, printed centred beside them
        start = 0
        for r in range(1, len(rows) + 1):
            if r == len(rows) or rows[r][k]:
                if r - 1 > start:
                    commands.append(("SPAN", (k, start), (k, r - 1)))
                start = r
    style = TableStyle(commands)
    return Table([[_cell(t) if t else "" for t in row] for row in rows], colWidths=WIDTHS, style=style)


def make_split_pdf(title: str, rows, path: Path) -> Path:
    """A report whose indicator table has its header row at the foot of page 1 and its rows on page 2."""
    _register_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    story = [Paragraph(title, body), Paragraph("一、部门概况。本部门按年度计划推进各项工作，绩效指标完成情况见下表。", body),
             Paragraph("表1 绩效指标完成情况", body), _tight([HEADER]), PageBreak(), _tight(rows),
             Paragraph("二、下一步工作。针对未完成指标逐项整改。", body)]
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=36, rightMargin=36).build(story)
    return path


def _indicator_table(path: Path):
    tables = [b.table for b in load_report(path).blocks if b.table is not None]
    return next(t for t in tables if t.label_cols >= 2 and TARGET in t.roles)


@pytest.mark.parametrize("title,rows", [("某区林业局2024年度部门整体支出绩效自评报告", FORESTRY_ROWS),
                                        ("某区交通运输局2023年度部门整体支出绩效自评报告", TRANSPORT_ROWS)])
def test_an_unruled_table_with_cells_filling_their_columns_is_read_cell_by_cell(tmp_path, title, rows):
    table = _indicator_table(make_split_pdf(title, rows, tmp_path / "report.pdf"))
    # the header row at the foot of page 1 heads the rows of page 2, the wrapped reason header included
    assert [table.role(k) for k in (3, 4, 7)] == [TARGET, ACTUAL, REASON]
    grid = table.grid()
    body = [r for r in grid if r[3] in {want[3] for want in rows}]
    assert len(body) == len(rows)
    for got, want in zip(body, rows):
        assert got[3] == want[3] and got[4] == want[4], got  # target and actual apart, never "≥1200亩1080亩"
        assert got[2] == want[2], got  # the row's name apart from its group label
    groups, group = [], ""
    for want in rows:
        group = want[1] or group
        groups.append(group)
    # each group label over its own rows (centred on their extent, a row of wrapped lines included), wrapped
    # labels whole (可持续影响指 / 标, 服务对象 / 满意度指 / 标)
    assert [got[1] for got in body] == groups
    assert body[1][7] == rows[1][7]  # a reason wrapped over several lines, whole


GROUPED_LINES = {
    "forestry": ("某区林业局2024年度造林绿化项目支出绩效自评报告",
                 ["项目名称：造林绿化项目", "主管部门：某区林业局",
                  "产出指标—数量指标：新造林面积；目标值：≥1200亩；实际值：1080亩",
                  "产出指标—质量指标：造林成活率；目标值：≥90%；实际值：93.2%",
                  "满意度指标—服务对象满意度指标：林农满意度；目标值：≥90%；实际值：86.5%",
                  "一、项目基本情况。项目按计划实施。"]),
    "transport": ("某区交通运输局2023年度农村公路建设项目支出绩效自评报告",
                  ["项目名称：农村公路建设项目",
                   "产出指标-数量指标：农村公路提档升级里程；预期目标：≥80公里；全年实际值：72公里",
                   "产出指标-时效指标：项目按期完工率；预期目标：≥95%；全年实际值：96.5%",
                   "效益指标-可持续影响指标：公路养护优良路率；预期目标：≥85%；全年实际值：87.3%",
                   "二、存在问题。部分路段征地滞后。"]),
}


@pytest.mark.parametrize("name", sorted(GROUPED_LINES))
def test_docx_indicator_lines_of_labelled_fields_are_a_table(tmp_path, name):
    title, lines = GROUPED_LINES[name]
    document = Document()
    document.add_paragraph(title)
    for line in lines:
        document.add_paragraph(line)
    path = tmp_path / f"{name}.docx"
    document.save(str(path))
    report = load_report(path)
    tables = [b.table for b in report.blocks if b.table is not None]
    assert len(tables) == 1
    table = tables[0]
    indicators = [line for line in lines if "—" in line.split("：")[0] or "-" in line.split("：")[0]]
    assert table.n_rows - table.header_rows == len(indicators)
    assert [table.role(k) for k in range(table.label_cols, table.n_cols)] == [TARGET, ACTUAL]
    first = table.row_label(table.header_rows)
    assert first[-1] == indicators[0].split("：")[1].split("；")[0]  # the row's name, under its group
    # nothing is lost: the prose and the form lines stay text
    text = "\n".join(b.text for b in report.blocks if b.table is None)
    assert lines[-1] in text and lines[0] in text
    # the indicator lines are quoted as the report wrote them, word for word: in the report's text and as the
    # sentence a cell's citation quotes
    for r, line in enumerate(indicators, start=table.header_rows):
        assert table.row_text(r) == line
        assert line in report.text
