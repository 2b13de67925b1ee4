"""Pure: evidence (looked-up figures, best sentences) -> the answer a person reads, or a polite abstention.

Extractive answers lead with the figure asked for and quote the clause that states it; list, reason
and yes/no questions quote the report's own words. Whether to answer at all is decided here, from the
evidence, never by a language model.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.answer import Citation
from app.lookup import FigureMatch, LookupResult, bigrams
from app.question import DERIVED, FIGURE, LIST, REASON, Question
from app.retrieve import Knowledge, Sentence
from ingest.figures import Figure

MAX_ANSWER_CHARS = 280
FIGURE_CONFIDENCE = 0.2  # calibrated on the dev set's answerable vs unanswerable questions
TEXT_CONFIDENCE = 0.42
ABSTAIN_TEXT_ZH = "抱歉，报告中没有找到能回答这个问题的内容，我不能凭报告以外的知识作答。{scope}"
ABSTAIN_TEXT_EN = ("Sorry, the report does not contain the answer to this question, and I only answer from the "
                   "report. {scope}")


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


def abstain(question: Question, knowledge: Knowledge, report_ids: Sequence[str], reason: str,
            sure: bool = True) -> Draft:
    """The fixed, polite reply naming what the report does cover; `sure=False` when the evidence was only too weak
    (an LLM mode may then answer from the passages), True when the report cannot answer (another year or place)."""
    titles = [knowledge.reports[r].title for r in report_ids if r in knowledge.reports]
    sections = _top_sections(knowledge, report_ids)
    if question.language == "en":
        scope = f"It covers: {'; '.join(titles)}" + (f" ({'、'.join(sections)})." if sections else ".")
        return Draft(ABSTAIN_TEXT_EN.format(scope=scope), (), True, reason, sure)
    scope = f"本报告（{'、'.join(titles)}）涵盖：{'、'.join(sections)}。" if titles else ""
    return Draft(ABSTAIN_TEXT_ZH.format(scope=scope), (), True, reason, sure)


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
    unknown_years = [y for y in question.years if not _report_mentions_year(knowledge, report_ids, y)]
    if unknown_years:
        return abstain(question, knowledge, report_ids, f"the report does not cover {unknown_years[0]}")
    text = knowledge.report_text(report_ids)
    other_places = [p for p in question.places if p not in text]
    if other_places:  # "深圳市残联…": another city's or district's report would answer it, not this one
        return abstain(question, knowledge, report_ids, f"the report does not cover {other_places[0]}")
    if question.language == "en":
        outside = _outside_english(question, text)
        if outside:
            return abstain(question, knowledge, report_ids, outside)
    from app.table_answer import answer_from_tables

    from_tables = answer_from_tables(question, knowledge.table_figures(report_ids), report_ids)
    if from_tables is not None:
        return from_tables
    if question.intent == DERIVED and lookup is not None:
        return _derived(question, lookup, knowledge, report_ids)
    if question.intent == FIGURE and lookup is not None:
        group = _group_counted(question)
        if group and lookup.best and not _counts_the_group(lookup.best[0].figure, group, knowledge, report_ids):
            # "荔湾区有多少残疾人？" asks how many there are; "培训残疾人133人" counts those trained
            return abstain(question, knowledge, report_ids, f"no figure counts {group} as such", sure=False)
        if lookup.confidence >= FIGURE_CONFIDENCE:
            return _figures(question, lookup.best)
        if not _may_be_text(question):
            return abstain(question, knowledge, report_ids, f"figure confidence {lookup.confidence:.2f}", sure=False)
    if question.intent == LIST:
        listed = _list_answer(question, knowledge, report_ids)
        if listed is not None:
            return listed
    if not sentences or sentences[0][1] < TEXT_CONFIDENCE:
        score = sentences[0][1] if sentences else 0.0
        return abstain(question, knowledge, report_ids, f"text confidence {score:.2f}", sure=False)
    best = sentences[0][0]
    if _WHO.search(question.text) and not _NAMES_A_PERSON.search(best.text):
        # "理事长是谁？" wants a name: a sentence about 理事长 that names no one does not answer it
        return abstain(question, knowledge, report_ids, "no person named", sure=False)
    if question.intent == REASON:
        # the reason is quoted with the very sentence it comes from
        source = next((s for s, score in sentences if (s is best or score > TEXT_CONFIDENCE) and _reason_clause(s.text)),
                      None)
        if source is not None:
            return Draft(_fit(_reason_clause(source.text)), (_cite(source),), False)
    return Draft(_fit(_focused(best.text, question)), (_cite(best),), False)


# a group named bare, with nothing that says which of them ("工疗站学员" says which; "残疾人" does not)
_PEOPLE_GROUP = re.compile(r"^(?:残疾|残障|视力残疾|听力残疾|肢体残疾|智力残疾|精神残疾)?"
                           r"(?:人|人员|人士|学生|学员|儿童|老人|盲人|聋人)$")
_AREA_WORD = re.compile(r"^(?:全区|全市|区里|市里|本区|本市|辖区|区内|市内|[\u4e00-\u9fff]{1,3}(?:省|市|区|县|街道|镇))$")


def _group_counted(question: Question) -> str:
    """The group of people a bare head-count question names ("荔湾区有多少残疾人？" -> 残疾人), or "" when the
    question says more (在托, 就业, 培训…) than who is counted and where."""
    if question.language != "zh" or len(question.asks) != 1 or question.asks[0].kind not in ("people", None) \
            or question.context:
        return ""
    topic = [re.sub(r"^[名位个]", "", t) for t in question.terms if not _AREA_WORD.match(t)]
    if len(topic) != 1 or not _PEOPLE_GROUP.search(topic[0]):
        return ""
    return topic[0]


def _counts_the_group(f: Figure, group: str, knowledge: Knowledge, report_ids: Sequence[str]) -> bool:
    """Whether `f` answers "how many <group>": it counts exactly that group, or it is the one figure of the report
    that counts the group at all ("有多少学员" -> 全年服务学员423人)."""
    if f.phrase.split("·")[-1] == group:
        return True
    counting = {g.decimal for g in knowledge.figure_index(report_ids).figures
                if g.kind == "people" and group in g.phrase.split("·")[-1]}
    return counting == {f.decimal}


def _may_be_text(question: Question) -> bool:
    """"What was the self-evaluation result?" reads like a figure question but names no quantity: without a
    figure, a sentence may answer it."""
    return question.language == "en" and all(a.kind is None for a in question.asks)


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


def _figures(question: Question, best: Sequence[FigureMatch]) -> Draft:
    figures = _unique([m.figure for m in best])
    lead = "；".join(_display(f, question) for f in figures)
    clauses = "；".join(f"“{c}”" for c in _unique([f.clause for f in figures]))
    if question.language == "en":
        text = f"{lead}. The report states: {clauses}"
    else:
        text = f"{lead}。报告原文：{clauses}。"
    return Draft(_fit(text), tuple(_cite_figure(f) for f in figures), False)


def _display(f: Figure, question: Question) -> str:
    bound = _bound_of(f)  # "92%以上" is a floor the report sets, not what was reached: the answer keeps 以上
    if question.language == "en":
        shown = f"{f.text} {f.unit}".strip() if f.unit not in ("%",) else f"{f.text}%"
        return f"{_BOUND_EN[bound]} {shown}" if bound else shown
    return f"{f.display}{bound}"


_BOUND = re.compile(r"^(?:及以上|及以下|以上|以下|以内|左右)")
_BOUND_EN = {"及以上": "at least", "以上": "at least", "及以下": "at most", "以下": "at most", "以内": "at most",
             "左右": "about"}


def _bound_of(f: Figure) -> str:
    """以上/以下/左右 written right after the figure in its clause, or ""."""
    at = f.clause.find(f.display)
    m = _BOUND.match(f.clause[at + len(f.display):]) if at >= 0 else None
    return m.group(0) if m else ""


def _derived(question: Question, lookup: LookupResult, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft:
    if lookup.stated is not None and lookup.stated.score >= FIGURE_CONFIDENCE:
        return _figures(question, [lookup.stated])  # the report's own result beats one computed from its parts
    operands = [m.figure for m in lookup.best]
    if len(operands) < 2 or lookup.confidence < FIGURE_CONFIDENCE or len({f.unit for f in operands}) != 1:
        return abstain(question, knowledge, report_ids, "operands not found", sure=False)
    values = [Decimal(f.value) for f in operands]
    places = max(-min(v.as_tuple().exponent, 0) for v in values)
    if question.operation == "difference":
        result = values[0] - values[1]
        expression = f"{operands[0].display} - {operands[1].display} = {result:.{places}f}{operands[0].unit}"
    else:
        result = sum(values, Decimal(0))
        expression = " + ".join(f.display for f in operands) + f" = {result:.{places}f}{operands[0].unit}"
    unit = operands[0].unit
    text = (f"{result:.{places}f}{unit}（按报告数字计算：{expression}）。" if question.language == "zh"
            else f"{result:.{places}f} {unit} (computed from the report: {expression}).")
    return Draft(_fit(text), tuple(_cite_figure(f) for f in operands), False)


_WHO = re.compile(r"是谁|叫什么|什么名字|姓名|姓什么|\bwho\b|\bwhat is the name\b", re.I)
_NAMES_A_PERSON = re.compile(r"同志|担任|姓名|任命|当选")
MAX_SHORT_SECTION_CHARS = 60  # a section this short is quoted whole when it has no items


def _list_answer(question: Question, knowledge: Knowledge, report_ids: Sequence[str]) -> Draft | None:
    """'有哪些' questions: the items (一是…二是… or sub-headings) of the best-matching section."""
    best_section, best_cov = None, 0.0
    sections: dict[tuple[str, str], list] = {}
    for c in knowledge.chunks:
        if c.report in report_ids:
            sections.setdefault((c.report, c.section), []).append(c)
    for (report, section), chunks in sections.items():
        leaf = section.split(" > ")[-1] if section else ""
        cov = knowledge.coverage(question.match_text or question.text, bigrams(leaf))
        if cov > best_cov:
            best_section, best_cov = (report, section), cov
    if best_section is None or best_cov < 0.45:
        return None
    report, section = best_section
    text = "".join(c.text for c in sorted(sections[best_section], key=lambda c: c.start))
    items = re.findall(r"([一二三四五六七八九十]+是)([^，。；：]+)", text)
    children = sorted({c.section.split(" > ")[-1] for (r, s), cs in sections.items() for c in cs
                       if r == report and s.startswith(section + " > ") and s.count(" > ") == section.count(" > ") + 1},
                      key=lambda s: min(c.start for (r, sec), cs in sections.items() for c in cs if sec.endswith(s)))
    chunk = min(sections[best_section], key=lambda c: c.start)
    if len(items) >= 2:
        listed = "；".join(f"{a}{b}" for a, b in items)
    elif len(children) >= 2:
        listed = "；".join(children)
    else:
        body = _section_body(text, section)
        if not body or len(body) > MAX_SHORT_SECTION_CHARS:
            return None
        # "三、存在的主要问题 无。": the section's whole answer is what it says, even "无"
        leaf = section.split(" > ")[-1]
        reply = f"报告“{leaf}”一节写明：{body}" if question.language == "zh" else \
            f"Under “{leaf}” the report states: {body}"
        return Draft(reply, (Citation(body, section, report),), False)
    return Draft(_fit(f"{listed}。"), (Citation(chunk.text, section, report),), False)


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


_REASON = re.compile(r"(?:主要原因是|主要是|原因是|由于|因为)([^；。]+)")


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
    return Citation(s.text, s.section, s.report)


def _cite_figure(f: Figure) -> Citation:
    return Citation(f.sentence, f.section, f.report, (f.text,))


def _unique(items):
    seen, out = set(), []
    for x in items:
        key = x if isinstance(x, str) else (x.report, x.start)
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out
