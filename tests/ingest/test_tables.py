"""ingest/tables.py: header rows, label columns, column roles, totals, captions and units read off a table's structure;
tables in plain text; how rows are written into the cleaned text (pure: tables built in the test)."""
from __future__ import annotations

import pytest

from ingest.clean import clean_document
from ingest.document import Block, Table, TableCell, row_line, table_block, table_from_rows, table_lines, text_block
from ingest.tables import (ACTUAL, INDEX, LABEL, NOTE, PLAN, POINTS, RATE, REASON, SCORE, TARGET, analyze_table,
                           caption_above, column_role, header_unit, is_figure_cell, is_total_label, parse_text_tables,
                           tidy_cell)


@pytest.mark.parametrize(("header", "role"), [
    # 教育局-style indicator table
    (["一级指标"], LABEL), (["三级指标"], LABEL), (["指标值", "年度指标值"], TARGET), (["指标值", "实际完成值"], ACTUAL),
    (["分值"], POINTS), (["得分"], SCORE), (["偏差原因分析及改进措施"], REASON),
    # 卫生健康局-style wording of the same columns
    (["指标名称"], LABEL), (["目标值"], TARGET), (["完成值"], ACTUAL), (["扣分原因"], REASON), (["权重"], POINTS),
    (["自评得分"], SCORE),
    # budget tables
    (["项目"], LABEL), (["预算数", "年初预算数"], PLAN), (["全年预算数（万元）"], PLAN), (["全年执行数"], ACTUAL),
    (["决算数"], ACTUAL), (["执行率"], RATE), (["预算执行率（%）"], RATE), (["完成率"], RATE),
    (["序号"], INDEX), (["备注"], NOTE), (["Target"], TARGET), (["Actual"], ACTUAL), ([""], ""), (["金额"], ""),
])
def test_column_roles_from_the_genre_vocabulary(header: list[str], role: str) -> None:
    assert column_role(header) == role


@pytest.mark.parametrize(("text", "unit"), [
    ("年初预算数（万元）", "万元"), ("表1 预算执行情况（单位：万元）", "万元"), ("单位：元", "元"), ("执行率(%)", "%"),
    ("完成值（人次）", "人次"), ("全年执行数", ""),
])
def test_header_unit(text: str, unit: str) -> None:
    assert header_unit(text) == unit


@pytest.mark.parametrize(("text", "figure"), [
    ("≥2000个", True), ("2150个", True), ("100%", True), ("≤30分钟", True), ("约50人", True), ("不低于95%", True),
    ("90%以上", True), ("8876.55", True), ("11.5万人", True), ("项目1", False), ("65岁以上老年人健康体检人次", False),
    ("2023年", False), ("受疫情影响减少200人次", False), ("-", False), ("", False), ("达标", False),
])
def test_a_cell_states_a_figure_when_its_numbers_are_all_it_says(text: str, figure: bool) -> None:
    # "≤30分钟": 分钟 is a unit of ingest.numbers (it was read as 分 + a word 钟 before), so the cell is a bare figure
    assert is_figure_cell(text) is figure


@pytest.mark.parametrize(("label", "total"), [
    ("合计", True), ("合 计", True), ("总计", True), ("总分", True), ("年度资金总额", True), ("小计", True),
    ("其中：基本支出", False), ("学生资助覆盖率", False), ("总体目标", True), ("Total", True),
])
def test_total_rows(label: str, total: bool) -> None:
    assert is_total_label(label) is total


def test_tidy_cell_joins_lines_as_cleaning_would() -> None:
    assert tidy_cell("受疫情影响，部分线下\n培训取消") == "受疫情影响，部分线下培训取消"
    assert tidy_cell("≥ 3000 人次") == "≥ 3000人次"
    assert tidy_cell("１２３．５０") == "123.50"
    assert tidy_cell("Teacher\ntraining") == "Teacher training"


def _spanned(rows: list[list[str]], spans: dict[tuple[int, int], tuple[int, int]], caption: str = "") -> Table:
    """A table of rows where spans[(r, c)] = (row_span, col_span); covered positions are left out."""
    covered = {(r + i, c + j) for (r, c), (rs, cs) in spans.items() for i in range(rs) for j in range(cs)
               if (i, j) != (0, 0)}
    cells = tuple(TableCell(r, c, text, *spans.get((r, c), (1, 1)))
                  for r, row in enumerate(rows) for c, text in enumerate(row) if (r, c) not in covered)
    return Table(cells, len(rows), max(len(r) for r in rows), caption=caption)


EDUCATION_ROWS = [
    ["一级指标", "二级指标", "三级指标", "指标值", "", "分值", "得分", "偏差原因分析"],
    ["", "", "", "年度指标值", "实际完成值", "", "", ""],
    ["产出指标", "数量指标", "新增公办学位数", "≥2000个", "2150个", "10", "10", ""],
    ["", "", "教师培训人次", "≥3000人次", "2600人次", "10", "8", "受极端天气影响"],
    ["合计", "", "", "", "", "20", "18", ""],
]
EDUCATION_SPANS = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 2), (0, 5): (2, 1), (0, 6): (2, 1),
                   (0, 7): (2, 1), (2, 0): (2, 1), (2, 1): (2, 1), (4, 0): (1, 5)}
HEALTH_ROWS = [
    ["项目", "预算数", "", "全年执行数", "执行率", "得分"],
    ["", "年初预算数", "全年预算数", "", "", ""],
    ["年度资金总额", "5000.00", "5320.50", "5108.30", "96.01%", "9.6"],
    ["其中：基本支出", "3000.00", "3100.00", "3080.20", "99.36%", ""],
    ["项目支出", "2000.00", "2220.50", "2028.10", "91.34%", ""],
]
HEALTH_SPANS = {(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (2, 1), (0, 4): (2, 1), (0, 5): (2, 1), (2, 5): (3, 1)}


@pytest.mark.parametrize(("rows", "spans", "header_rows", "label_cols", "roles", "totals"), [
    (EDUCATION_ROWS, EDUCATION_SPANS, 2, 3, (LABEL, LABEL, LABEL, TARGET, ACTUAL, POINTS, SCORE, REASON), (4,)),
    (HEALTH_ROWS, HEALTH_SPANS, 2, 1, (LABEL, PLAN, PLAN, ACTUAL, RATE, SCORE), (2,)),
])
def test_two_level_headers_labels_roles_and_totals(rows, spans, header_rows, label_cols, roles, totals) -> None:
    table = analyze_table(_spanned(rows, spans))
    assert (table.header_rows, table.label_cols, table.roles, table.total_rows) == (header_rows, label_cols, roles,
                                                                                    totals)


def test_header_paths_and_row_paths_follow_the_merges() -> None:
    education = analyze_table(_spanned(EDUCATION_ROWS, EDUCATION_SPANS))
    assert education.column_header(4) == ["指标值", "实际完成值"]
    assert education.column_header(5) == ["分值"]
    assert education.row_label(3) == ["产出指标", "数量指标", "教师培训人次"]  # 一级/二级 merged down
    assert education.row_label(4) == ["合计"]  # merged across the label columns: once
    health = analyze_table(_spanned(HEALTH_ROWS, HEALTH_SPANS))
    assert health.column_header(2) == ["预算数", "全年预算数"]
    assert health.row_label(3) == ["其中：基本支出"]


def test_a_group_label_written_once_in_a_text_table_covers_the_rows_below() -> None:
    rows = [r[:] for r in EDUCATION_ROWS]  # as a text table writes it: no merges, the covered cells empty
    table = analyze_table(table_from_rows(rows, header_rows=1))
    assert table.header_rows == 2 and table.label_cols == 3
    assert table.row_label(3) == ["产出指标", "数量指标", "教师培训人次"]
    assert table.row_label(4) == ["合计"]  # a total row is never carried into
    assert table_lines(table) == table_lines(analyze_table(_spanned(EDUCATION_ROWS, EDUCATION_SPANS)))


def test_title_rows_give_the_caption_and_the_unit() -> None:
    rows = [["2023年度部门整体支出绩效自评表", "", "", ""], ["单位：万元", "", "", ""],
            ["项目", "年初预算数", "全年预算数", "全年执行数"], ["年度资金总额", "120.00", "130.00", "128.50"]]
    spans = {(0, 0): (1, 4), (1, 0): (1, 4)}
    table = analyze_table(_spanned(rows, spans))
    assert table.title_rows == 2 and table.header_rows == 3 and table.label_cols == 1
    assert table.unit == "万元" and "2023年度部门整体支出绩效自评表" in table.caption
    assert table.column_header(1) == ["年初预算数"]  # the title is no column's header


def test_a_table_without_header_words_and_a_numeric_first_row_has_no_header() -> None:
    table = analyze_table(table_from_rows([["办公费", "12.50"], ["差旅费", "3.20"], ["会议费", "1.00"]]))
    assert table.header_rows == 0 and table.label_cols == 1
    assert table_lines(table) == ["办公费：12.50。", "差旅费：3.20。", "会议费：1.00。"]


def test_an_index_column_is_written_by_name_not_into_the_row_path() -> None:
    table = analyze_table(table_from_rows([["序号", "项目名称", "金额（万元）"], ["1", "校舍维修", "120.5"],
                                           ["2", "设备购置", "80"]]))
    assert table.roles[0] == INDEX and table.label_cols == 2
    assert table.row_label(1) == ["校舍维修"]
    assert table_lines(table)[1] == "校舍维修：序号1，金额（万元）120.5。"


@pytest.mark.parametrize(("text", "caption"), [
    ("本局2023年度预算执行情况见下表。\n表1 预算执行情况（单位：万元）", "表1预算执行情况（单位：万元）"),
    ("表2 绩效目标完成情况\n（单位：万元）", "表2绩效目标完成情况（单位：万元）"),
    ("二、绩效指标完成情况", "二、绩效指标完成情况"),
    ("各项指标完成情况如下：", ""),  # a sentence, not a caption
    ("本局认真落实各项工作，取得了较好的成效，群众满意度进一步提升", ""),
])
def test_caption_is_the_title_line_just_above(text: str, caption: str) -> None:
    assert caption_above(text) == caption


# --- row lines in the cleaned text ---------------------------------------------------------------------------------


def test_row_lines_name_each_value_by_its_column() -> None:
    education = analyze_table(_spanned(EDUCATION_ROWS, EDUCATION_SPANS))
    assert table_lines(education) == [
        "一级指标｜二级指标｜三级指标｜指标值｜分值｜得分｜偏差原因分析。",
        "年度指标值｜实际完成值。",
        "产出指标>数量指标>新增公办学位数：年度指标值≥2000个，实际完成值2150个，分值10，得分10。",
        "产出指标>数量指标>教师培训人次：年度指标值≥3000人次，实际完成值2600人次，分值10，得分8，偏差原因分析：受极端天气影响。",
        "合计：分值20，得分18。",
    ]
    health = analyze_table(_spanned(HEALTH_ROWS, HEALTH_SPANS))
    assert table_lines(health)[2:4] == [
        "年度资金总额：年初预算数5000.00，全年预算数5320.50，全年执行数5108.30，执行率96.01%，得分9.6。",
        "其中：基本支出：年初预算数3000.00，全年预算数3100.00，全年执行数3080.20，执行率99.36%。",  # 9.6: the total's
    ]


@pytest.mark.parametrize(("rows", "spans"), [(EDUCATION_ROWS, EDUCATION_SPANS), (HEALTH_ROWS, HEALTH_SPANS)])
def test_cleaning_keeps_row_lines_as_written_and_every_cell_stands_in_the_text(rows, spans) -> None:
    table = analyze_table(_spanned(rows, spans))
    cleaned = clean_document([text_block("一、预算执行情况\n本年度情况如下。"), table_block(table),
                              text_block("二、下一步工作\n继续努力。")])
    [placed] = cleaned.tables
    assert cleaned.text[placed.start:placed.end].split("\n") == [line for line in table_lines(table) if line]
    for cell in table.cells:
        assert cell.text in cleaned.text
    for r, (start, end) in enumerate(placed.rows):
        line, starts = row_line(table, r)
        assert cleaned.text[start:end] == line + "。"  # each row a sentence of its own
        for col, at in starts.items():
            assert line[at:].startswith(table.cell_at(r, col).text)


def test_row_lines_never_glue_two_numbers_into_one() -> None:
    """'，' before a digit would read '100，200' as 100200 after cleaning: unnamed cells are joined by '｜'."""
    table = analyze_table(table_from_rows([["办公费", "100", "200"], ["差旅费", "300", "400"]], header_rows=0))
    cleaned = clean_document([table_block(table)])
    assert cleaned.text.split("\n") == ["办公费：100｜200。", "差旅费：300｜400。"]


# --- tables in plain text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "source", "rows"), [
    ("项目\t年初预算数\t全年执行数\n基本支出\t3000.00\t3080.20", "txt-tab",
     [["项目", "年初预算数", "全年执行数"], ["基本支出", "3000.00", "3080.20"]]),
    ("指标 | 目标值 | 完成值\n门诊人次 | ≥50万人次 | 52万人次", "txt-pipe",
     [["指标", "目标值", "完成值"], ["门诊人次", "≥50万人次", "52万人次"]]),
    ("指标｜目标值｜完成值\n患者满意度｜90%｜93%", "txt-pipe", [["指标", "目标值", "完成值"], ["患者满意度", "90%", "93%"]]),
    ("| 项目 | 金额 |\n|---|---:|\n| 公用经费 | 12.5 |", "markdown", [["项目", "金额"], ["公用经费", "12.5"]]),
    ("|项目|金额|\n|公用经费|12.5|", "txt-pipe", [["项目", "金额"], ["公用经费", "12.5"]]),  # framed, no --- row
    ("产出指标\t数量指标\t学位数\t≥2000个\n\t\t培训人次\t≥3000人次", "txt-tab",  # empty leading cells stay cells
     [["产出指标", "数量指标", "学位数", "≥2000个"], ["", "", "培训人次", "≥3000人次"]]),
])
def test_text_tables(text: str, source: str, rows: list[list[str]]) -> None:
    blocks = parse_text_tables(f"表1 情况表\n{text}\n以上。")
    assert [b.kind for b in blocks] == ["text", "table", "text"]
    table = blocks[1].table
    assert table.source == source
    assert table.grid() == rows


@pytest.mark.parametrize(("text", "rows"), [
    # a spending table: numbers right-aligned under their headers, an ideographic space between two cells
    ("支出项目              全年预算数    执行率\n送医下乡巡回义诊          163.20    95.83%\n"
     "基层培训\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000128.30    86.40%",
     [["支出项目", "全年预算数", "执行率"], ["送医下乡巡回义诊", "163.20", "95.83%"], ["基层培训", "128.30", "86.40%"]]),
    # an indicator table: the group labels written once, the rows under them empty there
    ("一级指标    三级指标        年度指标值    得分\n产出指标    巡回义诊场次    ≥120场        10\n"
     "            培训人次        ≥600人次      8",
     [["一级指标", "三级指标", "年度指标值", "得分"], ["产出指标", "巡回义诊场次", "≥120场", "10"],
      ["", "培训人次", "≥600人次", "8"]]),
])
def test_space_aligned_text_tables(text: str, rows: list[list[str]]) -> None:
    blocks = parse_text_tables(f"表1 情况表\n{text}\n以上。")
    assert [b.kind for b in blocks] == ["text", "table", "text"]
    assert blocks[1].table.source == "txt-space" and blocks[1].table.grid() == rows


@pytest.mark.parametrize("text", [
    "广州市某区卫生健康局    2024年2月28日\n联系人：张三    电话：020-12345678\n地址：某路1号    邮编：510000",  # no figures
    "本局  2023年度共有在编人员45人。\n全年  完成各项任务。",  # two lines only
    "执行率    96.35%\n得分    9.64\n其他说明见下文，共计三项，均已完成整改，详见附件。",  # a line of prose breaks the run
])
def test_space_separated_lines_that_are_no_table_stay_text(text: str) -> None:
    assert [b.kind for b in parse_text_tables(text)] == ["text"]


def test_prose_with_a_pipe_or_a_tab_is_not_a_table() -> None:
    text = "本局“三公”经费 | 说明如下。\n一、基本情况\n\t本局共有在编人员45人。\n二、绩效"
    assert [b.kind for b in parse_text_tables(text)] == ["text"]


@pytest.mark.parametrize("text", [
    "坏表 | a | b\nx | y\np | q | r | s | t\nu | v",  # 3, 2, 5, 2 cells: no shape
    "项目｜金额\n办公费｜12｜3｜4",  # two rows of different widths
])
def test_an_uneven_text_table_stays_text_with_a_warning(text: str) -> None:
    blocks = parse_text_tables(f"开头。\n{text}\n结尾。")
    kept = [b for b in blocks if b.warnings]
    assert len(kept) == 1 and kept[0].kind == "text" and kept[0].text == text
    assert "could not be read as a table" in kept[0].warnings[0]
    assert "\n".join(b.text for b in blocks) == f"开头。\n{text}\n结尾。"  # nothing lost


def test_blocks_structure_keeps_text_between_tables() -> None:
    blocks = [Block("text", "表1 部门预算表（单位：万元）"), table_block(table_from_rows(HEALTH_ROWS))]
    from ingest.tables import structure_tables

    [text, table] = structure_tables(blocks)
    assert text.text == "表1 部门预算表（单位：万元）"
    assert table.table.caption == "表1部门预算表（单位：万元）" and table.table.unit == "万元"


# --- sections and forms --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "parts"), [
    ([["项目名称", "校舍维修项目", "", ""], ["主管部门", "区教育局", "实施单位", "区教育发展中心"],
      ["项目资金（万元）", "年初预算数", "全年执行数", "执行率"], ["年度资金总额", "500.00", "480.00", "96.00%"],
      ["一级指标", "三级指标", "年度指标值", "实际完成值"], ["产出指标", "维修校舍数", "≥12所", "12所"]], [2, 2, 2]),
    ([["指标名称", "目标值", "完成值", "得分"], ["门诊人次", "≥50万人次", "52万人次", "10"],
      ["项目", "预算数", "执行数", "执行率"], ["药品采购", "300.00", "290.00", "96.67%"]], [2, 2]),
    # a two-level header is one header, not two sections
    ([["指标", "指标值", "", "得分"], ["", "年度指标值", "实际完成值", ""], ["门诊人次", "≥50万", "52万", "10"]], [3]),
])
def test_a_header_row_inside_a_table_starts_a_section(rows, parts) -> None:
    from ingest.tables import split_sections

    assert [p.n_rows for p in split_sections(table_from_rows(rows))] == parts


def test_a_form_is_written_as_label_value_pairs() -> None:
    table = analyze_table(table_from_rows([["项目名称", "校舍维修项目", "", ""],
                                           ["主管部门", "区教育局", "实施单位", "区教育发展中心"]]))
    assert table.form and table.header_rows == 0
    assert table_lines(table) == ["项目名称：校舍维修项目。", "主管部门：区教育局，实施单位：区教育发展中心。"]


def test_a_table_of_figures_is_not_a_form() -> None:
    table = analyze_table(table_from_rows([["项目", "金额"], ["办公费", "12.5"], ["差旅费", "3.2"]]))
    assert not table.form and table.header_rows == 1


# --- shapes met on reports the readers were not tuned on ----------------------------------------------------------

@pytest.mark.parametrize(("text", "unit"), [
    ("培训人次（万人次）", "万人次"),  # a 人社局 breakdown: not the 人次 or 万人 inside it
    ("参与人次（万人次）", "万人次"),  # a 文广旅局 one
    ("（单位：万人次）", "万人次"),
    ("改造面积（平方米）", "平方米"),
    ("全年预算数（万", ""),  # a header cut by a wrap names no unit
])
def test_header_unit_is_any_unit_the_numbers_know(text: str, unit: str) -> None:
    assert header_unit(text) == unit


# a budget table printed with its measures as rows: a 民政局's (years of funds as columns) and a 文广旅局's
TRANSPOSED = [
    ([["项目", "年度资金总额", "基本支出", "项目支出"],
      ["年初预算数（万元）", "58,436.20", "6,842.10", "51,594.10"],
      ["全年预算数（万元）", "63,218.75", "6,915.40", "56,303.35"],
      ["全年执行数（万元）", "61,954.03", "6,903.27", "55,050.76"],
      ["执行率", "98.00%", "99.82%", "97.78%"],
      ["分值", "10", "—", "—"],
      ["得分", "9.80", "—", "—"]], ["年度资金总额", "基本支出", "项目支出"], [PLAN, PLAN, ACTUAL, RATE, POINTS, SCORE]),
    ([["资金类别", "合计", "财政拨款", "其他资金"],
      ["年初预算", "1,250.00", "1,100.00", "150.00"],
      ["全年预算", "1,320.50", "1,170.50", "150.00"],
      ["全年执行数", "1,268.10", "1,130.40", "137.70"],
      ["预算执行率（%）", "96.03", "96.57", "91.80"]], ["合计", "财政拨款", "其他资金"], [PLAN, PLAN, ACTUAL, RATE]),
]


@pytest.mark.parametrize(("rows", "labels", "roles"), TRANSPOSED, ids=["civil-affairs", "culture"])
def test_a_table_printing_its_measures_as_rows_is_read_turned(rows, labels, roles) -> None:
    table = analyze_table(table_from_rows(rows, header_rows=0, label_cols=0))
    assert table.transposed
    assert [table.row_label(r)[-1] for r in range(table.header_rows, table.n_rows)] == labels
    assert list(table.roles[1:]) == roles and table.roles[0] == LABEL
    assert table.total_rows == (1,)  # 年度资金总额 / 合计
    assert table.grid()[1][1] == rows[1][1]  # the first fund's 年初预算数


@pytest.mark.parametrize("rows", [
    [["项目", "2022年", "2023年"], ["服务人次", "1200", "1350"], ["覆盖社区", "12", "15"], ["满意度", "92%", "95%"]],
    [["指标", "年度指标值", "实际完成值"], ["全年预算数", "≥100", "120"], ["执行率", "≥90%", "96%"],
     ["得分", "10", "9"]],  # its header names value columns: as printed
])
def test_a_table_whose_header_names_its_columns_is_not_turned(rows) -> None:
    assert not analyze_table(table_from_rows(rows, header_rows=0, label_cols=0)).transposed


@pytest.mark.parametrize("rows", [
    [["任务名称", "主要内容", "全年预算数（万元）", "全年执行数（万元）", "完成情况"],
     ["社会救助", "城乡低保、特困人员供养、临时救助", "32,460.40", "32,108.66", "已完成"],
     ["养老服务", "养老床位建设、居家养老服务补贴、高龄津贴", "15,286.50", "14,572.28", "部分完成"],
     ["儿童福利", "孤儿和事实无人抚养儿童基本生活保障", "2,318.00", "2,296.45", "已完成"]],
    [["项目名称", "实施内容", "预算数", "执行数"],
     ["送戏下乡", "组织专业院团下乡演出，每镇不少于4场", "86.00", "84.20"],
     ["场馆改造", "文化馆、图书馆公共区域改造，更新照明和座椅", "420.00", "401.35"]],
])
def test_a_column_describing_rows_already_named_is_no_label(rows) -> None:
    table = analyze_table(table_from_rows(rows, header_rows=0, label_cols=0))
    assert table.label_cols == 1 and table.roles[1] == NOTE
    assert table.row_label(1) == [rows[1][0]]


def test_an_indicator_tables_row_names_stay_labels() -> None:
    rows = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
            ["产出指标", "数量指标", "全年送戏下乡演出场次，每镇不少于4场", "≥40场", "44场"],
            ["产出指标", "质量指标", "演出质量抽查合格率，含观众评价、专家评审", "≥95%", "98%"]]
    assert analyze_table(table_from_rows(rows, header_rows=0, label_cols=0)).label_cols == 3


# rows written as labelled fields, one row a line: a 人社局 project form and a 卫健局 one (other field names, "；" or ";")
FIELD_ROWS = [
    ("指标：城镇新增就业人数；年度指标值：≥6,000人；实际完成值：6,842人；得分：10分\n"
     "指标：失业人员再就业人数；年度指标值：≥1,500人；实际完成值：1,326人；得分：8分；偏差原因：用工需求减少\n"
     "指标：服务对象满意度；年度指标值：≥90%；实际完成值：93.5%；得分：10分",
     ["指标", "年度指标值", "实际完成值", "得分", "偏差原因"], [TARGET, ACTUAL, SCORE, REASON],
     ["失业人员再就业人数", "≥1,500人", "1,326人", "8分", "用工需求减少"]),
    ("绩效指标名称：家庭医生签约率; 目标值：≥40%; 完成值：42.3%; 分值：10; 自评得分：10。\n"
     "绩效指标名称：健康档案建档率; 目标值：≥90%; 完成值：88%; 分值：10; 自评得分：8。",
     ["绩效指标名称", "目标值", "完成值", "分值", "自评得分"], [TARGET, ACTUAL, POINTS, SCORE],
     ["健康档案建档率", "≥90%", "88%", "10", "8"]),
]


@pytest.mark.parametrize(("text", "header", "roles", "row"), FIELD_ROWS, ids=["hrss", "health"])
def test_rows_of_labelled_fields_are_a_table(text, header, roles, row) -> None:
    blocks = parse_text_tables("一、绩效目标完成情况\n" + text + "\n二、存在的问题\n无。")
    [table] = [b.table for b in blocks if b.table is not None]
    table = analyze_table(table)
    assert table.source == "txt-fields" and table.grid()[0] == header
    assert list(table.roles[1:]) == roles and table.label_cols == 1
    assert table.grid()[2] == row
    assert [b.text for b in blocks if b.table is None] == ["一、绩效目标完成情况", "二、存在的问题\n无。"]


@pytest.mark.parametrize("text", [
    "项目名称：就业补贴；主管部门：区人社局；实施单位：区就业中心",  # one line of fields: a form line, not a table
    "一是加强宣传；二是优化流程；三是强化监督。\n一是完善制度；二是加强培训；三是压实责任。",  # enumerations
    "时间：3月；地点：会议室；内容：部署工作\n时间：6月；地点：礼堂；内容：中期检查",  # fields stating no figure
])
def test_lines_that_are_no_field_table_stay_text(text) -> None:
    assert all(b.table is None for b in parse_text_tables(text))
