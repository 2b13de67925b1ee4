"""Pure: answers from table cells — the asked row and the asked column decide the cell.

`answer_from_tables` is called by the extractive composer before the prose lookup. It returns None when no table
row answers the question well enough (the prose lookup then goes on), else a Draft whose citations quote each row
used as printed, with the row under its header (`Citation.table`) and the cell figures highlighted.

How a question is read against the tables:
- **the row**: the question's words, less those that ask for a column (COLUMN_CUES, the tables' own headers),
  matched against every row's label path ("产出指标 > 数量指标 > 学位新增数量") — character pairs and single
  characters weighted by how rare they are among the rows, as app/lookup.py matches prose — with the caption
  and section as weak context. A row is the answer only when the question names most of it and it clearly beats
  the others; a question that names no row may still ask a table's total (执行率, 总分, 得了多少分: the total row).
- **the column**: a header the question names ("全年预算数是多少"), else the role its words cue (COLUMN_CUES:
  完成了多少 -> actual, 目标 -> target with its bound, 得分, 分值, 执行率, 为什么 -> reason ...), else the row's actual
  value (with its target beside it).
- **what is done with it**: a cell is quoted with its bound (≥2000个 is a target, never a result); 扣了几分 is
  分值 − 得分 and 比…多多少 a difference of two columns, each shown with both operands; 完成了吗 compares the row's
  actual with its target; 哪些没完成 compares every row (respecting ≥/≤ bounds and units, and the report's own
  score: an unbounded target met with full marks is met) and lists those that fall short, each cited.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from app.answer import Citation
from app.compose import Draft
from app.lookup import bigrams
from app.question import DERIVED, RELATIVE_OFFSET, Question, content_terms
from ingest.figures import Figure
from ingest.numbers import ROLE_FIGURE, UNIT_KIND, UNIT_SCALE, find_numbers
from ingest.tables import ACTUAL, NOTE, PLAN, POINTS, RATE, REASON, SCORE, TARGET, VALUE, is_figure_cell

# what a question asks of a table besides one column's value
DEDUCTION = "deduction"  # points − score
SHORTFALL = "shortfall"  # the rows whose actual falls short of their target
MET = "met"  # whether the row's actual reaches its target
DIFFERENCE = "difference"  # one column minus another
TOTAL = "total"  # the table's total row
STATUS = "status"  # 完成, 没完成, 这项: words about an indicator's state or pointing at it, which name no row
HIGHEST = "highest"  # the row with the largest value of the asked column
LOWEST = "lowest"  # the row with the smallest
WHICH = "which"  # the question asks which row: never the total
WHEN = "when"  # a date: the row's actual, when it is one
BALANCE = "balance"  # what is left of the budget: 全年预算数 − 全年执行数
LIST = "list"  # the rows a group holds ("生态效益指标有哪几项")

# Cues for what a question asks of a table, zh and en, each a role of ingest/tables.COLUMN_ROLES or one of the
# asks above. Every match counts (a question may ask two columns); where one cue's span lies inside another's
# (扣了几分 holds 几分), the longer one wins.
COLUMN_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (DEDUCTION, re.compile(r"扣了?(?:多少|几)分?|扣分|失分|丢了?(?:多少|几)分|少得了?(?:多少|几)分|被扣|"
                           r"\bdeduct\w*|\bpoints? (?:were |was )?(?:lost|deducted)|\blos[te]\b[^?]*\bpoints?|"
                           r"\bpoints?\b[^?]*\blose\b|\bshort of (?:the )?(?:full marks|full score|maximum)|"
                           r"\bbelow (?:the )?(?:full marks|full score|maximum)", re.I)),
    (SHORTFALL, re.compile(r"(?:哪些|哪几|哪个|哪项|(?<!为)什么)[^，。？?]{0,12}(?:没有?|未|不)(?:完成|达到|达标|实现|满分)|"
                           r"(?:没有?|未|不)(?:完成|达到|达标|实现)[^，。？?]{0,4}(?:的|有哪些|是哪些|哪些)|"
                           r"\bwhich\b[^?]*\b(?:not|n't|fail\w*|short|miss\w*|below)\b|\bfell short\b", re.I)),
    (MET, re.compile(r"(?:完成|达到|达标|实现)了?(?:目标)?(?:吗|没有|没|与否)|是否(?:完成|达到|达标|实现)|有没有(?:完成|达到|达标)|"
                     r"^(?:was|were|is|are|did|has|have)\b[^?]*\b(?:met|achieved|reached|completed)\b", re.I)),
    (REASON, re.compile(r"为什么|为何|为啥|原因|怎么没|咋没|怎么回事|偏差|\bwhy\b|\breasons?\b|\bexplain", re.I)),
    (RATE, re.compile(r"(?:预算|资金)?(?:执行率|完成率|达成率|实现率|到位率)|"
                      r"(?:钱|资金|经费|预算)(?:都|全部?)?(?:用完|花完|执行完)了?(?:吗|没有?)?|"
                      r"\b(?:budget |fund )?(?:execution|completion|implementation|spending) rate\b", re.I)),
    (SCORE, re.compile(r"得了?(?:多少|几)分|得分|自评分|打了?(?:多少|几)分|评了?(?:多少|几)分|(?:多少|几)分|总分|"
                       r"\bscored?\b|\bscores\b", re.I)),
    (POINTS, re.compile(r"分值|满分|权重|\bweights?\b|\bmaximum\b|\bfull marks\b|\bpoints? available\b|\bworth\b",
                        re.I)),
    (TARGET, re.compile(r"(?:控制)?目标值?|控制在|指标值|计划|预期|要求|应达到|上限|下限|\btargets?\b|\bgoals?\b|\bexpected\b", re.I)),
    (PLAN, re.compile(r"预算数?|\bbudget(?:ed)?\b|\bplanned\b", re.I)),
    (WHEN, re.compile(r"什么时候|何时|哪一?天|几月几[日号]|\bwhen\b", re.I)),
    (ACTUAL, re.compile(r"完成了?(?:多少|几)|实际|完成值|完成情况|完成得|达到了?(?:多少|几)|实现了?(?:多少|几)|执行数|执行了|决算|"
                        r"结果|"
                        r"花了|支出了|用了|\bactual(?:ly)?\b|\bachieved\b|\bcompleted\b|\bspent\b|\bdelivered\b|"
                        r"\bexecuted\b", re.I)),
    (HIGHEST, re.compile(r"最高|最多|最大|最好|\bhighest\b|\bmost\b|\blargest\b|\bbest\b", re.I)),
    (LOWEST, re.compile(r"最低|最少|最小|最差|\blowest\b|\bleast\b|\bsmallest\b|\bworst\b", re.I)),
    (WHICH, re.compile(r"哪[项个些几条一]|什么指标|\bwhich\b", re.I)),
    (STATUS, re.compile(r"(?:没有?|未|不|已经?|均|都)?(?:完成|达到|达标|实现|落实)(?:了|得|情况)?(?![率数])|"
                        r"(?:这|该|此|那)一?[项个条]|(?:打|做|搞|办)了|(?:没|未|不)(?:办|做|搞)?够|"
                        r"\bthis (?:item|indicator|one)\b", re.I)),
    (TOTAL, re.compile(r"总分|合计|总计|总共|一共|总体|整体|全部|总额|\btotal\b|\boverall\b", re.I)),
    (DIFFERENCE, re.compile(r"比.{1,20}?(?:多|少|高|低|增加|减少|超|差|调增|调减|追加|压减)了?(?:多少|几)|相差|差额|差了?多少|差了?几|差距|超额|超出|"
                            r"调(?:整|增|减)?了?(?:多少|几)|(?:追加|压减|核减)了?(?:多少|几)|\bdifference\b|\bhow much (?:more|less|higher|lower)\b|"
                            r"\bexceed", re.I)),
    (BALANCE, re.compile(r"结余|节余|剩余|余额|剩下|剩了|(?:没|未)(?:有)?(?:花|用|支出|执行)(?:完|掉)?的?(?:钱|资金|部分)?(?:有)?多少|"
                         r"\b(?:unspent|left over|remain\w*|balance)\b", re.I)),
    (LIST, re.compile(r"(?:有|包括|包含|含|分)(?:了)?哪(?:几|些)(?:项|个|条)?|哪些(?:指标|项目|内容)|都有(?:什么|哪些)|"
                      r"\bwhich (?:indicators|items) (?:are|were) (?:under|in)\b", re.I)),
)
VALUE_ASKS = (ACTUAL, TARGET, PLAN, POINTS, SCORE, RATE, REASON)
_SCORE_VERB = re.compile(r"^(?:得|打了?|评了?|扣了?|丢了?|失了?|被扣|少得了?|扣分)|^(?:多少|几)分")  # a score asked of it
_SCORED_GAP = re.compile(r"(?:的|的?[这那该此]一?[项个]|一项|(?:的|这个|那个)?指标)?\s*")
_DATE = re.compile(r"(?:19|20)\d\d\s*年|\d{1,2}\s*月|\d{1,2}\s*日|[上下]旬|月底|年底")
_SAME_SIDE = {TARGET: PLAN, PLAN: TARGET}  # a row without the one answers with the other

FULL_MARKS = Decimal(100)  # what a 绩效自评 scores out of (分值 of its 总分)
ROW_MATCH = 0.75  # share of the question's row words (weighted) a row must hold
LEAF_MATCH = 0.3  # share of the row's own name (its last label) the question must hold (a question asking no
# column must also name the row's measure: _names_the_measure)
ROW_MARGIN = 0.08  # the best row must beat a different row by this much
WHOLE_ROW_MATCH = 0.5  # a why/met question naming one row whole: the share of its words the row must hold
MAX_LISTED_ROWS = 12
MAX_ANSWER_CHARS = 280
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_TABLE_NUMBER = re.compile(r"^(?:续?附?表\s*[\d一二三四五六七八九十]+[-—.．:：]?\d*|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])\s*")
_BOUND_EN = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than", "~": "about"}
_AGAINST_ANOTHER_PERIOD = re.compile(r"(?:比|较|同比|相比|与)(?:上年|去年|上一年|前年|同期|上年度|(?:19|20)\d\d\s*年)|"
                                     r"\b(?:than|compared (?:with|to)) (?:last|the previous) year\b|"
                                     r"\b(?:increase|decrease|rise|rose|fall|fell|grow|grew|drop|chang|more|less|up|down)"
                                     r"\w*\b.*\bfrom (?:last|the previous) year\b", re.I)
_CHANGE_OVER_TIME = re.compile(r"增长|下降|上升|降低|增幅|降幅|环比|同比|\b(?:grow|grew|growth|rose|fell|decline)", re.I)
_NIL = re.compile(r"^(?:无|/|／|-|—|——|——|空|暂无|none|n/?a)?$", re.I)


@dataclass
class _Row:
    """One table row of one report, rebuilt from its cell figures (each carries the whole row)."""

    report: str
    table: str
    index: int
    path: str
    section: str
    sentence: str
    caption: str
    header: list[str]
    cells: list[str]
    roles: list[str]
    total: bool
    label_cols: int
    year: int | None = None
    figures: dict[int, list[Figure]] = field(default_factory=dict)  # grid column -> the figures of its cell

    @property
    def leaf(self) -> str:
        return self.path.split(" > ")[-1] if self.path else ""

    @property
    def name(self) -> str:
        """How the answer names the table: its caption (else its section) without its number, year or unit note, so
        that every number of the answer is a figure the cited row states ("表2 2023年度绩效指标表" -> 绩效指标表)."""
        for name in (self.caption, self.section.split(" > ")[-1] if self.section else ""):
            name = _TABLE_NUMBER.sub("", name)
            name = re.sub(r"(?:19|20)\d\d\s*年度?|[（(]\s*单位\s*[:：][^）)]*[）)]|单位\s*[:：]\s*\S+", "", name).strip(" ：:")
            if name and not re.search(r"\d", name):
                return name
        return ""

    @property
    def where(self) -> str:
        """The table as an answer refers to it: “绩效指标表”, or 表格 when it has no name without numbers."""
        return f"“{self.name}”" if self.name else "表格"

    def columns(self, role: str) -> list[int]:
        """The value columns of a role, left to right, that say something in this row."""
        return [k for k, r in enumerate(self.roles) if r == role and k >= self.label_cols
                and not _NIL.match(self.cells[k].strip() if k < len(self.cells) else "")]

    def column_name(self, k: int) -> str:
        """A column's lowest header without a unit in brackets (年初预算数（万元） -> 年初预算数: the value says 万元)."""
        header = self.header[k] if k < len(self.header) else ""
        leaf = header.split(" > ")[-1] if header else ""
        return re.sub(r"[（(][^）)]*[）)]", "", leaf).strip() or leaf


@dataclass(frozen=True)
class _Cell:
    """One value of a row: its column and text, and the figure it states (None for a text cell)."""

    row: _Row
    col: int
    text: str
    figure: Figure | None

    @property
    def name(self) -> str:
        return self.row.column_name(self.col)

    @property
    def value(self) -> Decimal | None:
        return self.figure.decimal if self.figure is not None else None

    @property
    def op(self) -> str:
        return self.figure.extra.get("op", "") if self.figure is not None else ""


def answer_from_tables(question: Question, cells: Sequence[Figure], report_ids: Sequence[str]) -> Draft | None:
    """The answer a table states for the question, or None when no table row answers it.

    A table states one year's figures (its caption's year, else the report's): a question about another year
    ("2022年的执行率" of a 2024 report, "去年的得分") that the tables would otherwise answer gets a sure "not stated",
    never this year's cell; a year word that is part of a row's name (上年结转资金, 当年财政拨款) asks no year."""
    wanted = set(report_ids)
    rows = _rows([f for f in cells if f.report in wanted and f.table])
    if not rows:
        return None
    field = _form_field(question, [f for f in cells if f.report in wanted and f.table])
    if field is not None:
        return field
    written, offsets = _asked_years(question, rows)
    if not written and not offsets:
        return _answer(question, rows)
    of_year = [r for r in rows if r.year is None or r.year in written or 0 in offsets]
    if of_year:
        return _answer(question, of_year)
    named = _match_rows(_asks(question, rows), rows, LEAF_MATCH)
    if any(f"{y}年" in text for y in written for r in (named or rows) for text in r.cells):
        return _answer(question, rows)  # "延至2025年举办的培训": a year a cell speaks of, not another year's table
    found = _answer(question, rows)
    if found is None and len(named) > 1:
        # "2024年的河道清淤目标": several rows of this year's tables fit, none of another year: not stated either way
        found = Draft("", tuple(_cite(r, []) for r in named[:MAX_LISTED_ROWS]), False)
    if found is None or found.abstained:
        return None
    return _other_year(question, rows, written, offsets, found)


_FIELD_QUESTION_CHARS = set("本该此这那个其的是谁什么哪家位呢吗请问叫啥")  # what asking a field adds to its name
_FIGURE_ASKED = re.compile(r"多少|几|\bhow (?:many|much)\b", re.I)


def _form_field(question: Question, cells: Sequence[Figure]) -> Draft | None:
    """A form's text field the question names ("实施单位是谁", "主管部门是哪个"): its value, the form row cited. The
    longest label named wins; a question asking a figure (多少, 几), or naming fields of several reports, is not
    answered here."""
    text = question.text
    for name in sorted(question.names, key=len, reverse=True):
        text = text.replace(name, " ")
    if question.language != "zh" or _FIGURE_ASKED.search(text):
        return None
    fields: dict[tuple[str, str, int, str], dict] = {}
    for f in cells:
        for field in (f.extra or {}).get("form", ()):
            fields.setdefault((f.report, field["table"], field["row_index"], field["label"]), {**field, "report": f.report})
    named = [fd for fd in fields.values() if len(fd["label"]) >= 2 and fd["label"] in text]
    if not named:
        return None
    longest = max(len(fd["label"]) for fd in named)
    named = [fd for fd in named if len(fd["label"]) == longest]
    if len({fd["report"] for fd in named}) != 1 or len({fd["value"] for fd in named}) != 1:
        return None
    fd = named[0]
    # the question names nothing but the field (and the form's own words): "实施单位的负责人是谁" asks something else
    known = "".join(f"{x['label']}{x['value']}{x['caption']}" for x in fields.values() if x["report"] == fd["report"])
    rest = text.replace(fd["label"], "")
    other = [ch for ch in "".join(_CJK_RUN.findall(rest)) if ch not in known and ch not in _FIELD_QUESTION_CHARS]
    if len(other) > 1:
        return None
    name = _Row(fd["report"], fd["table"], fd["row_index"], "", fd["section"], fd["sentence"], fd["caption"], [], [],
                [], False, 0).where
    text = f"{fd['value']}（{name}中的{fd['label']}）。"
    cells_text = list(fd["cells"])
    citation = Citation(fd["sentence"], fd["section"], fd["report"], (),
                        table={"header": [""] * len(cells_text), "row": cells_text, "column": fd["label"]})
    return Draft(_fit(text), (citation,), False)


_RELATIVE_YEAR = re.compile(r"(?<![比较与])(去年|上一?年度?|前年|今年|本年度?|当年|明年|下一?年度?)|"
                            r"(?<!than )(?<!with )(?<!from )(?<!than the )(?<!with the )(?<!from the )"
                            r"\b(last|previous|this|current|next) year\b", re.I)


def _asked_years(question: Question, rows: Sequence[_Row]) -> tuple[set[int], set[int]]:
    """The years the question asks about: those it writes out (2021年, 2021), and those it counts from the report's
    (去年 -> -1, 今年 -> 0) — unless the word is part of a row's name: "上年结转资金" names a fund, not a year."""
    text = question.original if question.language == "en" else question.text
    written = {y for y in question.years if str(y) in text}
    paths = [r.path for r in rows]
    offsets: set[int] = set()
    for m in _RELATIVE_YEAR.finditer(text):
        word = m.group(0)
        following = text[m.end():m.end() + 1]
        if following and any(word + following in p for p in paths):
            continue
        offsets.add(RELATIVE_OFFSET[(m.group(1)[0] if m.group(1) else m.group(2).lower())])
    return written, offsets


def _other_year(question: Question, rows: Sequence[_Row], written: set[int], offsets: set[int],
                found: Draft) -> Draft:
    """A sure "not stated" for a question about a year the tables do not state, this year's cell shown as related."""
    english = question.language == "en"
    years = sorted({r.year for r in rows if r.year is not None})
    asked = sorted(written) or sorted({y + d for y in years for d in offsets})
    asked_text = "、".join(f"{y}年" for y in asked) if not english else ", ".join(str(y) for y in asked)
    stated_text = "、".join(f"{y}年" for y in years) if not english else ", ".join(str(y) for y in years)
    if english:
        text = f"The report's tables do not state the figure for {asked_text}: they give {stated_text} figures only"
        text += f" (related, not the answer: {found.text})" if found.text else "."
    else:
        text = f"报告的表格没有给出{asked_text}的数字，表格所列为{stated_text}的情况。"
        text += f"相关的数字（并非所问）：{found.text}" if found.text else ""
    return Draft(_fit(text), (), True, f"the tables state {stated_text}, not {asked_text}", sure=True,
                 related=found.citations)


def _answer(question: Question, rows: list[_Row]) -> Draft | None:
    """The answer the given rows state for the question, or None."""
    asks = _asks(question, rows)
    english = question.language == "en"
    if _AGAINST_ANOTHER_PERIOD.search(asks.text):
        return None  # 比上年增加了多少: a change over time, which a table of one year does not state
    cued = bool(asks.roles or asks.named or asks.special - {TOTAL})
    if question.excluded:
        return _less_excluded(question, asks, rows, english)
    summed = _sum_of_rows(asks, rows, english)
    if summed is not None:
        return summed
    if LIST in asks.special and not asks.roles and not asks.special & {SHORTFALL, HIGHEST, LOWEST}:
        listed = _group_listed(asks, rows, english)
        return listed  # "项目支出包括哪些": a list asked; no group's rows to list, no cell is the answer either
    matched = _match_rows(asks, rows, LEAF_MATCH)
    naming = question
    by_measure = False
    if not matched:
        matched = _by_measure(question, asks, rows)
        by_measure = bool(matched)
    if not matched:
        matched = _by_name_ending(asks, rows)
    if not matched:
        matched = _by_word_of_one_row(asks, rows)
    if not matched and WHEN in asks.special:
        dated = _by_dated_remark(asks, rows)
        if dated is not None:
            return _reason(dated, english)
    if not matched and asks.scored:
        # "预算执行率这项得了多少分": a row named so (预算执行 > 预算执行率) is the one scored, before the total of the
        # table having the column 执行率
        named_rows = [r for r in rows if len(r.leaf) >= 3 and r.leaf in asks.text and not r.total
                      and any(core in r.leaf for core in asks.scored) and r.columns(SCORE)]
        if len(named_rows) == 1:
            matched = named_rows
    if not matched and question.context and not _row_words(asks, rows):
        # "年度指标值呢？", "这项扣了几分？": the row is the one the earlier question named
        naming = _as_question(question.context, question)
        matched = _match_rows(_asks(naming, rows), rows, LEAF_MATCH)
    elif not matched and question.context:
        # "企业呢？" after "受训学员满意度多少？": the row like the earlier one (its table, its measure) that the new
        # words name — 参训企业满意度
        earlier = _as_question(question.context, question)
        before = _match_rows(_asks(earlier, rows), rows, LEAF_MATCH)
        if len(before) == 1:
            matched = _like_row(before[0], _row_words(asks, rows), rows)
            by_measure = bool(matched)  # the measure is the earlier row's, which the earlier question named
            if matched and not cued:
                asks = replace(_asks(earlier, rows), rest=asks.rest, text=asks.text)
                cued = bool(asks.roles or asks.named or asks.special - {TOTAL})
    if len(matched) > 1:
        # rows named alike ("居家养老上门服务购买" and "…服务人数"): the one stating the kind asked ("多少人"), or a
        # date when the question asks when
        matched = [r for r in matched if _states_kind_asked(naming, r)] or matched
        if asks.named:  # "送戏下基层演出的执行率": of the rows so named, the one whose table has the column named
            matched = [r for r in matched if _asked_columns(replace(asks, roles=[]), r)] or matched
        if len(matched) > 1:  # "场馆改造项目…": the row of the table whose label header says 项目 (项目名称)
            matched = _by_label_header(asks, matched, rows) or matched
        if WHEN in asks.special:
            matched = [r for r in matched if any(_DATE.search(r.cells[k]) for k in r.columns(ACTUAL))] or matched
        if len(matched) > 1:
            matched = _picked_by_the_ask(asks, matched)
    if len(matched) > 1:
        return None  # several rows fit the question equally: the prose lookup (or an honest "not stated") decides
    if SHORTFALL in asks.special and not matched:
        return _shortfall(_group_rows(asks, rows) or rows, english, REASON in asks.roles)
    if asks.special & {HIGHEST, LOWEST} and not matched:
        return _extreme(asks, _group_rows(asks, rows) or rows, english)
    if WHICH in asks.special and not matched:
        return None  # "哪项…": a row is asked for, and none is named: not the total's to answer
    if not matched and DEDUCTION in asks.special and _INDICATORS_ASKED.search(asks.text):
        summed = _indicator_deductions(rows, english, _group_named(question, rows))
        if summed is not None:
            return summed
    if not matched and naming is not question and _row_words(_asks(naming, rows), rows):
        return None  # "那扣了几分？" after a question naming a row none fits: not the total's either
    if not matched:
        only = _only_row(asks, rows)
        total = only or _total_row(asks, rows)
        if total is None or not _names_nothing_else(asks, rows, total):
            return None
        matched = [total]
    elif not cued and not by_measure and question.intent not in ("figure", DERIVED):
        return None  # a row named by a question that asks no figure and no column: a text question for the prose
    row = matched[0]
    # (what a row lost is asked whatever its measure: "步道这项扣了几分" of 新建改建健身步道长度 need not say 新建)
    if DEDUCTION not in asks.special and not _says_rows_qualifiers(question, asks, row):
        return None  # "智慧教室改造花了多少钱" is not asked by 智慧教室改造单间成本, "重点专科有几个" not by 新增…数
    by_measure = by_measure or (bool(_DURATION_ASKED.search(asks.text)) and _states_measure(question, asks, row))
    if DEDUCTION in asks.special:
        return _deduction(row, english, with_score=SCORE in asks.roles)
    if REASON in asks.roles and (asks.named or set(asks.roles) - {REASON}) and not asks.special - {TOTAL} \
            and _asks_a_figure_apart(asks.text):
        # "执行率多少？为什么低？": the value asked, then the row's reason
        values = _asked_columns(replace(asks, roles=[r for r in asks.roles if r != REASON]), row)
        value = _values(row, values, question, english, explicit=True, named=bool(asks.named)) if values else None
        reason = _reason(row, english)
        if value is not None and reason is not None:
            return Draft(_fit(f"{value.text}{' ' if english else ''}{reason.text}"),
                         (*value.citations, *reason.citations), False)
        return value or reason
    if REASON in asks.roles:
        return _reason(row, english)
    if MET in asks.special or SHORTFALL in asks.special:
        return _met(row, english)
    if BALANCE in asks.special and not _BALANCE_CUE.search(row.leaf):
        return _balance(row, english)  # (a row named 结余资金 states its own figure)
    if _asks_rate_only(asks, rows) and not row.columns(RATE):
        return _computed_rate(row, english)  # 执行率 of a row whose table states none: actual ÷ budget
    if DIFFERENCE in asks.special or question.intent == DERIVED:
        columns = _difference_columns(asks, row)
        return _difference(row, columns, english) if columns is not None else None
    columns = _asked_columns(asks, row)
    if columns is None:
        return None
    unnamed = _without_row_and_columns(asks.text, row, columns)
    if _CHANGE_OVER_TIME.search(unnamed):
        return None  # 增长了多少: a table row of one year does not state a change (住院次均费用增幅 names a row)
    if _SHARE_ASKED.search(unnamed) and not any(row.roles[k] == RATE or any(f.unit == "%" for f in row.figures.get(k, []))
                                                 for k in columns):
        return None  # "占全部培训人次的比例": a share, which a count of 培训人次 is not
    return _values(row, columns, question, english, explicit=bool(asks.named or asks.roles), measure=by_measure,
                   named=bool(asks.named))


_SHARE_ASKED = re.compile(r"比例|比重|占比|所占|百分之|百分比|占[^，,。？?]{0,12}(?:多少|几)|\bshare\b|\bproportion\b|\bpercentage\b|\bper ?cent\b", re.I)


def _without_row_and_columns(text: str, row: _Row, columns: Sequence[int]) -> str:
    """The question without the row's labels and the asked columns' names: what it asks beyond naming them."""
    for label in sorted([*row.path.split(" > "), *(row.column_name(k) for k in columns)], key=len, reverse=True):
        if len(label) >= 2:
            text = text.replace(label, " ")
    # a part of the row's name ("门诊量增长率" of 重点专科门诊量增长率): the longest runs of three or more characters
    # the question shares with it
    i = 0
    while i < len(text):
        n = 0
        while i + n < len(text) and text[i:i + n + 1] in row.leaf:
            n += 1
        if n >= 3:
            text = text[:i] + " " * n + text[i + n:]
            i += n
        else:
            i += 1
    return text


_REASON_CUE = dict(COLUMN_CUES)[REASON]
_BALANCE_CUE = dict(COLUMN_CUES)[BALANCE]


def _asks_a_figure_apart(text: str) -> bool:
    """Whether a clause of the question asks a figure (多少, 几) without asking why: "执行率多少？为什么低？" asks both;
    "为什么没达到目标" asks only why."""
    return any(_FIGURE_ASKED.search(c) and not _REASON_CUE.search(c) for c in re.split(r"[？?；;。，,]", text))


_ROWS_JOINED = re.compile(r"以及|加上|和|与|及|跟|同|、|\band\b")
_HOW_MANY_ITEMS = re.compile(r"(?:这|那)?[两二三四五六几]项|(?:这|那)?[两二三四五六几]个")


def _sum_of_rows(asks: _Asks, rows: Sequence[_Row], english: bool) -> Draft | None:
    """"冷链接种补助和监测流调两项一共花了多少": rows named one by one (和, 与, 、) with 一共/合计 asked: the sum of
    the asked column over them, each operand shown and its row cited; None unless each part names one row, all of
    one table, each with one value in a column of the same name."""
    if TOTAL not in asks.special or english:
        return None
    parts = [p for p in (_HOW_MANY_ITEMS.sub(" ", part) for part in _ROWS_JOINED.split(asks.rest))
             if _CJK_RUN.search(p)]
    if len(parts) < 2:
        return None
    chosen: list[_Row] = []
    for part in parts:
        found = [r for r in _match_rows(replace(asks, rest=part), rows, LEAF_MATCH) if not r.total]
        if len(found) != 1 or found[0] in chosen:
            return None
        chosen.append(found[0])
    if len({(r.report, r.table) for r in chosen}) != 1:
        return None
    cells = []
    for row in chosen:
        columns = _asked_columns(replace(asks, special=set()), row)
        if not columns or len(columns) != 1:
            return None
        cell = _first(row, columns[0])
        if cell is None or cell.value is None or cell.op:
            return None
        cells.append(cell)
    if len({c.name for c in cells}) != 1 or len({c.figure.unit for c in cells}) != 1:
        return None
    total = sum((c.value for c in cells), Decimal(0))
    places = max(_places(c.value) for c in cells)
    unit = cells[0].figure.unit
    shown = f"{total:.{places}f}{unit}"
    each = "，".join(f"{c.row.leaf}{c.figure.text}{unit}" for c in cells)
    expression = " + ".join(f"{c.figure.text}{unit}" for c in cells)
    text = f"{shown}（{cells[0].name}：{each}；合计{expression} = {shown}），依据{chosen[0].where}。"
    return Draft(_fit(text), tuple(_cite(c.row, [c.col]) for c in cells), False)


def _picked_by_the_ask(asks: _Asks, matched: Sequence[_Row]) -> list[_Row]:
    """Rows named alike ("法律援助" of …案件办理数, …质量评查合格率, …办结时限): the only one that the ask itself
    picks — the only one whose name ends with a word of the question (水质达标率), stating the measure word asked (办了多少件: a cell in 件), having lost points when a deduction is asked
    (分值 > 得分), giving a reason when why is asked (else the only one falling short of its target). All of them
    (no answer) when none or several do."""
    ending = _by_name_ending(asks, matched)
    if ending:
        return ending
    words = {m.group(1) for m in _MEASURE_WORD.finditer(asks.text)} - {"分"}
    if words:
        fit = [r for r in matched if any(f.unit[:1] in words for k in r.columns(ACTUAL) + r.columns(TARGET)
                                         for f in r.figures.get(k, []) if f.unit)]
        if len(fit) == 1:
            return fit
    if DEDUCTION in asks.special:
        fit = [r for r in matched if (pair := _points_score(r)) is not None and pair[0].value > pair[1].value]
        if len(fit) == 1:
            return fit
    if REASON in asks.roles:
        fit = [r for r in matched if any(r.cells[k].strip() for k in r.columns(REASON) or r.columns(NOTE))]
        if len(fit) == 1:
            return fit
        short = [r for r in (fit or matched) if _compared(r)[1] is True]
        if len(short) == 1:
            return short
    return list(matched)


def _by_dated_remark(asks: _Asks, rows: Sequence[_Row]) -> _Row | None:
    """"门诊改造什么时候能完成": no row is named, but the question's words stand in one row's reason (or remark) cell
    that gives a date (…将于2026年6月底前完成改造): that row, whose cell says when."""
    pairs = {g for w in _row_words(asks, rows) for run in _CJK_RUN.findall(w) for g in (run[j:j + 2]
                                                                                        for j in range(len(run) - 1))}
    if len(pairs) < 2:
        return None
    found = []
    for row in rows:
        for k in row.columns(REASON) or row.columns(NOTE):
            text = row.cells[k]  # the cell speaks of it; the row's name may say the rest (养老服务站 of …建设达标率)
            if _DATE.search(text) and any(g in text for g in pairs) and \
                    sum(g in text or g in row.path for g in pairs) >= 0.75 * len(pairs):
                found.append(row)
                break
    return found[0] if len(found) == 1 else None


def _by_name_ending(asks: _Asks, rows: Sequence[_Row]) -> list[_Row]:
    """No row named well enough, but a word of the question (three characters or more) is how exactly one row's
    name ends — its measure (接种率 of 适龄儿童免疫规划疫苗接种率, 化解率 of 矛盾纠纷就地化解率): that row."""
    if len(asks.groups) > 1:
        return []  # English: each phrase names part of the row; one phrase's term alone does not name it
    for word in sorted(_row_words(asks, rows), key=len, reverse=True):
        for run in _CJK_RUN.findall(word):
            if len(run) < 3:
                continue
            ending = [r for r in rows if not r.total and len(r.leaf) > len(run) and r.leaf.endswith(run)]
            if len(ending) == 1:
                return ending
    return []


def _by_word_of_one_row(asks: _Asks, rows: Sequence[_Row]) -> list[_Row]:
    """No row named well enough, but every word the question names a row by stands in the name of one row (or of a
    few, for the ask to pick from), the longest of them (two characters or more) in its own last label: that row ("步道这项扣了几分": 新建改建健身步道长度;
    "保租房那项": 保障性租赁住房筹集套数, the characters of an abbreviation in order, spelled out by _spelled_out)."""
    if len(asks.groups) > 1:
        return []  # English: each phrase names part of the row; one phrase's term alone does not name it
    words = [w for w in _row_words(asks, rows) if _CJK_RUN.fullmatch(w)]
    if not words:
        return []
    longest = max(words, key=len)
    if len(longest) < 2:
        return []
    holding = {(r.report, r.table, r.index): r for r in rows if not r.total and longest in r.leaf
               and all(w in r.path for w in words)}
    # rows alike ("健身步道每公里建设成本" holds 步道 too): all of them, for the ask to pick from (_picked_by_the_ask)
    return list(holding.values()) if len(holding) <= MAX_ALIKE_ROWS else []


MAX_ALIKE_ROWS = 3


def _by_label_header(asks: _Asks, matched: Sequence[_Row], rows: Sequence[_Row]) -> list[_Row]:
    """Of rows named alike in several tables, those of the one table whose label headers hold a word the question
    says that names no row (项目 of 项目名称, 指标 of 三级指标); none when no table or several do."""
    paths = " ".join(r.path for r in rows)
    grams = {g for g in bigrams(asks.rest) if len(g) == 2 and g not in paths}
    if not grams:
        return []
    having = [r for r in matched if grams & {g for h in r.header[:r.label_cols] for g in bigrams(h)}]
    return having if len({(r.report, r.table) for r in having}) == 1 else []


# Words of a row's name that make it a different measure than its other words name: a per-unit figure (单间成本,
# 人均补贴, 每千人口…) and an increment (新增学位数). A question answered by such a row says so too.
_ROW_QUALIFIERS = (
    (re.compile(r"人均|生均|户均|次均|年均|日均|平均|单间|单位(?:造价|成本|面积)|单价|单台|单套|每[^\s，。]"),
     re.compile(r"均|每|单|一[台间个套人次场户所张件天日年月]|\b(?:per|average|each|every|unit)\b", re.I)),
    # (a share or rate among the new ones, "新建民用建筑中绿色建筑占比", is no increment)
    (re.compile(r"^(?:新增|新建|新开|新设|增加)(?!.*(?:占比|比例|比重|率)$)"),
     re.compile(r"新|增|添|\b(?:new|added|additional|more)\b", re.I)),
)


def _says_rows_qualifiers(question: Question, asks: _Asks, row: _Row) -> bool:
    """Whether the question says what qualifies the row's measure, when its name has such a word (ROW_QUALIFIERS)."""
    said = f"{question.text} {question.original} {' '.join(question.terms)} {question.context}"
    # "校企合作企业差了几家": how far the row's result is from its own target is the row's, new ones or not
    qualifiers = _ROW_QUALIFIERS[:1] if DIFFERENCE in asks.special else _ROW_QUALIFIERS
    return all(not in_row.search(row.leaf) or in_question.search(said) for in_row, in_question in qualifiers)


def _like_row(before: _Row, words: Sequence[str], rows: Sequence[_Row]) -> list[_Row]:
    """The one row of the earlier row's table whose name holds the new words and shares most of the rest of the
    earlier row's name (its measure: 满意度); none when no row or several fit as well."""
    chars = {ch for w in words for run in _CJK_RUN.findall(w) for ch in run}
    if not chars:
        return []
    own = set(bigrams(before.leaf)) - {g for w in words for g in bigrams(w)}
    fits = []
    for row in rows:
        if row is before or row.total or (row.report, row.table) != (before.report, before.table):
            continue
        if not chars <= set(row.leaf):
            continue
        shared = len(own & set(bigrams(row.leaf)))
        if shared:
            fits.append((shared, row))
    if not fits:
        return []
    best = max(n for n, _ in fits)
    chosen = [row for n, row in fits if n == best]
    return chosen if len(chosen) == 1 else []


def _as_question(text: str, like: Question) -> Question:
    """An earlier question of the conversation, read for the row it names."""
    from app.question import analyze

    earlier = analyze(text)
    return earlier if earlier.language == like.language else like


# --- reading the question ------------------------------------------------------------------------------------------


@dataclass
class _Asks:
    """What the question asks of the tables: roles cued, columns named by their headers, special asks."""

    roles: list[str] = field(default_factory=list)  # in the order the question says them
    named: list[str] = field(default_factory=list)  # header texts the question names, in its order
    special: set[str] = field(default_factory=set)  # DEDUCTION, SHORTFALL, MET, DIFFERENCE, TOTAL
    scored: list[str] = field(default_factory=list)  # headers named as what was scored ("执行率得了几分")
    rest: str = ""  # the question with every cue and named header taken out: what names the row
    text: str = ""  # the question as matched
    terms: str = ""  # an English question's words in the report's terms
    groups: list[tuple[str, ...]] = field(default_factory=list)  # English: each phrase's alternative terms
    kinds: set[str] = field(default_factory=set)  # the measures the question asks (money, people, times ...)


# "满不满意", "达没达标", "完没完成": a question asked as A-not-A asks A (有没有, 是不是 are cues of their own)
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])(?<![有是能会要])[不没]\1([\u4e00-\u9fff]?)")
_MET_WORDS = ("完成", "达到", "达标", "实现")


def _asks(question: Question, rows: Sequence[_Row]) -> _Asks:
    text = question.original if question.language == "en" else question.text
    a_not_a = [m.group(1) + m.group(2) for m in _A_NOT_A.finditer(text)] if question.language == "zh" else []
    text = _A_NOT_A.sub(lambda m: m.group(1) + m.group(2) + " " * (len(m.group(0)) - len(m.group(1) + m.group(2))),
                        text) if a_not_a else text
    for name in sorted(question.names, key=len, reverse=True):  # the body's names say whose table, not which row
        text = text.replace(name, " " * len(name))
    headers = {_header_core(h): _header_forms(h) for r in rows for k, h in enumerate(r.header)
               if k >= r.label_cols and h}
    named: list[tuple[int, int, str]] = []
    rest = text
    for core in sorted(headers, key=len, reverse=True):
        span = next((s for s in (_header_span(rest, form) for form in headers[core]) if s), None)
        if span is not None:
            named.append((span[0], span[1], core))
            rest = rest[:span[0]] + " " * (span[1] - span[0]) + rest[span[1]:]
    for start, end, core in _siblings_named(rest, named, rows):
        named.append((start, end, core))
        rest = rest[:start] + " " * (end - start) + rest[end:]
    spans: list[tuple[int, int, str]] = []
    for role, pattern in COLUMN_CUES:
        spans.extend((m.start(), m.end(), role) for m in pattern.finditer(rest) if m.group().strip())
    kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                        for o in spans)]
    # a value word inside a row's name the question says ("人均预期寿命达到多少岁": 预期 of the row 人均预期寿命) asks no
    # column: the row's name is the row's
    # (a group label too: 预算 of the group 预算执行 in "预算执行这块扣了几分")
    named_rows = [(m.start(), m.end()) for label in {p for r in rows for p in r.path.split(" > ") if len(p) >= 4}
                  for m in re.finditer(re.escape(label), text)]
    kept = [s for s in kept if not (s[2] in VALUE_ASKS and any(a <= s[0] and s[1] <= b and (a, b) != (s[0], s[1])
                                                                for a, b in named_rows))]
    # a value word inside a table's name the question says ("预算执行这块得了几分": 预算 of “预算执行情况”) asks no column
    titles = _table_name_spans(rest, rows)
    kept = [s for s in kept if not (s[2] in VALUE_ASKS and any(a == s[0] and s[1] < b for a, b in titles))]
    # a value word written onto a named header is part of its name (预算执行率: 预算 + the header 执行率)
    kept = [s for s in kept if not (s[2] in VALUE_ASKS and any(s[1] == a for a, _, _ in named))]
    for start, end, _ in kept:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    asks = _Asks(rest=rest, text=text, kinds={a.kind for a in question.asks if a.kind and a.kind != "count"})
    # "执行率得了几分", "执行率这项扣了几分": a column named just before a score asked as a verb is what was scored (the
    # indicator 预算执行率), not the column asked: the score of the row that states it is
    for start, end, role in kept:
        if role not in (SCORE, DEDUCTION) or not _SCORE_VERB.match(text[start:end]):
            continue
        for n, (a, b, core) in enumerate(named):
            if b <= start and _SCORED_GAP.fullmatch(text[b:start]):
                asks.scored.append(core)
                named[n] = (a, b, "")
    # "预算执行率得分多少": the header 得分 named just after another header is that header's score asked
    score_headers = {_header_core(h) for r in rows for k, h in enumerate(r.header)
                     if k < len(r.roles) and r.roles[k] == SCORE and h}
    ordered = sorted(named)
    for (a, b, core), (a2, _, core2) in zip(ordered, ordered[1:]):
        if core and core2 in score_headers and core not in score_headers and _SCORE_VERB.match(text[a2:]) \
                and _SCORED_GAP.fullmatch(text[b:a2]):
            asks.scored.append(core)
            named[named.index((a, b, core))] = (a, b, "")
    named = [(a, b, core) for a, b, core in named if core]
    # "死亡率控制在多少？指标要求是多少": beside a clause that asks the target by name, 控制在 asks what it was kept at
    if sum(1 for _, _, role in kept if role == TARGET) > 1:
        kept = [(a, b, ACTUAL if role == TARGET and text[a:b] == "控制在" else role) for a, b, role in kept]
    for start, _, role in sorted(kept):
        if role == WHEN and ACTUAL not in asks.roles:
            asks.roles.append(ACTUAL)  # 什么时候: the date the row states as done
        if role in VALUE_ASKS:
            if role not in asks.roles:
                asks.roles.append(role)
        elif role != STATUS:
            asks.special.add(role)
    asks.named = [h for _, _, h in sorted(named)]
    for word in a_not_a:  # "达没达标": whether it was met; "满不满意": how satisfied, the row's actual
        if word in _MET_WORDS:
            asks.special.add(MET)
        elif not asks.roles and not asks.named:
            asks.roles.append(ACTUAL)
    # "城镇新增就业多少人？目标是多少？": a clause asking a figure with no column word asks the actual, beside the
    # column the other clause names
    if asks.roles and not asks.named and not asks.special - {TOTAL}:
        at = 0
        for clause in re.split(r"[？?；;。，,]", text):
            start, at = at, at + len(clause) + 1
            if _FIGURE_ASKED.search(clause) and not any(start <= a < at for a, _, role in kept if role != STATUS):
                where = 0 if all(a >= at for a, _, _ in kept) else len(asks.roles)
                if ACTUAL in asks.roles and where == 0:
                    asks.roles.remove(ACTUAL)  # "…多少？要求达到多少？": 达到 of the target clause, the actual asked first
                if ACTUAL not in asks.roles:
                    asks.roles.insert(where, ACTUAL)
    if question.language == "en":
        # the report's terms for the English words; a phrase whose terms name a column ("full-year budget" ->
        # 全年预算, a header; "target" -> 目标, a cue) asks that column and names no row
        groups, column_terms = [], set()
        for alternatives in question.glossary_hits:
            header = next((core for alt in alternatives for core in headers if alt in headers[core]), None)
            if header is not None:
                if header not in asks.named:
                    asks.named.append(header)
                column_terms.update(alternatives)
            elif any(pattern.fullmatch(alt) for alt in alternatives for role, pattern in COLUMN_CUES
                     if role in VALUE_ASKS):
                column_terms.update(alternatives)
            else:
                groups.append(tuple(alternatives))
        asks.rest = " ".join(t for t in question.terms if t not in column_terms)
        asks.terms = " ".join(question.terms)
        asks.groups = groups
    return asks


def _siblings_named(text: str, named: Sequence[tuple[int, int, str]], rows: Sequence[_Row]
                    ) -> list[tuple[int, int, str]]:
    """Headers named by what sets them apart from a header the question names in full: of 年初预算数 and 全年预算数
    (one table, one ending), "全年预算比年初增加了多少" names 全年预算数 and, by 年初, 年初预算数. Only beside a named
    sibling: 年初 alone names no column."""
    cores = {core for _, _, core in named}
    out: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for row in rows:
        headers = list(dict.fromkeys(_header_core(h) for k, h in enumerate(row.header) if k >= row.label_cols and h))
        for core in headers:
            if core not in cores:
                continue
            for other in headers:
                if other in cores or other in seen or other == core:
                    continue
                n = 0
                while n < min(len(core), len(other)) and core[-1 - n] == other[-1 - n]:
                    n += 1
                own = other[:len(other) - n]
                if n < 2 or len(own) < 2 or len(own) > 4:
                    continue
                at = text.find(own)
                if at >= 0 and not any(a <= at < b for a, b, _ in [*named, *out]):
                    out.append((at, at + len(own), other))
                    seen.add(other)
    return out


def _table_name_spans(text: str, rows: Sequence[_Row]) -> list[tuple[int, int]]:
    """Where the question says four characters running of a table's name (its caption without number or year):
    预算执行 of “预算执行情况”. A cue that heads such a span (预算 of 预算执行) names the table, not a column; one
    that ends it (预算 of "项目支出预算", 支出预算 of “单位整体支出预算执行情况”) still asks its column."""
    spans = []
    for name in {r.name for r in rows if r.name}:
        for run in _CJK_RUN.findall(name):
            for i in range(len(run) - 3):
                at = text.find(run[i:i + 4])
                if at >= 0:
                    spans.append((at, at + 4))
    return spans


def _header_forms(header: str) -> list[str]:
    """The ways a question may name a header, longest first: 年度指标值 as such, then 年度指标."""
    leaf = re.sub(r"[（(][^）)]*[）)]", "", header.split(" > ")[-1]).strip()
    return list(dict.fromkeys([leaf, _header_core(header)]))


def _header_span(text: str, form: str) -> tuple[int, int] | None:
    """Where the question names a header: the header itself, or (a header of four or more characters) nearly all
    its character pairs in one stretch ("占全年执行数的比例" names 占全年执行数比例)."""
    if len(form) < 2:
        return None
    at = text.find(form)
    if at >= 0:
        return at, at + len(form)
    pairs = [form[i:i + 2] for i in range(len(form) - 1)]
    if len(form) < 4:
        return None
    found = [(text.find(g), g) for g in pairs if g in text]
    if len(found) < 0.8 * len(pairs):
        return None
    start = min(i for i, _ in found)
    end = max(i + 2 for i, _ in found)
    return (start, end) if end - start <= 1.5 * len(form) else None


def _header_core(header: str) -> str:
    """A header as a question names it: its lowest level, without a unit in brackets or a trailing 数/值."""
    leaf = header.split(" > ")[-1]
    leaf = re.sub(r"[（(][^）)]*[）)]", "", leaf).strip()
    core = re.sub(r"[数值]$", "", leaf)
    return core if len(core) >= 3 else leaf  # 年初预算数 -> 年初预算; 完成值 stays (完成 is any verb)


def _row_words(asks: _Asks, rows: Sequence[_Row]) -> list[str]:
    """The words that name a row: what is left of the question, stop words, a measure asked (多长时间) and the
    tables' header words out."""
    rest = _QUESTION_DATE.sub(" ", _DURATION_ASKED.sub(" ", asks.rest))
    # the table's name said ("资金执行这块" of “预算资金执行情况”) names no row, unless rows are named so too
    # (职业技能 of “补贴性职业技能培训情况” and of the row 补贴性职业技能培训人次)
    paths = " ".join(r.path for r in rows)
    for a, b in _table_name_spans(rest, rows):
        if rest[a:b] not in paths:
            rest = rest[:a] + " " * (b - a) + rest[b:]
    terms = [t for t in content_terms(rest)] if not re.fullmatch(r"[\x00-\x7f\s]*", rest) or \
        _CJK_RUN.search(rest) else []
    header_grams = {g for r in rows for k, h in enumerate(r.header) if k >= r.label_cols for g in bigrams(h)}
    all_header_grams = {g for r in rows for h in r.header for g in bigrams(h)}
    path_grams = {g for r in rows for g in bigrams(r.path)}
    # a word every table's name holds names the tables, not a row ("the project's total score": 项目 of
    # “项目资金执行情况” and “项目绩效目标完成情况”), unless it is a row's whole name
    names = {(r.report, r.table): r.name for r in rows}
    leaves = {r.leaf for r in rows}
    out = []
    # "差了多少公里", "比目标少了多少人次": the unit a difference is asked in names no row ("多少人次？" alone may
    # name the row counting 人次 beside the one asked before)
    difference = bool(asks.special & {DIFFERENCE, DEDUCTION, BALANCE})
    # ("森林抚育还差多少": 还 of 还差 is the asking's, not the row's)
    for t in ((_UNIT_ASKED.sub("", t) if difference else t).strip("是的了在有为").removesuffix("得").removesuffix("还")
              for t in terms):
        if len(t) < 2 or (difference and (t in UNIT_KIND or t[:1] == "个" and t[1:] in UNIT_KIND)):
            continue  # "是", "的": one character names no row
        if len(names) > 1 and all(t in name for name in names.values()) and t not in leaves:
            continue
        grams = {g for g in bigrams(t) if len(g) == 2}
        if grams and grams <= header_grams:
            continue  # "完成值", "指标值": a column word left over, not the row's name
        # "养老服务任务": a header's word (任务名称) written onto the row's name, naming no row, is not part of it
        while len(t) > 3 and t[-2:] in all_header_grams and t[-2:] not in path_grams:
            t = t[:-2]
        while len(t) > 3 and t[:2] in all_header_grams and t[:2] not in path_grams:
            t = t[2:]
        out.append(_spelled_out(t, leaves))
    return out


MIN_ABBREVIATION_CHARS = 3  # 保租房; two characters in order stand in too many names by chance


def _spelled_out(word: str, leaves: set[str]) -> str:
    """A word no row's name holds but whose characters stand in order, mostly apart, in one row's name, spelled out
    as that name writes it: "保租房" -> "保障性租赁住房" (of 保障性租赁住房筹集套数), an abbreviation taking a character
    of each word. The word itself when no name, or names spelling it differently, fit."""
    if len(word) < MIN_ABBREVIATION_CHARS or not _CJK_RUN.fullmatch(word) or any(word in leaf for leaf in leaves):
        return word
    gapped = re.compile("[\u4e00-\u9fff]{0,3}?".join(re.escape(ch) for ch in word))
    spans = {m.group() for leaf in leaves for m in [gapped.search(leaf)] if m}
    if len(spans) != 1:
        return word
    span = spans.pop()
    apart = sum(1 for i in range(len(word) - 1) if word[i:i + 2] not in span)
    return span if apart * 2 > len(word) - 1 else word


# a unit a question asks its figure in ("差了多少公里", "差几个人", "少了多少人次"): what the figure counts, never a row's name
_UNIT_ASKED = re.compile(r"(?:多少|几)个?(?:" + "|".join(sorted((re.escape(u) for u in UNIT_KIND if u and "/" not in u),
                                                             key=len, reverse=True)) + r")")


class _RowIndex:
    """How rare each character and character pair is among the rows' label paths (rare words say more)."""

    def __init__(self, rows: Sequence[_Row]):
        self.paths = [_grams(r.path) for r in rows]
        self.context = [_grams(f"{r.caption} {r.section}") for r in rows]
        df: dict[str, int] = {}
        for grams in self.paths:
            for g in grams:
                df[g] = df.get(g, 0) + 1
        n = max(1, len(rows))
        self.idf = {g: math.log(1 + n / (1 + c)) for g, c in df.items()}
        self.default = math.log(1 + n)

    def weight(self, g: str) -> float:
        return self.idf.get(g, self.default)


def _grams(text: str) -> set[str]:
    """Character pairs and single characters of the Chinese runs of a text."""
    grams: set[str] = set()
    for run in _CJK_RUN.findall(text):
        grams.update(run)
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def _match_rows(asks: _Asks, rows: Sequence[_Row], leaf_match: float) -> list[_Row]:
    """The rows the question names: the best by weighted overlap, with any row as good (ties), or none.

    An English question's words come as the report's terms, a phrase's alternatives together (satisfaction ->
    满意度 | 满意率): each row is scored with the alternative of each phrase that fits it best."""
    words = _row_words(asks, rows)
    if not words:
        return []
    index = _RowIndex(rows)
    groups = [[w for w in group if w in words] for group in asks.groups] if asks.groups else [[w] for w in words]
    groups = [g for g in groups if g]
    scored = []
    for i, row in enumerate(rows):
        chosen = [max(group, key=lambda w: _row_score(index, i, row, [w])[0]) for group in groups]
        score, leaf_share = _row_score(index, i, row, chosen)
        if score >= ROW_MATCH and leaf_share >= leaf_match:
            scored.append((score + 0.05 * leaf_share, row, leaf_share))
    if not scored:
        named = _named_in_full(asks, rows, words) or _only_row_of_group(asks, rows)
        if named:
            return named
    if not scored and (REASON in asks.roles or MET in asks.special):
        # "项目完工时间为什么推迟了": the row named whole, the other words say what went wrong with it
        whole = [(row, score) for i, row in enumerate(rows)
                 for score, share in [_row_score(index, i, row, [w for g in groups for w in g])]
                 if share >= 0.999 and len(row.leaf) >= 4 and score >= WHOLE_ROW_MATCH]
        return [whole[0][0]] if len(whole) == 1 else []
    if not scored:
        return []
    scored.sort(key=lambda x: -x[0])
    best = scored[0][0]
    close = [(row, share) for score, row, share in scored if best - score < ROW_MARGIN]
    whole = [row for row, share in close if share >= 0.999]
    if len(whole) == 1 and all(share < 0.6 for row, share in close if row is not whole[0]):
        return whole  # "养老服务任务…": the row named 养老服务 in full, not 社区居家养老服务中心建成数 holding the words
    tied = [row for row, _ in close]
    distinct = {(r.report, r.table, r.index) for r in tied}
    return tied if len(distinct) > 1 else tied[:1]


MIN_FULL_NAME_CHARS = 4  # a row name written out in the question this long names the row
MAX_OTHER_CHARS = 2  # what the question may say beside it ("控制" of "…单位成本控制目标"): a word, not another row


def _named_in_full(asks: _Asks, rows: Sequence[_Row], words: Sequence[str]) -> list[_Row]:
    """The rows whose whole name (the last label, four characters or more) the question writes out, when it says
    little else that could name a row: "项目支出执行得怎么样" names 项目支出, "河道清淤单位成本控制目标" names 河道清淤
    单位成本. The longest name written wins (项目支出执行率 over 项目支出); rows of one name in several tables tie."""
    if not _CJK_RUN.search(asks.text):
        return []
    written = [r for r in rows if not r.total and len(r.leaf) >= MIN_FULL_NAME_CHARS and r.leaf in asks.text]
    if not written:
        return []
    longest = max(len(r.leaf) for r in written)
    written = [r for r in written if len(r.leaf) == longest]
    leaf = written[0].leaf
    if any(r.leaf != leaf for r in written):
        return []
    # the other words must be column words (执行 of 执行数): "财政拨款收入" names an income, not the row 财政拨款
    other = "".join(w.replace(leaf, " ") for w in words if leaf in w or not set(w) <= set(leaf))
    paths = "".join(r.path for r in written)
    left = [run for run in _CJK_RUN.findall(other) if any(ch not in paths for ch in run)]
    header_grams = {g for r in rows for h in r.header for g in bigrams(h)}
    if sum(len(run) for run in left) > MAX_OTHER_CHARS or any(set(bigrams(run)) - header_grams for run in left):
        return []
    return written


def _only_row_of_group(asks: _Asks, rows: Sequence[_Row]) -> list[_Row]:
    """"时效指标完成了吗": a group label written out in the question (four characters or more) that stands over one row
    only names that row."""
    if not _CJK_RUN.search(asks.text):
        return []
    groups: dict[str, dict[tuple, _Row]] = {}
    for row in rows:
        if row.total:
            continue
        # a group label may join two levels ("产出指标—时效指标"): each level names the group too
        for label in {part for above in row.path.split(" > ")[:-1] for part in [above, *_LEVELS_JOINED.split(above)]}:
            if len(label) >= MIN_FULL_NAME_CHARS and label in asks.text:
                groups.setdefault(label, {})[(row.report, row.table, row.index)] = row
    if not groups:
        return []
    label = max(groups, key=len)
    members = list(groups[label].values())
    return members if len(members) == 1 else []


_LEVELS_JOINED = re.compile(r"\s*[—\-－–]+\s*|\s*>\s*")


def _row_score(index: _RowIndex, i: int, row: _Row, words: Sequence[str]) -> tuple[float, float]:
    """How much of `words` (weighted character pairs and characters) row i's label path holds, its caption and
    section counting a little; and the share of the row's own name the words hold."""
    pairs = {g for w in words for run in _CJK_RUN.findall(w) for g in (run[j:j + 2] for j in range(len(run) - 1))}
    chars = {ch for w in words for run in _CJK_RUN.findall(w) for ch in run}
    if not chars:
        return 0.0, 0.0
    path, context = index.paths[i], index.context[i]
    pair_total = sum(index.weight(g) for g in pairs)
    char_total = sum(index.weight(c) for c in chars)
    pair_score = (sum(index.weight(g) for g in pairs if g in path) +
                  0.3 * sum(index.weight(g) for g in pairs if g not in path and g in context)) / pair_total \
        if pair_total else 1.0
    char_score = (sum(index.weight(c) for c in chars if c in path) +
                  0.3 * sum(index.weight(c) for c in chars if c not in path and c in context)) / char_total
    leaf = {ch for run in _CJK_RUN.findall(row.leaf) for ch in run}
    leaf_share = len(leaf & chars) / len(leaf) if leaf else 0.0
    return 0.5 * pair_score + 0.5 * char_score, leaf_share


_QUESTION_DATE = re.compile(r"(?:(?:19|20)\d\d\s*年度?)?\d{1,2}\s*月(?:\d{1,2}\s*[日号])?(?:[上中下]旬|底|初|末)?(?:以?前|之前|后)?|"
                            r"(?:19|20)\d\d\s*年度?(?:[上下]半年|底|初|末)?(?:以?前|之前|后)?")  # a date names no row
_DURATION_ASKED = re.compile(r"多长(?:时间)?|多久|(?:多少|几)个?(?:工作日|小时|钟头|分钟|天|日|月)")
_DURATION_ASKED_WITHIN = re.compile(r"(?:在|于)?(?:多长(?:时间)?|多久|(?:多少|几)个?(?:工作日|小时|钟头|分钟|天|日|月))(?:以?内|之内)?")
_DURATION_CELL = re.compile(r"\d\s*个?(?:工作日|小时|分钟|天|个月)")  # "3个工作日": 个 counts days
_DURATION_UNITS = frozenset({"小时", "分钟", "天", "个月", "工作日", "秒"})  # not 日, 月: a date
MEASURE_MATCH = 0.4  # a row that names the question's words this far, the only one stating the measure asked


def _by_measure(question: Question, asks: _Asks, rows: Sequence[_Row]) -> list[_Row]:
    """No row is named well enough, but the question asks a measure (多长时间 a duration, 多少人 people): among the
    rows it names in part (城市书房日均开放时长 and 城市书房建成开放时间 for "城市书房每天开放多长时间"), the only one
    whose actual or target states that measure; none when no row or several do."""
    if not _measure_asked(question, asks):
        return []
    # the words asking the measure name no row ("流调多长时间内启动": 多长时间内 asks a duration)
    words = [w for w in (re.sub(r"^(?:以?内|之内)", "", _DURATION_ASKED_WITHIN.sub(" ", w).strip())
                         for w in _row_words(asks, rows)) if w]
    if not words:
        return []
    index = _RowIndex(rows)
    near = []
    for i, row in enumerate(rows):
        score, leaf_share = _row_score(index, i, row, words)
        # a Chinese question naming most of a row strongly may name less of its own name (流调启动 of 疫情报告后流调
        # 启动时间); an English one's terms are too loose for that
        strong = score >= 0.6 and leaf_share >= LEAF_MATCH and question.language == "zh"
        if score >= MEASURE_MATCH and (leaf_share >= 0.5 or strong) \
                and not row.total:
            near.append(row)
    stating = [r for r in near if _states_measure(question, asks, r)]
    return stating if len(stating) == 1 and len({(r.report, r.table) for r in near}) >= 1 else []


def _measure_asked(question: Question, asks: _Asks) -> tuple[bool, set[str]]:
    """What measure the question asks: (a duration?, the kinds its asks name), empty when none."""
    duration = bool(_DURATION_ASKED.search(asks.text)) and question.language == "zh"
    kinds = {a.kind for a in question.asks if a.kind and a.kind != "count"}
    return (duration, kinds) if duration or kinds else ()


def _states_measure(question: Question, asks: _Asks, row: _Row) -> bool:
    """Whether the row's actual or target states the measure the question asks (a duration: 小时, 分钟, 天 …)."""
    asked = _measure_asked(question, asks)
    if not asked:
        return False
    duration, kinds = asked
    columns = row.columns(ACTUAL) + row.columns(TARGET)
    figures = [f for k in columns for f in row.figures.get(k, [])]
    if duration:
        return any(f.unit in _DURATION_UNITS for f in figures) or any(_DURATION_CELL.search(row.cells[k]) for k in columns)
    return any(UNIT_KIND.get(f.unit, "number") in kinds for f in figures)


def _only_row(asks: _Asks, rows: Sequence[_Row]) -> _Row | None:
    """A column named by its header in a table of one row ("预期目标是什么"): that row."""
    if not asks.named:
        return None
    having = [r for r in rows if any(_header_core(h) in asks.named for h in r.header)]
    tables = {(r.report, r.table) for r in having}
    if len(tables) != 1 or len([r for r in having if not r.total]) != 1:
        return None
    return next(r for r in having if not r.total)


def _group_rows(asks: _Asks, rows: Sequence[_Row]) -> list[_Row]:
    """The rows under a group the question names ("产出指标中哪些没完成"): their path above the leaf holds its words."""
    chars = {ch for w in _row_words(asks, rows) for run in _CJK_RUN.findall(w) for ch in run}
    if not chars:
        return []
    found = []
    for row in rows:
        above = set("".join(row.path.split(" > ")[:-1]))
        if above and len(chars & above) >= 0.75 * len(chars):
            found.append(row)
    if not found:  # "分项资金里哪项…": the rows of the one table whose caption holds the words (项目资金分项执行情况)
        titled = {(r.report, r.table) for r in rows if len(chars & set(r.caption)) >= 0.75 * len(chars)}
        if len(titled) == 1:
            found = [r for r in rows if (r.report, r.table) in titled]
    return found


def _total_row(asks: _Asks, rows: Sequence[_Row]) -> _Row | None:
    """A question naming no row asks the table's total (执行率, 总分, 得了多少分): the total row of the table that has
    the asked column; with several such tables, the one whose total carries the most points (the overall score)."""
    named_roles = [r.roles[k] for r in rows for k, h in enumerate(r.header)
                   if k < len(r.roles) and h and _header_core(h) in asks.named]
    roles = [r for r in [*asks.roles, *named_roles] if r in (RATE, SCORE, POINTS)] or \
        ([SCORE] if DEDUCTION in asks.special else [])
    roles = list(dict.fromkeys(roles))
    if not roles and TOTAL not in asks.special and not asks.named and DIFFERENCE not in asks.special:
        return None
    wanted = roles or [r for r in asks.roles if r != REASON]
    candidates = [r for r in rows if r.total and (not wanted or any(r.columns(role) for role in wanted))]
    if asks.named:
        candidates = [r for r in candidates if any(_header_core(h) in asks.named for h in r.header)]
        having_all = [r for r in candidates if set(asks.named) <= {_header_core(h) for h in r.header}]
        candidates = having_all or candidates  # "执行率和得分": the total of the table that has both
    if asks.scored:  # "执行率得了几分": the total of the table that has the column scored
        candidates = [r for r in candidates if any(_header_core(h) in asks.scored for h in r.header)]
    if TOTAL in asks.special and not roles:
        candidates = [r for r in candidates if asks.named or r.columns(ACTUAL) or r.columns(SCORE)]
    if not candidates:
        return None
    if len({r.report for r in candidates}) > 1:
        return None  # each report has its total: which report is meant is for the question to say
    if len({(r.report, r.table) for r in candidates}) == 1:
        return candidates[0]

    def points(r: _Row) -> Decimal:
        values = [c.value for k in r.columns(POINTS) for c in _cells(r, k) if c.value is not None]
        return max(values, default=Decimal(-1))

    named = [r for r in candidates if r.leaf and (r.leaf in asks.text or r.leaf in asks.terms)]
    if len(named) == 1:
        return named[0]  # "总分多少": the total row labelled 总分
    titled = [r for r in candidates if _names_table(asks.text, r)]
    if len({(r.report, r.table) for r in titled}) == 1:
        return titled[0]  # "预算执行这块得了几分": the total of the table its caption calls 预算执行情况
    if any(role in (SCORE, POINTS) for role in roles) or DEDUCTION in asks.special:
        # a self-evaluation scores out of FULL_MARKS: the one total row carrying them all is the overall score
        full = [r for r in candidates if points(r) == FULL_MARKS]
        if len(full) == 1 and len({(r.report, r.table) for r in candidates}) > 1:
            return full[0]
    if any(role in (SCORE, POINTS) for role in roles) or DEDUCTION in asks.special or TOTAL in asks.special:
        return None  # a report's overall score may add several tables' totals: the prose says which it is
    ranked = sorted(candidates, key=points, reverse=True)
    if points(ranked[0]) > points(ranked[1]):
        return ranked[0]
    return None


def _names_table(text: str, row: _Row) -> bool:
    """Whether the question names the row's table by four characters running of its name (预算执行 of
    “预算执行情况”), beyond what every such table is called (绩效, 情况, 指标 alone say nothing)."""
    name = row.name
    runs = [run for run in _CJK_RUN.findall(name)]
    return any(run[i:i + 4] in text for run in runs for i in range(len(run) - 3))


# an English question naming an indicator: "the … resolution rate", "satisfaction", "the number of …" (never the
# budget's own execution rate, which a total row states)
_EN_INDICATOR = re.compile(r"\b(?!(?:budget|execution|completion|implementation|spending|fund|funds|overall|total)\b)"
                           r"[a-z][a-z-]+ (?:rate|ratio)\b|\bsatisfaction\b|\bnumber of\b", re.I)


def _names_nothing_else(asks: _Asks, rows: Sequence[_Row], total: _Row) -> bool:
    """Whether a question answered by a table's total names nothing the table does not: "自评总分是多少" may be the
    total's, "残疾人康复服务人数完成了多少" names a row this report does not have."""
    if _EN_INDICATOR.search(asks.text) and not _EN_INDICATOR.search(total.leaf):
        return False  # "…lose on the dispute resolution rate": an indicator named, which no English term found
    if any(not r.total and len(r.leaf) >= MIN_FULL_NAME_CHARS and r.leaf in asks.text and r.leaf not in total.path
           for r in rows):
        return False  # "项目支出执行得怎么样，执行率多少": a row of the tables is named; its total is not the answer
    words = _row_words(asks, rows)
    if any(len(w) >= 2 and w not in total.path and any(not r.total and w in r.path for r in rows) for w in words):
        return False  # "步道这项扣了几分": a word of one row's name (新建改建健身步道长度) is said; not the total's
    chars = {ch for w in words for run in _CJK_RUN.findall(w) for ch in run}
    if len(chars) <= 2:
        return True
    context = set(f"{total.caption}{total.section}{''.join(total.header)}")
    return len(chars & context) >= 0.75 * len(chars)


def _difference_columns(asks: _Asks, row: _Row) -> list[int] | None:
    """The two columns a difference is asked of, in the order "A比B" names them: two named or cued columns; one role
    with two columns (预算调整了多少: 全年预算数 − 年初预算数, the later minus the first); a target or plan against
    the row's actual (比目标少了几个); none named: actual against target."""
    columns = _asked_columns(asks, row) if asks.named or asks.roles else None
    if columns and len(columns) == 2:
        if not asks.named and row.roles[columns[0]] == row.roles[columns[1]]:
            return [columns[1], columns[0]]  # 预算调整了多少: 全年预算数 − 年初预算数
        return columns
    if columns and len(columns) == 1:
        role = row.roles[columns[0]]
        if role in (TARGET, PLAN) and row.columns(ACTUAL):
            return [row.columns(ACTUAL)[0], columns[0]]
        if role == ACTUAL:
            other = row.columns(TARGET) or row.columns(PLAN)
            return [columns[0], other[-1]] if other else None
        return None
    if columns and len(columns) > 2:
        same = [k for k in columns if row.roles[k] == row.roles[columns[0]]]
        return [same[-1], same[0]] if len(same) == 2 and len(columns) == len(same) else None
    if columns is None and (asks.named or asks.roles):
        return None
    other = row.columns(TARGET) or row.columns(PLAN)
    return [row.columns(ACTUAL)[0], other[-1]] if row.columns(ACTUAL) and other else None


def _asked_columns(asks: _Asks, row: _Row) -> list[int] | None:
    """The row's columns the question asks for: those it names by header, else those of the roles it cues, else
    its actual value (a target beside it is context); None when the row has nothing of the kind asked."""
    named = [k for h in asks.named for k, header in enumerate(row.header)
             if k >= row.label_cols and header and _header_core(header) == h]
    if named:
        # "全年预算多少，实际花了多少": a role cued beside the named header, which no named column has, is asked too
        named_roles = {row.roles[k] for k in named if k < len(row.roles)}
        named += [k for role in asks.roles if role in (ACTUAL, TARGET, SCORE, RATE) and role not in named_roles
                  for k in row.columns(role)[:1]]
        return [k for k in dict.fromkeys(named) if not _NIL.match(row.cells[k].strip())] or None
    if asks.named and not asks.roles:
        return None  # a column named that this row's table does not have: not another column's value
    if asks.roles:
        columns = [k for role in asks.roles for k in (row.columns(role) or row.columns(_SAME_SIDE.get(role, "")))]
        if not columns and asks.kinds and set(asks.roles) == {ACTUAL}:
            # "临时救助花了多少钱" of 救助人次｜救助金额 (columns no header word names): the one stating money; never
            # for a budget asked (an amount of a 使用明细 is what was spent, not what was budgeted)
            columns = [k for k in row.columns(VALUE)
                       if any(UNIT_KIND.get(f.unit, "number") in asks.kinds for f in row.figures.get(k, []))]
        return list(dict.fromkeys(columns)) or None
    columns = row.columns(ACTUAL) or row.columns(VALUE)
    if len(columns) > 1 and asks.kinds:
        # 培训人次 and 补贴金额 beside 创业培训: "有多少人次" asks the column stating people-times
        fitting = [k for k in columns if any(UNIT_KIND.get(f.unit, "number") in asks.kinds for f in row.figures.get(k, []))]
        columns = fitting or columns
    return columns or None


# --- rows and cells ------------------------------------------------------------------------------------------------


def _rows(cells: Sequence[Figure]) -> list[_Row]:
    rows: dict[tuple[str, str, int], _Row] = {}
    for f in cells:
        extra = f.extra or {}
        key = (f.report, f.table, int(extra.get("row_index", -1)))
        row = rows.get(key)
        if row is None:
            row = rows[key] = _Row(f.report, f.table, key[2], f.row, f.section, f.sentence, extra.get("caption", ""),
                                   list(extra.get("header", [])), list(extra.get("cells", [])),
                                   list(extra.get("roles", [])), bool(extra.get("total")),
                                   int(extra.get("label_cols", 1)), extra.get("year"))
        if f.row and len(f.row) > len(row.path) and f.row.startswith(row.path):
            row.path = f.row
        row.figures.setdefault(int(extra.get("col_index", -1)), []).append(f)
        for worded in extra.get("worded_rows", ()):  # a row of dates or words beside a target: a row too
            key = (f.report, f.table, int(worded["row_index"]))
            if key not in rows:
                rows[key] = _Row(f.report, f.table, key[2], worded["row"], worded["section"], worded["sentence"],
                                 extra.get("caption", ""), list(extra.get("header", [])), list(worded["cells"]),
                                 list(extra.get("roles", [])), False, int(extra.get("label_cols", 1)),
                                 extra.get("year"))
    return [r for r in rows.values() if r.cells]


def _cells(row: _Row, k: int) -> list[_Cell]:
    """The values of column k of a row: one per figure its cell states, or the cell's text."""
    text = row.cells[k].strip() if k < len(row.cells) else ""
    figures = row.figures.get(k, [])
    if len(figures) == 1 or (figures and is_figure_cell(text)):
        return [_Cell(row, k, text, f) for f in figures]
    return [_Cell(row, k, text, None)] if text else []  # a sentence stating several figures is quoted as text


def _first(row: _Row, k: int) -> _Cell | None:
    found = _cells(row, k)
    return found[0] if found else None


def _shown(cell: _Cell, english: bool = False) -> str:
    """A cell's value as the answer writes it: as the cell prints it ("≥2000个", "≤30分钟", "100%"), with the unit its
    header or caption gives a bare number ("5108.30" -> "5108.30万元"); a bound in words in English."""
    f = cell.figure
    if f is None:
        return cell.text
    tokens = [t for t in find_numbers(cell.text) if t.role == ROLE_FIGURE or t.text == f.text]
    written = cell.text if len(tokens) == 1 and tokens[0].text == f.text else f"{f.extra.get('bound', '')}{f.text}{f.unit}"
    if len(tokens) == 1 and not tokens[0].unit and f.unit and written.rstrip().endswith(f.text):
        written = f"{written}{f.unit}"
    if english and f.extra.get("op") in _BOUND_EN:
        bound = f.extra.get("bound", "")
        plain = written.replace(bound, "", 1).strip() if bound else written
        return f"{_BOUND_EN[f.extra['op']]} {plain}"
    return written


def _cite(row: _Row, columns: Sequence[int]) -> Citation:
    highlights = tuple(f.text for k in columns for f in row.figures.get(k, []))
    column = " / ".join(row.header[k] for k in columns if k < len(row.header))
    # the row as the report prints it: a table read turned prints the cell's column as its row
    printed = "；".join(dict.fromkeys(f.sentence for k in columns for f in row.figures.get(k, [])[:1])) or row.sentence
    return Citation(printed, row.section, row.report, highlights,
                    table={"header": row.header, "row": row.cells, "column": column})


def _fit(text: str) -> str:
    return text if len(text) <= MAX_ANSWER_CHARS else text[:MAX_ANSWER_CHARS - 1] + "…"


def _kind_fits(question: Question, cell: _Cell) -> bool:
    """A default column answers only a question whose measure it states ("多少钱" is not answered with 人次)."""
    kinds = {a.kind for a in question.asks if a.kind}
    if cell.figure is None:
        return not kinds
    kind = UNIT_KIND.get(cell.figure.unit, "number")
    if question.language == "en" and kinds <= _COUNTS and kind in _COUNTS and not _PERSONS_EN.search(question.original):
        return True  # "how many new elderly care beds": how many counts what it names (张), not people
    return not kinds or kind in kinds or kind == "number"


_MEASURE_WORD = re.compile(r"(?:多少|几)个?([\u4e00-\u9fff])")
_COUNTS = frozenset({"people", "count", "times"})
_PERSONS_EN = re.compile(r"\b(?:people|persons?|individuals|residents|how many (?:of them|were served))\b", re.I)


def _states_kind_asked(question: Question, row: _Row) -> bool:
    """Whether a row states a figure of the kind the question asks (people for 多少人, money for 多少钱)."""
    kinds = {a.kind for a in question.asks if a.kind}
    return bool(kinds) and any(UNIT_KIND.get(f.unit, "number") in kinds for fs in row.figures.values() for f in fs)


def _names_the_measure(question: Question, row: _Row) -> bool:
    """A question that asks no column names what the row measures: the head of its name (its last characters:
    满意度, 覆盖率) stands in the question, unless it is a bare count (数, 量) that 多少/几 asks anyway. "辖区有多少
    户籍长者" is not asked by the row 户籍长者助餐服务覆盖率."""
    runs = _CJK_RUN.findall(row.leaf)
    head = runs[-1] if runs else ""
    if not head or head[-1] in "数量":
        return True
    if question.language == "en" and {a.kind for a in question.asks if a.kind} & _COUNTS and any(
            UNIT_KIND.get(f.unit, "number") in _COUNTS for k in row.columns(ACTUAL) for f in row.figures.get(k, [])):
        return True  # "how many … events were held": a count asked, and the row counts (场次, 件, 个)
    text = question.text if question.language == "zh" else " ".join(question.terms)
    text += question.context  # "社区居民呢？" after "服务对象满意度多少？": the measure the conversation asks
    if head[-2:] in text or (len(head) < 2 and head in text):
        return True
    # "演出了多少场" asks 演出场次 by its measure word (场 of 场次, 人 of 人次)
    return any(head[-2:].startswith(m.group(1)) for m in _MEASURE_WORD.finditer(text)) and len(head) >= 2


# --- answers -------------------------------------------------------------------------------------------------------


def _values(row: _Row, columns: Sequence[int], question: Question, english: bool, explicit: bool,
            measure: bool = False, named: bool = False) -> Draft | None:
    """The asked cells of one row; beside an actual value, the row's target (what it is measured against).
    `measure`: the row was chosen for stating the measure asked (_by_measure), which names it."""
    asked = [c for k in columns for c in _cells(row, k)]
    if not asked or (not explicit and not measure and not all(_kind_fits(question, c) for c in asked
                                                              if c.figure is not None)):
        return None
    if not explicit and not measure and not _names_the_measure(question, row):
        return None
    valued = [c for c in asked if c.figure is not None and row.roles[c.col] in (ACTUAL, TARGET, PLAN)]
    if explicit and not named and valued and not any(_kind_fits(question, c) for c in valued):
        return None  # "…花了多少钱" asks money: a count of 场 in the actual column is not it
    if not explicit and all(c.figure is None and not c.text[:1].isdigit() for c in asked):
        return None  # a text cell answers only a question that asks its column ("0起" is a value as written)
    if all(c.figure is None and not c.text[:1].isdigit() for c in asked):
        said = "；".join(c.text.rstrip("。") for c in asked)
        names = "、".join(dict.fromkeys(c.name for c in asked if c.name))
        if english:
            text = f"{said} ({names}{f', row “{row.path}”' if row.path else ''}, {row.where})."
        else:
            line = f"中“{row.leaf}”一行" if row.leaf else ""
            text = f"{said}（{row.where}{line}的{names}）。"
        return Draft(_fit(text), (_cite(row, list(columns)),), False)
    lead = "；".join(_shown(c, english) for c in asked)
    context_cols = []
    if all(row.roles[k] == ACTUAL for k in columns):
        context_cols = [k for k in row.columns(TARGET) + row.columns(PLAN) if k not in columns][:2]
    context = [c for k in context_cols for c in _cells(row, k)]
    if english:
        parts = [f"{c.name} {_shown(c, True)}" for c in asked + context]
        text = f"{lead}. {row.where}, row “{row.path}”: {'; '.join(parts)}."
    else:
        parts = [f"{c.name}{_shown(c)}" for c in asked]
        beside = "（" + "，".join(f"{c.name}{_shown(c)}" for c in context) + "）" if context else ""
        line = f"中“{row.leaf}”一行" if row.leaf else ""
        text = f"{lead}。依据{row.where}{line}：{'，'.join(parts)}{beside}。"
    return Draft(_fit(text), (_cite(row, list(columns) + context_cols),), False)


def _reason(row: _Row, english: bool) -> Draft | None:
    """偏差原因分析 of the row: the report's own words; a row with no reason column, its 备注 (what the table says
    beside the row, named as such)."""
    columns = row.columns(REASON) or row.columns(NOTE)
    texts = [row.cells[k].strip() for k in columns]
    if not texts:
        return None
    said = "；".join(texts)
    name = row.column_name(columns[0])
    text = (f"The table gives the reason for “{row.leaf}” ({name}): {said}" if english
            else f"{said}（{row.where}中“{row.leaf}”一行的{name}）。")
    return Draft(_fit(text), (_cite(row, columns),), False)


def _less_excluded(question: Question, asks: _Asks, rows: Sequence[_Row], english: bool) -> Draft | None:
    """"绩效指标得分多少，不含预算执行": the table's total score less the score of the one row the question leaves out
    (部门预算执行率), both shown; None (the prose then decides) when no total or not one such row of its table."""
    named_score = any(r.roles[k] == SCORE for r in rows for k, h in enumerate(r.header)
                      if k < len(r.roles) and h and _header_core(h) in asks.named)
    if SCORE not in asks.roles and not named_score:
        return None
    total = _total_row(replace(asks, roles=[*asks.roles, SCORE]), rows)
    if total is None or not total.columns(SCORE):
        return None
    left_out = [r for r in rows if (r.report, r.table) == (total.report, total.table) and not r.total
                and any(w in r.path for w in question.excluded) and r.columns(SCORE)]
    if not left_out:
        # "不含预算执行那部分": the score of another table of the report, the one its headers name so (年初预算数,
        # 全年执行数 … 得分: the budget's execution, scored on its own total row)
        left_out = [r for r in rows if r.report == total.report and r.table != total.table and r.total
                    and r.columns(SCORE) and any(_names_by_headers(w, r) for w in question.excluded)]
    if len(left_out) != 1:
        return None
    whole, part = _first(total, total.columns(SCORE)[0]), _first(left_out[0], left_out[0].columns(SCORE)[0])
    if whole is None or part is None or whole.value is None or part.value is None or part.value > whole.value:
        return None
    places = max(_places(whole.value), _places(part.value))
    unit = whole.figure.unit or "分"
    shown = f"{whole.value - part.value:.{places}f}"
    expression = f"{whole.figure.text}{unit} − {part.figure.text}{unit} = {shown}{unit}"
    if english:
        text = f"{shown} points ({total.leaf} less {left_out[0].leaf}: {expression})."
    else:
        text = (f"{shown}{unit}（{total.leaf}{whole.name}减去“{left_out[0].leaf}”{part.name}：{expression}），"
                f"依据{total.where}。")
    return Draft(_fit(text), (_cite(total, [whole.col]), _cite(left_out[0], [part.col])), False)


def _names_by_headers(word: str, row: _Row) -> bool:
    """Whether most of a word's character pairs stand in the headers (or the name) of the row's table: 预算执行 of a
    table headed 年初预算数, 全年执行数, 执行率."""
    pairs = [word[i:i + 2] for i in range(len(word) - 1)]
    said = f"{row.name}{''.join(row.header)}"
    return bool(pairs) and sum(p in said for p in pairs) * 2 > len(pairs)


def _deduction(row: _Row, english: bool, with_score: bool = False) -> Draft | None:
    """扣了几分: 分值 − 得分 of the row, both operands shown; led by the score when it is asked too ("扣分了吗？得了几
    分？")."""
    pair = _points_score(row)
    if pair is None:
        return None
    p, s = pair
    d = p.value - s.value
    places = max(_places(p.value), _places(s.value))
    shown = f"{d:.{places}f}"
    unit = p.figure.unit or "分"
    expression = f"{p.figure.text}{unit} − {s.figure.text}{unit} = {shown}{unit}"
    if english:
        text = f"{shown} points were deducted ({p.name} − {s.name}: {expression}), row “{row.path}”."
    else:
        text = f"扣了{shown}{unit}（{p.name}减{s.name}：{expression}），依据{row.where}中“{row.leaf}”一行。"
    if with_score:
        text = (f"{s.figure.text}{unit} ({s.name}); " if english else f"{s.name}{s.figure.text}{unit}，") + text
    return Draft(_fit(text), (_cite(row, [p.col, s.col]),), False)


# "绩效指标一共扣了多少分", "各项指标共扣几分": the indicators' own deductions, not the 总分's (which holds the budget's)
_INDICATORS_ASKED = re.compile(r"指标|\bindicators?\b", re.I)
_ALL_INDICATORS = re.compile(r"(?:绩效|各项|所有|全部|各个|这些)?指标")
_BUDGET_ROW = re.compile(r"预算执行|资金执行|执行率")


def _group_named(question: Question, rows: Sequence[_Row]) -> str:
    """The heading of a group of rows the question names ("产出指标扣了几分": 产出指标), "" when it names all of them
    (绩效指标, 各项指标) or none."""
    for term in question.terms:
        for word in term.split("|"):
            if len(word) >= 2 and not _ALL_INDICATORS.fullmatch(word) and any(
                    word in " > ".join(r.path.split(" > ")[:-1]) for r in rows):
                return word
    return ""


def _indicator_deductions(rows: Sequence[_Row], english: bool, group: str = "") -> Draft | None:
    """分值 − 得分 summed over the indicator rows (of the group named, else all) of the one table whose rows state
    both, each row that lost points shown; a budget-execution row and the total row are not indicators. None when no
    table or more than one fits."""
    by_table: dict[tuple[str, str], list[tuple[_Row, _Cell, _Cell]]] = {}
    for row in rows:
        pair = None if row.total or _BUDGET_ROW.search(row.path) else _points_score(row)
        if group and group not in " > ".join(row.path.split(" > ")[:-1]):
            continue
        if pair is not None and " > " in row.path:  # an indicator sits under its 一级/二级 headings
            by_table.setdefault((row.report, row.table), []).append((row, *pair))
    tables = [t for t in by_table.values() if len(t) >= (1 if group else 3)]
    if len(tables) != 1:
        return None
    lost = [(row, p, s, p.value - s.value) for row, p, s in tables[0] if p.value - s.value > 0]
    if not lost:
        return None
    places = max(max(_places(p.value), _places(s.value)) for _, p, s, _ in lost)
    total = sum(d for *_, d in lost)
    unit = lost[0][1].figure.unit or "分"
    parts = [(row.leaf, f"{p.figure.text}−{s.figure.text}={d:.{places}f}") for row, p, s, d in lost]
    if english:
        text = (f"The {group + ' ' if group else ''}indicators lost {total:.{places}f} points in all: "
                + "; ".join(f"{leaf} {calc}" for leaf, calc in parts) + ".")
    else:
        text = (f"{group or '各项绩效指标'}共扣{total:.{places}f}{unit}（按表中分值减得分：" + "；".join(f"{leaf}{calc}" for leaf, calc in parts)
                + f"），依据{lost[0][0].where}。")
    return Draft(_fit(text), tuple(_cite(row, [p.col, s.col]) for row, p, s, _ in lost), False)


def _difference(row: _Row, columns: Sequence[int], english: bool) -> Draft | None:
    """One column minus the other (in the order the question names them), both operands shown."""
    a, b = _first(row, columns[0]), _first(row, columns[1])
    if a is None or b is None or a.value is None or b.value is None or not _comparable(a.figure, b.figure):
        return None
    unit = a.figure.unit or b.figure.unit
    va, vb = _scaled(a.figure), _scaled(b.figure)
    scale = UNIT_SCALE.get(unit, Decimal(1))
    d = abs(va - vb) / scale
    places = max(_places(a.value), _places(b.value))
    big, small = (a, b) if va >= vb else (b, a)
    expression = f"{big.figure.text}{unit} − {small.figure.text}{unit} = {d:.{places}f}{unit}"
    more = va >= vb
    if va == vb:  # 预算调整了多少 with 全年预算数 = 年初预算数: no change, said in words beside the figures
        both = _shown(a)
        text = (f"No difference: {a.name} and {b.name} are the same ({both}), row “{row.path}”." if english
                else f"没有差额：{a.name}与{b.name}相同，均为{both}，数额不变（依据{row.where}中“{row.leaf}”一行）。")
        return Draft(_fit(text), (_cite(row, [columns[0], columns[1]]),), False)
    if english:
        text = (f"{d:.{places}f}{unit} ({a.name} is {'more' if more else 'less'} than {b.name}: {expression}), "
                f"row “{row.path}”.")
    else:
        text = (f"{d:.{places}f}{unit}（{a.name}比{b.name}{'多' if more else '少'}：{expression}），"
                f"依据{row.where}中“{row.leaf}”一行。")
    return Draft(_fit(text), (_cite(row, [columns[0], columns[1]]),), False)


def _asks_rate_only(asks: _Asks, rows: Sequence[_Row]) -> bool:
    """Whether the question asks a rate (执行率, by a cue or by a rate column's header) and no other column."""
    named_roles = {r.roles[k] for r in rows for k, h in enumerate(r.header)
                   if k < len(r.roles) and h and _header_core(h) in asks.named}
    return {*asks.roles, *named_roles} == {RATE} and not asks.special - {TOTAL}


def _balance(row: _Row, english: bool) -> Draft | None:
    """结余了多少: the row's budget (its last plan column, 全年预算数) less what was spent (its actual), both shown."""
    plans, actuals = row.columns(PLAN), row.columns(ACTUAL)
    if not plans or not actuals:
        return None
    plan, actual = _first(row, plans[-1]), _first(row, actuals[0])
    if plan is None or actual is None or plan.value is None or actual.value is None or plan.op or actual.op \
            or not _comparable(plan.figure, actual.figure) or plan.figure.unit != actual.figure.unit:
        return None
    d = plan.value - actual.value
    places = max(_places(plan.value), _places(actual.value))
    unit = plan.figure.unit
    shown = f"{d:.{places}f}{unit}"
    expression = f"{plan.figure.text}{unit} − {actual.figure.text}{unit} = {shown}"
    if english:
        text = f"{shown} left unspent ({plan.name} − {actual.name}: {expression}), row “{row.path}”."
    else:
        text = f"{shown}（{plan.name}减{actual.name}：{expression}），依据{row.where}中“{row.leaf}”一行。"
    return Draft(_fit(text), (_cite(row, [plan.col, actual.col]),), False)


def _computed_rate(row: _Row, english: bool) -> Draft | None:
    """执行率 of a row whose table has no rate column: its actual over its budget (its last plan column), computed
    and said to be so, both operands shown."""
    plans, actuals = row.columns(PLAN), row.columns(ACTUAL)
    if not plans or not actuals:
        return None
    plan, actual = _first(row, plans[-1]), _first(row, actuals[0])
    if plan is None or actual is None or plan.value is None or actual.value is None or plan.op or actual.op \
            or plan.value <= 0 or plan.figure.unit != actual.figure.unit:
        return None
    rate = (actual.value / plan.value * 100).quantize(Decimal("0.01"))
    unit = plan.figure.unit
    expression = f"{actual.figure.text}{unit} ÷ {plan.figure.text}{unit} = {rate}%"
    if english:
        text = (f"{rate}% (not stated in the table; computed from its figures: {actual.name} ÷ {plan.name}, "
                f"{expression}), row “{row.path}”.")
    else:
        text = f"{rate}%（表格未直接给出，按{actual.name}÷{plan.name}计算：{expression}），依据{row.where}中“{row.leaf}”一行。"
    return Draft(_fit(text), (_cite(row, [actual.col, plan.col]),), False)


def _group_listed(asks: _Asks, rows: Sequence[_Row], english: bool) -> Draft | None:
    """"生态效益指标有哪几项": the rows under the group label the question writes out (a label above the rows' own
    names, four characters or more; the longest one written), each cited; None when no group is named so, or its
    rows stand in several tables."""
    groups: dict[str, list[_Row]] = {}
    for row in rows:
        if row.total:
            continue
        for label in row.path.split(" > ")[:-1]:
            if len(label) >= MIN_FULL_NAME_CHARS and label in asks.text:
                groups.setdefault(label, []).append(row)
    if not groups:
        return None
    label = max(groups, key=len)
    members = list({(r.report, r.table, r.index): r for r in groups[label]}.values())
    if len({(r.report, r.table) for r in members}) != 1 or len(members) > MAX_LISTED_ROWS:
        return None
    names = [r.leaf for r in members]
    if english:
        text = f"{label} has {len(names)} indicator(s) in {members[0].where}: " + "; ".join(names) + "."
    else:
        text = f"{label}共{len(names)}项：" + "、".join(names) + f"（{members[0].where}）。"
    return Draft(_fit(text), tuple(_cite(r, []) for r in members), False)


def _met(row: _Row, english: bool) -> Draft | None:
    """完成了吗: the row's actual against its target."""
    pair, short = _compared(row)
    if pair is None and not row.columns(TARGET):
        return _stated_status(row, english)
    if pair is None or short is None:
        return None
    target, actual = pair
    if english:
        verdict = "No, it fell short of the target" if short else "Yes, the target was met"
        text = f"{verdict}: {actual.name} {_shown(actual, True)}, {target.name} {_shown(target, True)} (row “{row.path}”)."
    else:
        verdict = "未完成" if short else "已完成"
        text = (f"{verdict}：“{row.leaf}”{actual.name}{_shown(actual)}，{target.name}{_shown(target)}"
                f"（{row.where}）。")
    return Draft(_fit(text), (_cite(row, [target.col, actual.col]),), False)


def _stated_status(row: _Row, english: bool) -> Draft | None:
    """完成了吗 of a row that sets no target but says how it went in words (完成情况｜已完成, 部分完成): those words."""
    said = [k for k in row.columns(ACTUAL) if not row.figures.get(k) and not is_figure_cell(row.cells[k])]
    if len(said) != 1:
        return None
    k = said[0]
    status = row.cells[k].strip()
    text = (f"{status} ({row.column_name(k)}, row “{row.path}”, {row.where})." if english
            else f"{status}（{row.where}中“{row.leaf}”一行的{row.column_name(k)}）。")
    return Draft(_fit(text), (_cite(row, [k]),), False)


def _shortfall(rows: Sequence[_Row], english: bool, with_reasons: bool) -> Draft | None:
    """哪些指标没有完成: every row whose actual falls short of its target, each cited; rows that cannot be compared
    are left out, and when none can be, the answer is not the table's to give."""
    compared, short = 0, []
    for row in rows:
        if row.total:
            continue
        pair, verdict = _compared(row)
        if pair is None or verdict is None:
            continue
        compared += 1
        if verdict:
            short.append((row, *pair))
    if not compared:
        return None
    if not short:
        text = ("Every indicator in the tables reached its target." if english
                else "表格中各项指标的实际完成值均达到了指标值。")
        checked = [(r, _compared(r)[0]) for r in rows if not r.total]
        checked = [(r, pair) for r, pair in checked if pair is not None]
        return Draft(text, tuple(_cite(r, [c.col for c in pair]) for r, pair in checked[:MAX_LISTED_ROWS]), False)
    short = short[:MAX_LISTED_ROWS]
    items = []
    for row, target, actual in short:
        reason = "；".join(row.cells[k] for k in row.columns(REASON)) if with_reasons else ""
        if english:
            items.append(f"{row.leaf} (target {_shown(target, True)}, actual {_shown(actual, True)})"
                         + (f": {reason}" if reason else ""))
        else:
            items.append(f"{row.leaf}（{target.name}{_shown(target)}，{actual.name}{_shown(actual)}）"
                         + (f"，原因：{reason}" if reason else ""))
    text = ("Indicators that fell short of their target: " + "; ".join(items) + "." if english
            else "未达到指标值的指标：" + "；".join(items) + "。")
    citations = tuple(_cite(row, [target.col, actual.col] + (row.columns(REASON) if with_reasons else []))
                      for row, target, actual in short)
    return Draft(_fit(text), citations, False)


def _extreme(asks: _Asks, rows: Sequence[_Row], english: bool) -> Draft | None:
    """得分最低的是哪项, 哪项扣分最多: the row (or rows, on a tie) with the smallest or largest value of the asked column
    (or of 分值 − 得分), within one table; the total row left out."""
    lowest = LOWEST in asks.special
    values: list[tuple[Decimal, _Row, list[int], str]] = []  # (value, row, columns, shown)
    for row in rows:
        if row.total:
            continue
        if DEDUCTION in asks.special:
            pair = _points_score(row)
            if pair is not None:
                d = pair[0].value - pair[1].value
                unit = pair[0].figure.unit or "分"
                shown = f"{pair[0].figure.text}{unit} − {pair[1].figure.text}{unit} = {d}{unit}"
                values.append((d, row, [pair[0].col, pair[1].col],
                               f"{d} points deducted: {shown}" if english else f"扣{d}{unit}：{shown}"))
            continue
        columns = [k for k in (_asked_columns(replace(asks, roles=[r for r in asks.roles if r != REASON]), row) or [])
                   if row.roles[k] != REASON]
        cell = _first(row, columns[0]) if columns else None
        if cell is not None and cell.value is not None:
            values.append((_scaled(cell.figure), row, [cell.col], f"{cell.name}{_shown(cell, english)}"))
    if len(values) < 2 or len({(r.report, r.table) for _, r, _, _ in values}) != 1:
        return None
    best = min(v for v, _, _, _ in values) if lowest else max(v for v, _, _, _ in values)
    chosen = [(row, columns, shown) for v, row, columns, shown in values if v == best][:MAX_LISTED_ROWS]
    table = chosen[0][0].where
    if english:
        items = "; ".join(f"{row.leaf} ({shown})" for row, _, shown in chosen)
        text = f"{items}: the {'lowest' if lowest else 'highest'} in {table}."
    else:
        items = "；".join(f"{row.leaf}（{shown}）" for row, _, shown in chosen)
        text = f"{items}，在{table}中{'最低' if lowest else '最高'}。"
    return Draft(_fit(text), tuple(_cite(row, columns) for row, columns, _ in chosen), False)


def _points_score(row: _Row) -> tuple[_Cell, _Cell] | None:
    points, score = row.columns(POINTS), row.columns(SCORE)
    p = _first(row, points[0]) if points else None
    s = _first(row, score[0]) if score else None
    if p is None or s is None or p.value is None or s.value is None:
        return None
    return p, s


def _target_actual(row: _Row) -> tuple[_Cell, _Cell] | None:
    """The row's target and actual figures, when it states both."""
    targets, actuals = row.columns(TARGET), row.columns(ACTUAL)
    if not targets or not actuals:
        return None
    target, actual = _first(row, targets[-1]), _first(row, actuals[0])
    if target is None or actual is None or target.figure is None or actual.figure is None:
        return None
    return target, actual


def _compared(row: _Row) -> tuple[tuple[_Cell, _Cell] | None, bool | None]:
    """The row's target and actual, and whether the actual falls short: by their figures, else by their dates (a
    deadline "2024年8月31日前" against the day it was done, "2024年9月20日")."""
    pair = _target_actual(row)
    if pair is not None:
        return pair, _falls_short(row, *pair)
    targets, actuals = row.columns(TARGET), row.columns(ACTUAL)
    if not targets or not actuals:
        return None, None
    target = _Cell(row, targets[-1], row.cells[targets[-1]].strip(), None)
    actual = _Cell(row, actuals[0], row.cells[actuals[0]].strip(), None)
    deadline, done = _date_of(target.text, deadline=True), _date_of(actual.text)
    if deadline is None or done is None:
        return None, None
    (day, op), (when, _) = deadline, done
    late = when > day if op == "<=" else when < day if op == ">=" else when != day
    return (target, actual), late


_CELL_DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?\s*(底|末|初)?\s*"
                        r"(前|以前|之前|内|以内|完成|后|以后|之后)?")


def _date_of(text: str, deadline: bool = False) -> tuple[tuple[int, int, int], str] | None:
    """The one date a cell states, as (year, month, day) with how a deadline bounds it: "<=" for 前/以前/内 (and a
    bare date set as a target), ">=" for 后/以后; a month without a day is its last day for a deadline."""
    found = list(_CELL_DATE.finditer(text))
    if len(found) != 1:
        return None
    m = found[0]
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        return None
    day = int(m.group(3)) if m.group(3) else (1 if m.group(4) == "初" or not deadline else 31)
    op = ">=" if m.group(5) in ("后", "以后", "之后") else "<="
    return (year, month, day), op


def _falls_short(row: _Row, target: _Cell, actual: _Cell) -> bool | None:
    """Whether the actual misses the target, by the target's bound (≥ by default); None when the two cannot be
    compared. An unbounded target with full marks awarded is met: the report itself scored it so."""
    if not _comparable(target.figure, actual.figure):
        return None
    t, a = _scaled(target.figure), _scaled(actual.figure)
    op = target.op or ">="
    met = {">=": a >= t, "~": a >= t, ">": a > t, "<=": a <= t, "<": a < t, "=": a == t}.get(op, a >= t)
    if not met and not target.op and _full_marks(row):
        return False
    return not met


def _full_marks(row: _Row) -> bool:
    pair = _points_score(row)
    return pair is not None and pair[0].value == pair[1].value


def _comparable(a: Figure | None, b: Figure | None) -> bool:
    if a is None or b is None:
        return False
    ka, kb = UNIT_KIND.get(a.unit, "number"), UNIT_KIND.get(b.unit, "number")
    return a.unit == b.unit or ka == kb or "number" in (ka, kb) and (not a.unit or not b.unit)


def _scaled(f: Figure) -> Decimal:
    return f.decimal * UNIT_SCALE.get(f.unit, Decimal(1))


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0

