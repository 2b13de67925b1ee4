"""Pure: every number the report states -> a Figure (value, unit, kind, qualifier, phrase, sentence, section, span)."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from ingest.chunk import sentence_spans
from ingest.numbers import ROLE_FIGURE, UNIT_KIND, UNITS, find_numbers
from ingest.report import Paragraph

# kinds of quantity
MONEY = "money"
PERCENT = "percent"
PEOPLE = "people"
COUNT = "count"  # things: 个, 家, 户, 枚, 本, 条, 场 ...
TIMES = "times"  # 次, 人次, 期
HOURS = "hours"  # 工时
SCORE = "score"  # 分
NUMBER = "number"  # a bare number

# qualifiers: how the figure relates to what it counts
LEVEL = "level"  # an achieved/stated amount
CHANGE = "change"  # 比上年减少/增加/下降 ...
TARGET = "target"  # 92%以上, 拟投入 ...
PART = "part"  # 其中…: a part of the preceding figure


@dataclass(frozen=True)
class Figure:
    """One figure as the report states it."""

    text: str  # as written, e.g. "2700.38", "四"
    value: str  # exact decimal, e.g. "2700.38", "4"
    unit: str  # 万元, %, 名, 人次, 期 ...
    kind: str  # money | percent | people | count | times | hours | score | number
    qualifier: str  # level | change | target | part
    phrase: str  # what it counts, e.g. "在托残疾人"
    clause: str  # the clause that states it, e.g. "现有143名残疾人在托"
    sentence: str
    section: str
    report: str
    start: int  # span of `text` in the cleaned report
    end: int
    extra: dict = field(default_factory=dict, compare=False)
    # a table cell: its table ("t1"), its row's label path ("产出指标 > 数量指标 > 康复服务人数") and its column's
    # header path ("实际完成值"); "" for a figure of the prose. `sentence` is then the row as printed.
    table: str = ""
    row: str = ""
    column: str = ""

    @property
    def in_table(self) -> bool:
        return bool(self.table)

    @property
    def id(self) -> str:
        return hashlib.sha1(f"{self.report}|{self.start}|{self.text}|{self.unit}".encode()).hexdigest()[:16]

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.value)

    @property
    def display(self) -> str:
        """The figure as a person reads it: '2700.38万元', '98.57%', '143名'."""
        return f"{self.text}{self.unit}"

    def to_metadata(self) -> dict:
        """Flat metadata for Chroma (scalars only)."""
        d = asdict(self)
        d["extra"] = json.dumps(self.extra, ensure_ascii=False)
        return d

    @classmethod
    def from_metadata(cls, meta: dict) -> Figure:
        d = dict(meta)
        d["extra"] = json.loads(d.get("extra") or "{}")
        d["start"], d["end"] = int(d["start"]), int(d["end"])
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?]")
_CHANGE_BEFORE = re.compile(r"(?:减少|增加|下降|上升|增长|降低|提高|减|增|多|少)了?(?:约|近)?$")
_CHANGE_CONTEXT = ("比上年", "同比", "较上年", "比去年", "与上年相比", "较去年", "比2", "较2")
_TARGET_BEFORE = ("拟", "计划", "预计", "力争", "目标", "不低于", "不少于", "确保")
_BOUND_AFTER = re.compile(r"^(?:以上|以下|以内|及以上|及以下|左右)")
_PHRASE_TRIM = re.compile(r"^(?:其中|共计|共|合计|总计|约|达到|达|为|是|有|现有|惠及|全年|累计|已)+|(?:为|达到|达|共计|共|约|是)+$")
_LEADING_MARKER = re.compile(r"^(?:（\d{1,2}）|\(\d{1,2}\)|\d{1,2}[．.、](?!\d))")
_MONEY_WORDS = ("资金", "经费", "金额", "补助", "补贴", "资助", "预算", "决算", "收入", "支出", "拨款", "元", "救助")


def extract_figures(paragraphs: Iterable[Paragraph], report_id: str) -> list[Figure]:
    """Every figure the report states, one Figure per number, with what it counts and where it stands."""
    figures: list[Figure] = []
    for p in paragraphs:
        if p.is_heading and not p.level:
            continue  # the title block: its year is not a figure
        if p.is_table_row:
            continue  # table cells are figures of their own (ingest/table_figures.py)
        body = p.text
        marker = _LEADING_MARKER.match(body)
        skip = marker.end() if marker else 0
        for s_start, s_end in sentence_spans(body):
            sentence = body[s_start:s_end]
            offset = p.start + s_start
            local_skip = max(0, skip - s_start)
            figures.extend(_sentence_figures(sentence, offset, local_skip, p.section, report_id))
    return figures


def _sentence_figures(sentence: str, offset: int, skip: int, section: str, report_id: str) -> list[Figure]:
    tokens = [t for t in find_numbers(sentence) if t.role == ROLE_FIGURE and t.start >= skip]
    if not tokens:
        return []
    clauses = _clause_spans(sentence)
    subject = ""
    part_from = sentence.find("其中")
    figures: list[Figure] = []
    for t in tokens:
        c_start, c_end = next(((a, b) for a, b in clauses if a <= t.start < b), (0, len(sentence)))
        clause = sentence[c_start:c_end]
        others = [o for o in tokens if c_start <= o.start < c_end and o is not t]
        if others and "、" in clause:
            clause, c_start = _enumeration_item(clause, c_start, t.start)
        before = sentence[c_start:t.start]
        after = sentence[t.end:c_end]
        unit = t.unit
        kind = UNIT_KIND.get(unit, NUMBER)
        if unit in ("万", "亿", "") and any(w in sentence for w in _MONEY_WORDS):
            kind = MONEY
        qualifier = _qualifier(sentence, before, after, t, part_from, unit, section)
        phrase = _phrase(clause, t.start - c_start, t.end - c_start)
        # a bare "下降20.28%" or "共13.35万元" says what it counts through the clause before it
        context = subject if qualifier == CHANGE or not figures else figures[-1].phrase.split("·")[0]
        if len(re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", phrase)) < 3 and context:
            phrase = f"{context}·{phrase}" if phrase else context
        if not subject:
            subject = phrase
        figures.append(Figure(
            text=t.text, value=str(t.value), unit=unit, kind=kind, qualifier=qualifier, phrase=phrase,
            clause=clause.strip(), sentence=sentence.strip(), section=section, report=report_id,
            start=offset + t.start, end=offset + t.start + len(t.text),
        ))
    return figures


def _clause_spans(sentence: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(sentence):
        spans.append((start, len(sentence)))
    return spans


def _enumeration_item(clause: str, c_start: int, pos: int) -> tuple[str, int]:
    """In "精神类51名、智力及重度残疾人92名" the item of the figure at `pos` is its own clause."""
    item_start = 0
    for piece in clause.split("、"):
        item_end = item_start + len(piece)
        if item_start <= pos - c_start <= item_end:
            if re.search(r"[\u4e00-\u9fff]{2}", piece):
                return piece, c_start + item_start
            break
        item_start = item_end + 1
    return clause, c_start


def _qualifier(sentence: str, before: str, after: str, t, part_from: int, unit: str, section: str) -> str:
    if any(w in before for w in _TARGET_BEFORE):
        return TARGET
    if _BOUND_AFTER.match(after):
        return TARGET if unit in ("%", "分") or "目标" in section or "目标" in sentence else "bound"
    if _CHANGE_BEFORE.search(before) or (any(w in before for w in _CHANGE_CONTEXT)
                                         and re.search(r"减少|增加|下降|上升|增长|降低|提高", before)):
        return CHANGE
    if 0 <= part_from < t.start:
        return PART
    return LEVEL


def _phrase(clause: str, n_start: int, n_end: int) -> str:
    """What a figure counts: its clause without the number, unit and filler words."""
    text = (clause[:n_start] + clause[n_end:]).strip()
    text = re.sub(r"^\s*(?:（\d+）|\d+[．.])", "", text)
    text = re.sub(rf"^(?:{'|'.join(re.escape(u) for u in UNITS)})", "", clause[n_end:].strip()) if not clause[:n_start].strip() else text
    if clause[:n_start].strip():
        unit_after = re.match(rf"^(?:{'|'.join(re.escape(u) for u in UNITS)})", clause[n_end:])
        rest = clause[n_end + (unit_after.end() if unit_after else 0):]
        text = clause[:n_start] + rest
    text = _PHRASE_TRIM.sub("", text.strip(" “”\"（）()"))
    text = re.sub(r"\d{4}年度?|\d{1,2}月\d{1,2}日|截止|截至", "", text)
    return text.strip(" ，,。").strip()
