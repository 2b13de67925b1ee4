"""`make eval`: the assistant over the shared dev set, the corpus splits, the variants and a multi-report set.

    python -m bench.eval [--modes extractive,llm-local] [--sets shared,dev,test,variants,multi]
                         [--variants renamed,year,figures,combined] [--limit N] [--sample N] [--fresh]

1. Ingests every corpus report (`bench/corpus/reports.json`, the bundled report included) into one store,
   `var/eval/store-corpus`, and every variant (`bench/variants.py`, written to `var/eval/variants/`) into
   another, `var/eval/store-variants` (a variant beside its original would make questions that name no report
   ambiguous). Each report is ingested under its corpus id; an unchanged report is not re-embedded (the
   store's content hash), a report no longer in the corpus is removed. A report that fails to ingest is
   reported and its questions are answered against a store without it (they abstain or fail: a finding).
2. Runs `python -m app.ask --batch` once per store and mode, over every question of the chosen sets (each
   with its `"report"`, which narrows the answer to that report; the multi-report set without it).
3. Scores each set with the shared scorer (`$SHARED_DIR/eval/score.py --json`), giving it the extracted text
   of the set's reports, and prints one table per mode:
   - `shared-dev`: `$SHARED_DIR/eval/dev.jsonl` on the bundled report;
   - `corpus-dev`, `corpus-test`: every question of the split (the bundled report's by their own split);
   - `multi-dev`, `multi-test`: the questions that name their body (a name of it no other report uses), asked
     with every corpus report loaded and none selected;
   - each variant beside its original's same questions, with the difference and how many questions changed
     their verdict (the same questions must score the same).
Only summary numbers are printed. Per-question verdicts (`var/eval/<mode>/<set>.verdicts.txt`) are written
for dev sets only: test results are not for tuning.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import PROJECT_ROOT, SCORER, SHARED_DIR, bench_env, fmt, load_jsonl, table, write_jsonl

EVAL_DIR = PROJECT_ROOT / "var" / "eval"
CORPUS_STORE = EVAL_DIR / "store-corpus"
VARIANT_STORE = EVAL_DIR / "store-variants"
VARIANTS_DIR = EVAL_DIR / "variants"
SETS = ("shared", "dev", "test", "variants", "multi")
VARIANT_KINDS = ("renamed", "year", "figures", "combined")
MODES = ("extractive", "llm-local", "llm-remote")
SUMMARY_HEADERS = ("set", "questions", "accuracy", "answerable", "numeric_exact", "derived", "abstention",
                   "false_abst", "citation", "ungrounded", "wrong_figs", "p50 ms", "p95 ms")
MIN_NAME_CHARS = 3  # a body name shorter than this (医院, 残联) does not single a report out


@dataclass
class Report:
    """A report to ingest: its id, file, split and the names of its body."""

    id: str
    path: Path
    split: str
    names: tuple[str, ...] = ()
    original: str = ""  # a variant: the report it was made from
    text: str = ""


@dataclass
class QuestionSet:
    """Questions scored together, against the text of the reports they are about."""

    name: str
    questions: list[dict]
    reports: list[str]
    store: str  # corpus | variants
    dev: bool  # per-question verdicts may be written
    original: str = ""  # a variant set: the set of the same questions on the original report
    answers: dict[str, dict] = field(default_factory=dict)


def corpus_reports() -> list[Report]:
    """Every report of reports.json (building cort's generated files first if any is missing)."""
    from bench.corpus.check import load_entries, report_path

    entries = load_entries()
    if any(not report_path(e).is_file() for e in entries):
        build = PROJECT_ROOT / "bench" / "corpus" / "build.py"
        if build.is_file():
            subprocess.run([sys.executable, "-m", "bench.corpus.build"], cwd=PROJECT_ROOT, check=True,
                           env=bench_env())
    reports = []
    for e in entries:
        body = e.get("body", {})
        names = (body.get("full", ""), *body.get("forms", []))
        reports.append(Report(e["id"], report_path(e), e["split"], tuple(n for n in names if n)))
    return reports


def corpus_questions(report_id: str) -> list[dict]:
    """A report's questions (empty when it has none yet)."""
    from bench.corpus.check import QUESTIONS_DIR, load_questions

    path = QUESTIONS_DIR / f"{report_id}.jsonl"
    return load_questions(path) if path.is_file() else []


def question_split(q: dict, report: Report) -> str:
    """The split a question belongs to: its own (bundled report) or its report's."""
    return q.get("split") or report.split


def unique_names(reports: Sequence[Report]) -> dict[str, set[str]]:
    """Per report, the names of its body that no other report's names contain or equal."""
    out: dict[str, set[str]] = {}
    for r in reports:
        others = [n for o in reports if o.id != r.id for n in o.names]
        out[r.id] = {n for n in r.names if len(n) >= MIN_NAME_CHARS and not any(n in o for o in others)}
    return out


def names_its_body(q: dict, names: set[str]) -> bool:
    """The question itself (not only its history) names its report's body."""
    return any(n in q["question"] for n in names)


def multi_question(q: dict, names: set[str]) -> dict | None:
    """A question for the multi-report run: as asked when it names its body, else with the body's name put first.

    Asked with every report loaded and none selected, a question must say which body it is about (or the
    answer must say which report it comes from, which the scorer cannot check): "项目支出占比多少？" becomes
    "南海区教育局项目支出占比多少？". English questions that name no body are left out.
    """
    base = {k: v for k, v in q.items() if k != "report"}
    base["about"] = q["report"]
    if names_its_body(q, names):
        return {**base, "id": f"multi:{q['id']}"}
    if not names or not re.search(r"[\u4e00-\u9fff]", q["question"][:3]):
        return None
    longer = [n for n in names if len(n) >= 5]
    name = min(longer, key=len) if longer else max(names, key=len)
    return {**base, "id": f"multi+:{q['id']}", "question": name + q["question"]}


def sampled(question_id: str, sample: int) -> bool:
    """One question in `sample`, chosen by its id (a variant's copy of a question goes with its original)."""
    base = question_id.split("@")[0].split(":", 1)[-1]
    return sample <= 1 or zlib.crc32(base.encode()) % sample == 0


def build_sets(reports: list[Report], wanted: Iterable[str], variant_kinds: Iterable[str],
               limit: int | None, sample: int = 1) -> tuple[list[QuestionSet], list[Report]]:
    """The question sets to run, and the variant reports they need."""
    wanted = set(wanted)
    by_id = {r.id: r for r in reports}
    sets: list[QuestionSet] = []

    def cut(questions: list[dict]) -> list[dict]:
        kept = [q for q in questions if sampled(q["id"], sample)]
        return kept[:limit] if limit else kept
    bundled = next((r for r in reports if r.split == "mixed"), None)
    shared_dev = SHARED_DIR / "eval" / "dev.jsonl"
    if "shared" in wanted and not shared_dev.is_file():
        print(f"  no shared dev set at {shared_dev} (set SHARED_DIR): shared-dev skipped", file=sys.stderr)
    elif "shared" in wanted and bundled is not None:
        shared = [{**q, "report": bundled.id} for q in load_jsonl(shared_dev)]
        sets.append(QuestionSet("shared-dev", cut(shared), [bundled.id], "corpus", True))
    per_split: dict[str, list[dict]] = {"dev": [], "test": []}
    for r in reports:
        for q in corpus_questions(r.id):
            per_split.setdefault(question_split(q, r), []).append(q)
    for split in ("dev", "test"):
        if split in wanted or "variants" in wanted:
            questions = cut(per_split[split])
            sets.append(QuestionSet(f"corpus-{split}", questions, sorted({q["report"] for q in questions}),
                                    "corpus", split == "dev"))
    if "multi" in wanted:
        names = unique_names(reports)
        for split in ("dev", "test"):
            multi = [multi_question(q, names[q["report"]]) for q in per_split[split]
                     if q["kind"] != "none" and not q.get("history")]
            multi = [q for q in multi if q is not None]
            sets.append(QuestionSet(f"multi-{split}", cut(multi), [r.id for r in reports], "corpus", split == "dev"))
    variant_reports: list[Report] = []
    if "variants" in wanted:
        from bench.variants import generate_all, write

        kinds = tuple(variant_kinds)
        variants = [v for v in generate_all() if v.name.split("-")[0] in kinds]
        paths = write(variants, VARIANTS_DIR)
        for v, path in zip(variants, paths):
            original = by_id[v.original]
            variant_reports.append(Report(v.report_id, path, original.split, original=v.original))
            questions = cut(v.questions)
            is_dev = all(question_split(q, original) == "dev" for q in questions)
            sets.append(QuestionSet(f"variant {v.original} {v.name}", questions, [v.report_id], "variants",
                                    is_dev, original=v.original))
    return sets, variant_reports


def ingest(reports: list[Report], store_dir: Path, fresh: bool) -> dict[str, dict]:
    """Ingest reports into a store (unchanged ones are kept); returns per report its summary or its error."""
    if fresh and store_dir.exists():
        import shutil

        shutil.rmtree(store_dir)
    os.environ.update(bench_env(CHROMA_PATH=str(store_dir)))
    from app.settings import load_settings
    from ingest.__main__ import open_store
    from ingest.pipeline import ingest_file

    settings = load_settings(chroma_path=store_dir)
    store = open_store(settings)
    wanted = {r.id for r in reports}
    for info in store.reports():
        if info.id not in wanted:
            store.remove_report(info.id)
    results: dict[str, dict] = {}
    for r in reports:
        started = time.perf_counter()
        try:
            summary = ingest_file(r.path, store, r.id, settings.chunk_size, settings.chunk_overlap)
        except Exception as exc:  # a report the assistant cannot ingest is a finding, not the end of the run
            results[r.id] = {"error": f"{type(exc).__name__}: {exc}"}
            print(f"  ingest FAILED {r.id}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            continue
        info = summary.report
        results[r.id] = {"title": info.title, "year": info.year, "chunks": info.chunks, "figures": info.figures,
                         "tables": info.tables, "coverage": info.coverage, "body": getattr(info, "body", ""),
                         "changed": summary.changed, "seconds": round(time.perf_counter() - started, 1)}
    return results


def report_texts(reports: Iterable[Report]) -> None:
    """Fill each report's extracted text (what the scorer checks numbers against)."""
    from ingest.load import ReportLoadError, load_report

    for r in reports:
        try:
            r.text = load_report(r.path).text
        except ReportLoadError as exc:
            r.text = ""
            print(f"  cannot read {r.id}: {exc}", file=sys.stderr)


def answer(questions: list[dict], store_dir: Path, mode: str, out: Path) -> None:
    """Answer questions with the product's own batch command against one store."""
    batch = out.with_suffix(".questions.jsonl")
    write_jsonl(batch, [{k: v for k, v in q.items() if k in ("id", "question", "history", "report")}
                        for q in questions])
    env = bench_env(CHROMA_PATH=str(store_dir))
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "app.ask", "--mode", mode, "--batch", str(batch), "--out", str(out)],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    tail = proc.stderr.strip().splitlines()[-1:] if proc.stderr.strip() else []
    print(f"  {mode}: {len(questions)} questions in {time.perf_counter() - started:.0f} s "
          f"(exit {proc.returncode}{'; ' + tail[0] if tail else ''})", file=sys.stderr, flush=True)
    if not out.is_file():
        raise RuntimeError(f"app.ask wrote no answers:\n{proc.stderr[-3000:]}")


def score(qset: QuestionSet, answers: dict[str, dict], texts: dict[str, str], work: Path,
          verdicts: Path | None = None) -> dict:
    """The shared scorer's summary for one set (and its per-question verdicts for a dev set)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", qset.name)
    gold, records, report = work / f"{safe}.gold.jsonl", work / f"{safe}.answers.jsonl", work / f"{safe}.report.txt"
    write_jsonl(gold, qset.questions)
    write_jsonl(records, [answers[q["id"]] for q in qset.questions if q["id"] in answers])
    report.write_text("\n\n".join(texts.get(r, "") for r in qset.reports), encoding="utf-8")
    summary = run_scorer(gold, records, report)
    if verdicts is not None:
        proc = subprocess.run([sys.executable, str(SCORER), str(gold), str(records), "--report", str(report)],
                              capture_output=True, text=True)
        verdicts.write_text(proc.stdout, encoding="utf-8")
    return summary


def run_scorer(gold: Path, answers: Path, report: Path) -> dict:
    """The shared scorer's JSON summary."""
    proc = subprocess.run([sys.executable, str(SCORER), str(gold), str(answers), "--report", str(report), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def verdicts_by_id(qset: QuestionSet, answers: dict[str, dict], texts: dict[str, str], work: Path) -> dict[str, bool]:
    """Per question of a set: correct or not (for comparing a variant with its original)."""
    sys.path.insert(0, str(SCORER.parent))
    import score as shared_score  # the shared scorer's own function, standard library only

    report = "\n\n".join(texts.get(r, "") for r in qset.reports)
    present = [answers[q["id"]] for q in qset.questions if q["id"] in answers]
    _, rows = shared_score.score(qset.questions, present, report)
    return {r["id"]: r["correct"] for r in rows}


def summary_row(name: str, s: dict) -> tuple:
    return (name, s["questions"], s["accuracy"], s["answerable_accuracy"], s["numeric_exact"], s["derived_accuracy"],
            s["abstention_accuracy"], s["false_abstentions"], s["citation_rate"], s["answers_with_ungrounded_numbers"],
            s["answers_with_wrong_figures"], s["latency_ms_p50"], s["latency_ms_p95"])


def run(modes: Sequence[str], wanted: Sequence[str], variant_kinds: Sequence[str], limit: int | None = None,
        fresh: bool = False, sample: int = 1) -> dict:
    """Ingest, answer, score; prints the tables; returns every summary."""
    reports = corpus_reports()
    sets, variant_reports = build_sets(reports, wanted, variant_kinds, limit, sample)
    print(f"ingesting {len(reports)} corpus reports into {CORPUS_STORE.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    ingested = ingest(reports, CORPUS_STORE, fresh)
    if variant_reports:
        print(f"ingesting {len(variant_reports)} variants into {VARIANT_STORE.relative_to(PROJECT_ROOT)}",
              file=sys.stderr)
        ingested.update(ingest(variant_reports, VARIANT_STORE, fresh))
    report_texts([*reports, *variant_reports])
    texts = {r.id: r.text for r in [*reports, *variant_reports]}
    print(ingest_table(ingested), flush=True)
    results: dict = {"ingest": ingested, "modes": {}}
    for mode in modes:
        work = EVAL_DIR / mode
        work.mkdir(parents=True, exist_ok=True)
        answers: dict[str, dict] = {}
        for store, store_dir in (("corpus", CORPUS_STORE), ("variants", VARIANT_STORE)):
            questions = [q for s in sets if s.store == store for q in s.questions]
            if not questions:
                continue
            unique = list({q["id"]: q for q in questions}.values())
            out = work / f"answers-{store}.jsonl"
            answer(unique, store_dir, mode, out)
            answers.update({a["id"]: a for a in load_jsonl(out)})
        results["modes"][mode] = print_mode(mode, sets, answers, texts, work)
    (EVAL_DIR / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def ingest_table(ingested: dict[str, dict]) -> str:
    """One row per ingested report: what ingest made of it (or its error)."""
    rows = []
    for rid, r in ingested.items():
        if "error" in r:
            rows.append((rid, "FAILED", "-", "-", "-", "-", "-", r["error"][:60]))
        else:
            rows.append((rid, r["year"], r["chunks"], r["figures"], r["tables"], r["coverage"],
                         "re-ingested" if r["changed"] else "unchanged", r["title"][:40]))
    return "Ingest\n" + table(("report", "year", "chunks", "figures", "tables", "coverage", "state", "title"), rows)


def print_mode(mode: str, sets: list[QuestionSet], answers: dict[str, dict], texts: dict[str, str],
               work: Path) -> dict:
    """Score and print every set of one mode; returns the summaries."""
    summaries: dict[str, dict] = {}
    rows = []
    for qset in sets:
        if qset.store != "corpus":
            continue
        verdicts = work / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', qset.name)}.verdicts.txt" if qset.dev else None
        summaries[qset.name] = s = score(qset, answers, texts, work, verdicts)
        rows.append(summary_row(qset.name, s))
    print(f"\n== {mode} ==\n" + table(SUMMARY_HEADERS, rows), flush=True)
    variant_sets = [s for s in sets if s.store == "variants"]
    if variant_sets:
        print(variant_table(variant_sets, sets, answers, texts, work, summaries), flush=True)
    return summaries


def variant_table(variant_sets: list[QuestionSet], sets: list[QuestionSet], answers: dict[str, dict],
                  texts: dict[str, str], work: Path, summaries: dict[str, dict]) -> str:
    """Each variant beside the same questions on its original: accuracy, wrong figures, the difference."""
    pool = {q["id"]: q for s in sets if s.store == "corpus" and s.name.startswith("corpus-") for q in s.questions}
    rows = []
    for vset in variant_sets:
        original_ids = [q["id"].split("@")[0] for q in vset.questions]
        original = QuestionSet(f"original {vset.original}", [pool[i] for i in original_ids if i in pool],
                               [vset.original], "corpus", False)
        s_var = score(vset, answers, texts, work)
        s_orig = score(original, answers, texts, work)
        summaries[vset.name] = s_var
        summaries[f"{vset.name} (original)"] = s_orig
        v_ok = verdicts_by_id(vset, answers, texts, work)
        o_ok = verdicts_by_id(original, answers, texts, work)
        changed = sum(1 for q in vset.questions if v_ok.get(q["id"]) != o_ok.get(q["id"].split("@")[0]))
        delta = None if s_var["accuracy"] is None or s_orig["accuracy"] is None else round(
            s_var["accuracy"] - s_orig["accuracy"], 4)
        rows.append((vset.name.removeprefix("variant "), s_var["questions"], s_var["accuracy"], s_orig["accuracy"],
                     delta, changed, s_var["answers_with_wrong_figures"], s_orig["answers_with_wrong_figures"],
                     s_var["false_abstentions"], s_orig["false_abstentions"]))
        dev_questions = [q for q in vset.questions if q.get("split", "dev" if vset.dev else "test") == "dev"]
        if dev_questions:  # which dev questions changed their verdict (test questions are not listed)
            lines = [f"{q['id']}: variant {'ok' if v_ok.get(q['id']) else 'WRONG'}, original "
                     f"{'ok' if o_ok.get(q['id'].split('@')[0]) else 'WRONG'} :: {q['question']}"
                     for q in dev_questions if v_ok.get(q["id"]) != o_ok.get(q["id"].split("@")[0])]
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", vset.name)
            (work / f"{safe}.changed.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    headers = ("variant", "questions", "accuracy", "original", "Δ", "changed", "wrong (var)", "wrong (orig)",
               "false abst (var)", "false abst (orig)")
    return "\nVariants (the same questions on the original report; Δ and changed verdicts should be 0)\n" + table(
        headers, rows)


def main(argv: list[str] | None = None) -> int:
    """CLI."""
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default=os.environ.get("MODES") or os.environ.get("MODE") or "extractive",
                        help="comma-separated answer modes (extractive, llm-local, llm-remote)")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ", ".join(SETS))
    parser.add_argument("--variants", default=os.environ.get("VARIANTS") or ",".join(VARIANT_KINDS),
                        help="variant kinds: " + ", ".join(VARIANT_KINDS))
    parser.add_argument("--limit", type=int, help="only the first N questions of each set (smoke runs)")
    parser.add_argument("--sample", type=int, default=int(os.environ.get("SAMPLE") or 1),
                        help="one question in N of every set, chosen by id (the LLM modes take seconds a question)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the eval stores from nothing")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    bad = [m for m in modes if m not in MODES]
    if bad:
        parser.error(f"unknown mode {', '.join(bad)}")
    wanted = [s for s in args.sets.split(",") if s]
    if any(s not in SETS for s in wanted):
        parser.error(f"--sets takes {', '.join(SETS)}")
    run(modes, wanted, [k for k in args.variants.split(",") if k], args.limit, args.fresh, args.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())
