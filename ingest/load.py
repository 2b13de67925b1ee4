"""Read a report file (.txt, .pdf, .docx) into raw text: the only place that opens report files.

No cleaning happens here (see ingest/clean.py); the text keeps the line structure the source gives:
- .txt: the file's own lines (any encoding we can detect: UTF-8 with or without BOM, UTF-16/32 with BOM,
  GBK / GB18030 without being told).
- .pdf: the text layer page by page, one text line per line; pages are joined with PAGE_SEPARATOR
  ("\\n\\f\\n": a form feed alone on its own line, pdftotext's page marker, which a blank-line-aware
  cleaner also sees as a blank line). Tables are read with pdfplumber: ruled tables from their cell borders (a
  merged cell once, with its spans), tables without ruling lines from the column alignment of their words; a table
  continued on the next page (its header repeated or not) is one table. Every character is either in a table or in
  the text around it, never in both. Pages without a table keep pypdf's text.
- .docx: one line per body paragraph, each top-level table as a table block read on its grid (horizontal
  gridSpan/hMerge, vertical vMerge, gridBefore/gridAfter), a table nested in a cell kept as that cell's text;
  headers, footers, footnotes, comments and text boxes are not read.
- .txt: tab-separated rows, "|"/"｜"-separated rows and Markdown pipe tables become table blocks
  (ingest/tables.py).

`LoadedReport.blocks` is the report in reading order, every table analysed by ingest/tables.py (header rows,
label columns, column roles, caption). A table that cannot be read as one stays text, with a line in
`LoadedReport.warnings`.

The only normalisation is of line endings ("\\r\\n" and lone "\\r" become "\\n", as Python's text mode
does) and dropping a byte-order mark. Every failure is a ReportLoadError subclass whose message is one
line naming the file.
"""
from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber
from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError
from lxml.etree import _Element as LxmlElement
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from ingest.document import TABLE, Block, Table as ReportTable, TableCell, table_block, text_block
from ingest.tables import (VALUE, VALUE_ROLES, analyze_table, column_role, field_tables, is_figure_cell,
                           parse_text_tables, structure_tables)

SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx")
MAX_REPORT_BYTES = 50 * 1024 * 1024
PAGE_SEPARATOR = "\n\f\n"
TABLE_CELL_SEPARATOR = " | "

# A report is prose: at least this share of its non-space characters are letters (CJK ideographs count).
MIN_LETTER_SHARE = 0.2
# Bytes that decode as GBK/GB18030 are accepted only if their non-ASCII part reads like Chinese. Measured:
# the bundled report and a traditional-Chinese text in GBK score 1.0 / 1.0 and 1.0 / 0.62 on the two
# shares below; Big5 read as GB18030 0.54 / 0.48, EUC-JP read as GBK 0.36 / 1.0, Shift-JIS 1.0 / 0.0.
MIN_GB_PLAUSIBLE_SHARE = 0.8  # non-ASCII characters outside _FOREIGN_RANGES
MIN_GB2312_HANZI_SHARE = 0.3  # hanzi that are in GB2312 (common simplified characters)
_GB_SAMPLE_CHARS = 50_000
_FOREIGN_RANGES: tuple[tuple[int, int], ...] = (
    (0x0100, 0x02FF),  # Latin extended (GB2312's pinyin row)
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF),  # Hangul
    (0x2500, 0x257F),  # box drawing
    (0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF61, 0xFF9F),  # kana, half-width kana
    (0x3100, 0x312F), (0x31A0, 0x31BF),  # bopomofo
    (0xE000, 0xF8FF),  # private use: where GBK's user-defined areas land
)

_ALLOWED_CONTROLS = frozenset("\n\r\t\f")
_NEWLINES = re.compile(r"\r\n?")
_LINE_BREAKS = re.compile(r"[\r\n\f\v\x1c-\x1e\x85\u2028\u2029]+")

# Leading bytes of formats people rename by mistake; used to say what a file really is.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (.docx/.xlsx?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls?)"),
    (b"{\\rtf", "an RTF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE BOM starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


class ReportLoadError(Exception):
    """A report file could not be read; the message is one line naming the file."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(_one_line(f"{path}: {problem}"))

    def __reduce__(self) -> tuple[type[ReportLoadError], tuple[Path, str]]:
        return type(self), (self.path, self.problem)  # picklable despite the two-argument constructor


class ReportFileNotFound(ReportLoadError):
    """The path does not exist."""


class NotAFile(ReportLoadError):
    """The path exists but is a directory (or another non-regular file)."""


class UnsupportedFormat(ReportLoadError):
    """The file's extension is not one of SUPPORTED_SUFFIXES."""


class ReportTooLarge(ReportLoadError):
    """The file is bigger than the size limit."""


class EmptyReport(ReportLoadError):
    """The file is empty or holds only whitespace."""


class NotAReport(ReportLoadError):
    """The content is binary, or text with almost no letters: not a report."""


class UndecodableText(ReportLoadError):
    """A .txt file is neither UTF-8 (or UTF-16/32 with BOM) nor GBK/GB18030 text."""


class CorruptFile(ReportLoadError):
    """A .pdf or .docx file cannot be parsed."""


class EncryptedFile(ReportLoadError):
    """A PDF is password-protected."""


class NoTextLayer(ReportLoadError):
    """A PDF has no extractable text (a scan)."""


@dataclass(frozen=True)
class LoadedReport:
    """The raw text of one report file, before any cleaning."""

    path: Path
    text: str
    format: str  # "txt" | "pdf" | "docx"
    encoding: str | None  # the detected text encoding for .txt, None for .pdf/.docx
    blocks: tuple[Block, ...] = ()  # the report in reading order: text runs and tables

    def __post_init__(self) -> None:
        if not self.blocks:
            object.__setattr__(self, "blocks", (text_block(self.text),))

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the reader could not do as asked (a table kept as text ...), one line each."""
        return tuple(w for b in self.blocks for w in b.warnings)

    @property
    def tables(self) -> tuple[ReportTable, ...]:
        """The tables read, in reading order."""
        return tuple(b.table for b in self.blocks if b.kind == TABLE and b.table is not None)


def load_report(path: str | Path, *, max_bytes: int = MAX_REPORT_BYTES) -> LoadedReport:
    """Read a .txt, .pdf or .docx report into raw text, or raise a ReportLoadError subclass."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise ReportFileNotFound(path, "file not found")
    if path.is_dir():
        raise NotAFile(path, "is a directory, not a report file")
    if not path.is_file():
        raise NotAFile(path, "is not a regular file")
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(path, _unsupported_problem(suffix))
    size = path.stat().st_size
    if size > max_bytes:
        raise ReportTooLarge(path, f"file is {_mb(size)}, larger than the {_mb(max_bytes)} limit")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportLoadError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise EmptyReport(path, "file is empty" if not data else "file holds only whitespace")

    encoding: str | None = None
    blocks: list[Block] = []
    if suffix == ".txt":
        text, encoding = _decode_txt(path, data)
        blocks = parse_text_tables(_NEWLINES.sub("\n", text))
    elif suffix == ".pdf":
        blocks = _pdf_blocks(path, data)
    else:
        blocks = _docx_blocks(path, data, max_bytes)
    if suffix != ".txt":
        text = "\n".join(b.text if b.table is None else _table_text(b.table) for b in blocks)
    text = _NEWLINES.sub("\n", text)
    if not text.strip():
        raise EmptyReport(path, "file holds only whitespace")
    _check_prose(path, text, _words_of(blocks))
    blocks = [Block(b.kind, _NEWLINES.sub("\n", b.text), b.table, b.page, b.warnings) for b in blocks] or [
        text_block(text)]
    return LoadedReport(path=path, text=text, format=suffix[1:], encoding=encoding,
                        blocks=tuple(structure_tables(blocks)))


# --- .txt -----------------------------------------------------------------------------------------


def _decode_txt(path: Path, data: bytes) -> tuple[str, str]:
    """Decode text bytes, detecting the encoding; binary content is NotAReport."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UndecodableText(path, f"cannot decode as {encoding} despite its byte-order mark "
                                            f"(bad bytes at offset {exc.start})") from exc
    kind = _sniff(data)
    if kind:
        raise NotAReport(path, f"is not a text file: it looks like {kind}")
    if b"\x00" in data:
        raise NotAReport(path, "is not a text file: binary content (NUL bytes)")

    text = _strict_utf8(data)
    if text is not None:
        return text, "utf-8"
    if _has_binary_bytes(data):
        raise NotAReport(path, "is not a text file: binary content (control bytes)")
    for encoding in ("gbk", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _reads_as_chinese(text):
            return text, encoding
        break  # gb18030 decodes the same two-byte text as gbk: no second opinion there
    raise UndecodableText(path, "cannot decode the text (not UTF-8 or GBK text)")


def _strict_utf8(data: bytes) -> str | None:
    """Decode strict UTF-8, tolerating only a multi-byte character cut off at the very end."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data) and len(data) - exc.start < 4:
            return data[: exc.start].decode("utf-8", errors="strict")
        return None


def _has_binary_bytes(data: bytes) -> bool:
    """True if the bytes hold ASCII control codes that never occur in text files."""
    return any(b < 0x20 and chr(b) not in _ALLOWED_CONTROLS for b in data)


def _reads_as_chinese(text: str) -> bool:
    """True if text decoded from GBK/GB18030 bytes looks like real Chinese, not misread bytes."""
    if _control_chars(text):
        return False
    non_ascii = [ch for ch in text if ord(ch) > 0x7F and not ch.isspace()][:_GB_SAMPLE_CHARS]
    if not non_ascii:
        return True
    foreign = sum(1 for ch in non_ascii if _is_foreign_to_chinese(ch))
    if 1 - foreign / len(non_ascii) < MIN_GB_PLAUSIBLE_SHARE:
        return False
    hanzi = [ch for ch in non_ascii if _is_hanzi(ch)]
    if not hanzi:
        return True
    common = sum(1 for ch in hanzi if _in_gb2312(ch))
    return common / len(hanzi) >= MIN_GB2312_HANZI_SHARE


def _is_foreign_to_chinese(ch: str) -> bool:
    """True for characters that misread Big5/EUC-JP/Shift-JIS bytes produce but Chinese reports do not use."""
    code = ord(ch)
    return any(low <= code <= high for low, high in _FOREIGN_RANGES)


def _is_hanzi(ch: str) -> bool:
    """True for a CJK unified or compatibility ideograph."""
    code = ord(ch)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF


def _in_gb2312(ch: str) -> bool:
    """True if the character is in GB2312 (the ~6,800 common simplified hanzi and symbols)."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


# --- .pdf -----------------------------------------------------------------------------------------

# pypdf raises assorted errors on malformed files besides its own; all mean "cannot parse this PDF".
_PDF_PARSE_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError, RecursionError,
    struct.error, zlib.error, OSError,
)


def _pdf_pages(path: Path, data: bytes) -> list[str]:
    """The text layer of each page (pypdf), or the load error that says why there is none."""
    if b"%PDF-" not in data[:1024]:  # the header may follow a little junk, never much
        kind = _sniff(data)
        raise CorruptFile(path, f"is not a PDF file{f': it looks like {kind}' if kind else ''}")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFile(path, "PDF is password-protected; remove the password first")
        pages = [(page.extract_text() or "").rstrip("\n") for page in reader.pages]
    except ReportLoadError:
        raise
    except DependencyError as exc:
        raise EncryptedFile(path, f"PDF is encrypted and cannot be decrypted here ({exc})") from exc
    except FileNotDecryptedError as exc:
        raise EncryptedFile(path, "PDF is password-protected; remove the password first") from exc
    except (PyPdfError, *_PDF_PARSE_ERRORS) as exc:
        raise CorruptFile(path, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise CorruptFile(path, "PDF has no pages")
    if not any(ch.isalpha() for page in pages for ch in page):  # a scan may still carry page numbers
        raise NoTextLayer(path, f"PDF has no text layer ({len(pages)} page(s), scanned PDF?); OCR it first")
    return pages


def _pdf_blocks(path: Path, data: bytes) -> list[Block]:
    """The PDF in reading order: text runs and tables (pdfplumber); pages without a table keep pypdf's text.

    If pdfplumber cannot read the file, the pypdf text stands alone, with a warning that tables were not read.
    """
    pages = _pdf_pages(path, data)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            items = [_page_items(page, number, pages[number] if number < len(pages) else "")
                     for number, page in enumerate(pdf.pages)]
    except (PdfminerException, PSException, *_PDF_PARSE_ERRORS) as exc:
        warning = f"tables not read ({type(exc).__name__}: {_one_line(str(exc))[:120]}); the PDF's text is kept"
        return [replace(text_block(PAGE_SEPARATOR.join(pages)), warnings=(warning,))]
    return _join_pages(items)


@dataclass
class _PageTable:
    """A table found on one page, with what continuing it on the next page needs: its column borders."""

    table: ReportTable
    top: float
    bottom: float
    columns: tuple[float, ...]  # x of each column border, left to right
    ruled: bool
    last_page: int = 0  # the page it ends on (1-based), once continued
    header_only: bool = False  # a header line at a page's foot, kept as a table only if rows follow on the next page


_PageItem = str | _PageTable  # a page is prose runs and tables in reading order


def _page_items(page, number: int, pypdf_text: str) -> list[_PageItem]:
    """One page as prose runs and tables, top to bottom; a character belongs to exactly one of them."""
    chars = page.chars
    tables: list[tuple[_PageTable, set[int]]] = []
    used: set[int] = set()
    for found in page.find_tables():
        read = _ruled_table(found, chars, used, number)
        if read is not None:
            tables.append(read)
            used |= read[1]
    for read in _aligned_tables([c for c in chars if id(c) not in used], number):
        tables.append(read)
        used |= read[1]
    if not tables:
        return [pypdf_text]
    tables.sort(key=lambda t: t[0].top)
    bands: list[list[dict]] = [[] for _ in range(len(tables) + 1)]
    for c in chars:
        if id(c) in used:
            continue
        middle = (c["top"] + c["bottom"]) / 2
        bands[sum(1 for t, _ in tables if t.top <= middle)].append(c)
    items: list[_PageItem] = []
    for band, table in zip(bands, [t for t, _ in tables] + [None]):
        items.append(_chars_text(band))
        if table is not None:
            items.append(table)
    return items


def _chars_text(chars: list[dict]) -> str:
    """The text of some of a page's characters, one text line per line (as pypdf gives a page)."""
    return pdfplumber.utils.extract_text(chars).strip("\n") if chars else ""


def _clusters(values: list[float], tolerance: float = 1.5) -> list[float]:
    """Coordinates within `tolerance` of each other as one (the first of the run)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(clusters: list[float], value: float) -> int:
    return min(range(len(clusters)), key=lambda i: abs(clusters[i] - value))


MIN_TABLE_CELLS_WITH_TEXT = 3


def _ruled_table(found, chars: list[dict], used: set[int], page: int) -> tuple[_PageTable, set[int]] | None:
    """A ruled table from pdfplumber's cell borders: each cell on the grid of all borders, with its spans."""
    boxes = [tuple(b) for b in found.cells]
    xs = _clusters([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _clusters([b[1] for b in boxes] + [b[3] for b in boxes])
    if len(xs) < 3 or len(ys) < 3:
        return None  # one row or one column: a box around text, not a table
    x0, top, x1, bottom = found.bbox
    inside = [c for c in chars if id(c) not in used and x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1
              and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1]
    taken: dict[int, list[dict]] = {}
    for c in inside:
        mx, my = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
            if bx0 <= mx < bx1 and btop <= my < bbottom:
                taken.setdefault(i, []).append(c)
                break
    cells: list[TableCell] = []
    seen: set[tuple[int, int]] = set()
    for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
        col, row = _index(xs, bx0), _index(ys, btop)
        if (row, col) in seen:
            continue
        seen.add((row, col))
        col_span = max(1, _index(xs, bx1) - col)
        row_span = max(1, _index(ys, bbottom) - row)
        cells.append(TableCell(row, col, _chars_text(taken.get(i, [])), row_span, col_span))
    if sum(1 for c in cells if c.text.strip()) < MIN_TABLE_CELLS_WITH_TEXT:
        return None
    table = ReportTable(tuple(cells), len(ys) - 1, len(xs) - 1, source="pdf", page=page + 1)
    ids = {id(c) for group in taken.values() for c in group}
    return _PageTable(table, top, bottom, tuple(xs), ruled=True), ids


# An unruled table: lines whose words stand in columns, separated by gaps wider than a character.
MIN_ALIGNED_ROWS = 3
MIN_ALIGNED_COLUMNS = 3
MAX_SKIPPED_LINES = 3
MAX_WRAPPED_LINES = 8  # lines between two rows, however closely they follow each other
COLUMN_GAP = 1.0  # a gap of at least this many character heights between two words separates two cells
LINE_PITCH = 2.6  # rows of one table are at most this many character heights apart
WRAPPED_PITCH = 1.4  # the lines of one wrapped cell are at most this many character heights apart


def _aligned_tables(chars: list[dict], page: int) -> list[tuple[_PageTable, set[int]]]:
    """Tables without ruling lines: runs of lines whose words fall into the same three or more columns.

    A run starts at a line of two or more cells; header lines (no figure) may come first, then every row states a
    figure. Up to MAX_SKIPPED_LINES lines inside a run (or right after it) that are not such rows — a cell's text
    wrapped onto lines above and below its row ("教师信息化应" / "用培训人次"), a label centred beside its rows —
    join the cells they stand in (the nearest row's, in the column they align with); a line that does not fit the
    columns stays text, read after the table. A line that is one run of words and looks like a caption, or a wider
    gap, ends the run.
    """
    if not chars:
        return []
    words = pdfplumber.utils.extract_words(chars, return_chars=True)
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    rows = [_segments(sorted(line, key=lambda w: w["x0"])) for line in lines]
    found: list[tuple[_PageTable, set[int]]] = []
    taken: set[int] = set()

    def seen_above(i: int) -> bool:  # the line above is part of a table found already
        return i - 1 in taken
    i = 0
    while i < len(rows):
        if len(rows[i]) < 2:
            i += 1
            continue
        members, skipped, between = [i], [], []
        seen_figure = _states_figure(rows[i])
        j = i + 1
        while j < len(rows) and _pitch(rows[j - 1], rows[j]) <= LINE_PITCH:
            figure = _states_figure(rows[j])
            # the lines of one wrapped cell (a reason of four lines) follow each other closely: they count as one
            loose = sum(1 for n, x in enumerate(skipped) if n == 0 or _pitch(rows[skipped[n - 1]], rows[x]) > WRAPPED_PITCH)
            if len(rows[j]) >= 2 and (figure or not seen_figure):
                members.append(j)
                seen_figure = seen_figure or figure
                between += skipped
                skipped = []
            elif (loose < MAX_SKIPPED_LINES and len(skipped) < MAX_WRAPPED_LINES
                  and not _OTHER_CAPTION.match(" ".join(s["text"] for s in rows[j]))):
                skipped.append(j)
            else:
                break
            j += 1
        trailing = []  # the last row's cells wrapped below its line (one line per cell wrapped: 满意度指 / 标)
        for t in skipped[:MAX_TRAILING_LINES]:
            if not _wraps_last_row(rows, members, between, t):
                break
            trailing.append(t)
        above = [rows[i - 1]] if i and not seen_above(i) and _pitch(rows[i - 1], rows[i]) <= LINE_PITCH else []
        if len(members) >= MIN_ALIGNED_ROWS:
            run = [*members, *between, *trailing]
            rivers = _rivers([rows[m] for m in run])
            for m in run:
                rows[m] = _split_at_rivers(rows[m], rivers)
        table = (_aligned_table([rows[m] for m in members], page, [rows[m] for m in between + trailing], above)
                 if len(members) >= MIN_ALIGNED_ROWS else None)
        if table is not None:
            found.append(table)
            taken.update(range(i, members[-1] + 1))
        i = members[-1] + 1 if table is not None else i + 1
    last = len(rows) - 1
    if last >= 0 and last not in taken:
        header = _foot_header(rows[last], page)
        if header is not None:
            found.append(header)
    return found


MAX_HEADER_NAME_CHARS = 12


def _foot_header(line: list[dict], page: int) -> tuple[_PageTable, set[int]] | None:
    """The page's last line when it is a table's header row whose rows start the next page (一级指标 二级指标 …
    得分): short names, three or more, apart like columns, no figure. Kept aside as a header-only table; `_join_pages`
    puts it over the rows it heads, or gives it back to the text."""
    line = _split_at_rivers(line, _rivers([line]))  # header names close together: "分值 得分 原因分析" are three
    if len(line) < MIN_CARRIED_HEADERS or _states_figure(line):
        return None
    if any(len(s["text"]) > MAX_HEADER_NAME_CHARS or _NOT_A_HEADER.search(s["text"]) for s in line):
        return None
    cells = tuple(TableCell(0, k, s["text"]) for k, s in enumerate(line))
    table = ReportTable(cells, 1, len(line), source="pdf-aligned", page=page + 1)
    borders = tuple([s["x0"] for s in line] + [line[-1]["x1"]])
    ids = {id(c) for s in line for c in s["chars"]}
    top, bottom = min(s["top"] for s in line), max(s["bottom"] for s in line)
    return _PageTable(table, top, bottom, borders, ruled=False, header_only=True), ids


MIN_RIVER_GAP = 0.3  # character heights: a narrower gap between two characters is inside a word
MAX_RIVER_CROSSINGS = 0.15  # share of a run's lines whose text may cross a column's border (cells spanning it)


def _rivers(lines: list[list[dict]]) -> list[tuple[float, float]]:
    """The column borders of a run of table lines: gaps between two characters of a line that (nearly) no other line
    of the run writes across. Cells filled to their column's edge come closer than a column gap (a 9-point font,
    6 points between "可持续影响指" and "中医专科诊疗方案制"); the other lines' gaps there say it is a border."""
    gaps: list[tuple[float, float]] = []
    for line in lines:
        chars = sorted((c for s in line for c in s["chars"]), key=lambda c: c["x0"])
        for a, b in zip(chars, chars[1:]):
            height = (a["bottom"] - a["top"]) or 10.0
            if b["x0"] - a["x1"] >= MIN_RIVER_GAP * height and (a["x1"], b["x0"]) not in gaps:
                gaps.append((a["x1"], b["x0"]))
    spans = [[(c["x0"], c["x1"]) for s in line for c in s["chars"]] for line in lines]
    rivers = []
    for a, b in gaps:
        middle = (a + b) / 2
        crossing = sum(1 for line in spans if any(x0 < middle < x1 for x0, x1 in line))
        if crossing <= MAX_RIVER_CROSSINGS * len(lines):
            rivers.append((a, b))
    return rivers


def _split_at_rivers(line: list[dict], rivers: list[tuple[float, float]]) -> list[dict]:
    """A line's segments cut where a column border (`_rivers`) runs between two of a segment's characters."""
    out: list[dict] = []
    for s in line:
        chars = sorted(s["chars"], key=lambda c: c["x0"])
        pieces: list[list[dict]] = [[chars[0]]] if chars else []
        for a, b in zip(chars, chars[1:]):
            if any(a["x1"] <= (x0 + x1) / 2 <= b["x0"] for x0, x1 in rivers) and b["x0"] > a["x1"]:
                pieces.append([b])
            else:
                pieces[-1].append(b)
        if len(pieces) <= 1:
            out.append(s)
            continue
        for piece in pieces:
            text = "".join(c["text"] for c in piece).strip()
            if not text:
                continue
            out.append({"text": text, "x0": piece[0]["x0"], "x1": max(c["x1"] for c in piece),
                        "top": min(c["top"] for c in piece), "bottom": max(c["bottom"] for c in piece),
                        "chars": piece})
    return out


MAX_TRAILING_LINES = 2


def _wraps_last_row(rows: list[list[dict]], members: list[int], between: list[int], line: int) -> bool:
    """Whether a line right under a run's last row is that row's wrapped cell text, not the prose after the table:
    the cell is centred on its row (a wrapped line of it stands just above the row too), or the line follows the row
    as closely as the lines of one cell do and continues a cell the row fills."""
    last = members[-1]
    above = [b for b in between if members[-2] < b < last] if len(members) > 1 else []
    starts = {round(s["x0"]) for s in rows[line]}
    if any(starts <= {round(s["x0"]) for s in rows[b]} for b in above):
        return True
    filled = {round(s["x0"]) for s in rows[last]}
    return _pitch(rows[last], rows[line]) <= WRAPPED_PITCH and starts <= filled


def _states_figure(row: list[dict]) -> bool:
    return any(is_figure_cell(s["text"]) for s in row)


def _segments(line: list[dict]) -> list[dict]:
    """A line's words joined into cells: words closer than a column gap are one cell."""
    segments: list[dict] = []
    for w in line:
        height = w["bottom"] - w["top"] or 10.0
        if segments and w["x0"] - segments[-1]["x1"] < COLUMN_GAP * height:
            s = segments[-1]
            s["text"] += ("" if _CJK_END.search(s["text"]) or _CJK_START.match(w["text"]) else " ") + w["text"]
            s["x1"], s["bottom"] = w["x1"], max(s["bottom"], w["bottom"])
            s["chars"] = s["chars"] + w["chars"]
        else:
            segments.append({"text": w["text"], "x0": w["x0"], "x1": w["x1"], "top": w["top"], "bottom": w["bottom"],
                             "chars": list(w["chars"])})
    return segments


_CJK_END = re.compile(r"[\u3400-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def _pitch(upper: list[dict], lower: list[dict]) -> float:
    height = max(s["bottom"] - s["top"] for s in upper) or 10.0
    return (lower[0]["top"] - upper[0]["top"]) / height


WRAPPED_OVERLAP = 0.8  # share of a wrapped line's segment that must lie inside one column


def _aligned_table(rows: list[list[dict]], page: int, wrapped: list[list[dict]] = (),
                   above: list[list[dict]] = ()) -> tuple[_PageTable, set[int]] | None:
    """The table of aligned rows; each line of `wrapped` whose segments each fall inside one column joins the cells
    of the nearest row (its text above or below the row's, by position), else it is left to the text. A line just
    `above` the first row that holds only short names over the value columns (指标值 centred over 年度指标值 and
    实际完成值) is a spanning header row of its own, each name spanning the columns it stands over."""
    rows = _one_header_row(rows)
    # the columns are where the cells of the fuller rows stand: a short row's label written across two label columns
    # (总分 under 二级指标 and 三级指标) would join them
    widest = max(len(row) for row in rows)
    spans = sorted((s["x0"], s["x1"]) for row in rows if len(row) >= FULL_ROW_SHARE * widest for s in row)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1] + 1:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    if len(columns) < MIN_ALIGNED_COLUMNS or sum(1 for row in rows if len(row) >= MIN_ALIGNED_COLUMNS) < 2:
        return None
    # a column whose every cell wraps around its row's line (a reason of two lines, above and below it) is where the
    # wrapped lines stand clear of every other column
    for x0, x1 in sorted((s["x0"], s["x1"]) for line in wrapped for s in line):
        if not any(min(c1, x1) - max(c0, x0) > 0 for c0, c1 in columns) and x0 > columns[-1][1]:
            columns.append([x0, x1])
        elif x0 > columns[-1][0] and x0 <= columns[-1][1] + 1 and columns[-1][0] > columns[-2][1] \
                and not any(s["x0"] >= columns[-1][0] for row in rows for s in row):
            columns[-1][1] = max(columns[-1][1], x1)  # the next line of the same added column
    pieces: list[list[list[tuple[float, str]]]] = [[[] for _ in columns] for _ in rows]  # (top, text) per cell
    for r, row in enumerate(rows):
        placed = [_column_at(s, columns) for s in row]
        for n, s in enumerate(row):
            k = placed[n]
            if pieces[r][k] and n and placed[n - 1] == k and k + 1 < len(columns) and not pieces[r][k + 1] \
                    and k + 1 not in placed[n + 1:]:
                k = placed[n] = k + 1  # two cells apart in a row falling in one column (主管部门 ｜ its value, left
                # of the columns the fuller rows set): the second stands in the next column, which it leaves empty
            if pieces[r][k]:
                pieces[r][k][-1] = (pieces[r][k][-1][0], f"{pieces[r][k][-1][1]} {s['text']}")
            else:
                pieces[r][k].append((s["top"], s["text"]))
    centres = [sum((s["top"] + s["bottom"]) / 2 for s in row) / len(row) for row in rows]
    first_data = next((r for r, row in enumerate(rows) if _states_figure(row)), len(rows))
    figure_cols = [k for k in range(len(columns)) for r in range(first_data, len(rows))
                   if pieces[r][k] and is_figure_cell(pieces[r][k][0][1])]
    group_cols = set(range(max(0, min(figure_cols, default=0) - 1)))  # left of the leaf label column
    joined: list[list[dict]] = []
    off_line: dict[int, list[tuple[float, float, str]]] = {}  # group column -> (top, centre, text) between rows
    fitted = [(line, [_column_of(s, columns) for s in line]) for line in sorted(wrapped, key=lambda line: line[0]["top"])]
    fitted = [(line, placed) for line, placed in fitted if all(k is not None for k in placed)]  # else: text
    owner = _cells_of_lines(rows, fitted, columns, centres)
    for line, placed in fitted:
        for s, k in zip(line, placed):
            r = owner[id(s)]
            if k in group_cols and r >= first_data:
                off_line.setdefault(k, []).append((s["top"], (s["top"] + s["bottom"]) / 2, s["text"], r))
            else:
                pieces[r][k].append((s["top"], s["text"]))
        joined.append(line)
    spans: dict[tuple[int, int], int] = {}
    # a group column whose first row has no label prints its labels centred beside their groups (a top-aligned one
    # always labels its first row): its labels are fitted to groups of rows; elsewhere a line joins its nearest row
    centred = [k for k in sorted(group_cols) if first_data < len(rows) and not pieces[first_data][k]
               and (off_line.get(k) or any(pieces[r][k] for r in range(first_data, len(rows))))]
    if any(off_line.get(k) for k in centred):
        # each row's extent, its wrapped lines included: a group label is centred on its rows' extent, which a row
        # of four wrapped lines stretches (the rows' line centres alone would pull the label's group down)
        line_height = sorted(s["bottom"] - s["top"] for row in rows for s in row)[len([s for row in rows for s in row]) // 2]
        extents = []
        for r, row in enumerate(rows):
            tops = [top for c in range(len(columns)) if c not in group_cols for top, _ in pieces[r][c]]
            tops += [s["top"] for s in row]
            extents.append((min(tops), max(tops) + line_height))
        for k in centred:
            _centred_groups(pieces, centres, k, first_data, [x[:3] for x in off_line.pop(k, [])], spans, extents,
                            line_height)
    for k, lines in off_line.items():
        for top, _, text, r in lines:
            pieces[r][k].append((top, text))
    heading = _spanning_header(above[0], columns, pieces[0]) if above and first_data > 0 else None
    for k, top, text in heading or ():
        pieces[0][k].append((top, text))  # 指标值 over 年度指标值｜实际完成值: in the first header row, spanned later
    texts = [["\n".join(t for _, t in sorted(cell)) for cell in row] for row in pieces]
    if not any(any(ch.isdigit() for ch in t) for row in texts for t in row[1:]):
        return None  # columns of words only: more likely a layout than a table of figures
    covered = {(r + n, k) for (r, k), span in spans.items() for n in range(1, span)}
    cells = tuple(TableCell(r, k, t, spans.get((r, k), 1)) for r, row in enumerate(texts)
                  for k, t in enumerate(row) if (r, k) not in covered)
    table = ReportTable(cells, len(texts), len(columns), source="pdf-aligned", page=page + 1)
    ids = {id(c) for row in [*rows, *joined, *(above if heading else ())] for s in row for c in s["chars"]}
    top = min(s["top"] for s in (above[0] if heading else rows[0]))
    bottom = max(s["bottom"] for s in rows[-1])
    borders = tuple([c[0] for c in columns] + [columns[-1][1]])
    return _PageTable(table, top, bottom, borders, ruled=False), ids


FULL_ROW_SHARE = 0.6  # rows with at least this share of the fullest row's cells set the columns


def _column_at(segment: dict, columns: list[list[float]]) -> int:
    """The column a row's segment starts in; between two columns, the one it overlaps most, else the nearest."""
    for i, (c0, c1) in enumerate(columns):
        if c0 <= segment["x0"] <= c1:
            return i
    overlaps = [min(c1, segment["x1"]) - max(c0, segment["x0"]) for c0, c1 in columns]
    best = max(range(len(columns)), key=lambda i: overlaps[i])
    if overlaps[best] > 0:
        return best
    return min(range(len(columns)), key=lambda i: min(abs(columns[i][0] - segment["x0"]), abs(columns[i][1] - segment["x0"])))


def _cells_of_lines(rows: list[list[dict]], fitted: list[tuple[list[dict], list[int]]], columns: list[list[float]],
                    centres: list[float]) -> dict[int, int]:
    """The row each wrapped line's segment belongs to (by id). In each column the lines of one cell follow each other
    at a line's pitch: such a run of lines is one cell, and the row whose own line stands in it owns it — the run's
    first line when the table puts its cells at the top of their rows, its middle when it centres them, its last
    when it puts them at the bottom. Where two rows' lines stand in one run (cells closer than the pitch), it is cut
    at the widest gap between them; a run holding no row's line (a two-line cell centred on the row's line) goes to
    the row whose centre is nearest its middle."""
    owner: dict[int, int] = {}
    items: dict[int, list[tuple[float, float, int | None, dict | None]]] = {}
    for r, row in enumerate(rows):
        for s in row:
            items.setdefault(_column_at(s, columns), []).append((s["top"], s["bottom"], r, None))
    for line, placed in fitted:
        for s, k in zip(line, placed):
            items.setdefault(k, []).append((s["top"], s["bottom"], None, s))
    for column in items.values():
        column.sort(key=lambda item: item[0])
        runs: list[list[tuple[float, float, int | None, dict | None]]] = []
        for item in column:
            if runs:
                top, bottom = runs[-1][-1][0], runs[-1][-1][1]
                if (item[0] - top) / ((bottom - top) or 10.0) <= WRAPPED_PITCH:
                    runs[-1].append(item)
                    continue
            runs.append([item])
        for run in runs:
            for part in _one_row_each(run):
                own = [r for _, _, r, _ in part if r is not None]
                middle = (part[0][0] + part[-1][1]) / 2
                r = own[0] if own else min(range(len(rows)), key=lambda n: abs(centres[n] - middle))
                for _, _, _, s in part:
                    if s is not None:
                        owner[id(s)] = r
    return owner


def _one_row_each(run: list[tuple[float, float, int | None, dict | None]]
                  ) -> list[list[tuple[float, float, int | None, dict | None]]]:
    """A run of lines cut so that each part holds at most one row's own line: between two rows' lines, at the
    widest gap."""
    at_rows = [n for n, item in enumerate(run) if item[2] is not None]
    cuts = []
    for a, b in zip(at_rows, at_rows[1:]):
        cuts.append(max(range(a + 1, b + 1), key=lambda n: run[n][0] - run[n - 1][0]))
    return [run[i:j] for i, j in zip([0] + cuts, cuts + [len(run)])]


def _one_header_row(rows: list[list[dict]]) -> list[list[dict]]:
    """Header lines that overlap each other and hold one header's wrapped text on two of them ("年初预算数（万" above
    and "元）" below the line the one-line headers are centred on: "资金来源 … 分值 执行率") are one row. Lines whose
    headers stand in different columns (a second level, 年度指标值 / 实际完成值 under 指标值, beside the headers
    centred over both levels) stay rows of their own."""
    runs: list[list[list[dict]]] = []
    for row in rows:
        if runs and not _states_figure(runs[-1][-1]) and not _states_figure(row) and _pitch([max(
                runs[-1][-1], key=lambda s: s["top"])], row) < 1.0:
            runs[-1].append(row)
        else:
            runs.append([row])
    out: list[list[dict]] = []
    for run in runs:
        wrapped = any(a["x0"] < b["x1"] and b["x0"] < a["x1"] for n, line in enumerate(run) for other in run[n + 1:]
                      for a in line for b in other)
        if len(run) > 1 and wrapped:
            out.append(sorted((s for line in run for s in line), key=lambda s: (s["top"], s["x0"])))
        else:
            out.extend(run)
    return out


def _column_of(segment: dict, columns: list[list[float]]) -> int | None:
    """The column a segment of a wrapped line stands in: the one holding nearly all of its width, or the only one it
    overlaps (a wrapped line may be wider than the column's other lines); None for none."""
    width = max(segment["x1"] - segment["x0"], 0.1)
    overlaps = [(min(c1, segment["x1"]) - max(c0, segment["x0"]), k) for k, (c0, c1) in enumerate(columns)]
    for overlap, k in overlaps:
        if overlap >= WRAPPED_OVERLAP * width:
            return k
    touching = [k for overlap, k in overlaps if overlap > 0]
    if len(touching) == 1 and (touching[0] + 1 >= len(columns) or segment["x1"] < columns[touching[0] + 1][0]):
        return touching[0]
    return None


_NOT_A_HEADER = re.compile(r"单位|^(?!续)表\s*[\d一二三四五六七八九十]|[。；;，,:：]")


def _spanning_header(line: list[dict], columns: list[list[float]], first: list[list[tuple[float, str]]]
                     ) -> list[tuple[int, float, str]] | None:
    """A line just above a table's header row that belongs to it: each of its segments a short name standing over
    columns the header row leaves without a name (a spanning header, 指标值, drawn above the row the others are
    centred on), never over the first column (where a caption or a sentence starts). Each name with the column it
    starts over; None when the line is not such a header."""
    placed: list[tuple[int, float, str]] = []
    for s in line:
        over = [k for k, (c0, c1) in enumerate(columns) if min(c1, s["x1"]) - max(c0, s["x0"]) > 0]
        if not over or 0 in over or len(s["text"]) > 12 or _NOT_A_HEADER.search(s["text"]) or is_figure_cell(s["text"]):
            return None
        if any(first[k] for k in over):
            return None  # the header row names that column itself: the line is not a header over it
        placed.append((over[0], s["top"], s["text"]))
    return placed or None


def _centred_groups(pieces: list[list[list[tuple[float, str]]]], centres: list[float], k: int, first_data: int,
                    lines: list[tuple[float, float, str]], spans: dict[tuple[int, int], int],
                    extents: list[tuple[float, float]] | None = None, line_height: float = 0.0) -> None:
    """A group label (一级指标) merged over several rows prints centred beside them, often between two rows' lines:
    the column's labels (those between rows and those on a row's line) are the groups' centres, top-down, and the
    rows tile into groups — each group the run of rows from where the last one ended whose mean centre is nearest its
    label. Each label becomes a cell spanning its group; a label's wrapped lines are one label."""
    labels: list[tuple[float, list[tuple[float, str]]]] = []  # (centre, its lines)
    items = [(centre, top, text) for top, centre, text in lines]
    for r in range(first_data, len(pieces)):
        items += [(centres[r], top, text) for top, text in pieces[r][k]]
        pieces[r][k] = []
    height = max(1.0, min((b - a for a, b in zip(sorted(centres), sorted(centres)[1:]) if b > a), default=10.0))
    for centre, top, text in sorted(items):
        follows = bool(labels) and line_height > 0 and 0 < top - labels[-1][1][-1][0] <= WRAPPED_PITCH * line_height
        if labels and (follows or centre - labels[-1][1][-1][0] < 0.75 * height and centre - labels[-1][0] < height):
            labels[-1][1].append((top, text))  # the next line of a wrapped label
            labels[-1] = (sum((labels[-1][0], centre)) / 2, labels[-1][1])
        else:
            labels.append((centre, [(top, text)]))
    start = first_data
    for n, (centre, label_lines) in enumerate(labels):
        if start >= len(pieces):
            break
        last = len(pieces) if n == len(labels) - 1 else len(pieces) - (len(labels) - 1 - n)
        if extents:  # the middle of the rows' extent, from the first row's top to the last row's bottom
            best = min(range(start + 1, max(start + 1, last) + 1),
                       key=lambda end: abs((extents[start][0] + extents[end - 1][1]) / 2 - centre))
        else:
            best = min(range(start + 1, max(start + 1, last) + 1),
                       key=lambda end: abs(sum(centres[start:end]) / (end - start) - centre))
        pieces[start][k] = sorted(label_lines)
        if best - start > 1:
            spans[(start, k)] = best - start
        start = best


# Text between the end of a table on one page and its continuation on the next: page numbers, running headers,
# "续表" — short lines that are not sentences. A caption of another table ("表3 …") is not.
_FURNITURE_LINE = re.compile(r"^.{0,40}$")
_OTHER_CAPTION = re.compile(r"^(?!续)表\s*[\d一二三四五六七八九十]")
COLUMN_TOLERANCE = 3.0  # points: the same column borders on two pages


def _join_pages(pages: list[list[_PageItem]]) -> list[Block]:
    """The pages' items as blocks: prose runs joined across pages by PAGE_SEPARATOR; a table continued on the next
    page (the same column borders, its header repeated or not, only page furniture between) is one table."""
    entries: list[_PageItem] = []
    last_table = -1  # index in entries of the last table
    for items in pages:
        for position, item in enumerate(items):
            if isinstance(item, _PageTable):
                between = entries[last_table + 1:] if last_table >= 0 else []
                furniture = last_table >= 0 and all(isinstance(e, str) and _is_furniture(e) for e in between)
                if furniture and position <= 1:
                    moved = _header_carried(entries[last_table], item, [e for e in between if isinstance(e, str)])
                    if moved is not None:  # the header row at a page's foot, its rows on the next page
                        entries[last_table], item, used = moved
                        if used:
                            del entries[last_table + 1:]
                        if entries[last_table] is None:
                            del entries[last_table]
                            last_table = max((n for n, e in enumerate(entries) if isinstance(e, _PageTable)),
                                             default=-1)
                if (last_table >= 0 and all(isinstance(e, str) and _is_furniture(e) for e in between)
                        and _continues(entries[last_table], item, position)):
                    previous = entries[last_table]
                    entries[last_table] = replace(previous, table=_continued(previous.table, item.table),
                                                  bottom=item.bottom, last_page=item.table.page or 0)
                    continue
                last_table = len(entries)
            entries.append(item)
    blocks: list[Block] = []
    prose: list[str] = []
    for entry in entries + [None]:
        if isinstance(entry, _PageTable) and entry.header_only:  # a header line that heads no rows: text, as printed
            entry = " ".join(c.text for c in sorted(entry.table.cells, key=lambda c: c.col))
            if prose and isinstance(prose[-1], str):
                prose[-1] = f"{prose[-1]}\n{entry}" if prose[-1] else entry
                continue
        if isinstance(entry, str):
            prose.append(entry)
            continue
        text = PAGE_SEPARATOR.join(prose)
        if text.strip():
            blocks.append(text_block(text))
        prose = []
        if entry is not None:
            blocks.append(table_block(analyze_table(entry.table)))
    return blocks


MAX_CARRIED_HEADER_ROWS = 2
MIN_CARRIED_HEADERS = 3


def _header_carried(previous: _PageTable, table: _PageTable, between: list[str]
                    ) -> tuple[_PageTable | None, _PageTable, bool] | None:
    """A table without ruling lines whose header row ends one page (一级指标 … 得分) and whose rows start the next,
    without a header: the header moved onto the rows, each header cell over the column it stands above (the pages'
    columns differ: the rows' widest texts set them). A header cell wrapped around its row's line (偏差原因分析及改进
    措 / 施), left as short lines between the two, names the one column still without a header when those lines name a
    column of the genre. Returns (`previous` without its header, or None when nothing is left; the rows with the
    header; whether those lines were used), or None when the two are not such a pair."""
    if previous.ruled or table.ruled or previous.table.page is None or table.table.page is None:
        return None
    if table.table.page != max(previous.last_page, previous.table.page) + 1:
        return None
    if analyze_table(table.table).header_rows != 0 or table.table.n_rows < MIN_ALIGNED_ROWS:
        return None
    grid = previous.table.grid()
    cut = len(grid)
    while cut > 0 and len(grid) - cut < MAX_CARRIED_HEADER_ROWS and not any(is_figure_cell(t) for t in grid[cut - 1]) \
            and sum(1 for t in dict.fromkeys(grid[cut - 1]) if t.strip()) >= MIN_CARRIED_HEADERS:
        cut -= 1
    if cut == len(grid):
        return None
    xs, borders = previous.columns, table.columns
    placed: dict[tuple[int, int], TableCell] = {}
    for c in previous.table.cells:
        if c.row < cut or not c.text.strip():
            continue
        middle = (xs[c.col] + xs[min(c.col + c.col_span, len(xs) - 1)]) / 2
        k = next((k for k in range(len(borders) - 1) if borders[k] <= middle < borders[k + 1]), None)
        if k is None or (c.row - cut, k) in placed:
            return None
        placed[(c.row - cut, k)] = TableCell(c.row - cut, k, c.text, 1, 1)
    if len({k for _, k in placed}) < MIN_CARRIED_HEADERS:
        return None
    n_header = len(grid) - cut
    used = False
    missing = [k for k in range(table.table.n_cols) if not any((r, k) in placed for r in range(n_header))]
    wrapped = "".join(line.strip() for text in between for line in text.split("\n"))
    if len(missing) == 1 and wrapped and column_role([wrapped]) in VALUE_ROLES - {VALUE}:
        placed[(0, missing[0])] = TableCell(0, missing[0], wrapped, n_header, 1)
        used = True
    cells = tuple(placed.values()) + tuple(replace(c, row=c.row + n_header) for c in table.table.cells)
    rows = replace(table.table, cells=cells, n_rows=table.table.n_rows + n_header)
    kept = [c for c in previous.table.cells if c.row < cut]
    rest = replace(previous, table=replace(previous.table, cells=tuple(kept), n_rows=cut)) if cut > 0 else None
    return rest, replace(table, table=rows), used


def _is_furniture(text: str) -> bool:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return len(lines) <= 3 and all(_FURNITURE_LINE.match(line) and not _OTHER_CAPTION.match(line)
                                   and not re.search(r"[。；;]$", line) for line in lines)


def _continues(previous: _PageTable, table: _PageTable, position: int) -> bool:
    """Whether `table`, first on its page, continues `previous`, last on the page before, with the same columns."""
    if position > 1 or previous.ruled != table.ruled or previous.table.page is None or table.table.page is None:
        return False
    if table.table.page != max(previous.last_page, previous.table.page) + 1:
        return False
    if previous.table.n_cols != table.table.n_cols or len(previous.columns) != len(table.columns):
        return False
    if any(abs(a - b) > COLUMN_TOLERANCE for a, b in zip(previous.columns, table.columns)):
        return False
    return _repeated_header_rows(previous.table, table.table) > 0 or analyze_table(table.table).header_rows == 0


def _repeated_header_rows(first: ReportTable, second: ReportTable) -> int:
    """How many leading rows of `second` repeat the header of `first` word for word."""
    header = analyze_table(first).header_rows
    if header == 0 or second.n_rows <= header:
        return 0
    a, b = first.grid(), second.grid()
    return header if all(a[r] == b[r] for r in range(header)) else 0


def _continued(first: ReportTable, second: ReportTable) -> ReportTable:
    """`first` with the rows of `second` below it, a repeated header left out."""
    skip = _repeated_header_rows(first, second)
    moved = tuple(replace(c, row=c.row - skip + first.n_rows) for c in second.cells if c.row >= skip)
    return replace(first, cells=first.cells + moved, n_rows=first.n_rows + second.n_rows - skip)


# --- .docx ----------------------------------------------------------------------------------------


def _docx_blocks(path: Path, data: bytes, max_bytes: int) -> list[Block]:
    """The body in document order: runs of paragraphs as text blocks, each top-level table as a table block."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise CorruptFile(path, "not a Word document: the archive has no word/document.xml")
            if archive.getinfo("word/document.xml").file_size > max_bytes:
                raise ReportTooLarge(path, f"word/document.xml unpacks to more than {_mb(max_bytes)}")
    except zipfile.BadZipFile as exc:
        kind = _sniff(data)
        raise CorruptFile(path, f"is not a .docx (ZIP) file{f': it looks like {kind}' if kind else ''}") from exc
    try:
        document = Document(io.BytesIO(data))
        blocks = _docx_body_blocks(document)
    except LxmlError as exc:
        raise CorruptFile(path, f"corrupt .docx: broken XML ({exc})") from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError,
            zlib.error, OSError) as exc:
        raise CorruptFile(path, f"corrupt or unreadable .docx ({type(exc).__name__}: {exc})") from exc
    return blocks


def _docx_body_blocks(document: DocxDocument) -> list[Block]:
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.extend(field_tables("\n".join(lines)))  # indicator lines written as labelled fields: a table
            lines.clear()

    for child in _body_children(document.element.body):
        if child.tag == qn("w:tbl"):
            grid = _docx_grid(child, document)
            if grid is None:
                lines.extend(_table_lines(Table(child, document)))
                continue
            flush()
            blocks.append(table_block(grid))
        else:
            lines.append(Paragraph(child, document).text)
    flush()
    return blocks


def _table_text(table: ReportTable) -> str:
    """A table as raw text: one line per row, its cells joined by TABLE_CELL_SEPARATOR (an empty row: an empty line)."""
    if table.printed:  # rows the report wrote as lines of labelled fields: those lines, word for word
        return "\n".join(table.row_text(r) if r < len(table.printed) and table.printed[r] else ""
                         for r in range(table.n_rows))
    rows = (table.row_cells(r) for r in range(table.n_rows))
    return "\n".join(TABLE_CELL_SEPARATOR.join(cells) if any(cells) else "" for cells in rows)


def _body_children(container: LxmlElement) -> Iterator[LxmlElement]:
    """The body's paragraphs and tables in order, content controls opened."""
    for child in container.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_children(content)


def _opened(container: LxmlElement, tags: tuple[str, ...]) -> Iterator[LxmlElement]:
    """The children of `container` with one of `tags`, content controls (w:sdt) and custom XML opened."""
    for child in container.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            content = child.find(qn("w:sdtContent")) if child.tag == qn("w:sdt") else child
            if content is not None:
                yield from _opened(content, tags)


def _val(element: LxmlElement | None, default: str | None = None) -> str | None:
    return default if element is None else element.get(qn("w:val"), default)


def _docx_grid(tbl: LxmlElement, document: DocxDocument) -> ReportTable | None:
    """A Word table on its layout grid, from the XML: each cell once, at its grid column (after the row's
    gridBefore), spanning its gridSpan (or legacy hMerge) columns and, while the rows below continue it (vMerge),
    their rows. A continuation cell that holds text of its own (Word keeps it, hidden) adds it to the merged cell."""
    rows = list(_opened(tbl, (qn("w:tr"),)))
    if not rows:
        return None
    cells: list[list] = []  # [row, col, text, row_span, col_span]
    open_at: dict[int, list] = {}  # grid column -> the cell a vMerge continuation there extends
    n_cols = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    for r, tr in enumerate(rows):
        properties = tr.find(qn("w:trPr"))
        col = int(_val(properties.find(qn("w:gridBefore")) if properties is not None else None, "0") or 0)
        extended: set[int] = set()
        for tc in _opened(tr, (qn("w:tc"),)):
            tc_pr = tc.find(qn("w:tcPr"))
            span = int(_val(tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None, "1") or 1)
            v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            h_merge = tc_pr.find(qn("w:hMerge")) if tc_pr is not None else None
            text = _cell_text(tc, document)
            above = open_at.get(col)
            if v_merge is not None and _val(v_merge, "continue") == "continue" and above is not None \
                    and above[0] + above[3] == r:
                above[3] += 1
                if text:
                    above[2] = f"{above[2]} {text}".strip()
                extended.add(col)
            elif h_merge is not None and _val(h_merge, "continue") == "continue" and cells and cells[-1][0] == r:
                cells[-1][4] += span
                if text:
                    cells[-1][2] = f"{cells[-1][2]} {text}".strip()
            else:
                cell = [r, col, text, 1, span]
                cells.append(cell)
                open_at[col] = cell
                extended.add(col)
            col += span
        after = int(_val(properties.find(qn("w:gridAfter")) if properties is not None else None, "0") or 0)
        n_cols = max(n_cols, col + after)
        open_at = {k: v for k, v in open_at.items() if k in extended}
    if not any(c[2] for c in cells):
        return None
    table_cells = tuple(TableCell(r, k, text, rs, cs) for r, k, text, rs, cs in cells)
    return ReportTable(table_cells, len(rows), n_cols, source="docx")


NESTED_CELL_SEPARATOR = "｜"
NESTED_ROW_SEPARATOR = "／"


def _cell_text(tc: LxmlElement, document: DocxDocument) -> str:
    """A cell's text: its paragraphs joined by spaces; a table nested in it kept as text, its cells joined by "｜"
    and its rows by "／" (full-width, so that cleaning keeps them apart)."""
    pieces: list[str] = []
    for child in _opened(tc, (qn("w:p"), qn("w:tbl"))):
        if child.tag == qn("w:p"):
            pieces.append(Paragraph(child, document).text.strip())
            continue
        rows = []
        for tr in _opened(child, (qn("w:tr"),)):
            texts = [_cell_text(inner, document) for inner in _opened(tr, (qn("w:tc"),))]
            if any(texts):
                rows.append(NESTED_CELL_SEPARATOR.join(texts))
        pieces.append(NESTED_ROW_SEPARATOR.join(rows))
    return " ".join(p.replace("\n", " ") for p in pieces if p)


def _block_lines(container: LxmlElement, parent: DocxDocument | _Cell) -> Iterator[str]:
    """Yield the lines of a block container (body, cell, content control) in document order."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent).text
        elif child.tag == qn("w:tbl"):
            yield from _table_lines(Table(child, parent))
        elif child.tag == qn("w:sdt"):  # a content control wraps ordinary paragraphs and tables
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_lines(content, parent)


def _table_lines(table: Table) -> Iterator[str]:
    """One line per table row; a merged cell's text is given once per row it spans."""
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a horizontal span repeats the same cell
                continue
            previous = cell._tc
            lines = (line.strip() for line in _block_lines(cell._tc, cell))
            cells.append(" ".join(line.replace("\n", " ") for line in lines if line))
        yield TABLE_CELL_SEPARATOR.join(cells) if any(cells) else ""


# --- shared checks --------------------------------------------------------------------------------


def _check_prose(path: Path, text: str, words: str | None = None) -> None:
    """Reject decoded text that is binary junk or has almost no letters (in `words`: the text less its tables'
    figures, since a report may be mostly a table of numbers)."""
    controls = _control_chars(text)
    if controls > max(2, len(text) // 1000):
        raise NotAReport(path, f"is not a text report: {controls} control characters (binary content?)")
    visible = [ch for ch in (words if words and words.strip() else text) if not ch.isspace()]
    letters = sum(1 for ch in visible if ch.isalpha())
    if letters / len(visible) < MIN_LETTER_SHARE:
        raise NotAReport(path, f"does not read as a report: only {letters} of {len(visible)} characters "
                               "are letters or Chinese characters")


def _words_of(blocks: list[Block]) -> str:
    """The blocks' text without the cells of their tables that state figures."""
    out = []
    for b in blocks:
        if b.table is None:
            out.append(b.text)
        else:
            out.extend(c.text for c in b.table.cells if not is_figure_cell(c.text))
    return "\n".join(out)


def _control_chars(text: str) -> int:
    """Count control characters other than newline, carriage return, tab and form feed."""
    return sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)


def _sniff(data: bytes) -> str | None:
    """Name the binary format the bytes start with, if it is a well-known one."""
    head = data[:16]
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def _unsupported_problem(suffix: str) -> str:
    """Explain an unsupported extension and what to do instead."""
    supported = ", ".join(SUPPORTED_SUFFIXES)
    shown = f"'{suffix}'" if suffix else "no extension"
    hint = {".doc": "; save it as .docx", ".wps": "; save it as .docx", ".rtf": "; save it as .docx",
            ".md": "; rename it to .txt"}.get(suffix, "")
    return f"unsupported file type ({shown}); supported: {supported}{hint}"


def _mb(size: int) -> str:
    """Format a byte count for a message."""
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def _one_line(message: str) -> str:
    """Put a message on one line (file names and library errors may hold line breaks)."""
    return _LINE_BREAKS.sub(" ", message).strip()
