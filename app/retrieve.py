"""Hybrid retrieval: BM25 over jieba tokens and dense search over the Chroma vectors, fused by rank.

The in-memory parts (BM25, the figures index, the sentences) are derived from what Chroma holds and
rebuilt when the store's version changes, so every app instance against one Chroma server answers alike.
Their word statistics are per report and leave out what names the report rather than what it says (the
body's names, self-references, numbers): a report's passages and sentences rank the same whatever else the
store holds and whatever its body is called, its year or its figures (bench/retrieval.py measures recall).
"""
from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.lookup import FigureIndex, bigrams, report_topic, simplified
from app.question import Question, _with_report_words, content_terms, report_names, report_places
from app.statements import nil_figures
from ingest.chunk import sentence_spans
from ingest.figures import Figure
from ingest.report import Chunk, ReportInfo
from vectorstore.lexical import LexicalIndex, neutral_text

# reciprocal-rank fusion: a passage scores 1/(K + rank) in each half. The lexical half's K is smaller, so its first
# ranks weigh more: on these reports BM25's top passage holds the answer far more often than the dense one's
# (bench/retrieval.py: R@1 0.71 vs 0.52 on the dev questions), while dense still lifts what BM25 ranks lower.
RRF_K_DENSE = 10
RRF_K_LEXICAL = 3
SCATTERED = 0.8  # an asked phrase whose words a sentence holds only apart
QUESTION_MEMORY = 256  # questions whose words Knowledge remembers (a question asks for them once per section)


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
    original: str = ""  # the sentence in the report's own characters, when it was converted from traditional ones

    @property
    def quoted(self) -> str:
        """What a citation quotes: the report's own characters."""
        return self.original or self.text


class Knowledge:
    """Everything derived from one version of the store: chunks, BM25, figures, sentences."""

    def __init__(self, version: str, reports: Sequence[ReportInfo], chunks: Sequence[Chunk],
                 figures: Sequence[Figure]):
        self.version = version
        self.reports = {r.id: r for r in reports}
        self.chunks = list(chunks)
        self.names = {r.id: body_names(r) for r in reports}
        self.lexical = LexicalIndex(self.chunks, self.names)
        self.figures = list(figures)
        self._figure_index: dict[tuple[str, ...], FigureIndex] = {}
        self._report_text: dict[tuple[str, ...], str] = {}
        self.sentences = _sentences(self.chunks, {r.id: r.title for r in reports}, self.names)
        # word statistics per report: how a report's sentences rank never depends on what else the store holds
        self._stats = _report_stats(self.sentences)
        self._lock = threading.Lock()
        self._section_grams = [frozenset(bigrams(neutral_text(s.section, self.names.get(s.report, ()),
                                                              numbers=False))) for s in self.sentences]
        self._sentences_of_chunk, self._chunks_of_sentence = _sentence_chunk_links(self.chunks, self.sentences)
        self._word_index = _word_index(self.sentences, self._section_grams)
        self._query_grams: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self.nil_figures = nil_figures(self.sentences, self.figures)  # "无会议费支出": statements where a figure would be

    def figure_index(self, report_ids: Sequence[str]) -> FigureIndex:
        """The figures of these reports, indexed for lookup (cached per report set)."""
        key = tuple(sorted(report_ids))
        with self._lock:
            if key not in self._figure_index:
                years = {r: self.reports[r].year for r in key if r in self.reports}
                names = {r: report_names(self.reports[r]) for r in key if r in self.reports}
                topics = {r: report_topic(self.reports[r].title, names[r]) for r in names}
                self._figure_index[key] = FigureIndex(
                    [f for f in (*self.figures, *self.nil_figures) if f.report in key], years, names, topics)
            return self._figure_index[key]

    def table_figures(self, report_ids: Sequence[str]) -> list[Figure]:
        """The figures stated in table cells of these reports, in report order."""
        wanted = set(report_ids)
        return [f for f in self.figures if f.table and f.report in wanted]

    def report_text(self, report_ids: Sequence[str]) -> str:
        """All these reports say, titles and headings included, quotation marks removed (the report writes “三公”经费,
        a question 三公经费); cached per report set, for checks of whether a report names a word at all."""
        key = tuple(sorted(report_ids))
        with self._lock:
            if key not in self._report_text:
                titles = [self.reports[r].title for r in key if r in self.reports]
                sections = dict.fromkeys(c.section for c in self.chunks if c.report in key)
                text = "\n".join(titles + list(sections) + [c.text for c in self.chunks if c.report in key])
                self._report_text[key] = simplified(re.sub(r"[“”\"‘’「」]", "", text))
            return self._report_text[key]

    def idf(self, gram: str, report: str | None = None) -> float:
        """How rare a word is among the sentences of one report (of all reports when none is given)."""
        own = self._stats.get(report) if report is not None else None
        idf, default = own or self._stats.get(None, ({}, 0.0))
        return idf.get(gram, default)

    def _holds(self, gram: str, reports: Sequence[str] | None) -> bool:
        """Whether some sentence of the reports (of any report when None) holds the word."""
        if not reports:
            return gram in self._stats.get(None, ({}, 0.0))[0]
        return any(gram in self._stats.get(r, ({}, 0.0))[0] for r in reports)

    def question_grams(self, text: str, reports: Sequence[str] | None = None) -> frozenset[str]:
        """The bigrams of a question's content terms (remembered: one question asks for them many times)."""
        key = (text, tuple(sorted(reports)) if reports else ())
        grams = self._query_grams.get(key)
        if grams is None:
            # a pair of characters read across two words that no sentence (of the reports asked) holds ("评等" of
            # 自评等级) is an artefact of reading in pairs, not a word the report lacks
            grams = frozenset(g for term in content_terms(text) for g in bigrams(term)
                              if self._holds(g, reports) or not _straddles(term, g))
            if len(self._query_grams) >= QUESTION_MEMORY:
                self._query_grams.clear()
            self._query_grams[key] = grams
        return grams

    def coverage(self, text: str, grams: frozenset[str] | set[str], report: str | None = None) -> float:
        """Share of the question's words (bigrams of its content terms, weighted by their idf in `report`'s
        sentences, or all reports' when none is given) found in `grams`."""
        query = self.question_grams(text, [report] if report else None)
        return self._coverage(query, grams, sum(self.idf(g, report) for g in query), report)

    def _coverage(self, query: frozenset[str], grams: frozenset[str] | set[str], total: float,
                  report: str | None = None) -> float:
        return sum(self.idf(g, report) for g in query if g in grams) / total if total else 0.0

    def best_sentences(self, question: Question, passages: Sequence[Passage], report_ids: Sequence[str],
                       k: int = 3) -> list[tuple[Sentence, float]]:
        """Sentences that best answer a text question: word coverage, helped by the passage ranking.

        Only sentences that can score are scored: those of the retrieved passages and those sharing a word with
        the question in the reports the passages come from (all asked reports when nothing was retrieved), so the
        work does not grow with the number of reports in the store.
        """
        boost = {p.chunk.id: 1.0 / (i + 1) for i, p in enumerate(passages)}
        text = (question.match_text or question.text) + ("，" + question.context if question.context else "")
        wanted = set(report_ids)
        asked = sorted(wanted)
        query = self.question_grams(text, asked)
        totals: dict[str, float] = {}  # each sentence is weighed by its own report's word statistics
        # a word asked with alternatives (買车 -> 购置公务用车, grade -> 自评结果|等级) is one concept: the best-held
        # alternative counts, the others do not dilute the share
        concepts = self._concepts(question, asked)
        scored = []
        for i in self._candidates(query, passages, wanted):
            s = self.sentences[i]
            if concepts:
                cov = self._concept_coverage(concepts, s.grams | self._section_grams[i], "", s.report)
                own = self._concept_coverage(concepts, s.grams, s.text, s.report)
            else:
                if s.report not in totals:
                    totals[s.report] = sum(self.idf(g, s.report) for g in query)
                cov = self._coverage(query, s.grams | self._section_grams[i], totals[s.report], s.report)
                own = self._coverage(query, s.grams, totals[s.report], s.report)
            rank_bonus = max((boost.get(cid, 0.0) for cid in self._chunks_of_sentence[i]), default=0.0)
            scored.append((s, 0.55 * own + 0.25 * cov + 0.2 * rank_bonus))
        scored.sort(key=lambda x: -x[1])
        if len(scored) < k:  # every other sentence scores 0: they follow in report order, as a full scan gives
            chosen = {id(s) for s, _ in scored}
            rest = (s for s in self.sentences if s.report in wanted and id(s) not in chosen)
            scored.extend((s, 0.0) for s, _ in zip(rest, range(k - len(scored))))
        return scored[:k]

    def _concepts(self, question: Question, reports: Sequence[str] | None = None) -> list[list[frozenset[str]]]:
        """The question's concepts, each its alternatives' word sets, when some concept has alternatives; else []."""
        subjects = [t for a in question.asks for t in a.subject] if question.language == "en" else [
            _with_report_words(t) for t in content_terms(question.text)]
        subjects += [t for t in (content_terms(question.context) if question.context else ())]
        if not any("|" in t for t in subjects):
            return []
        concepts = []
        for t in dict.fromkeys(subjects):
            alternatives = [(simplified(a), frozenset(g for g in bigrams(a)
                                                      if self._holds(g, reports) or not _straddles(a, g)))
                            for a in t.split("|")]
            alternatives = [a for a in alternatives if a[1]]
            if alternatives:
                concepts.append(alternatives)
        return concepts

    def _concept_coverage(self, concepts: list, grams: frozenset[str] | set[str], text: str = "",
                          report: str | None = None) -> float:
        """Share of the concepts the grams hold, each by its best-held alternative; an alternative of several words
        held only apart (自评…结论 for 自评结论) counts a little less than one written as asked."""
        total = held = 0.0
        text = simplified(text)
        for alternatives in concepts:
            weights = [sum(self.idf(g, report) for g in a) for _, a in alternatives]
            shares = [(sum(self.idf(g, report) for g in a if g in grams) / w if w else 0.0)
                      * (1.0 if len(a) < 2 or not text or word in text else SCATTERED)
                      for (word, a), w in zip(alternatives, weights)]
            weight = max(weights)
            total += weight
            held += weight * max(shares)
        return held / total if total else 0.0

    def _candidates(self, query: frozenset[str], passages: Sequence[Passage], wanted: set[str]) -> list[int]:
        """Sentence numbers (report order) that can score above 0: in a passage, or sharing a question word."""
        found = {i for p in passages if p.chunk.report in wanted
                 for i in self._sentences_of_chunk.get(p.chunk.id, ())}
        reports = {p.chunk.report for p in passages} & wanted or wanted
        for report in reports:
            words = self._word_index.get(report, {})
            for g in query:
                found.update(words.get(g, ()))
        return sorted(found)


def body_names(report: ReportInfo) -> tuple[str, ...]:
    """What names a report's body in its own text: its full name, its aliases (区残联, 本会) and the places of its
    name, in simplified characters too; not the bare kind a name ends in (医院, 中心), which is also a topic word.
    These say whose report it is, not what it says: lexical matching leaves them out."""
    full = simplified(report.body or "")
    own = {report.body or "", *(a.strip() for a in (report.aliases or "").split("|"))}
    own |= {simplified(n) for n in own}
    names = [n for n in report_names(report) if n in own and not (len(n) <= 2 and full.endswith(n))]
    return tuple(sorted(dict.fromkeys([*names, *report_places(report)]), key=len, reverse=True))


def _straddles(term: str, gram: str) -> bool:
    """Whether every occurrence of the bigram in the term stands across a word boundary (jieba's)."""
    from app.lookup import _term_grams

    found = [g for g in _term_grams(simplified(term)) if g.text == gram]
    return bool(found) and all(g.straddles for g in found)


def _report_stats(sentences: Sequence[Sentence]) -> dict[str | None, tuple[dict[str, float], float]]:
    """Per report (and for all reports, under None): each word's idf over its sentences, and the idf of a word
    none of them holds."""
    groups: dict[str | None, list[Sentence]] = {None: list(sentences)}
    for s in sentences:
        groups.setdefault(s.report, []).append(s)
    stats = {}
    for report, group in groups.items():
        df = Counter(g for s in group for g in s.grams)
        n = max(1, len(group))
        stats[report] = ({g: math.log(1 + n / (1 + c)) for g, c in df.items()}, math.log(1 + n))
    return stats


def _sentences(chunks: Sequence[Chunk], titles: dict[str, str] | None = None,
               names: dict[str, Sequence[str]] | None = None) -> list[Sentence]:
    """The sentences of the chunks, each matched by its words but those of its report's title (a title names the
    report, it answers no question: "…绩效自评结果的报告" says nothing of the result) and its body's names (whose
    report it is, not what it says)."""
    titles = {r: simplified(t) for r, t in (titles or {}).items() if t and len(t) >= 8}
    names = names or {}
    seen: set[tuple[str, int]] = set()
    out = []
    for c in chunks:
        for start, end in sentence_spans(c.text, c.start):
            key = (c.report, start)
            if key in seen:
                continue
            seen.add(key)
            text = c.text[start - c.start:end - c.start].strip()
            original = c.original[start - c.start:end - c.start].strip() if len(c.original) == len(c.text) else ""
            title = titles.get(c.report, "")
            matched = simplified(text).replace(title, " ") if title else text
            matched = neutral_text(matched, names.get(c.report, ()), numbers=False) if c.report in names else matched
            out.append(Sentence(text, c.section, c.report, start, frozenset(bigrams(matched)),
                                original if original != text else ""))
    return out


def _sentence_chunk_links(chunks: Sequence[Chunk], sentences: Sequence[Sentence]
                          ) -> tuple[dict[str, list[int]], list[list[str]]]:
    """Chunk id -> the sentences starting in it, and sentence -> the chunks it starts in (chunks overlap)."""
    number = {(s.report, s.start): i for i, s in enumerate(sentences)}
    of_chunk: dict[str, list[int]] = {}
    of_sentence: list[list[str]] = [[] for _ in sentences]
    for c in chunks:
        for start, _ in sentence_spans(c.text, c.start):
            i = number[(c.report, start)]
            of_chunk.setdefault(c.id, []).append(i)
            of_sentence[i].append(c.id)
    return of_chunk, of_sentence


def _word_index(sentences: Sequence[Sentence], section_grams: Sequence[frozenset[str]]
                ) -> dict[str, dict[str, list[int]]]:
    """Report -> bigram -> the sentences holding it in their text or heading path (report order)."""
    index: dict[str, dict[str, list[int]]] = {}
    for i, (s, section) in enumerate(zip(sentences, section_grams)):
        words = index.setdefault(s.report, {})
        for g in s.grams | section:
            words.setdefault(g, []).append(i)
    return index


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
            knowledge = Knowledge(version, reports, chunks, figures)
            knowledge.figure_index(list(knowledge.reports))  # a question without a report asks them all: warm it
            knowledge.report_text(list(knowledge.reports))
            self._knowledge = knowledge
            return knowledge

    def query_vector(self, question: Question) -> list[float]:
        """The question embedded once: chunks and figures are searched with the same vector."""
        return self.store.embed_query(question.text if not question.context else f"{question.context} {question.text}")

    @staticmethod
    def lexical_query(question: Question) -> str:
        """What the BM25 half searches with."""
        return question.text + " " + question.match_text + (" " + question.context if question.context else "")

    def search(self, knowledge: Knowledge, question: Question, vector: Sequence[float],
               report_ids: Sequence[str]) -> list[Passage]:
        """Fuse the dense and the BM25 rankings (reciprocal rank) into one list of passages.

        Over several reports each report gets its own k passages, fused from its own two rankings: exactly what a
        search narrowed to that report returns, so a report's answer does not depend on which other reports are
        asked with it (the answer step takes each report's passages for that report's answer). The list is best
        first overall (rank by rank, ties in report order).
        """
        query = self.lexical_query(question)
        ids = list(dict.fromkeys(report_ids))
        several = len(ids) > 1
        dense = self.store.search_chunks_by_vector(vector, 2 * self.k, ids, per_report=several)
        lexical = knowledge.lexical.search(query, 2 * self.k, ids, per_report=several)
        if not several:
            return self._fused(dense, lexical)
        order = {r: n for n, r in enumerate(ids)}
        passages = [p for r in ids for p in self._fused([h for h in dense if h[0].report == r],
                                                        [h for h in lexical if h[0].report == r])]
        return sorted(passages, key=lambda p: (-p.score, order[p.chunk.report]))

    def _fused(self, dense: Sequence[tuple[Chunk, float]], lexical: Sequence[tuple[Chunk, float]]) -> list[Passage]:
        """The k best passages of one ranking of each half, by reciprocal rank."""
        fused: dict[str, list] = {}
        for rank, (chunk, _) in enumerate(dense):
            fused.setdefault(chunk.id, [chunk, 0.0, None, None])
            fused[chunk.id][1] += 1.0 / (RRF_K_DENSE + rank)
            fused[chunk.id][2] = rank
        for rank, (chunk, _) in enumerate(lexical):
            fused.setdefault(chunk.id, [chunk, 0.0, None, None])
            fused[chunk.id][1] += 1.0 / (RRF_K_LEXICAL + rank)
            fused[chunk.id][3] = rank
        ranked = sorted(fused.values(), key=lambda v: -v[1])[: self.k]
        return [Passage(c, round(s, 4), d, lx) for c, s, d, lx in ranked]


def passage_rank_of_figures(passages: Sequence[Passage], figures: Sequence[Figure]) -> dict[str, float]:
    """Figure id -> relevance 0..1 of the best retrieved passage that holds it (1 for the top passage)."""
    reports = {p.chunk.report for p in passages}
    held = [f for f in figures if f.report in reports]  # one cheap pass over the figures, not one per passage
    out: dict[str, float] = {}
    for i, p in enumerate(passages):
        weight = 1.0 / (1 + 0.5 * i)
        for f in held:
            if f.report == p.chunk.report and p.chunk.start <= f.start < p.chunk.end:
                out[f.id] = max(out.get(f.id, 0.0), weight)
    return out


def normalize_similarity(similarity: float, low: float = 0.72, high: float = 0.9) -> float:
    """Map an e5 cosine similarity onto 0..1 (e5 similarities crowd into 0.7-0.9)."""
    return max(0.0, min(1.0, (similarity - low) / (high - low)))

