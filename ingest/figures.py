"""Pure: every number the report states -> a Figure (value, unit, kind, qualifier, phrase, clause, sentence, span).

The Figure contract (what the answering side may rely on):

- `text` is the number as the report writes it ("2700.38", "1,055.4", "四"); `value` its exact decimal ("1055.4",
  "4"); `unit` as written after it, or shared with it: in "收、支总计各是3,256.78,3,198.45万元" both are 万元, and in a
  form field "项目资金(万元):年度资金总额120" the field's unit. `start`/`end` span `text` in the cleaned report.
- `qualifier`: level | change (比上年减少…) | target (拟, 目标, ≥, 以上) | part (after 其中) | bound | nil.
- `phrase`: what the figure counts, its own subject first ("支出总计", "项目支出·占支出总额", "项目资金·年度资金总额").
  `clause`: the report's words that state it, verbatim. For a figure of a distributed statement ("A、B分别为x、y",
  "收、支总计各是x,y", "各下降x%、y%", "分别占…的x%、y%") the clause is only the figure's own item ("3,198.45万元"),
  so that no clause names another figure's subject; `extra["group"]` = {"clause": the whole statement, "subjects":
  [...], "index": i} and the phrase names the figure's own subject.
- `relation` / `base` (percentages mostly): "share" (占…的x%: of `base`, e.g. "支出总额"; after 其中 the whole
  before it), "completion" (完成预算的x%, 完成率: of `base`, e.g. "年初预算"), "execution" (执行率: `base` = what was
  executed, e.g. "项目支出"), "change" (增长/下降 x%, and amounts of change), "" otherwise.
- `year`: the year the figure is about — named in its clause or sentence (a year after 比/较/与 is the comparison's
  base, not the figure's), 上年 → the report's year − 1, else the report's year; 0 when unknown.
- Statements that stand where a number would are figures of kind and qualifier **"nil"** (as app/statements.py
  reads them too): "本单位2023年度无此项支出" / "无会议费支出" / a heading answered by "无。" (`extra["nil"] =
  "none"`), "与上年持平" / "与上年无变化" ("unchanged", relation "change"), "增长--（基数为0，不可比）"
  ("not_comparable", relation "change"; "completion"/"execution" where a rate of the budget cannot be computed:
  "完成年初预算的--（年初预算为0，不可比）"). Their `text` is the statement as written
  ("无此项支出", "与上年持平", "--（基数为0，不可比）"), `value` "0" (only so that every figure has a decimal: never
  quote it as a number), `unit` "", `phrase` what the statement is about (the item, or the heading it stands under
  for 此项/该项). Asked for that figure, the answer is the statement, quoting its sentence.
- Stated zeros ("上级补助收入0万元，占0%") are ordinary figures. Placeholders ("(图3:支出结构图)"), years, dates,
  document numbers, phone numbers, codes and list numbers are not figures (ingest.numbers gives them their roles;
  `number_census` accounts for every number of the text).
- A report in traditional characters: `extra["original"]` holds the sentence in the report's own characters.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from ingest.chunk import sentence_spans
from ingest.document import PlacedTable
from ingest.numbers import ROLE_FIGURE, UNIT_KIND, UNITS, NumberToken, find_numbers
from ingest.report import Paragraph
from ingest.tables import TARGET as TARGET_COLUMN, column_role

# kinds of quantity
MONEY = "money"
PERCENT = "percent"
PEOPLE = "people"
COUNT = "count"  # things: 个, 家, 户, 枚, 本, 条, 场 ...
TIMES = "times"  # 次, 人次, 期
HOURS = "hours"  # 工时
SCORE = "score"  # 分
NUMBER = "number"  # a bare number
NIL = "nil"  # a statement standing where a number would: 无此项支出, 与上年持平, --（不可比）

# qualifiers: how the figure relates to what it counts
LEVEL = "level"  # an achieved/stated amount
CHANGE = "change"  # 比上年减少/增加/下降 ...
TARGET = "target"  # 92%以上, 拟投入 ...
PART = "part"  # 其中…: a part of the preceding figure
BOUND = "bound"

# relations of a figure to another quantity (Figure.relation)
SHARE = "share"
COMPLETION = "completion"
EXECUTION = "execution"
# CHANGE doubles as the relation of a change

# kinds of nil statement (Figure.extra["nil"])
NIL_NONE = "none"
NIL_UNCHANGED = "unchanged"
NIL_NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Figure:
    """One figure as the report states it."""

    text: str  # as written, e.g. "2700.38", "1,407", "四"; for kind "nil" the statement ("无此项支出")
    value: str  # exact decimal, e.g. "2700.38", "1407", "4"
    unit: str  # 万元, %, 名, 人次, 期 ...
    kind: str  # money | percent | people | count | times | hours | score | number | nil ...
    qualifier: str  # level | change | target | part | bound
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
    relation: str = ""  # share | completion | execution | change | ""
    base: str = ""  # what a share/completion/execution is of: "支出总额", "年初预算", "项目支出"
    year: int = 0  # the year the figure is about; 0 unknown

    @property
    def in_table(self) -> bool:
        return bool(self.table)

    @property
    def is_nil(self) -> bool:
        return self.kind == NIL

    @property
    def id(self) -> str:
        return hashlib.sha1(f"{self.report}|{self.start}|{self.text}|{self.unit}".encode()).hexdigest()[:16]

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.value)

    @property
    def display(self) -> str:
        """The figure as a person reads it: '2700.38万元', '98.57%', '143名'; a nil statement as written."""
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
        if "year" in d:
            d["year"] = int(d["year"] or 0)
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?]")
_PERIOD = re.compile(r"[^。！？!?]*[。！？!?]+|[^。！？!?]+$")
_CHANGE_BEFORE = re.compile(r"(?:减少|增加|下降|上升|增长|降低|提高|减|增|多|少)了?(?:约|近)?$")
_CHANGE_WORDS = re.compile(r"减少|增加|下降|上升|增长|降低|提高")
_CHANGE_CONTEXT = ("比上年", "同比", "较上年", "比去年", "与上年相比", "较去年", "比2", "较2")
_TARGET_BEFORE = ("拟", "计划", "预计", "力争", "目标", "不低于", "不少于", "确保")
_BOUND_AFTER = re.compile(r"^(?:以上|以下|以内|及以上|及以下|左右)")
_BOUND_BEFORE = re.compile(r"(?:≥|≤|>=|<=|＞|＜|>|<|不低于|不少于|不高于|不超过|至少|超过)\s*$")
_PHRASE_TRIM = re.compile(r"^(?:其中|共计|共|合计|总计|约|达到|达|为|是|有|现有|惠及|全年|累计|已)+"
                          r"|(?:分别|为|达到|达|共计|共|约|是)+$")
_LEADING_MARKER = re.compile(r"^(?:[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]|\d{1,2}[．.、](?!\d)|[一二三四五六七八九十]{1,3}、"
                             r"|[①-⑳])")
_TOTAL_WORDS = re.compile(r"合计|总计|共计|总额|总支出|总收入")
_MONEY_WORDS = ("资金", "经费", "金额", "补助", "补贴", "资助", "预算", "决算", "收入", "支出", "拨款", "元", "救助")
_FIELD = re.compile(r"^(?P<name>[\u4e00-\u9fffA-Za-z、]{2,16}?)\s*(?:[（(](?P<unit>[^）)]{1,6})[）)])?\s*[：:]")
# a distributed statement: 各/分别 before its values ("各是", "分别为", "各减少", "分别占…的")
_DISTRIBUTION = re.compile(r"(?P<marker>各|分别)(?P<verb>是|为|占|达到|达|有|减少|增加|下降|上升|增长|降低|提高|完成|支出|收入)?")
_FILLER_VERB = re.compile(r"^(?:是|为|达到|达|有)|的$")
# a phrase that only says "compared with last year, it rose": the subject is the figure it changes
_CHANGE_TAIL = re.compile(r"(?:比上年|较上年|同比)?(?:增加|减少|下降|上升|增长|降低|提高)$")
_COMPARISON_ONLY = re.compile(r"^(?:(?:比|较|与|同比)(?:上年度?|去年|上年同期)?(?:相比)?)?(?:同比)?(?:增加|减少|下降|上升|增长|降低|提高|增|减)?(?:了)?(?:·.*)?$")
_ENUMERATION = re.compile(r"[、和与及]")
_ONE_CHARACTER_HEADS = {"收": "收入", "支": "支出"}  # "收、支总计": 收入总计, 支出总计
_SCOPE_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}年度?|本年度?|全年|今年|本单位|本部门|我部门|我单位|本局|本会)+")
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")
_COMPARED = re.compile(r"(?:比|较|与|同|对比|相比)\s*$")
_LAST_YEAR = re.compile(r"(?<![比较与同])(?:上年|去年|上一年)(?!度?同期)")
_SHARE = re.compile(r"占(?:比)?(?P<base>[^占，,；;。]*?)(?:的)?(?:比重|比例)?(?:为|达到|达)?\s*$")
_COMPLETION = re.compile(r"完成(?P<base>[^完，,；;。]*?)的\s*$|完成率(?:为|达到|达)?\s*$")
_EXECUTION = re.compile(r"执行率(?:为|达到|达)?\s*$")
# nil statements
_NIL_NONE = re.compile(r"(?:无|未发生|没有|未安排)(?P<this>此项|该项|相关)?"
                       r"(?P<item>[\u4e00-\u9fff（）()“”\"]{0,24}?)(?P<end>费用支出|经费支出|支出|收入|费用|经费)"
                       r"(?![\u4e00-\u9fff])")
_NIL_UNCHANGED = re.compile(r"(?:(?:与|较|比)(?:上年度?|去年)(?:同期)?(?:相比)?|同比)?(?:基本)?持平"
                            r"|(?:与|较|比)(?:上年度?|去年)(?:同期)?(?:相比)?(?:无变化|没有变化|未发生变化|保持不变|相同|一致)")
# (also where a completion or execution rate would stand: "完成年初预算的--（年初预算为0，不可比）", "执行率--")
_NIL_NOT_COMPARABLE = re.compile(r"(?<=增长|下降|增加|减少|增幅|降幅|变动|变化|增减|同比|算的|行率|成率)(?:率|幅度)?(?:为)?\s*"
                                 r"(?:--|—{1,2}|－{1,2}|-(?!\d)|不可比)(?:\s*[（(][^）)]{0,30}[）)])?")


@dataclass
class _Token:
    """A figure-to-be: a number token, or a nil statement, with what the period around it says of it."""

    text: str
    value: Decimal
    unit: str
    start: int  # in the period
    end: int  # end of the number (unit excluded)
    nil: str = ""
    unit_shared: bool = False
    subject: str = ""
    group: dict | None = None
    clause: tuple[int, int] | None = None
    qualifier: str = ""
    measure: str = ""  # a distributed figure: the words between 各/分别 and the first value ("占支出总额的")


def extract_figures(paragraphs: Iterable[Paragraph], report_id: str, year: int | None = None,
                    original: str = "") -> list[Figure]:
    """Every figure the report states, one Figure per number (and per nil statement), with what it counts.

    `year` is the report's year (a figure's year when its text names none); `original` the cleaned text in the
    report's own characters when it was converted from traditional ones (CleanedText.original).
    """
    figures: list[Figure] = []
    for p in paragraphs:
        if p.is_title or p.is_preface or p.is_table_row:
            continue  # the title's year, a 文号, an index line: no figures; table cells: ingest/table_figures.py
        if p.is_heading and not p.level:
            continue
        body = p.text
        marker = _LEADING_MARKER.match(body)
        skip = marker.end() if marker else 0
        field_name, field_unit = _field(body)
        whole = ""  # the last whole the paragraph stated: what a "其中：…占a%" in a later sentence is a share of
        for m in _PERIOD.finditer(body):
            if not m.group().strip():
                continue
            found = _period_figures(m.group(), p.start + m.start(), max(0, skip - m.start()), p.section,
                                    report_id, year, field_name, field_unit, original, whole)
            figures.extend(found)
            whole = next((f.phrase.split("·")[0] for f in reversed(found) if f.qualifier == LEVEL
                          and f.unit not in ("%", "‰") and not f.is_nil), whole)
    return figures


_CONNECTIVE_FIELDS = ("其中", "包括", "含", "另")


def _field(body: str) -> tuple[str, str]:
    """A form's field line "项目资金(万元):年度资金总额120": its name and the unit its name gives."""
    m = _FIELD.match(body)
    if m is None:
        return "", ""
    if m.group("name") in _CONNECTIVE_FIELDS:
        # "其中：财政拨款：全年预算数280.00；…": 其中 says it is a part; the field is the one it introduces
        inner = _FIELD.match(body[m.end():].lstrip())
        if inner is not None:
            m = inner
    unit = (m.group("unit") or "").strip()
    return m.group("name"), unit if unit in UNITS else ""


def _period_figures(period: str, offset: int, skip: int, section: str, report_id: str, year: int | None,
                    field_name: str, field_unit: str, original: str, whole: str = "") -> list[Figure]:
    tokens = _tokens(period, skip)
    if not tokens:
        return []
    clauses = _clause_spans(period, tokens)
    for t in tokens:
        t.clause = next(((a, b) for a, b in clauses if a <= t.start < b), (0, len(period)))
    _distribute(period, tokens, clauses)
    sentences = sentence_spans(period)
    part_from = period.find("其中")
    part_to = len(period)
    if part_from >= 0 and re.match(r"其中\s*[：:]", period[part_from:]):
        # "其中：A…；B…；C…" lists its parts over sentences, up to the period's end or a sentence naming a new total
        part_to = next((a for a, b in sentences if a > part_from and _TOTAL_WORDS.search(
            period[a:min([t.start for t in tokens if a <= t.start < b] or [b])])), len(period))
    elif part_from >= 0:  # "X，其中a，b；Y…": the parts end with their sentence
        part_to = next((b for a, b in sentences if a <= part_from < b), len(period))
    figures: list[Figure] = []
    for t in tokens:
        c_start, c_end = t.clause
        clause = period[c_start:c_end]
        s_start, s_end = next(((a, b) for a, b in sentences if a <= t.start < b), (0, len(period)))
        sentence = period[s_start:s_end].strip()
        before, after = period[c_start:t.start], period[t.end:c_end]
        unit = t.unit or (field_unit if not t.nil else "")
        kind = NIL if t.nil else UNIT_KIND.get(unit, NUMBER)
        if not t.nil and unit in ("万", "亿", "") and any(w in period for w in _MONEY_WORDS + (field_name,)) \
                and (field_unit in ("万元", "元", "亿元") or any(w in period for w in _MONEY_WORDS)):
            kind = MONEY
        qualifier = t.qualifier or _qualifier(period, before, after, t, part_from if t.start < part_to else -1, unit,
                                              section)
        if t.group is not None:
            phrase = t.subject
            own = period[t.start:t.end + (len(t.unit) if not t.unit_shared else 0)]
            clause_text = own
        elif t.nil:
            phrase = t.subject or _nil_subject(period, c_start, t, figures, section, field_name)
            clause_text = clause.strip() if t.text in clause else t.text
        else:
            others = [o for o in tokens if c_start <= o.start < c_end and o is not t]
            item_start = c_start
            if others and "、" in clause:
                clause, item_start = _enumeration_item(clause, c_start, t.start)
            aside = c_start > 0 and period[c_start - 1] in "（("
            beside = _ASIDE.match(period, c_end)
            if beside is not None and not aside and any(beside.start() < o.start < beside.end() for o in tokens):
                clause += beside.group()  # the aside qualifies it: "完成预算的72.00%（预算12.00万元）"
            phrase = _phrase(clause, t.start - item_start, t.end - item_start)
            # the context a bare "下降20.28%" or "占3.07%" borrows its subject from: figures of its own sentence
            # an aside ("（预算12.00万元）") is no subject of what follows it
            in_sentence = [f for f in figures if f.start >= offset + s_start and not f.extra.get("aside")]
            if aside:  # and its own subject is the sentence's amount, not the rate it stands beside
                in_sentence = [f for f in in_sentence if f.relation not in (SHARE, COMPLETION, EXECUTION)]
            # (a form line's field name is no context: "项目资金分别用于:CT1台,支出468万元" - 支出 is CT's)
            context = "" if not in_sentence else _without_field(in_sentence[-1].phrase, field_name).split("·")[0]
            if qualifier == CHANGE:
                # what changed: the nearest figure before it that names a subject (not a share or a rate)
                context = next((_CHANGE_TAIL.sub("", f.phrase.split("·")[0]) for f in reversed(in_sentence)
                                if f.relation in ("", CHANGE) and not f.is_nil
                                and not _COMPARISON_ONLY.match(f.phrase.split("·")[0])), "")
            if (len(re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", phrase)) < 3
                    or (qualifier == CHANGE and _COMPARISON_ONLY.match(phrase))) and context:
                phrase = f"{context}·{phrase}" if phrase else context
            clause_text = clause.strip()
        if field_name and not t.nil:
            # a form line of several fields ("社会效益指标:等候时间;年度指标值:≤3天;实际完成值:1.5天"): a figure is the
            # value of its own field, for the item the line's text field names
            item, sub_field = _form_item_and_field(period, s_start, t.start, skip)
            phrase = "·".join(dict.fromkeys(x for x in (item, sub_field, _without_unit_note(phrase)) if x))
            if sub_field and column_role([sub_field]) == TARGET_COLUMN and qualifier in (LEVEL, BOUND):
                qualifier = TARGET  # "年度指标值:100%": the target set, whatever its wording
        if field_name and not phrase.startswith(field_name):
            phrase = f"{field_name}·{phrase}" if phrase else field_name
        if part_from >= 0 and t.start < part_from and not t.nil and unit not in ("%", "‰") and qualifier != CHANGE:
            whole = phrase.split("·")[0]
        relation, base = _relation(period, c_start, t, qualifier, unit, phrase,
                                   whole if 0 <= part_from < t.start < part_to else "", field_name)
        extra: dict = {}
        if t.group is None and not t.nil and c_start > 0 and period[c_start - 1] in "（(":
            extra["aside"] = True
        if t.group is not None:
            extra["group"] = t.group
        if t.unit_shared:
            extra["unit_shared"] = True
        if t.nil:
            extra["nil"] = t.nil
        if original:
            extra["original"] = original[offset + s_start:offset + s_end].strip()
        figures.append(Figure(
            text=t.text, value=str(t.value), unit=unit, kind=kind, qualifier=qualifier, phrase=phrase,
            clause=clause_text, sentence=sentence, section=section, report=report_id,
            start=offset + t.start, end=offset + t.start + len(t.text), extra=extra,
            relation=relation, base=base, year=_figure_year(period, c_start, t, qualifier, year),
        ))
    return figures


_SUB_FIELD = re.compile(r"^\s*(?P<name>[\u4e00-\u9fffA-Za-z、]{2,16}?)\s*(?:[（(][^）)]{1,6}[）)])?\s*[：:]\s*(?P<value>.*)$",
                        re.DOTALL)
_UNIT_NOTE = re.compile(rf"[（(](?:{'|'.join(re.escape(u) for u in UNITS)})[）)]$")


def _form_item_and_field(period: str, s_start: int, pos: int, skip: int) -> tuple[str, str]:
    """In a form line split by ；/;, the field a value stands in ("年度指标值") and the item an earlier field of the
    line names in words only ("门诊检查平均等候时间"); ("", "") for the line's first field (its name is the field)."""
    segments = [(a, b) for a, b in sentence_spans(period)]
    if len(segments) < 2:
        return "", ""
    sub_field, item = "", ""
    for k, (a, b) in enumerate(segments):
        m = _SUB_FIELD.match(period[max(a, skip):b].rstrip("；;。"))
        if a <= pos < b:
            if k and m is not None and m.end("name") <= pos - max(a, skip):
                sub_field = m.group("name")
            break
        if m is not None and not re.search(r"\d", m.group("value")) and m.group("value").strip():
            item = m.group("value").strip()
    return (item, sub_field) if sub_field else ("", "")


def _without_field(phrase: str, field_name: str) -> str:
    return phrase[len(field_name) + 1:] if field_name and phrase.startswith(field_name + "·") else phrase


def _without_unit_note(phrase: str) -> str:
    """"(套)" after "≥25台": a unit's alternative, not what the figure counts."""
    return "·".join(q for q in (_UNIT_NOTE.sub("", p) for p in phrase.split("·")) if q)


def _tokens(period: str, skip: int) -> list[_Token]:
    """The period's figure numbers and nil statements, in order; numbers inside a nil statement are part of it."""
    nils: list[_Token] = []
    for pattern, kind in ((_NIL_NONE, NIL_NONE), (_NIL_UNCHANGED, NIL_UNCHANGED),
                          (_NIL_NOT_COMPARABLE, NIL_NOT_COMPARABLE)):
        for m in pattern.finditer(period):
            if m.start() < skip or any(n.start < m.end() and m.start() < n.end for n in nils):
                continue
            nils.append(_Token(m.group(), Decimal(0), "", m.start(), m.end(), nil=kind, qualifier=NIL))
    bare = re.fullmatch(r"\s*(无|没有)\s*[。.]?\s*", period)
    if bare is not None:  # "（4）其他对部门影响较大的支出情况。无": the heading says what there was none of
        nils.append(_Token(bare.group(1), Decimal(0), "", bare.start(1), bare.end(1), nil=NIL_NONE, qualifier=NIL))
    numbers = [t for t in find_numbers(period) if t.role == ROLE_FIGURE and t.start >= skip
               and not any(n.start <= t.start < n.end for n in nils)]
    # "无障碍设施支出120万元" states a figure: a "none" statement holds only where its clause states no number
    clauses = _clause_spans(period, [])
    kept = []
    for n in nils:
        c = next(((a, b) for a, b in clauses if a <= n.start < b), (0, len(period)))
        if n.nil == NIL_NONE and any(c[0] <= t.start < c[1] for t in numbers):
            continue
        kept.append(n)
    tokens = [_Token(t.text, t.value, t.unit, t.start, t.start + len(t.text)) for t in numbers] + kept
    return sorted(tokens, key=lambda t: t.start)


_ASIDE = re.compile(r"[（(][^（()）]{1,30}[）)]")


def _clause_spans(sentence: str, tokens: Sequence[_Token | NumberToken]) -> list[tuple[int, int]]:
    """Clauses split at ，,；;：:。！？ — never at a comma inside a number ("3,256.78")."""
    inside = [(t.start, t.end) for t in tokens]
    breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(sentence)]
    # an aside in brackets that states a figure ("完成预算的72.00%（预算12.00万元）") is a clause of its own
    for m in _ASIDE.finditer(sentence):
        if any(m.start() < a and b <= m.end() - 1 for a, b in inside) and not any(
                a < m.start() < b or a < m.end() - 1 < b for a, b in inside):
            breaks += [(m.start(), m.start() + 1), (m.end() - 1, m.end())]
    spans, start = [], 0
    for b_start, b_end in sorted(breaks):
        if any(a < b_start < b for a, b in inside):
            continue
        if b_start > start:
            spans.append((start, b_start))
        start = max(start, b_end)
    if start < len(sentence):
        spans.append((start, len(sentence)))
    return spans


def _distribute(period: str, tokens: list[_Token], clauses: list[tuple[int, int]]) -> None:
    """Give each figure of a distributed statement ("A、B分别为x、y", "各下降x%、y%") its own subject.

    The values after 各/分别 — in its clause and in the bare-value clauses that follow ("各是x,y万元") — take, in
    order, the subjects enumerated before the marker ("收、支总计" -> 收入总计, 支出总计); with none enumerated, the
    subjects of the period's previous distributed statement ("…各减少x,y，各下降a%、b%"), else the subjects of as
    many figures just before ("基本支出x，项目支出y，分别占…的a%、b%").
    """
    previous_subjects: list[str] = []
    for ci, (c_start, c_end) in enumerate(clauses):
        m = _DISTRIBUTION.search(period, c_start, c_end)
        if m is None:
            continue
        group = [t for t in tokens if m.end() <= t.start < c_end and not t.nil]
        if any(t.start < m.start() for t in tokens if c_start <= t.start < c_end):
            continue  # "X万元，分别…" — the marker does not stand before the clause's values
        for n_start, n_end in clauses[ci + 1:]:
            bare = [t for t in tokens if n_start <= t.start < n_end]
            rest = re.sub(r"[\d.,%\s]", "", period[n_start:n_end])
            if len(bare) != 1 or (rest and rest not in UNITS):
                break
            group.extend(bare)
        head = period[c_start:m.start()]
        subjects = _enumerated_subjects(head)
        if len(subjects) > len(group):
            group = _split_comma_numbers(group, len(subjects), tokens)
        if len(group) < 2:
            continue
        if len(subjects) != len(group):
            subjects = previous_subjects if len(previous_subjects) == len(group) else _subjects_before(
                period, tokens, group, c_start)
        if len(subjects) != len(group):
            continue
        previous_subjects = subjects
        verb = period[m.start():m.end()]
        qualifier = CHANGE if _CHANGE_WORDS.search(verb) else ""
        measure = _FILLER_VERB.sub("", _clean_subject(period[m.end("marker"):group[0].start]))  # 占支出总额
        unit = next((t.unit for t in reversed(group) if t.unit), "")
        statement = period[c_start:max(t.end + len(t.unit) for t in group)]
        for i, (t, subject) in enumerate(zip(group, subjects)):
            t.subject = f"{subject}·{measure}" if measure else subject
            t.group = {"clause": statement, "subjects": subjects, "index": i}
            t.measure = period[m.end("marker"):group[0].start]
            if not t.unit and unit:
                t.unit, t.unit_shared = unit, True
            if qualifier:
                t.qualifier = qualifier


def _enumerated_subjects(head: str) -> list[str]:
    """"2021年度收、支总计" -> ["收入总计", "支出总计"]; "基本支出、项目支出" -> both; one subject -> []."""
    head = _SCOPE_PREFIX.sub("", head.strip())
    items = [i for i in _ENUMERATION.split(head) if i]
    if len(items) < 2:
        return []
    first, last = items[0], items[-1]
    tail = ""
    if len(first) <= 2 and len(last) > len(first):
        last, tail = last[:len(first)], last[len(first):]
    heads = items[:-1] + [last]
    out = []
    for h in heads:
        if tail and h in _ONE_CHARACTER_HEADS and not tail.startswith(_ONE_CHARACTER_HEADS[h][1:]):
            h = _ONE_CHARACTER_HEADS[h]
        out.append(h + tail)
    return out


def _subjects_before(period: str, tokens: list[_Token], group: list[_Token], c_start: int) -> list[str]:
    before = [t for t in tokens if t.end <= c_start and not t.nil and t.group is None]
    if len(before) < len(group):
        return []
    subjects = []
    clauses = _clause_spans(period, tokens)
    for t in before[-len(group):]:
        a, b = next(((a, b) for a, b in clauses if a <= t.start < b), (0, len(period)))
        subjects.append(_phrase(period[a:b], t.start - a, t.end - a))
    return subjects if all(subjects) else []


def _split_comma_numbers(group: list[_Token], wanted: int, tokens: list[_Token]) -> list[_Token]:
    """"各是120,130万元" for two subjects: "120,130" is two figures, not one with a thousands separator."""
    out: list[_Token] = []
    for t in group:
        pieces = t.text.split(",")
        if len(group) - 1 + len(pieces) == wanted and len(pieces) > 1 and len(out) + len(pieces) <= wanted:
            at = t.start
            for k, piece in enumerate(pieces):
                out.append(_Token(piece, Decimal(piece), t.unit if k == len(pieces) - 1 else "", at, at + len(piece)))
                at += len(piece) + 1
            tokens[tokens.index(t):tokens.index(t) + 1] = out[-len(pieces):]
            for n in out[-len(pieces):]:
                n.clause = t.clause
        else:
            out.append(t)
    return out


def _clean_subject(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("，,：:")


def _nil_subject(period: str, c_start: int, t: _Token, figures: list[Figure], section: str, field_name: str) -> str:
    """What a nil statement is about: its item, the words before it, the figure before it, or its heading."""
    m = _NIL_NONE.fullmatch(t.text)
    if m is not None and m.group("item") and not m.group("this"):
        return (m.group("item") + m.group("end")).strip("“”\"")
    before = _SCOPE_PREFIX.sub("", re.sub(r"(?:(?:19|20)\d{2}年度?|本年度?|本单位|本部门|我部门|本局|本会)", "",
                                          period[c_start:t.start]))
    before = re.sub(r"(?:与|较|比|同比)$", "", before).strip()
    if (len(re.findall(r"[\u4e00-\u9fff]", before)) >= 2 and not _NIL_NONE.search(before)
            and not _COMPARISON_ONLY.match(before)):
        return before
    if figures and figures[-1].phrase:
        return figures[-1].phrase.split("·")[0]
    if field_name:
        return field_name
    heading = section.rsplit(" > ", 1)[-1]
    return re.sub(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d{1,2}[．.、])", "", heading)


def _relation(period: str, c_start: int, t: _Token, qualifier: str, unit: str, phrase: str,
              whole: str, field_name: str = "") -> tuple[str, str]:
    """What a percentage is of: a share of X, the completion of X, the execution rate of X, a change."""
    if t.nil:
        if t.nil == NIL_NOT_COMPARABLE:  # a rate that cannot be computed: of a budget, or of a change
            before = period[c_start:t.start]
            m = _COMPLETION.search(before)
            if m is not None:
                return COMPLETION, _clean_subject(m.group("base") or "")
            if _EXECUTION.search(before):
                return EXECUTION, "预算"
        return (CHANGE, "") if t.nil != NIL_NONE else ("", "")
    if qualifier == CHANGE:
        return CHANGE, ""
    if unit not in ("%", "‰"):
        return "", ""
    before = t.measure if t.group is not None else period[c_start:t.start]
    if field_name and not re.search(r"[\u4e00-\u9fff]", before):
        before = field_name + before  # "执行率:97%": the field names the rate
    m = _SHARE.search(before)
    if m is not None:
        return SHARE, _clean_subject(m.group("base")) or whole
    m = _COMPLETION.search(before)
    if m is not None:
        return COMPLETION, _clean_subject(m.group("base") or "")
    if _EXECUTION.search(before):
        subject = _LEADING_MARKER.sub("", re.sub(r"(?:预算)?执行率(?:为|达到|达)?\s*$", "", before).strip())
        return EXECUTION, _clean_subject(_SCOPE_PREFIX.sub("", subject)) or "预算"
    return "", ""


def _figure_year(period: str, c_start: int, t: _Token, qualifier: str, year: int | None) -> int:
    """The year a figure is about: the last year named before it (not a comparison's base), 上年, the report's."""
    for scope in (period[c_start:t.start], period[:t.start]):
        named = [m for m in _YEAR_IN_TEXT.finditer(scope) if not _COMPARED.search(scope[max(0, m.start() - 4):m.start()])]
        if named:
            return int(named[-1].group(1))
        if qualifier != CHANGE and _LAST_YEAR.search(scope) and year:
            return year - 1
        if scope is period[:t.start]:
            break
    return year or 0


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


def _qualifier(sentence: str, before: str, after: str, t: _Token, part_from: int, unit: str, section: str) -> str:
    if any(w in before for w in _TARGET_BEFORE):
        return TARGET
    if _BOUND_BEFORE.search(before):
        return TARGET
    if _BOUND_AFTER.match(after[len(t.unit):] if after.startswith(t.unit) else after) or _BOUND_AFTER.match(after):
        return TARGET if unit in ("%", "分") or "目标" in section or "目标" in sentence else BOUND
    if _CHANGE_BEFORE.search(before) or (any(w in before for w in _CHANGE_CONTEXT) and _CHANGE_WORDS.search(before)):
        return CHANGE
    if 0 <= part_from < t.start:
        return PART
    return LEVEL


_PAIRS = {"“": "”", "（": "）", "(": ")", "\"": "\"", "‘": "’"}


def _trim_unpaired(text: str) -> str:
    """Strip quotes and brackets left at a phrase's ends without their partner ("“三公”经费" keeps its quotes)."""
    while text and ((text[0] in _PAIRS and _PAIRS[text[0]] not in text[1:]) or text[0] in "”）)’"):
        text = text[1:].lstrip()
    while text and ((text[-1] in _PAIRS.values() and not any(o in text[:-1] for o, c in _PAIRS.items()
                                                              if c == text[-1])) or text[-1] in "“（(‘"):
        text = text[:-1].rstrip()
    return text


def _phrase(clause: str, n_start: int, n_end: int) -> str:
    """What a figure counts: its clause without the number, unit and filler words."""
    unit_after = re.match(rf"^(?:{'|'.join(re.escape(u) for u in UNITS)})", clause[n_end:])
    rest = clause[n_end + (unit_after.end() if unit_after else 0):]
    text = clause[:n_start] + rest if clause[:n_start].strip() else rest
    text = _LEADING_MARKER.sub("", text.strip())
    text = _PHRASE_TRIM.sub("", _trim_unpaired(text.strip()))
    text = re.sub(r"\d{4}年度?|\d{1,2}月\d{1,2}日|截止|截至|[≥≤><＞＜]", "", text)
    return text.strip(" ，,。").strip()


# --- every number of the text, accounted for -----------------------------------------------------------------------

@dataclass(frozen=True)
class NumberUse:
    """One number of the cleaned text and what it is: a figure, or another class (year, date, heading number ...)."""

    text: str
    start: int
    end: int
    cls: str  # figure | year | date | time | document | identifier | phone | reference | ordinal | heading | ...
    context: str  # the words around it, for people


FIGURE_CLASS = "figure"
UNCLASSIFIED = "unclassified"
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_MARKER_NUMBER = re.compile(r"^\s*(?:第)?[（(]?(\d{1,2})[）)]?(?:[．.、](?!\d)|(?<=[）)]))")


def number_census(paragraphs: Sequence[Paragraph], figures: Sequence[Figure], text: str,
                  tables: Sequence[PlacedTable] = ()) -> list[NumberUse]:
    """Every run of digits in the cleaned text (and every Chinese numeral that counts), with its class.

    A number inside a figure's span (a prose figure, a table cell figure, a nil statement) is a figure; the others
    get the role ingest.numbers reads for them (year, date, time, document number, phone, code, reference,
    ordinal, identifier), "heading" for a list or heading number at a line's start, "title" for a number of the
    title line, "preface" for one of a page header line (浏览次数：312), "table-header" / "table-label" for a
    table's column headers and row labels; whatever is left is
    "unclassified" — which `python -m ingest --figures ID --unclassified` lists (the target is none).
    """
    covered = sorted((f.start, f.end) for f in figures)
    by_index = {t.index: t for t in tables}
    uses: list[NumberUse] = []
    for p in paragraphs:
        line = text[p.start:p.end]
        tokens = find_numbers(line)
        marker = _MARKER_NUMBER.match(line) if not p.is_table_row else None
        header, label_end = _table_row_layout(p, line, by_index)
        for m in _DIGITS.finditer(line):
            start, end = p.start + m.start(), p.start + m.end()
            token = next((t for t in tokens if t.start <= m.start() < t.end), None)
            if any(a <= start < b for a, b in covered) or (  # or in a figure's unit: the 10 of "6.8/10万"
                    token is not None and m.start() > token.start and any(a <= p.start + token.start < b
                                                                           for a, b in covered)):
                cls = FIGURE_CLASS
            elif marker is not None and m.start() == marker.start(1):
                cls = "heading"
            elif header:
                cls = "table-header"
            elif p.is_table_row and m.start() < label_end:
                cls = "table-label"
            elif token is not None and token.role != ROLE_FIGURE:
                cls = token.role
            elif p.is_title:
                cls = "title"
            elif p.is_preface:
                cls = "preface"  # a page's furniture ("浏览次数：312", "索引号：…"): no figure of the report
            else:
                cls = UNCLASSIFIED
            uses.append(NumberUse(m.group(), start, end, cls, _around(text, start, end)))
        for t in tokens:  # Chinese numerals that count ("四期"): figures, or not
            if t.text[0].isdigit() or t.role != ROLE_FIGURE:
                continue
            start = p.start + t.start
            cls = (FIGURE_CLASS if any(a <= start < b for a, b in covered) else "table-header" if header
                   else "table-label" if p.is_table_row and t.start < label_end else UNCLASSIFIED)
            uses.append(NumberUse(t.text, start, start + len(t.text), cls, _around(text, start, start + len(t.text))))
    return sorted(uses, key=lambda u: u.start)


def _around(text: str, start: int, end: int) -> str:
    return text[max(0, start - 12):min(len(text), end + 12)].replace("\n", " ")


def _table_row_layout(p: Paragraph, line: str, tables: dict[int, PlacedTable]) -> tuple[bool, int]:
    """For a table row's line: whether it is a header row, and where its label cells end in the line."""
    if not p.is_table_row or p.table not in tables:
        return False, 0
    table = tables[p.table].table
    if p.row < table.header_rows:
        return True, 0
    offset = 0
    for cell in table.row_cells(p.row)[:table.label_cols]:
        cell = re.sub(r"\s+", "", cell)
        at = re.sub(r"\s+", "", line).find(cell, offset) if cell else -1
        if at >= 0:
            offset = at + len(cell)
    # offsets were counted without spaces: map back onto the line
    seen = 0
    for i, ch in enumerate(line):
        if seen >= offset:
            return False, i
        if not ch.isspace():
            seen += 1
    return False, len(line)


def census_counts(uses: Iterable[NumberUse]) -> dict[str, int]:
    """How many numbers of each class, most frequent first."""
    return dict(Counter(u.cls for u in uses).most_common())
