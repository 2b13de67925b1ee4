"""BM25 per report: a report's chunks rank the same whatever else the store holds, and whatever its body is called,
whichever year it is about and whatever its figures are.

Two reports of different departments (our 教育局 and 卫生健康局 test reports) are each renamed to another body, their
years shifted and their figures changed, chunk by chunk (so chunk boundaries stay): the same questions must rank
the same chunks with the same scores.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from ingest.report import Chunk
from tests.app.conftest import OWN_REPORTS_DIR, PROFILES
from vectorstore.lexical import LexicalIndex, neutral_text, tokenize

QUESTIONS = {
    "edu-2022": ("教师培训花了多少钱", "区教育局2022年一共支出多少", "学生资助惠及多少人", "存在哪些问题",
                 "本局下一步怎么改进", "老师培训的钱用了多少", "资金用得怎么样"),
    "health-2024": ("家庭医生签约了多少人", "区卫健局2024年收入多少", "公共卫生服务经费", "存在什么问题",
                    "本局预算执行率是多少", "卫健局基本支出占比多少"),
}
# (report, old name, new name) for the renamed copies: another kind of body, and its self-references with it
RENAMES = {
    "edu-2022": (("福田区教育局", "福田区残疾人联合会"), ("区教育局", "区残联"), ("教育局", "残疾人联合会"), ("本局", "本会")),
    "health-2024": (("南海区卫生健康局", "南海区司法局"), ("区卫健局", "区司法局"), ("卫生健康局", "司法局"),
                    ("卫健局", "司法局")),
}
NEW_ALIASES = {"edu-2022": ("深圳市福田区残疾人联合会", "福田区残疾人联合会|残疾人联合会|福田区残联|区残联|残联|本会"),
               "health-2024": ("佛山市南海区司法局", "南海区司法局|区司法局|司法局|本局")}


def _renamed(text: str, report: str) -> str:
    for old, new in RENAMES[report]:
        text = text.replace(old, new)
    return text


def _year_shifted(text: str) -> str:
    return re.sub(r"(?<!\d)(20\d\d)(?=\s*年)", lambda m: str(int(m.group(1)) + 2), text)


def _figures_changed(text: str) -> str:
    """Every other number times 3, with its decimals (the figures variant of bench/variants.py, roughly)."""
    def scaled(m: re.Match[str]) -> str:
        token = m.group(0)
        if re.fullmatch(r"20\d\d", token):
            return token
        places = len(token.split(".")[1]) if "." in token else 0
        return f"{float(token) * 3:.{places}f}"
    return re.sub(r"\d+(?:\.\d+)?", scaled, text)


def _names(report: str, renamed: bool = False) -> tuple[str, ...]:
    body, aliases = NEW_ALIASES[report] if renamed else PROFILES[report]
    return tuple(sorted({body, *aliases.split("|")}, key=len, reverse=True))


def _copy(chunks: list[Chunk], how, report: str | None = None) -> list[Chunk]:
    return [replace(c, id=c.id + "'", report=report or c.report, text=how(c.text), section=how(c.section))
            for c in chunks]


def _ranking(index: LexicalIndex, question: str, report: str) -> list[tuple[int, float]]:
    return [(c.index, round(score, 9)) for c, score in index.search(question, 8, [report])]


@pytest.fixture(scope="module")
def reports() -> dict[str, list[Chunk]]:
    from ingest.pipeline import prepare_report

    return {r: list(prepare_report(OWN_REPORTS_DIR / f"{r}.txt").chunks) for r in QUESTIONS}


@pytest.mark.parametrize("report", sorted(QUESTIONS))
def test_what_else_the_store_holds_changes_no_ranking(reports, report):
    alone = LexicalIndex(reports[report], {report: _names(report)})
    other = next(r for r in reports if r != report)
    # beside another report, and beside many copies of it (a store of variants holds dozens)
    crowd = [*reports[other], *(c for n in range(5) for c in _copy(reports[other], str, f"{other}-{n}"))]
    together = LexicalIndex([*reports[report], *crowd], {report: _names(report), other: _names(other)})
    for question in QUESTIONS[report]:
        assert _ranking(alone, question, report), question
        assert _ranking(alone, question, report) == _ranking(together, question, report), question


@pytest.mark.parametrize("report", sorted(QUESTIONS))
@pytest.mark.parametrize("variant", ["renamed", "year", "figures", "combined"])
def test_a_variant_ranks_its_chunks_like_the_original(reports, report, variant):
    how = {"renamed": lambda t: _renamed(t, report), "year": _year_shifted, "figures": _figures_changed,
           "combined": lambda t: _figures_changed(_year_shifted(_renamed(t, report)))}[variant]
    renamed = variant in ("renamed", "combined")
    original = LexicalIndex(reports[report], {report: _names(report)})
    copy = LexicalIndex(_copy(reports[report], how), {report: _names(report, renamed)})
    for question in QUESTIONS[report]:
        asked = how(question)
        assert _ranking(original, question, report) == _ranking(copy, asked, report), (question, asked)


def test_the_bodys_names_numbers_and_asking_words_are_no_words_to_match():
    names = ("深圳市福田区教育局", "区教育局", "本局")
    text = neutral_text("区教育局2022年支出1,234.56万元，本局下一步怎么改进？", names)
    assert "教育局" not in text and "本局" not in text and not re.search(r"\d", text)
    words = tokenize(text)
    assert "支出" in words and "改进" in words
    assert not {"怎么", "多少", "吗"} & set(tokenize("下一步怎么改进，花了多少吗"))


def test_over_several_reports_each_chunk_keeps_its_own_reports_score(reports):
    names = {r: _names(r) for r in reports}
    both = LexicalIndex([*reports["edu-2022"], *reports["health-2024"]], names)
    for question in ("预算支出多少", "绩效目标完成得怎么样"):
        merged = both.search(question, 50, list(reports))
        assert {c.report for c, _ in merged} == set(reports)
        for report in reports:
            alone = LexicalIndex(reports[report], {report: names[report]}).search(question, 50, [report])
            assert [(c.id, s) for c, s in merged if c.report == report] == [(c.id, s) for c, s in alone]
        assert [s for _, s in merged] == sorted((s for _, s in merged), reverse=True)
