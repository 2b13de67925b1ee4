"""Pure: the figures table and the charts drawn from it, as plain rows (the UI turns them into Gradio components).

Every chart row carries the figure it was drawn from, so each bar can be traced to a sentence of the report.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.figures import MONEY, Figure

KIND_LABELS = {"money": "金额", "percent": "百分比", "people": "人数", "count": "数量", "times": "次数",
               "hours": "工时", "score": "分值", "number": "数字"}
QUALIFIER_LABELS = {"level": "数值", "change": "增减", "target": "目标", "part": "其中"}
FIGURE_COLUMNS = ["数值", "单位", "类型", "性质", "说明", "行", "列", "原句", "章节", "报告"]

BUDGET = "年初预算"
FINAL = "决算"
CHART_COLUMNS = ["项目", "口径", "金额（万元）"]
CHART_SOURCE_COLUMNS = ["项目", "口径", "数值", "原文", "章节"]

# words that say when or whose, not what: dropped from a budget line's name
_NAME_NOISE = re.compile(r"^(本年度|本年|年度|\d{4}\s*年度?|我部门|本部门|本单位|部门)+")
_EDGE_PUNCT = "，,；;。：:、（）() \u3000"


def figure_row(figure: Figure) -> list[str]:
    """One figure as a row of the figures table (columns FIGURE_COLUMNS); a table cell with its row and column."""
    return [figure.text, figure.unit, KIND_LABELS.get(figure.kind, figure.kind),
            QUALIFIER_LABELS.get(figure.qualifier, figure.qualifier), figure.phrase, figure.row, figure.column,
            figure.sentence, figure.section, figure.report]


def figures_rows(figures: Iterable[Figure]) -> list[list[str]]:
    """The figures table: one row per figure, in report order."""
    return [figure_row(f) for f in sorted(figures, key=lambda f: (f.report, f.start))]


def figures_csv(figures: Iterable[Figure]) -> str:
    """The figures table as CSV text (header row included)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIGURE_COLUMNS)
    writer.writerows(figures_rows(figures))
    return out.getvalue()


@dataclass(frozen=True)
class BudgetLine:
    """One spending line with its budget at the start of the year and its final account, both as the report states."""

    name: str
    budget: Figure
    final: Figure


def _mentions(figure: Figure, word: str) -> bool:
    return word in figure.phrase or word in figure.clause


def _line_name(figure: Figure) -> str:
    for source in (figure.phrase, figure.clause):
        cut = source.find(BUDGET)
        if cut < 0:
            continue
        name = _NAME_NOISE.sub("", source[:cut].strip(_EDGE_PUNCT).replace(" ", "")).strip(_EDGE_PUNCT)
        return name or "部门合计"
    return "部门合计"


def budget_lines(figures: Iterable[Figure]) -> list[BudgetLine]:
    """Pair each 年初预算 money figure with the next 决算 money figure of the same sentence (duplicates dropped)."""
    by_sentence: dict[tuple[str, str], list[Figure]] = {}
    for fig in sorted((f for f in figures if f.kind == MONEY), key=lambda f: (f.report, f.start)):
        by_sentence.setdefault((fig.report, fig.sentence), []).append(fig)
    lines: list[BudgetLine] = []
    seen: set[tuple[str, str, str]] = set()
    for sentence_figures in by_sentence.values():
        for i, fig in enumerate(sentence_figures):
            if not _mentions(fig, BUDGET) or _mentions(fig, FINAL) or _mentions(fig, "差异"):
                continue
            for later in sentence_figures[i + 1:]:
                if _mentions(later, BUDGET):
                    break  # the next line starts before this one found its final account
                if _mentions(later, FINAL) and not _mentions(later, "差异"):
                    key = (_line_name(fig), fig.value, later.value)
                    if key not in seen:
                        seen.add(key)
                        lines.append(BudgetLine(name=key[0], budget=fig, final=later))
                    break
    return lines


def _in_wan_yuan(figure: Figure) -> float:
    value = float(figure.decimal)
    return value / 10000 if figure.unit == "元" else value * 10000 if figure.unit == "亿元" else value


def budget_chart_rows(lines: Iterable[BudgetLine]) -> list[dict]:
    """Bars of budget vs final account (万元), one label per bar so bars never stack."""
    rows = []
    for line in lines:
        for label, fig in ((BUDGET, line.budget), ("决算", line.final)):
            rows.append({"项目": f"{line.name}·{label}", "口径": label, "金额（万元）": _in_wan_yuan(fig)})
    return rows


def budget_source_rows(lines: Iterable[BudgetLine]) -> list[list]:
    """The figures behind each bar: name, basis, amount, the clause that states it and its section."""
    rows = []
    for line in lines:
        for label, fig in ((BUDGET, line.budget), ("决算", line.final)):
            rows.append([line.name, label, fig.display, fig.clause or fig.sentence, fig.section])
    return rows
