"""Pure: the figures audit — does a report's own arithmetic hold? A function of its figures table (and the passages
the cleaner found repeated), run at ingest and kept with the report.

Checks, each from the figures' qualifiers, the clause words of the genre (其中, 分别, 占, 比上年, 合计, 预算, 决算,
执行率, 指标值, 实际完成值 ...) and arithmetic; never from one department's vocabulary:
- parts vs their whole: the parts listed under 其中 / 分别 vs the figure they belong to; shares of one whole that
  add up to 100% imply that whole (their parts' sum) vs the whole the report states; a table's rows vs its 合计 row;
- shares: X 占 a% — which whole gives a%, and is it the whole the sentence names;
- changes: X 比上年减少 D，下降 p% — does p = D / (X + D)?
- differences: 决算 − 预算 = 差异; execution rates: 执行数 / 预算数;
- the previous year's values implied by this year's changes vs the previous-year figures the report states;
- targets vs actuals (实际完成值 below 年度指标值), scores above their 分值;
- the same passage printed twice.

Every comparison is made on intervals: a figure stated to two decimals stands for ±0.005, a percentage to one
decimal for ±0.05, a count of people for itself; sums and ratios carry the intervals through. So a report that is
consistent up to its rounding gets no `inconsistent` finding.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ingest.figures import CHANGE, MONEY, PART, PERCENT, TARGET, Figure

# severities
INCONSISTENT = "inconsistent"  # the report contradicts itself
NOTE = "note"  # worth a look
OK = "ok"  # checked, and it holds
SEVERITIES = (INCONSISTENT, NOTE, OK)
SEVERITY_LABELS = {INCONSISTENT: "不一致", NOTE: "提示", OK: "通过"}

# kinds of check
PARTS = "parts"
SHARE = "share"
CHANGE_RATE = "change"
DIFFERENCE = "difference"
EXECUTION_RATE = "execution_rate"
PREVIOUS_YEAR = "previous_year"
TARGET_MET = "target"
SCORE = "score"
REPEATED = "repeated_passage"
KIND_LABELS = {PARTS: "分项与合计", SHARE: "占比", CHANGE_RATE: "增减幅度", DIFFERENCE: "差异", EXECUTION_RATE: "执行率",
               PREVIOUS_YEAR: "上年数", TARGET_MET: "目标完成", SCORE: "得分", REPEATED: "重复段落"}

CSV_COLUMNS = ["结果", "检查", "说明", "涉及数字", "原文", "章节"]

_HUNDRED = Decimal(100)
_EXACT_KINDS = ("people", "times", "count", "hours", "score", "number")  # whole numbers: counted, not rounded


# --- the findings ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditCitation:
    """A sentence (or table row) a finding rests on."""

    text: str
    section: str


@dataclass(frozen=True)
class Finding:
    """One result of the audit: what was checked, whether it holds, the figures (as stated) and sentences it cites."""

    kind: str
    severity: str
    message: str
    figures: tuple[str, ...] = ()
    citations: tuple[AuditCitation, ...] = ()

    def to_dict(self) -> dict:
        """The finding as the API and the store keep it."""
        return {"kind": self.kind, "severity": self.severity, "message": self.message, "figures": list(self.figures),
                "citations": [{"text": c.text, "section": c.section} for c in self.citations]}

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        """The inverse of to_dict."""
        return cls(kind=str(data.get("kind", "")), severity=str(data.get("severity", "")),
                   message=str(data.get("message", "")), figures=tuple(str(f) for f in data.get("figures", ())),
                   citations=tuple(AuditCitation(str(c.get("text", "")), str(c.get("section", "")))
                                   for c in data.get("citations", ())))


@dataclass(frozen=True)
class RepeatedPassage:
    """A passage the report prints twice, word for word (the cleaner kept one copy)."""

    text: str
    section: str


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity: {"inconsistent": n, "note": n, "ok": n}."""
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def findings_rows(findings: Iterable[Finding]) -> list[list[str]]:
    """The findings as table rows (CSV_COLUMNS), inconsistencies first."""
    order = {s: n for n, s in enumerate(SEVERITIES)}
    rows = []
    for f in sorted(findings, key=lambda f: order.get(f.severity, 9)):
        rows.append([SEVERITY_LABELS.get(f.severity, f.severity), KIND_LABELS.get(f.kind, f.kind), f.message,
                     "、".join(f.figures), "\n".join(c.text for c in f.citations),
                     "\n".join(dict.fromkeys(c.section for c in f.citations if c.section))])
    return rows


def findings_csv(findings: Iterable[Finding]) -> str:
    """The findings as CSV text, header row included."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(findings_rows(findings))
    return out.getvalue()


# --- intervals -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Interval:
    """The values a stated (rounded) figure can stand for, or a result computed from such figures."""

    lo: Decimal
    hi: Decimal

    @classmethod
    def exact(cls, value: Decimal) -> Interval:
        return cls(value, value)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def ratio(self, other: Interval) -> Interval | None:
        """self / other for positive intervals, as a percentage; None when other may be 0."""
        if other.lo <= 0 or self.lo < 0:
            return None
        return Interval(self.lo / other.hi * _HUNDRED, self.hi / other.lo * _HUNDRED)

    def meets(self, other: Interval) -> bool:
        """Some value lies in both (the two statements can both be true)."""
        return self.lo <= other.hi and other.lo <= self.hi

    @property
    def mid(self) -> Decimal:
        return (self.lo + self.hi) / 2

    def above(self, other: Interval) -> bool:
        return self.lo > other.hi

    def below(self, other: Interval) -> bool:
        return self.hi < other.lo


def _half_unit(text: str, kind: str) -> Decimal:
    """Half the last stated digit: 2700.38 -> 0.005, 29.2(%) -> 0.05; a whole count of people -> 0."""
    digits = text.replace(",", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return Decimal(0)  # a Chinese numeral (四期) is a count
    if "." in digits:
        return Decimal(5) / Decimal(10) ** (len(digits.split(".")[1]) + 1)
    return Decimal(0) if kind in _EXACT_KINDS or not digits.strip("0") else Decimal("0.5")  # a stated 0 is none


_MONEY_SCALE = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "万": Decimal(1),
                "亿元": Decimal(10000), "亿": Decimal(10000)}
_PEOPLE_UNITS = ("人", "名", "位")
_TEN_THOUSAND = re.compile(r"^万(?=.)")  # 万人, 万人次, 万户: the same measure as 人, 人次, 户, ten thousand times


def _measure(f: Figure) -> str | None:
    """What a figure's number measures, so that only like is added to like; None when it cannot be compared."""
    if f.kind == MONEY:
        return "money" if f.unit in _MONEY_SCALE or f.decimal == 0 else None
    if f.kind == PERCENT:
        return "percent" if f.unit in ("%", "％") else None
    unit = _TEN_THOUSAND.sub("", f.unit)
    if unit in _PEOPLE_UNITS:
        return "people"
    if f.kind in ("times", "count", "hours", "score"):
        return f"{f.kind}:{unit}"
    return None


def _interval(f: Figure) -> Interval:
    """The figure's value as an interval, money in 万元."""
    try:
        value = Decimal(f.value)
    except InvalidOperation:
        value = Decimal(0)
    half = _half_unit(f.text, f.kind)
    if f.kind == MONEY:
        scale = _MONEY_SCALE.get(f.unit, Decimal(1))
    else:
        scale = Decimal(10000) if _TEN_THOUSAND.match(f.unit) else Decimal(1)
        if scale != 1:
            half = max(half, Decimal("0.5")) if "." not in f.text else half  # 45万人 is rounded, not counted
    return Interval((value - half) * scale, (value + half) * scale)


def _threshold(f: Figure) -> Interval:
    """A target's value as the threshold it is (no rounding), in the unit its figure is compared in."""
    middle = _interval(f).mid
    return Interval(middle, middle)


def _fmt(value: Decimal, places: int = 2) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places)):f}"


def _pct(interval: Interval, places: int = 2) -> str:
    return f"{_fmt(interval.mid, places)}%"


def _places(figures: Sequence[Figure]) -> int:
    """Decimals to print a result computed from these figures with (the most any of them states)."""
    return max((len(f.text.split(".")[1]) for f in figures if "." in f.text), default=0)


# --- where each figure stands --------------------------------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?")
_COMPARED_YEARS = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?\s*(?:同比|比|较|与)\s*((?:19|20)\d{2})\s*年")
_COMPARISON_AROUND_YEAR = re.compile(r"(?:同比|比|较|与)\s*$")
_LAST_YEAR = ("比上年", "同比", "较上年", "上年度", "比去年", "较去年", "上一年", "与上年")
_DOWN = re.compile(r"减少|下降|降低|减|少|回落|节约|压减")
_UP = re.compile(r"增加|增长|上升|提高|增|多|上涨")
_PARTS_START = re.compile(r"其中")
_RESPECTIVELY = "分别"
_TOTAL_WORD = re.compile(r"共计|合计|总计|共|总额|总数|累计|全年")
_SHARE_WORD = re.compile(r"占(?!用|地|有)")
_RATE_WORD = re.compile(r"执行率|完成率|支出进度|执行进度|完成预算的|预算完成率")
_DIFFERENCE_WORD = re.compile(r"差异|差额|相差|结余")
_BUDGET_WORD = re.compile(r"预算")
_ACTUAL_WORD = re.compile(r"决算|执行数|执行|实际|完成|支出数|支出")
_CONTINUES = ("；", ";")


@dataclass
class _Placed:
    """A prose figure with where it stands: its passage (sentences joined by ；), offset, year and value."""

    fig: Figure
    passage: int
    offset: int  # in the passage text
    year: int | None
    value: Interval
    measure: str | None


@dataclass
class _Passage:
    text: str
    section: str
    sentences: list[str] = field(default_factory=list)
    figures: list[_Placed] = field(default_factory=list)


def _sentence_offset(f: Figure) -> int:
    clause_at = f.sentence.find(f.clause) if f.clause else -1
    if clause_at >= 0:
        at = f.sentence.find(f.text, clause_at)
        if at >= 0:
            return at
    return max(f.sentence.find(f.text), 0)


def _passages(figures: Sequence[Figure], default_year: int | None) -> list[_Passage]:
    """Group prose figures into passages: sentences that follow one another, the earlier ending in ；."""
    by_sentence: dict[tuple[str, str, int], list[Figure]] = {}
    clusters: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (first figure's start, sentence start)
    for f in sorted(figures, key=lambda f: (f.start, f.end)):
        seen = clusters[(f.section, f.sentence)]
        # the same sentence printed twice is two places; within one, offsets follow the first figure's
        home = next(((first, at) for first, at in seen if 0 <= f.start - first < len(f.sentence)), None)
        if home is None:
            home = (f.start, f.start - _sentence_offset(f))
            seen.append(home)
        by_sentence.setdefault((f.section, f.sentence, home[1]), []).append(f)
    passages: list[_Passage] = []
    previous_end = None
    for (section, sentence, start), figs in sorted(by_sentence.items(), key=lambda kv: kv[0][2]):
        joined = (passages and previous_end is not None and passages[-1].section == section
                  and passages[-1].text.rstrip().endswith(_CONTINUES) and 0 <= start - previous_end <= 2)
        if not joined:
            passages.append(_Passage(text="", section=section))
        passage = passages[-1]
        base = len(passage.text)
        passage.text += sentence
        passage.sentences.append(sentence)
        for f in figs:
            offset = base + (f.start - start)
            passage.figures.append(_Placed(f, len(passages) - 1, offset, None, _interval(f), _measure(f)))
        previous_end = start + len(sentence)
    for passage in passages:
        for placed in passage.figures:
            placed.year = _topic_year(passage.text, placed.offset) or default_year
    return passages


def _topic_year(text: str, offset: int) -> int | None:
    """The year a figure is stated for: the last year named before it that is not one side of a comparison."""
    year = None
    for m in _YEAR.finditer(text[:offset]):
        after = text[m.end():m.end() + 3]
        before = text[max(0, m.start() - 3):m.start()]
        if re.match(r"\s*(?:同比|比|较|与)", after) or _COMPARISON_AROUND_YEAR.search(before):
            continue
        year = int(m.group(1))
    return year


def _default_year(figures: Sequence[Figure]) -> int | None:
    years = Counter(int(y) for f in figures for y in _YEAR.findall(f.sentence))
    return years.most_common(1)[0][0] if years else None


# --- names: what a figure counts, as a key to match statements of the same quantity ---------------------------------

_NAME_NOISE = re.compile(
    r"(?:19|20)\d{2}\s*年度?|本年度|本年|全年|年度|本期|本部门|我部门|该部门|部门|本单位|我单位|该单位|本局|本会|"
    r"合计|总计|共计|累计|其中|全部|达到|约|的|为|是|达|共|有|总")
_NAME_TAIL = re.compile(r"(?:总额|总数|数额|数|额)+$")
_BOUND_WORDS = re.compile(r"以上|以下|以内|不低于|不少于|不高于|不超过|至少|力争|目标|预计|计划|拟|确保|达到")


def _own_name(phrase: str) -> str:
    """A figure's name for a message: its own words ('本部门收入·支出' -> '支出'), else the phrase as it is."""
    own = phrase.rsplit("·", 1)[-1]
    return own if len(re.sub(r"[^\u4e00-\u9fff]", "", own)) >= 2 else phrase.split("·")[0]


def _name_key(text: str, body_names: Sequence[str] = ()) -> str:
    """'本部门收入' and '总收入' -> '收入'; '支出数' -> '支出': the words that say what is counted. A phrase the
    extractor completed with its sentence's subject ('本部门收入·支出') is named by its own words ('支出')."""
    own = text.rsplit("·", 1)[-1]
    text = own if len(re.sub(r"[^\u4e00-\u9fff]", "", own)) >= 2 else text.split("·")[0]
    for name in sorted(body_names, key=len, reverse=True):
        if name:
            text = text.replace(name, "")
    text = re.sub(r"[\s“”\"‘’（）()、，,：:]", "", text)
    text = _NAME_NOISE.sub("", text)
    return _NAME_TAIL.sub("", text)


def _display(figures: Iterable[Figure]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.display for f in figures))


def _cite(figures: Iterable[Figure]) -> tuple[AuditCitation, ...]:
    return tuple(dict.fromkeys(AuditCitation(f.sentence, f.section) for f in figures))


def _sum(values: Iterable[Interval]) -> Interval:
    total = Interval.exact(Decimal(0))
    for v in values:
        total = total + v
    return total


def _plus(figures: Sequence[Figure]) -> str:
    return " + ".join(f.text for f in figures)


# --- the audit -----------------------------------------------------------------------------------------------------

def audit_figures(figures: Sequence[Figure], *, year: int | None = None, repeated: Sequence[RepeatedPassage] = (),
                  body_names: Sequence[str] = ()) -> list[Finding]:
    """Every check the report's figures allow, inconsistencies first; `year` is the report's year."""
    prose = [f for f in figures if not f.in_table]
    cells = [f for f in figures if f.in_table]
    default_year = year or _default_year(prose)
    passages = _passages(prose, default_year)
    audit = _Audit(passages, default_year, tuple(body_names))
    audit.parts_under_whole()
    audit.shares()
    audit.changes()
    audit.differences()
    audit.execution_rates()
    audit.implied_quantities()
    audit.text_targets()
    tables = _tables(cells)
    for table in tables:
        audit.findings.extend(_table_findings(table, [t for t in tables if t is not table]))
    audit.findings.extend(_repeated_findings(repeated))
    order = {s: n for n, s in enumerate(SEVERITIES)}
    unique = list(dict.fromkeys(audit.findings))
    return sorted(unique, key=lambda f: order[f.severity])


@dataclass
class _Quantity:
    """A value the report states or implies for (what, year): compared with other statements of the same."""

    key: str
    year: int | None
    measure: str
    value: Interval
    how: str  # how the report implies it, for the message: "按「…」推算为 2700.38 + 686.90 = 3387.28"
    figures: tuple[Figure, ...]
    name: str  # what it is, for the message


BODY = "本部门"  # the reporting body's own totals, however the report names it
_SELF_OR_TOTAL = re.compile(r"本部门|我部门|该部门|本局|我局|本会|本单位|我单位|本级|总|合计|共计|累计|全年|全部")
_MEASURE_WORDS = re.compile(r"(?:年初|年终|年中|全年|调整后|调整|本年|上年|预算|决算|支出|收入|执行|完成|实际|金额|数|额)+$")
_LIST_MARK = re.compile(r"^(?:（[\d一二三四五六七八九十]+）|\([\d一二三四五六七八九十]+\)|\d+[．.、]|[一二三四五六七八九十]+、)")


class _Audit:
    """The prose checks over one report's passages; each appends Findings."""

    def __init__(self, passages: list[_Passage], year: int | None, body_names: tuple[str, ...]) -> None:
        self.passages = passages
        self.year = year
        self.body_names = body_names
        self.findings: list[Finding] = []
        self.implied: list[_Quantity] = []  # wholes implied by complete share groups, previous years by changes
        self.compared: set[frozenset[str]] = set()  # figure ids already compared by a change check

    def key(self, text: str) -> str:
        return _name_key(text, self.body_names)

    def quantity_key(self, placed: _Placed) -> str:
        """What a figure counts, with the subject its sentence gives it: 'X(项):年初预算为…,支出决算为102.60' is X's
        支出决算; '“三公”经费…支出预算为18.60万元,支出决算为12.47万元' is the 三公经费's, not anyone's 支出决算."""
        f = placed.fig
        key = self.key(f.phrase)
        sentence = f.sentence
        at = sentence.find(f.clause) if f.clause else -1
        colon = max(sentence.rfind("：", 0, max(at, 0)), sentence.rfind(":", 0, max(at, 0)))
        if at > 0 and colon > 0:
            topic = self.key(_LIST_MARK.sub("", sentence[:colon].strip()))
            if len(re.sub(r"[^\u4e00-\u9fff]", "", topic)) >= 2:
                return f"{topic}·{key}"
        if key and _MEASURE_WORDS.fullmatch(key):
            # a bare 收入/支出/决算 is the body's own total only when the phrase says so (本部门, 本局, 总计 ...)
            # ... or the passage it continues does: "2023年本部门收入…；支出2700.38万元…" is the body's 支出
            opening = self.passages[placed.passage].figures[0].fig.phrase
            if any(_SELF_OR_TOTAL.search(t) or any(n and n in t for n in self.body_names) for t in (f.phrase, opening)):
                return f"{BODY}·{key}"
            first = next((q for q in self.passages[placed.passage].figures if q.fig.sentence == sentence
                          and q.fig.start < f.start and q.fig.clause != f.clause), None)
            if first is not None:
                subject = _MEASURE_WORDS.sub("", self.key(first.fig.phrase))
                if subject:
                    return f"{subject}·{key}"
            return ""  # whose 支出? ("2023年度支出6.32万元" under a heading): never compared with another
        return key

    def whole_key(self, named: str) -> str:
        """The whole a share names: '占总收入的' / '占支出数的' name the body's own total."""
        key = self.key(named)
        return f"{BODY}·{key}" if key and _MEASURE_WORDS.fullmatch(key) else key

    def add(self, kind: str, severity: str, message: str, figures: Sequence[Figure]) -> None:
        self.findings.append(Finding(kind, severity, message, _display(figures), _cite(figures)))

    # -- 其中 / 分别: parts under their whole ----------------------------------------------------------------------
    def parts_under_whole(self) -> None:
        for passage in self.passages:
            for marker in _part_markers(passage.text):
                listed = self._parts_after(passage, marker)
                if not listed:
                    continue
                whole = self._whole_before(passage, marker, listed[0][0].measure)
                if whole is None:
                    continue
                parts = _enough_parts(whole.value, listed)
                self._check_parts(whole, parts, exhaustive=passage.text.startswith(_RESPECTIVELY, marker))

    def _whole_before(self, passage: _Passage, marker: int, measure: str | None) -> _Placed | None:
        """The figure a 其中 list breaks down: the last one of the parts' measure before it."""
        before = [p for p in passage.figures if p.offset < marker and p.measure == measure
                  and p.fig.qualifier not in (CHANGE, TARGET) and not _in_parentheses(passage.text, p.offset)]
        if not before and not any(p.offset < marker for p in passage.figures):
            # "…收入58,236.48万元，…增长5.63%。其中：A …": the list opens the next sentence
            n = next(i for i, q in enumerate(self.passages) if q is passage)
            previous = self.passages[n - 1] if n > 0 else None
            if previous is not None and previous.section == passage.section:
                before = [p for p in previous.figures if p.measure == measure
                          and p.fig.qualifier not in (CHANGE, TARGET) and not _in_parentheses(previous.text, p.offset)]
        if not before or measure in (None, "percent"):
            return None
        whole = before[-1]
        if passage.text.startswith(_RESPECTIVELY, marker) and not _TOTAL_WORD.search(whole.fig.clause):
            return None  # "A、B分别为x、y": no whole is stated
        return whole

    def _parts_after(self, passage: _Passage, marker: int) -> list[tuple[_Placed, int]]:
        """The figures a 其中 list names, each with its sentence's number in the passage: those of the first part's
        measure, up to a figure of another measure or a new 其中 that breaks a part down."""
        bounds, at = [], 0
        for sentence in passage.sentences:
            bounds.append((at, at + len(sentence)))
            at += len(sentence)
        parts: list[tuple[_Placed, int]] = []
        for p in passage.figures:
            if p.offset <= marker or p.measure in (None, "percent") or p.fig.qualifier in (CHANGE, TARGET):
                continue
            if _in_parentheses(passage.text, p.offset):
                continue  # an aside: "得分18.5分（满分20分）" lists the score, not a part of 20
            if parts and p.measure != parts[0][0].measure:
                break
            if parts and _part_markers(passage.text[marker + 2:p.offset]):
                break
            sentence = next((n for n, (a, b) in enumerate(bounds) if a <= p.offset < b), 0)
            parts.append((p, sentence))
        return parts

    def _check_parts(self, whole: _Placed, parts: list[_Placed], exhaustive: bool) -> None:
        figures = [whole.fig] + [p.fig for p in parts]
        unit = whole.fig.unit
        places = _places(figures)
        groups, rest, over = _partitions(whole.value, [p.value for p in parts])
        if over is not None:
            listed = parts[:over + 1]
            total = _sum(p.value for p in listed)
            money = whole.measure == "money"
            if len(listed) == 1:
                self.add(PARTS, INCONSISTENT, f"「{listed[0].fig.clause}」大于它所属的总数"
                         f"「{whole.fig.clause}」", [whole.fig, listed[0].fig])
            else:
                # money under 其中 is one breakdown; head counts are often broken down several ways at once
                self.add(PARTS, INCONSISTENT if money or exhaustive else NOTE,
                         f"其中所列各项 {_plus([p.fig for p in listed])} = {_fmt(total.mid, places)}{unit}，"
                         f"超过总数 {whole.fig.display}", [whole.fig] + [p.fig for p in listed])
            return
        if len(parts) == 1 and groups:
            self.add(PARTS, OK, f"「{whole.fig.clause}」其中只列了一项「{parts[0].fig.clause}」，与总数相同", figures)
        elif groups:
            sums = "；".join(f"{_plus([parts[i].fig for i in g])} = {whole.fig.text}" for g in groups)
            self.add(PARTS, OK, f"「{whole.fig.clause}」的分项之和与总数相符：{sums}{unit}", figures)
        total = _sum(parts[i].value for i in rest)
        # a list far short of its whole is a selection ("其中A、B"), worth nothing; one close to it is worth a look
        near = total.hi >= whole.value.lo * Decimal("0.8")
        if rest and (exhaustive or len(rest) >= 2 and near) and not groups:
            listed = [parts[i].fig for i in rest]
            if exhaustive:
                self.add(PARTS, INCONSISTENT, f"分别列出的各项 {_plus(listed)} = {_fmt(total.mid, places)}{unit}，"
                         f"与合计 {whole.fig.display} 不符", [whole.fig] + listed)
            else:
                self.add(PARTS, NOTE, f"其中所列各项 {_plus(listed)} = {_fmt(total.mid, places)}{unit}，"
                         f"少于总数 {whole.fig.display}（可能没有列全）", [whole.fig] + listed)

    # -- 占: shares -----------------------------------------------------------------------------------------------
    def shares(self) -> None:
        groups: dict[tuple[str, str, int | None], list[tuple[_Placed, _Placed, str, _Placed | None]]] = \
            defaultdict(list)
        singles: list[tuple[_Placed, _Placed, str, _Placed | None]] = []
        for passage in self.passages:
            for i, p in enumerate(passage.figures):
                if p.measure != "percent" or p.fig.qualifier in (CHANGE, TARGET):
                    continue
                named = _share_whole_name(passage.text, p.offset)
                if named is None:
                    continue
                part = next((q for q in reversed(passage.figures[:i]) if q.measure not in (None, "percent")
                             and not _in_parentheses(passage.text, q.offset)), None)
                if part is None or part.fig.qualifier in (CHANGE, TARGET):
                    continue
                own_whole = self._whole_of_part(passage, part)
                # shares of one whole: named alike ("占总收入的"), or a bare 占 under the same 其中
                key = _group_key(self.whole_key(named), own_whole)
                if key:
                    groups[(passage.section, key, p.year)].append((p, part, named, own_whole))
                singles.append((p, part, named, own_whole))
        implied: dict[tuple[str, str, int | None], _Quantity] = {}
        for (section, key, year), members in groups.items():
            if len(members) < 2 or len({m[1].measure for m in members}) != 1:
                continue
            total_share = _sum(m[0].value for m in members)
            # shares of one whole adding up to about 100% break it down: the sum of their parts is that whole
            if total_share.meets(Interval(_HUNDRED - 1, _HUNDRED + 1)):
                if not total_share.meets(Interval.exact(_HUNDRED)):
                    shares = [m[0].fig for m in members]
                    whole_name = members[0][2] or (_own_name(members[0][3].fig.phrase) if members[0][3] else "")
                    self.add(SHARE, INCONSISTENT, f"占{whole_name}的各项比例 {' + '.join(f.text for f in shares)}"
                             f" = {_fmt(total_share.mid, _places(shares))}%，合计不是百分之百",
                             shares + [m[1].fig for m in members])
                parts = [m[1] for m in members]
                value = _sum(p.value for p in parts)
                whole = members[0][3]
                name = members[0][2] or (_own_name(whole.fig.phrase) if whole is not None else "")
                quantity_key = self.whole_key(members[0][2]) or (self.quantity_key(whole) if whole is not None
                                                                 else "")
                quantity = _Quantity(quantity_key, year, parts[0].measure or "", value, _plus([p.fig for p in parts]),
                                     tuple(m[0].fig for m in members) + tuple(p.fig for p in parts), name)
                implied[(section, key, year)] = quantity
                self.implied.append(quantity)
        for share, part, named, own_whole in singles:
            key = _group_key(self.whole_key(named), own_whole)
            self._check_share(share, part, named, own_whole,
                              implied.get((self.passages[share.passage].section, key, share.year)))

    def _whole_of_part(self, passage: _Passage, part: _Placed) -> _Placed | None:
        """For a part listed under 其中, the figure it is a part of."""
        markers = [m for m in _part_markers(passage.text) if m < part.offset]
        if not markers:
            return None
        return self._whole_before(passage, markers[-1], part.measure)

    def _stated_wholes(self, key: str, year: int | None, measure: str) -> list[_Placed]:
        found: dict[str, _Placed] = {}
        for passage in self.passages:
            for p in passage.figures:
                if (p.measure == measure and p.year == year and p.fig.qualifier not in (CHANGE, TARGET, PART)
                        and self.quantity_key(p) == key):
                    found.setdefault(p.fig.value, p)
        return list(found.values())

    def _check_share(self, share: _Placed, part: _Placed, named: str, own_whole: _Placed | None,
                     implied: _Quantity | None) -> None:
        key = self.whole_key(named)
        stated = [own_whole] if own_whole is not None and (not key or self.quantity_key(own_whole) == key) else []
        if not stated and key:
            stated = self._stated_wholes(key, share.year, part.measure or "")
        said = f"「{part.fig.clause}，{share.fig.clause}」"
        for whole in stated:
            ratio = part.value.ratio(whole.value)
            if ratio is None:
                continue
            figures = [part.fig, share.fig, whole.fig]
            if ratio.meets(share.value):
                self.add(SHARE, OK, f"{said}：{part.fig.text} ÷ {whole.fig.text} = {_pct(ratio)}，与所述相符",
                         figures)
                continue
            if implied is not None and (other := part.value.ratio(implied.value)) and other.meets(share.value):
                self.add(SHARE, INCONSISTENT,
                         f"{said}：按所述{named or '总数'} {whole.fig.display} 计算为 {part.fig.text} ÷ "
                         f"{whole.fig.text} = {_pct(ratio)}；{share.fig.display}是 {part.fig.text} 占各项之和 "
                         f"{implied.how} = {_fmt(implied.value.mid, _places(implied.figures))} 的比例，"
                         f"不是占所述{named or '总数'}的比例", figures + list(implied.figures))
            else:
                self.add(SHARE, INCONSISTENT, f"{said}：{part.fig.text} ÷ {whole.fig.text} = {_pct(ratio)}，"
                         f"与所述 {share.fig.display} 不符", figures)
            return
        if implied is not None and not stated and (ratio := part.value.ratio(implied.value)) is not None:
            severity = OK if ratio.meets(share.value) else INCONSISTENT
            verdict = "与所述相符" if severity == OK else f"与所述 {share.fig.display} 不符"
            self.add(SHARE, severity, f"{said}：各项之和 {implied.how} = "
                     f"{_fmt(implied.value.mid, _places(implied.figures))}，{part.fig.text} ÷ "
                     f"{_fmt(implied.value.mid, _places(implied.figures))} = {_pct(ratio)}，{verdict}",
                     [part.fig, share.fig] + list(implied.figures))

    # -- 比上年: changes -------------------------------------------------------------------------------------------
    def changes(self) -> None:
        for passage in self.passages:
            figs = passage.figures
            for i, change in enumerate(figs):
                if change.fig.qualifier != CHANGE or change.measure in (None, "percent"):
                    continue
                subject = next((q for q in reversed(figs[:i]) if q.measure == change.measure
                                and q.fig.qualifier not in (CHANGE, TARGET)
                                and not _in_parentheses(passage.text, q.offset)), None)
                if subject is None:
                    continue
                direction = _direction(change.fig.clause, change.fig.text)
                if direction == 0:
                    continue
                years = _compared_years(change.fig.clause, subject.year)
                if years is None:
                    continue
                to_year, from_year = years
                if subject.year is not None and subject.year == from_year:  # the subject is the earlier year's
                    sign = "+" if direction > 0 else "−"
                    other = subject.value + change.value if direction > 0 else subject.value - change.value
                    other_year, base, base_how = to_year, subject.value, subject.fig.text
                    how = f"{subject.fig.text} {sign} {change.fig.text}"
                else:
                    sign = "−" if direction > 0 else "+"
                    other = subject.value - change.value if direction > 0 else subject.value + change.value
                    other_year, base = from_year, other
                    how = base_how = f"{subject.fig.text} {sign} {change.fig.text}"
                clause = change.fig.clause
                self.implied.append(_Quantity(
                    self.quantity_key(subject), other_year, subject.measure or "", other,
                    f"按「{subject.fig.clause}，{clause}」推算为 {how} = "
                    f"{_fmt(other.mid, _places([subject.fig, change.fig]))}",
                    (subject.fig, change.fig), _own_name(subject.fig.phrase)))
                rate = figs[i + 1] if i + 1 < len(figs) else None
                # the rate right after the amount: 下降20.28%, 增幅5.19% (the extractor may call the latter a level)
                if (rate is not None and rate.measure == "percent" and rate.fig.qualifier != TARGET
                        and _direction(rate.fig.clause, rate.fig.text) == direction):
                    self._check_rate(subject, change, rate, base, base_how)

    def _check_rate(self, subject: _Placed, change: _Placed, rate: _Placed, base: Interval, base_how: str) -> None:
        computed = change.value.ratio(base)
        if computed is None:
            return
        figures = [subject.fig, change.fig, rate.fig]
        said = f"「{subject.fig.clause}，{change.fig.clause}，{rate.fig.clause}」"
        if computed.meets(rate.value):
            self.add(CHANGE_RATE, OK, f"{said}：{change.fig.text} ÷ ({base_how}) = {_pct(computed)}，与所述相符",
                     figures)
            return
        naive = change.value.ratio(subject.value)
        hint = (f"；{rate.fig.display}是 {change.fig.text} ÷ {subject.fig.text} 的结果，用了本年数而不是上年数作基数"
                if naive is not None and naive.meets(rate.value) else "")
        self.add(CHANGE_RATE, INCONSISTENT, f"{said}：{change.fig.text} ÷ ({base_how}) = {_pct(computed)}，"
                 f"与所述 {rate.fig.display} 不符{hint}", figures)

    # -- 差异: differences -----------------------------------------------------------------------------------------
    def differences(self) -> None:
        for passage in self.passages:
            figs = passage.figures
            for i, diff in enumerate(figs):
                if diff.measure in (None, "percent") or not _DIFFERENCE_WORD.search(diff.fig.clause):
                    continue
                before = [q for q in figs[:i] if q.measure == diff.measure and q.fig.qualifier not in (CHANGE,)
                          and not _DIFFERENCE_WORD.search(q.fig.clause)]
                if len(before) < 2:
                    continue
                a, b = before[-2], before[-1]
                if not (_BUDGET_WORD.search(a.fig.clause + b.fig.clause)):
                    continue  # a difference between two amounts the genre compares: budget and final account
                computed = b.value - a.value
                magnitude = computed if computed.lo >= 0 else Interval(-computed.hi, -computed.lo)
                places = _places([a.fig, b.fig, diff.fig])
                said = f"「{a.fig.clause}，{b.fig.clause}，{diff.fig.clause}」"
                if magnitude.meets(diff.value):
                    self.add(DIFFERENCE, OK, f"{said}：{b.fig.text} − {a.fig.text} = {_fmt(computed.mid, places)}，"
                             "与所述差异相符", [a.fig, b.fig, diff.fig])
                else:
                    self.add(DIFFERENCE, INCONSISTENT, f"{said}：{b.fig.text} − {a.fig.text} = "
                             f"{_fmt(computed.mid, places)}，与所述差异 {diff.fig.display} 不符",
                             [a.fig, b.fig, diff.fig])

    # -- 执行率: execution rates -----------------------------------------------------------------------------------
    def execution_rates(self) -> None:
        for passage in self.passages:
            for rate in passage.figures:
                if (rate.measure != "percent" or rate.fig.qualifier in (TARGET, CHANGE)
                        or not _RATE_WORD.search(rate.fig.clause)):
                    continue
                money = [q for q in passage.figures if q.measure == "money" and q.offset < rate.offset
                         and q.fig.qualifier not in (CHANGE, TARGET)]
                # the nearest whole amounts first (a part listed under 其中 is rarely what was executed)
                money.sort(key=lambda q: (q.fig.qualifier == PART, -q.offset))
                budgets = [q for q in money if _BUDGET_WORD.search(q.fig.clause) and not re.search(r"决算", q.fig.clause)]
                actuals = [q for q in money if q not in budgets and _ACTUAL_WORD.search(q.fig.clause)]
                if not budgets or not actuals:
                    continue
                pairs = [(a, b) for a in actuals for b in budgets]
                holds = next(((a, b) for a, b in pairs if (r := a.value.ratio(b.value)) and r.meets(rate.value)), None)
                self._check_execution(rate, *(holds or pairs[0]))

    def _check_execution(self, rate: _Placed, actual: _Placed, budget: _Placed) -> None:
        computed = actual.value.ratio(budget.value)
        if computed is None:
            return
        figures = [actual.fig, budget.fig, rate.fig]
        said = f"「{rate.fig.clause}」"
        if computed.meets(rate.value):
            self.add(EXECUTION_RATE, OK, f"{said}：{actual.fig.text} ÷ {budget.fig.text} = {_pct(computed)}，"
                     "与所述相符", figures)
            return
        saving = (budget.value - actual.value).ratio(budget.value)
        hint = ("；所述比例是节余部分占预算的比例（(预算 − 执行) ÷ 预算），不是执行率"
                if saving is not None and saving.meets(rate.value) else "")
        self.add(EXECUTION_RATE, INCONSISTENT, f"{said}：{actual.fig.text} ÷ {budget.fig.text} = {_pct(computed)}，"
                 f"与所述 {rate.fig.display} 不符{hint}", figures)

    # -- the same quantity stated one way and implied another ----------------------------------------------------
    def implied_quantities(self) -> None:
        """A whole implied by shares that add up to 100%, or a year's value implied by a change, vs the same
        quantity as the report states it (or as it implies it another way)."""
        stated: dict[tuple[str, int | None, str], list[_Placed]] = defaultdict(list)
        for passage in self.passages:
            for p in passage.figures:
                if p.measure and p.fig.qualifier not in (CHANGE, TARGET):
                    stated[(self.quantity_key(p), p.year, p.measure)].append(p)
        done: set[frozenset[str]] = set()
        # changes first: a year implied by a change is the subject of its message
        for q in sorted(self.implied, key=lambda q: not _by_change(q)):
            if not q.key:
                continue
            ids = {f.id for f in q.figures}
            seen_values: set[str] = set()  # a figure the report states twice is compared once
            for s in stated.get((q.key, q.year, q.measure), []):
                pair = frozenset(ids | {s.fig.id})
                if s.fig.id in ids or pair in done or s.fig.value in seen_values:
                    continue
                seen_values.add(s.fig.value)
                done.add(pair)
                self._compare(q, f"报告所述{_own_name(s.fig.phrase)} {s.fig.display}", s.value, [s.fig], True)
            for other in self.implied:
                other_ids = {f.id for f in other.figures}
                if other is q or (other.key, other.year, other.measure) != (q.key, q.year, q.measure):
                    continue
                pair = frozenset(ids | other_ids)
                if pair in done or ids & other_ids:
                    continue
                done.add(pair)
                self._compare(q, _described(other), other.value, list(other.figures), False)

    def _compare(self, q: _Quantity, shown: str, value: Interval, figures: list[Figure], stated: bool) -> None:
        year = f"{q.year}年" if q.year and q.year != self.year else ""  # the report's own year goes unsaid
        kind = PREVIOUS_YEAR if _by_change(q) else PARTS
        lead = _described(q)
        all_figures = list(q.figures) + figures
        if q.value.meets(value):
            self.add(kind, OK, f"{year}{q.name}：{lead}，与{shown}相符", all_figures)
            return
        places = max(_places(q.figures), _places(figures))
        high, low = sorted((q.value.mid, value.mid), reverse=True)
        gap = f"相差 {_fmt(high, places)} − {_fmt(low, places)} = {_fmt(high - low, places)}"
        if stated:
            message = f"{year}{q.name}前后不一致：{lead}，而{shown}（{gap}）"
        else:
            message = f"{year}{q.name}对不上：{lead}，而{shown}（{gap}）"
        self.add(kind, INCONSISTENT, message, all_figures)

    # -- targets stated in the text vs the actual figures ---------------------------------------------------------
    def text_targets(self) -> None:
        actuals: dict[tuple[str, str], list[_Placed]] = defaultdict(list)
        targets: list[_Placed] = []
        for passage in self.passages:
            for p in passage.figures:
                if not p.measure:
                    continue
                if p.fig.qualifier == TARGET:
                    targets.append(p)
                elif p.fig.qualifier not in (CHANGE, PART):
                    actuals[(self.key(_BOUND_WORDS.sub("", p.fig.phrase)), p.measure)].append(p)
        for target in targets:
            key = self.key(_BOUND_WORDS.sub("", target.fig.phrase))
            if len(key) < 2:
                continue
            for actual in actuals.get((key, target.measure), []):
                if actual.year != target.year:
                    continue
                bound = _bound(target.fig.clause, target.fig.text)
                met = _meets_target(actual.value, _threshold(target.fig), bound)
                said = f"目标「{target.fig.clause}」，实际「{actual.fig.clause}」"
                if met is None:
                    continue
                self.add(TARGET_MET, OK if met else NOTE, f"{said}：{'达到目标' if met else '未达到目标'}",
                         [target.fig, actual.fig])


def _group_key(named_key: str, own_whole: _Placed | None) -> str:
    return named_key or (f"whole:{own_whole.fig.id}" if own_whole is not None else "")


def _by_change(q: _Quantity) -> bool:
    return any(f.qualifier == CHANGE for f in q.figures)


def _described(q: _Quantity) -> str:
    """How the report implies a quantity, in words."""
    if _by_change(q):
        return q.how
    shares = [f for f in q.figures if f.kind == PERCENT]
    parts = [f for f in q.figures if f.kind != PERCENT]
    return (f"占{q.name}{'、'.join(f.display for f in shares)}的各项之和为 {q.how} = "
            f"{_fmt(q.value.mid, _places(parts))}")


def _in_parentheses(text: str, offset: int) -> bool:
    """The position stands inside （…） or (…) of the text before it."""
    before = text[:offset]
    opened = max(before.rfind("（"), before.rfind("("))
    return opened >= 0 and opened > max(before.rfind("）"), before.rfind(")"))


def _part_markers(text: str) -> list[int]:
    """Where 其中 (and 分别) open a list of parts in a passage."""
    return sorted([m.start() for m in _PARTS_START.finditer(text)] + [m.start() for m in
                                                                      re.finditer(_RESPECTIVELY, text)])


def _enough_parts(whole: Interval, listed: list[tuple[_Placed, int]]) -> list[_Placed]:
    """The parts of the 其中 sentence, and of the sentences after it (joined by ；) only while the list is short of
    its whole: "其中A 29人，B 248人；C 18人，D 2人。" continues, "其中A、B；项目支出 …" does not."""
    first = listed[0][1]
    parts = [p for p, n in listed if n == first]
    for n in sorted({n for _, n in listed if n > first}):
        groups, rest, over = _partitions(whole, [p.value for p in parts])
        if groups or over is not None:
            break
        more = parts + [p for p, k in listed if k == n]
        _, _, over_more = _partitions(whole, [p.value for p in more])
        if over_more is not None:
            break
        parts = more
    return parts


def _partitions(whole: Interval, parts: list[Interval]) -> tuple[list[list[int]], list[int], int | None]:
    """Split the parts, in order, into runs that each add up to the whole (a list may break a whole down several
    ways: 51 + 92, then 117 + 26, of 143). Returns (closed runs, the open rest, index where a run overshoots)."""
    groups: list[list[int]] = []
    current: list[int] = []
    total = Interval.exact(Decimal(0))
    for i, part in enumerate(parts):
        if part.hi == 0 and groups and not current:
            groups[-1].append(i)  # a stated nil ("其他资金 0") belongs to the breakdown before it
            continue
        current.append(i)
        total = total + part
        if total.meets(whole):
            groups.append(current)
            current, total = [], Interval.exact(Decimal(0))
        elif total.above(whole):
            return groups, current, i
    return groups, current, None


def _share_whole_name(text: str, offset: int) -> str | None:
    """The whole a share names: '占总收入的98.57%' -> '总收入'; '占比89.83%' -> ''; no 占 -> None."""
    clause_start = max(text.rfind(c, 0, offset) for c in "，,；;。：:") + 1
    clause = text[clause_start:offset]
    m = None
    for m in _SHARE_WORD.finditer(clause):
        pass
    if m is None:
        return None
    name = clause[m.end():]
    name = re.sub(r"^(?:比|比例|比重)|(?:的|比例|比重|为|达|约|了)+$", "", name.strip())
    return name.strip()


_BETWEEN_DIRECTION_AND_NUMBER = re.compile(r"^(?:了|约|近|达|为|至|幅度?|率|比例|百分比)*$")


def _direction(clause: str, number_text: str) -> int:
    """+1 for an increase, −1 for a decrease, as the word right before the number says ('减少686.90', '增幅5.19%');
    0 when none stands there ('比上年增长--(基数为0': the 0 is not the change)."""
    before = clause[:clause.find(number_text)] if number_text in clause else clause
    last = None
    for m in list(_DOWN.finditer(before)) + list(_UP.finditer(before)):
        if last is None or m.end() > last.end():
            last = m
    if last is None or not _BETWEEN_DIRECTION_AND_NUMBER.match(before[last.end():].strip()):
        return 0
    return -1 if _DOWN.fullmatch(last.group()) else 1


def _compared_years(clause: str, subject_year: int | None) -> tuple[int | None, int | None] | None:
    """(the later year, the earlier year) a change compares; None when the clause compares no years."""
    m = _COMPARED_YEARS.search(clause)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.search(r"(?:比|较|同比)\s*((?:19|20)\d{2})\s*年", clause)
    if m:
        return subject_year, int(m.group(1))
    if any(w in clause for w in _LAST_YEAR):
        return subject_year, (subject_year - 1 if subject_year else None)
    return None


_AT_LEAST = re.compile(r"≥|>=|＞=|不低于|不少于|以上|至少|及以上|不小于")
_AT_MOST = re.compile(r"≤|<=|＜=|不高于|不超过|以下|以内|及以下|不大于")


def _bound(text: str, number_text: str = "") -> int:
    """+1: the target is a floor (≥, 以上, 不低于); −1: a ceiling (≤, 以下, 不超过); 0: a value to reach."""
    if _AT_LEAST.search(text) or re.search(r">|＞", text):
        return 1
    if _AT_MOST.search(text) or re.search(r"<|＜", text):
        return -1
    return 0


def _meets_target(actual: Interval, target: Interval, bound: int) -> bool | None:
    if bound >= 0:
        if bound == 0 and target.hi == 0:
            return not actual.above(target)  # a target of none (0 起事故): any more is a miss
        return not actual.below(target)
    return not actual.above(target)


# --- tables --------------------------------------------------------------------------------------------------------

_TOTAL_ROW = re.compile(r"合计|总计|小计|总分|总额|共计|总数")
_RATE_COLUMN = re.compile(r"率|%|％|占比|比例|比重|进度")
_TARGET_COLUMN = re.compile(r"指标值|目标值|计划值|预期值|年度目标|目标")
_ACTUAL_COLUMN = re.compile(r"实际完成值|完成值|实际值|实际完成|实际")
_MAX_SCORE_COLUMN = re.compile(r"^分值$|满分|权重")
_SCORE_COLUMN = re.compile(r"^得分$|评分$|^得分")
_BUDGET_COLUMN = re.compile(r"预算")
_EXECUTED_COLUMN = re.compile(r"执行数|执行|决算|实际支出|支出数")


@dataclass
class _Table:
    id: str
    section: str
    rows: dict[int, dict[int, Figure]]  # row index -> col index -> the cell's (first) figure
    labels: dict[int, str]  # row index -> row label path
    columns: dict[int, str]  # col index -> column header path


def _tables(cells: Sequence[Figure]) -> list[_Table]:
    tables: dict[str, _Table] = {}
    for f in cells:
        row, col = f.extra.get("row_index"), f.extra.get("col_index")
        if not isinstance(row, int) or not isinstance(col, int):
            continue
        table = tables.setdefault(f.table, _Table(f.table, f.section, {}, {}, {}))
        table.rows.setdefault(row, {}).setdefault(col, f)
        table.labels[row] = f.row
        table.columns[col] = f.column
    return list(tables.values())


def _cell_measure(f: Figure) -> str | None:
    """A cell's measure: as a prose figure's, and a bare number is like the other numbers of its column."""
    return _measure(f) or (f"number:{f.unit}" if f.kind == "number" else None)


def _row_title(table: _Table, row: int) -> str:
    """How a row is named in a message: its label path ("产出指标 > 数量指标 > 门诊服务人次"), else its label cells."""
    label = [part for part in table.labels.get(row, "").split(" > ") if part and not re.fullmatch(r"[\d.,%]+", part)]
    if label:
        return " > ".join(label)
    first = next(iter(table.rows[row].values()), None)
    cells = first.extra.get("cells", []) if first is not None else []
    names = []
    for text in cells:
        if re.search(r"\d", text):
            break
        if text and text not in names:
            names.append(text)
    return " > ".join(names)


def _cell_text(f: Figure) -> str:
    return f.clause.rsplit("：", 1)[-1] if "：" in f.clause else f.text


def _row_name(label: str) -> str:
    return label.split(" > ")[-1] if label else ""


def _table_findings(table: _Table, others: list[_Table]) -> list[Finding]:
    findings: list[Finding] = []
    findings.extend(_table_totals(table, others))
    findings.extend(_table_targets(table))
    findings.extend(_table_scores(table))
    findings.extend(_table_execution(table))
    return findings


def _is_total(label: str) -> bool:
    return bool(_TOTAL_ROW.search(re.sub(r"\s", "", _row_name(label))))


_BOTTOM_TOTAL = re.compile(r"合计|总计|小计|总分|共计")  # sums the rows above it; 总额 / 总数 head the rows below


def _prefix(label: str) -> str:
    return label.rsplit(" > ", 1)[0] if " > " in label else ""


def _children(table: _Table, top: int, order: list[int]) -> list[int]:
    """The rows a 总额 row heads: those right below it under the same label prefix, up to the next total."""
    prefix = _prefix(table.labels.get(top, ""))
    rows = []
    for r in (r for r in order if r > top):
        label = table.labels.get(r, "")
        if _is_total(label) or _prefix(label) != prefix:
            break
        rows.append(r)
    return rows


def _table_totals(table: _Table, others: Sequence[_Table] = ()) -> list[Finding]:
    """A 合计/总分 row vs the rows above it, a 总额 row vs the rows it heads (one or several breakdowns), column by
    column; columns without a header, rates and scores of a 总额 row are not sums and are left alone. A 总分 may
    also count the same column of the report's other tables (the budget table's 分值 beside the indicators')."""
    findings = []
    order = sorted(table.rows)
    totals = [r for r in order if _is_total(table.labels.get(r, ""))]
    bottoms = [r for r in totals if _BOTTOM_TOTAL.search(re.sub(r"\s", "", _row_name(table.labels.get(r, ""))))]
    tops = [r for r in totals if r not in bottoms]
    for t in totals:
        for col, total_fig in sorted(table.rows[t].items()):
            header = table.columns.get(col, "").split(" > ")[-1].strip()
            measure = _cell_measure(total_fig)
            if not header or _RATE_COLUMN.search(header) or measure in (None, "percent"):
                continue

            def has(r: int) -> bool:
                return col in table.rows[r] and _cell_measure(table.rows[r][col]) == measure

            if t in bottoms:
                previous = max((x for x in bottoms if x < t), default=-1)
                rows = [r for r in order if previous < r < t and has(r)]
                covered = {c for x in tops if x in rows for c in _children(table, x, order) if has(x)}
                parts = [r for r in rows if r not in covered
                         and not re.sub(r"\s", "", _row_name(table.labels.get(r, ""))).startswith("其中")]
            else:
                if _SCORE_COLUMN.search(header) or _MAX_SCORE_COLUMN.search(header):
                    continue  # a 总额 row's 分值/得分 score it, they do not add up the rows below
                parts = [r for r in _children(table, t, order) if has(r)]
            if len(parts) < 2:
                continue
            cells = [table.rows[r][col] for r in parts]
            if t in bottoms and not _sum(_interval(c) for c in cells).meets(_interval(total_fig)):
                elsewhere = [f for other in others for f in _column_cells(other, header, measure)]
                if elsewhere and _sum(_interval(c) for c in cells + elsewhere).meets(_interval(total_fig)):
                    cells += elsewhere
            findings.append(_total_finding(table, t, header, total_fig, cells, bottom=t in bottoms))
    return findings


def _column_cells(table: _Table, header: str, measure: str | None) -> list[Figure]:
    """The cells of another table's column of this name (its total rows aside, if it has rows besides them)."""
    cells = [(r, f) for r, row in sorted(table.rows.items()) for c, f in row.items()
             if table.columns.get(c, "").split(" > ")[-1].strip() == header and _cell_measure(f) == measure]
    plain = [f for r, f in cells if not _BOTTOM_TOTAL.search(_row_name(table.labels.get(r, "")))]
    return plain


def _total_finding(table: _Table, t: int, column: str, total_fig: Figure, cells: list[Figure],
                   bottom: bool) -> Finding:
    whole = _interval(total_fig)
    figures = [total_fig] + cells
    label = _row_title(table, t)
    places = _places(figures)
    cite = tuple(dict.fromkeys(AuditCitation(c.sentence, c.section or table.section) for c in figures))
    # a 合计 adds up every row above it; a 总额 may head several breakdowns (by source, by use) of itself
    groups, rest, over = ([list(range(len(cells)))], [], None) if bottom else _partitions(
        whole, [_interval(c) for c in cells])
    total = _sum(_interval(c) for c in cells)
    if bottom and total.meets(whole) or not bottom and groups and not rest and over is None:
        sums = "；".join(" + ".join(cells[i].text for i in g) + f" = {total_fig.text}" for g in groups)
        return Finding(PARTS, OK, f"表格「{label}」行的「{column}」与各行之和相符：{sums}", _display(figures), cite)
    listed = " + ".join(c.text for c in cells)
    if bottom or over is not None:
        return Finding(PARTS, INCONSISTENT, f"表格「{label}」行的「{column}」为 {total_fig.display}，而各行之和 "
                       f"{listed} = {_fmt(total.mid, places)}", _display(figures), cite)
    return Finding(PARTS, NOTE, f"表格「{label}」行的「{column}」为 {total_fig.display}，其下各行之和 {listed} = "
                   f"{_fmt(total.mid, places)}（可能没有列全）", _display(figures), cite)


def _columns(table: _Table, pattern: re.Pattern, exclude: re.Pattern | None = None) -> list[int]:
    return [c for c, h in sorted(table.columns.items()) if pattern.search(h.split(" > ")[-1])
            and not (exclude and exclude.search(h.split(" > ")[-1]))]


def _table_targets(table: _Table) -> list[Finding]:
    """Each row's 实际完成值 vs its 年度指标值 (with the target's bound: ≥, ≤, 以上 ...)."""
    targets = _columns(table, _TARGET_COLUMN, _ACTUAL_COLUMN)
    actuals = _columns(table, _ACTUAL_COLUMN)
    if not targets or not actuals:
        return []
    t_col, a_col = targets[0], actuals[0]
    met: list[Figure] = []
    findings = []
    for r in sorted(table.rows):
        cells = table.rows[r]
        if t_col not in cells or a_col not in cells:
            continue
        target, actual = cells[t_col], cells[a_col]
        if _cell_measure(target) != _cell_measure(actual) or _cell_measure(target) is None:
            continue
        # a target is a threshold, not a rounded measurement: only the actual value carries rounding
        ok = _meets_target(_interval(actual), _threshold(target), _bound(_cell_text(target)))
        if ok is None:
            continue
        if ok:
            met += [target, actual]
        else:
            findings.append(Finding(TARGET_MET, NOTE, f"「{_row_title(table, r)}」未达到目标：实际完成值 "
                                    f"{_cell_text(actual)}，年度指标值 {_cell_text(target)}",
                                    _display([target, actual]), _cite([actual])))
    if met:
        rows = len(met) // 2
        findings.append(Finding(TARGET_MET, OK, f"表格中 {rows} 项指标的实际完成值达到了年度指标值",
                                _display(met), _cite(met[1::2])))
    return findings


def _table_scores(table: _Table) -> list[Finding]:
    """No row scores more than its 分值."""
    maxima = _columns(table, _MAX_SCORE_COLUMN)
    scores = _columns(table, _SCORE_COLUMN)
    if not maxima or not scores:
        return []
    m_col, s_col = maxima[0], scores[0]
    findings, fine = [], []
    for r in sorted(table.rows):
        cells = table.rows[r]
        if m_col not in cells or s_col not in cells:
            continue
        top, got = cells[m_col], cells[s_col]
        if _interval(got).above(_interval(top)):
            findings.append(Finding(SCORE, INCONSISTENT, f"「{_row_title(table, r)}」得分 {got.text} 高于分值 "
                                    f"{top.text}", _display([top, got]), _cite([got])))
        else:
            fine += [top, got]
    if fine:
        findings.append(Finding(SCORE, OK, f"表格中 {len(fine) // 2} 行的得分都不高于分值", _display(fine),
                                _cite(fine[1::2])))
    return findings


def _table_execution(table: _Table) -> list[Finding]:
    """Each row's 执行率 vs its 执行数 ÷ 预算数 (全年预算数 first, then 年初预算数)."""
    rates = _columns(table, re.compile(r"执行率|完成率"))
    executed = _columns(table, _EXECUTED_COLUMN, re.compile(r"率"))
    budgets = _columns(table, _BUDGET_COLUMN, re.compile(r"率|执行|决算"))
    if not rates or not executed or not budgets:
        return []
    budgets.sort(key=lambda c: 0 if "全年" in table.columns[c] or "调整" in table.columns[c] else 1)
    findings = []
    for r in sorted(table.rows):
        cells = table.rows[r]
        rate = cells.get(rates[0])
        actual = cells.get(executed[0])
        if rate is None or actual is None or _measure(rate) != "percent" or _measure(actual) != "money":
            continue  # an execution rate divides money; other rows of a table with two parts hold other things
        if any(_AT_LEAST.search(t) or _AT_MOST.search(t) for t in rate.extra.get("cells", [])):
            continue  # a row with bounds (≤1.2万元/场) is an indicator's, whatever the header above it says
        tried = []
        for b in budgets:
            if b not in cells or _measure(cells[b]) != "money":
                continue
            ratio = _interval(actual).ratio(_interval(cells[b]))
            if ratio is None:
                continue
            tried.append((cells[b], ratio))
            if ratio.meets(_interval(rate)):
                findings.append(Finding(EXECUTION_RATE, OK, f"「{_row_title(table, r)}」执行率 {rate.display}："
                                        f"{actual.text} ÷ {cells[b].text} = {_pct(ratio)}，相符",
                                        _display([actual, cells[b], rate]), _cite([rate])))
                break
        else:
            if tried:
                budget, ratio = tried[0]
                findings.append(Finding(EXECUTION_RATE, INCONSISTENT, f"「{_row_title(table, r)}」执行率 "
                                        f"{rate.display}，而 {actual.text} ÷ {budget.text} = {_pct(ratio)}",
                                        _display([actual, budget, rate]), _cite([rate])))
    return findings


# --- repeated passages ---------------------------------------------------------------------------------------------

def _repeated_findings(repeated: Sequence[RepeatedPassage]) -> list[Finding]:
    findings = []
    for passage in repeated:
        text = passage.text.strip()
        chars = len(re.sub(r"\s", "", text))
        head, tail = text[:24], text[-24:]
        findings.append(Finding(REPEATED, NOTE, f"一段约 {chars} 字的文字在报告中逐字出现了两次："
                                f"从「{head}…」到「…{tail}」", (), (AuditCitation(text, passage.section),)))
    return findings


def repeated_passages(duplicate_texts: Sequence[str], paragraphs: Sequence) -> list[RepeatedPassage]:
    """The passages the cleaner removed as second copies, each with the section its kept copy stands in."""
    def plain(text: str) -> str:
        return re.sub(r"^(?:（\d+）|\(\d+\)|\d+[．.、])|[\s。，；：！？,;:]", "", text)

    out = []
    for text in duplicate_texts:
        first = plain(re.split(r"(?<=[。！？；])", text.strip(), maxsplit=1)[0])[:30]
        section = next((p.section for p in paragraphs if first and first in plain(p.text)), "")
        out.append(RepeatedPassage(text.strip(), section))
    return out
