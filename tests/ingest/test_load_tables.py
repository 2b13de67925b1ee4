"""Reading tables from real files: PDF (reportlab: ruled with SPAN merges, over a page break, without ruling lines),
DOCX (python-docx merges, gridBefore, nested tables) and text (tab, |, ｜, Markdown), for two departments' reports.
Every format of one report gives the same rows; a PDF's characters are each in a table or in the text, once."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ingest.document import table_lines
from ingest.load import load_report
from ingest.pipeline import prepare_report
from tests.ingest.table_reports import (EDUCATION, HEALTH, HRSS_PROJECT, STREET_PROJECT, ReportSpec, TableSpec,
                                        docx_table, make_docx_report, make_pdf_report, make_text_report)

SPECS = {"education": EDUCATION, "health": HEALTH}
FORMATS = ("pdf", "docx", "tab", "pipe", "full", "markdown", "space")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each report in every format: a ruled PDF, a DOCX and four kinds of text table."""
    folder = tmp_path_factory.mktemp("table-reports")
    out = {}
    for name, spec in SPECS.items():
        out[(name, "pdf")] = make_pdf_report(spec, folder / f"{name}.pdf")
        out[(name, "docx")] = make_docx_report(spec, folder / f"{name}.docx")
        for style in ("tab", "pipe", "full", "markdown", "space"):
            out[(name, style)] = make_text_report(spec, folder / f"{name}-{style}.txt", style)
    return out


def _table_lines_of(path: Path) -> list[list[str]]:
    return [table_lines(t) for t in load_report(path).tables]


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_the_same_tables(files, name: str, fmt: str) -> None:
    """The DOCX is the reference: its merges are explicit. A PDF's merges come from its cell borders, a text
    table's from the empty cells under a group label."""
    assert _table_lines_of(files[(name, fmt)]) == _table_lines_of(files[(name, "docx")])


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_the_same_header_paths(files, name: str, fmt: str) -> None:
    """A text table writes a spanning header once, the cells right of it empty (预算数 over 年初预算数 and 全年预算数,
    指标值 over 年度指标值 and 实际完成值): it spans them, as the DOCX merges it."""
    read = [t.header_texts() for t in load_report(files[(name, fmt)]).tables]
    assert read == [t.header_texts() for t in load_report(files[(name, "docx")]).tables]
    assert any(" > " in h for headers in read for h in headers[1:] if h.split(" > ")[-1] != headers[0])


@pytest.mark.parametrize(("name", "expected"), [
    ("education", [
        (4, 7, 1, 1, "表1预算执行情况（单位：万元）", "万元", (1,)),
        (9, 8, 2, 3, "表2部门整体支出绩效指标完成情况", "", (8,)),
    ]),
    ("health", [
        (5, 6, 2, 1, "表1预算资金执行情况（单位：万元）", "万元", (2,)),
        (7, 8, 1, 3, "表2绩效目标完成情况", "", (6,)),
    ]),
])
@pytest.mark.parametrize("fmt", ["pdf", "docx", "markdown"])
def test_table_shapes(files, name: str, fmt: str, expected: list[tuple]) -> None:
    tables = load_report(files[(name, fmt)]).tables
    assert [(t.n_rows, t.n_cols, t.header_rows, t.label_cols, t.caption, t.unit, t.total_rows) for t in tables] \
        == expected


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_merged_cells_become_spans(files, fmt: str) -> None:
    education, health = (load_report(files[(n, fmt)]).tables for n in ("education", "health"))
    indicators = education[1]
    first = indicators.cell_at(2, 0)
    assert (first.text, first.row_span) == ("产出指标", 4)  # 一级指标 merged down four rows
    assert indicators.cell_at(0, 3).col_span == 2 and indicators.column_header(4) == ["指标值", "实际完成值"]
    assert indicators.cell_at(8, 2).text == "合计"  # 合计 across the label columns
    score = health[0].cell_at(3, 5)
    assert (score.text, score.row, score.row_span) == ("9.6", 2, 3)  # 得分 merged down beside the total's parts
    assert health[0].column_header(2) == ["预算数", "全年预算数"]


def _chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


def _pdf_chars(path: Path) -> Counter[str]:
    with pdfplumber.open(path) as pdf:
        return sum((_chars("".join(c["text"] for c in page.chars)) for page in pdf.pages), Counter())


def _loaded_chars(path: Path) -> Counter[str]:
    loaded = load_report(path)
    chars: Counter[str] = Counter()
    for block in loaded.blocks:
        if block.table is None:
            chars += _chars(block.text)
        else:
            chars += sum((_chars(c.text) for c in block.table.cells), Counter())
    return chars


@pytest.mark.parametrize("name", SPECS)
def test_no_character_of_a_pdf_is_lost_or_read_twice(files, name: str) -> None:
    path = files[(name, "pdf")]
    assert _loaded_chars(path) == _pdf_chars(path)
    text = "\n".join(b.text for b in load_report(path).blocks if b.table is None)
    assert "年度指标值" not in text and "目标值" not in text  # the tables' text is not in the prose as well
    assert "本局" in text or "本年度" in text or "加强" in text


LONG_EDUCATION = TableSpec(
    caption="表3 学校公用经费明细（单位：万元）",
    rows=(("学校", "年初预算数", "全年执行数", "执行率"),) + tuple(
        (f"第{i}小学", f"{100 + i}.00", f"{98 + i}.50", f"{(98 + i) / (100 + i) * 100:.2f}%") for i in range(1, 46)),
    repeat_header=1,
)
LONG_HEALTH = TableSpec(
    caption="表3 基层医疗机构补助资金（单位：万元）",
    rows=(("机构名称", "补助标准", "拨付金额", "备注"),) + tuple(
        (f"社区卫生服务站{i:02d}", f"{20 + i % 5}.0", f"{19 + i % 5}.5", "已拨付") for i in range(1, 46)),
    repeat_header=1,
)


@pytest.mark.parametrize(("table", "repeat"), [(LONG_EDUCATION, 1), (LONG_HEALTH, 1), (LONG_HEALTH, 0)])
def test_a_table_over_a_page_break_is_one_table(tmp_path: Path, table: TableSpec, repeat: int) -> None:
    spec = ReportSpec(title="某区2023年度部门整体支出绩效自评报告", body=(
        "一、基本情况", "本部门各单位资金情况见下表。", TableSpec(table.caption, table.rows, repeat_header=repeat),
        "二、下一步工作", "继续加强资金管理。"))
    path = make_pdf_report(spec, tmp_path / "long.pdf", spacer_before={0: 380})
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2 and all(page.find_tables() for page in pdf.pages[:2])
    loaded = load_report(path)
    [read] = loaded.tables
    assert read.n_rows == len(table.rows) and read.header_rows == 1
    assert [read.row_label(r)[0] for r in range(1, read.n_rows)] == [row[0] for row in table.rows[1:]]
    cleaned = prepare_report(path).cleaned
    header_line = "｜".join(table.rows[0]) + "。"
    assert cleaned.text.split("\n").count(header_line) == 1  # the repeated header once
    assert "二、下一步工作" in cleaned.text and "继续加强资金管理。" in cleaned.text
    repeated = _chars("".join(table.rows[0])) if repeat else Counter()  # the header drawn again on the next page
    assert _loaded_chars(path) + repeated == _pdf_chars(path)


UNRULED = {
    "education": EDUCATION.tables[0],  # the budget table: one header row, figures in every row
    "health": TableSpec("表2 门诊服务指标", (
        ("指标", "目标值", "完成值", "分值", "得分"),
        ("门诊人次", "≥50万人次", "52.3万人次", "10", "10"),
        ("住院人次", "≥3万人次", "2.8万人次", "10", "8"),
        ("患者满意度", "≥90%", "93%", "10", "10"),
    )),
}


@pytest.mark.parametrize("name", UNRULED)
def test_a_table_without_ruling_lines_is_read_from_its_columns(tmp_path: Path, name: str) -> None:
    table = UNRULED[name]
    spec = ReportSpec(title="某区2023年度部门整体支出绩效自评报告",
                      body=("一、绩效情况", "本年度各项指标完成情况见下表。", table, "二、存在问题", "无。"))
    path = make_pdf_report(spec, tmp_path / f"{name}-unruled.pdf", ruled=False)
    [read] = load_report(path).tables
    assert read.source == "pdf-aligned"
    assert read.grid() == [list(row) for row in table.rows]
    assert read.header_rows == 1 and read.label_cols == 1
    assert _loaded_chars(path) == _pdf_chars(path)
    prose = "\n".join(b.text for b in load_report(path).blocks if b.table is None)
    assert "本年度各项指标完成情况见下表。" in prose and table.rows[1][1] not in prose


# Unruled tables whose long cells wrap over lines above and below their row (the cell is centred on it), or under
# the last row: each wrapped line joins its cell, none is left in the prose. Two shapes: an indicator table (a
# label column wraps) and a spending breakdown (the item column wraps on the last row, a reason column too).
WRAPPED = {
    "indicators": TableSpec("表1 绩效指标完成情况", (
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
        ("产出指标", "数量指标", "教师信息化应用培训人次", "≥3000人次", "2600人次", "10", "8"),
        ("产出指标", "数量指标", "新增公办学位数", "≥2000个", "2150个", "10", "10"),
        ("产出指标", "质量指标", "义务教育阶段学生巩固率", "≥99%", "99.6%", "10", "10"),
        ("效益指标", "社会效益指标", "家庭经济困难学生资助覆盖率", "100%", "100%", "20", "20"),
        ("总分", "", "", "", "", "50", "48"),
    )),
    "spending": TableSpec("表2 分项资金执行情况（单位：万元）", (
        ("支出项目", "全年预算数", "全年执行数", "执行率", "说明"),
        ("送医下乡巡回义诊", "163.20", "156.40", "95.83%", "按计划完成"),
        ("基层医务人员能力提升培训", "128.30", "110.85", "86.40%", "部分培训延期至次年举办"),
        ("社区卫生服务站设备购置及运营维护", "426.00", "420.16", "98.63%", "已完成"),
    )),
}


@pytest.mark.parametrize("name", WRAPPED)
def test_wrapped_cells_of_an_unruled_table_stay_in_their_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               name: str) -> None:
    import tests.ingest.table_reports as reports

    monkeypatch.setattr(reports, "MAX_COLUMN_WIDTH", 66.0)  # long labels wrap over two or three lines
    table = WRAPPED[name]
    spec = ReportSpec(title="某区2023年度部门整体支出绩效自评报告",
                      body=("一、绩效情况", "本年度完成情况见下表。", table, "二、存在问题", "无。"))
    path = make_pdf_report(spec, tmp_path / f"{name}-wrapped.pdf", ruled=False)
    with pdfplumber.open(path) as pdf:  # the test is about wrapping: the long labels really are split over lines
        assert not any(row[0] in line for line in pdf.pages[0].extract_text().split("\n")
                       for row in table.rows if len(row[0]) > 8)
    [read] = load_report(path).tables
    assert read.source == "pdf-aligned" and read.n_rows == len(table.rows)
    assert read.grid() == [list(row) for row in table.rows]
    assert _loaded_chars(path) == _pdf_chars(path)  # nothing lost, nothing read twice
    prose = "\n".join(b.text for b in load_report(path).blocks if b.table is None)
    assert "二、存在问题" in prose and not any(text[:4] in prose for row in table.rows[1:] for text in row
                                            if len(text) >= 4)


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("merged", [True, False], ids=["centred-merges", "labels-on-first-rows"])
def test_group_labels_of_an_unruled_table_cover_their_rows(tmp_path: Path, name: str, merged: bool) -> None:
    """Without ruling lines a merged 一级/二级指标 prints centred beside its rows (between two rows' lines for an even
    group), or, unmerged, on its group's first row only: either way each row's path is the DOCX's. A header spanning
    two columns (指标值) prints above the header row the others are centred on: it is read into it, and spanned."""
    indicators = SPECS[name].tables[1]
    table = indicators if merged else TableSpec(indicators.caption, indicators.rows,
                                                tuple(m for m in indicators.merges if m[0] == 0))  # header merges only
    spec = ReportSpec(title=SPECS[name].title, body=("一、绩效情况", table, "二、存在问题", "无。"))
    path = make_pdf_report(spec, tmp_path / f"{name}-groups.pdf", ruled=False)
    [read] = load_report(path).tables
    docx = load_report(make_docx_report(spec, tmp_path / f"{name}-groups.docx")).tables[0]
    assert read.source == "pdf-aligned"
    assert table_lines(read) == table_lines(docx) and read.header_texts() == docx.header_texts()
    assert read.caption == docx.caption  # a spanning header above the header row (指标值) is the table's, not text
    assert _loaded_chars(path) == _pdf_chars(path)


def test_prose_pages_keep_pypdf_text_and_a_page_of_prose_is_not_a_table(tmp_path: Path) -> None:
    from tests.ingest.sample_docs import make_pdf

    text = "一、部门基本情况\n本局内设机构5个，在编人员45人。\n二、预算执行\n全年支出1234.56万元，执行率98.7%。"
    loaded = load_report(make_pdf(text, tmp_path / "prose.pdf"))
    assert loaded.tables == () and loaded.text == text


def test_pdfplumber_failing_keeps_the_text_with_a_warning(files, monkeypatch: pytest.MonkeyPatch) -> None:
    from pdfplumber.utils.exceptions import PdfminerException

    def broken(*args, **kwargs):
        raise PdfminerException("broken page tree")

    monkeypatch.setattr(pdfplumber, "open", broken)
    loaded = load_report(files[("health", "pdf")])
    assert loaded.tables == () and "家庭医生签约人数" in loaded.text
    assert len(loaded.warnings) == 1 and "tables not read" in loaded.warnings[0]


# --- DOCX details --------------------------------------------------------------------------------------------------


def test_docx_grid_before_shifts_a_row_right(tmp_path: Path) -> None:
    """A row that starts at the second grid column (w:gridBefore) keeps its cells under their own headers."""
    document = Document()
    document.add_paragraph("表1 经费情况")
    table = docx_table(document, TableSpec("", (("项目", "预算数", "执行数"), ("办公费", "12.0", "11.5"),
                                                ("差旅费", "3.0", "2.5"))))
    tr = table.rows[2]._tr
    tr.remove(tr.tc_lst[0])  # 差旅费's row now starts one column in ...
    tr_pr = tr.get_or_add_trPr()
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr_pr.append(before)  # ... as Word writes it
    path = tmp_path / "grid-before.docx"
    document.save(str(path))
    [read] = load_report(path).tables
    assert read.grid()[2] == ["", "3.0", "2.5"]
    assert read.column_header(1) == ["预算数"] and read.cell_at(2, 1).text == "3.0"


def test_docx_vertical_merge_continuation_keeps_its_own_text(tmp_path: Path) -> None:
    """Word may keep text in a vMerge continuation cell (hidden from view): it is added to the merged cell."""
    path = make_docx_report(HEALTH, tmp_path / "health.docx")
    document = Document(str(path))
    table = document.tables[1]
    tc = table.rows[2]._tr.tc_lst[0]  # 产出指标's continuation in the second data row
    assert tc.tcPr.vMerge is not None
    paragraph = OxmlElement("w:p")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "（续）"
    run.append(text)
    paragraph.append(run)
    tc.append(paragraph)
    document.save(str(path))
    indicators = load_report(path).tables[1]
    assert indicators.cell_at(2, 0).text == "产出指标（续）"
    assert indicators.cell_at(2, 0).row_span == 3


def test_docx_nested_table_text_is_kept(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("表1 项目情况")
    outer = docx_table(document, TableSpec("", (("项目", "完成值", "说明"), ("校舍维修", "12所", ""))))
    inner = outer.cell(1, 2).add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "子项", (0, 1): "金额", (1, 0): "屋面防水", (1, 1): "35.6万元"}.items():
        inner.cell(r, c).text = value
    path = tmp_path / "nested.docx"
    document.save(str(path))
    [read] = load_report(path).tables
    assert read.n_rows == 2 and read.n_cols == 3
    assert read.cell_at(1, 2).text == "子项｜金额／屋面防水｜35.6万元"
    assert "屋面防水｜35.6万元" in prepare_report(path).cleaned.text


def test_docx_tables_in_document_order_with_their_captions(files) -> None:
    loaded = load_report(files[("education", "docx")])
    kinds = [b.kind for b in loaded.blocks]
    assert kinds == ["text", "table", "text", "table", "text"]
    assert loaded.blocks[0].text.endswith("表1 预算执行情况（单位：万元）")


def test_a_bad_text_table_warns_and_keeps_its_text(tmp_path: Path) -> None:
    path = tmp_path / "uneven.txt"
    path.write_text("某区民政局2023年度部门整体支出绩效自评报告\n一、基本情况\n项目 | 金额 | 备注\n办公费 | 12\n"
                    "差旅费 | 3 | 出差 | 两次 | 市内\n会议费 | 1 | 无\n二、结论\n完成较好。\n", encoding="utf-8")
    prepared = prepare_report(path)
    assert prepared.info.tables == 0
    assert len(prepared.warnings) == 1 and "line 3" in prepared.warnings[0]
    assert "差旅费|3|出差|两次|市内" in prepared.cleaned.text.replace(" ", "")


# --- project self-evaluation forms: one table of sections -----------------------------------------------------------

PROJECTS = {"street": STREET_PROJECT, "hrss": HRSS_PROJECT}


@pytest.fixture(scope="module")
def project_files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("project-forms")
    out = {}
    for name, spec in PROJECTS.items():
        out[(name, "docx")] = make_docx_report(spec, folder / f"{name}.docx")
        out[(name, "pdf")] = make_pdf_report(spec, folder / f"{name}.pdf")
        out[(name, "full")] = make_text_report(spec, folder / f"{name}.txt", "full")
    return out


@pytest.mark.parametrize("name", PROJECTS)
@pytest.mark.parametrize("fmt", ["docx", "pdf", "full"])
def test_a_form_table_is_read_as_its_sections(project_files, name: str, fmt: str) -> None:
    """The form's rows, then 项目资金, the goals and the indicators, each with the header row it carries."""
    form, funds, goals, indicators = load_report(project_files[(name, fmt)]).tables
    assert form.form and table_lines(form)[1].startswith("主管部门：") and "，实施单位：" in table_lines(form)[1]
    assert funds.header_rows == 1 and funds.label_cols == 2 and funds.unit == "万元"  # from 项目资金（万元）
    assert funds.row_label(1) == ["年度资金总额"] and 1 in funds.total_rows
    assert goals.column_header(1) == ["预期目标"] and goals.n_rows == 2
    assert indicators.column_header(3) == ["年度指标值"] and indicators.total_rows == (indicators.n_rows - 1,)
    assert table_lines(indicators)[-1].startswith("总分：分值100，得分")


@pytest.mark.parametrize("name", PROJECTS)
@pytest.mark.parametrize("fmt", ["pdf", "full"])
def test_every_format_reads_a_form_alike(project_files, name: str, fmt: str) -> None:
    assert _table_lines_of(project_files[(name, fmt)]) == _table_lines_of(project_files[(name, "docx")])


# unruled tables whose headers wrap around the one-line headers centred between their lines, whose rows' cells stand
# at their top with a long reason wrapped over several lines, and whose total row follows the last reason: a
# 学校's project table and a 卫生院's budget-and-indicator table
TOP_ALIGNED = {
    "school": TableSpec("表2 项目绩效指标完成情况", (
        ("一级指标", "二级指标", "三级指标", "年度指标值（个）", "实际完成值（个）", "分值", "得分", "偏差原因分析及改进措施"),
        ("产出指标", "数量指标", "智慧教室改造间数", "36", "36", "10", "10", ""),
        ("产出指标", "数量指标", "教师信息化应用培训人次", "300", "262", "10", "8",
         "培训安排与期末教学工作冲突，部分场次延期至下学期举办，今后将统筹安排培训时间"),
        ("产出指标", "质量指标", "设备验收合格率", "100", "100", "10", "10", ""),
        ("满意度指标", "服务对象满意度指标", "学生满意度", "90", "88", "10", "9",
         "部分班级智慧课堂应用频次不高，学生体验不足，将通过公开课和教研活动推广应用"),
        ("总分", "", "", "", "", "50", "47", ""),
    )),
    "clinic": TableSpec("表1 预算执行及绩效情况", (
        ("资金及指标", "年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）", "分值", "执行率", "得分"),
        ("年度资金总额", "268.00", "280.50", "251.36", "10", "89.61%", "8.96"),
        ("基本公共卫生服务", "120.00", "126.40", "118.22", "", "93.53%",
         ""),
        ("家庭医生签约服务", "48.00", "52.10", "37.14", "", "71.29%", ""),
        ("合计", "436.00", "459.00", "406.72", "10", "88.61%", "8.86"),
    )),
}


@pytest.mark.parametrize("name", TOP_ALIGNED)
def test_an_unruled_table_with_top_aligned_wrapped_cells_keeps_every_row(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          name: str) -> None:
    import tests.ingest.table_reports as reports

    monkeypatch.setattr(reports, "MAX_COLUMN_WIDTH", 66.0)  # long headers and reasons wrap
    table = TOP_ALIGNED[name]
    spec = ReportSpec(title="某单位2024年度项目支出绩效自评报告",
                      body=("一、绩效情况", "本年度完成情况见下表。", table, "二、存在问题", "培训安排统筹不够。"))
    path = make_pdf_report(spec, tmp_path / f"{name}-top.pdf", ruled=False, body_valign="TOP")
    with pdfplumber.open(path) as pdf:  # the headers really wrap over lines
        assert not any("年初预算数（万元）" in line or "年度指标值（个）" in line
                       for line in pdf.pages[0].extract_text().split("\n"))
    [read] = load_report(path).tables
    assert read.source == "pdf-aligned"
    assert read.grid() == [list(row) for row in table.rows]  # one header row, every reason whole, the total kept
    assert _loaded_chars(path) == _pdf_chars(path)


CONSECUTIVE_REASONS = {
    "education": TableSpec("表1 绩效指标完成情况", (
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"),
        ("产出指标", "数量指标", "培训人次", "≥300人次", "262人次", "10", "8", "培训安排与教学工作冲突，部分场次延期"),
        ("产出指标", "数量指标", "新增学位", "≥200个", "180个", "10", "9", "两所学校改扩建工程延期交付使用"),
        ("产出指标", "质量指标", "合格率", "100%", "96%", "10", "9", "部分设备到货检测不合格已退换"),
        ("效益指标", "社会效益指标", "覆盖率", "100%", "100%", "10", "10", ""),
        ("总分", "", "", "", "", "40", "36", ""),
    )),
    "health": TableSpec("表2 绩效目标完成情况", (
        ("一级指标", "二级指标", "指标名称", "目标值", "完成值", "分值", "得分", "扣分原因"),
        ("产出指标", "数量指标", "签约人数", "≥12万人", "11.5万人", "15", "12", "签约服务推进较慢，家庭医生团队不足"),
        ("产出指标", "时效指标", "候诊时长", "≤30分钟", "35分钟", "15", "11", "就诊高峰时段医护人员不足"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "88%", "20", "18", "部分患者对预约流程不满意"),
        ("总分", "", "", "", "", "50", "41", ""),
    )),
}


@pytest.mark.parametrize("valign", ["MIDDLE", "TOP", "BOTTOM"])
@pytest.mark.parametrize("name", CONSECUTIVE_REASONS)
def test_wrapped_reasons_of_consecutive_rows_stay_with_their_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  name: str, valign: str) -> None:
    """Reasons wrapped over two lines in rows one after another: a cell's lines are the run of lines one pitch apart
    in its column, owned by the row whose line stands in it, whether the rows put their cells at the top, the middle
    or the bottom."""
    import tests.ingest.table_reports as reports

    monkeypatch.setattr(reports, "MAX_COLUMN_WIDTH", 66.0)
    table = CONSECUTIVE_REASONS[name]
    spec = ReportSpec(title="某区2023年度部门整体支出绩效自评报告", body=("一、绩效情况", table, "二、存在问题", "无。"))
    path = make_pdf_report(spec, tmp_path / f"{name}-{valign}.pdf", ruled=False, body_valign=valign)
    [read] = load_report(path).tables
    assert read.grid() == [list(row) for row in table.rows]
    assert _loaded_chars(path) == _pdf_chars(path)
