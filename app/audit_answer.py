"""Answering "do the report's figures add up?" from the figures audit kept with a report (ingest/audit.py):
the inconsistencies, each cited with the sentences it rests on, or how much was checked when none."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from ingest.audit import (CHANGE_RATE, DIFFERENCE, EXECUTION_RATE, INCONSISTENT, KIND_LABELS, NOTE, OK,
                          PARTS, PREVIOUS_YEAR, REPEATED, SCORE, SHARE, TARGET_MET, Finding, audit_figures)

_AUDIT_QUESTION = re.compile(
    r"对不上|对得上|不一致|自相矛盾|前后矛盾|矛盾|出入|不符|算错|加不上|加起来不|有误|错误|勾稽|审核结果|数字审核|核对结果")
_FIGURE_WORDS = re.compile(r"数字|数据|数值|金额|数额|合计|总数|比例|占比|报告|账|统计")
_AUDIT_QUESTION_EN = re.compile(r"\b(?:add up|inconsisten\w*|contradict\w*|(?:do not|don't|doesn't) match|mismatch\w*)\b",
                                re.I)
MAX_ANSWER_FINDINGS = 3
_ORDINALS = "一二三四五六七八九十"


def is_audit_question(question: str) -> bool:
    """'报告里的数字有没有对不上的地方？', '数据有矛盾吗', 'Do the figures add up?': a question the audit answers."""
    text = question.strip()
    if _AUDIT_QUESTION_EN.search(text):
        return bool(re.search(r"\b(?:figures?|numbers?|totals?|amounts?|report)\b", text, re.I))
    return bool(_AUDIT_QUESTION.search(text) and _FIGURE_WORDS.search(text))


def audit_of(store, report_id: str) -> list[Finding]:
    """The audit kept with a stored report; computed from its figures if it was ingested before audits were kept."""
    from app.errors import KnowledgeBaseUnavailable
    from vectorstore.store import StoreUnavailable

    try:
        kept = store.audit(report_id)
        if kept is not None:
            return [Finding.from_dict(f) for f in kept]
        return audit_figures(store.figures(report_id), year=store.get_report(report_id).year)
    except StoreUnavailable as exc:
        raise KnowledgeBaseUnavailable(f"知识库暂不可用：{exc}") from exc


def audit_answer(question: str, report_ids: Sequence[str], titles: dict[str, str],
                 load: Callable[[str], list[Finding]]):
    """The answer to a question about the report's own arithmetic, from its audit; None for any other question.

    The reply lists the inconsistencies (at most three, the rest are on the 审核 tab) each with the sentences it
    rests on as citations; with none, it says how much was checked.
    """
    from app.answer import EXTRACTIVE, Answer, Citation
    from app.verify import verify_numbers

    if not is_audit_question(question) or not report_ids:
        return None
    parts: list[str] = []
    citations: list[Citation] = []
    for report_id in report_ids:
        findings = load(report_id)
        lead = f"据《{titles.get(report_id, report_id)}》的数字审核：" if len(report_ids) > 1 else ""
        problems = _varied([f for f in findings if f.severity == INCONSISTENT])
        checked = [f for f in findings if f.severity == OK]
        notes = [f for f in findings if f.severity == NOTE]
        if problems:
            listed = "；".join(f"{_ORDINALS[n]}是{f.message}" for n, f in enumerate(problems[:MAX_ANSWER_FINDINGS]))
            more = "；其余的见“审核”页" if len(problems) > MAX_ANSWER_FINDINGS else ""
            parts.append(f"{lead}报告中有数字前后对不上的地方（已考虑四舍五入）：{listed}{more}。")
            shown = problems[:MAX_ANSWER_FINDINGS]
        else:
            what = "、".join(dict.fromkeys(KIND_LABELS.get(f.kind, f.kind) for f in checked)) or "数字"
            parts.append(f"{lead}没有发现报告的数字前后对不上：核对了{what}，都相符（已考虑四舍五入）。"
                         + ("另有需要留意的地方，见“审核”页。" if notes else ""))
            shown = []
        for f in shown:
            for c in f.citations:
                citation = Citation(c.text, c.section, report_id, highlights=_texts(f.figures))
                if citation not in citations:
                    citations.append(citation)
    text = "".join(parts)
    answer = Answer(question=question, answer=text, abstained=False, citations=citations, mode=EXTRACTIVE,
                    report=report_ids[0] if len(report_ids) == 1 else "")
    answer.numbers = _recomputed(text, verify_numbers(text, citations, question))
    return answer


_SUM = re.compile(r"(\d+(?:\.\d+)?)((?:\s*[+−-]\s*\d+(?:\.\d+)?)+)\s*=\s*(\d+(?:\.\d+)?)")


def _recomputed(text: str, checks: list) -> list:
    """Verify the results of the sums and differences the audit prints ("3387.28 − 3377.40 = 9.88") by doing them
    again, when every operand is itself verified (stated in a citation, or such a result)."""
    from app.answer import NumberCheck

    verified = {c.text.rstrip("%") for c in checks if c.verified}
    results: dict[str, str] = {}
    for m in _SUM.finditer(text):
        operands = [m.group(1)] + re.findall(r"\d+(?:\.\d+)?", m.group(2))
        signs = ["+"] + re.findall(r"[+−-]", m.group(2))
        if not all(o in verified or o in results for o in operands):
            continue
        total = sum((Decimal(o) if sign == "+" else -Decimal(o)) for o, sign in zip(operands, signs))
        result = m.group(3)
        places = len(result.split(".")[1]) if "." in result else 0
        if total.quantize(Decimal(1).scaleb(-places)) == Decimal(result):
            results[result] = f"computed: {m.group(0)}"
            verified.add(result)
    return [NumberCheck(c.text, True, c.figure, results[c.text.rstrip("%")]) if not c.verified
            and c.text.rstrip("%") in results else c for c in checks]


_ANSWER_ORDER = (PARTS, PREVIOUS_YEAR, SHARE, CHANGE_RATE, DIFFERENCE, EXECUTION_RATE, SCORE, TARGET_MET, REPEATED)


def _varied(findings: list[Finding]) -> list[Finding]:
    """One finding of each kind first (totals, previous years, shares ...), then the rest: a short answer shows the
    different ways the report contradicts itself rather than three of one kind."""
    rank = {k: n for n, k in enumerate(_ANSWER_ORDER)}
    ordered = sorted(findings, key=lambda f: rank.get(f.kind, len(rank)))
    first = list({f.kind: f for f in reversed(ordered)}.values())[::-1]
    first.sort(key=lambda f: rank.get(f.kind, len(rank)))
    return first + [f for f in ordered if f not in first]


def _texts(displays: Sequence[str]) -> tuple[str, ...]:
    """'2700.38万元' -> '2700.38': the figure as it stands in its sentence, to highlight."""
    return tuple(dict.fromkeys(m.group() for d in displays if (m := re.match(r"[\d.,]+%?", d))))
