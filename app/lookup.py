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
from dataclasses import dataclass, replace
from functools import lru_cache

from app.question import Ask, Question
from ingest.figures import CHANGE, PART, TARGET, Figure

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_QUOTES = re.compile(r"[“”‘’「」『』《》〈〉\"']")  # “三公”经费 is read as 三公经费
# a year named as the base or the subject of a comparison ("同比2022年度", "2023年同比") is not the figure's year
_COMPARED_YEAR = re.compile(r"(?:同比|相比|对比|比|较|与)\s*(?:19|20)\d\d\s*年度?|(?:19|20)\d\d\s*年度?\s*(?:同比|相比|比|较)")
_BASE_YEAR = re.compile(r"(?:同比|相比|对比|比|较|与)\s*(?:19|20)\d\d\s*年度?")
_YEAR_MENTION = re.compile(r"((?:19|20)\d\d)\s*年")
# a clause that opens with a budget measure ("年中决算为49.74万元") has the subject of the clause before it
_MEASURE_HEAD = re.compile(r"^(?:其中)?(?:支出|收入)?(?:年初|年终|年中|全年)?(?:预算|决算)")
_MEASURE_WORD = re.compile(r"(?:年初|年终|年中)?(?:预算|决算)")
_BUDGET_SIDE = re.compile(r"预算|拟投入|计划|目标")
_SPENT_SIDE = re.compile(r"决算|支出|实际|花费|使用")
_STATED = {"difference": re.compile(r"差异|差额|相差|差距|之差"), "sum": re.compile(r"合计|总计|共计|总额|合共")}
# words that name the reporting body or period as a whole, not a part of it: 本部门收入 is the whole income
_SCOPE_WORDS = re.compile(r"本部门|我部门|本单位|我单位|本年度|年度|全年|今年|本年|(?:19|20)\d\d年")
TIE_MARGIN = 0.01  # scores this close are a tie: the report's first statement wins
CLAUSE_WEIGHT, PHRASE_WEIGHT, SENTENCE_WEIGHT, SECTION_WEIGHT, ABBREVIATION_WEIGHT = 1.0, 0.9, 0.6, 0.35, 0.45


def bigrams(text: str) -> set[str]:
    """Character bigrams of the Chinese runs of `text` (single characters for one-character runs)."""
    grams: set[str] = set()
    for run in _CJK_RUN.findall(_QUOTES.sub("", text)):
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
    stated: FigureMatch | None = None  # a derived question's result as the report itself states it

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
        self._subject = [carried_subject(f) for f in self.figures]
        self._clause = [bigrams(f.clause) | bigrams(s) for f, s in zip(self.figures, self._subject)]
        self._years = _figure_years(self.figures)
        self._core = [bigrams(_SCOPE_WORDS.sub(" ", re.sub(r"^其中", "", f.phrase.split("·")[-1])))
                      for f in self.figures]
        self._phrase = [bigrams(f.phrase.split("·")[-1]) for f in self.figures]  # its own words, not the context
        self._sentence = [bigrams(f.sentence) for f in self.figures]
        self._section = [bigrams(f.section) for f in self.figures]
        sentences = {f.sentence for f in self.figures}
        df = Counter(g for s in sentences for g in bigrams(s))
        n = max(1, len(sentences))
        self._idf = {g: math.log(1 + n / (1 + c)) for g, c in df.items()}
        self._default_idf = math.log(1 + n)
        self._ids = [f.id for f in self.figures]  # a hash each: computed once, not per figure per question
        self.by_id = dict(zip(self._ids, self.figures))
        self._numbers: dict[str, list[int]] = {}
        self._by_unit: dict[str, list[int]] = {}
        for i, (fid, f) in enumerate(zip(self._ids, self.figures)):
            self._numbers.setdefault(fid, []).append(i)
            self._by_unit.setdefault(f.unit, []).append(i)
        self._words = _WordIndex(self.figures, [c | p for c, p in zip(self._clause, self._phrase)],
                                 self._sentence, self._section)

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
            lexical = self._lexical_scores(query)
            scored = [self._score(i, question, ask, query, dense or {}, passage_rank or {}, lexical.get(i))
                      for i in self._candidates(ask, lexical, dense or {}, passage_rank or {})]
            scored = [m for m in scored if m.score > 0]
            scored.sort(key=lambda m: (-m.score, m.figure.start))
            results.append(tuple(_first_stated_on_ties(_distinct(scored))[:k]))
        if len(results) > 1:
            results = _prefer_one_sentence(results)
        return LookupResult(tuple(asks), tuple(results))

    def stated(self, question: Question, dense: Mapping[str, float] | None = None,
               passage_rank: Mapping[str, float] | None = None) -> FigureMatch | None:
        """The figure a report states for a sum or difference ("预决算差异为382.86万元"), if it states one.

        It must be named as a difference (or total) in its own words and stand in a sentence that names every
        operand, so it is the very result the question would compute.
        """
        word = _STATED.get(question.operation or "")
        if word is None or len(question.operands) < 2:
            return None
        ask = replace(question.asks[0], text=question.match_text or question.text, object="") if question.asks \
            else Ask(question.text)
        query = _weighted_grams(question.match_text or question.text, 1.0)
        best = None
        for i, f in enumerate(self.figures):
            if not word.search(f.phrase.split("·")[-1]) or not all(
                    self._names(i, operand) for operand in question.operands):
                continue
            m = self._score(i, question, ask, query, dense or {}, passage_rank or {})
            if best is None or (m.score, -f.start) > (best.score, -best.figure.start):
                best = m
        return best

    def _names(self, i: int, text: str, share: float = 0.8) -> bool:
        """Whether the figure's sentence names `text` (most of its words, by weight)."""
        grams = {g for g in bigrams(text) if len(g) == 2}
        total = sum(self.idf(g) for g in grams)
        return bool(total) and sum(self.idf(g) for g in grams if g in self._sentence[i]) >= share * total

    def _object_factor(self, i: int, ask: Ask) -> float:
        """'多少名盲人': a figure whose own clause does not name what is counted is not its answer.

        What is counted must stand near the figure (its clause, with the subject it carries over, or its phrase);
        a share's subject ("本级占比") may stand anywhere in the sentence that states the share.
        """
        grams = _word_grams(ask.object)
        if not grams or (ask.kind == "money" and len(grams) < 2):  # "多少资金" names the measure, not a thing
            return 1.0
        f = self.figures[i]
        near = f"{self._subject[i]}{f.clause} {f.phrase}" if ask.kind != "percent" else f.sentence
        near_grams = self._clause[i] | self._phrase[i] if ask.kind != "percent" else self._sentence[i]
        total = sum(self.idf(g) for g in grams)
        found = sum(self.idf(g) for g in grams if g in near_grams
                    or (len(g) == 2 and _gapped(g).search(near)))  # one-character runs have no gap
        if found < total and _one_word(ask.object) and ask.object not in near:
            return 0.25  # "工作人员" is one word: 人员 in "残疾人员" is not it
        return 0.25 + 0.75 * (found / total)

    def _named_exactly_factor(self, i: int, ask: Ask, query: dict[str, float]) -> float:
        """'今年支出了多少': the figure named by exactly the asked words (支出2700.38万元) beats one whose name says
        more (基本支出786.65万元). A share's own words (占比) are its measure, not its name."""
        own = self._core[i]
        if not own or ask.kind == "percent" or not own <= query.keys():
            return 1.0
        return 1.2 if own == {g for g, w in query.items() if w >= 1.0 and len(g) == 2} else 1.08

    def _whole_factor(self, i: int, ask: Ask, query: dict[str, float]) -> float:
        """'支出合计多少': the whole (支出2700.38万元), not a part of it (其中…, 基本支出…)."""
        if not ask.total or ask.kind == "percent":
            return 1.0
        f = self.figures[i]
        factor = 0.75 if f.qualifier == PART or f.clause.startswith("其中") else 1.0
        own = self._core[i] | {g for g in bigrams(self._subject[i]) if len(g) == 2}  # 年终决算 of 社会保障和就业支出
        if own:
            extra = sum(self.idf(g) for g in own if g not in query) / sum(self.idf(g) for g in own)
            factor *= 1.0 - 0.3 * extra
        return factor

    def _lexical(self, i: int, query: dict[str, float], total: float | None = None,
                 grams: Iterable[str] | None = None) -> float:
        """Share of the question's (idf-weighted) words found in the figure's fields, each by its field's weight.

        `grams`: the only words of `query` the figure can hold, in query order (from the word index); every other
        word would add exactly 0, so the share is the same as over the whole query.
        """
        if total is None:
            total = sum(w * self.idf(g) for g, w in query.items())
        if not total:
            return 0.0
        f = self.figures[i]
        got = 0.0
        for g in (query if grams is None else grams):
            field = (CLAUSE_WEIGHT if g in self._clause[i] else PHRASE_WEIGHT if g in self._phrase[i]
                     else SENTENCE_WEIGHT if g in self._sentence[i] else SECTION_WEIGHT if g in self._section[i]
                     else ABBREVIATION_WEIGHT if len(g) == 2 and _gapped(g).search(f.sentence) else 0.0)
            got += query[g] * self.idf(g) * field
        return got / total

    def _lexical_scores(self, query: dict[str, float]) -> dict[int, float]:
        """Figure number -> lexical share, for every figure holding a word of the question (the others have 0)."""
        total = sum(w * self.idf(g) for g, w in query.items())
        if not total:
            return {}
        held: dict[int, list[str]] = {}
        for g in query:
            for i in self._words.holding(g):
                held.setdefault(i, []).append(g)
        return {i: self._lexical(i, query, total, grams) for i, grams in held.items()}

    def _candidates(self, ask: Ask, lexical: Mapping[int, float], dense: Mapping[str, float],
                    passage_rank: Mapping[str, float]) -> list[int]:
        """Figure numbers (in order) that can score above 0: those holding a question word, with a dense similarity
        or in a retrieved passage, or stated in the unit asked for (+0.08); any other figure scores exactly 0."""
        found = set(lexical)
        for fid in (*dense, *passage_rank):
            found.update(self._numbers.get(fid, ()))
        if ask.unit:
            found.update(self._by_unit.get(ask.unit, ()))
        return sorted(found)

    def _score(self, i: int, question: Question, ask: Ask, query: dict[str, float],
               dense: Mapping[str, float], passage_rank: Mapping[str, float],
               lexical: float | None = None) -> FigureMatch:
        f = self.figures[i]
        if lexical is None:
            lexical = self._lexical(i, query)
        d = dense.get(self._ids[i], 0.0)
        p = passage_rank.get(self._ids[i], 0.0)
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
        score *= self._whole_factor(i, ask, query)
        score *= self._named_exactly_factor(i, ask, query)
        score *= _qualifier_factor(ask, f)
        score *= _spent_factor(ask, f)
        score *= _year_factor(question, self._years[i])
        return FigureMatch(f, round(score, 4), round(lexical, 4), round(d, 4), kind_ok)


@lru_cache(maxsize=1024)
def _word_grams(text: str) -> frozenset[str]:
    """The two-character grams of a text (remembered: one question asks for them once per figure)."""
    return frozenset(g for g in bigrams(text) if len(g) == 2)


@lru_cache(maxsize=1024)
def _one_word(text: str) -> bool:
    """Whether jieba reads `text` (three characters or more) as a single word."""
    import jieba

    return len(text) >= 3 and len(jieba.lcut(text)) == 1


@lru_cache(maxsize=4096)
def _gapped(gram: str) -> re.Pattern[str]:
    """'运会' also matches '运动会': abbreviations (残运会, 残联) keep their characters in order."""
    return re.compile(re.escape(gram[0]) + r"[\u4e00-\u9fff]{1,3}" + re.escape(gram[1]))


class _WordIndex:
    """Word (bigram) -> the figures holding it in a field lookup matches: their own words (clause, carried subject,
    phrase), their sentence, their heading path, or spread out in their sentence as an abbreviation (_gapped).

    Built once per FigureIndex, so a question scores only the figures that share a word with it, not every figure
    of every report asked. Sentences and headings are indexed once however many figures share them.
    """

    ABBREVIATION_MEMORY = 4096  # words whose abbreviation matches are remembered

    def __init__(self, figures: list[Figure], own: list[set[str]], sentence_grams: list[set[str]],
                 section_grams: list[set[str]]):
        self._own: dict[str, list[int]] = {}
        for i, grams in enumerate(own):
            for g in grams:
                self._own.setdefault(g, []).append(i)
        sentence_of: dict[str, int] = {}
        self._sentences: list[str] = []
        self._figures_of_sentence: list[list[int]] = []
        self._in_sentence: dict[str, list[int]] = {}
        self._figures_of_section: list[list[int]] = []
        self._in_section: dict[str, list[int]] = {}
        section_of: dict[str, int] = {}
        for i, f in enumerate(figures):
            s = sentence_of.get(f.sentence)
            if s is None:
                s = sentence_of[f.sentence] = len(self._sentences)
                self._sentences.append(f.sentence)
                self._figures_of_sentence.append([])
                for g in sentence_grams[i]:
                    self._in_sentence.setdefault(g, []).append(s)
            self._figures_of_sentence[s].append(i)
            h = section_of.get(f.section)
            if h is None:
                h = section_of[f.section] = len(self._figures_of_section)
                self._figures_of_section.append([])
                for g in section_grams[i]:
                    self._in_section.setdefault(g, []).append(h)
            self._figures_of_section[h].append(i)
        self._chars: dict[str, set[int]] = {}  # character -> sentences holding it, to find abbreviations fast
        for s, text in enumerate(self._sentences):
            for ch in set(text):
                self._chars.setdefault(ch, set()).add(s)
        self._abbreviated: dict[str, list[int]] = {}

    def holding(self, gram: str) -> set[int]:
        """The figures holding `gram` in any matched field (a superset is harmless: scoring is exact)."""
        found = set(self._own.get(gram, ()))
        for s in self._in_sentence.get(gram, ()):
            found.update(self._figures_of_sentence[s])
        for h in self._in_section.get(gram, ()):
            found.update(self._figures_of_section[h])
        if len(gram) == 2:
            for s in self._abbreviations(gram):
                found.update(self._figures_of_sentence[s])
        return found

    def _abbreviations(self, gram: str) -> list[int]:
        """Sentences where the two characters of `gram` stand apart, as _gapped matches them."""
        got = self._abbreviated.get(gram)
        if got is None:
            pattern = _gapped(gram)
            maybe = self._chars.get(gram[0], set()) & self._chars.get(gram[1], set())
            got = [s for s in sorted(maybe) if pattern.search(self._sentences[s])]
            if len(self._abbreviated) >= self.ABBREVIATION_MEMORY:
                self._abbreviated.clear()
            self._abbreviated[gram] = got
        return got


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


def _spent_factor(ask: Ask, f: Figure) -> float:
    """'实际花了多少': what was spent (决算, 支出) rather than what was budgeted; the clause tells which side."""
    if not ask.spent:
        return 1.0
    if _SPENT_SIDE.search(f.clause):
        return 1.15
    if _BUDGET_SIDE.search(f.clause):
        return 0.75
    return 1.0


def _year_factor(question: Question, years: frozenset[int]) -> float:
    """A question about 2022 wants the figure about 2022."""
    factor = 1.0
    for year in question.years:
        if year in years:
            factor *= 1.1
        elif years:
            factor *= 0.6
    return factor


def carried_subject(f: Figure) -> str:
    """The subject a clause carries over from the clause before it: "住房保障支出年初预算49.94万元，年中决算为49.74万元"
    -> "住房保障支出" for 49.74."""
    if not _MEASURE_HEAD.match(f.clause):
        return ""
    pos = f.sentence.find(f.clause)
    if pos <= 0:
        return ""
    previous = re.split(r"[，,；;。]", f.sentence[:pos].rstrip("，,；; "))[-1]
    m = _MEASURE_WORD.search(previous)
    return previous[:m.start()] if m else ""


def _own_years(text: str, keep_subject: bool = False) -> set[int]:
    """Years a text names, leaving out those named only as the base (or subject) of a comparison."""
    text = (_BASE_YEAR if keep_subject else _COMPARED_YEAR).sub(" ", text)
    return {int(y) for y in _YEAR_MENTION.findall(text)}


def _figure_years(figures: list[Figure]) -> list[frozenset[int]]:
    """The year each figure is about: its clause's, else its sentence's, else the year the section last named."""
    years: list[frozenset[int]] = [frozenset()] * len(figures)
    topic: dict[tuple[str, str], frozenset[int]] = {}
    for i in sorted(range(len(figures)), key=lambda i: (figures[i].report, figures[i].start)):
        f = figures[i]
        key = (f.report, f.section)
        own = _own_years(f.clause, keep_subject=f.qualifier == CHANGE) or _own_years(f.sentence)
        if own:
            years[i] = frozenset(own)
            if f.qualifier != CHANGE:
                topic[key] = years[i]
        else:
            years[i] = topic.get(key, frozenset())
    return years


def _first_stated_on_ties(matches: list[FigureMatch]) -> list[FigureMatch]:
    """The same words matched and near-equal scores: the figure the report states first leads (later ones repeat
    or detail it), rather than the one a small difference in similarity happens to favour."""
    if len(matches) < 2:
        return matches
    top = matches[0]
    tied = [m for m in matches if m.score >= top.score - TIE_MARGIN and m.lexical == top.lexical
            and m.figure.report == top.figure.report]  # positions in two reports say nothing about each other
    first = min(tied, key=lambda m: m.figure.start)
    return [first] + [m for m in matches if m is not first]


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
