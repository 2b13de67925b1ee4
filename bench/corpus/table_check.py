"""Checks for the table-bearing reports (built from specs by bench/corpus/build.py), without running the assistant.

- `table_problems(spec)`: each table's arithmetic as its spec declares it (得分 ≤ 分值, 执行率 = 执行数 / 预算数,
  得分 = 分值 × 执行率, parts add up to their total), every check holding except the ones the spec plants;
- `question_problems(question, spec, text)`: a question about a table report against it. Its evidence stands in the
  report's text (whitespace ignored, compared as the shared scorer compares); for a table question (`"table": true`)
  the evidence is a cell's text that names the row (the 三级指标, "年度资金总额", "总分") and must stand in a table
  row; every gold number of a number question stands in that row (or, for a prose question, in its evidence
  sentence of ≥ 12 characters); a bound alternative ("≥|以上|不低于") stands in the row; a text gold stands in the
  row, else in another row (哪几项没完成 lists other rows), else in the report; a derived question's `formula`
  gives its gold and its operands are numbers of the report.

The report's text here is read straight from the file (`file_text`: pypdf's text layer, python-docx's paragraphs and
cells, the .txt as it is), not through `ingest.load`: what the corpus holds must not depend on the reader being
measured (a reader that loses a wrapped cell line is a finding, not a corpus error).
`tests/bench/test_table_corpus.py` runs both checks over every spec; `entry_question_problems` is the entry point for
`bench/corpus/check.py` (a reports.json entry with a "spec").
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from bench.corpus import build

NUM = re.compile(r"\d+(?:\.\d+)?")
ROUNDING = 0.0051  # a figure stated to two decimals stands for ±0.005
MIN_PROSE_EVIDENCE = 12
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)")


def norm(text: str, keep_spaces: bool = False) -> str:
    """Text as the shared scorer compares it: NFKC, thousands separators removed, no whitespace (or single spaces)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    return re.sub(r"\s+", " " if keep_spaces else "", text)


def numbers(text: str) -> set[float]:
    """The numbers of a text as the scorer reads them (numbers separated by spaces stay apart)."""
    return {float(m) for m in NUM.findall(norm(text, keep_spaces=True))}


def is_number(gold: str) -> bool:
    """A gold answer the scorer compares as a number ("143", "20.28%")."""
    return bool(NUM.fullmatch(norm(gold).rstrip("%")))


def cell_value(text: str) -> float:
    """The one number a cell states ("98.51%", "6480个", "1,234.50"); ValueError if it states none or several."""
    found = NUM.findall(norm(text))
    if len(found) != 1:
        raise ValueError(f"cell {text!r} should state one number")
    return float(found[0])


def rows_of(spec_rows: list[int] | str) -> list[int]:
    """Row numbers from a list or an inclusive range "a-b"."""
    if isinstance(spec_rows, str):
        first, last = (int(x) for x in spec_rows.split("-"))
        return list(range(first, last + 1))
    return list(spec_rows)


def evaluate(formula: str) -> float:
    """A derived gold's formula: numbers, + - * / and parentheses only."""
    if not re.fullmatch(r"[\d.\s+\-*/()]+", formula):
        raise ValueError(f"formula {formula!r} may hold only numbers, + - * / and parentheses")
    return eval(formula, {"__builtins__": {}}, {})  # the pattern above admits arithmetic only


def table_checks(table: dict, t: int) -> list[tuple[str, bool]]:
    """(name, holds) for every check the table declares; names like "t1 row 6 执行率"."""
    grid = build.table_grid(table)
    checks = table.get("checks", {})
    if checks.get("transposed"):  # the measures are rows, the things measured columns
        grid = [list(column) for column in zip(*grid)]
    v = lambda r, k: cell_value(grid[r][k])  # noqa: E731
    found: list[tuple[str, bool]] = []
    if c := checks.get("score"):
        found += [(f"t{t} row {r} 得分≤分值", v(r, c["got"]) <= v(r, c["max"])) for r in rows_of(c["rows"])]
    if c := checks.get("rate"):
        found += [(f"t{t} row {r} 执行率", abs(v(r, c["actual"]) / v(r, c["budget"]) * 100 - v(r, c["rate"])) <= ROUNDING)
                  for r in rows_of(c["rows"])]
    if c := checks.get("rate_score"):
        found += [(f"t{t} row {r} 得分=分值×执行率",
                   abs(min(v(r, c["max"]) * v(r, c["rate"]) / 100, v(r, c["max"])) - v(r, c["got"])) <= ROUNDING)
                  for r in rows_of(c["rows"])]
    for s in checks.get("sums", []):
        parts = rows_of(s["parts"])
        adds = s.get("adds") or [0] * len(s["cols"])
        for k, add in zip(s["cols"], adds):
            total = sum(v(r, k) for r in parts) + add
            found.append((f"t{t} row {s['total']} col {k} sum", abs(total - v(s["total"], k)) <= ROUNDING * len(parts)))
    return found


def table_problems(spec: dict) -> list[str]:
    """Every declared check that fails without being planted, and every planted one that holds."""
    problems = []
    for t, table in enumerate(build.spec_tables(spec), 1):
        found = table_checks(table, t)
        planted = set(table.get("planted", ()))
        for name, holds in found:
            if name in planted and holds:
                problems.append(f"{spec['id']}: {name} is listed as planted but holds")
            elif name not in planted and not holds:
                problems.append(f"{spec['id']}: {name} does not hold")
        for name in sorted(planted - {name for name, _ in found}):
            problems.append(f"{spec['id']}: planted check {name!r} is never run")
    return problems


def spec_rows(spec: dict) -> list[str]:
    """Every table row of the spec as printed (cells joined by a space)."""
    return [row for table in build.spec_tables(spec) for row in build.table_row_texts(table)]


def question_problems(q: dict, spec: dict, text: str) -> list[str]:
    """What is wrong with one question about a table report whose loaded text is `text` (none: an empty list)."""
    where = q.get("id", "?")
    if q.get("kind") == "none":
        return [f"{where}: a none question has no answers"] if q.get("answers") else []
    problems: list[str] = []
    text_n = norm(text)
    evidence = norm(q.get("evidence", ""))
    if not evidence or evidence not in text_n:
        return [f"{where}: evidence {q.get('evidence', '')!r} is not in the report"]
    rows = spec_rows(spec)
    if q.get("table"):
        named = [row for row in rows if evidence in norm(row)]
        if not named:
            return [f"{where}: no table row holds the evidence {q['evidence']!r}"]
    else:
        if len(evidence) < MIN_PROSE_EVIDENCE:
            problems.append(f"{where}: prose evidence is a sentence (part) of {MIN_PROSE_EVIDENCE} characters or more")
        named = [q["evidence"]]
    kind = q.get("kind")
    for gold in q.get("answers", []):
        alternatives = [a for a in gold.split("|") if norm(a)]
        if kind == "number" and len(alternatives) == 1 and is_number(gold):
            if not any(float(norm(gold).rstrip("%")) in numbers(row) for row in named):
                problems.append(f"{where}: gold {gold} is not in the row/sentence {q['evidence']!r}")
        elif kind == "number":
            if not any(norm(a) in norm(row) for a in alternatives for row in named):
                problems.append(f"{where}: no alternative of {gold!r} stands in the row/sentence {q['evidence']!r}")
        elif kind == "text":
            places = [named, rows] if q.get("table") else [named]
            if not any(norm(a) in norm(row) for a in alternatives for where_ in places for row in where_):
                problems.append(f"{where}: text gold {gold!r} is not in the row/sentence {q['evidence']!r}"
                                + (" nor in another table row" if q.get("table") else ""))
    if kind == "derived":
        formula = q.get("formula")
        if not formula:
            return problems + [f"{where}: a derived question needs its formula"]
        gold = norm(q["answers"][0]).rstrip("%")
        try:
            value = evaluate(formula)
        except (ValueError, SyntaxError, ZeroDivisionError) as exc:
            return problems + [f"{where}: {exc}"]
        places = len(gold.split(".")[1]) if "." in gold else 0
        if not is_number(gold) or abs(round(value, places) - float(gold)) > 1e-9:
            problems.append(f"{where}: formula {formula} = {value:.4f}, gold {q['answers'][0]}")
        stated = numbers(text)
        for operand in NUM.findall(formula):
            if float(operand) not in stated:
                problems.append(f"{where}: operand {operand} of the formula is not a number of the report")
    return problems


def file_text(path: Path) -> str:
    """The text a report file holds, read without ingest: PDF text layer, DOCX paragraphs and table cells, TXT."""
    path = Path(path)
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if path.suffix == ".docx":
        from docx import Document

        document = Document(str(path))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                cells = {id(cell._tc): cell.text for cell in row.cells}  # a horizontally merged cell once
                parts.append(" ".join(cells.values()))
        return "\n".join(parts)
    return path.read_text(encoding="utf-8")


@cache
def _spec_and_text(spec_path: str, report_path: str) -> tuple[dict, str]:
    return build.load_spec(Path(spec_path)), file_text(Path(report_path))


def entry_question_problems(q: dict, entry: dict) -> list[str]:
    """question_problems for a reports.json entry with a "spec" (paths relative to bench/corpus/)."""
    spec, text = _spec_and_text(str(build.CORPUS_DIR / entry["spec"]), str(build.CORPUS_DIR / entry["file"]))
    return question_problems(q, spec, text)
