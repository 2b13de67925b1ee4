"""Pure: find the numbers a Chinese (or English) text states, with their units and roles.

Shared by figure extraction at ingest and by number verification at answer time, so both read a number
the same way: Arabic (1407, 1,407, 686.90, 1.4万) or Chinese numerals with a measure word (四期, 两期). A unit is a
measure word (万元, 人次, 分钟), one scaled by 万/亿 (3.9万小时, 18.6万平方米), a measure per another (8元/人次, 500人/次)
or a rate's round base (6.8/10万).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Measure words (the alternation below takes the longest first, so that 人次 wins over 人 and 万元 over 万).
BASE_UNITS: tuple[str, ...] = (
    "个百分点", "平方公里", "平方千米", "平方米", "立方米", "万元", "亿元", "千元", "人次", "户次", "批次", "场次", "家次",
    "剂次", "辆次", "架次", "车次", "床日", "人日", "个工作日", "工作日",
    "个月", "课时", "学时", "工时", "小时", "分钟", "公里", "千米",
    "元", "%", "％", "‰", "名", "人", "位", "个", "家", "户", "枚", "本", "次", "场", "条", "期", "项", "所",
    "间", "套", "台", "辆", "件", "份", "批", "支", "岁", "分", "天", "倍", "年", "亩", "吨", "张", "册", "篇", "座",
    "起", "例", "宗", "笔", "校次", "班次", "课次", "节", "轮", "处", "班", "门", "棵", "株", "只", "头", "块", "盏",
    "趟", "讲", "剂", "种", "眼", "口", "栋", "幢", "艘", "架", "根",
)
# 万/亿 before a measure word scale it: 3.9万小时, 18.6万平方米, 1.2万册, 3125.6万剂次 (never before a year, an age,
# a score, a ratio, a percentage or money, which have their own forms)
_NOT_SCALED = ("年", "岁", "分", "倍", "%", "％", "‰", "个百分点", "元", "万元", "亿元", "千元", "期", "起")
SCALED_UNITS: tuple[str, ...] = tuple(f"{big}{u}" for big in ("万", "亿") for u in BASE_UNITS
                                      if u not in _NOT_SCALED and f"{big}{u}" not in BASE_UNITS)
UNITS: tuple[str, ...] = tuple(sorted(dict.fromkeys((*BASE_UNITS, *SCALED_UNITS, "万", "亿")), key=len, reverse=True))
# what a measure may be "per" ("8元/人次", "1150元/生年", "1800元/平方米", "500人/次"): the part after "/"
PER_UNITS: tuple[str, ...] = ("人次", "人", "次", "生年", "生", "年", "月", "天", "日", "平方米", "亩", "户", "床日", "床",
                              "小时", "公里", "吨", "件", "个", "份", "所", "校", "班", "场", "台", "辆", "餐", "份次")
# a rate per a round number ("孕产妇死亡率6.8/10万", "2.1/千"): the base after "/" is the unit
RATE_BASES: tuple[str, ...] = ("/100万", "/10万", "/1万", "/百万", "/十万", "/万", "/千")
# Chinese numerals count things only with one of these after them ("四期", "两期", "一家").
CN_MEASURES: tuple[str, ...] = (
    "人次", "名", "人", "位", "个", "家", "户", "枚", "本", "次", "场", "条", "期", "项", "所", "间", "套", "台",
    "辆", "件", "份", "批", "支", "倍",
)
UNIT_KIND: dict[str, str] = {
    "万元": "money", "亿元": "money", "千元": "money", "元": "money",
    "%": "percent", "‰": "percent", "个百分点": "percent",
    "名": "people", "人": "people", "位": "people", "万人": "people",
    "人次": "times", "万人次": "times", "户次": "times", "次": "times", "批次": "times", "场次": "times",
    "家次": "times", "课时": "hours", "学时": "hours", "个月": "months", "亩": "area", "吨": "weight",
    "张": "count", "册": "count", "篇": "count", "座": "count", "平方公里": "area", "起": "count", "例": "count",
    "宗": "count", "笔": "count", "校次": "times", "班次": "times", "课次": "times", "节": "count", "轮": "count",
    "处": "count", "班": "count", "门": "count", "棵": "count", "株": "count", "只": "count", "头": "count",
    "块": "count", "盏": "count", "趟": "times", "讲": "count", "种": "count", "眼": "count", "口": "count",
    "栋": "count", "幢": "count", "艘": "count", "架": "count", "根": "count", "个工作日": "hours", "工作日": "hours",
    "工时": "hours", "小时": "hours", "天": "hours",
    "个": "count", "家": "count", "户": "count", "万户": "count", "枚": "count", "本": "count", "场": "count",
    "条": "count", "期": "count", "项": "count", "所": "count", "间": "count", "套": "count", "台": "count",
    "辆": "count", "件": "count", "份": "count", "批": "count", "支": "count",
    "岁": "age", "分": "score", "倍": "ratio", "年": "years", "平方米": "area", "公里": "length",
    "万": "number", "亿": "number",
    "平方千米": "area", "立方米": "volume", "千米": "length", "分钟": "hours", "剂": "count", "剂次": "times",
    "辆次": "times", "架次": "times", "车次": "times", "床日": "times", "人日": "times",
    **{base: "percent" for base in RATE_BASES},
}
UNIT_KIND.update({u: UNIT_KIND[u[1:]] for u in SCALED_UNITS if u[1:] in UNIT_KIND and u not in UNIT_KIND})
# "X/Y": a measure per another ("元/人次" is money, "人/次" counts attendances like 人次)
UNIT_KIND.update({f"{u}/{per}": ("times" if UNIT_KIND[u] == "people" and per == "次" else UNIT_KIND[u])
                  for u in BASE_UNITS + SCALED_UNITS if u in UNIT_KIND and u not in ("%", "％", "‰", "个百分点")
                  for per in PER_UNITS if per != u})
UNIT_SCALE: dict[str, Decimal] = {"万元": Decimal(10000), "亿元": Decimal(10**8), "千元": Decimal(1000),
                                  "万": Decimal(10000), "亿": Decimal(10**8), "万人": Decimal(10000),
                                  "万人次": Decimal(10000), "万户": Decimal(10000)}
UNIT_SCALE.update({u: Decimal(10**4 if u.startswith("万") else 10**8) for u in SCALED_UNITS})
UNIT_SCALE.update({u: UNIT_SCALE[u.split("/")[0]] for u in UNIT_KIND if "/" in u and u.split("/")[0] in UNIT_SCALE})

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "亿": 10**8}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"

_UNIT_ALT = "|".join(re.escape(u) for u in UNITS)
_CN_MEASURE_ALT = "|".join(re.escape(u) for u in CN_MEASURES)
_ARABIC = re.compile(
    rf"(?<![\d.])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])(?:\s*(?P<unit>{_UNIT_ALT}))?"
)
_CHINESE = re.compile(rf"(?P<num>[{_CN_NUMERAL}]+)(?P<unit>{_CN_MEASURE_ALT})")
_YEAR_AFTER = re.compile(r"^\s*年")
_DATE_AFTER = re.compile(r"^\s*(?:月|日|号|时|点)")
_NOT_A_COUNT_AFTER = re.compile(r"^(?:性|级|般|致|体|起|样|同|旦|直|定|些|切|律|带|线|流|手|举|道)")
_CN_WORDS_NOT_NUMBERS = ("统一", "唯一", "之一", "万一", "一一", "一些", "进一步")

ROLE_FIGURE = "figure"
ROLE_YEAR = "year"
ROLE_DATE = "date"
ROLE_ORDINAL = "ordinal"
ROLE_IDENTIFIER = "identifier"  # 12345 市长热线, a code (11440606MB2C91234X, 5G)
ROLE_DOCUMENT = "document"  # a document number: 〔2021〕15号, [2019]3号 (its year too)
ROLE_PHONE = "phone"  # 0757-22321234, 13800138000
ROLE_TIME = "time"  # 09:30
ROLE_REFERENCE = "reference"  # a figure or annex the text points to: 图3, 表1, 附件2

# Spans in which every number has one role, found before numbers are read one by one.
_SPECIAL_SPANS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (ROLE_DOCUMENT, re.compile(r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号")),
    (ROLE_DATE, re.compile(r"(?<![\d.])(?:19|20)\d{2}\s*[-/.]\s*(?:0?[1-9]|1[0-2])\s*[-/.]\s*(?:0?[1-9]|[12]\d|3[01])(?![\d.])")),
    (ROLE_PHONE, re.compile(r"(?<![\d.])(?:[(（]0\d{2,3}[)）]\s*\d{7,8}|0\d{2,3}\s*[-－—]\s*\d{7,8}(?:\s*[-－]\s*\d{1,4})?"
                            r"|1[3-9]\d{9})(?![\d.])")),
    (ROLE_TIME, re.compile(r"(?<![\d.:])(?:[01]?\d|2[0-3])[:：][0-5]\d(?:[:：][0-5]\d)?(?![\d.])")),
    # letters and digits mixed: a code, a model, a unified social credit code (and any "/2022-00015" after it)
    (ROLE_IDENTIFIER, re.compile(r"(?<![A-Za-z0-9])(?=[A-Za-z0-9]*[A-Za-z])(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{2,}"
                                 r"(?:[-/_][A-Za-z0-9]+)*")),
    (ROLE_REFERENCE, re.compile(r"(?:(?<=^)|(?<=[（(\[【“\s见如附下上。；;：:！？!?]))(?:图|表|附件|附表|附图)\s*\d{1,2}(?:[-－.]\d{1,2})?"
                                r"(?=[：:\s）)\]】”，,。、]|$)")),
)


@dataclass(frozen=True)
class NumberToken:
    """A number as a text states it."""

    text: str  # the digits as written: "2700.38", "1,407", "四"
    value: Decimal  # "1,407" -> 1407, "四" -> 4
    unit: str  # "" when none
    start: int  # span of the whole token (number + unit)
    end: int
    role: str  # figure | year | date | ordinal | identifier

    @property
    def kind(self) -> str:
        return UNIT_KIND.get(self.unit, "number")

    @property
    def scaled(self) -> Decimal:
        """The value in base units: 1.4万 -> 14000, 2700.38万元 -> 27003800."""
        return self.value * UNIT_SCALE.get(self.unit, Decimal(1))


def parse_chinese_numeral(text: str) -> int | None:
    """'四' -> 4, '十三' -> 13, '一百零五' -> 105, '两万' -> 20000; None if it is not a numeral."""
    if not text or any(ch not in _CN_NUMERAL for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        else:  # 万, 亿
            section += digit or 0
            total = (total + section) * _CN_BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_decimal(text: str) -> Decimal | None:
    """'1,407' -> 1407, '686.90' -> 686.90, '四' -> 4; None when not a number."""
    cleaned = text.replace(",", "").replace("，", "").strip()
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        value = parse_chinese_numeral(cleaned)
        return Decimal(value) if value is not None else None


def find_numbers(text: str) -> list[NumberToken]:
    """Every number in `text`, in order, with unit and role (years, dates and ordinals are not figures)."""
    tokens: list[NumberToken] = []
    taken: list[tuple[int, int]] = []
    special = _special_spans(text)
    covered = 0  # the end of the last token: "8元/人次", "6.8/10万" hold no number of their own after "/"
    for m in _ARABIC.finditer(text):
        if m.start() < covered:
            continue
        num, unit = m.group("num"), m.group("unit") or ""
        start, end = m.start(), m.end()
        unit, end = _per_unit(text, unit, end)
        after = text[m.end("num"):]
        inside = next((role for s, e, role in special if s <= start < e), None)
        if inside is not None:
            tokens.append(NumberToken(num, Decimal(num.replace(",", "")), "", start, m.end("num"), inside))
            taken.append((start, m.end("num")))
            continue
        role = _role(text, m.start(), after, num, unit)
        if role == ROLE_YEAR or role == ROLE_DATE:
            unit, end = "", m.end("num")
        if unit == "％":
            unit = "%"
        if unit == "年" and role == ROLE_FIGURE and not re.match(r"^年(?:来|间|内|以上|以来)?", after.lstrip()):
            unit, end = "", m.end("num")
        tokens.append(NumberToken(num, Decimal(num.replace(",", "")), unit, start, end, role))
        taken.append((start, end))
        covered = end
    for m in _CHINESE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        num, unit = m.group("num"), m.group("unit")
        value = parse_chinese_numeral(num)
        if value is None or _chinese_is_not_a_count(text, m):
            continue
        if set(num) <= set("万亿"):  # "（万人次）", "（万人）": a magnitude of the measure, written without a number
            continue
        role = ROLE_ORDINAL if text[max(0, m.start() - 1):m.start()] in ("第", "届") else ROLE_FIGURE
        tokens.append(NumberToken(num, Decimal(value), unit, m.start(), m.end(), role))
    tokens.sort(key=lambda t: t.start)
    return tokens


def _per_unit(text: str, unit: str, end: int) -> tuple[str, int]:
    """A measure per another after the unit ("元/人次", "人/次"), or a rate's base after a bare number ("/10万")."""
    if text.startswith("/", end) or text.startswith("／", end):
        rest = text[end + 1:]
        if unit:
            per = next((p for p in PER_UNITS if rest.startswith(p)), "")
            if per and f"{unit}/{per}" in UNIT_KIND:
                return f"{unit}/{per}", end + 1 + len(per)
        else:
            base = next((b for b in RATE_BASES if rest.startswith(b[1:])), "")
            if base:
                return base, end + len(base)
    return unit, end


def _special_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, role) of the document numbers, dates, phone numbers, times, codes and references in `text`."""
    spans: list[tuple[int, int, str]] = []
    for role, pattern in _SPECIAL_SPANS:
        for m in pattern.finditer(text):
            if role == ROLE_IDENTIFIER and _counts_after_a_name(text, m):
                continue  # "CT1台": the device's name, then a count of it
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), role))
    return spans


def _counts_after_a_name(text: str, m: re.Match[str]) -> bool:
    """Letters then digits then a measure word ("CT1台", "DR2套"): a thing named in letters and its count."""
    return re.fullmatch(r"[A-Za-z]+\d+", m.group()) is not None and text.startswith(UNITS, m.end()) \
        and not text.startswith(("年", "万", "亿"), m.end())


def _role(text: str, start: int, after: str, num: str, unit: str) -> str:
    before = text[max(0, start - 1):start]
    if before == "第":
        return ROLE_ORDINAL
    if _YEAR_AFTER.match(after) and re.fullmatch(r"(19|20)\d\d", num):
        return ROLE_YEAR
    if _DATE_AFTER.match(after) and not unit:
        return ROLE_DATE
    if re.match(r"^\s*月", after):
        return ROLE_DATE
    if re.fullmatch(r"(19|20)\d\d", num) and not unit and re.match(r"^\s*(?:[-—–~至到]|$)", after):
        return ROLE_YEAR
    if (not unit and re.match(r"^[\u4e00-\u9fff]", after) and not after.startswith(("万", "亿"))
            and re.fullmatch(r"\d+", num)):
        # a bare whole number glued to a word is a name or code ("12345市长热线"), not a quantity; one written
        # with a thousands separator or a decimal point ("3,480节") counts something
        return ROLE_IDENTIFIER
    return ROLE_FIGURE


def _chinese_is_not_a_count(text: str, m: re.Match[str]) -> bool:
    """'一次性', '统一', a slogan in quotes ("四个意识"): Chinese numerals that do not count anything."""
    after = text[m.end():m.end() + 1]
    if _NOT_A_COUNT_AFTER.match(after):
        return True
    if text[max(0, m.start() - 1):m.start()] == "每":
        return True  # "每千人口": a rate's denominator
    around = text[max(0, m.start() - 2):m.end() + 2]
    if any(w in around for w in _CN_WORDS_NOT_NUMBERS):
        return True
    # inside quotes: "两个确立", “四个自信”
    open_q = text.rfind("“", 0, m.start())
    close_q = text.rfind("”", 0, m.start())
    if open_q > close_q and text.find("”", m.end()) != -1 and text.find("”", m.end()) - m.end() <= 8:
        return True
    return False
