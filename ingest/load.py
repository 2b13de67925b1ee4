"""Read a report file (.txt, .pdf, .docx) into raw text: the only place that opens report files.

No cleaning happens here (see ingest/clean.py); the text keeps the line structure the source gives:
- .txt: the file's own lines (any encoding we can detect: UTF-8 with or without BOM, UTF-16/32 with BOM,
  GBK / GB18030 without being told).
- .pdf: pypdf's text layer, page by page, one text line per line; pages are joined with PAGE_SEPARATOR
  ("\\n\\f\\n": a form feed alone on its own line, pdftotext's page marker, which a blank-line-aware
  cleaner also sees as a blank line).
- .docx: one line per body paragraph, one line per table row (cells joined by TABLE_CELL_SEPARATOR),
  in document order; headers, footers, footnotes, comments and text boxes are not read.

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
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError
from lxml.etree import _Element as LxmlElement
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from ingest.document import Block, Table as ReportTable, TableCell, table_block, text_block

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
    elif suffix == ".pdf":
        text = _pdf_text(path, data)
    else:
        blocks = _docx_blocks(path, data, max_bytes)
        text = "\n".join(b.text if b.table is None else _table_text(b.table) for b in blocks)
    text = _NEWLINES.sub("\n", text)
    if not text.strip():
        raise EmptyReport(path, "file holds only whitespace")
    _check_prose(path, text)
    blocks = [Block(b.kind, _NEWLINES.sub("\n", b.text), b.table, b.page, b.warnings) for b in blocks] or [
        text_block(text)]
    return LoadedReport(path=path, text=text, format=suffix[1:], encoding=encoding, blocks=tuple(blocks))


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


def _pdf_text(path: Path, data: bytes) -> str:
    """Extract the text layer of a PDF page by page, pages joined by PAGE_SEPARATOR."""
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
    return PAGE_SEPARATOR.join(pages)


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
            blocks.append(text_block("\n".join(lines)))
            lines.clear()

    for child in _body_children(document.element.body):
        if child.tag == qn("w:tbl"):
            table = Table(child, document)
            grid = _docx_grid(table)
            if grid is None:
                lines.extend(_table_lines(table))
                continue
            flush()
            blocks.append(table_block(grid))
        else:
            lines.append(Paragraph(child, document).text)
    flush()
    return blocks


def _table_text(table: ReportTable) -> str:
    """A table as raw text: one line per row, its cells joined by TABLE_CELL_SEPARATOR (an empty row: an empty line)."""
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


def _docx_grid(table: Table) -> ReportTable | None:
    """A Word table on its grid: a merged cell (horizontal gridSpan or vertical vMerge) once, with its spans."""
    rows = list(table.rows)
    if not rows:
        return None
    grid = [list(row.cells) for row in rows]
    n_cols = max(len(r) for r in grid)
    seen: dict[int, list[int]] = {}  # id(tc) -> [row, col, last row, last col]
    order: list[tuple[int, object]] = []
    for r, cells in enumerate(grid):
        for k, cell in enumerate(cells):
            key = id(cell._tc)
            if key not in seen:
                seen[key] = [r, k, r, k]
                order.append((key, cell))
            else:
                span = seen[key]
                span[2], span[3] = max(span[2], r), max(span[3], k)
    cells_out = []
    for key, cell in order:
        r, k, r2, k2 = seen[key]
        lines = (line.strip() for line in _block_lines(cell._tc, cell))
        text = " ".join(line.replace("\n", " ") for line in lines if line)
        cells_out.append(TableCell(r, k, text, r2 - r + 1, k2 - k + 1))
    return ReportTable(tuple(cells_out), len(rows), n_cols, source="docx")


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


def _check_prose(path: Path, text: str) -> None:
    """Reject decoded text that is binary junk or has almost no letters."""
    controls = _control_chars(text)
    if controls > max(2, len(text) // 1000):
        raise NotAReport(path, f"is not a text report: {controls} control characters (binary content?)")
    visible = [ch for ch in text if not ch.isspace()]
    letters = sum(1 for ch in visible if ch.isalpha())
    if letters / len(visible) < MIN_LETTER_SHARE:
        raise NotAReport(path, f"does not read as a report: only {letters} of {len(visible)} characters "
                               "are letters or Chinese characters")


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
