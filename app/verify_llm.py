"""Pure: tie every figure of an LLM answer to what the question asks, on top of `app.verify.verify_numbers`.

A model shown several passages may copy a real figure of the report from a passage about something else; such a
figure stands in a cited sentence, so `verify_numbers` alone would pass it. Tied are: a figure the lookup chose;
beside those, when the answer states them all, another figure of the same sentence; a number the question names;
a result computed from tied figures; and, for a question no figure was chosen for, a figure of the evidence
sentences or of a clause that shares the question's words.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from app.answer import Citation, NumberCheck
from app.verify import _same_value, verify_numbers
from ingest.numbers import ROLE_FIGURE, ROLE_ORDINAL, NumberToken, find_numbers

_CLAUSE_END = re.compile(r"[，,；;。：:！？!?\n]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
OFF_QUESTION = "not what the question asks: stated in a clause about something else"
_PENDING_TAIL = 3  # characters after a number within which it may still be growing
_CONTINUED = re.compile(r"[,，.]?")  # what joins a number to the rest of it being written (a thousands group)


@dataclass(frozen=True)
class Focus:
    """What a question asks for, as the evidence step found it."""

    evidence: tuple[Citation, ...] = ()  # the extractive answer's citations; highlights name the chosen figures
    terms: tuple[str, ...] = ()  # the question's content words (the report's terms for an English question)
    question: str = ""
    figure_question: bool = False  # the answer must state every chosen figure
    computed: tuple[str, ...] = ()  # computations the evidence step verified ("2655.58万元 + 38.58万元 = 2694.16万元")
    # for a figure tied by the question's words only: the measures asked (money, percent, people ...) and the years
    kinds: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    tie_all: bool = False  # every number but an ordinal must be tied: years, dates, bare numbers ("500张", "哪年买的")
    measure: str = ""  # the measure word the question asks in ("几天" -> 天, "多少张床" -> 张)
    report_years: tuple[tuple[str, int], ...] = ()  # (report id, year): the year of a figure whose text names none
    # (sentence, number as written): figures the lookup found to be of another year, kind, qualifier, or a part or
    # a narrower item than asked; a model's word-level tie never overrules that
    vetoed: tuple[tuple[str, str], ...] = ()
    # the things a sum or a difference combines ("基本支出和项目支出一共多少" -> 基本支出, 项目支出): a figure named by
    # one of them is tied, though its clause holds few of the whole question's words
    operands: tuple[str, ...] = ()
    asks: tuple[tuple[str, ...], ...] = ()  # each ask's words naming what it asks (alternatives "a|b")
    # words of the terms or asks that must each stand in a figure's context where they are asked: a verb the report
    # writes (托 of "托着多少残疾人", the report's 在托); without it the other words name a wider thing
    required: tuple[str, ...] = ()
    # figures of a distributed statement ("收入、支出总计各增加286.40,268.52万元"): (sentence, number as written,
    # the subjects as enumerated, the figure's own subject); its context names its own subject only
    distributed: tuple[tuple[str, str, str, str], ...] = ()


def chosen_figures(focus: Focus) -> list[tuple[str, NumberToken]]:
    """The figures the lookup chose, each with the sentence that states it."""
    return [(c.text, t) for c in focus.evidence for t in find_numbers(c.text) if t.text in c.highlights]


def missing_figures(answer: str, focus: Focus) -> list[str]:
    """The chosen figures (as the report writes them) that a figure question's `answer` does not state."""
    if not focus.figure_question:
        return []
    stated = find_numbers(answer)
    return [t.text + t.unit for _, t in chosen_figures(focus) if not any(_same_value(a, t) for a in stated)]


def verify_llm_answer(answer: str, citations: Iterable[Citation], focus: Focus) -> list[NumberCheck]:
    """`verify_numbers`, and every verified figure must also be one the question asks for."""
    citations = list(citations)
    checks = verify_numbers(answer, citations, focus.question)
    tokens = find_numbers(answer)
    if len(tokens) != len(checks):  # both walk the same tokens; a mismatch would be a bug in find_numbers
        return [replace(c, verified=False, reason="could not be tied to the question") for c in checks]
    checks = [c if c.verified else _known_result(t, c, focus.computed) for t, c in zip(tokens, checks)]
    chosen = chosen_figures(focus)
    # with figures chosen, another figure is context only beside them; word overlap is too weak a tie where
    # nearly every clause says 残疾人
    question_grams = set() if chosen else _grams(focus.terms)
    states_all_chosen = bool(chosen) and not missing_figures(answer, replace(focus, figure_question=True))
    evidence = {c.text for c in focus.evidence}
    out = []
    for t, c in zip(tokens, checks):
        tied_role = t.role == ROLE_FIGURE or (focus.tie_all and t.role != ROLE_ORDINAL)
        if (not c.verified or not tied_role or c.source.startswith("computed:")
                or _named_by_question(t, focus.question)
                or any(_same_value(t, s) for _, s in chosen)
                or _tied(t, citations, evidence if (states_all_chosen or not chosen) else set(), question_grams,
                         _question_chars(focus.terms) if not chosen else set(), focus, by_words=not chosen)):
            out.append(c)
        else:
            out.append(replace(c, verified=False, figure="", source="", reason=OFF_QUESTION))
    return out


def _known_result(t: NumberToken, check: NumberCheck, computed: Sequence[str]) -> NumberCheck:
    """A result the evidence step computed and verified may be given without its computation."""
    for expression in computed:
        results = find_numbers(expression.split("=")[-1])
        if results and t.role == ROLE_FIGURE and _same_value(t, results[-1]):
            return NumberCheck(check.text, True, "", f"computed: {expression}")
    return check


def _tied(t: NumberToken, citations: Sequence[Citation], evidence: set[str], question_grams: set[str],
          question_chars: set[str], focus: Focus, by_words: bool = True) -> bool:
    """Some occurrence of t's value stands in an evidence sentence, or in a context that names what was asked: its
    clause (with the row label and column header of a table row) holds most of the question's words, states the
    measure asked (a sum of money, a share ...) and no other year."""
    asked = focus.question or "".join(focus.terms)
    for c in citations:
        for s in find_numbers(c.text):
            if not _same_value(t, s):
                continue
            if c.text in evidence:
                return True
            if (_vetoed(c.text, s, focus.vetoed) or _other_measure(s, focus.measure)
                    or _other_side(c, s, asked) or _off_key(c, s, asked, focus.measure)):
                continue
            own = _distributed_item(c.text, s, focus.distributed)
            context = _context(c, s, asked)
            if own is not None and own[0] in context:
                context = context.replace(*own)  # its own subject in place of the enumeration
            named = (by_words and _names_asked(context, c.text, s, question_grams, question_chars, focus.terms,
                                               focus.measure) and _stand(context, focus.required, focus.terms))
            if not named and by_words:  # one ask's words, or one operand of a sum
                named = any(_names_asked(context, c.text, s, _grams(words), _question_chars(words), words,
                                         focus.measure) and _stand(context, focus.required, words)
                            for words in (*focus.asks, *((o,) for o in focus.operands)))
            if (named
                    # (a value of "各是x,y万元" before the shared unit is measured in it: the statement's kind)
                    and (s.role != ROLE_FIGURE or _measures(s, focus.kinds) or (own is not None and not s.unit))
                    and _in_years(context, c.text, dict(focus.report_years).get(c.report), focus.years)):
                return True
    return False


MIN_COVERAGE = 0.7  # share of the question's characters a figure's context must hold ("年底结转" in "年末结转": 3 of 4)


def _named_by_question(t: NumberToken, question: str) -> bool:
    """The question itself states this number ("60岁以下…" -> 60岁), as a number of its own: the 0 of "2022年" is none."""
    return any(q.role == t.role and _same_value(t, q) for q in find_numbers(question))


_LATIN = re.compile(r"[A-Za-z]{2,}")


def _names_asked(context: str, sentence: str, s: NumberToken | None, question_grams: set[str],
                 question_chars: set[str], terms: Sequence[str], measure: str) -> bool:
    """The figure's context names what was asked: every character of the question's words, or most of them in
    word pairs of the question (a word of the report for one of the question's, 年末 for 年底, one character apart),
    never a word pair it shares by chance ("实验室改造" is not "智慧教室改造": the thing named is missing; "在编人员"
    is not "失业的残疾人员")."""
    latin = {w.lower() for t in terms for w in _LATIN.findall(t.split("|")[0])}
    if latin and not latin <= {w.lower() for w in _LATIN.findall(context)}:
        return False  # "ICU床位" is not "编制床位": a latin name asked must stand in the context
    if latin and not question_chars and not any(_CJK_RUN.search(t) for t in terms):
        return True  # "CT" asked, "购置CT设备2台"
    if _holds_chars(context, question_chars):
        return True
    total = sum(len(_best_alternative(t, context)) for t in terms)
    if total >= 4:
        return _covered(terms, context) / total >= MIN_COVERAGE
    # a word or two: a shared word pair, or the measure word asked and the thing counted ("有几辆车" -> 3辆 … 车)
    return (_shares_words(context, question_grams)
            or (s is not None and _in_measure(sentence, s, measure) and _shares_words(context, question_grams, 1)))


def _distributed_item(sentence: str, s: NumberToken,
                      distributed: Sequence[tuple[str, str, str, str]]) -> tuple[str, str] | None:
    """For a figure of a distributed statement: (the enumerated subjects, its own subject) — in "财政拨款收入、支出总计
    各增加170.64,164.08万元" 170.64 is of 财政拨款收入 alone, 164.08 of 支出总计; else None."""
    for stated, number, enumerated, own in distributed:
        if s.text == number and (stated in sentence or sentence in stated):
            return enumerated, own
    return None


def _stand(context: str, required: Sequence[str], words: Sequence[str]) -> bool:
    """Every required word among `words` stands in the context (one of its alternatives "a|b")."""
    return all(any(a in context for a in r.split("|")) for r in required if r in words)


def _best_alternative(term: str, context: str) -> str:
    """Of a term's alternatives ("病人平均住|患者平均住"), the Chinese characters of the one the context covers most."""
    options = ["".join(_CJK_RUN.findall(a)) for a in term.split("|")]
    return max(options, key=lambda o: _covered_chars(o, context) - len(o) / 100, default="")


def _covered(terms: Sequence[str], context: str) -> int:
    return sum(_covered_chars(_best_alternative(t, context), context) for t in terms)


def _covered_chars(word: str, context: str) -> int:
    """How many characters of word the context holds as the word has them: in one of its word pairs (a single
    character: anywhere), or all of them when the context has the word with one character replaced (年底 / 年末)."""
    if len(word) <= 1:
        return len(word) if word and word in context else 0
    if len(word) >= 4 and _one_apart(word, context):
        return len(word)
    pairs = _grams([context])
    return sum(1 for i in range(len(word)) if (i and word[i - 1:i + 1] in pairs) or word[i:i + 2] in pairs)


def _one_apart(word: str, context: str) -> bool:
    """The context holds word with at most one character replaced."""
    n = len(word)
    return any(sum(a != b for a, b in zip(word, context[i:i + n])) <= 1 for i in range(len(context) - n + 1))


_MONEY_MEASURES = frozenset("钱元块")


def _other_measure(s: NumberToken, measure: str) -> bool:
    """The question asks in a measure word (几天, 多少张) and the figure is a sum of money or a share: never its answer
    ("平均住院日7.8天，床位使用率为86.4%" for "住几天")."""
    if not measure or s.role != ROLE_FIGURE:
        return False
    return (s.kind == "percent" and measure not in "%率成") or (s.kind == "money" and measure not in _MONEY_MEASURES)


_LABEL = re.compile(r"^([^：:\d。；;]{2,60})[：:]")


def _named_column(header: str, question: str) -> bool:
    """The question names this column (or key): every character of its header's last part stands in the question."""
    last = "".join(_CJK_RUN.findall(header.split(">")[-1].split("：")[-1]))
    return len(last) >= 2 and set(last) <= set(question)


_QUOTES = re.compile(r"[“”\"‘’「」『』]")  # the report writes “三公”经费, a question 三公经费


def _context(c: Citation, s: NumberToken, question: str = "") -> str:
    """What names the figure s of citation c, without quotation marks (see _named_context)."""
    return _QUOTES.sub("", _named_context(c, s, question))


def _named_context(c: Citation, s: NumberToken, question: str = "") -> str:
    """What names the figure s of citation c: its clause; in a table row, also the row's labels and the header of
    its column ("产出指标 成本指标 住院次均费用增幅 ≤5% 5.8% 3 2" -> 2 is 得分 of 住院次均费用增幅); in a line "label：
    key value，key value", also the label."""
    clause = _clause(c.text, s)
    table = c.table or {}
    row, header = list(table.get("row") or ()), list(table.get("header") or ())
    if row:
        labels = [cell for cell in row if not re.search(r"\d", cell)]
        column = _column_of(c.text, s, row)
        head = header[column] if column is not None and column < len(header) else ""
        # a column the question names ("…得了几分" names 得分, not 分值): the figure must stand in it
        named = [h for h in header if _named_column(h, question)]
        if named and head not in named:
            return ""
        return " ".join([*labels, head, clause])
    label = _LABEL.match(c.text)
    return f"{label.group(1)} {clause}" if label and label.end() <= s.start else clause


# the key of a target, and of what was reached, in an indicator line or table ("年度指标值≤5个工作日，实际完成值3个工作日")
_TARGET_KEY = re.compile(r"目标|指标值|计划|预期")
_ACTUAL_KEY = re.compile(r"实际|完成值|实现")
_ASKS_ACTUAL = re.compile(r"实际|完成了|做到|达到了")
_ASKS_TARGET = re.compile(r"目标|要求|计划|指标值|预期")


def _key(c: Citation, s: NumberToken) -> str:
    """What a figure is the value of: its column's header in a table row, else the words right before it in its
    clause ("实际完成值3个工作日" -> 实际完成值, "分值5" -> 分值)."""
    table = c.table or {}
    row, header = list(table.get("row") or ()), list(table.get("header") or ())
    if row:
        column = _column_of(c.text, s, row)
        return header[column] if column is not None and column < len(header) else ""
    start = max((m.end() for m in _CLAUSE_END.finditer(c.text, 0, s.start)), default=0)
    return c.text[start:s.start]


_NOT_A_UNIT = frozenset("钱")
_SCORE_KEY = re.compile(r"分值|得分|评分|扣分")  # 多少钱 asks money, in whatever unit


def _off_key(c: Citation, s: NumberToken, question: str, measure: str) -> bool:
    """In an indicator line, the figure is the value of another key than the one the question names ("得了几分":
    得分 2, not 分值 3), or a bare number whose key is not in the measure asked ("几个工作日": not 分值5)."""
    key = _key(c, s)
    if _SCORE_KEY.search(key) and "分" not in question:
        return True  # "企业满意度 ≥90% 91.5% 7 7": the row's 分值 and 得分 answer only a question for a score
    if c.table is None and _LABEL.match(c.text):  # an indicator line "label：key value，key value"
        keys = {_key(c, o) for o in find_numbers(c.text)}
        named = [k for k in keys if _named_column(k, question)]
        if named and key not in named:
            return True
    return bool(measure and measure not in _NOT_A_UNIT and not s.unit and s.role == ROLE_FIGURE
                and not c.text.startswith(measure, s.end) and measure not in key)


def _other_side(c: Citation, s: NumberToken, question: str) -> bool:
    """The figure is a target where the question asks what was reached, or the reverse: its key (the words right
    before it in its clause, or its column) says which."""
    key = _key(c, s)
    target, actual = bool(_TARGET_KEY.search(key)), bool(_ACTUAL_KEY.search(key))
    if _ASKS_ACTUAL.search(question) and not _ASKS_TARGET.search(question):
        return target and not actual
    if _ASKS_TARGET.search(question) and not _ASKS_ACTUAL.search(question):
        return actual and not target
    return False


def _column_of(text: str, s: NumberToken, row: Sequence[str]) -> int | None:
    """The index of the row's cell in which s stands (the row printed as its cells joined by spaces)."""
    position = 0
    for i, cell in enumerate(row):
        found = text.find(cell, position) if cell else -1
        if found < 0:
            return None
        if found <= s.start < found + len(cell):
            return i
        position = found + len(cell)
    return None


# a sum of money or a share answers only a question asking one; a count, a number of people or times is neither
_EXCLUSIVE_KINDS = ("money", "percent")


def _measures(s: NumberToken, kinds: Sequence[str]) -> bool:
    """The figure states a measure the question asks for (any, when it names none)."""
    if not kinds:
        return True
    return any(s.kind == k if k in _EXCLUSIVE_KINDS else s.kind not in _EXCLUSIVE_KINDS for k in kinds)


_YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*年)")


def _in_years(clause: str, sentence: str, report_year: int | None, years: Sequence[int]) -> bool:
    """The figure is of a year the question asks about: the year its clause names, else its sentence's, else its
    report's ("2022年度…收入3116.60万元" does not answer 2023; "预算执行率98.51%" in a 2022 report not 2021)."""
    if not years:
        return True
    named = ({int(y) for y in _YEAR_IN_TEXT.findall(clause)} or {int(y) for y in _YEAR_IN_TEXT.findall(sentence)}
             or ({report_year} if report_year else set()))
    return not named or bool(named & set(years))


def _vetoed(sentence: str, s: NumberToken, vetoed: Sequence[tuple[str, str]]) -> bool:
    """The lookup found this figure (its number in its sentence) not to be what was asked, for a reason words
    cannot overrule."""
    return any(s.text == number and (stated in sentence or sentence in stated) for stated, number in vetoed)


def _question_chars(terms: Iterable[str]) -> set[str]:
    """The Chinese characters of the question's words, when there are enough of them to say something (3+)."""
    chars = {ch for term in terms for run in _CJK_RUN.findall(term) for ch in run}
    return chars if len(chars) >= 3 else set()


def _holds_chars(clause: str, question_chars: set[str]) -> bool:
    """Every character of the question's words stands in the clause ("医院有多少张床" -> "医院编制床位500张")."""
    return bool(question_chars) and question_chars <= set(clause)


def _clause(sentence: str, t: NumberToken) -> str:
    """The clause stating t, with the clause before it (which often names the subject: "推动康园工疗站…，全年服务学员423人")."""
    ends = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, t.start)]
    start = ends[-2] if len(ends) >= 2 else 0
    end = _CLAUSE_END.search(sentence, t.end)
    return sentence[start:end.start() if end else len(sentence)]


def _grams(terms: Iterable[str]) -> set[str]:
    """The word pairs of the terms; a term of one character is itself ("多少张床" -> 床: a thing counted)."""
    runs = [run for term in terms for run in _CJK_RUN.findall(term)]
    return {run[i:i + 2] for run in runs for i in range(len(run) - 1)} | {run for run in runs if len(run) == 1}


def _shares_words(clause: str, question_grams: set[str], needed: int = 0) -> bool:
    """The clause holds at least half of the question's word pairs (at least 2, at most 4 needed; or `needed`)."""
    if not question_grams:
        return False
    needed = needed or min(len(question_grams), 4, max(2, -(-len(question_grams) // 2)))
    pairs = _grams([clause])
    return sum(1 for g in question_grams if (g in pairs if len(g) == 2 else g in clause)) >= needed


def _in_measure(sentence: str, s: NumberToken, measure: str) -> bool:
    """The figure is written in the measure word the question asks in ("平均住院日7.8天" for "住几天")."""
    if not measure:
        return False
    return s.unit.startswith(measure) or (not s.unit and sentence.startswith(measure, s.end))


def shown_prefix(partial: str, citations: Iterable[Citation], focus: Focus) -> str:
    """How much of a reply still being written may be shown: up to its first number not verified and tied.

    A number at the very end may still grow ("14" -> "143", "万" -> "万元"), so it waits for the next piece.
    """
    return partial[:first_unsettled(partial, citations, focus)[0]]


def first_unsettled(partial: str, citations: Iterable[Citation], focus: Focus) -> tuple[int, NumberCheck | None]:
    """Where a reply still being written stops being safe to show, and why: the start of its first complete number
    that is not verified and tied (with that number's check), else the start of a number at its very end that may
    still grow (None), else its length (None)."""
    tokens = find_numbers(partial)
    cut = len(partial)
    if tokens and len(partial.rstrip()) - tokens[-1].end < _PENDING_TAIL:
        cut = tokens[-1].start
        # and the numbers it may be the rest of: "3,8" may be growing into 3,862.45
        for before in reversed(tokens[:-1]):
            if not _CONTINUED.fullmatch(partial[before.end:cut]):
                break
            cut = before.start
    checks = verify_llm_answer(partial[:cut], citations, focus)
    bad = next(((t.start, c) for t, c in zip(find_numbers(partial[:cut]), checks) if not c.verified), None)
    return bad if bad is not None else (cut, None)
