"""Growth: ingest time, store size, query latency and serving memory with 1, 10, 100 distinct reports."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (BUILTIN_REPORT, DEV_SET, RESULTS_DIR, bench_env, du_mb, load_jsonl, percentile, rss_mb,
                          run_child, save_table, table, vary_report)

HEADERS = ("reports", "chunks", "ingest s (batch)", "s / report", "store MB", "startup s", "query p50 ms",
           "query p95 ms", "query CPU p50 ms", "one report asked: p50 ms", "p95 ms", "server RSS MB")
QUESTIONS = 20


def query_child(n_questions: int = QUESTIONS) -> dict:
    """In a fresh process (as the server would): build the assistant over the store, time extractive questions."""
    started = time.perf_counter()
    from app.assistant import build_assistant
    from app.settings import load_settings

    assistant = build_assistant(load_settings(answer_mode="extractive"))
    assistant.ask("测试", mode="extractive")  # warm-up builds BM25, figures and sentence indexes
    startup = time.perf_counter() - started
    questions = [item["question"] for item in load_jsonl(DEV_SET)[:n_questions]]
    cpu: list[float] = []  # CPU time: what the question costs, whatever else loads the machine
    everything = time_questions(assistant, questions, None, cpu)
    one = time_questions(assistant, questions, sorted(assistant.retriever.knowledge().reports)[0])
    knowledge = assistant.retriever.knowledge()
    return {"startup_s": round(startup, 2), "p50": percentile(everything, 50), "p95": percentile(everything, 95),
            "cpu_p50": percentile(cpu, 50), "one_p50": percentile(one, 50), "one_p95": percentile(one, 95), "rss_mb": round(rss_mb()),
            "chunks": len(knowledge.chunks), "reports": len(knowledge.reports)}


def time_questions(assistant, questions: list[str], report: str | None,
                   cpu: list[float] | None = None) -> list[float]:
    """Milliseconds per extractive answer, asking all reports (None) or one; CPU milliseconds into `cpu`."""
    latencies = []
    for question in questions:
        t0, c0 = time.perf_counter(), time.process_time()
        assistant.ask(question, None, report, "extractive")
        latencies.append((time.perf_counter() - t0) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c0) * 1000)
    return latencies


def run(sizes: list[int], keep: Path | None = None) -> list[dict]:
    """Grow one store through the given report counts, measuring after each step; print the table.

    `keep`: grow the store in this folder and keep it (reports it already holds are not ingested again), so a
    100-report store is built once and measured again later.
    """
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp:
        results = grow_and_measure(sizes, keep or Path(tmp))
    rows = [(r["reports"], r["chunks"], r["ingest_s"], r["per_report_s"], r["store_mb"], r["startup_s"], r["p50"],
             r["p95"], r["cpu_p50"], r["one_p50"], r["one_p95"], r["rss_mb"]) for r in results]
    notes = []
    if max(sizes) < 100 and results and results[-1]["per_report_s"]:
        last = results[-1]
        per = last["per_report_s"]
        mb_per = last["store_mb"] / last["reports"]
        notes.append(f"EXTRAPOLATED, not measured: 100 reports would take about {per * 100 / 60:.0f} min to ingest "
                     f"at the measured {per:.1f} s/report and use about {mb_per * 100:.0f} MB of store "
                     f"({mb_per:.1f} MB/report); run with --sizes 1,10,100 to measure.")
    text = (f"Growth (distinct generated reports in one store; {QUESTIONS} dev questions over all reports, then "
            "asking one report; extractive; startup/latency/RSS measured in a fresh process as the server would run; "
            "ingest s '-' where the kept store already held the reports)\n"
            + table(HEADERS, rows) + ("\n" + "\n".join(notes) if notes else ""))
    print(text, flush=True)
    save_table("growth", text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "growth.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


def grow_and_measure(sizes: list[int], folder: Path) -> list[dict]:
    """Ingest generated reports into `folder` up to each size (skipping those it holds) and measure each step."""
    from app.settings import load_settings
    from ingest.__main__ import open_store
    from ingest.pipeline import ingest_file

    base = BUILTIN_REPORT.read_text(encoding="utf-8")
    chroma, data = folder / "chroma", folder / "data"
    env = bench_env(DATA_DIR=str(data), CHROMA_PATH=str(chroma))
    settings = load_settings(chroma_path=chroma, data_dir=data)
    store = open_store(settings)
    held = {r.id for r in store.reports()}
    results, have = [], 0
    for size in sorted(sizes):
        if size < len(held):
            print(f"  skipping {size} reports: the kept store already holds {len(held)}", file=sys.stderr, flush=True)
            continue
        started, added = time.perf_counter(), 0
        for n in range(have, size):
            path = folder / f"generated-report-{n:03d}.txt"
            if path.stem in held:
                continue
            path.write_text(vary_report(base, n), encoding="utf-8")
            ingest_file(path, store, None, settings.chunk_size, settings.chunk_overlap)
            added += 1
            print(f"  ingested {n + 1}/{max(sizes)}", file=sys.stderr, flush=True)
        batch_s = time.perf_counter() - started
        have = size
        q = run_child(["-m", "bench.growth", "--query-child"], env)
        results.append({"reports": size, "chunks": q["chunks"], "ingest_s": round(batch_s, 1) if added else None,
                        "per_report_s": round(batch_s / added, 2) if added else None,
                        "store_mb": round(du_mb(chroma), 1), **q})
    return results


def main(argv: list[str] | None = None) -> int:
    """CLI: python -m bench.growth [--sizes 1,10,100] [--keep DIR]."""
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__)
    parser.add_argument("--sizes", default="1,10", help="report counts to measure at (default 1,10; "
                                                        "1,10,100 takes ~8-15 s per report)")
    parser.add_argument("--keep", type=Path, help="grow the store in this folder and keep it; reports it already "
                                                   "holds are not ingested again")
    parser.add_argument("--query-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.query_child:
        print(json.dumps(query_child()))
        return 0
    run([int(n) for n in args.sizes.split(",") if n], args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
