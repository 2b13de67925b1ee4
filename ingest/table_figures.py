"""Pure: the cells of a report's tables that state a number -> Figures named by their row and column."""
from __future__ import annotations

from collections.abc import Sequence

from ingest.document import ROW_LABEL_SEPARATOR, PlacedTable
from ingest.figures import NUMBER, Figure
from ingest.numbers import ROLE_FIGURE, UNIT_KIND, find_numbers
from ingest.report import Paragraph


def extract_table_figures(tables: Sequence[PlacedTable], paragraphs: Sequence[Paragraph],
                          report_id: str) -> list[Figure]:
    """One Figure per number in a data cell: its row's label path, its column's header path, the row as text."""
    section_of_row = {(p.table, p.row): p.section for p in paragraphs if p.is_table_row}
    figures: list[Figure] = []
    for placed in tables:
        table = placed.table
        grid = table.grid()
        header = table.header_texts()
        for r in range(table.header_rows, table.n_rows):
            start, _end = placed.rows[r]
            row_text = table.row_text(r)
            row_path = ROW_LABEL_SEPARATOR.join(table.row_label(r))
            cells = table.row_cells(r)
            offset = 0
            for k in range(table.label_cols, table.n_cols):
                text = grid[r][k].strip()
                if k > 0 and grid[r][k] == grid[r][k - 1] and table._cell_at(r, k) is table._cell_at(r, k - 1):
                    continue  # a horizontally merged cell states its number once
                at = row_text.find(text, offset) if text else -1
                if at >= 0:
                    offset = at + len(text)
                column = ROW_LABEL_SEPARATOR.join(table.column_header(k))
                for t in find_numbers(text):
                    if t.role != ROLE_FIGURE:
                        continue
                    figure_start = start + max(at, 0) + t.start
                    figures.append(Figure(
                        text=t.text, value=str(t.value), unit=t.unit, kind=UNIT_KIND.get(t.unit, NUMBER),
                        qualifier="level", phrase=table.row_label(r)[-1] if table.row_label(r) else "",
                        clause=f"{row_path} {column}：{text}".strip(), sentence=row_text,
                        section=section_of_row.get((placed.index, r), ""), report=report_id,
                        start=figure_start, end=figure_start + len(t.text),
                        extra={"header": header, "cells": cells, "row_index": r, "col_index": k},
                        table=placed.id, row=row_path, column=column,
                    ))
    return figures
