"""Hybrid retrieval: BM25 over jieba tokens and dense search over the Chroma vectors, fused by rank.

The in-memory parts (BM25, the figures index, the sentences) are derived from what Chroma holds and
rebuilt when the store's version changes, so every app instance against one Chroma server answers alike.
"""
from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.lookup import FigureIndex, bigrams
from app.question import Question, content_terms
from ingest.chunk import sentence_spans
from ingest.figures import Figure
from ingest.report import Chunk, ReportInfo
from vectorstore.lexical import LexicalIndex

RRF_K = 10


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score (higher is better) and where each half ranked it."""

    chunk: Chunk
    score: float
    dense_rank: int | None
    lexical_rank: int | None


@dataclass(frozen=True)
class Sentence:
    """One sentence of the report, the unit quoted in citations."""

    text: str
    section: str
    report: str
    start: int
    grams: frozenset[str]


class Knowledge:
    """Everything derived from one version of the store: chunks, BM25, figures, sentences."""

    def __init__(self, version: str, reports: Sequence[ReportInfo], chunks: Sequence[Chunk],
                 figures: Sequence[Figure]):
        self.version = version
        self.reports = {r.id: r for r in reports}
        self.chunks = list(chunks)
        self.lexical = LexicalIndex(self.chunks)
        self.figures = list(figures)
        self._figure_index: dict[tuple[str, ...], FigureIndex] = {}
        self.sentences = _sentences(self.chunks)
        df = Counter(g for s in self.sentences for g in s.grams)
        n = max(1, len(self.sentences))
        self._idf = {g: math.log(1 + n / (1 + c)) for g, c in df.items()}
        self._default_idf = math.log(1 + n)
        self._lock = threading.Lock()

    def figure_index(self, report_ids: Sequence[str]) -> FigureIndex:
        """The figures of these reports, indexed for lookup (cached per report set)."""
        key = tuple(sorted(report_ids))
        with self._lock:
            if key not in self._figure_index:
                self._figure_index[key] = FigureIndex(f for f in self.figures if f.report in key)
            return self._figure_index[key]

    def idf(self, gram: str) -> float:
        return self._idf.get(gram, self._default_idf)

    def coverage(self, text: str, grams: frozenset[str] | set[str]) -> float:
        """Share of the question's words (idf-weighted bigrams of its content terms) found in `grams`."""
        query = {g for term in content_terms(text) for g in bigrams(term)}
        total = sum(self.idf(g) for g in query)
        return sum(self.idf(g) for g in query if g in grams) / total if total else 0.0

    def best_sentences(self, question: Question, passages: Sequence[Passage], report_ids: Sequence[str],
                       k: int = 3) -> list[tuple[Sentence, float]]:
        """Sentences that best answer a text question: word coverage, helped by the passage ranking."""
        boost = {p.chunk.id: 1.0 / (i + 1) for i, p in enumerate(passages)}
        chunk_of = _chunk_lookup(self.chunks)
        scored = []
        text = (question.match_text or question.text) + ("，" + question.context if question.context else "")
        for s in self.sentences:
            if s.report not in report_ids:
                continue
            section_grams = frozenset(bigrams(s.section))
            cov = self.coverage(text, s.grams | section_grams)
            own = self.coverage(text, s.grams)
            rank_bonus = max((boost.get(cid, 0.0) for cid in chunk_of.get((s.report, s.start), ())), default=0.0)
            scored.append((s, 0.55 * own + 0.25 * cov + 0.2 * rank_bonus))
        scored.sort(key=lambda x: -x[1])
        return scored[:k]


def _sentences(chunks: Sequence[Chunk]) -> list[Sentence]:
    seen: set[tuple[str, int]] = set()
    out = []
    for c in chunks:
        for start, end in sentence_spans(c.text, c.start):
            key = (c.report, start)
            if key in seen:
                continue
            seen.add(key)
            text = c.text[start - c.start:end - c.start].strip()
            out.append(Sentence(text, c.section, c.report, start, frozenset(bigrams(text))))
    return out


def _chunk_lookup(chunks: Sequence[Chunk]) -> dict[tuple[str, int], list[str]]:
    table: dict[tuple[str, int], list[str]] = {}
    for c in chunks:
        for start, _ in sentence_spans(c.text, c.start):
            table.setdefault((c.report, start), []).append(c.id)
    return table


class Retriever:
    """Keeps the derived Knowledge in step with the store and answers hybrid searches."""

    def __init__(self, store, k: int = 6):
        self.store = store
        self.k = k
        self._knowledge: Knowledge | None = None
        self._lock = threading.Lock()

    def knowledge(self) -> Knowledge:
        """The current Knowledge, rebuilt if the store changed (one cheap registry read per call)."""
        version = self.store.version()
        current = self._knowledge
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._knowledge is not None and self._knowledge.version == version:
                return self._knowledge
            reports = self.store.reports()
            chunks: list[Chunk] = []
            figures: list[Figure] = []
            for r in reports:
                chunks.extend(self.store.chunks(r.id))
                figures.extend(self.store.figures(r.id))
            self._knowledge = Knowledge(version, reports, chunks, figures)
            return self._knowledge

    def search(self, knowledge: Knowledge, question: Question, vector: Sequence[float],
               report_ids: Sequence[str]) -> list[Passage]:
        """Fuse the dense and the BM25 rankings (reciprocal rank) into one list of passages."""
        query = question.text + " " + question.match_text + (" " + question.context if question.context else "")
        dense = self.store.search_chunks_by_vector(vector, 2 * self.k, list(report_ids))
        lexical = knowledge.lexical.search(query, 2 * self.k, report_ids)
        fused: dict[str, list] = {}
        for rank, (chunk, _) in enumerate(dense):
            fused.setdefault(chunk.id, [chunk, 0.0, None, None])
            fused[chunk.id][1] += 1.0 / (RRF_K + rank)
            fused[chunk.id][2] = rank
        for rank, (chunk, _) in enumerate(lexical):
            fused.setdefault(chunk.id, [chunk, 0.0, None, None])
            fused[chunk.id][1] += 1.0 / (RRF_K + rank)
            fused[chunk.id][3] = rank
        ranked = sorted(fused.values(), key=lambda v: -v[1])[: self.k]
        return [Passage(c, round(s, 4), d, lx) for c, s, d, lx in ranked]


def passage_rank_of_figures(passages: Sequence[Passage], figures: Sequence[Figure]) -> dict[str, float]:
    """Figure id -> relevance 0..1 of the best retrieved passage that holds it (1 for the top passage)."""
    out: dict[str, float] = {}
    for i, p in enumerate(passages):
        weight = 1.0 / (1 + 0.5 * i)
        for f in figures:
            if f.report == p.chunk.report and p.chunk.start <= f.start < p.chunk.end:
                out[f.id] = max(out.get(f.id, 0.0), weight)
    return out


def normalize_similarity(similarity: float, low: float = 0.72, high: float = 0.9) -> float:
    """Map an e5 cosine similarity onto 0..1 (e5 similarities crowd into 0.7-0.9)."""
    return max(0.0, min(1.0, (similarity - low) / (high - low)))

