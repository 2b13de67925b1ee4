"""The verified-number lookup: find the figure(s) of the figures table that answer each ask of a question, and say
whether each one names what was asked.

One scoring mechanism serves every wording. Each figure has a name — its clause with the subject it carries over
(the clause before it, the whole a 其中 part belongs to), its phrase, for a table cell its row and column — and a
context (its sentence, its heading path). A figure is scored by

- forward coverage: the share of the asked subject words (idf-weighted) its name (or, weaker, its context) holds;
- backward coverage: the share of its own name's words the question names (基本支出 names more than "支出");
- kind and unit compatibility, qualifier agreement (a change, a target, a share, a rate) and year agreement.

A figure *answers* an ask (`FigureMatch.answers`) only when its name holds the asked subject, its kind, qualifier
and year agree, and it is not one of several figures the question fits equally (then the report does not state
what was asked as such, and those figures are only related). Dense similarity (from the store) carries questions
that share no words with the report; it ranks, it never makes a figure answer.
"""
from __future__ import annotations

import logging
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from app.question import ACRONYM, UNKNOWN_OBJECT, Ask, Question, content_terms, in_order
from app.statements import about_change
from ingest.figures import CHANGE, TARGET, Figure
from ingest.numbers import UNITS

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_MONTH = re.compile(r"(?<!\d)(?:1[0-2]|0?[1-9])月")
_QUOTES = re.compile(r"[“”‘’「」『』《》〈〉\"']")  # “三公”经费 is read as 三公经费
# a year named as the base or the subject of a comparison ("同比2022年度", "2023年同比") is not the figure's year
_COMPARED_YEAR = re.compile(r"(?:同比|相比|对比|比|较|与)\s*(?:19|20)\d\d\s*年度?|(?:19|20)\d\d\s*年度?\s*(?:同比|相比|比|较)")
_BASE_YEAR = re.compile(r"(?:同比|相比|对比|比|较|与)\s*(?:19|20)\d\d\s*年度?")
_YEAR_MENTION = re.compile(r"((?:19|20)\d\d)\s*年")
# a clause that opens with a budget measure ("年中决算为49.74万元") has the subject of the clause before it
_MEASURE_HEAD = re.compile(r"^(?:其中)?(?:支出|收入)?(?:年初|年终|年中|全年)?(?:预算|决算)")
_MEASURE_WORD = re.compile(r"(?:年初|年终|年中)?(?:预算|决算)")
_BUDGET_SIDE = re.compile(r"预算|拟投入|计划|目标|指标值")
# 预算 in the name of a kind of fund or a process is no budgeted amount ("一般公共预算财政拨款", "预算执行率")
_FUND_NAMES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算|部门预算|预算单位|预算管理|预算执行|预决算")
_SPENT_SIDE = re.compile(r"决算|支出|实际|花费|使用|执行数|完成")
_STATED = {"difference": re.compile(r"差异|差额|相差|差距|之差"), "sum": re.compile(r"合计|总计|共计|总额|合共"),
           "remaining": re.compile(r"结余|剩余|未使用|未支出|尚未支付|未执行|未拨付|(?<!上年)结转|节约|节省")}
_PLANNED = re.compile(r"拟|计划|预计|目标|力争")
# "完成计划的105.42%", "完成目标任务的98%": how much of the plan was reached, which is no plan itself
_OF_THE_PLAN = re.compile(r"(?:完成|达到|实现)了?(?:年度)?(?:计划|目标)(?:任务)?数?的")
_REACHED = re.compile(r"实际|实现|^(?:全年|共|累计)?(?:完成|已)")  # a clause saying what was reached, not planned
_PLANNED_COLUMN = re.compile(r"拟|计划|预计|目标|指标值|预算数|年初预算|全年预算")  # a table column of plans
# the two wholes a final-accounts explanation tells apart: 收入总计 (with the carry-over) and 本年收入合计
_WHOLE_KIND = re.compile(r"总计|合计")
_TOTAL_WORD = re.compile(r"合计|总计|共计|总额|总体|整体|总收入|总支出")
# a clause that states its figure as a total of its own: 共接待, 全年共举办, 累计 (not 公共, 共同, 共享, 共建)
_OWN_TOTAL = re.compile(r"(?<![公])共(?![同享建青产识性])|累计|合计|总计")
_WEIGHT_COLUMN = re.compile(r"分值|权重|满分")
_CJK_TEXT = re.compile(r"[\u4e00-\u9fff]")
_SHARE_WORDS = re.compile(r"占|比例|比重|百分比")
_RATE_WORD = re.compile(r"[\u4e00-\u9fff]率")
_DOWN = re.compile(r"减少|下降|降低|减|少|缩减|缩短|压缩|降")
# words that name the reporting body or period as a whole, not a part of it: 本部门收入 is the whole income
_SCOPE_WORDS = re.compile(r"本部门|我部门|本单位|我单位|本年度|(?:19|20)\d\d年度?|今年|本年|截至|截止|其中|共计|合计")
# the words of a change, which say how a figure moved, not what it is of
_COMPARISON_WORDS = re.compile(r"(?:比|较|与)(?:上年|去年|上一年|同期)(?:相比)?|同比|减少|增加|下降|上升|增长|降低|提高|"
                               r"完成预算的|完成|达到|主要是|约")
_MEASURE_WORDS = frozenset("支出 收入 预算 决算 实际 年初 年终 年中 资金 金额".split())
# words that name no item: a figure named by these alone is named by the heading it stands under
_NAMELESS = _MEASURE_WORDS | frozenset("年度 本年 全年 当年 万元 亿元 年初预算 支出决算 预算数 决算数 项目 全年预算 项目预算 "
                                        "完成 完成值 实际完成 实际完成值 指标 指标值 年度指标值 目标值 预期 预期目标 "
                                        "不少 不少于 不低于 不超过 不高于 不多于 以上 以内 以下 达到 "
                                        # a count's measure, not its item: 签约人数 is what 签约居民2.58万人 counts
                                        "人数 户数 次数 数量 个数".split())
# a scoring rule's threshold ("预算执行率未达到95%扣3分") is a target, not what was reached
_CRITERION = re.compile(r"(?:未达到|未达|低于|不足|高于|超过)\s*[\d.]+\s*%?\s*(?:的)?(?:扣|得|计|加)")
# 多长时间, 几项: the asking, not a name; 一年, 每月: a time, not a thing
_ASKING_WORD = re.compile(r"多|几|什么|怎|哪|啥|谁|[年月日天周季]")
_BOUND_BEFORE = re.compile(r"(?:不低于|不少于|不高于|不超过|不多于|≥|≤|>=|<=)\s*$")
_CHANGE_VERB = re.compile(r"新增|增加|减少|下降|上升|增长|降低|提高|新招|新建|新开")
_STATED_CHANGE = re.compile(r"(?:比|较|与)(?:上年|去年|上一年|同期)(?:相比)?[^，。；\d]{0,3}(?:减少|增加|下降|上升|增长|降低|提高|缩短|"
                            r"延长|压缩|减|增)|同比(?:减少|增加|下降|上升|增长|降低|提高|缩短|延长)")
_TIME_WORD = re.compile(r"年初|年中|年终|年末|年底|全年|上半年|下半年|前三季度|季度|当年|本年|今年|去年|上年|目前|现在")
_CLAUSE_SPLIT = re.compile(r"[，；;：:。！？!?]|,(?!\d{3})")  # not the comma of 1,200.00
_QUOTE_CUT = re.compile(r"[，；;：:。！？!?]|,(?!\d)")  # not the comma of 1,012.40
TIE_MARGIN = 0.01  # scores this close are a tie: the report's first statement wins
NAME_WEIGHT, CONTEXT_WEIGHT, SENTENCE_WEIGHT, SECTION_WEIGHT, ABBREVIATION_WEIGHT = 1.0, 0.85, 0.6, 0.35, 0.6
ONE_CHAR_WORDS = 4  # the reports' words a one-character word asked stands for, most used first
WHOLE_WEIGHT = 0.85  # the whole a 其中 part belongs to: it says what the part is of, not what the part is
# what "names what was asked" takes (calibrated on the dev set and our own reports of other departments)
ANSWER_COVERAGE = 0.55  # share of the asked subject the figure's name and context hold
NAME_COVERAGE = 0.25  # share of it the name itself (not only the sentence around it) holds
OBJECT_HELD = 0.4  # share of what is counted ("多少名盲人": 盲人) the name must hold
OWN_NAMED = 0.5  # share of the figure's own name the question names, below which rivals make it ambiguous
NARROWER = 0.3  # below this share the figure names something narrower than was asked (一般公共预算…收入 for 收入)
RIVAL_MARGIN = 0.08  # a figure this close in coverage, of another value, is a rival
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """The text in simplified characters: a report served in traditional ones (經費) matches a question in simplified
    ones (经费); quotations keep the report's own characters."""
    return _t2s().convert(text) if text and _CJK_RUN.search(text) else text


def bigrams(text: str) -> set[str]:
    """Character bigrams of the Chinese runs of `text` (single characters for one-character runs), in simplified
    characters."""
    grams: set[str] = set()
    for run in _CJK_RUN.findall(_QUOTES.sub("", simplified(text))):
        if len(run) == 1:
            grams.add(run)
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    grams.update(ACRONYM.findall(text))  # "CT", "DR": a report names equipment and programmes by Latin initials
    grams.update(_MONTH.findall(text))  # "12月": a month is a word, digits and all
    return grams


@dataclass(frozen=True)
class FigureMatch:
    """A figure that may answer an ask, with how well it does."""

    figure: Figure
    score: float  # 0..~1.3: what ranks candidates
    lexical: float  # share of the question's (weighted) words found in the figure's fields
    dense: float  # 0..1 semantic similarity of question and figure
    kind_ok: bool
    coverage: float = 0.0  # share of the asked subject held by the figure's name and context
    named: float = 0.0  # share of the figure's own name the question names
    answers: bool = False  # it names what was asked: subject, measure, kind, qualifier, year
    why: str = ""  # why it does not answer (for logs and the related list)
    part: bool = False  # a part of a whole stated before it (其中…)
    budget: bool = False  # what was budgeted, asked plainly (what was spent comes first)
    in_name: float = 0.0  # share of the asked subject held by the figure's own name and the clauses naming it


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

    @property
    def answered(self) -> bool:
        """Every ask has a figure that names what was asked."""
        return bool(self.matches) and all(m and m[0].answers for m in self.matches)


class FigureIndex:
    """The figures of one or more reports, prepared for lookup (pure, in memory, rebuilt from the store).

    `report_years`: report id -> the year the report is about; a question naming no year asks about that year.
    """

    def __init__(self, figures: Iterable[Figure], report_years: Mapping[str, int | None] | None = None,
                 report_names: Mapping[str, Iterable[str]] | None = None,
                 report_topics: Mapping[str, str] | None = None):
        self.figures: list[Figure] = list(figures)  # as the reports state them: what matches quote
        # matched in simplified characters (a report in traditional ones answers questions in simplified ones)
        self._norm = [_in_simplified(f) for f in self.figures]
        self.report_years = dict(report_years or {})
        # the names of each report's body: in a figure's own name they say whose figure it is, not what it is
        self._body_names = {r: tuple(sorted(set(n), key=len, reverse=True)) for r, n in (report_names or {}).items()}
        # what a report is about, from its title ("全民数字阅读推广项目"): every figure of a project's report is of it,
        # so the topic named in a question says whose figure is asked, not which (as the body's name does)
        self._topic = {r: simplified(t) for r, t in (report_topics or {}).items() if t}
        self._subject = [carried_subject(f) for f in self._norm]
        distributed, self._distributed_change, heads = _distributed(self._norm)
        self._items = distributed  # the item each figure of a distributed statement belongs to ("" if none)
        self._unresolved = [d == UNRESOLVED for d in distributed]
        self._subject = [f"{d} {s}".strip() if d != UNRESOLVED else s for d, s in zip(distributed, self._subject)]
        self._whole = _whole_context(self._norm)
        # a sibling clause ("孕产妇死亡率为0，婴儿死亡率1.86‰": the same head, another figure) names its own figure only
        siblings = _sibling_clauses(self._norm)
        self._previous = [_previous_clause(f, sib) for f, sib in zip(self._norm, siblings)]
        # the clause right before, unless a sibling's: a part's item, if it names one (a list's lead-in is its whole)
        self._item_clause = [bigrams(_previous_clause(f, sib, past_siblings=False)) for f, sib in zip(self._norm, siblings)]
        # the clause a sentence opens with names its topic ("为…提供寄宿托养资助，…，现有143名残疾人在托")
        self._previous = [f"{p} {_topic_clause(f, sib)}" for p, f, sib in zip(self._previous, self._norm, siblings)]
        self._heads = {(f.report, f.start): _clause_head(f) for f in self.figures if not f.table}
        sentence_grams = [bigrams(f.sentence) for f in self._norm]  # what the word index finds figures by
        # what scores a figure: its sentence without its siblings' clauses (their words name those figures)
        self._sentence_text = [_without(f.sentence, sib) for f, sib in zip(self._norm, siblings)]
        self._sentence = [bigrams(t) if sib else g for t, g, sib in zip(self._sentence_text, sentence_grams, siblings)]
        for i, (h, d) in enumerate(zip(heads, distributed)):
            others = "|".join(h.split("|")[1:])
            if others and d and d != UNRESOLVED:  # "本年收入、本年支出各是A,B": the other items name the other figures
                self._previous[i] = _without_words(self._previous[i], others)
                self._sentence_text[i] = _without_words(self._sentence_text[i], others)
                self._sentence[i] = bigrams(self._sentence_text[i])
        self._name_text = [simplified(_name_text(f, s, h, d))
                           for f, s, h, d in zip(self._norm, self._subject, heads, distributed)]
        self._name = [bigrams(t) for t in self._name_text]
        self._context = [bigrams(p) for p in self._previous]
        self._context_text = [simplified(p) for p in self._previous]
        self._whole_grams = [bigrams(w) for w in self._whole]
        self._years = _figure_years(self._norm)
        # a figure stated as what is planned: 拟投入…, 计划…, 目标为… before it in its sentence
        # (not a clause that says what was reached: "目标不少于4200人，实际保障4356人")
        self._planned = [not f.table and ((bool(_PLANNED.search(_OF_THE_PLAN.sub(" ", _before_clause(f))))
                                           and not _REACHED.search(f.clause[:max(0, f.clause.find(f.text))]))
                                          or _planned_section(f.section))
                         for f in self._norm]
        self._of_the_plan = [_of_the_plan(f) for f in self._norm]
        self._section = [bigrams(f.section) for f in self._norm]
        sentences = {f.sentence for f in self._norm}
        df = Counter(g for s in sentences for g in bigrams(s))
        n = max(1, len(sentences))
        self._idf = {g: math.log(1 + n / (1 + c)) for g, c in df.items()}
        self._default_idf = math.log(1 + n)
        own_of = [_without_items(f, h, d) for f, h, d in zip(self._norm, heads, distributed)]
        self._own = [_own_words(f, s, self._body_names.get(f.report, ())) for f, s in zip(own_of, self._subject)]
        # a figure named only by a measure ("实际支出28.74万元") is named by the clauses before it too
        self._bare = {(f.report, f.start) for f, own in zip(self.figures, self._own)
                      if not any(w not in _MEASURE_WORDS for w in own)}
        # such a figure is named by its item's own heading too ("3.公务接待费" over "2023年度支出2.32万元")
        for i, f in enumerate(self._norm):
            own = self._own[i] if not about_change(f) else _own_words(replace(f, clause=""), "")  # 持平: its phrase
            heading = _item_heading(f) if not any(w not in _NAMELESS for w in own) else ""
            if heading:
                self._previous[i] = f"{self._previous[i]} {heading}"
                self._context[i] = bigrams(self._previous[i])
                self._context_text[i] = simplified(self._previous[i])
        self._own_base = list(self._own)  # before the fallback: a question naming just the measure names it all
        self._own = [own if any(w not in _MEASURE_WORDS for w in own) else
                     tuple(dict.fromkeys(own + _own_words(f, p, self._body_names.get(f.report, ()))))
                     for own, f, p in zip(self._own, self._norm, self._previous)]
        self._vocabulary: Counter[str] | None = None  # the sentences' words (jieba), made on first need
        self._ids = [f.id for f in self._norm]  # a hash each: computed once, not per figure per question
        self._number_of = {(f.report, f.start): n for n, f in enumerate(self.figures)}  # a match's figure -> its number
        self.by_id = dict(zip(self._ids, self.figures))
        self._numbers: dict[str, list[int]] = {}
        self._by_unit: dict[str, list[int]] = {}
        for i, (fid, f) in enumerate(zip(self._ids, self._norm)):
            self._numbers.setdefault(fid, []).append(i)
            self._by_unit.setdefault(f.unit, []).append(i)
        self._words = _WordIndex(self._norm, [a | b | c for a, b, c in zip(self._name, self._context,
                                                                               self._whole_grams)],
                                 sentence_grams, self._section)

    def idf(self, gram: str) -> float:
        return self._idf.get(gram, self._default_idf)

    def quoted(self, f: Figure) -> str:
        """The words to quote for a figure: its clause, with the clause before it when its own clause names only a
        measure ("支出178.76万元" -> "多参数监护仪等其他设备20台(套),支出178.76万元")."""
        clause_only = _own_words(replace(f, phrase=""), "")  # the clause's own words, no subject carried into it
        piece = (f.extra or {}).get("piece") if f.table else ""
        if piece:  # a cell stating several figures: the piece that states this one, under its row and column
            return f"{f.row} {f.column}：{piece}".strip()
        if f.table or ((f.report, f.start) not in self._bare and any(w not in _MEASURE_WORDS for w in clause_only)):
            return f.clause
        at = f.sentence.find(f.clause)
        if at <= 0:
            return f.clause
        cuts = [m.end() for m in _QUOTE_CUT.finditer(f.sentence, 0, max(0, at - 1))]
        start = cuts[-1] if cuts else 0
        return f.sentence[start:at + len(f.clause)].strip()

    def item_of(self, f: Figure) -> str:
        """The item a figure of a distributed statement belongs to ("收入、支出总计各增加A,B，各增长x%、y%": B and y% are
        支出总计's), or ""."""
        i = self._number_of.get((f.report, f.start))
        item = self._items[i] if i is not None else ""
        return "" if item == UNRESOLVED else item

    def distributed_change(self, f: Figure) -> Figure | None:
        """The change a distributed statement gives an item's figure: "本年收入、本年支出各是A,B万元，与上年相比各减少
        C,D万元" -> C for A (the same item, in the stretch that states a change)."""
        i = next((n for n, g in enumerate(self.figures) if g is f), None)
        if i is None or not self._items[i] or self._items[i] == UNRESOLVED or self._distributed_change[i]:
            return None
        # (or in the sentence after: "收、支总计各是A万元。与上年相比,收、支总计各增加C万元")
        return next((g for n, g in enumerate(self.figures) if n != i and g.report == f.report
                     and (g.sentence == f.sentence or 0 < g.start - f.start - len(f.sentence) < NEXT_SENTENCE)
                     and self._items[n] == self._items[i] and self._distributed_change[n]
                     and g.unit == f.unit and g.start > f.start), None)

    def _one_char(self, term: str) -> str:
        """A term of one Chinese character, as the reports' words that hold it ("床" -> "床位|病床"), most used first;
        itself when the reports have no such word (one character alone matches nothing: bigrams are the index)."""
        if len(term) != 1 or not _CJK_RUN.fullmatch(term):
            return term
        if self._vocabulary is None:
            words: Counter[str] = Counter()
            for sentence in {f.sentence for f in self._norm}:
                words.update(w for w in _jieba().lcut(sentence) if 2 <= len(w) <= 4 and _CJK_RUN.fullmatch(w))
            self._vocabulary = words
        held = sorted((w for w in self._vocabulary if term in w), key=lambda w: (-self._vocabulary[w], w))
        return "|".join(held[:ONE_CHAR_WORDS]) or term

    def knows(self, gram: str) -> bool:
        """Whether the reports use this bigram at all."""
        return gram in self._idf

    def lookup(self, question: Question, dense: Mapping[str, float] | None = None,
               passage_rank: Mapping[str, float] | None = None, k: int = 5) -> LookupResult:
        """Rank figures for each ask of the question.

        `dense`: figure id -> similarity 0..1 of question and figure clause; `passage_rank`: figure id ->
        0..1 relevance of the retrieved passage holding it (both optional).
        """
        asks = question.asks or (Ask(question.text, subject=question.terms),)
        # "开放了多少天": a one-character thing counted that the reports write as a unit (312天) is the measure asked
        asks = tuple(self._as_measure(a) for a in asks)
        # a thing counted in one character ("多少张床") stands for the reports' words holding it (床位, 病床); other
        # lone characters are pieces of a split question ("比例" -> 例) and say nothing
        asks = tuple(replace(a, subject=tuple(self._one_char(t) if t == a.object else t for t in a.subject),
                             object=self._one_char(a.object)) for a in asks)
        # the question's other words help rank an ask, unless they belong to the other asks of the question
        counted = {a.object for a in question.asks}
        whole = (self._weighted(tuple(self._one_char(t) if t in counted else t for t in question.terms), 0.5)
                 if len(asks) == 1 else {})
        context = self._weighted(content_terms(question.context), 0.35) if question.context else {}
        results: list[tuple[FigureMatch, ...]] = []
        for ask in asks:
            own = self._weighted(ask.subject, 1.0)
            query = {**context, **whole, **own}
            lexical = self._lexical_scores(query)
            scored = [self._score(i, question, ask, query, own, dense or {}, passage_rank or {}, lexical.get(i))
                      for i in self._candidates(ask, lexical, dense or {}, passage_rank or {})]
            scored = _named_less_than_a_sibling([m for m in scored if m.score > 0], self._heads)
            scored = self._rivals_name_what_it_lacks(ask, scored)
            scored = self._unless_about_the_unstated(ask, scored)
            scored = _per_one_only(ask, scored)
            scored.sort(key=lambda m: (-m.score, m.figure.start))
            ranked = _first_stated_on_ties(_distinct(scored))
            results.append(tuple(_answering_first(_unless_ambiguous(ranked, ask.unit, ask))[:k]))
        if len(results) > 1:
            results = self._one_figure_per_ask(prefer_one_sentence(results))
        if log.isEnabledFor(logging.DEBUG):  # python -m app.ask --explain
            log.debug("%s", explain(question, asks, results))
        return LookupResult(tuple(asks), tuple(results))

    def _one_figure_per_ask(self, results: list[tuple[FigureMatch, ...]]) -> list[tuple[FigureMatch, ...]]:
        """Two asks of one question ask two things: where they lead with the same figure, the figures that answer are
        shared out so that each ask has its own and the asks together fit best ("培训报名多少人，结业多少": 报名 ->
        1480, 结业 -> 1384; "财政拨款多少，其他资金多少"). A figure the report states for several items at once
        ("收、支总计各是1856.42万元", "均为…") answers each of them."""
        leads = [m[0] for m in results if m]
        if len(leads) < 2 or len(results) > MAX_SHARED_ASKS:
            return results
        keys = [self._key(m) for m in leads]
        if len(set(keys)) == len(keys) or all(self._shared(m) for m in leads if keys.count(self._key(m)) > 1):
            return results
        options = [[m for m in matches if m.answers][:SHARE_CANDIDATES] if matches and matches[0].answers
                   else list(matches[:1]) for matches in results]

        def allowed(combo: tuple[FigureMatch, ...]) -> bool:
            ks = [self._key(m) for m in combo]
            return not any(ks.count(k) > 1 and not self._shared(m) for k, m in zip(ks, combo))

        return joint_choice(results, options, allowed)

    def _key(self, m: FigureMatch) -> tuple[str, int]:
        return (m.figure.report, m.figure.start)

    def _shared(self, m: FigureMatch) -> bool:
        """A figure stated for several items at once: "收、支总计各是A", "均为A"."""
        i = self._number_of.get((m.figure.report, m.figure.start))
        return i is not None and (" " in self._items[i] or bool(_STATED_FOR_ALL.search(m.figure.clause)))

    def _as_measure(self, ask: Ask) -> Ask:
        """An ask whose counted object is one character the reports use as a figure's unit ("多少天": 天) asks in that
        unit: the unit is what the figure must be stated in, not a word its name must hold."""
        if ask.unit or len(ask.object) != 1 or not _CJK_RUN.fullmatch(ask.object) or ask.object not in self._by_unit:
            return ask
        subject = tuple(t for t in ask.subject if t != ask.object)
        return replace(ask, unit=ask.object, object="", subject=subject or ask.subject)

    def stated(self, question: Question, dense: Mapping[str, float] | None = None,
               passage_rank: Mapping[str, float] | None = None) -> FigureMatch | None:
        """The figure a report states for a sum or difference ("预决算差异为382.86万元"), if it states one.

        It must be named as a difference (or total) in its own words and stand in a sentence that names every
        operand, so it is the very result the question would compute.
        """
        word = _STATED.get(question.operation or "")
        if word is None or len(question.operands) < 2:
            return None
        base = question.asks[0] if question.asks else Ask(question.text)
        # what is left is asked of its fund ("省级资金还剩多少没花": 省级资金), in whatever words it is asked
        terms = content_terms(question.operands[0]) if question.operation == "remaining" else question.terms
        ask = replace(base, object="", subject=terms, change=False, kind="money" if question.operation == "remaining"
                      else base.kind)
        query = self._weighted(terms, 1.0)
        best = None
        named = question.operands[:1] if question.operation == "remaining" else question.operands  # left of what
        for i, f in enumerate(self._norm):
            if not word.search(f.phrase.split("·")[-1]) or not all(self._names(i, operand) for operand in named):
                continue
            m = self._score(i, question, ask, query, query, dense or {}, passage_rank or {})
            if best is None or (m.score, -f.start) > (best.score, -best.figure.start):
                best = m
        return replace(best, answers=True, why="") if best is not None else None

    def _names(self, i: int, text: str, share: float = 0.8) -> bool:
        """Whether the figure's sentence names `text` (most of its words, by weight)."""
        grams = {g for g in bigrams(text) if len(g) == 2}
        total = sum(self.idf(g) for g in grams)
        return bool(total) and sum(self.idf(g) for g in grams if g in bigrams(self._norm[i].sentence)) >= share * total

    def _weighted(self, terms: Iterable[str], weight: float) -> dict[str, float]:
        """The bigrams of the question's words, each with its weight; a bigram that straddles two words and that
        the reports never use ("人中" of 残疾人中精神类) is an artefact of reading characters in pairs, not a word."""
        grams: dict[str, float] = {}
        for term in terms:
            for g in _term_grams(term):
                if len(g.text) < 2 or (g.straddles and not self.knows(g.text)):
                    continue  # one character ("拿") says little; a straddling pair the reports never use, nothing
                grams[g.text] = max(grams.get(g.text, 0.0), weight)
        return grams

    def _near(self, i: int, g: str) -> bool:
        """Whether the word stands in the figure's name or the clause before it (not only in its sentence)."""
        return (g in self._name[i] or g in self._context[i]
                or (len(g) == 2 and (_gapped(g).search(self._name_text[i]) is not None
                                     or _gapped(g).search(self._context_text[i]) is not None)))

    def _field(self, i: int, g: str) -> float:
        """How strongly the figure holds the word `g`: in its name, its context, its sentence, its heading."""
        if g in self._name[i]:
            return NAME_WEIGHT
        if g in self._context[i]:
            return CONTEXT_WEIGHT
        if len(g) == 2 and (_gapped(g).search(self._name_text[i]) or _gapped(g).search(self._context_text[i])):
            return ABBREVIATION_WEIGHT
        if g in self._whole_grams[i]:
            return WHOLE_WEIGHT
        if g in self._sentence[i]:
            return SENTENCE_WEIGHT
        if g in self._section[i]:
            return SECTION_WEIGHT
        if len(g) == 2 and _gapped(g).search(self._sentence_text[i]):
            return SENTENCE_WEIGHT * 0.8
        return 0.0

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
        got = sum(query[g] * self.idf(g) * self._field(i, g) for g in (query if grams is None else grams))
        return got / total

    def _coverage(self, i: int, subject: tuple[str, ...]) -> tuple[float, float]:
        """(share of the asked subject held by name, context and sentence; share held by name and context alone).

        Each subject word is one concept, weighted by how rare it is (its rarest bigram), not by its length: in
        "本级的一般公共预算财政拨款" the short 本级 says as much as the long name of the fund. An English concept may
        have alternatives ("寄宿托养|在托"), of which the best-held counts.
        """
        total = held = in_name = 0.0
        for term in self._without_topic(subject, self.figures[i].report):
            best = None
            for alternative in term.split("|"):
                grams = self._weighted((alternative,), 1.0)
                weight = sum(self.idf(g) for g in grams)
                if not weight:
                    continue
                fields = [(self.idf(g), self._field(i, g), self._near(i, g)) for g in grams]
                got = sum(w * f for w, f, _ in fields) / weight
                named = sum(w * f for w, f, near in fields if near) / weight
                rarity = max(self.idf(g) for g in grams)
                # the term's most telling word (its rarest bigram) held nowhere about the figure: the figure is not
                # about it, however much of the rest it holds ("学校自有资金的执行率" is not 预算执行率93.79%)
                if best is None or got > best[1]:
                    best = (rarity, got, named)
            if best is not None:
                total += best[0]
                held += best[0] * best[1]
                in_name += best[0] * best[2]
        return (held / total, in_name / total) if total else (0.0, 0.0)

    def _without_topic(self, subject: tuple[str, ...], report: str) -> tuple[str, ...]:
        """The asked subject without the report's topic ("数字阅读推广项目全年预算" on the 全民数字阅读推广项目's report ->
        "全年预算"): the longest piece of a term that stands in the topic, when it is most of the topic."""
        topic = self._topic.get(report)
        if not topic:
            return subject
        out = ["|".join(_topic_removed(a, topic) for a in term.split("|")) for term in subject]
        # "背街小巷这个项目全年预算" on the 背街小巷环境提升项目's report: the topic's first words, then its last word
        # (项目) in another term, name the topic too
        tail = topic.replace(" ", "")[-2:]
        head = [t == term and len(t) >= 4 and topic.replace(" ", "").startswith(t)
                and any(tail in u for u in subject if u != term) for t, term in zip(out, subject)]
        if any(head):
            out = ["" if h else re.sub("^" + re.escape(tail), "", t) for h, t in zip(head, out)]
        out = _topic_named_across(out, topic)
        return tuple(t for t in out if len(t.replace("|", "")) >= 2) or subject

    def _lacked_words(self, i: int, subject: tuple[str, ...]) -> list[frozenset[str]]:
        """The words of the asked subject (自有 of 自有资金) that stand nowhere about the figure — not in its name,
        context, sentence or heading — each as its bigrams; for a term with alternatives, those of its best one."""
        lacked: list[frozenset[str]] = []
        for term in self._without_topic(subject, self.figures[i].report):
            options = []
            for alternative in term.split("|"):
                words = [w for w in _jieba().lcut(alternative) if len(w) >= 2 and _CJK_RUN.fullmatch(w)]
                # a long word is read in its two-character pieces (自有资金: 自有, 资金)
                words = [piece for w in words for piece in ([w[k:k + 2] for k in range(0, len(w) - 1, 2)]
                                                            if len(w) >= 4 and len(w) % 2 == 0 else [w])]
                held = any(self._field(i, g) for w in words for g in _word_grams(w))
                missing = [_word_grams(w) for w in words
                           if w not in _NAMELESS and not _TIME_WORD.fullmatch(w)
                           and _word_grams(w) and all(self.knows(g) for g in _word_grams(w))
                           and not any(self._field(i, g) for g in _word_grams(w))]
                # only a term the figure holds in part: its other words name the figure, this one is not about it
                options.append(missing if held else [])
            lacked += min(options, key=len) if options else []
        return lacked

    def _unless_about_the_unstated(self, ask: Ask, matches: list[FigureMatch]) -> list[FigureMatch]:
        """A figure that holds most of a term asked ("培训机构场地补贴" -> 培训补贴, 机构 nearby) but not a word of it
        the report never writes at all is not the answer: the question is about something the report does not
        mention ("场地" nowhere), and the figure is only near it."""
        term_words = [w for w in map(self._name_words, ask.subject) if len(w) >= 3]
        if not term_words:
            return matches
        out = []
        for m in matches:
            i = self._number_of.get((m.figure.report, m.figure.start))
            if m.answers and i is not None and any(self._lacks_unmentioned(i, words) for words in term_words):
                m = replace(m, answers=False, why="unmentioned")
            out.append(m)
        return out

    def _name_words(self, term: str) -> list[str]:
        """The words of an asked term that can name a figure (two-character pieces of long words), once per ask."""
        if "|" in term:
            return []  # a word with the reports' alternatives: matched by any of them
        words = [w for w in _jieba().lcut(term) if len(w) >= 2 and _CJK_RUN.fullmatch(w)]
        words = [piece for w in words for piece in ([w[k:k + 2] for k in range(0, len(w) - 1, 2)]
                                                    if len(w) >= 4 and len(w) % 2 == 0 else [w])]
        return [w for w in words if w not in _NAMELESS and not _TIME_WORD.fullmatch(w) and _word_grams(w)]

    def _lacks_unmentioned(self, i: int, words: list[str]) -> bool:
        held = [w for w in words if any(self._field(i, g) for g in _word_grams(w))]
        about = self.figures[i].sentence + self.figures[i].section
        # (a word whose characters all stand about the figure may abbreviate its words: 社保 for 社会保障)
        unknown = [w for w in words if not any(self.knows(g) for g in _word_grams(w))
                   and not all(c in about for c in w) and not _ASKING_WORD.search(w)]
        # a modifier inside the name (场地 of 场地补贴: a held word follows it), not a question word at its end
        inside = [w for w in unknown if any(h in held for h in words[words.index(w) + 1:])]
        return len(held) >= 2 and bool(inside)

    def _rivals_name_what_it_lacks(self, ask: Ask, matches: list[FigureMatch]) -> list[FigureMatch]:
        """A figure that answers but lacks a word of what was asked, which another figure of the same kind holds in its
        own name or the clause before it ("学校自有资金的执行率": 预算执行率93.79% lacks 自有, the row 学校自有资金 has it), is not the answer:
        the report states the asked figure elsewhere, or not at all."""
        at = self._number_of
        out = []
        for m in matches:
            i = at.get((m.figure.report, m.figure.start))
            if m.answers and i is not None:
                lacked = self._lacked_words(i, ask.subject)
                holder = next((o for o in matches if o is not m and o.kind_ok and lacked
                               and o.coverage >= m.coverage - HOLDER_MARGIN and any(all(
                    self._near(at[(o.figure.report, o.figure.start)], g) for g in grams) for grams in lacked)), None)
                if holder is not None:
                    m = replace(m, answers=False, why="elsewhere")
            out.append(m)
        return out

    def _named(self, i: int, question: Question, ask: Ask) -> float:
        """Share of the figure's own name (its words, idf-weighted) that the question names (of its measure alone,
        when that is all it is named by: "年终决算2700.38万元" for "年终决算是多少")."""
        named = self._named_words(self._own[i], question, ask)
        if self._own_base[i] != self._own[i] and self._own_base[i]:
            named = max(named, self._named_words(self._own_base[i], question, ask))
        return named

    def _named_words(self, words: tuple[str, ...], question: Question, ask: Ask) -> float:
        if not words:
            return 1.0
        asked = simplified(" ".join((*ask.subject, ask.text, question.match_text or question.text, question.context)))
        for name in question.names:
            asked = asked.replace(name, " ")
        asked_grams = bigrams(asked)
        total = got = 0.0
        for w in words:
            weight = max(self.idf(g) for g in _word_grams(w)) if len(w) >= 2 else 0.0
            total += weight
            if w in asked or _word_grams(w) <= asked_grams or _abbreviates(asked, w):
                got += weight
            else:  # "在托" for a question about 托养: a word sharing a morpheme is half named
                got += weight * 0.5 * sum(ch in asked for ch in set(w)) / len(set(w))
        return got / total if total else 1.0

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

    def _score(self, i: int, question: Question, ask: Ask, query: dict[str, float], own: dict[str, float],
               dense: Mapping[str, float], passage_rank: Mapping[str, float],
               lexical: float | None = None) -> FigureMatch:
        f = self._norm[i]
        if lexical is None:
            lexical = self._lexical(i, query)
        d = dense.get(self._ids[i], 0.0)
        p = passage_rank.get(self._ids[i], 0.0)
        coverage, in_name = self._coverage(i, ask.subject) if own else (lexical, lexical)
        score = 0.55 * d + 0.45 * p if not query else 0.35 * lexical + 0.35 * coverage + 0.15 * d + 0.15 * p
        kind_ok = _kind_agrees(ask, f) and _measure_agrees(ask, f)
        if not kind_ok and ask.guessed and f.kind not in ("money", "percent", "score", "nil", "number") \
                and _measure_agrees(ask, f):
            # "非低保低收入家庭的有多少": 81人, though 收入 is money's word; "临时救助审批时限要求多少": 5个工作日
            kind_ok, score = True, score * GUESSED_KIND
        if not kind_ok:
            score *= 0.35
        if ask.unit and (same_measure(ask.unit, f.unit) or unit_follows(f, ask.unit)):
            score += 0.08
        elif ask.unit and kind_ok and not same_measure(ask.unit, f.unit) and f.kind != "nil":
            score *= 0.7
        if ask.kind is None and f.kind in ("age", "number", "years"):
            score *= 0.6
        if ask.kind == "people" and f.kind != "people" and kind_ok:
            score *= 0.9  # people counted in person-times: a count of people itself comes first
        named = self._named(i, question, ask)
        score *= 0.7 + 0.3 * named
        qualifier_ok, q_factor = _qualifier_agrees(ask, f, self._planned[i], self._distributed_change[i],
                                                   self._previous[i], self._of_the_plan[i])
        score *= q_factor
        spent = _spent_factor(ask, f)
        score *= spent
        qualifier_ok = qualifier_ok and (spent >= 1.0 or not ask.spent)  # asked what was spent: a budget does not say it
        qualifier_ok = qualifier_ok and not (ask.budgeted and spent < 1.0)  # asked the budget: a spending does not
        year_ok, y_factor = self._year_agrees(ask, question, i)
        score *= y_factor
        part = bool(self._whole[i]) or f.clause.startswith("其中")  # a part of a whole stated before it
        total = ask.total and not ask.share  # "占总收入的比例": the whole is what the share is of, not what is asked
        if total and part:
            score *= 0.75
        elif part and not total and not self._names_context(i, question, ask):
            score *= PART_UNNAMED  # "执行率多少": a part's rate (其中：中央资金…，执行率100%) only after the whole's
        # "全年共举办…146场次", "共接待…21批次": the figure's own clause states it as a total
        own_total = not f.table and _OWN_TOTAL.search(f.clause[:max(0, f.clause.find(f.text))]) is not None
        if ask.total and (_TOTAL_WORD.search(f.clause + f.row) or own_total):
            score *= 1.15  # "收入合计": the whole, named as such
            named = max(named, OWN_NAMED)
        asked_whole = set(_WHOLE_KIND.findall(ask.text))
        named_whole = set(_WHOLE_KIND.findall(self._name_text[i]))
        if asked_whole and named_whole and not asked_whole & named_whole:
            # "收入总计" asked, "本年收入合计" named: a 决算说明 states both, and they differ by the carry-over
            score *= 0.8
        held = self._object_held(i, ask)
        opposed = _opposed_measure(ask, self._name_text[i])
        # "全区一般公共预算收入": a figure of the whole area, which a figure of the body's own accounts does not state
        area = _WHOLE_AREA.search(ask.text) is not None and not f.table and not _AREA_WORDS.search(
            f"{f.sentence} {f.section} {self._context_text[i]}")
        before = f.clause[:max(0, f.clause.find(f.text))]
        if _NEGATION.search(question.match_text or question.text) and f.sentence.find(f.text) > 0:
            before = f.sentence[:f.sentence.find(f.text)]  # the plain thing the question negates may stand clauses before
        # (a derived question's operand is asked plainly: "培训的人里有多少没考核合格" looks up 考核合格 itself)
        negated = _negated(question.match_text or question.text, before, mirror=question.intent != "derived")
        if negated:
            score *= 0.7
        why = ("kind" if not kind_ok else "qualifier" if not qualifier_ok else "year" if not year_ok
               else "measure" if opposed or negated
               else "area" if area
               else "unresolved" if self._unresolved[i]
               else "subject" if coverage < ANSWER_COVERAGE
               or (in_name < NAME_COVERAGE and not (ask.object and held >= OBJECT_HELD))
               else "object" if held < OBJECT_HELD
               else "narrower" if named < NARROWER and ask.total and not own_total
               else "share" if not self._share_of(i, question, ask)
               else "part" if total and part and named < PART_NAMED and not own_total
               else "")
        return FigureMatch(self.figures[i], round(score, 4), round(lexical, 4), round(d, 4), kind_ok,
                           round(coverage, 4),
                           round(named, 4), answers=not why, why=why,
                           part=part, budget=spent < 1.0, in_name=round(in_name, 4))

    def _names_context(self, i: int, question: Question, ask: Ask) -> bool:
        """Whether the question names any of the words of the figure's context beyond its own name (中央财政资金 of
        "…中央财政资金支出1,200.00万元，执行率100%")."""
        asked = bigrams(" ".join((*ask.subject, ask.text, question.match_text or question.text, question.context)))
        grams = [g for g in self._item_clause[i] - self._name[i] if len(g) == 2 and g not in _MEASURE_GRAMS]
        total = sum(self.idf(g) for g in grams)
        return not total or sum(self.idf(g) for g in grams if g in asked) >= 0.3 * total

    def _share_of(self, i: int, question: Question, ask: Ask) -> bool:
        """"X占Y的比例": a stated share answers only when X stands near it and Y is the whole its clause names."""
        if not (ask.share and question.operation == "share" and len(question.operands) == 2):
            return True
        part, whole = question.operands
        if ask.object and ask.object in part:  # "A和B各占…": each item's own share
            part = ask.object
        part_grams = self._weighted((part,), 1.0)
        whole_grams = self._weighted((whole,), 1.0)
        near = sum(self.idf(g) for g in part_grams if self._near(i, g))
        named = sum(self.idf(g) for g in whole_grams if g in self._name[i])
        part_total = sum(self.idf(g) for g in part_grams) or 1.0
        whole_total = sum(self.idf(g) for g in whole_grams) or 1.0
        bare = re.search(r"占(?:比)?(?:为|达)?\s*\d", self._norm[i].clause) is not None  # "占45.69%": no whole named
        return near / part_total >= 0.5 and (bare or named / whole_total >= 0.4)

    def _object_held(self, i: int, ask: Ask) -> float:
        """Share of what is counted ("多少名盲人" -> 盲人) that the figure's own name holds: what is counted stands in
        the figure's own clause, not only in the sentence around it (an English object may have alternatives)."""
        if not ask.object or ask.kind == "percent":
            return 1.0
        if ask.object.startswith(UNKNOWN_OBJECT):
            return 0.0  # "how many performances": no term of the report is known to name it
        f = self.figures[i]
        best = 0.0
        for alternative in ask.object.split("|"):
            grams = self._weighted((alternative,), 1.0)
            total = sum(self.idf(g) for g in grams)
            if not total or (ask.kind == "money" and len(grams) < 2):  # "多少资金" names the measure, not a thing
                return 1.0
            if f.unit and (alternative in f.unit or f.unit in alternative):  # 批次 for 28批
                return 1.0
            # a part of a 其中 list counts what its whole counts ("惠及370名残疾学生，其中…义务教育248人": students)
            held = sum(self.idf(g) for g in grams if g in self._name[i] or g in bigrams(f.unit) or g in self._whole_grams[i]
                       or (len(g) == 2 and _gapped(g).search(self._name_text[i]) is not None))
            best = max(best, held / total)
        return best

    def _year_agrees(self, ask: Ask, question: Question, i: int) -> tuple[bool, float]:
        """A question about 2022 wants the figure about 2022; one naming no year, the report's own year."""
        years = self._years[i]
        asked = ask.years or question.years
        if asked:
            factor, ok = 1.0, True
            for year in asked:
                if year in years:
                    factor *= 1.1
                elif years:
                    factor, ok = factor * 0.6, False
                elif self.report_years.get(self.figures[i].report) not in (None, year):
                    factor, ok = factor * 0.6, False
            return ok, factor
        own = self.report_years.get(self.figures[i].report)
        if own is not None and years and own not in years:
            return False, 0.75
        return True, 1.0


def explain(question: Question, asks: Iterable[Ask], results: Iterable[tuple[FigureMatch, ...]]) -> str:
    """How a question was read and why each ranked figure answers it or not (for `python -m app.ask --explain`)."""
    lines = [f"question: intent={question.intent} operation={question.operation} operands={question.operands} "
             f"years={question.years} terms={question.terms}"]
    for ask, matches in zip(asks, results):
        lines.append(f"  ask: kind={ask.kind} unit={ask.unit} object={ask.object!r} subject={ask.subject} "
                     f"qualifier={ask.qualifier} total={ask.total} spent={ask.spent} guessed={ask.guessed}")
        for m in matches:
            f = m.figure
            lines.append(f"    {m.score:.3f} {'ANSWERS' if m.answers else 'no (' + m.why + ')':18} "
                         f"coverage={m.coverage:.2f} in_name={m.in_name:.2f} named={m.named:.2f} | "
                         f"{f.value}{f.unit} [{f.kind}] {f.clause[:60]}")
    return "\n".join(lines)


def _planned_section(section: str) -> bool:
    """A section that sets targets (年度绩效目标, 工作计划), not one that reports on them (目标完成情况)."""
    leaf = section.split(" > ")[-1] if section else ""
    return bool(re.search(r"目标|计划|任务", leaf)) and not re.search(r"完成|实现|成效|情况分析|自评|评价", leaf)


def _in_simplified(f: Figure) -> Figure:
    """The figure with its words in simplified characters (the same figure when they already are)."""
    fields = {k: simplified(getattr(f, k)) for k in ("clause", "sentence", "phrase", "section", "row", "column")}
    changed = {k: v for k, v in fields.items() if v != getattr(f, k)}
    return replace(f, **changed) if changed else f


_GENRE_WORDS = re.compile(r"(?:19|20)\d\d\s*年度?|关于|的通知|通知|评价意见|意见的函|的函|部门整体|单位整体|整体|支出|绩效|自评|"
                          r"评价结论|结论|"
                          r"报告|说明|决算|预算|情况|“?三公”?经费|部门|单位|财政|[（()）《》“”]")


TOPIC_NAMED = 0.6  # the share of a report's topic a question must name for the topic to be read as named


@lru_cache(maxsize=4096)
def _topic_removed(term: str, topic: str) -> str:
    best = ""
    for a in range(len(term)):
        for b in range(len(term), a + len(best), -1):
            if term[a:b] in topic:
                best = term[a:b]
                break
    if len(best) >= 4 and len(best) >= TOPIC_NAMED * len(topic.replace(" ", "")):
        return term.replace(best, "", 1)
    # the topic named short, its first and last words kept ("胸痛卒中中心项目" for 胸痛中心和卒中中心建设项目,
    # "高标准农田项目" for 高标准农田建设项目): its characters in order, from its first two to its last two
    for words in topic.split():
        if len(words) < 6:
            continue
        for a in (m.start() for m in re.finditer(re.escape(words[:2]), term)):
            end = term.find(words[-2:], a + 2)
            if end > a and _subsequence(term[a:end + 2], words) and end + 2 - a >= TOPIC_NAMED * len(words):
                return term[:a] + term[end + 2:]
    return term


def _topic_named_across(terms: list[str], topic: str) -> list[str]:
    """The topic named in pieces, as an English question's concepts come ("family doctor" + "signed up" on the
    家庭医生签约服务项目's report): the terms standing whole in the topic, when together they make up most of it, name
    the topic, not what is asked of it."""
    whole = topic.replace(" ", "")
    held = {n: max(len(a) for a in alternatives) for n, t in enumerate(terms)
            for alternatives in [[a for a in t.split("|") if len(a) >= 2 and a in whole]] if alternatives}
    inside = list(held)
    if len(inside) < 2 or len(inside) == len(terms):
        return terms
    if sum(held.values()) < TOPIC_NAMED * len(whole):
        return terms
    return ["" if n in inside else t for n, t in enumerate(terms)]


def _subsequence(short: str, long: str) -> bool:
    """Every character of `short` stands in `long`, in order."""
    it = iter(long)
    return all(ch in it for ch in short)


def report_topic(title: str, body_names: Iterable[str] = ()) -> str:
    """What a report's title says it is about besides its body, year and genre: "…图书馆2024年度全民数字阅读推广项目支出
    绩效自评报告" -> "全民数字阅读推广项目"; a department's whole-spending report -> ""."""
    text = title
    for name in sorted(body_names, key=len, reverse=True):
        if len(name) >= 3:
            text = text.replace(name, " ")
    text = _GENRE_WORDS.sub(" ", text)
    return " ".join(w for w in text.split() if len(w) >= 2 and w not in ("项目", "年度"))


def unit_follows(f: Figure, unit: str | None) -> bool:
    """Whether the unit asked stands right after the figure as written, past a bare magnitude the figure took as its
    unit ("3.9万小时": 3.9 in 万, of 小时)."""
    if not unit or f.table or f.unit not in ("", "万", "亿", "千"):
        return False
    at = f.clause.find(f.text)
    return at >= 0 and f.clause[at + len(f.text):].lstrip().removeprefix(f.unit).startswith(unit)


_MAGNITUDE = re.compile(r"^(?:万|亿|千|百)")


def measure_of(unit: str) -> str:
    """A figure's unit without the magnitude written before its measure word: 万人次 -> 人次, 万元 -> 元."""
    return _MAGNITUDE.sub("", unit or "") or (unit or "")


def same_measure(asked: str | None, unit: str | None) -> bool:
    """Whether a figure's unit is the measure word asked, in the same or a fuller form: 场 / 场次, 批 / 批次, 人次 /
    万人次 (a magnitude before the measure says how many, not what is counted)."""
    if not asked or not unit:
        return False
    measure = measure_of(unit)
    return unit == asked or measure == asked or (len(asked) == 1 and measure.startswith(asked) and len(measure) == 2
                                                  and measure.endswith("次"))


# a nil statement about what was bought or added in the year: a stock counted is not nil by it
_NIL_FLOW = re.compile(r"购置|购买|采购|更新|新增|新购")


def _kind_agrees(ask: Ask, f: Figure) -> bool:
    """The figure is the kind of quantity asked for (a nil statement answers any amount)."""
    if unit_follows(f, ask.unit):
        return True  # "多少小时": 3.9万小时
    if ask.unit and ask.unit != "个" and same_measure(ask.unit, f.unit):
        return True  # "办了几场": 41场次; "多少批": 21批次 — the measure asked, written in its fuller form
    if f.kind == "nil":
        if ask.kind in ("count", "people") and _NIL_FLOW.search(f.phrase + f.clause):
            return False  # "有几辆公务用车": "无公务用车购置支出" says none was bought, not that there are none
        return ask.kind not in ("percent",) or not ask.share
    if ask.kind is None:
        # "机井打了多少": what was done, not the score its row got (a score is asked by 分/得/score)
        return f.kind not in ("age", "years") and not (f.kind == "score" and not _SCORE_ASKED.search(ask.text))
    if ask.kind == "money" and _scaled_measure_follows(f):
        return False  # "扫描126.5万页": 万 scales the pages counted after it, not an amount of 万元
    if ask.kind == f.kind:
        return True
    if ask.kind == "percent" and not f.unit and f.kind == "number" and _stated_as_rate(f):
        return True  # "孕产妇死亡率为0": a rate of nil is written without its %
    if ask.kind == "people" and f.kind == "count" and f.unit in ("户", "个"):
        return False
    if ask.kind == "count" and f.kind in ("people", "times") and not ask.unit:
        return True  # "how many" in English counts people as well as things
    if ask.kind == "people" and measure_of(f.unit) == "人次" and not ask.unit:
        return True  # "多少人参加", "受众人数": the report counts them in person-times (参会人员420人次, 9.6万人次)
    return False


_SCORE_ASKED = re.compile(r"分|得|评|\bscor|\bpoint|\bmark", re.I)


def _scaled_measure_follows(f: Figure) -> bool:
    """A bare magnitude (万, 亿) the figure took as its unit, followed in its clause by a measure word that is not
    money's ("126.5万页", "3.2万卷"): what is counted is that word's, whatever money words stand nearby."""
    if f.table or f.unit not in ("万", "亿"):
        return False
    at = f.clause.find(f.text)
    after = f.clause[at + len(f.text):].lstrip().removeprefix(f.unit) if at >= 0 else ""
    return bool(after) and "\u4e00" <= after[0] <= "\u9fff" and after[0] not in "元余多左"


def _stated_as_rate(f: Figure) -> bool:
    """A bare number a clause names as a rate right before it ("死亡率为0", "发生率0")."""
    at = f.clause.find(f.text)
    return not f.table and at > 0 and re.search(r"[\u4e00-\u9fff]率\s*(?:为|是|达到?|仅|约)?\s*$", f.clause[:at]) is not None


def _measure_agrees(ask: Ask, f: Figure) -> bool:
    """A count asked in its own measure word ("多少所", "几辆") is answered in that word, or in the general 个: "多少所
    民办中小学" is not answered by "学位21.4万个", nor "几辆车" by "3台"."""
    if ask.kind != "count" or not ask.unit or ask.unit == "个" or f.kind != "count" or not f.unit:
        return True
    measure = measure_of(f.unit)  # "8.92万条" is counted in 条: a magnitude before the measure says how many
    return f.unit == "个" or measure.startswith(ask.unit) or ask.unit.startswith(measure)


def _before_clause(f: Figure) -> str:
    """The figure's sentence before its own clause."""
    return f.sentence[:max(0, f.sentence.find(f.clause))]


def _of_the_plan(f: Figure) -> bool:
    """"完成计划的105.42%": a share of the plan reached, not a plan, though ingest read 计划 before it as a target (the
    words may stand before the figure's own clause, after the last comma: "分别完成目标任务的102.29%和103.58%")."""
    lead = re.split(r"[，,；;]", _before_clause(f))[-1] + f.clause[:max(0, f.clause.find(f.text))]
    return not f.table and bool(_OF_THE_PLAN.search(lead))


def _qualifier_agrees(ask: Ask, f: Figure, planned: bool = False, change: bool = False,
                      carried: str = "", of_the_plan: bool = False) -> tuple[bool, float]:
    """(does the figure's qualifier answer the ask's, ranking factor): a change for a change, a target for a target
    (or, asked plainly, a target shown with its bound), a share for a share, a rate for a rate."""
    factor, ok = 1.0, True
    # "与上年持平" says how it changed; "较上年缩短0.4天" states a change whatever ingest read it as
    is_change = f.qualifier == CHANGE or change or about_change(f) or (not f.table and bool(_STATED_CHANGE.search(f.clause)))
    # "新增几人": the question names the figure's own change word ("新增11人"), so it asks that change
    named_change = is_change and not ask.change and _names_own_change(ask, f)
    # "粮食产能每亩提高了多少斤": the row named by that change (亩均粮食产能提高) states how much, as its value
    named_change = named_change or (ask.change and not is_change and f.table and _names_own_change(ask, f))
    if ask.change != is_change and not named_change:
        factor, ok = factor * 0.55, False
    if ask.change and is_change and ask.direction:
        down = bool(_DOWN.search(f.clause))
        if (ask.direction == "down") != down and re.search(r"增|减|升|降|多|少", f.clause):
            factor, ok = factor * 0.8, False
    planned = (planned or (f.qualifier == TARGET and not of_the_plan)
               or bool(_PLANNED.search(_OF_THE_PLAN.sub(" ", f.clause)) if not f.table
                       else _PLANNED_COLUMN.search(f.column))
               or bool(_CRITERION.search(f.clause))
               or bool(f.table and (f.extra or {}).get("bound")))  # a cell "≥850人" is a target with its bound
    at = f.clause.find(f.text)
    # "办结率不低于95%": a figure written with the bound of a standard is a target, wherever it stands
    bounded = not f.table and at > 0 and _BOUND_BEFORE.search(f.clause[:at]) is not None
    planned = planned or bounded
    if planned:
        if ask.target:
            factor *= 1.1
        elif ask.actual:
            factor, ok = factor * 0.6, False  # asked what was reached: a target does not say it
        elif bounded:
            factor, ok = factor * 0.8, False  # asked plainly: the standard set is not what was reached
        else:
            factor *= 0.8
    elif ask.target and not ask.actual:
        factor, ok = factor * 0.7, False  # asked the target: what was reached does not say it
    named_as = f.column if f.table else f.clause[:max(0, f.clause.find(f.text))]
    if not f.table and not _CJK_TEXT.search(named_as):
        named_as = f.phrase  # "预算执行率分值：10分": a key:value line names its figure by the key alone
    if f.kind == "score" and _WEIGHT_COLUMN.search(named_as) and not _WEIGHT_COLUMN.search(ask.text):
        factor, ok = factor * 0.6, False  # "得了几分": the score, not the weight of the row ("满分30分")
    if f.kind == "score" and _WEIGHT_COLUMN.search(ask.text) and not _WEIGHT_COLUMN.search(named_as):
        factor, ok = factor * 0.6, False  # "满分多少": the full marks, not the score got ("得分38分（满分40分）")
    if f.clause.startswith("其中"):
        factor *= 0.97  # a total stated for the same words is the better answer
    if f.kind == "percent" and not is_change:
        # what ingest read the percentage as (Figure.relation) says it too: 完成预算的X% is a rate, 占X% a share
        share = bool(_SHARE_WORDS.search(f.clause)) or bool(_SHARE_WORDS.search(f.column)) or f.relation == "share"
        rate = bool(_RATE_WORD.search(f.clause + f.column + f.row)) or f.relation in ("completion", "execution")
        # "准确率目标≥98%，实际达到99.6%": the rate the clause before names is what the figure is, not a share
        rate = rate or (not share and bool(_RATE_WORD.search(carried)))
        if ask.share and not share and rate:
            factor, ok = factor * 0.7, False
        if ask.rate and share and not rate:
            factor, ok = factor * 0.7, False
    return ok, factor


def _names_own_change(ask: Ask, f: Figure) -> bool:
    """The question names the very word the figure's clause states its change by ("新增几人" for "新增11人")."""
    if f.table:  # a row named by its change ("项目区亩均粮食产能提高"): "提高了多少斤" asks that row's value
        return any(w in ask.text for w in _CHANGE_VERB.findall(f.row.split(" > ")[-1]))
    return any(w in ask.text for w in _CHANGE_VERB.findall(f.clause[:max(0, f.clause.find(f.text))]))


def _spent_factor(ask: Ask, f: Figure) -> float:
    """'实际花了多少': what was spent (决算, 支出) rather than what was budgeted; the clause tells which side. Asked
    plainly ("三公经费是多少"), what was spent comes before what was budgeted, unless the ask names the budget."""
    side = _FUND_NAMES.sub(" ", f.clause + f.column)
    if ask.budgeted:  # what was allotted: a budget or the fund itself, never what was spent of it
        return 1.15 if _BUDGET_SIDE.search(side) else 0.5 if _SPENT_SIDE.search(side) else 1.0
    if not ask.spent:
        if f.kind == "money" and not _BUDGET_SIDE.search(ask.text) and _BUDGET_SIDE.search(side) \
                and not _SPENT_SIDE.search(_BUDGET_SIDE.split(side)[-1]):
            return 0.9
        return 1.0
    if _SPENT_SIDE.search(side):
        return 1.15
    if _BUDGET_SIDE.search(side):
        return 0.75
    return 1.0


# "单价", "人均", "平均每批次", "每户多少钱": a measure per one, which only a figure stated per one answers
_PER_ONE_ASKED = re.compile(r"单价|均价|[人户生亩次件台套]均|平均|每(?:[一个]?[\u4e00-\u9fff])|\bper\b|\baverage\b|\beach\b")
_PER_ONE_STATED = re.compile(r"单价|均|每|/|标准|定额|\bper\b")


def _per_one_only(ask: Ask, matches: list[FigureMatch]) -> list[FigureMatch]:
    """Asked a measure per one ("消毒供应设备单价是多少"), a figure that is no such measure (the purchase's 112.50万元)
    does not answer: its clause, unit, row or column must say per one (单价, 人均, 每, 元/人, 标准)."""
    if not _PER_ONE_ASKED.search(ask.text):
        return matches
    out = []
    for m in matches:
        f = m.figure
        # (the sentence up to the figure: "平均住院日7.9天，较上年缩短0.4天" states the change of a per-one measure)
        upto = f.sentence[:f.sentence.find(f.clause) + len(f.clause)] if f.clause in f.sentence else f.clause
        said = " ".join((upto, f.unit or "", f.row or "", f.column or ""))
        if m.answers and not _PER_ONE_STATED.search(said):
            m = replace(m, answers=False, why="per one")
        out.append(m)
    return out


PART_NAMED = 0.7  # asked "一共…" of a part the question names this well ("区属学校和幼儿园一共…"), the part answers
PART_UNNAMED = 0.8  # a part whose own item the question does not name ranks below the whole it belongs to
_MEASURE_GRAMS = frozenset(g for w in _MEASURE_WORDS for g in (w,) if len(w) == 2)
# measures that exclude each other: asked for 收入, a figure named 支出 (and not 收入) is another figure
_OPPOSED = (("收入", "支出"), ("支出", "收入"))


_WHOLE_AREA = re.compile(r"全(?:区|市|县|省|镇|街道)(?!委|政府)")  # the whole area a body serves, asked as such
_AREA_WORDS = re.compile(r"全(?:区|市|县|省|镇|街道)|[我本该](?:区|市|县|省|镇)|辖区|全域|区域内|城乡")
HOLDER_MARGIN = 0.15  # a figure holding what another lacks counts as the report's naming of it when nearly as covered
SIBLING_MARGIN = 0.1  # a sibling naming this much more of what was asked is the one the report states it for


def _named_less_than_a_sibling(matches: list[FigureMatch], heads: Mapping[tuple[str, int], str]) -> list[FigureMatch]:
    """"城市低保对象月人均补助850元，农村低保对象月人均补助620元": asked about 城市…, both clauses hold most of the words,
    but the sibling (same sentence, same head) that names more of them is the one the report states it for; the
    other does not answer."""
    best: dict[tuple[str, str, str], float] = {}
    for m in matches:
        head = heads.get((m.figure.report, m.figure.start), "")
        if m.answers and head:
            key = (m.figure.report, m.figure.sentence, head)
            best[key] = max(best.get(key, 0.0), m.in_name)
    out = []
    for m in matches:
        head = heads.get((m.figure.report, m.figure.start), "")
        top = best.get((m.figure.report, m.figure.sentence, head), 0.0) if head else 0.0
        out.append(replace(m, answers=False, why="sibling") if m.answers and top - m.in_name >= SIBLING_MARGIN else m)
    return out


_NEGATION = re.compile(r"[非未不无没]")
_NEGATED_WORD = re.compile(r"[非未不无]([\u4e00-\u9fff]{2})")
# a question negating what it asks about: 没给中小企业的, 未纳入统计的, 不属于…的 (not 有没有, a yes-no question)
_ASKED_NEGATED = re.compile(r"(?<!有)(?:没有?|未|不是|非)(?:给|授予|被|让|用|享受|属于|纳入|列入)?([\u4e00-\u9fff]{2})")


def _negated(asked: str, name: str, mirror: bool = True) -> bool:
    """The figure is named as the complement of what was asked: "非低保低收入家庭残疾人81人" for "低保低收入家庭残疾人
    有多少", "未完成项目2个" for "完成项目几个" — its name negates a word the question names plainly."""
    name = simplified(name)
    if _NEGATION.search(asked):
        if not mirror:
            return False
        # the mirror: "政府采购里没给中小企业的有多少" asks the complement of what "授予中小企业合同金额…" states plainly
        return any(m.group(1) in name and not _NEGATION.search(name) for m in _ASKED_NEGATED.finditer(simplified(asked)))
    asked = simplified(asked)
    return any(m.group(1) in asked for m in _NEGATED_WORD.finditer(simplified(name)))


def _opposed_measure(ask: Ask, name: str) -> bool:
    """The ask's subject ends in one measure ("一般公共预算收入") and the figure's name holds only its opposite
    ("…财政拨款支出5,052.60万元"): whatever else they share, the figure is not what was asked."""
    last = ask.subject[-1].split("|")[0] if ask.subject else ""
    for asked, other in _OPPOSED:
        if last.endswith(asked) and other not in last and other in name and asked not in name:
            return True
    return False


GUESSED_KIND = 0.8  # a figure of another kind than the one only guessed from a noun of the question
ANSWERING_SHARE = 0.6  # a figure that answers may lead over better-scored ones that do not, down to this share
NAMES_ALL, NAMES_MORE, NAMING_SHARE = 0.9, 0.2, 0.8  # a figure naming all that was asked leads one naming much less
NAMES_MOST = 0.5  # (one naming most of it, in its own name and the clause before, leads one naming much less too)
PART_NAMED_MORE, PART_NAMED_SHARE = 0.15, 0.75  # a part the question names more fully than its whole leads it
NAMING_ALL_SHARE = 0.7  # one naming all of it may score less still: the whole's sentence holds the part's words too


def _answering_first(matches: list[FigureMatch]) -> list[FigureMatch]:
    """The best figure that names what was asked leads, over better-scored figures that do not (a share of another
    whole, another year's figure), as long as it scores nearly as well; asked plainly, what was spent leads over
    what was budgeted in the same sentence ("“三公”经费年初预算36.50万元，实际支出28.74万元")."""
    if matches and matches[0].answers and matches[0].budget:
        spent = next((m for m in matches[1:] if m.answers and not m.budget and m.figure.sentence ==
                      matches[0].figure.sentence and m.figure.report == matches[0].figure.report), None)
        if spent is not None:
            return [spent] + [m for m in matches if m is not spent]
    if matches and matches[0].answers and matches[0].in_name < NAMES_ALL:
        # "区残联本级的一般公共预算财政拨款": the figure whose own name holds every asked word (…（本级）2385.57万元)
        # before one that holds 本级 only in its sentence
        whole = next((m for m in matches[1:] if m.answers and m.in_name >= NAMES_MOST
                      and m.in_name - matches[0].in_name >= NAMES_MORE
                      and m.score >= (NAMING_ALL_SHARE if m.in_name >= NAMES_ALL else NAMING_SHARE) * matches[0].score
                      and m.figure.kind == matches[0].figure.kind), None)
        if whole is not None:
            return [whole] + [m for m in matches if m is not whole]
    if matches and matches[0].answers:
        # "买车了吗" of "公务用车购置及运行维护费6.20万元，其中公务用车购置费0万元": the part stated after the whole that
        # the question names more fully (购置 alone) is what was asked, not the whole that joins it with another item
        lead = matches[0]
        part = next((m for m in matches[1:] if m.answers and m.part and m.figure.sentence == lead.figure.sentence
                     and m.figure.report == lead.figure.report and m.figure.start > lead.figure.start
                     and m.named >= lead.named + PART_NAMED_MORE and m.in_name >= lead.in_name
                     and m.score >= PART_NAMED_SHARE * lead.score), None)
        return matches if part is None else [part] + [m for m in matches if m is not part]
    if not matches:
        return matches
    top = matches[0].score
    # a question that fits several figures alike is not answered by a weaker one that names even less of itself
    # (a nil statement narrower than asked, "无政府性基金预算支出" for 总共花了多少, is no rival to a stated amount)
    named = OWN_NAMED if matches[0].why in ("ambiguous", "narrower") and matches[0].figure.kind != "nil" else 0.0
    first = next((m for m in matches if m.answers and m.score >= ANSWERING_SHARE * top and m.named >= named), None)
    return matches if first is None else [first] + [m for m in matches if m is not first]


def _unless_ambiguous(matches: list[FigureMatch], unit: str | None = None, ask: Ask | None = None) -> list[FigureMatch]:
    """The best figure does not answer when the question fits several figures alike and names little of the best
    one's own name: "支出多少" fits 基本支出 and 项目支出 alike; unless one of them is named exactly, the report does
    not state what was asked as such."""
    if not matches or not matches[0].answers or matches[0].named >= OWN_NAMED:
        return matches
    best = matches[0]
    rivals = [m for m in matches[1:] if m.answers and m.figure.report == best.figure.report
              and m.figure.kind == best.figure.kind
              and not (m.budget and not best.budget)
              and not (m.figure.qualifier == TARGET and best.figure.qualifier != TARGET)  # asked plainly: the actual
              and not (m.part and m.figure.section == best.figure.section and m.figure.start > best.figure.start)
              and not (m.part and not best.part and m.score < best.score)  # a part is narrower than the whole
              and m.figure.value != best.figure.value and m.coverage >= best.coverage - RIVAL_MARGIN
              and m.figure.clause != best.figure.clause
              and not (unit and same_measure(unit, best.figure.unit) and not same_measure(unit, m.figure.unit))
              # "新增几人": the one figure stated by the change word asked ("新增11人"), not the level beside it
              and not (ask is not None and _names_own_change(ask, best.figure) and not _names_own_change(ask, m.figure))]  # 多少人次: not 28批次
    if not rivals:
        return matches
    # "示范课多少节" of "全年开展示范课34节，其中市级示范课6节…": asked plainly, the whole the sentence states before
    # its parts, not the first part
    if best.part:
        # (or just before the sentence of its parts: "自评得分92.5分。其中：决策指标得分18.5分；过程指标得分19分")
        whole_first = [m for m in rivals if not m.part and (m.figure.sentence == best.figure.sentence or
                                                            0 < best.figure.start - m.figure.start < WHOLE_BEFORE_PARTS)
                       and m.figure.start < best.figure.start and m.figure.unit == best.figure.unit
                       and m.coverage >= best.coverage and m.in_name >= best.in_name  # 本级 asked: the part it names
                       # "买车了吗": 其中公务用车购置费, which the question names more fully than 购置及运行维护费
                       # (unless the whole's own name holds clearly more of what was asked)
                       and (m.named >= best.named or m.in_name - best.in_name >= NAMES_MORE)]
        if len(whole_first) == 1:
            return [whole_first[0]] + [m for m in matches if m is not whole_first[0]]
    # "高中阶段教育奖励了多少人" beside "高等教育奖励硕士1人": the one rival whose own name the question names whole, and
    # holds at least as much of the asked subject, is what was asked; the best-scored one named in part is not
    whole = [m for m in rivals if m.named >= OWN_NAMED and m.in_name >= best.in_name and m.coverage >= best.coverage]
    if len(whole) == 1:
        return [whole[0]] + [m for m in matches if m is not whole[0]]
    ambiguous = {id(m) for m in rivals}
    return [replace(best, answers=False, why="ambiguous")] + [
        replace(m, answers=False, why="ambiguous") if id(m) in ambiguous else m for m in matches[1:]]


@dataclass(frozen=True)
class _Gram:
    text: str
    straddles: bool  # the two characters belong to two different words


@lru_cache(maxsize=2048)
def _term_grams(term: str) -> tuple[_Gram, ...]:
    """A term's bigrams, each marked when it straddles a word boundary (jieba's segmentation)."""
    out: list[_Gram] = [_Gram(a, False) for a in (*ACRONYM.findall(term), *_MONTH.findall(term))]
    for run in _CJK_RUN.findall(_QUOTES.sub("", term)):
        if len(run) == 1:
            out.append(_Gram(run, False))
            continue
        boundaries = _word_boundaries(run)
        out += [_Gram(run[i:i + 2], (i + 1) in boundaries) for i in range(len(run) - 1)]
    return tuple(out)


@lru_cache(maxsize=4096)
def _word_boundaries(run: str) -> frozenset[int]:
    """Positions inside `run` where jieba starts a new word."""
    pos, cuts = 0, set()
    for w in _jieba().lcut(run):
        pos += len(w)
        cuts.add(pos)
    return frozenset(cuts - {len(run)})


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1024)
def _word_grams(text: str) -> frozenset[str]:
    """The two-character grams of a text (remembered: one question asks for them once per figure)."""
    return frozenset(g for g in bigrams(text) if len(g) == 2)


# a number with its measure word ("12.4个百分点", "≥24眼"), taken out of a clause to leave the words that name it
_STATED_NUMBER = re.compile(r"[为是达约]*\s*[\d.,，]+\s*(?:" + "|".join(re.escape(u) for u in UNITS) + r")?")


def _own_words(f: Figure, subject: str, body_names: tuple[str, ...] = ()) -> tuple[str, ...]:
    return _own_words_of(f, simplified(subject), tuple(simplified(n) for n in body_names))


_INNER_BRACKET = re.compile(r"(?<=[\u4e00-\u9fff])[（(][\u4e00-\u9fff][）)](?=[\u4e00-\u9fff])")


def _own_words_of(f: Figure, subject: str, body_names: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a figure's own name (its phrase, the subject it carries; a cell's row leaf and column), without
    scope words (本部门, 年度) and without one-character words."""
    if f.table:
        text = simplified(f"{f.row.split(' > ')[-1]} {f.column.split(' > ')[-1]} {(f.extra or {}).get('piece', '')}")
    else:  # the phrase, and the clause it was cut from (a phrase may have lost words: 全年预算数 -> 预算数)
        own_clause = _STATED_NUMBER.sub(" ", f.clause)
        text = f"{subject} {simplified(f.phrase.replace('·', ' '))} {simplified(own_clause)}"
    for name in body_names:
        text = text.replace(name, " ")
    text = _COMPARISON_WORDS.sub(" ", _SCOPE_WORDS.sub(" ", _QUOTES.sub("", text)))
    # a word written with a bracketed character inside it is one word: 国（境）外 -> 国外 (因公出国（境）费 -> 因公出国费)
    text = _INNER_BRACKET.sub("", text)
    words: list[str] = []
    for run in _CJK_RUN.findall(text):
        single = ""
        for w in _jieba().lcut(run):
            if len(w) == 1:
                single += w  # "在托" is cut into 在/托: single characters in a row read as one word
                continue
            if len(single) >= 2:
                words.append(single)
            single = ""
            words.append(w)
        if len(single) >= 2:
            words.append(single)
    return tuple(dict.fromkeys(words))


def _abbreviates(asked: str, word: str) -> bool:
    """'残运会' names 残疾人运动会: the question's characters stand in the word in order, first and last kept."""
    for run in _CJK_RUN.findall(asked):
        for n in (3, 2):
            for i in range(len(run) - n + 1):
                piece = run[i:i + n]
                if piece[0] == word[0] and piece[-1] == word[-1] and len(word) > n and in_order(piece, word):
                    return True
    return False


@lru_cache(maxsize=4096)
def _gapped(gram: str) -> re.Pattern[str]:
    """'运会' also matches '运动会': abbreviations (残运会, 区卫健局) keep their characters in order."""
    return re.compile(re.escape(gram[0]) + r"[\u4e00-\u9fff]{1,3}" + re.escape(gram[1]))


def _without_items(f: Figure, head: str, item: str) -> Figure:
    """A distributed figure with the items' text taken out of its clause and phrase (its own item is its subject)."""
    if not head or not item or item == UNRESOLVED or f.table:
        return f
    clause, phrase = f.clause, f.phrase
    for words in sorted(head.split("|"), key=len, reverse=True):
        clause, phrase = clause.replace(words, " "), phrase.replace(words, " ")
    return replace(f, clause=clause, phrase=phrase)


def _name_text(f: Figure, subject: str, head: str = "", item: str = "") -> str:
    """What names a figure: its clause with the subject it carries over and its phrase; a cell's row and column. A
    figure distributed over items ("本年收入、本年支出各是A,B") is named by its own item, not by the others."""
    if f.table:
        piece = (f.extra or {}).get("piece")
        return f"{f.row} {f.column} {piece}" if piece else f"{f.row} {f.column} {f.clause}"
    clause, phrase = f.clause, f.phrase.replace('·', ' ')
    if head and item and item != UNRESOLVED:
        for words in sorted(head.split("|"), key=len, reverse=True):  # the items' text, then the others' items
            clause, phrase = clause.replace(words, " "), phrase.replace(words, " ")
    return f"{subject} {clause} {phrase}"


# "收、支总计各是A,B万元，各减少C,D万元": one item each; 收/支 are how these reports abbreviate 收入/支出
_ABBREVIATED_ITEM = {"收": "收入", "支": "支出", "预": "预算", "决": "决算"}
_CHANGE_CLAUSE = re.compile(r"减少|增加|下降|上升|增长|降低|提高|增减")


def _distributed(figures: list[Figure]) -> tuple[list[str], list[bool], list[str]]:
    """Figures distributed over named items ("收、支总计各是A,B万元，与上年相比各减少C,D万元，各下降x%、y%"): the k-th
    figure after each 各/分别 belongs to the k-th item. Returns each figure's item ("" if none) and whether the
    stretch it stands in states a change, and the items' text as the sentence writes it."""
    items_of = [""] * len(figures)
    change = [False] * len(figures)
    heads = [""] * len(figures)
    by_sentence: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(figures):
        if not f.table and ("各" in f.sentence or "分别" in f.sentence):
            by_sentence.setdefault((f.report, f.sentence), []).append(i)
    # each report's own sentences: what says whether the items of a list share its first item's scope
    report_texts: dict[str, str] = {}
    if by_sentence:
        seen: dict[str, dict[str, None]] = {}
        for f in figures:
            if not f.table:
                seen.setdefault(f.report, {})[f.sentence] = None
        report_texts = {r: "\n".join(s) for r, s in seen.items()}
    for (_, sentence), members in by_sentence.items():
        markers = [m.start() for m in _MARKER.finditer(sentence)]
        if not markers:
            continue
        start = _clause_start(sentence, markers[0])
        head = _LEADING_SCOPE.sub("", sentence[start:markers[0]])
        # each item without the scope the sentence opens with ("本年收入、本年支出": 收入, 支出 alike)
        raw = [_LEADING_SCOPE.sub("", x) or x for x in re.split(r"[、和与及]", head) if x] \
            if re.search(r"[、和与及]", head) else []
        items = _expand_items(raw, report_texts.get(f_report(figures, members), ""))
        if len(items) < 2:
            continue
        position = {i: sentence.find(figures[i].clause) + max(0, figures[i].clause.find(figures[i].text))
                    for i in members}
        bounds = markers + [len(sentence)]
        for at, end in zip(bounds, bounds[1:]):
            group = sorted((i for i in members if at <= position[i] < end), key=lambda i: position[i])
            stretch = sentence[_clause_start(sentence, at):end]
            units = [figures[i].unit for i in group]
            if group and len(set(units)) == len(units) \
                    and not re.search(r"[、,，]", sentence[at:end].split(figures[group[0]].text)[0][-12:]):
                # "收、支总计各是1856.42万元", "各增加124.37万元,增长7.18%": one figure (and its rate) stated for every
                # item, the items being equal; named by each item, and by the items written as one word as a question
                # writes them ("收支总计")
                joined = "".join(raw) if all(len(r) <= 2 for r in raw[:-1]) else ""
                for i in group:
                    items_of[i] = " ".join(dict.fromkeys([*items, *([joined] if joined else [])]))
                    change[i] = bool(_CHANGE_CLAUSE.search(stretch))
                    heads[i] = head
                continue
            if len(group) != len(items):
                for i in group:  # figures of a distributed statement that cannot be told apart belong to no one item
                    items_of[i] = UNRESOLVED
                continue
            for n, (item, i) in enumerate(zip(items, group)):
                items_of[i] = item
                change[i] = bool(_CHANGE_CLAUSE.search(stretch))
                heads[i] = "|".join([head] + [r for m, r in enumerate(raw) if m != n and len(r) >= 2])
    return items_of, change, heads


WHOLE_BEFORE_PARTS = 120  # characters from a whole to the first of its parts stated in the sentence after it
NEXT_SENTENCE = 60  # characters past a sentence's end within which the next one may state its items' change
MAX_SHARED_ASKS = 4  # asks whose figures are shared out together (a question rarely asks more at once)
SHARE_CANDIDATES = 4  # the figures per ask that answer, tried when sharing out
_STATED_FOR_ALL = re.compile(r"均为|均是|都是|都为")
_MARKER = re.compile(r"各(?=[是为有自减增下上降提])|分别")
UNRESOLVED = "\x00"  # a figure of a distributed statement whose item could not be told
_LEADING_SCOPE = re.compile(r"^(?:(?:19|20)\d\d\s*年度?|本年度|本年|年度|全年|今年|其中|全区|全市|全县|全省|全镇|辖区|本区|本市)+")


def f_report(figures: list[Figure], members: list[int]) -> str:
    return figures[members[0]].report if members else ""


SCOPE_ITEM_CHARS = 2  # the item word a list's first item ends in and its last one begins with (收入 / 支出)


def _expand_items(items: list[str], report_text: str = "") -> list[str]:
    """'收', '支总计' -> '收入总计', '支出总计': a shared ending goes to every item, abbreviations are spelled out.

    A long first item shares its scope with the others when the report itself names it so elsewhere: "财政拨款收入、
    支出总计" -> 财政拨款收入总计, 财政拨款支出总计, since the report writes 财政拨款支出 on its own too, in a sentence
    stating a figure (and "城市低保、
    农村低保对象" stays apart: 城市农村 is written nowhere)."""
    items = [x for x in items if x]
    if len(items) < 2:
        return items
    first = len(items[0])
    n = SCOPE_ITEM_CHARS
    if first > n + 1 and len(items) == 2 and len(items[1]) >= n and report_text:
        scope, own, other = items[0][:-n], items[0][-n:], items[1][:n]
        rest = items[1][n:]
        if _CJK_RUN.fullmatch(scope + own + other) and own != other and report_text.count(scope + other) > 0:
            return [scope + own + rest, scope + items[1]]
    # a short first item shares the last one's ending ("收、支总计", "公办、民办幼儿园"); "本年收入、本年支出" are whole
    suffix = items[-1][first:] if first <= 2 and len(items[-1]) > first + 1 else ""
    out = []
    for n, item in enumerate(items):
        head = item[:first] if n == len(items) - 1 and suffix else item
        head = _ABBREVIATED_ITEM.get(head, head)
        out.append(head + suffix)
    return out


def _clause_start(sentence: str, at: int) -> int:
    cut = max(sentence.rfind(c, 0, at + 1) for c in "，,；;：:")
    return cut + 1 if cut >= 0 else 0


def _clause_end(sentence: str, start: int) -> int:
    m = re.compile(r"[，；;：:。]").search(sentence, start)
    return m.start() if m else len(sentence)


def _topic_clause(f: Figure, siblings: tuple[str, ...] = ()) -> str:
    """The first clause of the figure's sentence, when it is not the figure's own clause nor a sibling's."""
    if f.table:
        return ""
    first = _CLAUSE_SPLIT.split(f.sentence, 1)[0]
    if not first or f.clause.startswith(first) or first in f.clause or any(first in c for c in siblings):
        return ""
    return re.sub(r"\d+(?:\.\d+)?", " ", first)


_ITEM_MARKER = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．])\s*")
_CLASS_MARK = re.compile(r"[（(][类款项][）)]")
ITEM_HEADING_CHARS = 24  # a heading this short (marker, (类)(款)(项) aside) names one item, not a chapter


def _item_heading(f: Figure) -> str:
    """The heading of the item a prose figure is stated under, when the heading names one item: a numbered heading
    ("2.公务用车购置及运行维护费", "3.卫生健康支出(类)公共卫生(款)…(项)"), short, stating no figure; else ""."""
    if f.table or not f.section:
        return ""
    leaf = f.section.split(" > ")[-1]
    if not _ITEM_MARKER.match(leaf) or re.search(r"\d+(?:\.\d+)?\s*(?:万元|元|%|人|个)", leaf):
        return ""
    leaf = _CLASS_MARK.sub("", _ITEM_MARKER.sub("", leaf)).strip("。.：: ")
    return leaf if 2 <= len(leaf) <= ITEM_HEADING_CHARS else ""


def _previous_clause(f: Figure, siblings: tuple[str, ...] = (), past_siblings: bool = True) -> str:
    """The clause before the figure's own in its sentence: it often names the subject ("推动康园工疗站…，全年服务学员
    423人"; "二是重点工作，拟投入的资金为350.66万元")."""
    if f.table:
        return ""
    pos = f.sentence.find(f.clause)
    if pos <= 0:
        return ""
    clauses = [c for c in _CLAUSE_SPLIT.split(f.sentence[:pos]) if c.strip()]
    # past the siblings before it, to the clause that opens the list ("惠及370名残疾学生，其中学前教育29人，义务教育248人")
    while clauses and any(clauses[-1].strip() in c for c in siblings):
        if not past_siblings:
            return ""
        clauses.pop()
    return re.sub(r"\d+(?:\.\d+)?", " ", clauses[-1]) if clauses else ""


_HEAD_TAIL = re.compile(r"[为是达约共计有：:\s]+$")


def _clause_head(f: Figure) -> str:
    """What a prose figure's clause names it by, at its end: the last two characters before the number ("婴儿死亡率1.86‰"
    -> "亡率"); "" when the clause names nothing before its number."""
    at = f.clause.find(f.text)
    runs = _CJK_RUN.findall(_HEAD_TAIL.sub("", f.clause[:at])) if at > 0 else []
    return runs[-1][-2:] if runs and len(runs[-1]) >= 2 else ""


def _sibling_clauses(figures: list[Figure]) -> list[tuple[str, ...]]:
    """For each prose figure, the clauses of its sentence that state another figure by the same head: "孕产妇死亡率为0，
    婴儿死亡率1.86‰", "学前教育29人，义务教育248人". A sibling's words name the sibling, never this figure."""
    by_sentence: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(figures):
        if not f.table:
            by_sentence.setdefault((f.report, f.sentence), []).append(i)
    out: list[tuple[str, ...]] = [()] * len(figures)
    for (_, sentence), members in by_sentence.items():
        if len(members) < 2:
            continue
        heads = {i: _clause_head(figures[i]) for i in members}
        at = {i: sentence.find(figures[i].clause) for i in members}
        parts_from = sentence.find("其中")
        for i in members:
            own = figures[i].clause
            # the whole before 其中 is not named by its parts' words ("惠及370名残疾学生，其中…义务教育248人")
            parts = [figures[j].clause for j in members if parts_from >= 0 and 0 <= at[i] < parts_from < at[j]]
            same = [figures[j].clause for j in members if heads[i] and heads[j] == heads[i]]
            out[i] = tuple(dict.fromkeys(c for c in parts + same if c != own and c not in own and own not in c))
    return out


def _without_words(text: str, head: str) -> str:
    """The text without the items of a distributed statement ("本年收入、本年支出|本年支出"), longest first."""
    for words in sorted(head.split("|"), key=len, reverse=True):
        if len(words) >= 2:
            text = text.replace(words, " ")
    return text


def _without(sentence: str, clauses: tuple[str, ...]) -> str:
    for c in clauses:
        sentence = sentence.replace(c, "，")
    return sentence


def _whole_context(figures: list[Figure]) -> list[str]:
    """The whole a part belongs to: the words before 其中 in the figure's sentence, or — for the next items of a list
    "X A万元，其中B b万元；C c万元" cut into sentences at ；— in the sentence that opened the list, unless the item is
    another of the whole's kind ("基本支出…，其中人员经费…；项目支出…": 项目支出 is 基本支出's sibling, not its part)."""
    out = [""] * len(figures)
    order = sorted(range(len(figures)), key=lambda i: (figures[i].report, figures[i].start))
    opened, head = "", ""  # the whole of a 其中 list still open, and its head word
    previous: Figure | None = None
    previous_index = -1
    for i in order:
        f = figures[i]
        if f.table:
            previous = None
            continue
        if previous is None or previous.report != f.report or previous.section != f.section:
            opened = head = ""
        at = f.sentence.find("其中")
        if at == 0 and previous is not None and previous.sentence != f.sentence and opened == "" and \
                not re.search(r"其中", previous.sentence):
            # "…预算执行率93.05%。其中：中央财政资金支出…，执行率100%；省级…": the sentence before is the whole
            opened = re.sub(r"\d+(?:\.\d+)?", " ", previous.sentence)
            out[i] = opened
        elif at > 0:
            pos = f.sentence.find(f.clause)
            if pos >= at:
                if previous is None or previous.sentence != f.sentence or not opened:
                    opened = re.sub(r"\d+(?:\.\d+)?", " ", f.sentence[:at])
                closed = re.search(r"[；;]", f.sentence[at:pos]) and head and _head(f.phrase) == head
                out[i] = "" if closed else opened
            elif f.kind != "percent":  # the whole's own amount, not its share
                head = _head(f.phrase)
        elif previous is not None and previous.sentence != f.sentence:
            # a list "其中：A…；B…；C…" goes on while its items end in ；
            ended_open = previous.sentence.rstrip().endswith(("；", ";")) and (
                "其中" in previous.sentence or bool(out[previous_index]))
            opened = opened if ended_open and not (head and _head(f.phrase) == head) else ""
            out[i] = opened
        elif previous is not None and previous.sentence == f.sentence:
            out[i] = out[previous_index] if opened else ""
        previous, previous_index = f, i
    return out


def _head(phrase: str) -> str:
    """The head word of a figure's phrase: its last two characters ("基本支出" -> "支出")."""
    runs = _CJK_RUN.findall(phrase.split("·")[0])
    return runs[-1][-2:] if runs and len(runs[-1]) >= 2 else ""


class _WordIndex:
    """Word (bigram) -> the figures holding it in a field lookup matches: their name and context, their sentence,
    their heading path, or spread out in their sentence as an abbreviation (_gapped).

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
        # an item's heading is part of its figures' context (_item_heading): abbreviations of it count too
        self._section_texts = list(section_of)
        self._abbreviated_sections: dict[str, list[int]] = {}

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
            got = self._abbreviated_sections.get(gram)
            if got is None:
                pattern = _gapped(gram)
                got = [h for h, text in enumerate(self._section_texts) if pattern.search(simplified(text))]
                if len(self._abbreviated_sections) >= self.ABBREVIATION_MEMORY:
                    self._abbreviated_sections.clear()
                self._abbreviated_sections[gram] = got
            for h in got:
                found.update(self._figures_of_section[h])
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


def carried_subject(f: Figure) -> str:
    """The subject a clause carries over from the clause before it: "住房保障支出年初预算49.94万元，年中决算为49.74万元"
    -> "住房保障支出" for 49.74."""
    if f.table or not _MEASURE_HEAD.match(f.clause):
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
        # (a year the sentence names only after the figure's clause is of what follows it: "实际为51.3%，…，延期至2025年
        # 第一季度完工" is not a figure of 2025)
        at = f.sentence.find(f.clause) if f.clause else -1
        upto = f.sentence[:at + len(f.clause)] if at >= 0 else f.sentence
        if at < 0 and f.table:  # a cell's row as printed: a year in a later cell ("…顺延至2023年") is of that cell
            value_at = f.sentence.find(f.text)
            upto = f.sentence[:value_at + len(f.text)] if value_at >= 0 else f.sentence
        own = _own_years(f.clause + " " + f.column, keep_subject=f.qualifier == CHANGE) or _own_years(upto)
        if own:
            years[i] = frozenset(own)
            if f.qualifier != CHANGE:
                topic[key] = years[i]
        elif not f.table:  # a table cell names its year in its row, column or caption, else it is the report's
            years[i] = topic.get(key, frozenset())
    return years


TIE_NAMED = 0.05


def _first_stated_on_ties(matches: list[FigureMatch]) -> list[FigureMatch]:
    """The same words matched and near-equal scores: the figure the report states first leads (later ones repeat
    or detail it), rather than the one a small difference in similarity happens to favour."""
    if len(matches) < 2:
        return matches
    top = matches[0]
    tied = [m for m in matches if m.score >= top.score - TIE_MARGIN and m.lexical == top.lexical
            and m.figure.report == top.figure.report  # positions in two reports say nothing about each other
            and m.named >= top.named - TIE_NAMED]  # one the question names less of is no tie ("买车": not 购置及运行维护费)
    first = min(tied, key=lambda m: m.figure.start)
    return [first] + [m for m in matches if m is not first]


def _distinct(matches: list[FigureMatch]) -> list[FigureMatch]:
    """Drop repeats of the same figure value stated in the same words (a report may say a figure twice)."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for m in matches:
        key = (m.figure.report, m.figure.value, m.figure.unit, m.figure.clause)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def joint_choice(results: Sequence[Sequence[FigureMatch]], options: Sequence[Sequence[FigureMatch]],
                 allowed: Callable[[tuple[FigureMatch, ...]], bool],
                 bonus: Callable[[tuple[FigureMatch, ...]], float] = lambda combo: 0.0) -> list[tuple[FigureMatch, ...]]:
    """Figures for several asks chosen together: of the combinations of each ask's options that are `allowed`, the
    one whose scores (and `bonus`) add up best leads each ask's matches; the results unchanged when none is."""
    best, best_total = None, float("-inf")
    for combo in itertools.product(*options):
        if not allowed(combo):
            continue
        total = sum(m.score for m in combo) + bonus(combo)
        if total > best_total:
            best, best_total = combo, total
    if best is None:
        return [tuple(m) for m in results]
    return [(chosen, *[m for m in matches if m is not chosen]) if matches else tuple(matches)
            for chosen, matches in zip(best, results)]


def prefer_one_sentence(results: list[tuple[FigureMatch, ...]]) -> list[tuple[FigureMatch, ...]]:
    """Several asks in one question usually point into one sentence: break near-ties toward it."""
    anchor = results[0][0].figure.sentence if results and results[0] else None
    out = []
    for i, matches in enumerate(results):
        if i == 0 or not matches or anchor is None:
            out.append(matches)
            continue
        top = matches[0].score
        # (a figure that names what was asked stays ahead of those that do not: _answering_first)
        ranked = sorted(matches, key=lambda m: (not m.answers if matches[0].answers else False,
                                                -(m.score * (1.15 if m.figure.sentence == anchor else 1.0)
                                                  if m.score >= 0.75 * top else m.score)))
        out.append(tuple(ranked))
    return out
