"""Pure: outlined paragraphs -> sentence-aware chunks within a section, with ids, spans and heading paths."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from ingest.report import Chunk, Paragraph

_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+$")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans of the sentences of `text` (ending at 。！？；), shifted by `offset`; never inside a number."""
    return [(m.start() + offset, m.end() + offset) for m in _SENTENCE.finditer(text) if m.group().strip()]


def chunk_paragraphs(paragraphs: Iterable[Paragraph], cleaned_text: str, report_id: str,
                     size: int = 250, overlap: int = 60) -> list[Chunk]:
    """Pack whole sentences of each section into chunks of about `size` characters.

    Consecutive chunks of a section share trailing sentences up to `overlap` characters; a sentence
    longer than `size` is a chunk of its own (never cut). Ids are content hashes, so an unchanged report
    gives the same ids.
    """
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section, spans in _sentences_by_section(paragraphs, cleaned_text):
        for start, end in _pack(spans, size, overlap):
            text = cleaned_text[start:end]
            digest = hashlib.sha1(f"{report_id}|{section}|{text}".encode()).hexdigest()[:20]
            seen[digest] = seen.get(digest, 0) + 1
            chunk_id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
            chunks.append(Chunk(chunk_id, report_id, text, section, start, end, len(chunks)))
    return chunks


_WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")


def uncovered_spans(paragraphs: Sequence[Paragraph], chunks: Sequence[Chunk], cleaned_text: str) -> list[tuple[int, int]]:
    """Runs of the cleaned text's word characters (letters, digits, CJK) that lie in no chunk.

    A heading lies in a chunk when it is in the chunk's text, or when it is on the heading path of a chunk (the
    path is embedded and cited with every chunk under it). Punctuation and whitespace carry no words and do not
    count.
    """
    covered = [False] * len(cleaned_text)
    for c in chunks:
        for i in range(c.start, min(c.end, len(cleaned_text))):
            covered[i] = True
    paths = {c.section for c in chunks}
    prefixes = {" > ".join(path.split(" > ")[:k]) for path in paths for k in range(1, path.count(" > ") + 2)}
    for p in paragraphs:
        if p.is_heading and p.level and p.section in prefixes:
            for i in range(p.start, min(p.end, len(cleaned_text))):
                covered[i] = True
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(cleaned_text):
        if covered[i] or not _WORD_CHAR.match(ch):
            continue
        if spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        elif spans and not any(_WORD_CHAR.match(x) for x in cleaned_text[spans[-1][1]:i]):
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


def coverage(paragraphs: Sequence[Paragraph], chunks: Sequence[Chunk], cleaned_text: str) -> float:
    """The share of the cleaned text's word characters that lie in some chunk (1.0: nothing lost)."""
    total = sum(1 for ch in cleaned_text if _WORD_CHAR.match(ch))
    if not total:
        return 1.0
    missing = sum(sum(1 for ch in cleaned_text[a:b] if _WORD_CHAR.match(ch))
                  for a, b in uncovered_spans(paragraphs, chunks, cleaned_text))
    return (total - missing) / total


def _sentences_by_section(paragraphs: Iterable[Paragraph], cleaned_text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Sentence spans grouped by section, in order.

    A heading joins its section's text when it shares a line with its body ("（2）差异原因分析。社会保障…")
    or when its section has no body at all ("（7）完成…其他任务。"), so that no words of the report are lost;
    the title line(s) and the preface are text of the report too (under no heading).
    """
    paragraphs = list(paragraphs)
    groups: list[tuple[str, list[tuple[int, int]]]] = []
    for i, p in enumerate(paragraphs):
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if p.is_title:
            spans = [(p.start, p.end)]
        elif p.is_heading:
            inline = (nxt is not None and not nxt.is_heading and nxt.section == p.section
                      and "\n" not in cleaned_text[p.end:nxt.start])
            leaf = nxt is None or (nxt.is_heading and 0 < nxt.level <= p.level)
            if not (inline or leaf):
                continue
            spans = [(p.start, p.end)]
        elif p.is_table_row:
            spans = [(p.start, p.end)]  # a table row is never cut
        else:
            spans = sentence_spans(p.text, p.start)
        if not groups or groups[-1][0] != p.section:
            groups.append((p.section, []))
        groups[-1][1].extend(spans)
    return groups


def _pack(spans: list[tuple[int, int]], size: int, overlap: int) -> list[tuple[int, int]]:
    packed: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        j = i + 1
        while j < len(spans) and spans[j][1] - spans[i][0] <= size:
            j += 1
        packed.append((spans[i][0], spans[j - 1][1]))
        if j >= len(spans):
            break
        # step back over trailing sentences that fit in the overlap, but always move forward: the next chunk
        # must still hold the next new sentence, or it would be a mere tail of this one
        k = j
        while (k - 1 > i and spans[j - 1][1] - spans[k - 1][0] <= overlap
               and spans[j][1] - spans[k - 1][0] <= size):
            k -= 1
        i = k
    return packed
