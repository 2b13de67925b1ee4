"""BM25 over jieba tokens, derived from the chunks the store holds (rebuilt when the store changes)."""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from ingest.report import Chunk

_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")
_STOP = frozenset("的 了 和 与 及 是 在 为 有 对 等 将 把 被 之 其 中 多少 什么 哪些 吗 呢 请问".split())


def tokenize(text: str) -> list[str]:
    """jieba words (search mode, so 残疾人联合会 also yields 残疾人), Latin words lower-cased, numbers."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokens: list[str] = []
    for piece in _TOKEN.findall(text):
        if piece[0].isascii():
            tokens.append(piece.lower())
        else:
            tokens.extend(t for t in jieba.cut_for_search(piece) if t.strip() and t not in _STOP)
    return tokens


class LexicalIndex:
    """BM25 (Okapi) over chunk text with its heading path.

    Scores are rank-bm25's over the whole corpus (its idf and average length), but only the chunks of the reports
    asked that hold a word of the query are scored: every other chunk scores exactly 0 and is never returned.
    """

    def __init__(self, chunks: Sequence[Chunk]):
        from rank_bm25 import BM25Okapi

        self.chunks = list(chunks)
        corpus = [tokenize(c.embedding_text) for c in self.chunks]
        self._bm25 = BM25Okapi(corpus) if corpus else None
        self._holding: dict[str, dict[str, list[int]]] = {}  # report -> word -> its chunks holding it, in order
        for i, (chunk, words) in enumerate(zip(self.chunks, corpus)):
            holding = self._holding.setdefault(chunk.report, {})
            for word in dict.fromkeys(words):
                holding.setdefault(word, []).append(i)

    def search(self, query: str, k: int, report_ids: Sequence[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k best chunks for `query`, best first, with their BM25 scores (0 scores dropped)."""
        if self._bm25 is None:
            return []
        words = tokenize(query)
        candidates = self._candidates(words, report_ids)
        if not candidates:
            return []
        scores = self._bm25.get_batch_scores(words, candidates)
        ranked = sorted(range(len(candidates)), key=lambda j: -scores[j])  # ties stay in report order
        out = [(self.chunks[candidates[j]], float(scores[j])) for j in ranked if scores[j] > 0]
        return out[:k]

    def _candidates(self, words: list[str], report_ids: Sequence[str] | None) -> list[int]:
        """Chunk numbers (in order) of the reports asked (all when none are named) holding a query word."""
        reports = dict.fromkeys(report_ids) if report_ids else self._holding
        found: set[int] = set()
        for report in reports:
            holding = self._holding.get(report, {})
            for word in words:
                found.update(holding.get(word, ()))
        return sorted(found)
