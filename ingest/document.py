"""The document model: a report is a sequence of blocks — text and tables — in reading order.

Readers (ingest/load.py) turn a file into `Block`s; cleaning (ingest/clean.py) turns text blocks into clean
paragraphs and places every table in the cleaned text as one line per row; the outline, chunks and figures are
then derived from that text and the tables placed in it.

A `Table` keeps its cells with their row/column spans (as docling-core's TableData does): `grid()` gives the
text at every position, a merged cell's text in each position it covers, so a vertically merged 一级指标 stands
beside every row it spans and the header path above a column is read straight down the grid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

TEXT = "text"
TABLE = "table"
ROW_LABEL_SEPARATOR = " > "  # between the levels of a row's label path and of a column's header path


@dataclass(frozen=True)
class TableCell:
    """One cell at its top-left grid position, with how many rows and columns it spans."""

    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1


@dataclass(frozen=True)
class Table:
    """A table as the report prints it: cells on a grid, the leading `header_rows` rows are column headers.

    `roles`, `total_rows`, `unit` and `title_rows` are what ingest/tables.py reads from the table's structure (the
    readers leave them empty): the role of each grid column (label, target, actual, points, score, rate, reason ...,
    see tables.COLUMN_ROLES), the rows that total the others (合计, 总分), the unit the caption or a title row gives
    the whole table ("单位：万元"), and how many of the header rows are title rows (one cell across the table).
    """

    cells: tuple[TableCell, ...]
    n_rows: int
    n_cols: int
    header_rows: int = 1
    label_cols: int = 1  # leading columns that name the row (一级指标 / 二级指标 / 三级指标), not values
    caption: str = ""  # its caption, or the text line just above it that names it
    source: str = ""  # how it was read: pdf, pdf-aligned, docx, txt-tab, txt-pipe, markdown ...
    page: int | None = None  # first page it stands on (PDF)
    roles: tuple[str, ...] = ()  # per grid column: label | index | target | actual | points | score | rate | reason ...
    total_rows: tuple[int, ...] = ()  # rows that total the table (合计, 总计, 总分, 年度资金总额)
    unit: str = ""  # the unit the caption or a title row gives every cell ("单位：万元"), "" when none
    title_rows: int = 0  # leading header rows that are one cell across the table (its title, "单位：万元")
    form: bool = False  # a form: each row is label/value pairs (项目名称｜X｜主管部门｜Y), no column headers
    transposed: bool = False  # read with rows and columns swapped: the report printed the measures as rows
    printed: tuple[str, ...] = ()  # per row, the line the report printed it as, when it is no grid (labelled fields)

    def grid(self) -> list[list[str]]:
        """The text at every (row, column); a merged cell's text in every position it covers."""
        return [list(row) for row in self._grid]

    @cached_property
    def _grid(self) -> tuple[tuple[str, ...], ...]:
        grid = [[""] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(self.n_rows, c.row + c.row_span)):
                for k in range(c.col, min(self.n_cols, c.col + c.col_span)):
                    grid[r][k] = c.text
        return tuple(tuple(row) for row in grid)

    @cached_property
    def _positions(self) -> dict[tuple[int, int], TableCell]:
        at: dict[tuple[int, int], TableCell] = {}
        for c in self.cells:
            for r in range(c.row, min(self.n_rows, c.row + c.row_span)):
                for k in range(c.col, min(self.n_cols, c.col + c.col_span)):
                    at.setdefault((r, k), c)
        return at

    def cell_at(self, row: int, col: int) -> TableCell | None:
        """The cell covering (row, col), merged or not; None where the reader found no cell."""
        return self._positions.get((row, col))

    def role(self, col: int) -> str:
        """The role of a grid column ("" when the table was not analysed)."""
        return self.roles[col] if 0 <= col < len(self.roles) else ""

    def column_header(self, col: int) -> list[str]:
        """The header path above a column, top-down, repeats of a spanning header given once (title rows left out)."""
        grid = self._grid
        path: list[str] = []
        for r in range(min(self.title_rows, self.header_rows), min(self.header_rows, self.n_rows)):
            text = grid[r][col].strip()
            if text and (not path or path[-1] != text):
                path.append(text)
        return path

    def row_label(self, row: int) -> list[str]:
        """The label path of a row, left to right over the label columns, repeats given once (index columns left out,
        and a column's own header merged down beside its rows, as 项目资金（万元） beside 年度资金总额 and its parts)."""
        grid = self._grid
        path: list[str] = []
        for k in range(min(self.label_cols, self.n_cols)):
            if self.role(k) == "index":
                continue
            text = grid[row][k].strip()
            cell = self.cell_at(row, k)
            if row >= self.header_rows and cell is not None and cell.row < self.header_rows:
                continue  # the column's header cell, merged down
            if text and (not path or path[-1] != text):
                path.append(text)
        return path

    def row_cells(self, row: int) -> list[str]:
        """The row's texts as printed, left to right, a horizontally merged cell once."""
        out: list[str] = []
        previous = None
        for k, text in enumerate(self._grid[row]):
            cell = self.cell_at(row, k)
            if cell is not None and cell is previous:
                continue
            previous = cell
            out.append(text.strip())
        return out

    def row_text(self, row: int) -> str:
        """The row as the report prints it, cells joined by a space: what a citation of one of its cells quotes.
        A row the report wrote as a line of labelled fields is that line, word for word."""
        if row < len(self.printed) and self.printed[row]:
            return self.printed[row]
        return " ".join(t for t in self.row_cells(row) if t)

    def header_texts(self) -> list[str]:
        """Each column's header path joined, for showing a cited row under its header."""
        return [ROW_LABEL_SEPARATOR.join(self.column_header(k)) for k in range(self.n_cols)]

    def column_name(self, col: int) -> str:
        """A column's name as a row line writes it: its lowest header, with the one above it when another column has
        the same lowest header (年初 under both 预算数 and 决算数) or it is one character long."""
        path = self.column_header(col)
        if not path:
            return ""
        leaf = path[-1]
        shared = any(k != col and self.column_header(k)[-1:] == [leaf] and self.cell_at(self.header_rows - 1, k)
                     is not self.cell_at(self.header_rows - 1, col) for k in range(self.n_cols))
        if (shared or len(leaf) < 2) and len(path) > 1:
            return f"{path[-2]}{LINE_PATH_SEPARATOR}{leaf}"
        return leaf

    @property
    def text(self) -> str:
        """Every row of the table as text, one per line (a table that cannot be read further still keeps this)."""
        return "\n".join(self.row_text(r) for r in range(self.n_rows))


def table_from_rows(rows: list[list[str]], header_rows: int = 1, label_cols: int = 1, caption: str = "",
                    source: str = "", page: int | None = None) -> Table:
    """A table of plain rows (no merged cells); short rows are padded with empty cells."""
    n_cols = max((len(r) for r in rows), default=0)
    cells = tuple(TableCell(r, k, (rows[r][k] if k < len(rows[r]) else "") or "")
                  for r in range(len(rows)) for k in range(n_cols))
    return Table(cells, len(rows), n_cols, header_rows, label_cols, caption, source, page)


@dataclass(frozen=True)
class Block:
    """One block of a report in reading order: a run of text lines (as the source gives them) or a table."""

    kind: str  # TEXT | TABLE
    text: str = ""  # TEXT: raw lines, uncleaned; TABLE: the table's text (Table.text), for checks and fallbacks
    table: Table | None = None
    page: int | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)  # e.g. a table read back as text only


def text_block(text: str, page: int | None = None) -> Block:
    """A block of raw text lines."""
    return Block(TEXT, text, None, page)


def table_block(table: Table) -> Block:
    """A block holding one table."""
    return Block(TABLE, table.text, table, table.page)


@dataclass(frozen=True)
class PlacedTable:
    """A table as it stands in the cleaned text: one line per row, in the outline where the report puts it."""

    table: Table
    index: int  # the table's number in the report, 0-based
    start: int  # span of all its lines in the cleaned text
    end: int
    rows: tuple[tuple[int, int], ...]  # span of each row's line, one per table row (header rows included)

    @property
    def id(self) -> str:
        return f"t{self.index + 1}"


# How a row is written into the cleaned text. Every separator is full-width or ">", so that cleaning (which takes out
# spaces next to Chinese text and turns "1，407" into 1407) leaves the line as it is; "，" only stands before a
# column name that does not start with a digit (else "｜"), so no two cells can be read as one number.
LINE_PATH_SEPARATOR = ">"
LINE_LABEL_END = "："
LINE_CELL_SEPARATOR = "，"
LINE_PLAIN_SEPARATOR = "｜"
_VALUE_START = "0123456789.-+≥≤＞＜><=≧≦±约"


def row_line(table: Table, row: int) -> tuple[str, dict[int, int]]:
    """One row as a line of the cleaned text, and where each cell's text starts in it (by the cell's first column).

    A title or header row is its cells joined by "｜". A data row is its label path, then each other cell named
    by its column: "产出指标>数量指标>学位新增数量：年度指标值≥2000个，实际完成值2150个，分值10，得分10". Every
    character of the table stands in some line; a citation quotes `Table.row_text` (the row as printed) instead.
    """
    starts: dict[int, int] = {}
    if table.form:
        return _form_line(table, row, starts), starts
    if row < table.header_rows:
        pieces: list[tuple[int, str]] = []
        for k in range(table.n_cols):
            cell = table.cell_at(row, k)
            if cell is not None and cell.row == row and cell.col == k and cell.text.strip():
                pieces.append((k, cell.text.strip()))
        return _joined(pieces, LINE_PLAIN_SEPARATOR, starts), starts
    line = ""
    label_cells = []
    previous = None
    for k in range(min(table.label_cols, table.n_cols)):
        cell = table.cell_at(row, k)
        if table.role(k) == "index" or cell is None or cell is previous or not cell.text.strip():
            continue
        if cell.row < table.header_rows:
            continue  # the column's header cell merged down beside the rows: not a label of the row
        previous = cell
        if label_cells and label_cells[-1].text.strip() == cell.text.strip():
            continue
        label_cells.append(cell)
    for cell in label_cells:
        if line:
            line += LINE_PATH_SEPARATOR
        starts.setdefault(cell.col, len(line))
        line += cell.text.strip()
    parts: list[tuple[int, str, str]] = []  # (column, name, text)
    previous = None
    for k in range(table.n_cols):
        cell = table.cell_at(row, k)
        if cell is None or cell is previous:
            continue
        previous = cell
        if k < table.label_cols and table.role(k) != "index":
            continue
        if cell.col < table.label_cols and table.role(cell.col) != "index":
            continue  # a label cell spanning into the value columns (合计 across the first five)
        if cell.row != row:
            continue  # a value merged down over several rows is written once, in its first row
        text = cell.text.strip()
        if text:
            parts.append((k, table.column_name(k), text))
    if parts and line:
        line += LINE_LABEL_END
    for i, (k, name, text) in enumerate(parts):
        if i:
            line += LINE_CELL_SEPARATOR if name and not name[0].isdigit() else LINE_PLAIN_SEPARATOR
        line += name
        if name and not _reads_as_value(text):
            line += LINE_LABEL_END
        starts[table.cell_at(row, k).col] = len(line)
        line += text
    return line, starts


def form_pairs(table: Table, row: int) -> list[tuple[TableCell | None, TableCell]]:
    """A form row's (label, value) cells in order: each distinct non-empty cell, paired left to right (a label
    left without a value is a pair with no label)."""
    cells: list[TableCell] = []
    for k in range(table.n_cols):
        cell = table.cell_at(row, k)
        if cell is not None and cell.text.strip() and cell not in cells and (cell.row == row or k == 0):
            cells.append(cell)
    pairs: list[tuple[TableCell | None, TableCell]] = []
    for i in range(0, len(cells) - 1, 2):
        pairs.append((cells[i], cells[i + 1]))
    if len(cells) % 2:
        pairs.append((None, cells[-1]))
    return pairs


def _form_line(table: Table, row: int, starts: dict[int, int]) -> str:
    """A form row as "项目名称：X，主管部门：Y"."""
    line = ""
    for label, value in form_pairs(table, row):
        if line:
            line += LINE_CELL_SEPARATOR if not value.text.strip()[:1].isdigit() or label else LINE_PLAIN_SEPARATOR
        if label is not None:
            starts[label.col] = len(line)
            line += label.text.strip() + LINE_LABEL_END
        starts[value.col] = len(line)
        line += value.text.strip()
    return line


def _reads_as_value(text: str) -> bool:
    """A cell that is a value (≥2000个, 96.35%) follows its column's name directly; a sentence after a colon."""
    return text.startswith(tuple(_VALUE_START)) and len(text) <= 16 and not any(p in text for p in "，。；,;")


def _joined(pieces: list[tuple[int, str]], separator: str, starts: dict[int, int]) -> str:
    line = ""
    for k, text in pieces:
        if line:
            line += separator
        starts[k] = len(line)
        line += text
    return line


LINE_END = "。"
_SENTENCE_ENDS = "。！？；!?;"


def table_lines(table: Table) -> list[str]:
    """How a table is written into the cleaned text: one line per row (what is chunked, embedded and searched), each
    ended as a sentence, so that a row is one sentence to whatever reads sentences (no row runs into the next)."""
    lines = []
    for r in range(table.n_rows):
        line = row_line(table, r)[0]
        lines.append(line + LINE_END if line and not line.endswith(tuple(_SENTENCE_ENDS)) else line)
    return lines  # an empty row is an empty line (no text to keep)
