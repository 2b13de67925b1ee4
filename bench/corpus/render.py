"""Render the prose corpus reports from their sources into the layouts staff receive them in.

Each prose report is written once, as plain paragraphs, in `bench/corpus/sources/<id>.txt` (simplified
characters, full-width punctuation, one paragraph a line). This script turns it into the file the corpus
holds, `bench/corpus/reports/<id>.<txt|docx>`, in the layout named in `LAYOUTS` below:

- `pdftotext`: what pdftotext gives for a Word-made PDF: lines wrapped mid-sentence at a fixed width (a
  number is never cut, closing punctuation never starts a line), a blank line after every line, a page number
  ("— 3 —") at the foot of each page and the running header at the top of the next; a source line
  `[[pagebreak]]` ends the page there (a table of contents on its own page), a source line `[[footnote]]①…`
  is a footnote, printed in its smaller font (wider lines) at the foot of the page its paragraph ends on;
- `web`: paragraph per line as copied from a portal page, with half-width `, : ( ) ;`;
- `docx`: one Word paragraph per source paragraph (python-docx; no tables here: those are cort's);
- `traditional=True`: converted with OpenCC s2t after the layout (some portals serve traditional characters).

The rendered files are the corpus (committed); `python -m bench.corpus.render --check` says whether they are
up to date with their sources (the corpus check runs it).
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
SOURCES_DIR = CORPUS_DIR / "sources"
REPORTS_DIR = CORPUS_DIR / "reports"


@dataclass(frozen=True)
class Layout:
    """How one source is rendered."""

    kind: str  # pdftotext | web | docx | plain
    width: int = 31  # pdftotext: characters per line (a CJK character is 1, ASCII 0.5)
    lines_per_page: int = 26  # pdftotext: text lines per page
    header: str = ""  # pdftotext: running header at the top of pages 2..n
    spaced_numbers: bool = False  # pdftotext: pdftotext's spaces around Latin runs ("收入 2700.38 万元")
    page_format: str = "— {n} —"  # pdftotext: the page number line
    traditional: bool = False


LAYOUTS: dict[str, Layout] = {
    "nanhai-edu-2022-dept-performance": Layout(
        "pdftotext", width=31, lines_per_page=27, header="佛山市南海区教育局2022年度部门整体支出绩效自评报告",
        spaced_numbers=True),
    "wuhou-yulin-street-2021-final-accounts": Layout("web"),
    "xinhui-hospital-2024-equipment-project": Layout("docx"),
    "xiangzhou-no9-school-2020-evaluation-conclusion": Layout("plain"),
    "chancheng-civil-affairs-2023-three-public-expenses": Layout("plain", traditional=True),
    "huicheng-health-2025-dept-performance": Layout("web"),
    "jinping-womens-federation-2024-dept-performance": Layout("docx"),
    "qingcheng-hrss-2023-employment-subsidy-project": Layout("plain"),
    "yinzhou-finance-2020-final-accounts": Layout(
        "pdftotext", width=33, lines_per_page=30, header="宁波市鄞州区财政局2020年度部门决算", page_format="- {n} -"),
    "zhenjiang-cast-2022-dept-performance": Layout(
        "pdftotext", width=30, lines_per_page=25, header="浈江区科学技术协会2022年度部门整体支出绩效自评报告",
        page_format="第 {n} 页"),
    "chikan-cunjin-street-2023-final-accounts": Layout("web"),
    "maoming-tcm-hospital-2021-specialty-project": Layout("docx"),
    "meijiang-emergency-2024-three-public-expenses": Layout("plain", traditional=True),
    "duanzhou-veterans-2022-dept-performance": Layout(
        "pdftotext", width=27, lines_per_page=22, header="端州区退役军人事务局2022年度部门整体支出绩效自评报告"),
    "huguang-town-2020-final-accounts": Layout("web"),
    "dianbai-hospital-2021-three-public-expenses": Layout("docx"),
    "dongpo-agri-2022-dept-performance": Layout(
        "pdftotext", width=32, lines_per_page=24, header="东坡区农业农村局2022年度部门整体支出绩效自评报告",
        spaced_numbers=True, page_format="{n}"),
    "jianxi-samr-2021-final-accounts": Layout("web"),
    "keqiao-library-2024-digital-reading-project": Layout("docx"),
    "hanjiang-archives-2020-evaluation-conclusion": Layout("plain"),
    "lusong-health-2023-dept-performance": Layout(
        "pdftotext", width=29, lines_per_page=23, header="芦淞区卫生健康局2023年度部门整体支出绩效自评报告",
        spaced_numbers=True, page_format="·{n}·"),
    "baohe-wanghu-street-2022-final-accounts": Layout("web"),
    "kuiwen-experimental-school-2024-smart-classroom-project": Layout("docx"),
    "nanming-edu-2023-dept-performance": Layout(
        "pdftotext", width=30, lines_per_page=28, header="南明区教育局2023年度部门整体支出绩效自评报告",
        spaced_numbers=True, page_format="第{n}页"),
    "wuhua-huashan-street-2024-elderly-care-project": Layout("plain"),
    "qingxiu-xinzhu-street-2022-final-accounts": Layout("web"),
    "xingqing-health-2023-three-public-expenses": Layout("plain", traditional=True),
    "lubei-civil-affairs-2024-dept-performance": Layout(
        "pdftotext", width=28, lines_per_page=26, header="路北区民政局2024年度部门整体支出绩效自评报告",
        spaced_numbers=True),
    "qingniwaqiao-street-2021-final-accounts": Layout("web"),
    "qinzhou-culture-center-2022-public-culture-project": Layout("plain"),
    "yaowan-street-2022-final-accounts": Layout("web"),
    "jintai-hospital-2024-infection-control-project": Layout("plain"),
    "haigang-agri-2024-three-public-expenses": Layout("plain", traditional=True),
    "zhangdian-health-2023-dept-performance": Layout(
        "pdftotext", width=29, lines_per_page=20, header="张店区卫生健康局2023年度部门整体支出绩效自评报告",
        spaced_numbers=True, page_format="- {n} -"),
    "hongqi-samr-2021-three-public-expenses": Layout("plain", traditional=True),
    "fengze-donghai-chc-2021-family-doctor-evaluation-opinion": Layout("plain"),
    "zhanggong-audit-2024-dept-performance": Layout(
        "pdftotext", width=31, lines_per_page=24, header="章贡区审计局2024年度部门整体支出绩效自评报告",
        page_format="- {n} -"),
    "jianhua-stats-2023-three-public-expenses": Layout("docx"),
    "longsha-stats-2022-final-accounts": Layout("web"),
    "shahe-kindergarten-2023-facilities-project-evaluation-conclusion": Layout("plain"),
    "saihan-commerce-2022-county-commerce-project": Layout("plain"),
}

_NO_LINE_START = set("，。、；：？！）》」』”’%．,.;:)!?")
_HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})


def _units(text: str) -> list[str]:
    """Unbreakable pieces: a run of Latin letters/digits/number punctuation, or one other character."""
    return re.findall(r"[0-9A-Za-z][0-9A-Za-z.,%‰\-]*[0-9A-Za-z%‰]|[0-9A-Za-z]|.", text)


def _width(piece: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in piece)


def wrap(paragraph: str, width: int, spaced: bool) -> list[str]:
    """Wrap a paragraph the way a justified Word line breaks (pdftotext keeps those breaks)."""
    lines: list[str] = []
    line, used = "", 0.0
    if spaced:
        paragraph = re.sub(r"(?<=[\u4e00-\u9fff])(?=[0-9])", " ", paragraph)
        paragraph = re.sub(r"(?<=[0-9%])(?=[\u4e00-\u9fff])", " ", paragraph)
    for piece in _units(paragraph):
        text = piece
        w = _width(text)
        if used + w > width and line and piece[0] not in _NO_LINE_START:
            lines.append(line.strip())
            line, used = "", 0.0
            text = text.lstrip()
        line += text
        used += w
    if line.strip():
        lines.append(line.strip())
    return [re.sub(r" {2,}", " ", ln) for ln in lines]


PAGE_BREAK = "[[pagebreak]]"
FOOTNOTE = "[[footnote]]"


def render_pdftotext(paragraphs: list[str], layout: Layout) -> str:
    """Hard-wrapped text with blank lines, page numbers and a running header (and footnotes, page breaks)."""
    out: list[str] = [""]
    page, on_page = 1, 0
    title_lines = 0
    notes: list[str] = []  # footnote lines waiting for the foot of this page

    def end_page() -> None:
        nonlocal page, on_page
        out.append("")
        if notes:
            out.extend(ln for note in notes for ln in (note, ""))
            notes.clear()
        out.extend([layout.page_format.format(n=page), "", ""])
        page += 1
        on_page = 0
        if layout.header:
            out.extend([layout.header, ""])

    for i, para in enumerate(paragraphs):
        if para == PAGE_BREAK:
            end_page()
            continue
        if para.startswith(FOOTNOTE):
            notes.extend(wrap(para[len(FOOTNOTE):], layout.width + 6, layout.spaced_numbers))
            continue
        if i < 3 and len(para) <= 40 and not re.match(r"[一二三四五六七八九十]+、", para):
            # the title block: centred lines in the PDF, each its own line
            out += [para, ""]
            title_lines += 1
            continue
        for ln in wrap(para, layout.width, layout.spaced_numbers):
            if on_page == layout.lines_per_page:
                end_page()
            out += [ln, ""]
            on_page += 1
    out.append("")
    out.extend(ln for note in notes for ln in (note, ""))
    out += [layout.page_format.format(n=page), ""]
    return "\n".join(out)


def render_text(paragraphs: list[str], layout: Layout) -> str:
    """The report text in its layout (before an optional traditional conversion)."""
    if layout.kind == "pdftotext":
        return render_pdftotext(paragraphs, layout)
    if layout.kind == "web":
        return "\n".join(p.translate(_HALF_WIDTH) for p in paragraphs) + "\n"
    return "\n".join(paragraphs) + "\n"


def _to_traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def render_docx(paragraphs: list[str], layout: Layout) -> bytes:
    """A Word file, one paragraph per source paragraph; byte-stable (fixed core properties and zip times)."""
    import datetime

    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.author, props.last_modified_by = "", ""
    stamp = datetime.datetime(2024, 1, 1)
    props.created = props.modified = stamp
    props.revision = 1
    for para in paragraphs:
        text = _to_traditional(para) if layout.traditional else para
        doc.add_paragraph(text)
    raw = io.BytesIO()
    doc.save(raw)
    # python-docx writes the current time into each zip entry: rewrite them with a fixed one
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return fixed.getvalue()


def source_paragraphs(report_id: str) -> list[str]:
    """The source's paragraphs (non-blank lines)."""
    text = (SOURCES_DIR / f"{report_id}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def rendered(report_id: str) -> tuple[Path, bytes]:
    """Where a report is rendered and its bytes."""
    layout = LAYOUTS[report_id]
    paragraphs = source_paragraphs(report_id)
    if layout.kind == "docx":
        return REPORTS_DIR / f"{report_id}.docx", render_docx(paragraphs, layout)
    text = render_text(paragraphs, layout)
    if layout.traditional:
        text = _to_traditional(text)
    return REPORTS_DIR / f"{report_id}.txt", text.encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """CLI: render every source (or check that the rendered files are current)."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus.render", description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="report ids (default: all in LAYOUTS)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a rendered file differs from its source")
    args = parser.parse_args(argv)
    stale = []
    for report_id in args.ids or sorted(LAYOUTS):
        path, data = rendered(report_id)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path.name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(CORPUS_DIR)}")
    if stale:
        print("out of date (run python -m bench.corpus.render): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
