"""Pure: cleaned text -> paragraphs with their heading path (一、 / （一） / 1． / （1） / 一是…)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.document import PlacedTable
from ingest.report import Paragraph

SECTION_SEPARATOR = " > "
MAX_HEADING_CHARS = 40  # a longer "（1）…" is a list item of the body, not a heading

HEADING_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    (3, re.compile(r"^\d{1,2}[．.、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
    (5, re.compile(r"^[一二三四五六七八九十]+是")),
)
_TITLE_END = re.compile(r"[。：:！？]")


def heading_level(line: str) -> int:
    """The outline level a line's marker announces (1..5), or 0 for none."""
    for level, pattern in HEADING_LEVELS:
        if pattern.match(line):
            return level
    return 0


def split_heading(paragraph: str) -> tuple[str, str] | None:
    """Split "1．主要职能。广州市…" into ("1．主要职能", "广州市…"); None when the paragraph is not a heading."""
    level = heading_level(paragraph)
    if not level:
        return None
    if level == 5 and len(paragraph) > MAX_HEADING_CHARS:
        return None  # "一是…，拟投入…：…" running on is an enumeration inside the text, not a heading
    end = _TITLE_END.search(paragraph)
    title_end = end.start() if end else len(paragraph)
    if title_end > MAX_HEADING_CHARS:
        return None
    body_start = end.end() if end else len(paragraph)
    return paragraph[:title_end].strip(), paragraph[body_start:].strip()


def outline_paragraphs(text: str, tables: Sequence[PlacedTable] = ()) -> list[Paragraph]:
    """Give every paragraph of cleaned text (one per line) its heading path; headings become their own entries.

    A table's row lines (`tables`: where CleanedText placed them) are never headings: each is a paragraph of its
    own, under the heading the table stands in.
    """
    row_at = {span[0]: (t.index, r) for t in tables for r, span in enumerate(t.rows) if span[1] > span[0]}
    paragraphs: list[Paragraph] = []
    stack: list[tuple[int, str]] = []
    offset = 0
    seen_heading = False
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        if start in row_at:
            table, row = row_at[start]
            section = SECTION_SEPARATOR.join(title for _, title in stack)
            paragraphs.append(Paragraph(line, section, start, start + len(line), table=table, row=row))
            continue
        split = split_heading(line)
        if split is None:
            section = SECTION_SEPARATOR.join(title for _, title in stack)
            # lines before the first heading are the report's title block
            paragraphs.append(Paragraph(line, section, start, start + len(line), is_heading=not seen_heading))
            continue
        seen_heading = True
        title, body = split
        level = heading_level(line)
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        section = SECTION_SEPARATOR.join(t for _, t in stack)
        paragraphs.append(Paragraph(title, section, start, start + len(title), is_heading=True, level=level))
        if body:
            body_start = start + line.index(body, len(title))
            paragraphs.append(Paragraph(body, section, body_start, body_start + len(body)))
    return paragraphs


def report_title(paragraphs: list[Paragraph]) -> str:
    """The title block: the lines before the first numbered heading, joined."""
    title = ""
    for p in paragraphs:
        if p.level:
            break
        if p.is_heading:
            title += p.text
    return title[:120]


def count_sections(paragraphs: list[Paragraph]) -> int:
    """How many headings the outline has."""
    return sum(1 for p in paragraphs if p.level)
