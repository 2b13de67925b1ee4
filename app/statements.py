"""Pure: statements that stand where a figure would — "本年度我部门无会议费支出", "本单位无此项支出", a heading
followed by "无" — read from a report's sentences as figures of kind "nil", so that asked for that figure, the answer
is what the report says: there was none.

A nil figure has value 0, unit "", kind and qualifier "nil", `phrase` = what there was none of, `clause` = the
clause that says so. Ingest may record such statements itself (a Figure with kind "nil"); those are used as they are.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

from ingest.figures import Figure

NIL = "nil"
_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+")
_MARKERS = ("无", "没有", "未发生", "未安排", "未产生", "不涉及", "未列支")
_THIS_ITEM = re.compile(r"^(?:此项|该项|此类|这项|相关)")
_NOT_AN_OBJECT = re.compile(r"^(?:变化|差异|明显变化|异常|问题|不良|重大|此|其他)$")
_HEADING_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\(\d+\)|\d+[．.、])")
_LEAD = re.compile(r"^(?:本年度|本年|今年|全年|当年|(?:19|20)\d\d年度?|我部门|本部门|本单位|我单位|我局|本局|本会|我会|"
                   r"部门|单位|均|全部|都|，|,|\s)+")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def nil_figures(sentences: Iterable, known: Iterable[Figure] = ()) -> list[Figure]:
    """Nil statements of these sentences (objects with text, section, report, start), as figures; none where a
    figure of `known` already records the same statement."""
    taken = {(f.report, f.sentence) for f in known if f.kind == NIL}
    out: list[Figure] = []
    for s in sentences:
        if (s.report, s.text) in taken:
            continue
        out.extend(_nil_in_sentence(s.text, s.section, s.report, s.start))
    return out


def _nil_in_sentence(sentence: str, section: str, report: str, start: int) -> list[Figure]:
    from app.lookup import simplified

    figures = []
    original = sentence
    sentence = simplified(sentence)  # 無/沒有 read as 无/没有; what is quoted stays the report's own
    leaf = _HEADING_MARKER.sub("", section.split(" > ")[-1]).strip("。 ") if section else ""
    if sentence.strip("。 ") == "无" and leaf:
        # "（4）其他对部门影响较大的支出情况。无": the heading says what there was none of
        return [_figure(leaf, original.strip("。 ") or "无", original, section, report, start)]
    for m in _CLAUSE.finditer(sentence):
        clause = m.group(0).strip()
        shown = original[m.start():m.end()].strip() if len(original) == len(sentence) else clause
        words = _jieba().lcut(clause)
        pos = 0
        for n, w in enumerate(words):
            if w in _MARKERS:
                obj = "".join(words[n + 1:]).strip()
                obj = re.sub(r"^(?:任何|相关的?|发生)", "", obj)
                if _THIS_ITEM.match(obj) and leaf:
                    obj = _THIS_ITEM.sub(leaf if not leaf.endswith(obj[2:]) else "", obj) or leaf
                if len(obj) >= 2 and re.fullmatch(r"[\u4e00-\u9fff“”\"（）()]+", obj) and not _NOT_AN_OBJECT.match(obj):
                    at = m.start() + clause_offset(m.group(0)) + pos
                    figures.append(_figure(obj, shown, original, section, report, start + at, w))
                break
            pos += len(w)
    return figures


def clause_offset(raw: str) -> int:
    """Leading whitespace of a clause as matched."""
    return len(raw) - len(raw.lstrip())


def _figure(obj: str, clause: str, sentence: str, section: str, report: str, start: int, marker: str = "无"
            ) -> Figure:
    return Figure(text=marker, value="0", unit="", kind=NIL, qualifier=NIL, phrase=obj.strip("“”\""),
                  clause=clause, sentence=sentence.strip(), section=section, report=report, start=start,
                  end=start + len(marker), extra={"nil": True})


# what a nil figure says, by ingest's extra["nil"]: there was none, it did not change, it cannot be compared
NONE, UNCHANGED, NOT_COMPARABLE = "none", "unchanged", "not_comparable"
_SAID_ZH = {UNCHANGED: "与上年持平", NOT_COMPARABLE: "不可比"}
_SAID_EN = {NONE: "none", UNCHANGED: "unchanged from the year before", NOT_COMPARABLE: "not comparable"}


def nil_kind(f: Figure) -> str:
    """none | unchanged | not_comparable: what a nil figure states (a statement read here says there was none)."""
    said = (f.extra or {}).get("nil")
    return said if said in (UNCHANGED, NOT_COMPARABLE) else NONE


def about_change(f: Figure) -> bool:
    """A nil figure that states how the figure moved (与上年持平, 不可比), not that there was none."""
    return f.kind == NIL and nil_kind(f) != NONE and f.relation not in ("completion", "execution")


def nil_said(f: Figure, language: str = "zh") -> str:
    """The answer a nil figure gives, in words: 无此项支出 (无此项收入), 与上年持平, 不可比."""
    kind = nil_kind(f)
    if language == "en":
        return _SAID_EN[kind]
    if kind == NONE:
        return "无此项收入" if "收入" in f.phrase + f.clause and "支出" not in f.phrase + f.clause else "无此项支出"
    return _SAID_ZH[kind]

