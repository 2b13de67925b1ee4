"""Pure: evidence (looked-up figures, best sentences) -> the answer a person reads, or an honest "not stated".

Extractive answers lead with the figure asked for and quote the clause that states it; list, reason and yes/no
questions quote the report's own words. A figure is the answer only when it names what was asked (its subject,
measure, qualifier and year: `FigureMatch.answers`); otherwise the reply says the report does not state it and lists
the nearest figures as related, never as the answer. Values the report only implies (last year's from this year's
and its change, a share of two stated figures, a sum, a difference) are computed with their operands shown. Whether
to answer at all is decided here, from the evidence, never by a language model.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from app.answer import Citation
from app.lookup import FigureIndex, FigureMatch, LookupResult, bigrams, joint_choice, simplified, unit_follows
from app.question import (DEDUCTED, DERIVED, FIGURE, LIST, REASON, REMAINING, SHORTFALL, SURPLUS, YESNO, Ask, Question,
                          asks_why, content_terms, in_report_year, names_the_whole_score, operand_ask, written_short)
from app.retrieve import Knowledge, Passage, Sentence, passage_rank_of_figures
from app.romanize import romanizes
from app.statements import nil_kind, nil_said
from ingest.figures import CHANGE, Figure

MAX_ANSWER_CHARS = 280
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]+")  # a body named in Chinese (an English place is matched by romanizes)
FIGURE_CONFIDENCE = 0.2  # below it a figure is not even related
RELATED_CONFIDENCE = 0.2  # nearest figures worth naming beside a "not stated" reply
TEXT_CONFIDENCE = 0.42
MAX_RELATED = 3
ABSTAIN_TEXT_ZH = "抱歉，报告中没有找到能回答这个问题的内容，我不能凭报告以外的知识作答。{scope}"
ABSTAIN_TEXT_EN = ("Sorry, the report does not contain the answer to this question, and I only answer from the "
                   "report. {scope}")
NOT_STATED_ZH = "报告没有直接给出{what}。"
NOT_STATED_EN = "The report does not directly state {what}."
NOT_COVERED_ZH = "已载入的报告不涉及{what}，无法回答。{scope}"
NOT_COVERED_EN = "None of the loaded reports covers {what}. {scope}"


@dataclass(frozen=True)
class Draft:
    """An answer before verification: text, citations and whether it abstains."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    reason: str = ""  # why it abstained (for logs)
    # False when the extractive step is not sure of its answer (it abstained, or its best figure does not name what
    # was asked): an LLM mode may then answer from the passages, every number verified as usual
    sure: bool = True
    related: tuple[Citation, ...] = ()  # nearest figures, shown as related (never as the answer) beside a not-stated reply


# --------------------------------------------------------------------------- the extractive answer, end to end

def extractive_answer(question: Question, knowledge: Knowledge, report_ids: Sequence[str],
                      passages: Sequence[Passage] = (), dense: Mapping[str, float] | None = None) -> Draft:
    """The extractive answer over the asked reports: each report that states the asked figure answers for itself
    ("据《…》：…"); a question naming no report never silently gets one report's figure for all."""
    if question.foreign:
        return not_covered(question, knowledge, report_ids, question.foreign[0])
    several = len(report_ids) > 1  # the question names no one report: an answer says which report it is from
    if question.years and len(report_ids) > 1:  # "2023年…": the reports about that year (or the year after it)
        covering = [r for r in report_ids if r in knowledge.reports and any(
            knowledge.reports[r].year in (y, y + 1) for y in question.years)]
        report_ids = covering or list(report_ids)
    figure_question = question.intent in (FIGURE, DERIVED, YESNO)  # 有没有X支出: a nil statement says so
    groups = [[r] for r in report_ids] if figure_question and len(report_ids) > 1 else [list(report_ids)]
    drafts = []
    for ids in groups:
        q = _in_year_of(question, knowledge, ids)
        # each report answers from its own passages (retrieval gives each report asked its own k)
        own = [p for p in passages if p.chunk.report in ids] if len(groups) > 1 else passages
        lookup = figure_lookup(q, knowledge, ids, own, dense) if figure_question else None
        sentences = knowledge.best_sentences(q, own, ids)
        drafts.append((ids, compose_extractive(q, lookup, knowledge, sentences, ids)))
    if len(drafts) == 1:
        ids, draft = drafts[0]
        return _with_source(draft, knowledge, ids) if several else draft
    answered = [(ids, d) for ids, d in drafts if not d.abstained]
    if len(answered) == 1:
        return _with_source(answered[0][1], knowledge, answered[0][0])
    if answered:
        # each report that states it answers for itself, in short: the figures, the report; the quotes are cited
        parts = [(ids, d) for ids, d in answered]
        lines = [f"据《{knowledge.reports[ids[0]].title}》：{_lead_of(d.text)}" for ids, d in parts]
        sep = "\n" if question.language == "en" else "；\n"
        text = sep.join(lines) + ("." if question.language == "en" else "。")
        if len(text) > MAX_ANSWER_CHARS:  # too many to list: the first ones, and how many more
            shown = []
            for line in lines:
                if len(sep.join(shown + [line])) > MAX_ANSWER_CHARS - 40:
                    break
                shown.append(line)
            more = len(lines) - len(shown)
            text = sep.join(shown) + (f"；另有{more}份报告也给出了这一数字，请指明哪一份。" if question.language == "zh"
                                      else f"; {more} more reports state it too: which one is meant?")
        return Draft(_fit(text), tuple(c for _, d in parts for c in d.citations), False,
                     sure=all(d.sure for _, d in parts))
    stated = [(ids, d) for ids, d in drafts if d.related]
    if stated:
        ids, d = max(stated, key=lambda x: len(x[1].related))
        return replace(d, text=d.text, related=tuple(c for _, d2 in stated for c in d2.related)[:MAX_RELATED])
    outside = {d.reason.removeprefix(_NOT_COVERED_REASON) for _, d in drafts if d.reason.startswith(_NOT_COVERED_REASON)}
    if len(outside) == 1 and all(d.reason.startswith(_NOT_COVERED_REASON) for _, d in drafts):
        return not_covered(question, knowledge, report_ids, outside.pop())  # no report is about what it names
    return abstain(question, knowledge, report_ids, drafts[0][1].reason, sure=all(d.sure for _, d in drafts))


def _lead_of(text: str) -> str:
    """An answer's lead, without the quotation that follows it ("2700.38万元。报告原文：…" -> "2700.38万元")."""
    for cut in ("。报告原文：", ". The report states:", "（按报告数字", "（报告未直接给出", " (computed", " (not stated"):
        if cut in text:
            text = text[:text.index(cut)] + (text[text.index(cut):].split("）")[0] + "）" if cut.startswith("（")
                                              else "")
            break
    return text.rstrip("。.；")


def _in_year_of(question: Question, knowledge: Knowledge, ids: Sequence[str]) -> Question:
    years = {knowledge.reports[r].year for r in ids if r in knowledge.reports}
    return in_report_year(question, years.pop()) if len(years) == 1 else question


def _with_source(draft: Draft, knowledge: Knowledge, ids: Sequence[str]) -> Draft:
    """The draft led by the report it comes from: "据《…》：…"."""
    reports = list(dict.fromkeys(c.report for c in draft.citations)) or list(ids)
    titles = [knowledge.reports[r].title for r in reports if r in knowledge.reports]
    if not titles or draft.abstained:
        return draft
    return replace(draft, text=f"据《{'》《'.join(titles)}》：{draft.text}")


def figure_lookup(question: Question, knowledge: Knowledge, ids: Sequence[str], passages: Sequence[Passage] = (),
                  dense: Mapping[str, float] | None = None) -> LookupResult:
    """Look up the figures a figure or derived question asks for in these reports."""
    index = knowledge.figure_index(ids)
    ranks = passage_rank_of_figures(passages, index.figures)
    dense = dense or {}
    if question.intent == DERIVED and question.operands:
        return operand_lookup(index, question, dense, ranks)
    return index.lookup(question, dense, ranks)


def operand_lookup(index: FigureIndex, q: Question, dense: Mapping[str, float],
                   ranks: Mapping[str, float]) -> LookupResult:
    """A sum/difference/share: the best figure for each operand, all of the kind the question asks for, and the
    result itself when the report states it."""
    q = replace(q, operands=joined_operands(q, index))
    matches, asks = [], []
    for n, operand in enumerate(q.operands):
        ask = operand_ask(q, operand)
        if q.operation == "share":
            ask = replace(ask, kind=None, unit=None)
        if q.operation in (SHORTFALL, SURPLUS):  # the target, then what was reached (a surplus: the other way)
            first = n == 0 if q.operation == SHORTFALL else n == 1
            ask = replace(ask, subject=content_terms(q.operands[0]), total=False, change=False, target=first,
                          actual=not first)
        if q.operation == REMAINING:  # what was allotted, then what of it was spent
            ask = replace(ask, subject=content_terms(q.operands[0]), kind="money", unit=None, total=False,
                          change=False, budgeted=n == 0, spent=n == 1)
        sub = replace(q, asks=(ask,), context="", terms=ask.subject)
        result = index.lookup(sub, dense, ranks)
        asks.append(ask)
        matches.append(result.matches[0] if result.matches else ())
    if q.operation in (REMAINING, SHORTFALL, SURPLUS) and len(matches) == 2 and all(matches):
        # what was allotted and what was spent of it (a target and what was reached) are stated together: "决算为3.52
        # 万元，完成预算的81.86%（预算4.30万元）" -- the pair that fits best, a pair in one sentence counting more
        matches = _paired(matches)
    return LookupResult(tuple(asks), tuple(matches), stated=index.stated(q, dense, ranks))


PAIR_CANDIDATES = 4  # the answering figures per operand tried when pairing
SAME_SENTENCE_BONUS = 0.15  # what a pair stated in one sentence (or side by side) adds to the pair's score
PAIR_NEAR = 40  # characters apart within which two figures stand side by side ("指标值≥30节；实际完成值34节")


def _paired(matches: list) -> list:
    """Two operands' figures chosen together: the two answering figures (not the same one) whose scores add up best,
    a pair in one sentence or side by side counting SAME_SENTENCE_BONUS more."""
    options = [[m for m in ms if m.answers and m.figure.kind != "nil"][:PAIR_CANDIDATES] for ms in matches]

    def apart(pair: tuple[FigureMatch, ...]) -> bool:
        a, b = pair
        return (a.figure.report, a.figure.start) != (b.figure.report, b.figure.start)

    def together(pair: tuple[FigureMatch, ...]) -> float:
        a, b = pair
        side_by_side = a.figure.sentence == b.figure.sentence or abs(a.figure.start - b.figure.start) <= PAIR_NEAR
        return SAME_SENTENCE_BONUS if a.figure.report == b.figure.report and side_by_side else 0.0

    return joint_choice(matches, options, apart, together)


MAX_JOINT = 2  # characters between two operands a report's own name may hold (和, 及, 以及)


def joined_operands(q: Question, index: FigureIndex) -> tuple[str, ...]:
    """The things a sum or difference combines, as the report names them: "社会保障和就业支出加上卫生健康支出" splits at
    和 too, but 社会保障和就业支出 is one item the report states ("社会保障和就业支出842.17万元"), so the pieces a figure's
    name holds together stay one operand."""
    ops = list(q.operands)
    if len(ops) < 3:
        return q.operands
    names = {simplified(f.clause) for f in index.figures if not f.table}
    text = q.text
    n = 0
    while n < len(ops) - 1 and len(ops) > 2:
        a = text.find(ops[n])
        b = text.find(ops[n + 1], a + len(ops[n])) if a >= 0 else -1
        joint = text[a:b + len(ops[n + 1])] if a >= 0 and 0 <= b - a - len(ops[n]) <= MAX_JOINT else ""
        if joint and any(joint in name for name in names):
            ops[n:n + 2] = [joint]
            continue
        n += 1
    return tuple(ops)


# --------------------------------------------------------------------------- one set of reports

def abstain(question: Question, knowledge: Knowledge, report_ids: Sequence[str], reason: str,
            sure: bool = True) -> Draft:
    """The fixed, polite reply naming what the report does cover; `sure=False` where the evidence was only too weak
    (an LLM mode may then answer from the passages), True where the question is outside the reports (another year,
    place or term)."""
    scope = _scope(question, knowledge, report_ids)
    text = ABSTAIN_TEXT_EN if question.language == "en" else ABSTAIN_TEXT_ZH
    return Draft(text.format(scope=scope), (), True, reason, sure=sure)


def not_covered(question: Question, knowledge: Knowledge, report_ids: Sequence[str], what: str) -> Draft:
    """A question about a place or body no loaded report is about."""
    scope = _scope(question, knowledge, report_ids)
    text = NOT_COVERED_EN if question.language == "en" else NOT_COVERED_ZH
    # no model may answer for a body or place the reports are not about
    return Draft(text.format(what=what, scope=scope), (), True, f"{_NOT_COVERED_REASON}{what}", sure=True)


_NOT_COVERED_REASON = "the reports do not cover "


def _scope(question: Question, knowledge: Knowledge, report_ids: Sequence[str]) -> str:
    titles = [knowledge.reports[r].title for r in report_ids if r in knowledge.reports]
    sections = _top_sections(knowledge, report_ids)
    if question.language == "en":
        return f"It covers: {'; '.join(titles)}" + (f" ({'、'.join(sections)})." if sections else ".")
    if not titles:
        return ""
    # a report with no headings (a key:value form, a one-paragraph conclusion) has no parts to list
    return f"本报告（{'、'.join(titles)}）涵盖：{'、'.join(sections)}。" if sections else f"本报告为《{'、'.join(titles)}》。"


def _top_sections(knowledge: Knowledge, report_ids: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for c in knowledge.chunks:
        if c.report in report_ids and c.section:
            top = re.sub(r"^[一二三四五六七八九十]+、", "", c.section.split(" > ")[0])
            if top not in seen:
                seen.append(top)
    return seen[:6]


def compose_extractive(question: Question, lookup: LookupResult | None, knowledge: Knowledge,
                       sentences: Sequence[tuple[Sentence, float]], report_ids: Sequence[str]) -> Draft:
    """Decide whether the report answers the question and, if so, say it in a sentence or two."""
    if question.foreign:
        return not_covered(question, knowledge, report_ids, question.foreign[0])
    unknown_years = [y for y in question.years if not _report_mentions_year(knowledge, report_ids, y)
                     and not _implied_year(knowledge, report_ids, y)]
    if unknown_years:
        return abstain(question, knowledge, report_ids, f"the report does not cover {unknown_years[0]}", sure=True)
    text = knowledge.report_text(report_ids)
    own_names = [n for r in report_ids if r in knowledge.reports
                 for n in (knowledge.reports[r].title, knowledge.reports[r].body, *knowledge.reports[r].aliases.split("|"))]
    # "Guangzhou" in an English question is 广州 of the report's own name, not another city
    other_places = [p for p in question.places if p not in text and p not in question.names
                    and not romanizes(p, own_names) and not (_CJK_NAME.fullmatch(p) and written_short(p, text))]
    if other_places:  # "深圳市…": another city's or district's report would answer it, not this one
        return not_covered(question, knowledge, report_ids, other_places[0])
    if question.language == "en":
        outside = _outside_english(question, text)
        if outside:
            return abstain(question, knowledge, report_ids, outside)
    from app.table_answer import answer_from_tables

    # tables state their own year: answer_from_tables says "not stated" to a question about another year
    from_tables = answer_from_tables(question, knowledge.table_figures(report_ids), report_ids)
    if from_tables is not None and from_tables.abstained and question.intent == FIGURE and lookup is not None:
        # the tables hold only the report's year, but its prose may imply the year before ("基本支出A万元，比上年减少D万元")
        implied = _implied_previous(question, lookup, knowledge.figure_index(report_ids), knowledge, report_ids)
        if implied is not None:
            return implied
    if from_tables is not None:
        return from_tables
    if _WHICH_NOT_MET.search(question.text):
        not_met = _not_met_in_prose(question, knowledge, report_ids)
        if not_met is not None:
            return not_met
    if question.operation == DEDUCTED:
        item = _deducted_item(question)
        if item is not None:  # "那扣了几分？" after an item was asked: that item's full marks less its score
            return _derived(item, figure_lookup(item, knowledge, report_ids), knowledge, report_ids)
        return _whole_deduction(question, knowledge, report_ids)
    if question.intent == DERIVED and lookup is not None:
        return _with_reason(question, _derived(question, lookup, knowledge, report_ids), knowledge)
    if question.intent == FIGURE and lookup is not None:
        return _with_reason(question, _figure_answer(question, lookup, knowledge, report_ids, sentences), knowledge)
    if question.intent == YESNO and lookup is not None and lookup.best and lookup.best[0].answers \
            and lookup.best[0].figure.kind == "nil":
        return _nil_answer(question, [lookup.best[0].figure])  # "有没有会议费支出？": the report says there was none
    if question.intent == YESNO and lookup is not None and lookup.best and lookup.best[0].answers \
            and _stated_zero(lookup.best[0].figure):
        return _zero_answer(question, lookup.best[0].figure)  # "有没有因公出国？": "因公出国（境）费支出决算0万元"
    return _text_answer(question, knowledge, sentences, report_ids)


def _with_reason(question: Question, draft: Draft, knowledge: Knowledge) -> Draft:
    """A figure asked with its reason ("全年预算和执行数差了多少，为什么？"): the figure's answer, then the reason its own
    sentence gives ("…相差112.46万元，主要是…"), or the sentence right after it ("…结余5.2万元。结余的主要原因是…")."""
    if draft.abstained or not asks_why(question) or not draft.citations:
        return draft
    cited = draft.citations[0]
    said = next((s for s in knowledge.sentences if s.report == cited.report
                 and (cited.text in s.quoted or s.quoted in cited.text)), None)
    if said is None:
        return draft
    why = _reason_clause(said.text)
    if why is None:
        after = _next_sentence(knowledge, said)
        why = _reason_clause(after.text) if after is not None else None
        if why is None:
            return draft
        citations = (*draft.citations, _cite(after))
    else:
        citations = draft.citations
    if why.rstrip("。") in draft.text:
        return draft
    return replace(draft, text=_fit(f"{draft.text.rstrip('。')}。{why}"), citations=citations)


def _figure_answer(question: Question, lookup: LookupResult, knowledge: Knowledge, report_ids: Sequence[str],
                   sentences: Sequence[tuple[Sentence, float]]) -> Draft:
    index = knowledge.figure_index(report_ids)
    worded = [n for n, a in enumerate(lookup.asks) if a.words]
    if worded and len(worded) < len(lookup.asks):
        return _mixed_answer(question, lookup, worded, knowledge, report_ids, sentences)
    adjusted = _budget_adjustment(question, lookup, index, knowledge, report_ids)
    if adjusted is not None:
        return adjusted
    if lookup.answered and lookup.confidence >= FIGURE_CONFIDENCE:
        return _figures(question, _with_rates(question, lookup, index), index)
    if question.operation == "share" and len(question.operands) == 2:
        computed = _computed_share(question, index)
        if computed is not None:
            return computed
    per_one = _per_one_computed(question, lookup, index)
    if per_one is not None:
        return per_one
    implied = _implied_previous(question, lookup, index, knowledge, report_ids) or \
        _asks_with_previous(question, lookup, index, knowledge, report_ids)
    if implied is not None:
        return implied
    moved = _from_to_change(question, lookup, index)
    if moved is not None:
        return moved
    partial = [m[0] if m and m[0].answers and m[0].score >= FIGURE_CONFIDENCE else None for m in lookup.matches]
    related = _related(lookup)
    if not related and _may_be_text(question):
        return _text_answer(question, knowledge, sentences, report_ids)
    if not related:
        return abstain(question, knowledge, report_ids, f"figure confidence {lookup.confidence:.2f}", sure=False)
    return _not_stated(question, lookup, partial, related)


def _with_rates(question: Question, lookup: LookupResult, index: FigureIndex) -> list[FigureMatch]:
    """A change asked for and answered in an amount: the rate the report states right after it goes with it
    ("较上年减少3.06万元，下降19.70%"), unless the question asks that rate itself."""
    best = list(lookup.best)
    if any(a.kind == "percent" for a in lookup.asks):
        return best
    out = []
    for ask, m in zip(lookup.asks, best):
        out.append(m)
        f = m.figure
        if not ask.change and f.unit != "%" and f.kind != "nil":
            share = _own_share_after(index, f)
            if share is not None:
                out.append(replace(m, figure=share))
        if not ask.change or f.unit == "%" or f.kind == "nil":
            continue
        after = sorted((g for g in index.figures if g.report == f.report and g.sentence == f.sentence
                        and g.start > f.start), key=lambda g: g.start)
        item = index.item_of(f)
        if item:  # "各增加170.64,164.08万元,各增长4.47%、4.30%": the rate of the same item
            after = [g for g in after if g.unit == "%" and index.item_of(g) == item][:1]
            if after and re.search(r"减少|增加|下降|上升|增长|降低|提高", f.sentence[f.sentence.find(f.clause):]):
                out.append(replace(m, figure=after[0]))
            continue
        if after and after[0].unit == "%" and re.search(r"减少|增加|下降|上升|增长|降低|提高", after[0].clause):
            out.append(replace(m, figure=after[0]))
    return out


# a share stated bare right after an amount, of the same item: "人员培训及考核24.00万元，占8.83%"
_BARE_SHARE = re.compile(r"^占(?:比)?(?:为|达)?\s*[\d.]+\s*%$")


def _own_share_after(index: FigureIndex, f: Figure) -> Figure | None:
    """The share an amount's clause goes on to state of the same item ("X 24.00万元，占8.83%"): it says how much of the
    whole that amount is, so it goes with the amount as the report states them together; None for anything else."""
    if f.table:
        return None
    after = sorted((g for g in index.figures if g.report == f.report and g.sentence == f.sentence
                    and g.start > f.start), key=lambda g: g.start)
    if not after or after[0].unit != "%" or not _BARE_SHARE.match(after[0].clause.strip()):
        return None
    at, to = f.sentence.find(f.clause), f.sentence.find(after[0].clause)
    if at < 0 or to < 0:
        return None
    between = f.sentence[at + f.clause.find(f.text) + len(f.display):to]
    return after[0] if re.fullmatch(r"\s*[，,]\s*", between) else None


def _mixed_answer(question: Question, lookup: LookupResult, worded: list[int], knowledge: Knowledge,
                  report_ids: Sequence[str], sentences: Sequence[tuple[Sentence, float]]) -> Draft:
    """"对几个项目开展了绩效自评，结果怎样": the figures asked for, then the sentence that says the rest."""
    figure_asks = [n for n in range(len(lookup.asks)) if n not in worded]
    found = [lookup.matches[n][0] for n in figure_asks if lookup.matches[n] and lookup.matches[n][0].answers]
    if len(found) < len(figure_asks):
        return _not_stated(question, lookup, [lookup.matches[n][0] if n in figure_asks and lookup.matches[n]
                                              and lookup.matches[n][0].answers else None
                                              for n in range(len(lookup.asks))], _related(lookup))
    figures = _figures(question, found)
    words = [lookup.asks[n] for n in worded]
    sub = replace(question, intent="text", asks=tuple(words), terms=tuple(t for a in words for t in a.subject)
                  + tuple(question.terms))
    anchor = {f.figure.sentence for f in found}
    ranked = knowledge.best_sentences(sub, [], report_ids, k=5)
    said = next((s for s, score in ranked if s.text in anchor), None) or (ranked[0][0] if ranked and
                                                                        ranked[0][1] >= TEXT_CONFIDENCE else None)
    if said is None:
        return _not_stated(question, lookup, [m if n in figure_asks else None for n, m in
                                              enumerate(lookup.best)], _related(lookup))
    sep = " " if question.language == "en" else ""
    text = f"{figures.text}{sep}{_focused(said.text, sub)}"
    citations = figures.citations + ((_cite(said),) if said.text not in {c.text for c in figures.citations} else ())
    return Draft(_fit(text), citations, False)


def _related(lookup: LookupResult) -> list[FigureMatch]:
    """The nearest figures: those the question fits best, whatever they fail, worth naming beside "not stated"."""
    seen, out = set(), []
    for matches in lookup.matches:
        for m in matches[:2]:
            key = (m.figure.report, m.figure.start)
            if m.score >= RELATED_CONFIDENCE and m.coverage >= 0.5 and m.figure.kind != "nil" and key not in seen:
                seen.add(key)
                out.append(m)
    return out[:MAX_RELATED]


def _not_stated(question: Question, lookup: LookupResult, partial: list[FigureMatch | None],
                related: list[FigureMatch]) -> Draft:
    """"报告没有直接给出…": the asks no figure answers, what the others are, and the nearest figures as related."""
    english = question.language == "en"
    missing = [a for a, m in zip(lookup.asks, partial) if m is None]
    what = _what(question, missing)
    text = (NOT_STATED_EN if english else NOT_STATED_ZH).format(what=what)
    found = [m for m in partial if m is not None]
    if found:
        known = "；".join(f"{_display(m.figure, question)}（“{_own_characters(m.figure, m.figure.clause)}”）" for m in found)
        text += f" What it does state: {known}." if english else f"报告给出的是：{known}。"
    shown = [m for m in related if all(m.figure is not f.figure for f in found)]
    if shown:
        listed = "；".join(f"{_display(m.figure, question)}（“{_own_characters(m.figure, m.figure.clause)}”）"
                           for m in shown)
        text += f" Related figures (not the answer): {listed}." if english else f"相关的数字（并非所问）：{listed}。"
    why = "; ".join(f"{m.figure.display}: {m.why}" for m in related)
    return Draft(_fit(text), (), True, f"not stated ({why})", sure=False,
                 related=tuple(_cite_figure(m.figure) for m in [*found, *shown]))


_MEASURE_NOUN = {"people": "人数", "money": "金额", "percent": "比例", "count": "数量", "times": "次数", "hours": "时数",
                 "score": "分数"}


def _what(question: Question, asks: Sequence[Ask]) -> str:
    """What was asked, in the question's own words, for the not-stated reply: "全区盲人的人数"."""
    if question.language == "en":
        words = re.sub(r"[?？.!]+$", "", question.original).strip()
        return f"the answer to “{words}”" if words else "it"
    pieces = []
    for a in asks or question.asks:
        subject = "".join(a.subject) or "".join(question.terms)
        noun = "变化" if a.change else _MEASURE_NOUN.get(a.kind or "", "")
        if subject:
            pieces.append(f"{subject}的{noun}" if noun and not subject.endswith(noun) else subject)
    return "“" + "”“".join(pieces) + "”" if pieces else "所问的数字"


def _text_answer(question: Question, knowledge: Knowledge, sentences: Sequence[tuple[Sentence, float]],
                 report_ids: Sequence[str]) -> Draft:
    if question.intent == LIST:
        listed = _list_answer(question, knowledge, report_ids)
        if listed is not None:
            return listed
    if _WHEN_ISSUED.search(question.text):
        dated = _issue_date(knowledge, report_ids)
        if dated is not None:
            return dated
    if _ADDRESSEE_ASKED.search(question.original):
        addressed = _addressee(question, knowledge, report_ids)
        if addressed is not None:
            return addressed
    if _NAME_ASKED.search(question.original):
        field = _form_field(question, knowledge, report_ids)
        if field is not None:
            return field
    if not sentences or sentences[0][1] < TEXT_CONFIDENCE:
        score = sentences[0][1] if sentences else 0.0
        return abstain(question, knowledge, report_ids, f"text confidence {score:.2f}", sure=False)
    # a heading line ("1.因公出国（境）费。") names a topic, it answers nothing
    kept = [(s, score) for s, score in sentences if not _HEADING_LINE.match(s.text)] or list(sentences)
    sentences = kept
    if sentences[0][1] < TEXT_CONFIDENCE:
        return abstain(question, knowledge, report_ids, f"text confidence {sentences[0][1]:.2f}", sure=False)
    best = sentences[0][0]
    if question.intent == YESNO and _COMPLETION_ASKED.search(question.text):
        # "…的指标完成了吗": the sentence that says whether it was reached, led by the answer
        said = next((s for s, score in sentences[:5] if score >= COMPLETION_CONFIDENCE and _DONE.search(s.text)
                     and _names_subject(s.text, question)), None)
        if said is not None:
            lead = "未完成" if _NOT_DONE.search(said.text) else "已完成"
            if question.language == "en":
                lead = "No" if lead == "未完成" else "Yes"
            return Draft(_fit(f"{lead}。{_focused(said.text, question)}" if question.language == "zh"
                              else f"{lead}: {_focused(said.text, question)}"), (_cite(said),), False)
    if _WHO.search(question.text) and not _NAMES_A_PERSON.search(best.text):
        # "理事长是谁？" wants a name: a sentence about 理事长 that names no one does not answer it
        return abstain(question, knowledge, report_ids, "no person named", sure=False)
    if question.intent == REASON:
        # the reason is quoted with the very sentence it comes from
        source = _reason_source([s for s, score in sentences if s is best or score > TEXT_CONFIDENCE], question)
        if source is not None:
            why = _reason_clause(source.text)
            if _FIGURE_AND_WHY.search(question.text) and re.search(r"\d", source.text.replace(why, "")):
                # "结转结余多少？为什么这么多？": the figure the sentence states, then its reason
                said = _focused(source.text, question)
                core = re.sub(r"^(?:主要原因是|主要是|原因是)", "", why).rstrip("。")
                why = said if core in said else f"{said.rstrip('。')}，{why}"
            return Draft(_fit(why), (_cite(source),), False)
        # the reason a report gives for a figure follows it: "…决算为18.64万元，完成预算的86.70%…。决算数小于预算数的
        # 主要原因是…" (the sentence right after the best one, in the same section)
        after = _next_sentence(knowledge, best)
        if after is not None and not _GIVES_A_REASON.search(best.text) and _reason_clause(after.text):
            return Draft(_fit(_reason_clause(after.text)), (_cite(after),), False)
        if not _GIVES_A_REASON.search(best.text):  # a sentence that gives no reason does not say why
            return abstain(question, knowledge, report_ids, "no reason stated", sure=False)
    return Draft(_fit(_focused(best.text, question)), (_cite(best),), False)


def _reason_source(candidates: Sequence[Sentence], question: Question) -> Sentence | None:
    """The sentence (or the line of a form) that gives the reason asked. A "sentence" of a form runs over several
    lines (fields end their lines, not in 。) and may hold several reasons, one a field ("人数偏差原因：…", "上线时间偏差
    原因：…"): each line giving a reason is a candidate of its own, and the one holding most of the question's words
    gives it (the best-ranked one on a tie)."""
    asked = {g for t in question.terms for g in bigrams(t)}
    pieces = []
    for s in candidates:
        lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", s.text)] if "\n" in s.text else [(0, s.text)]
        for at, line in lines:
            if not _reason_clause(line):
                continue
            if len(lines) > 1:
                original = s.original[at:at + len(line)] if len(s.original) == len(s.text) else ""
                s2 = Sentence(line, s.section, s.report, s.start + at, frozenset(bigrams(line)), original)
            else:
                s2 = s
            pieces.append(s2)
    if not pieces:
        return None
    return max(enumerate(pieces), key=lambda x: (len(bigrams(x[1].text) & asked), -x[0]))[1]


NEXT_SENTENCE_GAP = 3  # characters between one sentence's end and the next one's start (a space, a line break)


def _next_sentence(knowledge: Knowledge, s: Sentence) -> Sentence | None:
    """The sentence right after this one in its report and section, if it follows at once."""
    after = [t for t in knowledge.sentences if t.report == s.report and t.section == s.section and t.start > s.start]
    nxt = min(after, key=lambda t: t.start, default=None)
    return nxt if nxt is not None and nxt.start - (s.start + len(s.text)) <= NEXT_SENTENCE_GAP else None


# a reason question that asks a figure too ("机关运行经费多少，为什么下降？")
_FIGURE_AND_WHY = re.compile(r"多少|几[个项人次万元分天]|\bhow (?:much|many)\b", re.I)


# "这个报告是报给哪个单位的": the body a report is addressed to, named in its salutation line ("金平区财政局:")
_ADDRESSEE_ASKED = re.compile(r"报给|报送给|呈报给|报送的?(?:是)?哪|提交给|递交给|上报给|写给|\baddressed to\b|\bsubmitted to\b",
                              re.I)
_SALUTATION = re.compile(r"^\s*([\u4e00-\u9fff]{2,24}?(?:局|委|厅|办|政府|委员会|中心|部|处|办公室|人大|政协))\s*[:：]\s*")
ADDRESSEE_CHARS = 400  # the salutation stands at the head of the report, before its body


def _addressee(question: Question, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft | None:
    """The salutation line at a report's head names whom it is addressed to; quoted as the report writes it."""
    for rid in report_ids:
        chunks = sorted((c for c in knowledge.chunks if c.report == rid), key=lambda c: c.index)[:2]
        seen = 0
        for c in chunks:
            for line in c.text.splitlines():
                seen += len(line)
                m = _SALUTATION.match(line)
                if m:
                    body = m.group(1)
                    text = (f"The report is addressed to {body}." if question.language == "en"
                            else f"报送给{body}。报告原文：“{line.strip()[:60]}”。")
                    return Draft(_fit(text), (Citation(line.strip(), c.section, c.report),), False)
                if seen > ADDRESSEE_CHARS:
                    break
    return None


def _names_subject(text: str, question: Question, share: float = 0.7) -> bool:
    """Whether a sentence names most of what the question is about (its content words' bigrams; 指标/目标 aside)."""
    from app.lookup import bigrams

    asked = bigrams(re.sub(r"指标|目标|任务|完成|达到|达标|实现", " ", " ".join(question.terms)))
    asked = {g for g in asked if len(g) == 2}
    return bool(asked) and len(asked & bigrams(text)) >= share * len(asked)


# "…完成了吗", "是否达到": whether a target was reached, which a sentence states as 完成/未完成
_COMPLETION_ASKED = re.compile(r"(?:完成|达到|达标|实现)了?(?:吗|没有|没)|是否(?:完成|达到|达标|实现)|"
                               r"\b(?:was|were|did)\b.*\b(?:met|achieved|reached|completed)\b", re.I)
_NOT_DONE = re.compile(r"未(?:能)?(?:完成|达到|达标|实现)|没有(?:完成|达到|达标)|未达")
# a target said to be reached or not: 完成“≥6,000人”的年度指标, 未达到目标, 达标 (not 实现就业, which is an achievement)
_DONE = re.compile(r"(?:未|没有)?(?:超额)?(?:完成|达到)[^，。；]{0,16}(?:指标|目标|要求|任务)|未完成|未达到|未达标|达标")
COMPLETION_CONFIDENCE = 0.35  # a sentence saying whether it was reached, among the best few, this relevant

# "报告是哪天发的", "这份报告什么时候报送的": the date the document is signed and issued
_WHEN_ISSUED = re.compile(r"(?:报告|文件|本文).{0,6}(?:哪天|哪一天|什么时候|何时|日期|几号|几月几日)|"
                          r"(?:哪天|哪一天|什么时候|何时|几号)(?:发|印发|报送|出具|上报|报)|"
                          r"\bwhen was (?:the|this) report\b|\bdate of (?:the|this) report\b", re.I)
_DATE_LINE = re.compile(r"^[^，。；,;]{0,30}?((?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号])\s*[。.]?$")


def _issue_date(knowledge: Knowledge, report_ids: Sequence[str]) -> Draft | None:
    """The date a report is issued under: its last line that is a date alone, after the body's name (落款)."""
    if len(report_ids) != 1:
        return None
    found = []  # (sentence, line number, the date)
    for s in knowledge.sentences:
        if s.report == report_ids[0]:
            for n, line in enumerate(s.text.splitlines()):
                m = _DATE_LINE.match(line.strip())
                if m:
                    found.append((s, n, m.group(1)))
    if not found:
        return None
    s, n, date = max(found, key=lambda x: (x[0].start, x[1]))
    lines = s.quoted.splitlines()
    signed = lines[n].strip() if len(lines) > n else date
    if n > 0 and len(lines[n - 1].strip()) <= 20:  # the body's name signed above the date
        signed = lines[n - 1].strip() + signed
    return Draft(_fit(f"{date}。报告落款：“{signed}”。"), (_cite(s),), False)


# "主管部门是哪个", "实施单位是谁": a name asked, which a report's form line ("主管部门:江门市新会区卫生健康局") gives
_NAME_ASKED = re.compile(r"是谁|是哪个|是哪家|是哪一个|是哪些单位|叫什么|名称是什么|是什么单位|是什么部门|\bwho\b|\bwhich\b",
                         re.I)
_FIELD_LINE = re.compile(r"^\s*([\u4e00-\u9fff]{2,10})\s*[:：]\s*([^:：]{2,60}?)\s*[；;。]?$")


def _form_field(question: Question, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft | None:
    """The value of the report's form line whose key the question names whole: "项目的主管部门是哪个" ->
    "主管部门:江门市新会区卫生健康局" -> 江门市新会区卫生健康局. A key named only in part answers nothing."""
    asked = bigrams(question.original)
    best = None
    for s in knowledge.sentences:
        if s.report not in report_ids:
            continue
        for line, shown in zip(s.text.splitlines(), s.quoted.splitlines()):
            m = _FIELD_LINE.match(line)
            if not m or re.search(r"\d", m.group(2)) and not re.search(r"[\u4e00-\u9fff]{4}", m.group(2)):
                continue  # "联系电话:0750…" states a number, not a name
            key = {g for g in bigrams(m.group(1)) if len(g) == 2}
            if key and key <= asked and (best is None or len(m.group(1)) > len(best[0].group(1))):
                best = (m, s, shown)
    if best is None:
        return None
    m, s, shown = best
    own = _FIELD_LINE.match(shown)
    value = (own or m).group(2)
    text = f"{value}。报告原文：“{shown.strip()}”。" if question.language == "zh" else \
        f"{value}. The report states: “{shown.strip()}”."
    return Draft(_fit(text), (Citation(shown.strip(), s.section, s.report),), False)


def _may_be_text(question: Question) -> bool:
    """"What was the self-evaluation result?" reads like a figure question but names no quantity: without a
    figure, a sentence may answer it."""
    return all(a.kind is None for a in question.asks) and (question.language == "en" or not question.asks
                                                          or not re.search(r"多少|几", question.text))


def _outside_english(question: Question, text: str) -> str:
    """Why an English question is outside the report, or "": none of its words is a report term (so only dense
    similarity would link it to a figure), or one of its terms is one the report never uses."""
    if question.unmatched and not question.glossary_hits:
        return f"no report term for {' '.join(question.unmatched)}"
    missing = [terms for terms in question.glossary_hits if not any(t in text for t in terms)]
    return f"the report never mentions {'/'.join(missing[0])}" if missing else ""


def _report_mentions_year(knowledge: Knowledge, report_ids: Sequence[str], year: int) -> bool:
    if any(knowledge.reports[r].year == year for r in report_ids if r in knowledge.reports):
        return True
    return str(year) in knowledge.report_text(report_ids)


def _implied_year(knowledge: Knowledge, report_ids: Sequence[str], year: int) -> bool:
    """The year before the report's: its figures are implied by this year's changes (比上年减少…)."""
    return any(knowledge.reports[r].year == year + 1 for r in report_ids if r in knowledge.reports)


# --------------------------------------------------------------------------- figures as answers

def _figures(question: Question, best: Sequence[FigureMatch], index: FigureIndex | None = None) -> Draft:
    figures = _unique([m.figure for m in best])
    if all(f.kind == "nil" for f in figures):
        return _nil_answer(question, figures)
    lead = "；".join(_display(f, question) for f in figures)
    quoted = [_own_characters(f, index.quoted(f) if index is not None else f.clause) for f in figures]
    quoted = [q for q in quoted if not any(q != other and q in other for other in quoted)]  # one quote holds another
    clauses = "；".join(f"“{c}”" for c in _unique(quoted))
    if question.language == "en":
        text = f"{lead}. The report states: {clauses}"
    else:
        text = f"{lead}。报告原文：{clauses}。"
    return Draft(_fit(text), tuple(_cite_figure(f) for f in figures), False)


def _stated_zero(f: Figure) -> bool:
    """A prose amount the report states as 0 ("…支出决算0万元")."""
    try:
        return not f.table and f.kind == "money" and Decimal(f.value) == 0
    except (ArithmeticError, ValueError, TypeError):
        return False


def _zero_answer(question: Question, f: Figure) -> Draft:
    """Asked whether there was any: the report states the amount as 0, so there was none, in its words."""
    quoted = _own_characters(f, f.clause)
    if question.language == "en":
        text = f"No: the report states “{quoted}” ({_display(f, question)})."
    else:
        text = f"没有，{_display(f, question)}。报告原文：“{quoted}”。"
    return Draft(_fit(text), (_cite_figure(f),), False)


def _nil_answer(question: Question, figures: Sequence[Figure]) -> Draft:
    """An item the report states as nil: there was none, in the report's words."""
    quoted = "；".join(f"“{_own_characters(f, f.clause)}”" for f in figures)
    said = "；".join(dict.fromkeys(nil_said(f, question.language) for f in figures))
    if question.language == "en":
        text = f"{said[0].upper()}{said[1:]}: the report states {quoted}."
    else:
        lead = f"没有，{said}" if all(nil_kind(f) == "none" for f in figures) else said
        text = f"{lead}。报告写明：{quoted}。"
    return Draft(_fit(text), tuple(Citation(_own_characters(f), f.section, f.report) for f in figures), False)


def _display(f: Figure, question: Question) -> str:
    bound = _bound_of(f)  # "92%以上" is a floor the report sets, not what was reached: the answer keeps 以上
    if f.kind == "nil":
        return nil_said(f, question.language)
    if question.language == "en":
        shown = f"{f.text} {f.unit}".strip() if f.unit not in ("%",) else f"{f.text}%"
        return f"{_BOUND_EN[bound]} {shown}" if bound else shown
    prefix = bound if bound in _BOUND_BEFORE else ""
    # "3.9万小时": the unit asked, written after the magnitude the figure took as its unit
    unit = next((a.unit for a in question.asks if unit_follows(f, a.unit)), "") or ""
    return f"{prefix}{f.display}{unit}{bound if not prefix else ''}"


_BOUND = re.compile(r"^(?:及以上|及以下|以上|以下|以内|左右)")
_BOUND_SIGN = re.compile(r"(≥|≤|>|<|＞|＜|不低于|不少于|不高于|不超过|至少|超过)\s*$")
_BOUND_BEFORE = ("≥", "≤", ">", "<", "＞", "＜", "不低于", "不少于", "不高于", "不超过", "至少", "超过")
_BOUND_EN = {"及以上": "at least", "以上": "at least", "及以下": "at most", "以下": "at most", "以内": "at most",
             "左右": "about", "≥": "at least", "≤": "at most", ">": "more than", "<": "less than", "＞": "more than",
             "＜": "less than", "不低于": "at least", "不少于": "at least", "不高于": "at most", "不超过": "at most",
             "至少": "at least", "超过": "more than"}


def _bound_of(f: Figure) -> str:
    """The bound a target states with its figure: 以上/以下/左右 after it, ≥/不低于 before it; or ""."""
    at = f.clause.find(f.display) if f.display else -1
    if at < 0:
        at = f.clause.find(f.text)
        after = f.clause[at + len(f.text):].lstrip(f.unit) if at >= 0 else ""
    else:
        after = f.clause[at + len(f.display):]
    m = _BOUND.match(after) if at >= 0 else None
    if m:
        return m.group(0)
    before = _BOUND_SIGN.search(f.clause[:at]) if at > 0 else None
    return before.group(1) if before else ""


_ALIKE = {"名": "人", "位": "人"}  # people counted by another measure word are the same measure (编制236名, 在职224人)


def _derived(question: Question, lookup: LookupResult, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft:
    if lookup.stated is not None and lookup.stated.score >= FIGURE_CONFIDENCE:
        return _figures(question, [lookup.stated])  # the report's own result beats one computed from its parts
    chosen = _distinct_operands(lookup)
    operands = [m.figure for m in chosen]
    sure = all(m.answers for m in chosen) and len({(f.report, f.start) for f in operands}) == len(operands)
    # rates do not add up ("97.90% + 97.46%" is nothing): a sum of percentages is one of shares of one whole
    rates_summed = question.operation == "sum" and any(f.kind == "percent" and _is_rate(f) for f in operands)
    if len(operands) < 2 or lookup.confidence < FIGURE_CONFIDENCE or len({_ALIKE.get(f.unit, f.unit) for f in operands}) != 1 \
            or not sure or any(f.kind == "nil" for f in operands) or rates_summed:
        related = _related(lookup)
        if related:
            return _not_stated(question, lookup, [m[0] if m and m[0].answers else None for m in lookup.matches],
                               related)
        return abstain(question, knowledge, report_ids, "operands not found", sure=False)
    values = [Decimal(f.value) for f in operands]
    places = max(-min(v.as_tuple().exponent, 0) for v in values)
    if question.operation == "difference" and values[0] < values[1]:
        # "A比B少花了多少", "相差多少": how far apart they are, the larger less the smaller, never a negative amount
        operands, values = operands[::-1], values[::-1]
    if question.operation in (REMAINING, SHORTFALL, SURPLUS) and values[0] < values[1]:
        # less left than nothing, a shortfall past the target: the figures taken are not what was asked
        return _not_stated(question, lookup, [None] * len(lookup.asks), _related(lookup))
    if question.operation in ("difference", REMAINING, SHORTFALL, SURPLUS):
        result = values[0] - values[1]
        expression = f"{operands[0].display} - {operands[1].display} = {result:.{places}f}{operands[0].unit}"
    else:
        result = sum(values, Decimal(0))
        expression = " + ".join(f.display for f in operands) + f" = {result:.{places}f}{operands[0].unit}"
    unit = operands[0].unit
    if unit == "%" and question.operation != "sum":
        unit = "个百分点" if question.language == "zh" else "percentage points"  # two rates apart: points, not a rate
    text = (f"{result:.{places}f}{unit}（按报告数字计算：{expression}）。" if question.language == "zh"
            else f"{result:.{places}f} {unit} (computed from the report: {expression}).")
    return Draft(_fit(text), tuple(_cite_figure(f) for f in operands), False)


def _deducted_item(question: Question) -> Question | None:
    """A deduction asked of an item the conversation named before ("培训人次完成了多少？" then "扣了几分？"): the item's
    full marks less its score, as "培训人次扣了几分" asks it; None when only the whole evaluation is named."""
    subject = [t for t in (question.asks[0].subject if question.asks else ()) if not names_the_whole_score(t)]
    if not subject:
        return None
    named = "".join(subject)
    return replace(question, operation="difference", operands=(named + "满分", named + "得分"))


# a figure named as the full marks, not a score got: "总分：100分", "满分100分", "分值"
_FULL_MARKS_NAME = re.compile(r"(?:满分|分值|总分值|权重)$|^总分$")  # (自评总分 is a score got)
_SCORE_GOT_NAME = re.compile(r"得分|评分|总分")
_OTHER_PERIOD = re.compile(r"上年|去年|上一年|同期")
ASIDE_GAP = 12  # characters between a score and the full marks stated beside it ("92.5分（满分100分）")
LEADING_GAP = 4  # characters between full marks stated first and their score ("分值50分，得分46分")
PARTS_SPAN = 400  # characters after the whole score within which its parts (其中…得分X分（满分Y分）) stand


def _score_name(f: Figure) -> str:
    """What a prose score is named by: its clause before it, or (a key:value line) its key."""
    before = f.clause[:max(0, f.clause.find(f.text))]
    return before if _CJK_NAME.search(before) else f.phrase


def _short_name(f: Figure) -> str:
    """A score's name in short: "本局2023年度部门整体支出绩效自评得分" -> "绩效自评得分"."""
    m = _SHORT_SCORE_NAME.search(_score_name(f))
    return m.group() if m else "得分"


_SHORT_SCORE_NAME = re.compile(r"[\u4e00-\u9fff]{0,4}(?:得分|评分|总分)$")


def _beside(f: Figure, scores: Sequence[Figure]) -> Figure | None:
    """The full marks stated right beside a score ("得分14分（满分15分）", "分值50分，得分46分")."""
    marks = [g for g in scores if g.report == f.report and g is not f and re.search(r"满分|分值", g.clause)]
    after = next((g for g in marks if 0 <= g.start - f.end <= ASIDE_GAP and g.sentence == f.sentence), None)
    return after or next((g for g in marks if 0 <= f.start - g.end <= LEADING_GAP), None)


def _parts_of(whole: Figure, scores: Sequence[Figure]) -> list[tuple[Figure, Figure]]:
    """The parts of a whole score, each with its full marks beside it, that add up to it: those stated right after
    it (其中…得分14分（满分15分）…), else all the report's scores stated with full marks beside them (预算执行率、产出、
    效益、满意度, each "分值…，得分…"); none when they do not add up to the whole."""
    scored = [(f, _beside(f, scores)) for f in scores if f.report == whole.report and f is not whole
              and not (f.extra or {}).get("aside") and not re.search(r"满分|分值|权重", _score_name(f))]
    scored = [(f, m) for f, m in scored if m is not None]
    after = [(f, m) for f, m in scored if 0 < f.start - whole.end <= PARTS_SPAN
             and (f.qualifier == "part" or f.clause.startswith("其中"))]
    for parts in (after, scored):
        if len(parts) >= 2 and sum(f.decimal for f, _ in parts) == whole.decimal:
            return parts
    return []


def _whole_deduction(question: Question, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft:
    """总共扣了多少分: the whole score's full marks less the whole score, both as stated — the full marks beside the
    score, or stated on their own (总分：100分), or (neither) the full marks of the parts the report gives right after
    the score, when those parts add up to it (其中决策得分14分（满分15分）…). Abstains when the report says none."""
    scores = [f for f in knowledge.figure_index(report_ids).figures if f.kind == "score" and not f.table]
    got = [f for f in scores if f.qualifier not in ("part", CHANGE) and not (f.extra or {}).get("aside")
           and not f.clause.startswith("其中") and _SCORE_GOT_NAME.search(_score_name(f))
           and not _FULL_MARKS_NAME.search(_score_name(f)) and not _OTHER_PERIOD.search(f.clause)]
    if len({f.report for f in got}) != 1:
        return abstain(question, knowledge, report_ids, "no one whole score", sure=False)
    top = max(f.decimal for f in got)
    whole = [f for f in got if f.decimal == top]
    if len(whole) != 1:
        return abstain(question, knowledge, report_ids, "no one whole score", sure=False)
    w = whole[0]
    full, parts = _beside(w, scores), []
    if full is None:
        stated = [f for f in scores if f.report == w.report and _FULL_MARKS_NAME.fullmatch(_score_name(f).strip())
                  and f.decimal >= w.decimal]
        full = stated[0] if len({f.decimal for f in stated}) == 1 else None
    if full is None:
        parts = _parts_of(w, scores)
        if not parts:
            return abstain(question, knowledge, report_ids, "the full marks are not stated", sure=False)
    places = max(_places(w.decimal), *(_places(m.decimal) for _, m in parts), _places(full.decimal) if full else 0)
    unit = w.unit or "分"
    total = full.decimal if full is not None else sum(m.decimal for _, m in parts)
    if total < w.decimal:
        return abstain(question, knowledge, report_ids, "the full marks are below the score", sure=False)
    result = f"{total - w.decimal:.{places}f}"
    if question.language == "en":
        text = f"{result} points were deducted ({total}{unit} − {w.text}{unit} = {result}{unit})."
    elif full is not None:
        text = (f"扣了{result}{unit}（满分减{_short_name(w)}：{full.text}{unit} − {w.text}{unit} = "
                f"{result}{unit}）。")
    else:
        sums = " + ".join(f"{m.text}{unit}" for _, m in parts)
        text = (f"扣了{result}{unit}（各部分满分之和：{sums} = {total}{unit}；满分减{_short_name(w)}："
                f"{total}{unit} − {w.text}{unit} = {result}{unit}）。")
    cited = [w] + ([full] if full is not None else [m for _, m in parts])
    citations = {_cite_figure(f).text: _cite_figure(f) for f in cited}  # one quote per sentence
    return Draft(_fit(text), tuple(citations.values()), False)


def _places(value: Decimal) -> int:
    """Decimal places a value is written with."""
    return max(0, -value.as_tuple().exponent)


def _is_rate(f) -> bool:
    """A percentage that is a rate (执行率, 完成预算的X%, 满意度), not a share of a whole (占X%)."""
    if f.relation == "share" or re.search(r"占|比例|比重|构成", f.clause + f.column):
        return False
    return f.relation in ("completion", "execution") or bool(re.search(r"率|度|完成", f.clause + f.column + f.row))


def _distinct_operands(lookup: LookupResult) -> list[FigureMatch]:
    """Each operand's best figure, and no figure for two operands: where two asks lead with the same figure, the one
    that loses least by it takes its next figure that answers ("培训438人，考核合格418人": 培训 -> 438, 考核合格 -> 418;
    "受理案件326件，办结311件": 受理的案件 -> 326, 办结 -> 311)."""
    chosen = list(lookup.best)
    for n in range(len(chosen)):
        for other in range(n + 1, len(chosen)):
            if chosen[n].figure is not chosen[other].figure:
                continue
            options = []
            for k in (n, other):
                used = {id(m.figure) for j, m in enumerate(chosen) if j != k}
                nxt = next((m for m in lookup.matches[k] if m.answers and id(m.figure) not in used), None)
                if nxt is not None:
                    options.append((chosen[k].score - nxt.score, k, nxt))
            if options:
                _, k, nxt = min(options, key=lambda o: (o[0], o[1]))
                chosen[k] = nxt
    return chosen


def _computed_share(question: Question, index: FigureIndex) -> Draft | None:
    """"X占Y的比例" the report does not state: X ÷ Y from the two stated figures, shown."""
    part_q, whole_q = (replace(question, asks=(replace(operand_ask(question, o), kind=None, unit=None),),
                               terms=operand_ask(question, o).subject, operation=None, context="")
                       for o in question.operands)
    part = index.lookup(part_q)
    if not part.answered:
        return None
    a = part.best[0].figure
    # the whole is an amount of the part's kind ("项目支出占总支出的百分之几": 支出 in 万元, not a score)
    whole = index.lookup(replace(whole_q, asks=tuple(replace(x, kind=a.kind) for x in whole_q.asks)))
    if not whole.answered:
        return None
    # the whole is not the part itself ("基本支出中，人员经费271.38万元" names 基本支出 as its topic): the next figure
    # that names the whole and is at least as large
    # (of those, the one whose own name holds the whole asked: 基本支出600.00, not the 支出合计900.00 it is a part of)
    wholes = [m for m in whole.matches[0] if m.answers and m.figure is not a and m.figure.unit == a.unit
              and m.figure.kind == a.kind and _at_least(m.figure, a)]
    if not wholes:
        return None
    # (a part is no whole: "其中：财政拨款 全年执行数" is not the 全年执行数 of the whole project)
    def fit(m: FigureMatch) -> tuple:
        return (m.in_name, not (m.part or re.match(r"\s*其中", m.figure.row if m.figure.table else m.figure.clause)),
                m.named)

    b_match = max(wholes, key=fit)
    if any(m is not b_match and m.figure.value != b_match.figure.value and fit(m) == fit(b_match) for m in wholes):
        return None  # two wholes named alike: the report does not say which one the share is of
    whole = replace(whole, matches=((b_match,),))
    b = b_match.figure
    if a.unit != b.unit or a.kind == "percent" or a.kind == "nil" or b.kind == "nil" or Decimal(b.value) == 0 \
            or a is b:
        return None
    share = Decimal(a.value) / Decimal(b.value) * 100
    if share > 100 or (whole.best[0].part and part.best[0].part and a.sentence == b.sentence):
        return None  # the figure taken for the whole is no whole of the part (another part beside it: 其他资金150.00)
    result = f"{share:.2f}%"
    expression = f"{a.display} ÷ {b.display} = {result}"
    text = (f"{result}（报告未直接给出，按报告数字计算：{expression}）。" if question.language == "zh"
            else f"{result} (not stated as such; computed from the report: {expression}).")
    return Draft(_fit(text), (_cite_figure(a), _cite_figure(b)), False, sure=False)


_PER_ONE_OF = re.compile(r"(?:平均)?每(?:一)?([\u4e00-\u9fff]{1,2})")
_PER_ONE_WORDS = re.compile(r"平均|每(?:一)?[\u4e00-\u9fff]{1,2}(?=[\u4e00-\u9fff]{2})|均")
PER_ONE_NEAR = 160  # characters between the total and the count it is divided by (in its section), when not in one sentence


def _per_one_computed(question: Question, lookup: LookupResult, index: FigureIndex) -> Draft | None:
    """"平均每批次接待花了多少万元" the report does not state: the total asked (公务接待费3.30万元) ÷ the count stated beside
    it in the measure asked per (27批次), shown with both operands and marked computed."""
    if question.language != "zh" or len(lookup.asks) != 1 or not lookup.matches or not lookup.matches[0]:
        return None
    m = _PER_ONE_OF.search(question.text)
    if m is None or "平均" not in question.text:
        return None
    per = m.group(1)
    # the total is named without the per-one words: "平均每批次接待花了多少" -> 接待 (its 公务接待费3.30万元)
    ask = lookup.asks[0]
    subject = tuple(t2 for t in ask.subject for t2 in [_PER_ONE_WORDS.sub("", t.split("|")[0])] if t2)
    if not subject:
        return None
    found_total = index.lookup(replace(question, asks=(replace(ask, subject=subject),), terms=subject, context=""))
    totals = [x for x in (found_total.matches[0] if found_total.matches else ())
              if x.why == "per one" and x.kind_ok and x.figure.kind not in ("percent", "nil")]
    if not totals:
        return None
    a = totals[0].figure
    units = (per, per[:1]) if len(per) == 2 else (per,)

    def counts(f: Figure) -> bool:
        return f.report == a.report and f is not a and f.kind != "percent" and f.unit in units and not f.table \
            and (f.sentence == a.sentence or (f.section == a.section and abs(f.start - a.start) <= PER_ONE_NEAR))

    found = sorted((f for f in index.figures if counts(f)), key=lambda f: (f.sentence != a.sentence, abs(f.start - a.start)))
    if not found or Decimal(found[0].value) == 0:
        return None
    b = found[0]
    rivals = [f for f in found if f.sentence == a.sentence] if b.sentence == a.sentence else found
    if len({f.value for f in rivals}) > 1:
        return None  # two counts in that measure beside it: the report does not say which one it is per
    result = f"{Decimal(a.value) / Decimal(b.value):.2f}{a.unit}"
    expression = f"{a.display} ÷ {b.display} = {result}"
    text = f"约{result}（报告未直接给出，按报告数字计算：{expression}）。"
    return Draft(_fit(text), (_cite_figure(a), _cite_figure(b)), False, sure=False)


def _at_least(whole: Figure, part: Figure) -> bool:
    try:
        return Decimal(whole.value) >= Decimal(part.value)
    except (ArithmeticError, ValueError, TypeError):
        return False


# "年中追加了多少预算", "预算调减了多少": the amount a budget was changed by during the year
# ("调整后的预算", "调整为多少" ask the level the budget came to: 全年预算数 itself)
_ADJUSTING = r"(?:追加|调增|调减|调整|压减|核减)"
_ADJUSTED_ZH = re.compile(_ADJUSTING + r"(?!后|为|至|到|的)")
_ADJUSTED_EN = re.compile(r"\b(?:added|raised|increased|cut|reduced|adjusted) by\b|"
                          r"\bhow much\b.*\b(?:added|supplemented|topped up)\b", re.I)
# "调整为6912.38万元", "追加至…": the level the budget came to, not the amount it changed by
_ADJUSTED_TO = re.compile(_ADJUSTING + r"(?:后|为|至|到)")
_BUDGET_ROW_WORDS = re.compile(r"年中|年内|年度|全年|当年|预算|资金|多少|了|的|期间|共|一共")


def _budget_adjustment(question: Question, lookup: LookupResult, index: FigureIndex, knowledge: Knowledge,
                       report_ids: Sequence[str]) -> Draft | None:
    """The change made to a budget during the year, which a report states as 年初预算数 and 全年预算数 and seldom as
    an amount: 全年预算数 - 年初预算数, computed, operands shown — unless a figure states the change itself
    ("年中追加70.00万元")."""
    pattern = _ADJUSTED_ZH if question.language == "zh" else _ADJUSTED_EN
    hit = pattern.search(question.text)
    if hit is None or len(lookup.asks) != 1 or question.intent != FIGURE:
        return None
    best = lookup.best[0] if lookup.best and lookup.best[0].answers else None
    if best is not None:
        f = best.figure
        before = f.clause[:max(0, f.clause.find(f.text))] + (f.row or "") + (f.column or "")
        if _ADJUSTED_ZH.search(before) and not _ADJUSTED_TO.search(before):
            return None  # the report states the change itself
    subject = "".join(t for t in content_terms(_BUDGET_ROW_WORDS.sub(" ", question.text[:hit.start()]))
                      if not _ADJUSTED_ZH.search(t)) if question.language == "zh" else ""
    derived = replace(question, intent=DERIVED, operation="difference",
                      operands=(subject + "全年预算数", subject + "年初预算数"))
    found = operand_lookup(index, derived, {}, {})
    if any(not m or not m[0].answers for m in found.matches):
        return None
    draft = _derived(derived, found, knowledge, report_ids)
    return None if draft.abstained else draft


def _implied_previous(question: Question, lookup: LookupResult, index: FigureIndex, knowledge: Knowledge,
                      report_ids: Sequence[str]) -> Draft | None:
    """Last year's value the report only implies: "X A万元，比上年减少D万元" -> A + D, computed, operands shown."""
    years = {knowledge.reports[r].year for r in report_ids if r in knowledge.reports}
    if len(years) != 1 or len(lookup.asks) != 1:
        return None
    year = years.pop()
    ask = lookup.asks[0]
    if year is None or ask.change or (year - 1) not in (ask.years or question.years):
        return None
    this_year = replace(question, years=(year,), relative_years=(),
                        asks=(replace(ask, years=(year,)),))
    found = index.lookup(this_year)
    if not found.answered:
        return None
    # this year's figure as stated where its change follows it (a report may state it twice: in a list, then under
    # its own heading with the change)
    best = found.best[0].figure
    # (the same amount stated again names the same subject, even where it is one item of several: "本年收入、本年支出
    # 各是3180.52,3102.94万元，与上年相比各减少215.36,198.40万元")
    stated = [m.figure for m in found.matches[0] if (m.answers or m.why in ("narrower", "ambiguous", "part"))
              and m.figure.value == best.value and m.figure.unit == best.unit and m.figure.report == best.report]
    level, change = next(((f, c) for f in stated for c in [_change_after(index, f)] if c is not None), (best, None))
    if change is None:
        return None
    a, d = Decimal(level.value), Decimal(change.value)
    unit = level.unit
    down = _is_down(change)
    if down is None:
        return None  # the change's direction is not written where it is stated: no value computed
    previous = a + d if down else a - d
    places = max(_places(a), _places(d))
    op = "+" if down else "-"
    # (a share's change in points stays in points: "1.86% + 0.42个百分点")
    shown = change.display if change.unit in (unit, "个百分点") else f"{change.text}{unit}"
    expression = f"{level.display} {op} {shown} = {previous:.{places}f}{unit}"
    said = (f"“{_own_characters(level, level.clause)}，{_own_characters(change, change.clause)}”"
            if change.clause != level.clause else f"“{_own_characters(level, level.clause)}”")
    if not re.search(r"减少|下降|降低|增加|增长|上升|提高", level.clause + change.clause):  # distributed: its sentence
        said = f"“{_own_characters(level)}”"
    if question.language == "en":
        text = (f"{previous:.{places}f} {level.unit} (not stated as such; computed from this year's figure and its "
                f"change: {expression}; the report states {said}).")
    else:
        text = f"{previous:.{places}f}{level.unit}（报告未直接给出上年数，按本年数和增减额推算：{expression}；报告原文：{said}）。"
    return Draft(_fit(text), (_cite_figure(level),) + ((_cite_figure(change),) if change.sentence != level.sentence
                                                       else ()), False, sure=False)


def _asks_with_previous(question: Question, lookup: LookupResult, index: FigureIndex, knowledge: Knowledge,
                        report_ids: Sequence[str]) -> Draft | None:
    """Several asks, the stated ones answered by their figures and the others by last year's value the report only
    implies ("培训费比上年少了多少？上年是多少？": the change stated, then this year's level plus it), in the order
    asked; None unless every ask is answered one way or the other and one of them is implied."""
    if len(lookup.asks) < 2:
        return None
    parts: list[Draft] = []
    for ask, matches in zip(lookup.asks, lookup.matches):
        one = replace(question, asks=(ask,), years=ask.years or question.years)
        if matches and matches[0].answers and matches[0].score >= FIGURE_CONFIDENCE:
            parts.append(_figures(one, _with_rates(one, LookupResult((ask,), (matches,)), index), index))
            continue
        implied = _implied_previous(one, LookupResult((ask,), (matches,)), index, knowledge, report_ids)
        if implied is None:
            return None
        parts.append(implied)
    if all(p.sure for p in parts):
        return None
    cited = [c for p in parts for c in p.citations]
    citations = tuple(c for n, c in enumerate(cited) if all(c.text != d.text for d in cited[:n]))
    return Draft(_fit("".join(p.text for p in parts)), citations, False, sure=False)


_FROM_TO = re.compile(r"由(?:上年的?|去年的?)?\s*$")
_ADJUSTED = re.compile(r"(?:调整|调增|调减|追加|增加|减少|压减)(?:后|为|至|到)\s*$")
_TO = re.compile(r"^\s*(?:缩短|减少|下降|降低|压缩|提高|增加|上升|增长|延长)(?:了)?(?:至|到|为)\s*$")


def _from_to_change(question: Question, lookup: LookupResult, index: FigureIndex) -> Draft | None:
    """"由上年的3.2天缩短至1.5天" asked how much it changed: the difference of the two, computed and shown."""
    if len(lookup.asks) != 1 or not lookup.asks[0].change:
        return None
    for m in lookup.matches[0][:3]:
        f = m.figure
        if m.coverage < 0.55 or f.table:
            continue
        others = sorted((g for g in index.figures if g.report == f.report and g.sentence == f.sentence
                         and g.unit == f.unit and g is not f), key=lambda g: g.start)
        for a, b in ((f, g) for g in others if g.start > f.start):
            between = f.sentence[f.sentence.find(a.clause) + a.clause.find(a.text) + len(a.display):]
            at = between.find(b.display)
            before = f.sentence[:f.sentence.find(a.clause) + a.clause.find(a.text)]
            adjusted = _ADJUSTED.search(b.clause[:b.clause.find(b.text)]) is not None
            if not adjusted and (at < 0 or not _TO.match(between[:at]) or not _FROM_TO.search(before)):
                continue
            if adjusted and any(a.start < g.start < b.start for g in others):
                continue  # "年初预算A，全年预算调整为B": A must be the figure right before B
            x, y = Decimal(a.value), Decimal(b.value)
            places = max(-min(x.as_tuple().exponent, 0), -min(y.as_tuple().exponent, 0))
            result = abs(x - y)
            hi, lo = (a, b) if x >= y else (b, a)
            expression = f"{hi.display} - {lo.display} = {result:.{places}f}{a.unit}"
            if question.language == "en":
                text = f"{result:.{places}f} {a.unit} (computed from the report: {expression}; it states “{a.clause}”)."
            else:
                text = f"{result:.{places}f}{a.unit}（按报告数字计算：{expression}；报告原文：“{a.clause}”）。"
            return Draft(_fit(text), (_cite_figure(a),), False, sure=False)
    return None


_DOWN_WORD = re.compile(r"减少|下降|降低|压减|缩减|减|少")
_UP_WORD = re.compile(r"增加|增长|上升|提高|增|多")


def _is_down(change: Figure) -> bool | None:
    """Whether a change figure is a fall (True) or a rise (False), from the words just before it in its sentence
    ("与上年相比各减少215.36,198.40万元": both falls); None when no such word is there."""
    at = change.sentence.find(change.clause)
    if at < 0:
        return None
    where = change.clause.find(change.text)
    before = change.sentence[max(0, at - 24):at + max(0, where)]
    # (a comma between the figures of one distributed statement, "各减少286.40，311.26万元", cuts no clause)
    before = re.split(r"[；;。：:]|[，,](?![\d.,，\s]*$)", before)[-1] if change.clause.find(change.text) <= 0 else before
    downs = [m.end() for m in _DOWN_WORD.finditer(before)]
    ups = [m.end() for m in _UP_WORD.finditer(before)]
    if not downs and not ups:
        return None
    return max(downs, default=-1) > max(ups, default=-1)


def _in_brackets(f: Figure) -> bool:
    """Whether a figure stands inside brackets in its sentence ("（预算12.00万元）")."""
    at = f.sentence.find(f.clause)
    if at < 0:
        return False
    before = f.sentence[:at + max(0, f.clause.find(f.text))]
    return before.count("（") + before.count("(") > before.count("）") + before.count(")")


def _change_after(index: FigureIndex, level: Figure) -> Figure | None:
    """The change stated right after a level figure, of the same unit: "收入A万元，比上年减少D万元" (or, for an item of a
    distributed statement, the item's own change: "收入、支出各是A,B万元，各减少C,D万元")."""
    distributed = index.distributed_change(level)
    if distributed is not None:
        return distributed
    after = sorted((f for f in index.figures if f.report == level.report and f.sentence == level.sentence
                    and f.start > level.start), key=lambda f: f.start)
    for f in after:
        if _in_brackets(f):
            continue  # "完成预算的72.00%（预算12.00万元），比上年减少1.38万元": an aside, not the next amount
        same = f.unit == level.unit or (level.unit == "%" and f.unit == "个百分点")  # a share's change in points
        if f.qualifier == CHANGE and same:
            return f
        if f.qualifier != CHANGE and same:
            return None  # another amount comes first: the change is not this one's
    return _change_in_next_sentence(index, level)


# the comparison a change is stated by, after the name of what changed: "执行数比上年增加…" -> 执行数
_COMPARED_BY = re.compile(r"(?:比|较|与|同比)(?:上年|去年|上一年|上年度|同期)")


def _sentence_start(f: Figure) -> int:
    """Where a figure's sentence starts in the cleaned report (from the figure's own span)."""
    at = f.sentence.find(f.clause)
    return f.start - (max(0, at) + max(0, f.clause.find(f.text)))


def _change_in_next_sentence(index: FigureIndex, level: Figure) -> Figure | None:
    """A level's change stated as a sentence of its own right after it, naming the same thing again: "全年执行数A万元，
    预算执行率r%；执行数比上年增加D万元" (a change naming nothing, or something else, is not this one's)."""
    if level.table:
        return None
    end = _sentence_start(level) + len(level.sentence)
    following = sorted((f for f in index.figures if f.report == level.report and not f.table
                        and f.sentence != level.sentence and f.start > level.start), key=lambda f: f.start)
    if not following or abs(_sentence_start(following[0]) - end) > 2:
        return None
    first = next((f for f in following if f.sentence == following[0].sentence and f.unit == level.unit), None)
    if first is None or first.qualifier != CHANGE:
        return None
    compared = _COMPARED_BY.search(first.clause[:max(0, first.clause.find(first.text))])
    named = first.clause[:compared.start()].strip(" ，,") if compared else ""
    own = level.clause[:max(0, level.clause.find(level.text))]
    return first if len(named) >= 2 and named in own else None


# --------------------------------------------------------------------------- text answers

_HEADING_LINE = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十]+部分)"
                           r"[^，,；;。]{0,30}[。.]?\s*$")
_WHO = re.compile(r"是谁|叫什么|什么名字|姓名|姓什么|\bwho\b|\bwhat is the name\b", re.I)
_NAMES_A_PERSON = re.compile(r"同志|担任|姓名|任命|当选")


def names_a_person(text: str) -> bool:
    """The text names someone (…同志, 担任, 任命): what answers a question for a person (shared with app.llm_answer)."""
    return bool(_NAMES_A_PERSON.search(text))


MAX_SHORT_SECTION_CHARS = 60  # a section this short is quoted whole when it has no items


# "哪一项没完成", "哪几项指标没达到": which targets the report says were not met
_WHICH_NOT_MET = re.compile(r"哪(?:一|几)?(?:项|个|些|条)[^，。？?]{0,8}(?:没有?|未)(?:能)?(?:完成|达到|达标|实现)|"
                            r"(?:没有?|未)(?:完成|达到|达标)的?(?:指标|目标|任务)?(?:是|有)(?:哪|什么)|"
                            r"\bwhich\b.*\b(?:not|n't|fail\w*)\b.*\b(?:met|achieved|reached|completed)\b", re.I)
# a clause saying a target was not met ("未完成目标", "未达到年度指标值", "完成时间滞后"); not "未达到支付条件"
_TARGET_NOT_MET = re.compile(r"未(?:能)?(?:完成|达到|实现)(?:年度|预期)?(?:目标|指标|计划|任务)值?|未达标|未完成(?=[，。；,;]|$)|"
                             r"没有?(?:完成|达到)(?:年度|预期)?(?:目标|指标|计划|任务)值?|(?:完成)?时间滞后|延期完成")


def _not_met_in_prose(question: Question, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft | None:
    """The targets the report's prose says were not met, each as its own clause states it with its figures, and the
    sentence cited ("护理型床位占比目标≥55%，实际为51.3%，未完成目标")."""
    wanted = set(report_ids)
    found: list[tuple[str, Sentence]] = []
    for s in knowledge.sentences:
        if s.report not in wanted:
            continue
        for segment in re.split(r"[；;\n]", s.text):
            m = _TARGET_NOT_MET.search(segment)
            # (not "无未完成…", nor a cause given for something else: "因护理型床位占比未达标扣4分")
            if m is None or re.search(r"无|没有(?=未)", segment[:m.start()][-2:]) \
                    or re.search(r"(?<![原起])因[^，,。：:]{0,24}$", segment[:m.start()]):
                continue
            said = segment[:m.end()].strip(" ，,")
            # a form's field name and an item's number are no part of what was not met ("偏差原因：1.…")
            said = re.sub(r"^[\u4e00-\u9fff]{2,8}[：:](?=\s*\S)", "", said).strip()
            said = re.sub(r"^(?:\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)])\s*", "", said)
            if said and said not in [f for f, _ in found]:
                found.append((said, s))
    if not found:
        return None
    english = question.language == "en"
    listed = "；".join(f"“{said}”" for said, _ in found[:MAX_NOT_MET])
    text = (f"The report states these targets as not met: {listed}." if english
            else f"报告写明未完成的有：{listed}。")
    sources = list(dict.fromkeys(s for _, s in found[:MAX_NOT_MET]))
    return Draft(_fit(text), tuple(_cite(s) for s in sources), False, sure=False)


MAX_NOT_MET = 6  # not-met statements listed at most


def _list_answer(question: Question, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft | None:
    """'有哪些' questions: the items (一是…二是… or sub-headings) of the best-matching section."""
    best_section, best_cov = None, 0.0
    sections: dict[tuple[str, str], list] = {}
    for c in knowledge.chunks:
        if c.report in report_ids:
            sections.setdefault((c.report, c.section), []).append(c)
            # a section is also made of the sections under it ("五、存在的问题 > 一是…", "… > 二是…")
            parts = c.section.split(" > ") if c.section else []
            for depth in range(1, len(parts)):
                sections.setdefault((c.report, " > ".join(parts[:depth])), []).append(c)
    for (report, section), chunks in sections.items():
        leaf = section.split(" > ")[-1] if section else ""
        cov = knowledge.coverage(question.match_text or question.text, bigrams(leaf), report)
        if cov > best_cov:
            best_section, best_cov = (report, section), cov
    if best_section is None or best_cov < 0.45:
        return None
    report, section = best_section
    ordered = sorted(sections[best_section], key=lambda c: c.start)
    # the headings of the sections under it are part of what it says ("> 一是部分项目前期工作不够扎实…")
    headed = {min((c for c in ordered if c.section == sec), key=lambda c: c.start).id: sec.split(" > ")[-1]
              for sec in {c.section for c in ordered if c.section != section}}
    text = "".join(("" if c.text.startswith(headed.get(c.id, "")) else headed.get(c.id, "")) + c.text for c in ordered)
    original = "".join(("" if c.text.startswith(headed.get(c.id, "")) else headed.get(c.id, "")) + (c.original or c.text)
                       for c in ordered)
    original = original if len(original) == len(text) else text  # the report's own characters, at the same places
    items = re.findall(r"([一二三四五六七八九十]+是)([^，。；：]+)", text)
    children = sorted({c.section.split(" > ")[-1] for (r, s), cs in sections.items() for c in cs
                       if r == report and s.startswith(section + " > ") and s.count(" > ") == section.count(" > ") + 1},
                      key=lambda s: min(c.start for (r, sec), cs in sections.items() for c in cs if sec.endswith(s)))
    chunk = min(sections[best_section], key=lambda c: c.start)
    # each item in its own words, to its ； — up to the first clause that states a figure (the item's details)
    whole = [(a, _words_of_item(b)) for a, b in re.findall(r"([一二三四五六七八九十]+是)([^；。]+)", text)]
    if len(items) >= 2 and len(whole) == len(items) and len("；".join(a + b for a, b in whole)) <= MAX_ANSWER_CHARS - 2:
        items = whole
    if len(items) >= 2:
        listed = "；".join(f"{a}{b}" for a, b in items)
    elif len(children) >= 2:
        listed = "；".join(children)
    else:
        body = _section_body(text, section)
        if not body or len(body) > MAX_SHORT_SECTION_CHARS:
            return None
        at = text.find(body)
        body = original[at:at + len(body)]
        # "三、存在的主要问题 无。": the section's whole answer is what it says, even "无"
        leaf = section.split(" > ")[-1]
        reply = f"报告“{leaf}”一节写明：{body}" if question.language == "zh" else \
            f"Under “{leaf}” the report states: {body}"
        return Draft(reply, (Citation(body, section, report),), False)
    return Draft(_fit(f"{listed}。"), (Citation(chunk.original or chunk.text, section, report),), False)


def _words_of_item(item: str) -> str:
    """A list item's words: its clauses up to the first that states a figure ("教育文信和社保监管工作，拟投入的资金为
    350.66万元…" -> "教育文信和社保监管工作")."""
    clauses = re.split(r"(?<=[，,])", item)
    kept = []
    for c in clauses:
        if re.search(r"\d", c) and kept:
            break
        kept.append(c)
    return "".join(kept).rstrip("，,：:")


def _section_body(text: str, section: str) -> str:
    """A section's text without its own heading line."""
    leaf = section.split(" > ")[-1] if section else ""
    body = text.strip()
    if leaf and body.startswith(leaf):
        body = body[len(leaf):]
    return body.strip()


def _reason_clause(sentence: str) -> str | None:
    m = _REASON.search(sentence)
    return f"主要原因是{m.group(1)}。" if m else None


# a form's field "偏差原因：…" (原因分析：…) states a reason as plainly as "主要原因是…" does
_REASON = re.compile(r"(?:主要原因是|主要是|原因是|原因(?:分析)?[：:]|由于|因为)([^；。]+)")
_GIVES_A_REASON = re.compile(r"原因|由于|因为|导致|致使|受.{1,12}影响|未能|延误|滞后|不足")


def _focused(sentence: str, question: Question) -> str:
    """A long sentence is trimmed to the clauses that carry the question's words."""
    if len(sentence) <= 120:
        return sentence
    query = {g for t in question.terms for g in bigrams(t)}
    clauses = re.split(r"(?<=[，；])", sentence)
    keep = [c for c in clauses if bigrams(c) & query] or clauses[:2]
    return "".join(keep).rstrip("，；") + "。"


def _fit(text: str) -> str:
    return text if len(text) <= MAX_ANSWER_CHARS else text[: MAX_ANSWER_CHARS - 1] + "…"


def _cite(s: Sentence) -> Citation:
    return Citation(s.quoted, s.section, s.report)


def _cite_figure(f: Figure) -> Citation:
    table = None
    if f.table:
        extra = f.extra or {}
        table = {"header": list(extra.get("header", [])), "row": list(extra.get("cells", [])), "column": f.column}
    return Citation(_own_characters(f), f.section, f.report, (f.text,) if f.kind != "nil" else (), table)


def _own_characters(f: Figure, piece: str | None = None) -> str:
    """A figure's sentence (or a piece of it: its clause) as the report writes it: a report converted from traditional
    characters is quoted in its own (Figure.extra["original"], character for character the sentence)."""
    original = (f.extra or {}).get("original") or ""
    if piece is None:
        return original if len(original) == len(f.sentence) else f.sentence
    at = f.sentence.find(piece) if len(original) == len(f.sentence) else -1
    return original[at:at + len(piece)] if at >= 0 else piece


def _unique(items):
    seen, out = set(), []
    for x in items:
        key = x if isinstance(x, str) else (x.report, x.start)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out
