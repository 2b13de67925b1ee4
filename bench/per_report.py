"""The scorer's summary per report of one answer file: where a set's accuracy comes from.

    python -m bench.per_report var/eval/extractive/corpus-dev.gold.jsonl var/eval/extractive/corpus-dev.answers.jsonl
    python -m bench.per_report GOLD ANSWERS --reports a-report,another-report   # only these (a study or check half)

Questions are grouped by their "report" field; each group is scored by the shared scorer (`score.py --json`), so the
numbers are exactly the ones `make eval` prints, only split. The last line sums the chosen reports.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.common import SCORER

COLUMNS = ("questions", "accuracy", "false_abstentions", "answers_with_wrong_figures")


def score(gold: list[str], answers: list[str], text: Path, folder: Path, name: str) -> dict:
    g, a = folder / f"{name}.gold.jsonl", folder / f"{name}.answers.jsonl"
    g.write_text("".join(gold), encoding="utf-8")
    a.write_text("".join(answers), encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCORER), str(g), str(a), "--report", str(text), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("answers", type=Path)
    parser.add_argument("--text", type=Path, default=None,
                        help="the reports' text for the grounding check (default: GOLD's .report.txt beside it)")
    parser.add_argument("--reports", default="", help="comma-separated report ids (default: every report)")
    args = parser.parse_args(argv)
    text = args.text or args.gold.with_name(args.gold.name.replace(".gold.jsonl", ".report.txt"))
    if not text.is_file():
        print(f"no report text for the grounding check: {text} (give --text)", file=sys.stderr)
        return 2

    answers = {json.loads(line)["id"]: line for line in args.answers.read_text(encoding="utf-8").splitlines(True)
               if line.strip()}
    by_report: dict[str, list[str]] = defaultdict(list)
    for line in args.gold.read_text(encoding="utf-8").splitlines(True):
        if line.strip():
            by_report[json.loads(line).get("report", "")].append(line)
    wanted = [r for r in args.reports.split(",") if r] or sorted(by_report)
    unknown = [r for r in wanted if r not in by_report]
    if unknown:
        print(f"no questions of {', '.join(unknown)} in {args.gold}", file=sys.stderr)
        return 2

    print(f"{'report':58s} {'q':>4s} {'acc':>5s} {'fa':>3s} {'wrong':>5s}")
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for report in wanted:
            gold = by_report[report]
            got = [answers[json.loads(q)["id"]] for q in gold if json.loads(q)["id"] in answers]
            rows.append((report, score(gold, got, text, Path(tmp), report or "unnamed")))
        if len(wanted) > 1:
            gold = [q for r in wanted for q in by_report[r]]
            got = [answers[json.loads(q)["id"]] for q in gold if json.loads(q)["id"] in answers]
            rows.append(("(these reports together)", score(gold, got, text, Path(tmp), "together")))
    for report, s in rows:
        print(f"{report or '(no report field)':58s} {s['questions']:4d} {s['accuracy']:5.2f} "
              f"{s['false_abstentions']:3d} {s['answers_with_wrong_figures']:5d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
