"""ingest.chunk: whole sentences within a section, size and overlap respected, content-hash ids, nothing lost."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.chunk import chunk_paragraphs
from ingest.clean import clean_report_text
from ingest.load import load_report
from ingest.outline import outline_paragraphs
from ingest.report import Chunk, Paragraph

REPORT = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
REPORT_ID = "liwan-2023"
SENTENCE_END = "。！？；!?;"
# our own reading of a sentence: up to and including 。！？； (the product's splitter is not used here)
SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
SIZES = [(60, 10), (120, 30), (250, 60), (400, 100), (800, 0)]


@pytest.fixture(scope="module")
def raw() -> str:
    return load_report(REPORT).text


@pytest.fixture(scope="module")
def text(raw: str) -> str:
    return clean_report_text(raw).text


@pytest.fixture(scope="module")
def paragraphs(text: str) -> list[Paragraph]:
    return outline_paragraphs(text)


def chunks_of(raw_text: str, size: int = 250, overlap: int = 60, report_id: str = REPORT_ID) -> list[Chunk]:
    """Chunks of a raw report text."""
    return chunks_of_clean(clean_report_text(raw_text).text, size, overlap, report_id)


def chunks_of_clean(cleaned: str, size: int = 250, overlap: int = 60, report_id: str = REPORT_ID) -> list[Chunk]:
    """Chunks of text that is already clean (one paragraph per line)."""
    return chunk_paragraphs(outline_paragraphs(cleaned), cleaned, report_id, size, overlap)


def section_end(paragraphs: list[Paragraph], section: str) -> int:
    return max(p.end for p in paragraphs if p.section == section)


def body_sentences(paragraphs: list[Paragraph]) -> list[tuple[int, int, str]]:
    """(start, end, text) of every sentence of every body paragraph, by our own splitter."""
    out = []
    for p in paragraphs:
        if p.is_heading:
            continue
        for m in SENTENCE.finditer(p.text):
            if m.group().strip():
                out.append((p.start + m.start(), p.start + m.end(), m.group()))
    return out


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_chunks_are_whole_sentences(text: str, paragraphs: list[Paragraph], size: int, overlap: int) -> None:
    chunks = chunk_paragraphs(paragraphs, text, REPORT_ID, size, overlap)
    paragraph_starts, paragraph_ends = {p.start for p in paragraphs}, {p.end for p in paragraphs}
    assert chunks
    for c in chunks:
        assert text[c.start:c.end] == c.text
        # ends at a sentence end, or where its paragraph ends: a heading ("（1）…对比"), a section's last words
        # ("（4）…情况。无"), a paragraph that leads into a list ("…的主要职责是：")
        assert (c.text[-1] in SENTENCE_END or c.end == section_end(paragraphs, c.section)
                or c.end in paragraph_ends), c.text
        # starts where a sentence starts: after a sentence end, or where a paragraph starts
        assert c.start in paragraph_starts or text[c.start - 1] in SENTENCE_END, c.text
        assert not c.text[0].isspace() and not c.text[-1].isspace()


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_no_chunk_cuts_a_number(text: str, paragraphs: list[Paragraph], size: int, overlap: int) -> None:
    numbers = [(m.start(), m.end()) for m in re.finditer(r"\d+(?:\.\d+)?%?(?:万元|万|人次|名|人)?", text)]
    for c in chunk_paragraphs(paragraphs, text, REPORT_ID, size, overlap):
        for start, end in numbers:
            assert not (start < c.start < end or start < c.end < end), (c.text, text[start:end])


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_size_is_respected_unless_one_sentence_is_longer(text: str, paragraphs: list[Paragraph], size: int,
                                                         overlap: int) -> None:
    chunks = chunk_paragraphs(paragraphs, text, REPORT_ID, size, overlap)
    oversized = [c for c in chunks if len(c.text) > size]
    for c in oversized:
        assert len(SENTENCE.findall(c.text)) == 1, c.text
    if size >= 250:
        assert not oversized  # the report has no sentence that long
    # chunks are packed: the next sentence of the section would not have fitted
    for c, nxt in zip(chunks, chunks[1:]):
        if nxt.section != c.section:
            continue
        next_sentence_end = next(nxt.start + m.end() for m in SENTENCE.finditer(nxt.text)
                                 if nxt.start + m.end() > c.end)
        assert next_sentence_end - c.start > size, (c.text, nxt.text)


@pytest.mark.parametrize(("size", "overlap"), SIZES)
def test_overlap_is_respected(text: str, paragraphs: list[Paragraph], size: int, overlap: int) -> None:
    chunks = chunk_paragraphs(paragraphs, text, REPORT_ID, size, overlap)
    shared_any = False
    for c, nxt in zip(chunks, chunks[1:]):
        assert nxt.start > c.start and nxt.end > c.end  # always forward
        assert nxt.index == c.index + 1
        shared = c.end - nxt.start
        if nxt.section != c.section:
            assert shared <= 0  # never across sections
            continue
        assert shared <= overlap, (c.text, nxt.text)
        if shared > 0:
            shared_any = True
            assert text[nxt.start:c.end] in c.text and c.text.endswith(text[nxt.start:c.end])
    if overlap >= 60:
        assert shared_any  # with a real overlap some neighbours do share a sentence
    if overlap == 0:
        assert not shared_any


def test_bigger_chunks_are_fewer(text: str, paragraphs: list[Paragraph]) -> None:
    counts = [len(chunk_paragraphs(paragraphs, text, REPORT_ID, size, 0)) for size in (80, 160, 320, 640)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_chunks_never_cross_sections(text: str, paragraphs: list[Paragraph]) -> None:
    for c in chunk_paragraphs(paragraphs, text, REPORT_ID, 800, 100):
        inside = [p for p in paragraphs if p.start < c.end and c.start < p.end]
        assert inside
        assert {p.section for p in inside} == {c.section}, c.text
        assert c.report == REPORT_ID


def test_every_body_sentence_is_in_a_chunk(text: str, paragraphs: list[Paragraph]) -> None:
    for size, overlap in SIZES:
        chunks = chunk_paragraphs(paragraphs, text, REPORT_ID, size, overlap)
        sentences = body_sentences(paragraphs)
        assert len(sentences) > 100
        for start, end, sentence in sentences:
            holders = [c for c in chunks if c.start <= start and end <= c.end]
            assert holders, sentence
            assert all(sentence in c.text for c in holders)


def test_headings_without_body_are_kept(text: str, paragraphs: list[Paragraph]) -> None:
    """A heading that is its section's only text ("（5）…改进措施。") is still in a chunk; the words stay findable."""
    chunks = chunk_paragraphs(paragraphs, text, REPORT_ID)
    for words in ("（5）重点经济分类支出中存在的问题及改进措施", "（7）完成区委、区政府和上级相关部门交办的其他任务",
                  "（2）差异原因分析。社会保障和就业支出年初预算2267.59万元"):
        assert any(words in c.text for c in chunks), words


def test_the_143_chunk_carries_its_section(text: str, paragraphs: list[Paragraph]) -> None:
    chunks = [c for c in chunk_paragraphs(paragraphs, text, REPORT_ID) if "现有143名残疾人在托" in c.text]
    assert chunks
    for c in chunks:
        assert c.section == "二、综合评价分析 > （三）主要工作成效 > 三是聚焦精准高效，做好残疾人康复服务"
        assert c.embedding_text.startswith(c.section + "\n")


# --- ids ----------------------------------------------------------------------------------------------------------


def test_ids_are_deterministic(raw: str) -> None:
    first, second = chunks_of(raw), chunks_of(raw)
    assert [c.id for c in first] == [c.id for c in second]
    assert first == second
    assert len({c.id for c in first}) == len(first)


def test_ids_change_with_the_text_and_only_there(raw: str) -> None:
    before = chunks_of(raw)
    after = chunks_of(raw.replace("现有143名残疾人在", "现有144名残疾人在"))
    assert len(before) == len(after)
    changed = [(b, a) for b, a in zip(before, after) if b.id != a.id]
    assert changed
    assert all("143名残疾人在托" in b.text and "144名残疾人在托" in a.text for b, a in changed)
    # everything else keeps its id: an edit re-embeds only what it touched
    assert {b.id for b, a in zip(before, after) if b.text == a.text} == {a.id for b, a in zip(before, after)
                                                                         if b.text == a.text}


@pytest.mark.parametrize("change", ["report id", "size", "section"])
def test_ids_depend_on_report_chunking_and_section(raw: str, change: str) -> None:
    before = {c.id for c in chunks_of(raw)}
    if change == "report id":
        after = {c.id for c in chunks_of(raw, report_id="other-report")}
        assert before.isdisjoint(after)
    elif change == "size":
        after = {c.id for c in chunks_of(raw, size=120, overlap=30)}
        assert before != after
    else:
        renamed = chunks_of(raw.replace("三是聚焦精准高效", "三是聚焦精准康复"))
        moved = [c for c in renamed if "现有143名残疾人在托" in c.text]
        assert moved and all(c.id not in before for c in moved)


def test_same_text_in_two_places_gets_two_ids() -> None:
    raw = "一、问题\n无。\n二、措施\n无。\n三、其他\n无。"
    chunks = chunks_of_clean(raw)
    assert [c.text for c in chunks] == ["无。"] * 3
    assert len({c.id for c in chunks}) == 3


def test_sentences_end_at_semicolons_and_question_marks() -> None:
    sentence = "甲" * 40
    raw = f"一、测试\n{sentence}；{sentence}？{sentence}！{sentence}。"
    chunks = chunks_of_clean(raw, size=50, overlap=0)
    assert [c.text for c in chunks] == [f"{sentence}；", f"{sentence}？", f"{sentence}！", f"{sentence}。"]


def test_a_sentence_longer_than_size_is_one_chunk_of_its_own() -> None:
    long_sentence = "为辖区残疾人提供康复资助" * 10 + "。"
    raw = f"一、测试\n短句一。{long_sentence}短句二。"
    chunks = chunks_of_clean(raw, size=40, overlap=10)
    assert [c.text for c in chunks] == ["短句一。", long_sentence, "短句二。"]
