"""ingest.load: every supported format round-trips the bundled report; every bad input is one named, one-line error."""
from __future__ import annotations

import pickle
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader, PdfWriter

from ingest.load import (
    MAX_REPORT_BYTES,
    PAGE_SEPARATOR,
    SUPPORTED_SUFFIXES,
    TABLE_CELL_SEPARATOR,
    CorruptFile,
    EmptyReport,
    EncryptedFile,
    LoadedReport,
    NoTextLayer,
    NotAFile,
    NotAReport,
    ReportFileNotFound,
    ReportLoadError,
    ReportTooLarge,
    UndecodableText,
    UnsupportedFormat,
    load_report,
)
from tests.ingest.sample_docs import make_docx, make_image_only_pdf, make_pdf

REPORT = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
TRADITIONAL = ("廣州市荔灣區殘疾人聯合會二零二三年度部門整體支出績效自評報告。本會貫徹執行國家有關殘疾人工作的法律、"
               "法規和方針、政策，維護殘疾人合法權益，全心全意為殘疾人服務。現有143名殘疾人在託。\n") * 5
JAPANESE = "東京都の予算は前年度より増加しました。これは政府の報告書ではありませんが、漢字とかなが混ざっています。\n" * 5


@pytest.fixture(scope="module")
def report_text() -> str:
    """The bundled report as the loader reads it."""
    return load_report(REPORT).text


def squeeze(text: str) -> str:
    """The text with all whitespace (spaces, line breaks, form feeds) removed."""
    return re.sub(r"\s+", "", text)


def non_empty_lines(text: str) -> list[str]:
    """The lines that hold something besides whitespace."""
    return [line for line in text.split("\n") if line.strip()]


# --- the bundled report and other encodings -------------------------------------------------------


def test_bundled_report_loads_as_utf8() -> None:
    loaded = load_report(str(REPORT))
    assert loaded == LoadedReport(path=REPORT, text=loaded.text, format="txt", encoding="utf-8")
    assert "现有143名残疾人在" in loaded.text
    # raw, not cleaned: the page break that splits "在" from "托" is still there
    assert "现有143名残疾人在\n\n托" in loaded.text
    assert loaded.text == REPORT.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("encoding", "extra", "detected"),
    [
        ("gbk", "", "gbk"),
        ("gb18030", "", "gbk"),  # the report has no character outside GBK: the bytes are the same
        ("gb18030", "\n吉𠮷祥\n", "gb18030"),  # 𠮷 (U+20BB7) exists only in GB18030's four-byte range
        ("utf-8-sig", "", "utf-8-sig"),
        ("utf-16", "", "utf-16"),
        ("utf-16-be", "", "utf-16"),  # written with an explicit big-endian BOM below
    ],
)
def test_other_encodings_load_to_the_same_text(tmp_path: Path, report_text: str, encoding: str, extra: str,
                                               detected: str) -> None:
    text = report_text + extra
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(data)
    loaded = load_report(path)
    assert loaded.text == text
    assert loaded.encoding == detected


def test_crlf_line_endings_become_newlines(tmp_path: Path, report_text: str) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(report_text.replace("\n", "\r\n").encode("gbk"))
    loaded = load_report(path)
    assert loaded.text == report_text
    assert "\r" not in loaded.text


def test_traditional_chinese_in_gbk_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "traditional.txt"
    path.write_bytes(TRADITIONAL.encode("gbk"))
    assert load_report(path).text == TRADITIONAL


def test_utf8_cut_inside_the_last_character_still_loads(tmp_path: Path, report_text: str) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(report_text.rstrip().encode("utf-8")[:-1])
    loaded = load_report(path)
    assert loaded.encoding == "utf-8"
    assert loaded.text == report_text.rstrip()[:-1]


def test_suffix_is_case_insensitive(tmp_path: Path, report_text: str) -> None:
    path = tmp_path / "REPORT.TXT"
    path.write_text(report_text, encoding="utf-8")
    assert load_report(path).format == "txt"


# --- PDF ------------------------------------------------------------------------------------------


def test_pdf_of_the_report_keeps_every_character_and_line(tmp_path: Path, report_text: str) -> None:
    loaded = load_report(make_pdf(report_text, tmp_path / "report.pdf"))
    assert loaded.format == "pdf" and loaded.encoding is None
    assert squeeze(loaded.text) == squeeze(report_text)
    # What a PDF loses is exactly the blank lines: every non-empty line comes back whole, in order ...
    assert non_empty_lines(loaded.text) == non_empty_lines(report_text)
    # ... and pages are separated by PAGE_SEPARATOR, one fewer than the pages.
    pages = len(PdfReader(tmp_path / "report.pdf").pages)
    assert pages > 1
    assert loaded.text.count(PAGE_SEPARATOR) == pages - 1
    assert "现有143名残疾人在" in loaded.text


def test_pdf_pages_follow_form_feeds(tmp_path: Path) -> None:
    loaded = load_report(make_pdf("第一页。\n\f第二页，第一行。\n第二页，第二行。", tmp_path / "pages.pdf"))
    assert loaded.text == "第一页。" + PAGE_SEPARATOR + "第二页，第一行。\n第二页，第二行。"


def test_pdf_with_an_owner_password_only_loads(tmp_path: Path) -> None:
    """Many published PDFs restrict printing with an owner password but open without one (AES-256 here)."""
    source = make_pdf("广州市荔湾区残疾人联合会\n部门整体支出绩效自评报告", tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-256")
    protected = tmp_path / "restricted.pdf"
    writer.write(protected)
    assert PdfReader(protected).is_encrypted
    assert load_report(protected).text == "广州市荔湾区残疾人联合会\n部门整体支出绩效自评报告"


# --- DOCX -----------------------------------------------------------------------------------------

TABLE = [["项目", "预算数（万元）", "执行率"], ["寄宿托养", "143", "98.57%"], ["合计", "2694.16", ""]]


@pytest.mark.parametrize("after", [0, 1, 37, None])
def test_docx_paragraphs_and_table_in_document_order(tmp_path: Path, report_text: str, after: int | None) -> None:
    paragraphs = non_empty_lines(report_text)
    path = make_docx(report_text, tmp_path / "report.docx", table_rows=TABLE, table_after_paragraph=after)
    loaded = load_report(path)
    assert loaded.format == "docx" and loaded.encoding is None
    position = len(paragraphs) if after is None else after
    rows = [TABLE_CELL_SEPARATOR.join(row) for row in TABLE]
    assert loaded.text.split("\n") == paragraphs[:position] + rows + paragraphs[position:]


def test_docx_without_a_table_is_one_line_per_paragraph(tmp_path: Path, report_text: str) -> None:
    loaded = load_report(make_docx(report_text, tmp_path / "plain.docx"))
    assert loaded.text.split("\n") == non_empty_lines(report_text)


def test_docx_merged_cells_appear_once_per_row(tmp_path: Path) -> None:
    path = make_docx("支出明细如下。\n以上为全部支出。", tmp_path / "merged.docx",
                     table_rows=[["类别", "项目", "金额"], ["项目支出", "托养", "143"], ["", "康复", "51"]],
                     table_after_paragraph=1)
    document = Document(str(path))
    table = document.tables[0]
    table.cell(1, 0).merge(table.cell(2, 0))  # "项目支出" spans two rows
    table.cell(0, 1).merge(table.cell(0, 2))  # the header "项目" spans two columns
    document.save(str(path))
    lines = load_report(path).text.split("\n")
    assert lines[0] == "支出明细如下。" and lines[-1] == "以上为全部支出。"
    # the merged header cell now holds two paragraphs: they share the row's line, joined by a space
    assert lines[1].split(TABLE_CELL_SEPARATOR) == ["类别", "项目 金额"]
    assert lines[2:4] == [f"项目支出{TABLE_CELL_SEPARATOR}托养{TABLE_CELL_SEPARATOR}143",
                          f"项目支出{TABLE_CELL_SEPARATOR}康复{TABLE_CELL_SEPARATOR}51"]


# --- bad input ------------------------------------------------------------------------------------


def _write(name: str, data: bytes | Callable[[Path], Path]) -> Callable[[Path], Path]:
    """A case builder: write bytes (or call a sample maker) at tmp_path/name."""
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        if callable(data):
            return data(path)
        path.write_bytes(data)
        return path
    return build


def _directory(tmp_path: Path) -> Path:
    path = tmp_path / "reports.txt"
    path.mkdir()
    return path


def _zip(name: str, members: dict[str, str]) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as archive:
            for member, content in members.items():
                archive.writestr(member, content)
        return path
    return build


def _password_pdf(tmp_path: Path) -> Path:
    source = make_pdf("广州市荔湾区残疾人联合会", tmp_path / "source.pdf")
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password="user-secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(path)
    return path


def _broken_docx_xml(tmp_path: Path) -> Path:
    good = make_docx("广州市荔湾区残疾人联合会", tmp_path / "good.docx")
    path = tmp_path / "broken-xml.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    return path


def _truncated_pdf(tmp_path: Path) -> Path:
    data = make_pdf("广州市荔湾区残疾人联合会\n" * 40, tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
RANDOM = bytes((i * 7919 + 13) % 256 for i in range(4096))  # deterministic "random" bytes, NULs included
HIGH_BYTES = bytes(0x20 + (i * 7919 + 13) % 0xE0 for i in range(4096))  # no control bytes at all

BAD_INPUTS: list[tuple[str, Callable[[Path], Path], type[ReportLoadError], str]] = [
    ("missing file", lambda tmp: tmp / "nowhere.txt", ReportFileNotFound, "not found"),
    ("directory", _directory, NotAFile, "directory"),
    ("empty txt", _write("empty.txt", b""), EmptyReport, "empty"),
    ("whitespace txt", _write("blank.txt", b" \n\r\n\t  \n"), EmptyReport, "whitespace"),
    ("whitespace utf-16", _write("blank16.txt", "  \n \n".encode("utf-16")), EmptyReport, "whitespace"),
    ("empty pdf", _write("empty.pdf", b""), EmptyReport, "empty"),
    ("empty docx", lambda tmp: make_docx("", tmp / "nothing.docx"), EmptyReport, "whitespace"),
    ("doc", _write("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)), UnsupportedFormat, ".docx"),
    ("xlsx", _write("figures.xlsx", b"PK\x03\x04"), UnsupportedFormat, ".txt, .pdf, .docx"),
    ("png", _write("scan.png", PNG), UnsupportedFormat, "supported"),
    ("no extension", _write("README", "广州市荔湾区".encode()), UnsupportedFormat, "no extension"),
    ("random bytes as txt", _write("random.txt", RANDOM), NotAReport, "binary"),
    ("png renamed txt", _write("image.txt", PNG), NotAReport, "PNG"),
    ("pdf renamed txt", lambda tmp: make_pdf("广州", tmp / "renamed.txt"), NotAReport, "PDF"),
    ("utf-16 without BOM", _write("nobom.txt", "广州市 report\n".encode("utf-16-le") * 20), NotAReport, "binary"),
    ("utf-8 with control characters", _write("ctrl.txt", ("报告\x01\x02\x03\x04" * 50).encode()), NotAReport,
     "control"),
    ("digits and punctuation", _write("numbers.txt", b"2023, 2694.16, 98.57%\n" * 30), NotAReport, "letters"),
    ("high bytes, no control bytes", _write("noise.txt", HIGH_BYTES), UndecodableText, "not UTF-8 or GBK"),
    ("big5", _write("big5.txt", TRADITIONAL.encode("big5")), UndecodableText, "not UTF-8 or GBK"),
    ("shift-jis", _write("sjis.txt", JAPANESE.encode("shift_jis")), UndecodableText, "not UTF-8 or GBK"),
    ("euc-jp", _write("eucjp.txt", JAPANESE.encode("euc_jp")), UndecodableText, "not UTF-8 or GBK"),
    ("latin-1", _write("latin1.txt", "Rapport d'évaluation, année 2023.\n".encode("latin-1") * 9), UndecodableText,
     "not UTF-8 or GBK"),
    ("broken utf-16", _write("bad16.txt", b"\xff\xfe" + "报告".encode("utf-16-le") + b"\x00\xd8"), UndecodableText,
     "utf-16"),
    ("text renamed pdf", _write("notes.pdf", "广州市荔湾区残疾人联合会".encode()), CorruptFile, "not a PDF"),
    ("docx renamed pdf", lambda tmp: make_docx("广州", tmp / "renamed.pdf"), CorruptFile, "ZIP"),
    ("garbage after pdf header", _write("garbage.pdf", b"%PDF-1.7\n" + RANDOM), CorruptFile, "PDF"),
    ("truncated pdf", _truncated_pdf, CorruptFile, "PDF"),
    ("password pdf", _password_pdf, EncryptedFile, "password"),
    ("image-only pdf", lambda tmp: make_image_only_pdf(tmp / "scan.pdf", pages=3), NoTextLayer, "OCR"),
    ("pdf with page numbers only", lambda tmp: make_pdf("1\f2\f3", tmp / "numbers.pdf"), NoTextLayer, "OCR"),
    ("text renamed docx", _write("notes.docx", "广州市荔湾区".encode()), CorruptFile, "ZIP"),
    ("pdf renamed docx", lambda tmp: make_pdf("广州", tmp / "renamed.docx"), CorruptFile, "PDF"),
    ("zip without document.xml", _zip("sheet.docx", {"xl/workbook.xml": "<workbook/>"}), CorruptFile,
     "word/document.xml"),
    ("docx with broken xml", _broken_docx_xml, CorruptFile, "XML"),
]


@pytest.mark.parametrize(("build", "error", "says"), [case[1:] for case in BAD_INPUTS],
                         ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_raises_a_named_one_line_error(tmp_path: Path, build: Callable[[Path], Path],
                                                 error: type[ReportLoadError], says: str) -> None:
    path = build(tmp_path)
    with pytest.raises(error) as raised:
        load_report(path)
    message = str(raised.value)
    assert path.name in message
    assert says.lower() in message.lower()
    assert "\n" not in message and "\r" not in message
    assert raised.value.path == path


def test_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("广州市荔湾区残疾人联合会。\n" * 1000, encoding="utf-8")
    with pytest.raises(ReportTooLarge, match=r"huge\.txt.*limit"):
        load_report(path, max_bytes=1024)
    assert MAX_REPORT_BYTES == 50 * 1024 * 1024
    assert load_report(path).format == "txt"  # under the default limit


def test_file_name_with_a_line_break_still_gives_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptyReport) as raised:
        load_report(path)
    assert "\n" not in str(raised.value) and "lines.txt" in str(raised.value)


def test_errors_survive_pickling(tmp_path: Path) -> None:
    """Errors cross process boundaries (a worker pool ingesting several reports) intact."""
    error = pickle.loads(pickle.dumps(EmptyReport(tmp_path / "a.txt", "file is empty")))
    assert isinstance(error, EmptyReport) and str(error) == f"{tmp_path / 'a.txt'}: file is empty"


def test_every_error_is_a_report_load_error() -> None:
    for error in (ReportFileNotFound, NotAFile, UnsupportedFormat, ReportTooLarge, EmptyReport, NotAReport,
                  UndecodableText, CorruptFile, EncryptedFile, NoTextLayer):
        assert issubclass(error, ReportLoadError)
    assert SUPPORTED_SUFFIXES == (".txt", ".pdf", ".docx")
