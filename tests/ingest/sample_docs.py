"""Build small PDF and DOCX reports from text, for tests of loading and ingesting other formats.

make_pdf draws Chinese with reportlab's built-in CID font STSong-Light (no font file needed); pypdf
extracts it back character for character. What a PDF cannot carry: blank lines (they only move the pen),
so the extracted text has the non-empty lines of the source, one per line, pages joined by
ingest.load.PAGE_SEPARATOR.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

PDF_FONT = "STSong-Light"
PDF_FONT_SIZE = 10.5
PDF_LEADING = 16.0
PDF_MARGIN = 56.0


def make_pdf(text: str, path: Path) -> Path:
    """Write text to a text-layer PDF, one drawn line per line; "\\f" starts a new page, as does a full page."""
    _register_cjk_font()
    width, height = A4
    canvas = Canvas(str(path), pagesize=A4, pageCompression=1)
    canvas.setTitle(path.stem)
    max_width = width - 2 * PDF_MARGIN
    for page_number, page_text in enumerate(text.split("\f")):
        if page_number:
            canvas.showPage()
        canvas.setFont(PDF_FONT, PDF_FONT_SIZE)
        y = height - PDF_MARGIN
        for source_line in page_text.split("\n"):
            for line in _wrap(source_line, max_width):
                if y < PDF_MARGIN:
                    canvas.showPage()
                    canvas.setFont(PDF_FONT, PDF_FONT_SIZE)
                    y = height - PDF_MARGIN
                if line.strip():
                    canvas.drawString(PDF_MARGIN, y, line)
                y -= PDF_LEADING
    canvas.save()
    return path


def make_image_only_pdf(path: Path, pages: int = 1) -> Path:
    """Write a PDF whose pages hold only drawn shapes, like a scan without OCR: no text layer."""
    width, height = A4
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(pages):
        if page:
            canvas.showPage()
        canvas.setFillGray(0.85)
        canvas.rect(PDF_MARGIN, PDF_MARGIN, width - 2 * PDF_MARGIN, height - 2 * PDF_MARGIN, fill=1, stroke=1)
        canvas.setFillGray(0.2)
        for row in range(20):  # grey bars where the scanned lines of text would be
            y = height - 2 * PDF_MARGIN - row * 30
            canvas.rect(PDF_MARGIN + 20, y, width - 2 * PDF_MARGIN - 40 - (row % 3) * 60, 8, fill=1, stroke=0)
    canvas.save()
    return path


def make_docx(text: str, path: Path, table_rows: list[list[str]] | None = None,
              table_after_paragraph: int | None = None) -> Path:
    """Write one paragraph per non-empty line; the table, if any, follows the first N paragraphs (default: all)."""
    document = Document()
    paragraphs = [document.add_paragraph(line) for line in text.split("\n") if line.strip()]
    if table_rows:
        columns = max(len(row) for row in table_rows)
        table = document.add_table(rows=len(table_rows), cols=columns)
        for row, values in zip(table.rows, table_rows):
            for cell, value in zip(row.cells, values):
                cell.text = value
        position = len(paragraphs) if table_after_paragraph is None else table_after_paragraph
        if not 0 <= position <= len(paragraphs):
            raise ValueError(f"table_after_paragraph={position} is outside 0..{len(paragraphs)}")
        if position == 0 and paragraphs:
            paragraphs[0]._p.addprevious(table._tbl)
        elif position < len(paragraphs):
            paragraphs[position - 1]._p.addnext(table._tbl)
    document.save(str(path))
    return path


def _register_cjk_font() -> None:
    """Register the CID font once per process (reportlab keeps a global registry)."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def _wrap(line: str, max_width: float) -> list[str]:
    """Split a line that is wider than the page into pieces that fit, character by character."""
    if pdfmetrics.stringWidth(line, PDF_FONT, PDF_FONT_SIZE) <= max_width:
        return [line]
    pieces: list[str] = []
    current, current_width = "", 0.0
    for ch in line:
        ch_width = pdfmetrics.stringWidth(ch, PDF_FONT, PDF_FONT_SIZE)
        if current and current_width + ch_width > max_width:
            pieces.append(current)
            current, current_width = "", 0.0
        current += ch
        current_width += ch_width
    pieces.append(current)
    return pieces
