"""Studying the dev split between two `make eval` runs: answer some dev reports' questions, see where they fail, and
check a change against the answers before it.

    python -m bench.study answer NAME REPORT_ID... | dev     # the questions of these dev reports (or all of dev)
    python -m bench.study summary NAME                       # per report: questions, accuracy, wrong, false abstentions
    python -m bench.study failures NAME [--kinds wrong,fa,miss] [--report ID]
    python -m bench.study compare NEW OLD                    # what NEW lost (and gained) against OLD

`answer` runs the product's batch command (`python -m app.ask --batch`, extractive) against the store `make eval`
filled (`var/eval/store-corpus`) and writes `var/study/NAME.{gold,questions,answers}.jsonl`. Every verdict is the
shared scorer's (`score.py`, imported from `$SHARED_DIR/eval`). Test questions are never answered here: a test
report, or a test question of the bundled report, is skipped, so no verdict of one can be read.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bench.common import PROJECT_ROOT, SCORER, bench_env, load_jsonl, write_jsonl

STUDY_DIR = PROJECT_ROOT / "var" / "study"
STORE = PROJECT_ROOT / "var" / "eval" / "store-corpus"
ASKED_FIELDS = ("id", "question", "report", "history")


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dev_questions(selected: list[str]) -> list[dict]:
    """The dev questions of the selected reports ("dev": every dev report); test questions are left out."""
    from bench.corpus.check import QUESTIONS_DIR, load_entries, load_questions

    entries = load_entries()
    known = {e["id"] for e in entries}
    unknown = [s for s in selected if s != "dev" and s not in known]
    if unknown:
        raise SystemExit(f"error: no corpus report {unknown[0]!r}")
    out = []
    for e in entries:
        if e["split"] == "test" or ("dev" not in selected and e["id"] not in selected):
            continue
        path = QUESTIONS_DIR / f"{e['id']}.jsonl"
        for q in load_questions(path) if path.is_file() else []:
            if (q.get("split") or e["split"]) != "test":
                out.append(q)
    return out


def verdicts(name: str) -> tuple[list[dict], list[dict]]:
    """(gold questions, the scorer's row per question) of a study run."""
    gold = load_jsonl(STUDY_DIR / f"{name}.gold.jsonl")
    _, rows = _scorer().score(gold, load_jsonl(STUDY_DIR / f"{name}.answers.jsonl"), "")
    return gold, rows


def _tag(row: dict) -> str:
    return "wrong" if row["wrong_figure"] else "fa" if row["why"] == "abstained" else "miss"


def answer(name: str, selected: list[str]) -> int:
    questions = dev_questions(selected)
    if not questions:
        print("error: no dev questions selected", file=sys.stderr)
        return 1
    STUDY_DIR.mkdir(parents=True, exist_ok=True)
    write_jsonl(STUDY_DIR / f"{name}.gold.jsonl", questions)
    write_jsonl(STUDY_DIR / f"{name}.questions.jsonl",
                [{k: q[k] for k in ASKED_FIELDS if k in q} for q in questions])
    done = subprocess.run([sys.executable, "-m", "app.ask", "--mode", "extractive", "--batch",
                           str(STUDY_DIR / f"{name}.questions.jsonl"), "--out", str(STUDY_DIR / f"{name}.answers.jsonl")],
                          cwd=PROJECT_ROOT, env=bench_env(CHROMA_PATH=str(STORE)), stderr=subprocess.DEVNULL)
    return done.returncode or summary(name)


def summary(name: str) -> int:
    gold, rows = verdicts(name)
    report_of = {q["id"]: q.get("report", "?") for q in gold}
    by_report: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_report[report_of[row["id"]]].append(row)
    lines = [(r, rs) for r, rs in sorted(by_report.items())] + [("(together)", rows)]
    for report, rs in lines:
        right = sum(r["correct"] for r in rs)
        print(f"{report:66s} {len(rs):5d} {right / len(rs):.3f}  wrong {sum(r['wrong_figure'] for r in rs):3d}"
              f"  false abstentions {sum(r['why'] == 'abstained' for r in rs):3d}")
    return 0


def failures(name: str, kinds: set[str], report: str) -> int:
    gold, rows = verdicts(name)
    answers = {a["id"]: a for a in load_jsonl(STUDY_DIR / f"{name}.answers.jsonl")}
    by_id = {q["id"]: q for q in gold}
    for row in rows:
        q = by_id[row["id"]]
        if row["correct"] or _tag(row) not in kinds or (report and q.get("report") != report):
            continue
        print(f"[{_tag(row)}] {row['id']} ({q['kind']}{', table' if q.get('table') else ''}) {q['question']}")
        if q.get("history"):
            print("   after:", " / ".join(h.get("content", "") for h in q["history"][-2:]))
        print("   gold:", q.get("answers"), "| evidence:", q.get("evidence", "")[:90])
        print("   answer:", answers.get(row["id"], {}).get("answer", "")[:260].replace("\n", " / "))
    return 0


def compare(new: str, old: str) -> int:
    _, new_rows = verdicts(new)
    _, old_rows = verdicts(old)
    before = {r["id"]: r for r in old_rows}
    both = [(r, before[r["id"]]) for r in new_rows if r["id"] in before]
    lost = [n for n, o in both if o["correct"] and not n["correct"]]
    gained = [n for n, o in both if n["correct"] and not o["correct"]]
    wrong = [n for n, o in both if n["wrong_figure"] and not o["wrong_figure"]]
    print(f"{len(both)} questions in both: {len(lost)} lost, {len(gained)} gained, {len(wrong)} newly wrong figures")
    for row in lost + [w for w in wrong if w not in lost]:
        print(f"  {'lost' if row in lost else 'wrong'} {row['id']}: {row.get('answer', '')[:150]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    a = commands.add_parser("answer", help="answer the dev questions of some reports")
    a.add_argument("name")
    a.add_argument("reports", nargs="+", help="report ids, or dev for every dev report")
    s = commands.add_parser("summary", help="per-report scores of a study run")
    s.add_argument("name")
    f = commands.add_parser("failures", help="the questions a study run got wrong")
    f.add_argument("name")
    f.add_argument("--kinds", default="wrong,fa,miss", help="wrong (a wrong figure), fa (false abstention), miss")
    f.add_argument("--report", default="", help="only this report")
    c = commands.add_parser("compare", help="a study run against an earlier one")
    c.add_argument("new")
    c.add_argument("old")
    args = parser.parse_args(argv)
    if args.command == "answer":
        return answer(args.name, args.reports)
    if args.command == "summary":
        return summary(args.name)
    if args.command == "failures":
        return failures(args.name, set(args.kinds.split(",")), args.report)
    return compare(args.new, args.old)


if __name__ == "__main__":
    raise SystemExit(main())
