"""Pure: the cells of a report's tables that state a number -> Figures named by their row and their column.

A cell figure is named like a figure of the prose, from where it stands: `row` is the row's label path
("产出指标 > 数量指标 > 学位新增数量"), `column` its column's header path ("指标值 > 年度指标值"), `clause`
"<row> <column>：<cell>", `sentence` the row as printed (what a citation quotes). Its unit comes from the cell
("2150个"), else a unit column of the row, the column's header ("年初预算数（万元）") or the table's caption
("单位：万元"); a score column's bare numbers are 分. `extra` carries what an answer from the table needs:
- "role": the column's role (ingest/tables.COLUMN_ROLES: target, plan, actual, points, score, rate, reason ...), and
  "bound"/"op": the bound the cell sets (≥, ≤, ＞, 以上, 不低于 -> ">=", "<=", ">" ...), so that a target is
  never read as if reached;
- "header", "cells", "roles": the table's header per grid column, the row's cell texts per grid column (a value
  merged down from a row above is "" here: it belongs to that row), and every column's role — text cells such as
  偏差原因分析 stay findable through them;
- "row_index", "col_index", "total" (a 合计/总分 row), "caption", "label_cols", "year" (the year the caption or
  title row names, else the report's);
- "form": the text fields of the report's forms (主管部门, 实施单位 … with their values, `form_fields`), which state
  no figure and so have no Figure of their own: every cell figure of the report carries them.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ingest.document import ROW_LABEL_SEPARATOR, PlacedTable, Table, TableCell, form_pairs, row_line
from ingest.figures import LEVEL, NUMBER, TARGET as TARGET_QUALIFIER, Figure
from ingest.numbers import ROLE_FIGURE, ROLE_IDENTIFIER, UNIT_KIND, NumberToken, find_numbers
from ingest.report import Paragraph
from ingest.tables import ACTUAL, INDEX, LABEL, PLAN, POINTS, RATE, SCORE, TARGET, UNIT, header_unit

# A bound written before or after a number, and what it means: "≥2000个", "2000个以上", "不低于95%".
_BOUND_BEFORE: tuple[tuple[str, str], ...] = (
    ("≥", ">="), ("≧", ">="), (">=", ">="), ("不低于", ">="), ("不少于", ">="), ("大于等于", ">="), ("达到", ">="),
    ("≤", "<="), ("≦", "<="), ("<=", "<="), ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("小于等于", "<="),
    ("＞", ">"), (">", ">"), ("大于", ">"), ("超过", ">"), ("高于", ">"),
    ("＜", "<"), ("<", "<"), ("小于", "<"), ("低于", "<"), ("少于", "<"),
    ("=", "="), ("＝", "="),
)
_BOUND_AFTER: tuple[tuple[str, str], ...] = (
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="), ("左右", "~"),
)
# A bare number in a score column counts points, in a rate column percent, whatever unit the caption gives the table.
_ROLE_UNIT = {POINTS: "分", SCORE: "分", RATE: "%"}
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
# a value cell that is one number with a unit in Latin letters ("≤40DDDs", "42.6DDDs"): find_numbers reads an integer
# before letters as a code (5G); in a value column it is a measure
# a value cell of a number and a measure word ingest does not know ("≤40DDDs", "≥24眼"): a measure, not a code
_MEASURE_CELL = re.compile(r"[≥≤＞＜><=≧≦～~]?\s*\d+(?:\.\d+)?\s*(?:[A-Za-z]{1,8}(?:/[A-Za-z]{1,8})?|"
                           r"(?P<word>[\u4e00-\u9fff]{1,3}))(?:以上|以下|以内)?")


def cell_bound(text: str, token: NumberToken) -> tuple[str, str]:
    """The bound a cell writes around one of its numbers, as written and as an operator: ("≥", ">=") or ("", "")."""
    before = text[:token.start].rstrip()
    for written, op in _BOUND_BEFORE:
        if before.endswith(written):
            return written, op
    after = text[token.end:].lstrip()
    for written, op in _BOUND_AFTER:
        if after.startswith(written):
            return written, op
    return "", ""


def extract_table_figures(tables: Sequence[PlacedTable], paragraphs: Sequence[Paragraph],
                          report_id: str, year: int | None = None) -> list[Figure]:
    """One Figure per number in a value cell, named by its row and column (see the module docstring)."""
    rows = {(p.table, p.row): p for p in paragraphs if p.is_table_row}
    figures: list[Figure] = []
    for placed in tables:
        figures.extend(_table_figures(placed, rows, report_id, year))
    fields = form_fields(tables, rows)
    if fields:  # a form's words state no figure: every cell figure of the report carries them (extra["form"])
        for f in figures:
            f.extra["form"] = fields
    return figures


def form_fields(tables: Sequence[PlacedTable], rows: dict[tuple[int, int], Paragraph] | None = None) -> list[dict]:
    """The text fields of the report's forms (项目名称｜X｜主管部门｜Y｜实施单位｜Z): each label with its value when
    the value states no figure, with the form row as printed (what a citation quotes), its table and section."""
    fields = []
    for placed in tables:
        table = placed.table
        if not table.form:
            fields.extend(_text_rows(placed, rows))
            continue
        for r in range(table.n_rows):
            paragraph = (rows or {}).get((placed.index, r))
            for label, value in form_pairs(table, r):
                text = value.text.strip()
                if label is None or not text or any(t.role == ROLE_FIGURE for t in find_numbers(text)):
                    continue
                fields.append({"label": label.text.strip(), "value": text, "table": placed.id, "row_index": r,
                               "sentence": table.row_text(r), "cells": table.row_cells(r),
                               "caption": table.caption, "section": paragraph.section if paragraph else ""})
    return fields


MAX_FIELD_LABEL_CHARS = 12


def _text_rows(placed: PlacedTable, rows: dict[tuple[int, int], Paragraph] | None) -> list[dict]:
    """A row of a table of figures that is one label and one text ("自评等级｜优" merged across the value columns,
    "评价结论｜良好"): a text field like a form's, which states no figure and so has no Figure of its own."""
    table = placed.table
    out = []
    for r in range(table.header_rows, table.n_rows):
        cells: list[TableCell] = []
        for k in range(table.n_cols):
            cell = table.cell_at(r, k)
            if cell is not None and cell.text.strip() and cell not in cells:
                cells.append(cell)
        texts = list(dict.fromkeys(c.text.strip() for c in cells))
        if len(texts) != 2 or cells[0].col != 0 or cells[0].text.strip() == cells[-1].text.strip():
            continue
        label, value = texts
        if (len(label) > MAX_FIELD_LABEL_CHARS or re.search(r"\d|[。；;，,]", label)
                or any(t.role == ROLE_FIGURE for t in find_numbers(value))):
            continue
        paragraph = (rows or {}).get((placed.index, r))
        out.append({"label": label, "value": value, "table": placed.id, "row_index": r,
                    "sentence": table.row_text(r), "cells": table.row_cells(r), "caption": table.caption,
                    "section": paragraph.section if paragraph else ""})
    return out


def _table_figures(placed: PlacedTable, rows: dict[tuple[int, int], Paragraph], report_id: str,
                   report_year: int | None) -> list[Figure]:
    table = placed.table
    header = table.header_texts()
    roles = [table.role(k) for k in range(table.n_cols)]
    years = _YEAR.findall(table.caption)
    year = int(years[0]) if years else report_year
    figures: list[Figure] = []
    worded: list[dict] = []  # rows that state no figure but a target and an actual (dates, words)
    for r in range(table.header_rows, table.n_rows):
        paragraph = rows.get((placed.index, r))
        before = len(figures)
        line, starts = row_line(table, r)
        line_start = placed.rows[r][0] if r < len(placed.rows) else placed.start
        text_in_line = paragraph.text if paragraph is not None else line
        cells = row_texts(table, r)
        unit_of_row = next((header_unit(f"（{cells[k]}）") for k in range(table.n_cols) if roles[k] == UNIT), "")
        for cell, path, column in _value_cells(table, r, roles):
            k = cell.col
            at = starts.get(cell.col, -1)
            tokens = find_numbers(cell.text)
            stated = [t for t in tokens if t.role == ROLE_FIGURE]
            for t in tokens:
                measure_cell = _MEASURE_CELL.fullmatch(cell.text.strip()) if t.role == ROLE_IDENTIFIER else None
                if measure_cell:  # "≤40DDDs", "≥24眼" in a value column: a measure, not a code
                    t = replace(t, role=ROLE_FIGURE, unit=t.unit or measure_cell.group("word") or "")
                if t.role != ROLE_FIGURE:
                    continue
                unit = t.unit or unit_of_row or header_unit(column) or _ROLE_UNIT.get(roles[k], table.unit)
                bound, op = cell_bound(cell.text, t)
                start = line_start + _offset(text_in_line, cell.text, t, at)
                leaf = path.split(ROW_LABEL_SEPARATOR)[-1] if path else ""
                figures.append(Figure(
                    text=t.text, value=str(t.value), unit=unit, kind=UNIT_KIND.get(unit, NUMBER),
                    qualifier=TARGET_QUALIFIER if roles[k] in (TARGET, PLAN) else LEVEL, phrase=leaf,
                    clause=f"{path} {column}：{cell.text}".strip(), sentence=_printed_row(table, r, k),
                    section=paragraph.section if paragraph is not None else "", report=report_id,
                    start=start, end=start + len(t.text),
                    extra={"header": header, "cells": cells, "roles": roles, "row_index": r, "col_index": k,
                           "role": roles[k], "bound": bound, "op": op, "total": r in table.total_rows,
                           "caption": table.caption, "label_cols": table.label_cols, "year": year,
                           # a cell stating several figures ("购置设备38台（套）；…；D2W时间68分钟"): each is named
                           # by its own piece of the cell, not by its neighbours' words
                           "piece": cell_piece(cell.text, t.start) if len(stated) > 1 else ""},
                    table=placed.id, row=path, column=column,
                ))
        cells_of_row = row_texts(table, r)
        if len(figures) == before and not table.form and r not in table.total_rows and any(
                roles[k] == TARGET and cells_of_row[k] for k in range(table.n_cols)) and any(
                roles[k] == ACTUAL and cells_of_row[k] for k in range(table.n_cols)):
            worded.append({"row_index": r, "row": ROW_LABEL_SEPARATOR.join(table.row_label(r)), "cells": cells_of_row,
                           "sentence": table.row_text(r), "section": paragraph.section if paragraph else ""})
    if worded:  # a row of dates ("2024年10月底前" ｜ "2024年11月") has no Figure: the table's figures carry it
        for f in figures:
            f.extra["worded_rows"] = worded
    return figures


def _printed_row(table: Table, r: int, k: int) -> str:
    """The row the report prints the cell in, as a citation quotes it: the table's row; for a table read turned
    (its measures printed as rows, `Table.transposed`) the printed row is the cell's column ("执行率 98.00% 99.82%
    97.78%")."""
    if not table.transposed:
        return table.row_text(r)
    grid = table.grid()
    return " ".join(t for t in dict.fromkeys(grid[x][k] for x in range(table.n_rows)) if t.strip())


def _value_cells(table: Table, r: int, roles: list[str]) -> list[tuple[TableCell, str, str]]:
    """The value cells a row states, each with its row path and column path; in a form, each value with its label
    as the row ("项目资金：120" -> row 项目资金) and no column."""
    if table.form:
        return [(value, label.text.strip() if label is not None else "", "") for label, value in form_pairs(table, r)]
    out = []
    previous = None
    for k in range(table.n_cols):
        cell = table.cell_at(r, k)
        if cell is None or cell is previous or cell.row != r:
            previous = cell
            continue
        previous = cell
        if k < table.label_cols or roles[k] in (LABEL, INDEX, UNIT) or not cell.text.strip():
            continue
        out.append((cell, _row_path(table, cell), ROW_LABEL_SEPARATOR.join(table.column_header(k))))
    return out


def row_texts(table: Table, row: int) -> list[str]:
    """The row's text per grid column: labels as the grid gives them (a merged label in every row it spans), values
    only in the row they start in (a value merged down over several rows belongs to its first row), and a value
    column covered by a label (合计 across the first five columns) empty."""
    out = []
    for k, text in enumerate(table.grid()[row]):
        cell = table.cell_at(row, k)
        if k >= table.label_cols and cell is not None and cell.col < table.label_cols:
            out.append("")
            continue
        own = cell is None or cell.row == row or k < table.label_cols
        out.append(text.strip() if own else "")
    return out


def _row_path(table: Table, cell: TableCell) -> str:
    """The label path of the row(s) a cell stands in: for a value merged over several rows, what they share (or,
    sharing nothing, the first row's: a score merged down beside 年度资金总额 and its parts is the total's)."""
    paths = [table.row_label(r) for r in range(cell.row, min(table.n_rows, cell.row + cell.row_span))]
    shared = paths[0]
    for other in paths[1:]:
        n = 0
        while n < min(len(shared), len(other)) and shared[n] == other[n]:
            n += 1
        shared = shared[:n]
    return ROW_LABEL_SEPARATOR.join(shared or paths[0])


def _offset(line: str, cell_text: str, token: NumberToken, at: int) -> int:
    """Where the token stands in the row's line: where the line writes the cell, else wherever the cell's text is."""
    if at >= 0 and line[at + token.start:at + token.end] == cell_text[token.start:token.end]:
        return at + token.start
    found = line.find(cell_text)
    if found >= 0:
        return found + token.start
    found = line.find(token.text)
    return max(found, 0)


_PIECE_END = re.compile(r"[；;。，,]")


def cell_piece(text: str, at: int) -> str:
    """The piece of a cell's text a number at `at` stands in: between the separators (；，。) around it, without
    a field name before a colon ("实际完成情况：…购置设备38台" -> "购置设备38台")."""
    start = max((m.end() for m in _PIECE_END.finditer(text, 0, at)), default=0)
    end = next((m.start() for m in _PIECE_END.finditer(text, at)), len(text))
    piece = text[start:end]
    colon = max(piece.rfind("：", 0, at - start), piece.rfind(":", 0, at - start))
    return piece[colon + 1:].strip() if colon >= 0 else piece.strip()
