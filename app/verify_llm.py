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
                or t.text in focus.question
                or any(_same_value(t, s) for _, s in chosen)
                or _tied(t, citations, evidence if (states_all_chosen or not chosen) else set(), question_grams,
                         _question_chars(focus.terms) if not chosen else set(), focus)):
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
          question_chars: set[str], focus: Focus) -> bool:
    """Some occurrence of t's value stands in an evidence sentence, or in a clause that names what was asked: it
    shares the question's words, states the measure asked (a sum of money, a share ...) and no other year."""
    for c in citations:
        for s in find_numbers(c.text):
            if not _same_value(t, s):
                continue
            if c.text in evidence:
                return True
            if _vetoed(c.text, s, focus.vetoed):
                continue
            clause = _clause(c.text, s)
            if ((_shares_words(clause, question_grams) or _holds_chars(clause, question_chars)
                 or (_in_measure(c.text, s, focus.measure) and _shares_words(clause, question_grams, 1)))
                    and (s.role != ROLE_FIGURE or _measures(s, focus.kinds))
                    and _in_years(clause, c.text, dict(focus.report_years).get(c.report), focus.years)):
                return True
    return False


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
