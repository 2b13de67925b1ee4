"""Pure: who a report is by, about which year, under which title — derived from the report itself.

`report_profile(paragraphs, fallback_title)` reads the outlined report (ingest/outline.py marks its title
line(s) and preface) and gives:

- title: the title line(s), at most ~60 characters; never body text, a salutation, a document number or an
  index line. A report without a title line gets `fallback_title` (the file name).
- year: the year in the title, else the year the body is about (the one it names most, 年度 counting double).
- body: the reporting body's full name (广州市某区教育局, 某某街道办事处, 某某中学 ...), from the title, else the
  letterhead ("某某中学文件"), the signature at the end of a letter, the report's own "（以下简称“X”）", else the
  place-named organisation the body text names most.
- aliases: the other names a reader uses for it, derived by general mechanisms, never from a list of names:
  place prefixes stripped one by one (某省某市某区X → 某区X, 区X, X), the standard abbreviation (first character
  of each word of the name + the short form of its kind: 残疾人联合会 → 残联, 卫生健康局 → 卫健局, 人力资源和社会保障局
  → 人社局, 科学技术协会 → 科协), those with the place level in front (区残联), abbreviations the report defines
  itself ("（以下简称“X”）") and the issuer code of its own document number (香九中〔2021〕15号), a numbered
  body's number (第九中学 -> 九中, 第三人民医院 -> 三院/市三院), the kind alone for a one-of-a-kind body (街道办事处;
  医院 or 中学 only where the report calls itself so: a common word it uses only of others is no name of it), and
  the self-references of its kind of body (本局/我局, 本会, 本院, 本校 ...) and those of every body
  (本单位/我单位/本部门/我部门/该部门/该单位: self-names, shared by all reports, so they never single out one).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.outline import preface_kind
from ingest.report import Paragraph

ALIAS_SEPARATOR = "|"

# Kinds of body: the name's last word, longest first; its short form in abbreviations; its self-references.
# (suffix, short form, self-references) — vocabulary of public bodies in general, not of any one report
BODY_KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("街道办事处", "街道办", ("本街道", "我街道", "本街", "我街", "本办", "我办")),
    ("人民政府", "政府", ("本级政府",)),
    ("人民医院", "医院", ("本院", "我院")),
    ("卫生院", "卫生院", ("本院", "我院")),
    ("联合会", "联", ("本会", "我会")),
    ("委员会", "委", ("本委", "我委")),
    ("办公室", "办", ("本办", "我办")),
    ("办事处", "办", ("本办", "我办")),
    ("管理局", "局", ("本局", "我局")),
    ("管理处", "处", ("本处", "我处")),
    ("总工会", "总工会", ("本会", "我会")),
    ("红十字会", "红会", ("本会", "我会")),
    ("研究院", "院", ("本院", "我院")),
    ("研究所", "所", ("本所", "我所")),
    ("幼儿园", "幼儿园", ("本园", "我园")),
    ("中学", "中学", ("本校", "我校")),
    ("小学", "小学", ("本校", "我校")),
    ("学校", "学校", ("本校", "我校")),
    ("学院", "学院", ("本院", "我院", "本校", "我校")),
    ("大学", "大学", ("本校", "我校")),
    ("医院", "医院", ("本院", "我院")),
    ("中心", "中心", ("本中心", "我中心")),
    ("协会", "协", ("本会", "我会")),
    ("学会", "学会", ("本会", "我会")),
    ("工会", "工会", ("本会", "我会")),
    ("图书馆", "馆", ("本馆", "我馆")),
    ("博物馆", "馆", ("本馆", "我馆")),
    ("纪念馆", "馆", ("本馆", "我馆")),
    ("文化馆", "馆", ("本馆", "我馆")),
    ("馆", "馆", ("本馆", "我馆")),
    ("局", "局", ("本局", "我局")),
    ("厅", "厅", ("本厅", "我厅")),
    ("委", "委", ("本委", "我委")),
    ("办", "办", ("本办", "我办")),
    ("院", "院", ("本院", "我院")),
    ("站", "站", ("本站", "我站")),
    ("所", "所", ("本所", "我所")),
    ("队", "队", ("本队", "我队")),
    ("会", "会", ("本会", "我会")),
    ("部", "部", ("本部", "我部")),
)
# kinds named after a place (某某街道办事处): the name before them is a place, never abbreviated; its short names
PLACE_NAMED_KINDS = {"街道办事处": ("街道办", "街道"), "人民政府": ("政府",)}
# kinds whose names are proper names (某某实验中学, 某某人民医院): never abbreviated word by word
PROPER_NAMED_KINDS = ("中学", "小学", "学校", "学院", "大学", "幼儿园", "医院", "人民医院", "卫生院", "中心", "图书馆",
                      "博物馆", "纪念馆", "文化馆", "馆", "研究院", "研究所", "院", "站", "所", "队")
# the short form a numbered body of a kind goes by (第九中学 -> 九中, 第三人民医院 -> 三院)
ORDINAL_SHORT_FORMS = {"中学": "中", "小学": "小", "人民医院": "院", "医院": "院", "幼儿园": "幼"}
GENERIC_SELF_REFERENCES = ("本单位", "我单位", "本部门", "我部门", "该部门", "该单位")
_SUFFIXES = tuple(kind for kind, _, _ in BODY_KINDS)
_PLACE_LEVELS = ("自治区", "自治州", "自治县", "特别行政区", "省", "市", "区", "县", "州", "盟", "旗", "镇", "乡")
_PLACE = re.compile(rf"(?:(?![和与及的])[\u4e00-\u9fff]){{2,6}}?(?:{'|'.join(_PLACE_LEVELS[:-1])}|(?<!城)乡)")
# what may follow a body's name in a title: the year, the report's subject, the genre
_TITLE_TAIL = re.compile(
    r"^(?:$|\s|\d|[（(]|关于|的|部门|单位|整体|本级|机关|项目|财政|预算|决算|绩效|支出|收支|自评|报告|说明|情况|年度|“|\"|三公|"
    r"经费|政府|信息|公开|工作|专项)")
# what may follow a body's name in running text
_TEXT_TAIL = re.compile(
    r"^(?:$|[^\u4e00-\u9fff]|的|是|为|在|于|主要|负责|部门|单位|整体|本级|机关|关于|年|共|全年|对|按|根据|认真|坚持|以|下属|所属|"
    r"和|与|及|内设|设有|现有|核定|编制|属|作为|承担|结合|通过|严格|紧紧|围绕|已|将|按照)")
_ALIAS_DEFINED = re.compile(r"[（(]\s*以下简称\s*[“\"‘']?([\u4e00-\u9fffA-Za-z]{2,12})[”\"’']?\s*[）)]")
_YEAR_PREFIX = re.compile(r"^(?:关于)?\s*(?:(?:19|20)\d{2}\s*年度?|(?:19|20)\d{2})?\s*(?:关于)?")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(年度|年)(?!\s*\d{1,2}\s*月\s*\d)")
_CONNECTORS = ("和", "与", "及")


@dataclass(frozen=True)
class ReportProfile:
    """What a report says about itself: its title, year, reporting body and the body's other names."""

    title: str
    year: int | None
    body: str
    aliases: tuple[str, ...]

    @property
    def aliases_text(self) -> str:
        """The aliases as ReportInfo keeps them: "|"-joined."""
        return ALIAS_SEPARATOR.join(self.aliases)


def report_profile(paragraphs: Sequence[Paragraph], fallback_title: str = "") -> ReportProfile:
    """Title, year, body and aliases of an outlined report (see the module docstring)."""
    title = "".join(p.text for p in paragraphs if p.is_title).strip()
    body_paragraphs = [p for p in paragraphs if not p.is_title and not p.is_preface and not p.is_table_row]
    year = _title_year(title) or _text_year(p.text for p in body_paragraphs) or _title_year(fallback_title)
    text = "\n".join(p.text for p in body_paragraphs)
    defined = _defined_aliases(text)
    preface = [p.text for p in paragraphs if p.is_preface]
    body = (body_from_title(title) or _body_from_letterhead(preface) or _body_from_signature(body_paragraphs)
            or _body_from_definitions(defined) or _body_from_text(text))
    own = [alias for name, alias in defined if _same_body(name, body)] + _issuer_codes(preface)
    aliases = body_aliases(body, own, text) if body else GENERIC_SELF_REFERENCES
    return ReportProfile(title or fallback_title, year, body, aliases)


def _body_from_letterhead(preface: Sequence[str]) -> str:
    """"某某区第九中学文件" above a document number, or a sender's line that is only its name: the issuer."""
    for line in preface:
        name = line.strip()
        if name.endswith("文件") and _is_body_name(name[:-2]):
            return name[:-2]
    # "某某区妇女联合会" / "某妇〔2025〕6号": the sender's line above its document number (an index field's value is
    # not: a portal's 发布机构 may be the finance bureau that publishes every department's report)
    for line, below in zip(preface, preface[1:]):
        name = line.strip()
        if (len(name) <= 30 and _is_body_name(name) and not re.search(r"[，,。；;：:、\s]", name)
                and preface_kind(below) == "number"):
            return name
    return ""


def _body_from_signature(paragraphs: Sequence[Paragraph]) -> str:
    """The signature at the end of a letter: a line that is only an organisation's name, near a date line."""
    for p in list(paragraphs)[-4:]:
        name = p.text.strip()
        if len(name) <= 30 and _is_body_name(name) and not re.search(r"[，,。；;：:、]", name):
            return name
    return ""


def _is_body_name(name: str) -> bool:
    places, core, kind = split_body_name(name)
    return bool(kind) and bool(places or len(core) >= 2) and len(name) >= 4


def _issuer_codes(preface: Sequence[str]) -> list[str]:
    """The issuer's code in the report's own document number: "香九中〔2021〕15号" -> 香九中."""
    codes = []
    for line in preface:
        m = re.search(r"([\u4e00-\u9fff]{2,6})\s*[〔\[［【]\s*(?:19|20)\d{2}", line)
        if m:
            codes.append(m.group(1))
    return codes


def _title_year(title: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", title) or re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title)
    return int(m.group(1)) if m else None


def _text_year(texts: Iterable[str]) -> int | None:
    """The year the text is about: named most often (as 年度 twice), a date's year (2024年3月5日) not counted."""
    votes: Counter[int] = Counter()
    for text in texts:
        for m in _YEAR.finditer(text):
            votes[int(m.group(1))] += 2 if m.group(2) == "年度" else 1
    if not votes:
        return None
    best = max(votes.values())
    return max(y for y, n in votes.items() if n == best)  # a tie: the later year (the report looks back on it)


def body_from_title(title: str) -> str:
    """The body named in a title: "2023年度广州市某区教育局部门整体支出绩效自评报告" -> "广州市某区教育局"."""
    head = _YEAR_PREFIX.sub("", title.strip())
    best = ""
    for i in range(1, len(head) + 1):
        suffix = next((s for s in _SUFFIXES if head[:i].endswith(s)), None)
        if suffix is None or len(head[:i]) <= len(suffix):
            continue
        if _TITLE_TAIL.match(head[i:]) and not _ends_inside_word(head, i):
            best = head[:i]
            break
    if not best:  # "某市某区人民医院医疗设备购置项目…": a place-named body followed by its project's name
        candidates = []
        for i in range(1, len(head) + 1):
            name = head[:i]
            places, core, kind = split_body_name(name)
            if places and kind and len(core) >= 2 and name.endswith(kind) and not _ends_inside_word(head, i):
                candidates.append((len(kind), -len(name), name))
        # the fullest kind wins ("…街道办事处" over "…街道办"), then the shortest name (the project is not the body)
        best = max(candidates)[2] if candidates else ""
    return best


def _ends_inside_word(text: str, i: int) -> bool:
    """A suffix character that begins a word with what follows: 部 of 部门, 会 of 会议, 院 of 院校."""
    return text[i - 1:i + 1] in ("部门", "会议", "会计", "院校", "办公", "局面", "站点", "所属", "所得", "处理", "队伍", "委托")


def _defined_aliases(text: str) -> list[tuple[str, str]]:
    """(name, short name) for every "名称（以下简称“简称”）" the report writes."""
    out = []
    for m in _ALIAS_DEFINED.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        name = re.split(r"[，,。；;：:、\s“”\"（）()]", before)[-1]
        name = _trim_to_body(name)
        if name:
            out.append((name, m.group(1)))
    return out


def _trim_to_body(run: str) -> str:
    """The organisation name at the end of a run of words: from its first place name, or the whole run."""
    place = _PLACE.search(run)
    name = run[place.start():] if place else run
    name = re.sub(r"^(?:本|我|该|由|对|将|在|是|为)", "", name)
    return name if name.endswith(_SUFFIXES) and len(name) >= 3 else ""


def _body_from_definitions(defined: list[tuple[str, str]]) -> str:
    return defined[0][0] if defined else ""


def _body_from_text(text: str) -> str:
    """The place-named organisation the body text names most (ties: the first named)."""
    pattern = re.compile(rf"(?:{_PLACE.pattern})+[\u4e00-\u9fff]{{1,14}}?(?:{'|'.join(_SUFFIXES)})")
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in pattern.finditer(text):
        name = m.group()
        end = m.end()
        # extend to the longest name ending at a suffix followed by a word boundary
        while not _TEXT_TAIL.match(text[end:]) or _ends_inside_word(text, end):
            nxt = re.match(rf"[\u4e00-\u9fff]{{0,14}}?(?:{'|'.join(_SUFFIXES)})", text[end:])
            if nxt is None or not nxt.group():
                name = ""
                break
            name += nxt.group()
            end += nxt.end()
        name = _shortest_place_start(name)
        if name and len(name) <= 30:
            counts[name] += 1
            first.setdefault(name, m.start())
    if not counts:
        return ""
    best = max(counts.values())
    return min((n for n, c in counts.items() if c == best), key=lambda n: first[n])


_LEADING_FUNCTION_WORDS = re.compile(r"^(?:报告|报送|根据|关于|对|向|由|经|将|现将|和|与|及|是|为|在|从|给|请|按照|组织|接受|"
                                     r"配合|会同|联合|协调|指导|督促|通过|等)+")


def _shortest_place_start(name: str) -> str:
    """"报告某某区财政局" -> "某某区财政局": running text has no left edge, so words that lead into a name go."""
    trimmed = _LEADING_FUNCTION_WORDS.sub("", name)
    return trimmed if trimmed != name and _PLACE.match(trimmed) else name


def _same_body(name: str, body: str) -> bool:
    """Whether a name the report abbreviates is the body itself (or the body without its places)."""
    _, core, kind = split_body_name(body)
    return bool(body) and (body.endswith(name) or name.endswith(core + kind))


def split_body_name(name: str) -> tuple[list[str], str, str]:
    """("广州市某区残疾人联合会") -> (["广州市", "某区"], "残疾人", "联合会"): its places, core words and kind."""
    places: list[str] = []
    rest = name
    while True:
        m = _PLACE.match(rest)
        # a place needs a name left after it: "某区教育局" is a place and a body, "城市管理局" is not a place
        if m is None or len(rest) - m.end() < 2 or rest[m.end() - 1:m.end() + 1] in ("市场", "区域", "县域"):
            break
        places.append(m.group())
        rest = rest[m.end():]
    return places, *_core_and_kind(rest)


def _core_and_kind(rest: str) -> tuple[str, str]:
    for suffix in _SUFFIXES:
        if rest.endswith(suffix) and len(rest) > len(suffix):
            return rest[:-len(suffix)], suffix
    return rest, ""


def abbreviations(core: str, kind: str) -> list[str]:
    """Standard short forms of a name: the first character of each word + the kind's short form.

    Words are jieba's words with 和/与/及 left out (人力资源和社会保障局 -> 人社局, 卫生健康委员会 -> 卫健委, 科学技术协会 ->
    科协), and, when they spell none, four-character words halved (医疗保障局 -> 医保局); with three or more words,
    the first and last word's characters too (住房和城乡建设局 -> 住建局). A one-word name whose kind has no
    shorter form (教育局) has none.
    """
    if not core or not kind:
        return []
    if kind in PLACE_NAMED_KINDS:
        return [core + short for short in PLACE_NAMED_KINDS[kind]]
    if kind in PROPER_NAMED_KINDS:
        # a numbered school, hospital or kindergarten goes by its number: 第九中学 -> 九中, 第八小学 -> 八小,
        # 第三人民医院 -> 三院, 第一幼儿园 -> 一幼; a proper name (红岭实验中学, 人民医院) has no shorter form
        ordinal = re.fullmatch(r"第([一二三四五六七八九十\d]{1,3})", core)
        short = ORDINAL_SHORT_FORMS.get(kind, "")
        if ordinal and short:
            return [ordinal.group(1) + short]
        # a name whose kind repeats the core's last character says it once: 中医医院 -> 中医院
        return [core + kind[1:]] if len(core) >= 2 and core[-1] == kind[0] else []
    short = next((s for k, s, _ in BODY_KINDS if k == kind), kind)
    words = [w for part in re.split("|".join(_CONNECTORS), core) if part for w in _jieba(part)]
    halved = [half for w in words for half in ((w[:2], w[2:]) if len(w) == 4 else (w,))]
    forms: list[str] = []
    for ws in (words, halved):
        if len(ws) < 2 and short == kind:
            continue
        if ws is words or not forms:  # halved words spell a name only when whole words spell none (科协, not 科技协)
            forms.append("".join(w[0] for w in ws) + short)
        if len(ws) > 2:
            forms.append(ws[0][0] + ws[-1][0] + short)
    return [f for f in dict.fromkeys(forms) if f != core + kind]


def _used_alone(word: str, text: str) -> bool:
    """Whether the text uses a word as a name standing by itself: at a clause's start, not inside a longer name."""
    return re.search(rf"(?:^|(?<=[\n。，,；;：:！？!?、“”\"（）()\s]))(?:本|该)?{re.escape(word)}", text) is not None


def _jieba(text: str) -> list[str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(text, HMM=False) if w.strip()]


def body_aliases(body: str, defined: Iterable[str] = (), text: str | None = None) -> tuple[str, ...]:
    """Every other name of `body` a reader would use (see the module docstring), most specific first.

    `text`: the report's body text, the evidence for names that are common words too (the kind alone, 医院):
    those are kept only where the report calls itself so; None keeps them.
    """
    places, core, kind = split_body_name(body)
    name = core + kind
    short_forms = abbreviations(core, kind)
    out: list[str] = []
    for k in range(1, len(places) + 1):  # 某区X (outer places dropped)
        out.append("".join(places[k:]) + name)
    if places and kind not in PLACE_NAMED_KINDS:
        inner = places[-1]
        level = next((lv for lv in _PLACE_LEVELS if inner.endswith(lv)), "")
        out.append(level + name)  # 区X
        for s in short_forms:
            out.extend([inner + s, level + s])  # 某区残联, 区残联
    elif places:
        out.extend(places[-1] + s for s in short_forms)
    out.append(name)
    out.extend(short_forms)
    if kind in PLACE_NAMED_KINDS:
        out.append(kind)  # "街道办事处", "街道办": a reader names a one-of-a-kind body by its kind
        out.extend(PLACE_NAMED_KINDS.get(kind, ())[:1])
    elif kind in PROPER_NAMED_KINDS:
        # the kind's plain word (第三人民医院 -> 医院, never 人民医院: that is another hospital's name), when the
        # report calls itself so ("医院编制床位…"); a word it only uses of others ("初级中学") is no name of it
        plain = min((k for k in PROPER_NAMED_KINDS if kind.endswith(k) and len(k) >= 2), key=len, default="")
        if plain and (text is None or _used_alone(plain, text)):
            out.append(plain)
    # a people's government goes by 政府 after its place or level: 湖光镇人民政府 -> 湖光镇政府, 镇政府; 某县人民政府 -> 县政府
    out.extend(a[:-len("人民政府")] + "政府" for a in list(out) if a.endswith("人民政府") and len(a) > len("人民政府"))
    out.extend(defined)
    out.extend(next((refs for k, _, refs in BODY_KINDS if k == kind), ()))
    if core + kind == "人民政府" and places:  # a government names itself by its level: 本镇, 我县
        level = next((lv for lv in _PLACE_LEVELS if places[-1].endswith(lv)), "")
        out.extend(("本级政府", f"本{level}", f"我{level}") if level else ("本级政府",))
    out.extend(GENERIC_SELF_REFERENCES)
    return tuple(a for a in dict.fromkeys(out) if a and a != body and len(a) >= 2)
