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
    """A table as the report prints it: cells on a grid, the leading `header_rows` rows are column headers."""

    cells: tuple[TableCell, ...]
    n_rows: int
    n_cols: int
    header_rows: int = 1
    label_cols: int = 1  # leading columns that name the row (一级指标 / 二级指标 / 三级指标), not values
    caption: str = ""  # its caption, or the text line just above it that names it
    source: str = ""  # how it was read: pdf, docx, txt-tab, txt-pipe, markdown ...
    page: int | None = None  # first page it stands on (PDF)

    def grid(self) -> list[list[str]]:
        """The text at every (row, column); a merged cell's text in every position it covers."""
        grid = [[""] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(self.n_rows, c.row + c.row_span)):
                for k in range(c.col, min(self.n_cols, c.col + c.col_span)):
                    grid[r][k] = c.text
        return grid

    def column_header(self, col: int) -> list[str]:
        """The header path above a column, top-down, repeats of a spanning header given once."""
        grid = self.grid()
        path: list[str] = []
        for r in range(min(self.header_rows, self.n_rows)):
            text = grid[r][col].strip()
            if text and (not path or path[-1] != text):
                path.append(text)
        return path

    def row_label(self, row: int) -> list[str]:
        """The label path of a row, left to right over the label columns, repeats given once."""
        grid = self.grid()
        path: list[str] = []
        for k in range(min(self.label_cols, self.n_cols)):
            text = grid[row][k].strip()
            if text and (not path or path[-1] != text):
                path.append(text)
        return path

    def row_cells(self, row: int) -> list[str]:
        """The row's texts as printed, left to right, a horizontally merged cell once."""
        out: list[str] = []
        previous = None
        for k, text in enumerate(self.grid()[row]):
            cell = self._cell_at(row, k)
            if cell is not None and cell is previous:
                continue
            previous = cell
            out.append(text.strip())
        return out

    def row_text(self, row: int) -> str:
        """The row as the report prints it, cells joined by a space: what a citation of one of its cells quotes."""
        return " ".join(t for t in self.row_cells(row) if t)

    def header_texts(self) -> list[str]:
        """Each column's header path joined, for showing a cited row under its header."""
        return [ROW_LABEL_SEPARATOR.join(self.column_header(k)) for k in range(self.n_cols)]

    @property
    def text(self) -> str:
        """Every row of the table as text, one per line (a table that cannot be read further still keeps this)."""
        return "\n".join(self.row_text(r) for r in range(self.n_rows))

    def _cell_at(self, row: int, col: int) -> TableCell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                return c
        return None


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


def table_lines(table: Table) -> list[str]:
    """How a table is written into the cleaned text: one line per row (what is chunked, embedded and searched)."""
    return [table.row_text(r) for r in range(table.n_rows)]  # an empty row is an empty line (no text to keep)
