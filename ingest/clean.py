"""Pure: raw report text -> clean text, one paragraph per line.

Rejoins lines wrapped mid-sentence (pdftotext output), drops page breaks, page numbers and repeated
headers/footers, normalises full-width digits, and collapses passages the document repeats. Text with one
paragraph per line (web pages, CMS and Word exports, half-width punctuation) is kept as it is; header lines
(文号, 索引号) and form fields (项目名称：…) stay lines of their own. A report in traditional characters is
converted to simplified (OpenCC t2s) character for character, and its own text kept beside (CleanedText.original).
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from dataclasses import dataclass, field, replace

from ingest.document import TABLE, Block, PlacedTable, Table, table_lines
from ingest.outline import PREFACE_SCAN_LINES, heading_style, preface_kind


# CJK ideographs and CJK/full-width punctuation: no spaces belong next to them.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2018-\u201d\u2014\u2026"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{_CJK}])[ \\t\\u00a0]+|[ \\t\\u00a0]+(?=[{_CJK}])")
_SPACE_IN_NUMBER = re.compile(r"(?<=\d)[ \t]+(?=%)|(?<=\d\.)[ \t]+(?=\d)|(?<=\d)[ \t]+(?=\.\d)")
_PAGE_NUMBER = re.compile(r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?|\d{1,4}"
                          r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$", re.IGNORECASE)
_SENTENCE_END = "。！？!?"


def _starts_heading(line: str) -> bool:
    """A line that starts like a heading of any style the outline knows (第一部分, 一、, （一）, 1．, （1）, ①, 一是)."""
    return bool(heading_style(line))

# A sentence ends at 。！？；; a list marker at its start does not change what it says.
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+$")
_LEADING_MARKER = re.compile(r"^(?:（\d{1,2}）|\(\d{1,2}\)|\d{1,2}[．.、](?!\d)|（[一二三四五六七八九十]+）)")

MIN_REPEATED_CHARS = 80  # a repeated run shorter than this ("无。", "与上年无变化。") is kept
MIN_REPEATED_SENTENCES = 3
MIN_LINES_TO_TELL_LAYOUT = 12
MIN_NEAR_WIDTH_SHARE = 0.3  # wrapped reports: ~0.7 of lines near the width; paragraph-per-line: < 0.1
MAX_HEADING_LINE_CHARS = 40  # a longer line that starts like a heading is a wrapped list item


@dataclass(frozen=True)
class CleanedText:
    """The cleaned text and what cleaning removed."""

    text: str  # one paragraph per line
    duplicate_chars_removed: int
    duplicate_passages_removed: int
    noise_lines_removed: int  # page numbers, repeated headers/footers
    tables: tuple[PlacedTable, ...] = field(default=(), compare=False)  # where each table's rows stand in `text`
    duplicate_texts: tuple[str, ...] = field(default=(), compare=False)  # each removed second copy, as printed
    # a report in traditional characters: `text` is converted to simplified (search, figures and outline read it)
    # and `original` is the same cleaned text in the report's own characters, character for character at the same
    # offsets, so that any span of `text` can be quoted as the report writes it; "" when nothing was converted
    original: str = field(default="", compare=False)

    def original_span(self, start: int, end: int) -> str:
        """The report's own characters for a span of `text` (the span itself when nothing was converted)."""
        return (self.original or self.text)[start:end]


def clean_report_text(raw: str) -> CleanedText:
    """Clean raw report text into paragraphs, one per line."""
    return clean_document([Block("text", raw)])


# A table stands in the text being cleaned as one line of its own that no cleaning step joins, drops or repeats.
# Private-use characters: str.strip() and \s take control characters such as \x1e for whitespace.
_TABLE_MARK = "\ue000{}\ue000"
_TABLE_MARK_LINE = re.compile("^\ue000(\\d+)\ue000$")


def clean_document(blocks: list[Block]) -> CleanedText:
    """Clean a report's blocks into one text, one paragraph per line; each table placed as one line per row.

    Text blocks are cleaned together (the line width and page furniture are the whole report's); a table is
    never joined to the prose around it, and its rows are kept as the reader gave them.
    """
    tables = [b.table for b in blocks if b.kind == TABLE and b.table is not None]
    lines: list[str] = []
    n = 0
    for block in blocks:
        if block.kind == TABLE and block.table is not None:
            lines.append(_TABLE_MARK.format(n))
            n += 1
        else:
            lines.extend(line.strip() for line in normalize_characters(block.text).split("\n"))
    lines, noise = _drop_page_noise(lines)
    paragraphs = _join_wrapped_lines(lines)
    paragraphs = [_tidy_spaces(p) for p in paragraphs]
    paragraphs = [p for p in paragraphs if p]
    removed_copies: list[str] = []
    paragraphs, dup_chars, dup_runs = _collapse_repeated_passages(paragraphs, removed_copies)
    out: list[str] = []
    placed: list[PlacedTable] = []
    offset = 0
    for paragraph in paragraphs:
        mark = _TABLE_MARK_LINE.match(paragraph)
        if mark is None:
            out.append(paragraph)
            offset += len(paragraph) + 1
            continue
        index = int(mark.group(1))
        start, rows = offset, []
        for line in table_lines(tables[index]):
            line = _tidy_spaces(normalize_characters(line).replace("\n", " "))
            rows.append((offset, offset + len(line)))
            if line:
                out.append(line)
                offset += len(line) + 1
        placed.append(PlacedTable(tables[index], index, start, max(start, offset - 1), tuple(rows)))
    text = "\n".join(out)
    if not is_traditional(text):
        return CleanedText(text, dup_chars, dup_runs, noise, tuple(placed), tuple(removed_copies))
    simplified = to_simplified(text)
    placed = [replace(p, table=_simplified_table(p.table)) for p in placed]
    return CleanedText(simplified, dup_chars, dup_runs, noise, tuple(placed), tuple(to_simplified(t) for t in
                                                                                      removed_copies), original=text)


# --- traditional characters ---------------------------------------------------------------------------------------
MIN_TRADITIONAL_SHARE = 0.05  # traditional text changes ~20-30% of its characters in t2s; simplified text ~0


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def is_traditional(text: str) -> bool:
    """Whether a text is written in traditional characters: converting it to simplified changes many of them."""
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if len(cjk) < 10:
        return False
    sample = "".join(cjk[:5000])
    changed = sum(a != b for a, b in zip(sample, _aligned_t2s(sample, _converter())))
    return changed >= MIN_TRADITIONAL_SHARE * len(sample)


def to_simplified(text: str) -> str:
    """Traditional -> simplified, character for character (the same length, the same offsets)."""
    return _aligned_t2s(text, _converter())


def _aligned_t2s(text: str, converter) -> str:
    out = []
    for line in text.split("\n"):
        converted = converter.convert(line)
        if len(converted) != len(line):  # a phrase converted to another length: convert character by character
            converted = "".join(ch2 if len(ch2 := converter.convert(ch)) == 1 else ch for ch in line)
        out.append(converted)
    return "\n".join(out)


def _simplified_table(table: Table) -> Table:
    converter = _converter()
    cells = tuple(replace(c, text=_aligned_t2s(c.text, converter)) for c in table.cells)
    return replace(table, cells=cells, caption=_aligned_t2s(table.caption, converter))


_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９％＋－．"}
_FULLWIDTH.update({ord(c): ord(c) - 0xFEE0 for c in "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"})


def normalize_characters(text: str) -> str:
    """NFKC where it matters for numbers: full-width digits, letters, %, and '．' inside a number.

    Chinese punctuation (，。（）：) is kept: headings and sentences are recognised by it, and so is the
    half-width punctuation of web pages (, : ( ) ;).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"\n*\f\n*", "\n", text)  # a page break joins the pages; it never ends a paragraph by itself
    # a Markdown heading's marks ("## 一、项目概况", from a CMS or a chat tool) are markup, not the heading's text
    text = re.sub(r"(?m)^[ \t]*#{1,6}[ \t]+(?=\S)", "", text)
    text = text.replace("\ufeff", "").replace("\u200b", "").replace("\u00a0", " ").replace("\u3000", " ")
    # '．' between digits is a decimal point; after a heading number ("1．主要职能") it stays.
    text = re.sub(r"(?<=[0-9０-９])．(?=[0-9０-９])", ".", text)
    digits_and_letters = {k: v for k, v in _FULLWIDTH.items() if chr(k) != "．"}
    text = text.translate(digits_and_letters)
    # thousands separators stay as written ("1,407", "12,345.67"): a figure's text is the report's; its value is
    # read by ingest.numbers. A full-width "，" between digits separates two figures ("各是120，130万元").
    return "".join(ch for ch in text if ch in "\n\t" or ch >= " ")


def _drop_page_noise(lines: list[str]) -> tuple[list[str], int]:
    """Drop page numbers and headers/footers that repeat on many pages.

    The lines go without a trace: a blank left in their place would end, in single-spaced text, the
    paragraph that runs on across the page break.
    """
    counts = Counter(line for line in lines if line)
    repeated = {line for line, n in counts.items()
                if n >= 3 and len(line) <= 40 and not line.endswith(tuple(_SENTENCE_END + "；;：:"))
                and not _starts_heading(line)}
    kept, removed = [], 0
    for line in lines:
        if line and (_PAGE_NUMBER.match(line) or line in repeated):
            removed += 1
            continue
        kept.append(line)
    return kept, removed


def _join_wrapped_lines(lines: list[str]) -> list[str]:
    """Rejoin lines that a layout wrapped mid-paragraph.

    pdftotext-like text puts a blank line after every line and several at a page break, so blank lines
    carry no meaning there; in ordinary text a blank line ends a paragraph. A line continues the previous
    one unless it starts a heading, the previous one is a heading, or the previous one ended a sentence
    well short of the full line width.
    """
    nonblank = [i for i, line in enumerate(lines) if line and not _TABLE_MARK_LINE.match(line)]
    if not nonblank:
        return [line for line in lines if line]
    followed_by_blank = sum(1 for i in nonblank if i + 1 < len(lines) and not lines[i + 1])
    double_spaced = followed_by_blank >= 0.7 * len(nonblank)
    lengths = sorted(_display_len(lines[i]) for i in nonblank)
    width = lengths[int(0.75 * (len(lengths) - 1))]
    if not _hard_wrapped(lengths, width):  # one paragraph per line already (Word export, cleaned text)
        return [line for line in lines if line]

    paragraphs: list[str] = []
    current = ""
    blank_run = 0
    seen = 0
    for line in lines:
        if not line:
            blank_run += 1
            continue
        seen += 1
        if _TABLE_MARK_LINE.match(line) or _TABLE_MARK_LINE.match(current):
            if current:
                paragraphs.append(current)
            current, blank_run = line, 0
            continue
        starts_new = (
            not current
            or (not double_spaced and blank_run > 0)
            or _starts_heading(line)
            or (_is_heading_line(current) and _display_len(current) < 0.9 * width)
            or _display_len(current.rsplit("\n", 1)[-1]) < 0.7 * width
            or (current.endswith(tuple(_SENTENCE_END)) and _display_len(_last_line(current)) < 0.9 * width)
            # a document's header lines (文号, 索引号, 称呼) and a form's fields stand on lines of their own
            or (seen <= PREFACE_SCAN_LINES and _ends_a_header_line(_last_line(current), line, width))
            or (_is_field_line(line) and _is_field_line(_last_line(current)))
        )
        if starts_new:
            if current:
                paragraphs.append(current)
            current = line
        else:
            current = _glue(current, line)
        blank_run = 0
    if current:
        paragraphs.append(current)
    return [p.replace("\n", "") for p in paragraphs]


def _ends_a_header_line(previous: str, line: str, width: int) -> bool:
    """A header line (文号, 索引号, a date; a salutation unless a wrapped line could end so) is a paragraph alone."""
    before, after = preface_kind(previous), preface_kind(line)
    if before and (before != "salutation" or _display_len(previous) < 0.9 * width):
        return True
    # a salutation ends a line that is no wrapped sentence: a short one, or one without punctuation (a title)
    return bool(after) and (after != "salutation" or _display_len(previous) < 0.9 * width
                            or not re.search(r"[，,。；;、：:！？]", previous))


_FIELD_LINE = re.compile(r"^[\u4e00-\u9fffA-Za-z（）()、]{2,16}[：:]")


def _is_field_line(line: str) -> bool:
    """A form's field, one a line: "项目名称：…", "项目资金(万元):年度资金总额120,…"."""
    return _FIELD_LINE.match(line) is not None and not _starts_heading(line)


def _hard_wrapped(lengths: list[int], width: int) -> bool:
    """Whether a layout wrapped the lines at a fixed width: many lines then end near that width.

    In text with one paragraph per line the lengths spread widely; too few lines to tell count as wrapped.
    """
    if len(lengths) < MIN_LINES_TO_TELL_LAYOUT:
        return True
    near_width = sum(1 for n in lengths if 0.9 * width <= n <= 1.1 * width)
    return near_width >= MIN_NEAR_WIDTH_SHARE * len(lengths)


def _is_heading_line(paragraph: str) -> bool:
    """A paragraph that is one heading line ("（一）部门职能"): unless wrapped at full width, the body starts anew."""
    return ("\n" not in paragraph and len(paragraph) <= MAX_HEADING_LINE_CHARS
            and _starts_heading(paragraph)
            and not re.search(r"[。！？；!?;，,：:]", paragraph))


def _last_line(paragraph: str) -> str:
    return paragraph.rsplit("\n", 1)[-1]


def _glue(current: str, line: str) -> str:
    """Append a wrapped line: no space between CJK, one between Latin words; remember the line break."""
    if _CJK_CHAR.search(current[-1]) or _CJK_CHAR.search(line[0]):
        return current + "\n" + line
    if re.match(r"[\d.,]", current[-1]) and re.match(r"[\d.,%]", line[0]):
        return current + "\n" + line  # a number wrapped in Chinese text ("64.1" / "4%"): Latin words never split

    return current + " \n" + line


def _display_len(line: str) -> int:
    """Width as a layout sees it: CJK characters count double."""
    return sum(2 if _CJK_CHAR.match(ch) else 1 for ch in line)


def _tidy_spaces(paragraph: str) -> str:
    """Remove spaces a layout put between Chinese text and numbers; keep spaces between Latin words."""
    paragraph = _SPACE_NEAR_CJK.sub("", paragraph)
    paragraph = _SPACE_IN_NUMBER.sub("", paragraph)
    return re.sub(r"[ \t]{2,}", " ", paragraph).strip()


def split_sentences(text: str) -> list[str]:
    """Split at 。！？；, keeping the punctuation with its sentence (never inside a number)."""
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def _sentence_key(sentence: str) -> str:
    return _LEADING_MARKER.sub("", re.sub(r"\s+", "", sentence))


def _collapse_repeated_passages(paragraphs: list[str], removed_copies: list[str] | None = None
                                ) -> tuple[list[str], int, int]:
    """Remove the second copy of any passage (whole paragraphs) the document already said, word for word.

    Compares sentence by sentence, so that a copy wrapped or marked differently ("（2）" dropped) is still
    found; a run must cover whole paragraphs of the copy (a list that repeats a few clauses of another
    section inside a paragraph stays), and short runs ("无。") are legitimate repetition and stay.
    """
    units: list[tuple[int, str]] = []  # (paragraph index, sentence)
    for p_index, paragraph in enumerate(paragraphs):
        units.extend((p_index, s) for s in split_sentences(paragraph))
    starts_paragraph = [i == 0 or units[i - 1][0] != units[i][0] for i in range(len(units))]
    ends_paragraph = [i == len(units) - 1 or units[i + 1][0] != units[i][0] for i in range(len(units))]
    keys = [_sentence_key(s) for _, s in units]
    positions: dict[str, list[int]] = {}
    removed = [False] * len(units)
    removed_chars = removed_runs = 0
    i = 0
    while i < len(units):
        best_len = 0
        for j in positions.get(keys[i], []) if starts_paragraph[i] else []:
            k = 0
            while i + k < len(units) and j + k < i and keys[j + k] == keys[i + k] and not removed[j + k]:
                k += 1
            while k and not ends_paragraph[i + k - 1]:  # a passage is whole paragraphs
                k -= 1
            best_len = max(best_len, k)
        # what the copy holds, list markers included ("（1）"), whitespace not: the characters removed
        run_chars = sum(len(re.sub(r"\s+", "", units[i + k][1])) for k in range(best_len))
        if best_len >= MIN_REPEATED_SENTENCES and run_chars >= MIN_REPEATED_CHARS:
            for k in range(best_len):
                removed[i + k] = True
            removed_chars += run_chars
            removed_runs += 1
            if removed_copies is not None:  # the figures audit reports the passage printed twice
                removed_copies.append("".join(units[i + k][1] for k in range(best_len)))
            i += best_len
            continue
        positions.setdefault(keys[i], []).append(i)
        i += 1
    rebuilt: dict[int, str] = {}
    for (p_index, sentence), gone in zip(units, removed):
        if not gone:
            rebuilt[p_index] = rebuilt.get(p_index, "") + sentence
    return [rebuilt[i].strip() for i in sorted(rebuilt) if rebuilt[i].strip()], removed_chars, removed_runs
