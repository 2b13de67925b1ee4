"""Build the table-bearing reports of the evaluation corpus (PDF, DOCX, TXT) from their specs.

    python -m bench.corpus.build                 # every spec in bench/corpus/specs/ -> bench/corpus/reports/
    python -m bench.corpus.build --out DIR ID..  # some specs, into another folder

A spec is Python data (`SPEC = {...}` in `bench/corpus/specs/<name>.py`): the report's id, format, title lines
and body, a list of items in reading order:

    ("h1", "一、部门基本情况")       a heading (h1 / h2 / h3: the levels only change the type size or Word style)
    ("p", "...")                      a paragraph
    ("caption", "表1 ...")            a table caption (a centred line above a table)
    ("table", {...})                  a table, see below
    ("pagebreak",)                    a page break (PDF and DOCX; nothing in TXT)
    ("right", "...")                  a right-aligned line (signature, date)

A table is {"rows": [[cell, ...], ...], "header_rows": n, "widths": [relative widths], "ruled": bool,
"repeat_rows": n (PDF: header rows repeated on every page the table runs onto), "txt_sep": "\\t" | "｜",
"txt_style": "markdown" (TXT: a Markdown pipe table instead, `| a | b |` with a `|---|` row after the header rows),
"align": ["l"|"c"|"r", ...]}. A cell is its text, or "^" (covered by the merged cell above: a vertical merge) or
"<" (covered by the merged cell on its left: a horizontal merge). A block merge is written with "<" right of its
first column and "^" below it. PDF tables are reportlab platypus Tables (GRID when ruled, SPAN for merges, the
CID font STSong-Light); DOCX tables are python-docx tables merged with `cell.merge()`; a TXT table is one line a
row, cells joined by `txt_sep`, a merged cell's text in its first position and the covered ones empty (as a copy
from a spreadsheet gives it).

A table may also say how its numbers hang together, for tests/bench/test_table_corpus.py (the builder ignores it):
"checks" (rate: 执行率 = 执行数 / 预算数; rate_score: 得分 = 分值 × 执行率; score: 得分 ≤ 分值; sums: parts add up
to a total row, plus "adds" counted from elsewhere), each over listed rows and columns ("transposed": on the
transposed grid, for a table whose measures are rows), and "planted": the checks
that must fail because the report deliberately contradicts itself there (for the figures audit).

PDFs are built with reportlab's invariant mode and DOCX archives with fixed dates, so a rebuild gives the same
bytes. The test `tests/bench/test_table_corpus.py` rebuilds every spec and compares the text.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

CORPUS_DIR = Path(__file__).resolve().parent
SPECS_DIR = CORPUS_DIR / "specs"
REPORTS_DIR = CORPUS_DIR / "reports"

UP = "^"  # this position is covered by the merged cell above
LEFT = "<"  # this position is covered by the merged cell on the left
PDF_FONT = "STSong-Light"
FIXED_DATE = dt.datetime(2024, 1, 1, 9, 0, 0)  # DOCX core properties: a rebuild states the same dates


class SpecError(ValueError):
    """A spec is malformed (unknown item, ragged table, a merge marker with nothing to merge into)."""


@dataclass(frozen=True)
class Cell:
    """A table cell at its top-left grid position, with its spans."""

    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1


# --- specs ------------------------------------------------------------------------------------------


def load_spec(path: Path) -> dict:
    """The SPEC dict of one spec file."""
    module_spec = importlib.util.spec_from_file_location(f"_corpus_spec_{path.stem}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, dict):
        raise SpecError(f"{path}: no SPEC dict")
    return spec


def load_specs(names: list[str] | None = None, specs_dir: Path = SPECS_DIR) -> list[dict]:
    """Every spec in specs_dir (or those whose id or file stem is in names), in file-name order."""
    specs = []
    for path in sorted(specs_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = load_spec(path)
        if names and spec["id"] not in names and path.stem not in names:
            continue
        specs.append(spec)
    if names and len(specs) < len(names):
        found = {s["id"] for s in specs}
        raise SpecError(f"no spec for: {', '.join(n for n in names if n not in found)}")
    return specs


def spec_tables(spec: dict) -> list[dict]:
    """The spec's tables in reading order."""
    return [item[1] for item in spec["body"] if item[0] == "table"]


def table_cells(table: dict) -> list[Cell]:
    """The table's cells with spans, read from the merge markers of its rows."""
    rows = table["rows"]
    n_cols = len(rows[0])
    for r, row in enumerate(rows):
        if len(row) != n_cols:
            raise SpecError(f"table row {r} has {len(row)} cells, row 0 has {n_cols}: {row}")
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # covered position -> its anchor
    cells: dict[tuple[int, int], list] = {}
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            if text == LEFT:
                if k == 0:
                    raise SpecError(f"table row {r}: '<' in the first column")
                anchor = owner.get((r, k - 1), (r, k - 1))
            elif text == UP:
                if r == 0:
                    raise SpecError(f"table column {k}: '^' in the first row")
                anchor = owner.get((r - 1, k), (r - 1, k))
            else:
                cells[(r, k)] = [r, k, text, 1, 1]
                continue
            if anchor not in cells:
                raise SpecError(f"table cell ({r}, {k}) merges into ({anchor}), which is not a cell")
            owner[(r, k)] = anchor
            cell = cells[anchor]
            cell[3] = max(cell[3], r - anchor[0] + 1)
            cell[4] = max(cell[4], k - anchor[1] + 1)
    for (r, k), anchor in owner.items():  # a merged region must be a rectangle
        a = cells[anchor]
        if not (a[0] <= r < a[0] + a[3] and a[1] <= k < a[1] + a[4]):
            raise SpecError(f"table cell ({r}, {k}) lies outside its merged cell at {anchor}")
    for a in cells.values():
        for r in range(a[0], a[0] + a[3]):
            for k in range(a[1], a[1] + a[4]):
                if (r, k) != (a[0], a[1]) and owner.get((r, k)) != (a[0], a[1]):
                    raise SpecError(f"merged cell at ({a[0]}, {a[1]}) is not a rectangle (see ({r}, {k}))")
    return [Cell(*c) for c in cells.values()]


def table_grid(table: dict) -> list[list[str]]:
    """The text at every position, a merged cell's text in each position it covers."""
    rows = table["rows"]
    grid = [[""] * len(rows[0]) for _ in rows]
    for c in table_cells(table):
        for r in range(c.row, c.row + c.row_span):
            for k in range(c.col, c.col + c.col_span):
                grid[r][k] = c.text
    return grid


def table_row_texts(table: dict) -> list[str]:
    """Each row as printed, cells joined by a space: a vertically merged cell in every row it spans, a horizontal
    merge once."""
    out = []
    for r, row in enumerate(table_grid(table)):
        texts = [text for k, text in enumerate(row) if table["rows"][r][k] != LEFT and text]
        out.append(" ".join(texts))
    return out


# --- PDF --------------------------------------------------------------------------------------------


def render_pdf(spec: dict, path: Path) -> Path:
    """Write the report as a PDF with reportlab platypus: paragraphs, ruled or unruled tables, page numbers."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    base = dict(fontName=PDF_FONT, wordWrap="CJK")
    styles = {
        "title": ParagraphStyle("title", fontSize=16, leading=26, alignment=TA_CENTER, **base),
        "h1": ParagraphStyle("h1", fontSize=12.5, leading=22, spaceBefore=6, **base),
        "h2": ParagraphStyle("h2", fontSize=11, leading=20, firstLineIndent=22, **base),
        "h3": ParagraphStyle("h3", fontSize=10.5, leading=18, firstLineIndent=21, **base),
        "p": ParagraphStyle("p", fontSize=10.5, leading=18, firstLineIndent=21, alignment=TA_JUSTIFY, **base),
        "caption": ParagraphStyle("caption", fontSize=10.5, leading=18, alignment=TA_CENTER, spaceBefore=4,
                                  spaceAfter=4, **base),
        "right": ParagraphStyle("right", fontSize=10.5, leading=18, alignment=TA_RIGHT, **base),
    }
    cell_align = {"l": TA_LEFT, "c": TA_CENTER, "r": TA_RIGHT}
    cell_styles = {a: ParagraphStyle(f"cell-{a}", fontSize=8.5, leading=11, alignment=v, **base)
                   for a, v in cell_align.items()}

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                            bottomMargin=22 * mm, invariant=1, title="".join(spec["title"]),
                            author=spec.get("author", ""), creator="bench.corpus.build")
    width = A4[0] - 50 * mm
    story: list = [Paragraph(escape(line), styles["title"]) for line in spec["title"]]
    story.append(Spacer(1, 8))
    for item in spec["body"]:
        kind = item[0]
        if kind == "pagebreak":
            story.append(PageBreak())
        elif kind == "table":
            story.append(_pdf_table(item[1], width, cell_styles, colors, Table, TableStyle, Paragraph))
            story.append(Spacer(1, 8))
        elif kind in styles:
            story.append(Paragraph(escape(item[1]), styles[kind]))
        else:
            raise SpecError(f"{spec['id']}: unknown item {kind!r}")

    def page_number(canvas, doc_) -> None:
        canvas.saveState()
        canvas.setFont(PDF_FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {doc_.page} —")
        canvas.restoreState()

    page_numbers = spec.get("page_numbers", True)
    doc.build(story, onFirstPage=page_number if page_numbers else _no_page_furniture,
              onLaterPages=page_number if page_numbers else _no_page_furniture)
    return path


def _no_page_furniture(canvas, doc) -> None:
    """No page number."""


def _pdf_table(table: dict, width: float, cell_styles: dict, colors, Table, TableStyle, Paragraph):
    """A platypus Table with SPANs for merges, GRID when ruled, header rows repeated across pages."""
    rows = table["rows"]
    n_cols = len(rows[0])
    widths = table.get("widths") or [1] * n_cols
    col_widths = [width * w / sum(widths) for w in widths]
    align = table.get("align") or ["c"] * n_cols
    data = [["" for _ in range(n_cols)] for _ in rows]
    commands = [("VALIGN", (0, 0), (-1, -1), table.get("valign", "MIDDLE")),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    header_rows = table.get("header_rows", 1)
    for c in table_cells(table):
        style = cell_styles["c" if c.row < header_rows else align[c.col]]
        data[c.row][c.col] = Paragraph(escape(c.text), style) if c.text else ""
        if c.row_span > 1 or c.col_span > 1:
            commands.append(("SPAN", (c.col, c.row), (c.col + c.col_span - 1, c.row + c.row_span - 1)))
    if table.get("ruled", True):
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    return Table(data, colWidths=col_widths, repeatRows=table.get("repeat_rows", 0), style=TableStyle(commands))


# --- DOCX -------------------------------------------------------------------------------------------


def render_docx(spec: dict, path: Path) -> Path:
    """Write the report as a Word document with python-docx: headings, paragraphs, merged table cells."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    props = document.core_properties
    props.author, props.title = spec.get("author", ""), "".join(spec["title"])
    props.created = props.modified = FIXED_DATE
    props.last_modified_by, props.revision = spec.get("author", ""), 1
    heading_styles = spec.get("docx_headings") == "styles"
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin

    for line in spec["title"]:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold, run.font.size = True, Pt(18)
    for item in spec["body"]:
        kind = item[0]
        if kind == "pagebreak":
            document.add_page_break()
        elif kind == "table":
            _docx_table(document, item[1], width, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, Pt)
        elif kind in ("h1", "h2", "h3"):
            if heading_styles:
                document.add_heading(item[1], level=int(kind[1]))
            else:
                paragraph = document.add_paragraph()
                run = paragraph.add_run(item[1])
                run.bold = kind != "h3"
                if kind == "h1":
                    run.font.size = Pt(14)
        elif kind == "p":
            paragraph = document.add_paragraph(item[1])
            paragraph.paragraph_format.first_line_indent = Cm(0.85)
        elif kind == "caption":
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(item[1]).bold = True
        elif kind == "right":
            paragraph = document.add_paragraph(item[1])
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            raise SpecError(f"{spec['id']}: unknown item {kind!r}")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fixed_zip_times(buffer.getvalue()))
    return path


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every member dated FIXED_DATE, so a rebuild gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _docx_table(document, table: dict, width, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, Pt) -> None:
    """A Word table with the spec's merges made by cell.merge(), merged before any text is written."""
    rows = table["rows"]
    n_cols = len(rows[0])
    out = document.add_table(rows=len(rows), cols=n_cols)
    out.style = document.styles["Table Grid"] if table.get("ruled", True) else out.style
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = table.get("widths") or [1] * n_cols
    for k, column in enumerate(out.columns):
        for cell in column.cells:
            cell.width = int(width * widths[k] / sum(widths))
    align = table.get("align") or ["c"] * n_cols
    cells = table_cells(table)
    for c in cells:
        if c.row_span > 1 or c.col_span > 1:
            out.cell(c.row, c.col).merge(out.cell(c.row + c.row_span - 1, c.col + c.col_span - 1))
    header_rows = table.get("header_rows", 1)
    alignment = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
    for c in cells:
        cell = out.cell(c.row, c.col)
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(c.text)
        run.font.size = Pt(10.5)
        run.bold = c.row < header_rows
        paragraph.alignment = alignment["c" if c.row < header_rows else align[c.col]]


# --- TXT --------------------------------------------------------------------------------------------


def render_txt(spec: dict, path: Path) -> Path:
    """Write the report as plain UTF-8 text: one paragraph a line, blank lines between, tables one row a line."""
    lines: list[str] = list(spec["title"]) + [""]
    for item in spec["body"]:
        kind = item[0]
        if kind == "pagebreak":
            continue
        if kind == "table":
            table = item[1]
            if table.get("txt_style") == "markdown":
                lines.extend(_markdown_rows(table))
                lines.append("")
                continue
            sep = table.get("txt_sep", "\t")
            for row in table["rows"]:
                lines.append(sep.join("" if text in (UP, LEFT) else text for text in row).rstrip())
            lines.append("")
        elif kind in ("h1", "h2", "h3", "p", "caption", "right"):
            lines.extend([item[1], ""])
        else:
            raise SpecError(f"{spec['id']}: unknown item {kind!r}")
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    return path


def _markdown_rows(table: dict) -> list[str]:
    """A table as Markdown pipe rows (as a web page's table copies through a Markdown converter): a covered
    cell empty, the |---| separator row after the header rows (after the first row when there are none)."""
    rows = table["rows"]
    out = []
    for r, row in enumerate(rows):
        out.append("| " + " | ".join("" if text in (UP, LEFT) else text for text in row) + " |")
        if r == max(table.get("header_rows", 1), 1) - 1:
            out.append("|" + "|".join("---" for _ in row) + "|")
    return out


RENDERERS = {"pdf": render_pdf, "docx": render_docx, "txt": render_txt}


def build(spec: dict, out_dir: Path = REPORTS_DIR) -> Path:
    """Write one spec's report file into out_dir; returns its path."""
    fmt = spec["format"]
    if fmt not in RENDERERS:
        raise SpecError(f"{spec['id']}: unknown format {fmt!r}")
    for table in spec_tables(spec):
        table_cells(table)  # a malformed table fails before any file is written
    out_dir.mkdir(parents=True, exist_ok=True)
    return RENDERERS[fmt](spec, out_dir / f"{spec['id']}.{fmt}")


def cli(argv: list[str] | None = None) -> int:
    """Build the named specs (all by default); print one line per file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ids", nargs="*", help="spec ids or file stems (default: all)")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="output folder (default: bench/corpus/reports)")
    args = parser.parse_args(argv)
    try:
        specs = load_specs(args.ids or None)
        for spec in specs:
            path = build(spec, args.out)
            print(f"{path}  ({len(spec_tables(spec))} tables)")
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(cli())
