"""Check the evaluation corpus without running the assistant: `python -m bench.corpus.check [--quiet]`.

What it checks (one line per problem; exit 1 when there is any):
- `reports.json`: every entry has an id, a file that exists, a split (`dev`, `test`; the bundled report
  `mixed`), a year and the body's names; ids are unique; every report loads with `ingest.load.load_report`
  and has text;
- every question file `questions/<id>.jsonl` belongs to a listed report; every question has a unique id, a
  question, a valid kind (number, text, derived, none), answers (none for kind none), its report's id, a valid
  split (the bundled report's questions say `dev` or `test` each; the others take their report's), a history
  of user/assistant turns when it has one;
- the evidence of every answerable question stands in its report's text (whitespace ignored, compared as the
  shared scorer compares: NFKC, thousands separators; a traditional-character report after OpenCC t2s);
- every gold number of a number question stands in its evidence; every text gold (one of its "a|b"
  alternatives) stands in the evidence; a derived question's `formula` gives its gold (to the gold's decimals)
  and every operand of the formula is a number of the report;
- the rendered prose reports are up to date with their sources (`bench/corpus/render.py`);
- every variant `bench/variants.py` generates is consistent the same way (evidence in the variant's text, gold
  numbers in the variant's evidence, formulas re-evaluated).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = CORPUS_DIR.parent.parent
REPORTS_JSON = CORPUS_DIR / "reports.json"
QUESTIONS_DIR = CORPUS_DIR / "questions"
KINDS = ("number", "text", "derived", "none")
SPLITS = ("dev", "test")
REPORT_SPLITS = (*SPLITS, "mixed")

_NUM = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)")


def norm(text: str) -> str:
    """Text as the shared scorer compares it: NFKC, thousands separators removed, no whitespace."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    return re.sub(r"\s+", "", text)


def numbers(text: str) -> set[float]:
    """The numbers of a text as the scorer reads them."""
    return {float(m) for m in _NUM.findall(norm(text))}


def is_number(gold: str) -> bool:
    """A gold answer the scorer compares as a number ("143", "20.28%")."""
    return bool(_NUM.fullmatch(norm(gold).rstrip("%")))


def gold_in(gold: str, text: str) -> bool:
    """One alternative of a gold answer stands in a text (numbers as numbers, text as substrings)."""
    for alternative in gold.split("|"):
        g = norm(alternative).rstrip("%")
        if not g:
            continue
        if _NUM.fullmatch(g) and float(g) in numbers(text):
            return True
        if not _NUM.fullmatch(g) and g in norm(text):
            return True
    return False


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters converted to simplified (OpenCC t2s)."""
    return _t2s().convert(text)


def evaluate(formula: str) -> float:
    """The value of a derived answer's formula: numbers, + - * / and parentheses only."""
    if not re.fullmatch(r"[\d.\s+\-*/()]+", formula):
        raise ValueError(f"formula {formula!r} may hold only numbers, + - * / and parentheses")
    return eval(formula, {"__builtins__": {}}, {})  # the pattern above admits arithmetic only


def decimals(value: str) -> int:
    """How many decimals a stated number has ("12.30" -> 2)."""
    token = norm(value).rstrip("%")
    return len(token.split(".")[1]) if "." in token else 0


def formula_gives(formula: str, gold: str) -> bool:
    """The formula, rounded to the gold's decimals, is the gold."""
    value = evaluate(formula)
    return abs(round(value, decimals(gold)) - float(norm(gold).rstrip("%"))) < 1e-9


_CLAUSE_ENDS = set("。；;！!？?，,：:、\n")


def _whole_clause(ev: str, text: str) -> bool:
    """A short evidence is a whole sentence or clause of the text: punctuation (or the text's edge) on both sides."""
    start = text.find(ev)
    while start >= 0:
        before = text[start - 1] if start else "。"
        end = start + len(ev)
        after = text[end] if end < len(text) else "。"
        if (before in _CLAUSE_ENDS or ev[0] in _CLAUSE_ENDS) and (after in _CLAUSE_ENDS or ev[-1] in _CLAUSE_ENDS):
            return True
        start = text.find(ev, start + 1)
    return False


@dataclass
class Report:
    """One corpus entry with its text."""

    entry: dict
    path: Path
    text: str = ""

    @property
    def id(self) -> str:
        return self.entry["id"]

    @property
    def traditional(self) -> bool:
        return bool(self.entry.get("traditional"))

    def comparable(self, text: str) -> str:
        """A text in the form evidence is compared in (simplified, scorer-normalised)."""
        return norm(simplified(text) if self.traditional else text)

    def comparable_lines(self, text: str) -> str:
        """Like comparable, with each line end kept as a newline (a line is a clause boundary)."""
        return "\n".join(self.comparable(line) for line in text.splitlines() if line.strip())


@dataclass
class Findings:
    """Problems found, and what was counted."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    show_test: bool = False  # print a test question's evidence and gold in its problems (corpus authors only)
    redacting: bool = False  # set while a test question is checked

    def add(self, where: str, problem: str) -> None:
        if self.redacting and not self.show_test:
            problem = problem.split(":")[0].split(" ")[0] + " … (a test question: details not shown; its author "
            problem += "runs python -m bench.corpus.check --show-test)"
        self.problems.append(f"{where}: {problem}")


def load_entries() -> list[dict]:
    """The entries of reports.json."""
    return json.loads(REPORTS_JSON.read_text(encoding="utf-8"))["reports"]


def report_path(entry: dict) -> Path:
    """A report's file (reports.json paths are relative to bench/corpus/)."""
    return (CORPUS_DIR / entry["file"]).resolve()


def load_questions(path: Path) -> list[dict]:
    """The questions of one JSONL file."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def check_reports(findings: Findings) -> dict[str, Report]:
    """Check reports.json and load every report."""
    from ingest.load import ReportLoadError, load_report

    reports: dict[str, Report] = {}
    for n, entry in enumerate(load_entries(), 1):
        where = f"reports.json entry {n}"
        missing = [k for k in ("id", "file", "split", "year", "body") if k not in entry]
        if missing:
            findings.add(where, f"missing {', '.join(missing)}")
            continue
        where = f"reports.json {entry['id']}"
        if entry["id"] in reports:
            findings.add(where, "duplicate id")
        if entry["split"] not in REPORT_SPLITS:
            findings.add(where, f"split {entry['split']!r} is not one of {', '.join(REPORT_SPLITS)}")
        body = entry["body"]
        if not isinstance(body, dict) or not body.get("full"):
            findings.add(where, "body needs at least its full name")
        path = report_path(entry)
        report = Report(entry, path)
        reports[entry["id"]] = report
        if not path.is_file():
            findings.add(where, f"file {entry['file']} does not exist")
            continue
        try:
            report.text = load_report(path).text
        except ReportLoadError as exc:
            findings.add(where, f"does not load: {exc}")
            continue
        if not report.text.strip():
            findings.add(where, "loads with no text")
        names = [body.get("full", ""), *body.get("forms", [])]
        comparable = report.comparable(report.text)
        if not any(norm(name) in comparable for name in names if name):
            findings.add(where, f"none of the body's names ({', '.join(names)}) stands in the text")
    return reports


def check_structure(q: dict, report: Report, findings: Findings, where: str, split: str | None) -> bool:
    """The fields, kind, report, split and history of a question; False when it cannot be checked further."""
    for key in ("id", "question", "answers", "kind", "report"):
        if key not in q:
            findings.add(where, f"missing {key}")
            return False
    if q["kind"] not in KINDS:
        findings.add(where, f"kind {q['kind']!r} is not one of {', '.join(KINDS)}")
        return False
    if q["report"] != report.id:
        findings.add(where, f"report {q['report']!r} but the file is {report.id}'s")
    question_split = q.get("split", split)
    if question_split not in SPLITS:
        findings.add(where, f"split {question_split!r} is not one of {', '.join(SPLITS)}")
    elif split and q.get("split", split) != split:
        findings.add(where, f"split {q['split']!r} but its report is {split}")
    for turn in q.get("history") or []:
        if turn.get("role") not in ("user", "assistant") or not isinstance(turn.get("content"), str):
            findings.add(where, "history turns need role user/assistant and content")
    return True


def check_question(q: dict, report: Report, findings: Findings, where: str, split: str | None) -> None:
    """Check one question against its report."""
    if not check_structure(q, report, findings, where, split):
        return
    if not isinstance(q["answers"], list) or not all(isinstance(a, str) for a in q["answers"]):
        findings.add(where, "answers must be a list of strings")
        return
    if q["kind"] == "none":
        if q["answers"]:
            findings.add(where, "a none question has no answers")
        return
    if not q["answers"]:
        findings.add(where, "an answerable question needs answers")
    if report.entry.get("spec"):  # a table report: its evidence names a row; table_check knows how to read it
        from bench.corpus.table_check import entry_question_problems

        for problem in entry_question_problems(q, report.entry):
            findings.add(where, problem)
        return
    evidence = q.get("evidence") or ""
    if not report.text:
        return
    text, ev = report.comparable(report.text), report.comparable(evidence)
    if ev not in text:
        findings.add(where, f"evidence not in the report: {evidence[:60]}")
    elif len(ev) < 12 and not (_whole_clause(ev, report.comparable_lines(report.text)) or _whole_clause(ev, text)):
        findings.add(where, "evidence shorter than 12 characters and not a whole sentence or clause")
    if q["kind"] == "number":
        for gold in q["answers"]:
            if "|" not in gold and is_number(gold) and float(norm(gold).rstrip("%")) not in numbers(ev):
                findings.add(where, f"gold {gold} is not a number of the evidence")
            elif "|" in gold and not gold_in(gold, ev):
                findings.add(where, f"no alternative of {gold} stands in the evidence")
    elif q["kind"] == "text":
        for gold in q["answers"]:
            if not gold_in(simplified(gold) if report.traditional else gold, ev):
                findings.add(where, f"text gold {gold} does not stand in the evidence")
    elif q["kind"] == "derived":
        formula = q.get("formula")
        if not formula:
            findings.add(where, "a derived question needs its formula")
            return
        try:
            if not formula_gives(formula, q["answers"][0]):
                findings.add(where, f"formula {formula} = {evaluate(formula):.4f}, gold {q['answers'][0]}")
        except (ValueError, SyntaxError, ZeroDivisionError) as exc:
            findings.add(where, str(exc))
            return
        stated = numbers(report.comparable(report.text))
        for operand in _NUM.findall(formula):
            if float(operand) not in stated and float(operand) != 100:
                findings.add(where, f"operand {operand} of the formula is not a number of the report")


def check_questions(reports: dict[str, Report], findings: Findings) -> list[dict]:
    """Check every question file; returns every question."""
    seen: dict[str, str] = {}
    everything: list[dict] = []
    for path in sorted(QUESTIONS_DIR.glob("*.jsonl")):
        report = reports.get(path.stem)
        if report is None:
            findings.add(path.name, "no such report in reports.json")
            continue
        split = None if report.entry["split"] == "mixed" else report.entry["split"]
        try:
            questions = load_questions(path)
        except json.JSONDecodeError as exc:
            findings.add(path.name, f"not JSONL: {exc}")
            continue
        for n, q in enumerate(questions, 1):
            where = f"{path.name}:{n} {q.get('id', '')}"
            if q.get("id") in seen:
                findings.add(where, f"id also used in {seen[q['id']]}")
            seen[q.get("id")] = path.name
            findings.redacting = q.get("split", split) == "test"
            if report.entry.get("tables") and not report.entry.get("spec"):
                check_structure(q, report, findings, where, split)  # a table report without a spec to read it by
            else:
                check_question(q, report, findings, where, split)
            findings.redacting = False
            counts = findings.counts.setdefault(report.id, {})
            counts[q.get("kind", "?")] = counts.get(q.get("kind", "?"), 0) + 1
            everything.append(q)
    return everything


def check_rendered(findings: Findings) -> None:
    """The rendered prose reports match their sources."""
    from bench.corpus.render import LAYOUTS, rendered

    for report_id in sorted(LAYOUTS):
        path, data = rendered(report_id)
        if not path.is_file() or path.read_bytes() != data:
            findings.add(path.name, "out of date with its source: run python -m bench.corpus.render")


def check_variants(reports: dict[str, Report], findings: Findings) -> int:
    """Every generated variant is consistent; returns how many were checked."""
    from bench.variants import generate_all

    checked = 0
    for variant in generate_all():
        fake = Report({"id": variant.report_id, "traditional": variant.traditional}, Path(), variant.text)
        split = reports[variant.original].entry["split"] if variant.original in reports else "test"
        for q in variant.questions:
            findings.redacting = q.get("split", split) == "test"
            check_question({**q, "report": variant.report_id}, fake, findings, f"variant {variant.name} {q['id']}",
                           None if "split" in q else "dev")
        findings.redacting = split != "dev"
        for problem in variant.problems:
            findings.add(f"variant {variant.name}", problem)
        findings.redacting = False
        checked += 1
    return checked


def _has_variants() -> bool:
    return (PROJECT_ROOT / "bench" / "variants.py").is_file()


def run(quiet: bool = False, variants: bool = True, show_test: bool = False) -> Findings:
    """Every check; the findings (problems empty when the corpus is sound)."""
    findings = Findings(show_test=show_test)
    reports = check_reports(findings)
    questions = check_questions(reports, findings)
    check_rendered(findings)
    n_variants = check_variants(reports, findings) if variants and _has_variants() else 0
    if not quiet:
        for report_id, counts in findings.counts.items():
            total = sum(counts.values())
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            print(f"{report_id}: {total} questions ({kinds})")
        print(f"{len(reports)} reports, {len(questions)} questions, {n_variants} variants checked, "
              f"{len(findings.problems)} problems")
    return findings


def main(argv: list[str] | None = None) -> int:
    """CLI: print problems, exit 1 if any."""
    parser = argparse.ArgumentParser(prog="python -m bench.corpus.check", description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print problems only")
    parser.add_argument("--no-variants", action="store_true", help="skip generating the variants")
    parser.add_argument("--show-test", action="store_true",
                        help="show a test question's evidence and gold in its problems (for the corpus authors only)")
    args = parser.parse_args(argv)
    findings = run(args.quiet, not args.no_variants, args.show_test)
    for problem in findings.problems:
        print(problem)
    return 1 if findings.problems else 0


if __name__ == "__main__":
    sys.exit(main())
