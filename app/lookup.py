"""The verified-number lookup: find the figure(s) of the figures table that answer a question.

Each figure is matched on three fields — its clause ("现有143名残疾人在托"), its sentence and its heading
path — weighted by how rare each matched word is in the report; the kind of answer the question expects
(people, money, a share, 枚 …) and its qualifiers (a change, a target) then rank the candidates. Dense
similarity (from the store) carries questions that share no words with the report, such as English ones.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from app.question import Ask, Question
from ingest.figures import CHANGE, PART, TARGET, Figure

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
CLAUSE_WEIGHT, PHRASE_WEIGHT, SENTENCE_WEIGHT, SECTION_WEIGHT, ABBREVIATION_WEIGHT = 1.0, 0.9, 0.6, 0.35, 0.45


def bigrams(text: str) -> set[str]:
    """Character bigrams of the Chinese runs of `text` (single characters for one-character runs)."""
    grams: set[str] = set()
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            grams.add(run)
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams


@dataclass(frozen=True)
class FigureMatch:
    """A figure that may answer an ask, with how well it does."""

    figure: Figure
    score: float  # 0..~1.3: what ranks candidates and decides whether to answer
    lexical: float  # share of the question's (weighted) words found in the figure's fields
    dense: float  # 0..1 semantic similarity of question and figure
    kind_ok: bool


@dataclass(frozen=True)
class LookupResult:
    """The best figures for each ask of a question; `confidence` is the weakest ask's best score."""

    asks: tuple[Ask, ...]
    matches: tuple[tuple[FigureMatch, ...], ...]  # per ask, best first

    @property
    def best(self) -> list[FigureMatch]:
        return [m[0] for m in self.matches if m]

    @property
    def confidence(self) -> float:
        if not self.matches or any(not m for m in self.matches):
            return 0.0
        return min(m[0].score for m in self.matches)


class FigureIndex:
    """The figures of one or more reports, prepared for lookup (pure, in memory, rebuilt from the store)."""

    def __init__(self, figures: Iterable[Figure]):
        self.figures: list[Figure] = list(figures)
        self._clause = [bigrams(f.clause) for f in self.figures]
        self._phrase = [bigrams(f.phrase.split("·")[-1]) for f in self.figures]  # its own words, not the context
        self._sentence = [bigrams(f.sentence) for f in self.figures]
        self._section = [bigrams(f.section) for f in self.figures]
        sentences = {f.sentence for f in self.figures}
        df = Counter(g for s in sentences for g in bigrams(s))
        n = max(1, len(sentences))
        self._idf = {g: math.log(1 + n / (1 + c)) for g, c in df.items()}
        self._default_idf = math.log(1 + n)
        self.by_id = {f.id: f for f in self.figures}

    def idf(self, gram: str) -> float:
        return self._idf.get(gram, self._default_idf)

    def lookup(self, question: Question, dense: Mapping[str, float] | None = None,
               passage_rank: Mapping[str, float] | None = None, k: int = 5) -> LookupResult:
        """Rank figures for each ask of the question.

        `dense`: figure id -> similarity 0..1 of question and figure clause; `passage_rank`: figure id ->
        0..1 relevance of the retrieved passage holding it (both optional).
        """
        asks = question.asks or (Ask(question.text),)
        whole = _weighted_grams(question.match_text or question.text, 0.5)
        context = _weighted_grams(question.context, 0.35) if question.context else {}
        results: list[tuple[FigureMatch, ...]] = []
        for ask in asks:
            query = {**context, **whole, **_weighted_grams(ask.text, 1.0)}
            scored = [self._score(i, question, ask, query, dense or {}, passage_rank or {})
                      for i in range(len(self.figures))]
            scored = [m for m in scored if m.score > 0]
            scored.sort(key=lambda m: (-m.score, m.figure.start))
            results.append(tuple(_distinct(scored)[:k]))
        if len(results) > 1:
            results = _prefer_one_sentence(results)
        return LookupResult(tuple(asks), tuple(results))

    def _object_factor(self, i: int, ask: Ask) -> float:
        """'多少工作人员': a figure whose sentence does not name what is counted is not its answer."""
        grams = bigrams(ask.object)
        if len(grams) < 2:
            return 1.0
        f = self.figures[i]
        total = sum(self.idf(g) for g in grams)
        found = sum(self.idf(g) for g in grams if g in self._clause[i] or g in self._sentence[i]
                    or (len(g) == 2 and _gapped(g).search(f.sentence)))  # one-character runs have no gap
        return 0.25 + 0.75 * (found / total)

    def _score(self, i: int, question: Question, ask: Ask, query: dict[str, float],
               dense: Mapping[str, float], passage_rank: Mapping[str, float]) -> FigureMatch:
        f = self.figures[i]
        total = sum(w * self.idf(g) for g, w in query.items())
        lexical = 0.0
        if total:
            got = 0.0
            for g, w in query.items():
                field = (CLAUSE_WEIGHT if g in self._clause[i] else PHRASE_WEIGHT if g in self._phrase[i]
                         else SENTENCE_WEIGHT if g in self._sentence[i] else SECTION_WEIGHT if g in self._section[i]
                         else ABBREVIATION_WEIGHT if len(g) == 2 and _gapped(g).search(f.sentence) else 0.0)
                got += w * self.idf(g) * field
            lexical = got / total
        d = dense.get(f.id, 0.0)
        p = passage_rank.get(f.id, 0.0)
        if not query:
            score = 0.55 * d + 0.45 * p
        else:
            score = 0.7 * lexical + 0.15 * d + 0.15 * p
        kind_ok = ask.kind is None or f.kind == ask.kind
        if ask.kind and not kind_ok:
            score *= 0.35
        if ask.unit and f.unit == ask.unit:
            score += 0.08
        elif ask.unit and kind_ok and f.unit != ask.unit:
            score *= 0.7
        if ask.kind is None and f.kind in ("age", "number", "years"):
            score *= 0.6
        score *= self._object_factor(i, ask)
        score *= _qualifier_factor(ask, f)
        score *= _year_factor(question, f)
        return FigureMatch(f, round(score, 4), round(lexical, 4), round(d, 4), kind_ok)


@lru_cache(maxsize=4096)
def _gapped(gram: str) -> re.Pattern[str]:
    """'运会' also matches '运动会': abbreviations (残运会, 残联) keep their characters in order."""
    return re.compile(re.escape(gram[0]) + r"[\u4e00-\u9fff]{1,3}" + re.escape(gram[1]))


def _weighted_grams(text: str, weight: float) -> dict[str, float]:
    from app.question import content_terms

    grams: dict[str, float] = {}
    for term in content_terms(text):
        for g in bigrams(term):
            grams[g] = max(grams.get(g, 0.0), weight)
    return grams


def _qualifier_factor(ask: Ask, f: Figure) -> float:
    factor = 1.0
    if ask.change != (f.qualifier == CHANGE):
        factor *= 0.55
    if f.qualifier == TARGET and not ask.target:
        factor *= 0.8
    if ask.target and f.qualifier == TARGET:
        factor *= 1.1
    if f.qualifier == PART:
        factor *= 0.97  # a total stated for the same words is the better answer
    return factor


def _year_factor(question: Question, f: Figure) -> float:
    """A question about 2022 wants the sentence about 2022."""
    years_in_sentence = {int(y) for y in re.findall(r"(20\d\d)\s*年", f.sentence)}
    factor = 1.0
    for year in question.years:
        if year in years_in_sentence:
            factor *= 1.1
        elif years_in_sentence:
            factor *= 0.6
    return factor


def _distinct(matches: list[FigureMatch]) -> list[FigureMatch]:
    """Drop repeats of the same figure value stated in the same words (a report may say a figure twice)."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for m in matches:
        key = (m.figure.value, m.figure.unit, m.figure.clause)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _prefer_one_sentence(results: list[tuple[FigureMatch, ...]]) -> list[tuple[FigureMatch, ...]]:
    """Several asks in one question usually point into one sentence: break near-ties toward it."""
    anchor = results[0][0].figure.sentence if results and results[0] else None
    out = []
    for i, matches in enumerate(results):
        if i == 0 or not matches or anchor is None:
            out.append(matches)
            continue
        top = matches[0].score
        ranked = sorted(matches, key=lambda m: -(m.score * (1.15 if m.figure.sentence == anchor else 1.0)
                                                  if m.score >= 0.75 * top else m.score))
        out.append(tuple(ranked))
    return out
