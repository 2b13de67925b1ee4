"""BM25 over jieba tokens, derived from the chunks the store holds (rebuilt when the store changes).

Each report is its own BM25 index: its word statistics (idf, chunk lengths) are its own, so what else the store
holds never changes how a report's chunks rank. The lexical field is the chunk's heading path and text with what
names the report rather than what it says taken out: the body's own names (given per report), self-references
(本局, 我单位), and numbers. The same report renamed to another department, its years shifted or its figures
changed ranks its chunks exactly alike, and a question is matched by its topic words, never by the figures or the
name it happens to contain.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence

from ingest.report import Chunk

_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+")
# what a question asks with, not what it asks about; and the particles every sentence has
_STOP = frozenset((
    "的 了 和 与 及 是 在 为 有 对 等 将 把 被 之 其 中 "
    "多少 什么 哪些 哪个 哪几 哪 几 吗 呢 吧 啊 呀 嘛 请问 请 一下 是否 是不是 有没有 怎么样 怎么 怎样 如何 "
    "为什么 为何 为啥 啥 咋 咋样 告诉 知道 想 我 你 一共 总共 大概 大约 到底 究竟 具体 情况 那 这 这个 那个 呢 都"
).split())
# a body speaking of itself: 本局, 我单位, 该中心 (whatever its name, the report's own voice)
_SELF_REFERENCE = re.compile(r"[本我该](?:部门|单位|机关|中心|街道|[局会委办院校街所站])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def tokenize(text: str) -> list[str]:
    """jieba words (search mode, so 残疾人联合会 also yields 残疾人) and Latin words lower-cased; numbers and
    asking words are no tokens."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokens: list[str] = []
    for piece in _TOKEN.findall(text):
        if piece[0].isascii():
            tokens.append(piece.lower())
        else:
            tokens.extend(t for t in jieba.cut_for_search(piece) if t.strip() and t not in _STOP)
    return tokens


def neutral_text(text: str, names: Sequence[str] = (), numbers: bool = True) -> str:
    """The text with the body's names, its self-references and (unless `numbers` is False) every number taken out;
    each leaves a space, so the words around it are cut alike whatever stood there."""
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    text = _SELF_REFERENCE.sub(" ", text)
    return _NUMBER.sub(" ", text) if numbers else text


class LexicalIndex:
    """BM25 (Okapi) per report over chunk text with its heading path (see the module's docstring).

    `names`: report id -> the names of its body, taken out of its chunks and out of queries searched in it.
    Only the chunks of the reports asked that hold a word of the query are scored: every other chunk scores
    exactly 0 and is never returned. Over several reports, each chunk keeps its own report's score.
    """

    def __init__(self, chunks: Sequence[Chunk], names: Mapping[str, Sequence[str]] | None = None):
        from rank_bm25 import BM25Okapi

        self.chunks = list(chunks)
        self.names = {r: tuple(n) for r, n in (names or {}).items()}
        by_report: dict[str, list[int]] = {}
        for i, chunk in enumerate(self.chunks):
            by_report.setdefault(chunk.report, []).append(i)
        self._members = by_report  # report -> its chunk numbers, in order
        self._bm25 = {}
        self._holding: dict[str, dict[str, list[int]]] = {}  # report -> word -> its chunks holding it (local numbers)
        for report, members in by_report.items():
            corpus = [tokenize(neutral_text(self.chunks[i].embedding_text, self.names.get(report, ())))
                      for i in members]
            self._bm25[report] = BM25Okapi(corpus) if any(corpus) else None
            holding = self._holding.setdefault(report, {})
            for j, words in enumerate(corpus):
                for word in dict.fromkeys(words):
                    holding.setdefault(word, []).append(j)

    def query_words(self, query: str, report: str) -> list[str]:
        """The words a query is searched with in one report (its body's names, numbers and asking words left out)."""
        return tokenize(neutral_text(query, self.names.get(report, ())))

    def search(self, query: str, k: int, report_ids: Sequence[str] | None = None,
               per_report: bool = False) -> list[tuple[Chunk, float]]:
        """The k best chunks for `query` (with `per_report`, the k best of each report), best first, with their BM25
        scores (0 scores dropped); ties keep report order, then chunk order."""
        reports = list(dict.fromkeys(report_ids)) if report_ids else list(self._members)
        scored: list[tuple[float, int, int]] = []
        plain: list[str] | None = None  # the query's words where none of a report's names stands in it: cut once
        for n, report in enumerate(reports):
            bm25 = self._bm25.get(report)
            if bm25 is None:
                continue
            if any(name and name in query for name in self.names.get(report, ())):
                words = self.query_words(query, report)
            else:
                plain = tokenize(neutral_text(query)) if plain is None else plain
                words = plain
            holding = self._holding[report]
            candidates = sorted({j for w in words for j in holding.get(w, ())})
            if not candidates:
                continue
            scores = bm25.get_batch_scores(words, candidates)
            members = self._members[report]
            own = sorted(((float(s), n, members[j]) for s, j in zip(scores, candidates) if s > 0),
                         key=lambda x: (-x[0], x[2]))
            scored.extend(own[:k] if per_report else own)
        scored.sort(key=lambda x: (-x[0], x[1], x[2]))
        return [(self.chunks[i], s) for s, _, i in (scored if per_report else scored[:k])]
