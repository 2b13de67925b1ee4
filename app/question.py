"""Pure: what a question asks for — which kind of figure, how many, a list, a reason, a sum — and its key terms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FIGURE = "figure"
LIST = "list"
REASON = "reason"
YESNO = "yesno"
TEXT = "text"
DERIVED = "derived"

_CJK = re.compile(r"[\u4e00-\u9fff]")
_INTERROGATIVE_ZH = re.compile(r"多少|几[个名位人户家枚本期次场条项所岁年天]?|百分之几|比例|占比|多大|什么|哪|何|吗|呢|是否|有没有")
_INTERROGATIVE_EN = re.compile(r"\b(how|what|which|who|when|where|why|is|are|was|were|did|does|do)\b", re.I)

# (pattern, kind, unit): explicit measure words after 多少/几 decide the figure's unit.
_UNIT_CUES_ZH: tuple[tuple[str, str, str], ...] = (
    (r"(?:多少|几)\s*枚|奖牌|金牌|银牌|铜牌", "count", "枚"),
    (r"(?:多少|几)\s*户", "count", "户"),
    (r"(?:多少|几)\s*家", "count", "家"),
    (r"(?:多少|几)\s*本", "count", "本"),
    (r"(?:多少|几)\s*期", "count", "期"),
    (r"(?:多少|几)\s*场", "count", "场"),
    (r"(?:多少|几)\s*条", "count", "条"),
    (r"(?:多少|几)\s*项", "count", "项"),
    (r"(?:多少|几)\s*所", "count", "所"),
    (r"(?:多少|几)\s*人次|人次", "times", "人次"),
    (r"(?:多少|几)\s*次", "times", "次"),
    (r"(?:多少|几)\s*工时|工时", "hours", "工时"),
    (r"(?:多少|几)\s*(?:名|位|个人|人)|人数|多少残疾|多少学生|多少学员|多少[^，。？]{0,8}(?:人|人员|员工|学生|学员)[？?]?$", "people", ""),
    (r"(?:多少|几)\s*个", "count", "个"),
    (r"(?:多少|几)\s*分|评分|得分", "score", "分"),
)
_PERCENT_ZH = re.compile(r"比例|占比|百分之几|百分比|百分点|%|率.{0,6}(?:多少|几)")
_MONEY_ZH = re.compile(r"多少钱|金额|资金|经费|万元|元|预算|决算|收入|支出|拨款|补助|补贴|费|投入|救助")
_CHANGE_ZH = re.compile(r"减少|增加|下降|上升|增长|降低|变化|比上年|同比|较上年|多了|少了|降了|涨了|增幅|降幅")
_TARGET_ZH = re.compile(r"目标|计划|拟|预计|打算")
_LIST_ZH = re.compile(r"有哪些|哪几|包括哪些|包括什么|都有什么|有什么|列举|主要.{0,8}(?:是|有)什么|几方面|哪些方面")
_REASON_ZH = re.compile(r"原因|为什么|为何|怎么会|什么导致|因为什么")
_YESNO_ZH = re.compile(r"吗[？?]?$|有没有|是否|是不是|有无")
_SUM_ZH = re.compile(r"加起来|合计|加在一起|之和|相加|总和|一共是多少|合起来")
_DIFF_ZH = re.compile(r"相差|差额是|差多少|多多少|少多少|高多少|低多少|差了多少")
_EACH_ZH = re.compile(r"分别|各(?:是|有|为|多少)")

_UNIT_CUES_EN: tuple[tuple[str, str, str], ...] = (
    (r"\bmedals?\b", "count", "枚"),
    (r"\bhouseholds?\b|\bfamilies\b", "count", "户"),
    (r"\bperson-times\b|\bvisits\b", "times", "人次"),
    (r"\btimes\b|\bapprovals?\b", "times", "次"),
    (r"\bhours?\b", "hours", "工时"),
    (r"\bsessions?\b|\bclasses\b|\bcourses\b", "count", "期"),
    (r"\bcertificates?\b", "count", "本"),
    (r"\bhow many (?:people|persons|residents|recipients|students|disabled|participants|employees|staff|trainees"
     r"|individuals)|\bpeople\b|\bpersons\b|\brecipients\b|\bstudents\b", "people", ""),
)
_PERCENT_EN = re.compile(r"percent|percentage|proportion|share|ratio|\brate\b|%", re.I)
_MONEY_EN = re.compile(r"how much|income|revenue|budget|expenditure|spending|spent|spend|fund|cost|money|yuan|"
                       r"subsid|grant|allowance|appropriation|final accounts", re.I)
_CHANGE_EN = re.compile(r"decrease|increase|drop|fall|fell|rise|rose|change|compared|less than|more than|decline", re.I)
_LIST_EN = re.compile(r"what are the|which (?:tasks|areas|measures)|list|main (?:tasks|achievements|results)", re.I)
_REASON_EN = re.compile(r"\bwhy\b|reason|cause", re.I)
_YESNO_EN = re.compile(r"^(?:is|are|was|were|did|does|do|has|have)\b", re.I)
_SUM_EN = re.compile(r"combined|together|sum of|in total|add(?:ed)? up", re.I)
_DIFF_EN = re.compile(r"difference between|how much (?:more|less)", re.I)

_FOLLOW_UP_ZH = re.compile(r"^(?:那|那么|其中|另外|还有|再|以及|和|与)|呢[？?]?$|^(?:what|how) about\b", re.I)
_STOP_ZH = re.compile(
    r"请问|请|一下|告诉我|帮我|查一下|想知道|是多少|有多少|为多少|多少|几[个名位人户家枚本期次场条项所]?|"
    r"的|了|吗|呢|啊|有哪些|有什么|什么|哪些|哪个|有没有|是否|是不是|总共|一共|本年度|今年|去年|这个|那个|那么|呀|吧|"
    r"怎么|怎样|如何|为什么|为何|分别|都|其中|报告里|报告中|[？?，,。！!、：:；;\s]"
)
_YEAR = re.compile(r"(19|20)\d\d(?=\s*年)|\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Ask:
    """One figure the question asks for."""

    text: str  # the part of the question that asks it
    kind: str | None = None  # money | percent | people | count | times | hours | score
    unit: str | None = None  # an explicit measure word: 枚, 户, 次 ...
    change: bool = False
    target: bool = False
    object: str = ""  # what is counted, named after the measure word: "多少工作人员" -> "工作人员"


@dataclass(frozen=True)
class Question:
    """A question as the answer step understands it."""

    text: str  # what is matched against the report (follow-ups resolved)
    original: str  # what the user typed
    language: str  # zh | en
    intent: str  # figure | list | reason | yesno | text | derived
    asks: tuple[Ask, ...]
    years: tuple[int, ...]
    terms: tuple[str, ...]  # content words (Chinese), for lexical matching
    operation: str | None = None  # sum | difference, for derived questions
    operands: tuple[str, ...] = ()  # the things a derived question combines
    context: str = ""  # the earlier question a follow-up continues
    match_text: str = ""  # what lexical matching uses: the text, or an English question's words in the report's terms
    flags: dict = field(default_factory=dict, compare=False)


def is_english(text: str) -> bool:
    """True when the question is written in English (no Chinese characters, some Latin words)."""
    return not _CJK.search(text) and bool(re.search(r"[A-Za-z]{2,}", text))


def resolve_follow_up(question: str, history: list[dict] | None) -> tuple[str, str]:
    """Return (question to match, context): an elliptical follow-up borrows the previous user question."""
    previous = ""
    for turn in reversed(history or []):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            previous = str(turn["content"]).strip()
            break
    if not previous:
        return question, ""
    bare = _STOP_ZH.sub("", question)
    elliptical = bool(_FOLLOW_UP_ZH.search(question.strip())) or len(bare) <= 6
    if not elliptical or (is_english(question) and len(question.split()) > 6):
        return question, ""
    return question, previous


def analyze(question: str, history: list[dict] | None = None) -> Question:
    """Understand a question (and, for a follow-up, the one before it)."""
    question = question.strip()
    text, context = resolve_follow_up(question, history)
    english = is_english(text)
    intent, operation, operands = _intent(text, english)
    if context and intent in (TEXT, YESNO):
        intent = _intent(context, is_english(context))[0]  # "其中精神类的呢？" asks what the last question asked
    asks = _asks(text, english, context)
    years = tuple(int(m.group(0)[:4]) for m in _YEAR.finditer(text))
    match_text = text
    if english:
        match_text = " ".join(translate_terms(text))
        asks = [Ask(match_text, a.kind, a.unit, a.change, a.target) for a in asks]
        operands = tuple(" ".join(translate_terms(o)) for o in operands)
    terms = content_terms(match_text)
    return Question(text=text, original=question, language="en" if english else "zh", intent=intent,
                    asks=tuple(asks), years=years, terms=terms, operation=operation, operands=operands,
                    context=context, match_text=match_text)


GLOSSARY_PATH = Path(__file__).resolve().parent.parent / "data" / "glossary" / "en-zh.tsv"


@lru_cache(maxsize=1)
def _glossary() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    entries = []
    for line in GLOSSARY_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        english, chinese = line.split("\t", 1)
        entries.append((re.compile(rf"\b(?:{english.strip()})\b", re.I), tuple(chinese.split())))
    return tuple(entries)


def translate_terms(text: str) -> list[str]:
    """An English question's key words in the report's own Chinese terms (data/glossary/en-zh.tsv)."""
    found: list[tuple[int, str]] = []
    remaining = text
    for pattern, chinese in _glossary():
        for m in pattern.finditer(remaining):
            found.extend((m.start(), c) for c in chinese)
        remaining = pattern.sub(lambda m: " " * len(m.group(0)), remaining)
    return [c for _, c in sorted(found, key=lambda x: x[0])]


def content_terms(text: str) -> tuple[str, ...]:
    """The words of a Chinese question that say what it is about ("在托", "残疾人"), in order."""
    text = _YEAR.sub(" ", text)
    text = re.sub(r"\d+(?:\.\d+)?", " ", text)
    pieces = [p for p in _STOP_ZH.split(text) if p]
    return tuple(p for p in pieces if _CJK.search(p))


def _intent(text: str, english: bool) -> tuple[str, str | None, tuple[str, ...]]:
    if english:
        if _SUM_EN.search(text) and re.search(r"\band\b", text):
            return DERIVED, "sum", tuple(s.strip() for s in re.split(r"\band\b", text, maxsplit=1))
        if _DIFF_EN.search(text):
            return DERIVED, "difference", ()
        if _REASON_EN.search(text):
            return REASON, None, ()
        if _LIST_EN.search(text) and not re.search(r"how (many|much)", text, re.I):
            return LIST, None, ()
        if re.search(r"how (many|much)|percent|proportion|share|what (?:was|is|were) the", text, re.I):
            return FIGURE, None, ()
        if _YESNO_EN.search(text):
            return YESNO, None, ()
        return TEXT, None, ()
    for pattern, op in ((_SUM_ZH, "sum"), (_DIFF_ZH, "difference")):
        m = pattern.search(text)
        if m:
            operands = _operands(text[:m.start()])
            if len(operands) >= 2:
                return DERIVED, op, tuple(operands)
    if _REASON_ZH.search(text):
        return REASON, None, ()
    if _LIST_ZH.search(text) and not re.search(r"多少|几[个名位人户家枚本期次场条项]", text):
        return LIST, None, ()
    if re.search(r"多少|几|百分之|比例|占比|多大|多高|多长", text):
        return FIGURE, None, ()
    if _YESNO_ZH.search(text):
        return YESNO, None, ()
    return TEXT, None, ()


def _operands(head: str) -> list[str]:
    """'一般公共预算和政府性基金预算财政拨款收入' -> the things being combined."""
    parts = [p.strip() for p in re.split(r"和|与|及|加上|跟|、|以及", head) if p.strip()]
    return parts if len(parts) >= 2 else []


def _asks(text: str, english: bool, context: str) -> list[Ask]:
    """One Ask per figure asked for: '审批了多少次，资助金额是多少？' -> two asks."""
    if english:
        return [_ask_en(text)]
    pieces = [p for p in re.split(r"[，,？?；;。]", text) if p.strip()]
    asking = [p for p in pieces if re.search(r"多少|几|百分之|比例|占比|多大|多高|什么|是否|吗|呢", p)]
    if len(asking) <= 1:
        asks = [_ask_zh(text if not context else context + "，" + text)]
        if context:
            # the follow-up names the new subject; the measure comes from the earlier question if it has none
            own = _ask_zh(text)
            asks = [Ask(text, own.kind or asks[0].kind, own.unit or asks[0].unit, own.change, own.target, own.object)]
        return _split_each(text, asks[0])
    result = []
    previous = ""
    for piece in asking:
        ask = _ask_zh(piece)
        result.append(Ask(piece, ask.kind, ask.unit, ask.change or (bool(_CHANGE_ZH.search(previous)) and
                                                                     ask.kind == "percent"), ask.target, ask.object))
        previous = piece
    return result


def _split_each(text: str, ask: Ask) -> list[Ask]:
    """'金牌、银牌、铜牌分别是多少枚' -> one ask per item."""
    m = _EACH_ZH.search(text)
    if not m:
        return [ask]
    head = text[:m.start()]
    if "、" in head:
        items = [p for p in head.split("、") if p.strip()]
    else:
        cut = max(head.rfind(w) for w in ("和", "与", "及"))
        items = [head[:cut], head[cut + 1:]] if cut > 0 else []
        items = [p for p in items if p.strip()]
    if len(items) < 2:
        return [ask]
    return [Ask(item, ask.kind, ask.unit, ask.change, ask.target, item) for item in items]


def _ask_zh(text: str) -> Ask:
    kind = unit = None
    for pattern, k, u in _UNIT_CUES_ZH:
        if re.search(pattern, text):
            kind, unit = k, (u or None)
            break
    if unit == "个" and re.search(r"人|学生|学员|者", text):
        kind, unit = "people", None  # "在托的人里60岁以上的有几个": colloquial 几个 counts people
    if kind is None and _PERCENT_ZH.search(text):
        kind = "percent"
    if kind is None and _MONEY_ZH.search(text) and re.search(r"多少|几|是多少|金额", text):
        kind = "money"
    obj = ""
    m = re.search(r"(?:多少|几)(?:名|位|个|户|家|枚|本|期|次|场|条|项|所|人次)?(.*)$", text)
    if m:
        obj = re.sub(r"[呢吗了的？?。，,！!\s]|^(?:是|有|为)", "", m.group(1))
    return Ask(text, kind, unit, bool(_CHANGE_ZH.search(text)), bool(_TARGET_ZH.search(text)), obj)


def _ask_en(text: str) -> Ask:
    kind = unit = None
    if _PERCENT_EN.search(text):
        kind = "percent"
    else:
        for pattern, k, u in _UNIT_CUES_EN:
            if re.search(pattern, text, re.I):
                kind, unit = k, (u or None)
                break
    if kind is None and _MONEY_EN.search(text):
        kind = "money"
    return Ask(text, kind, unit, bool(_CHANGE_EN.search(text)), bool(re.search(r"target|plan", text, re.I)))
