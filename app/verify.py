"""Pure: check every number of an answer against the sentences it cites.

A number is verified only when a cited sentence states that value (686.9 = 686.90, 1,407 = 1407,
1.4万 = 14000); a real figure of the report taken from a sentence the answer does not cite is not.
A computed figure is verified only when its computation is shown ("2655.58 + 38.58 = 2694.16") and
each operand is verified.

An LLM answer is held to more: see `app.verify_llm`, which ties each of its figures to what the question asks.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from app.answer import Citation, NumberCheck
from ingest.numbers import ROLE_DATE, ROLE_FIGURE, ROLE_ORDINAL, ROLE_YEAR, UNIT_KIND, NumberToken, find_numbers

_TITLE = re.compile(r"《[^《》]{1,120}》")
_OPERATOR = re.compile(r"^\s*(?:万元|亿元|元|%|名|人|个|户|次)?\s*([+＋\-−－×xX*÷/])\s*$")
_EQUALS = re.compile(r"^\s*(?:万元|亿元|元|%|名|人|个|户|次)?\s*[=＝≈]\s*$")


def _same_value(answer: NumberToken, source: NumberToken) -> bool:
    if answer.unit and source.unit and not _compatible(answer.unit, source.unit):
        return False
    if answer.value == source.value:
        # "2700.38元" is not "2700.38万元": with both units given, the magnitudes must agree too
        return not answer.unit or not source.unit or answer.scaled == source.scaled
    return answer.scaled == source.scaled and (answer.scaled != answer.value or source.scaled != source.value)


def _compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    ka, kb = UNIT_KIND.get(a, "number"), UNIT_KIND.get(b, "number")
    return ka == kb or "number" in (ka, kb)


def verify_numbers(answer: str, citations: Iterable[Citation], question: str = "") -> list[NumberCheck]:
    """Every number in `answer`, each verified against the figures of the cited sentences or not."""
    cited = [c.text for c in citations]
    sources = [(text, t) for text in cited for t in find_numbers(text)]
    tokens = find_numbers(answer)
    checks: list[NumberCheck | None] = [None] * len(tokens)
    titles = [(m.start(), m.end()) for m in _TITLE.finditer(answer)]
    for i, t in enumerate(tokens):
        if any(a <= t.start < b for a, b in titles) and t.role in (ROLE_YEAR, ROLE_DATE, ROLE_ORDINAL):
            # "据《2023年度…报告》": the year of a report's title names the report, it states no figure
            checks[i] = NumberCheck(t.text, True, t.text, "title")
            continue
        if t.role in (ROLE_YEAR, ROLE_DATE, ROLE_ORDINAL):
            where = next((text for text in cited if t.text in text), "")
            in_question = t.text in question
            checks[i] = NumberCheck(t.text, bool(where or in_question), t.text, where or question,
                                    "" if where or in_question else f"{t.role} not in the cited text")
            continue
        match = next(((text, s) for text, s in sources if s.role == ROLE_FIGURE and _same_value(t, s)), None)
        if match is None:
            match = next(((text, s) for text, s in sources if _same_value(t, s)), None)
        if match:
            checks[i] = NumberCheck(_written(answer, t), True, match[1].text + match[1].unit, match[0])
    _verify_computations(answer, tokens, checks)
    computed = {tokens[i].value: c for i, c in enumerate(checks) if c and c.source.startswith("computed:")}
    for i, t in enumerate(tokens):  # "2694.16万元（计算：a + b = 2694.16万元）": the lead repeats a shown result
        if checks[i] is None and t.value in computed:
            checks[i] = NumberCheck(_written(answer, t), True, "", computed[t.value].source)
    return [c or NumberCheck(_written(answer, t), False, reason="not stated in the cited sentences")
            for c, t in zip(checks, tokens)]


def _written(answer: str, t: NumberToken) -> str:
    return answer[t.start:t.end]


def _verify_computations(answer: str, tokens: list[NumberToken], checks: list[NumberCheck | None]) -> None:
    """'a + b = c': c is verified when a and b are and the arithmetic holds (to c's precision)."""
    shown: dict[Decimal, str] = {}  # results computed so far, by value
    for i in range(2, len(tokens)):
        if checks[i] is not None:
            continue
        # walk back over "x op y op z =" before tokens[i]
        if not _EQUALS.match(answer[tokens[i - 1].end:tokens[i].start]):
            continue
        operands = [i - 1]
        ops: list[str] = []
        j = i - 1
        while j >= 1:
            m = _OPERATOR.match(answer[tokens[j - 1].end:tokens[j].start])
            if not m:
                break
            ops.insert(0, m.group(1))
            operands.insert(0, j - 1)
            j -= 1
        for k in operands:  # a result shown before ("… = 100分；100分 − 92分 = 8分") is as verified where it is used
            if checks[k] is None and tokens[k].value in shown:
                checks[k] = NumberCheck(_written(answer, tokens[k]), True, "", shown[tokens[k].value])
        if not ops or any(checks[k] is None or not checks[k].verified for k in operands):
            continue
        values = [tokens[k].value for k in operands]
        result = values[0]
        try:
            for op, v in zip(ops, values[1:]):
                result = _apply(op, result, v)
        except ArithmeticError:
            continue
        places = -tokens[i].value.as_tuple().exponent if tokens[i].value.as_tuple().exponent < 0 else 0
        if round(result, places) == tokens[i].value or (tokens[i].unit == "%" and round(result * 100, places)
                                                        == tokens[i].value):
            expression = answer[tokens[operands[0]].start:tokens[i].end]
            checks[i] = NumberCheck(_written(answer, tokens[i]), True, "", f"computed: {expression}")
            shown[tokens[i].value] = f"computed: {expression}"


def _apply(op: str, a: Decimal, b: Decimal) -> Decimal:
    if op in "+＋":
        return a + b
    if op in "-−－":
        return a - b
    if op in "×xX*":
        return a * b
    return a / b
