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
           "query p95 ms", "server RSS MB")
QUESTIONS = 20


def query_child(n_questions: int = QUESTIONS) -> dict:
    """In a fresh process (as the server would): build the assistant over the store, time extractive questions."""
    started = time.perf_counter()
    from app.assistant import build_assistant
    from app.settings import load_settings

    assistant = build_assistant(load_settings(answer_mode="extractive"))
    assistant.ask("测试", mode="extractive")  # warm-up builds BM25, figures and sentence indexes
    startup = time.perf_counter() - started
    latencies = []
    for item in load_jsonl(DEV_SET)[:n_questions]:
        t0 = time.perf_counter()
        assistant.ask(item["question"], None, None, "extractive")
        latencies.append((time.perf_counter() - t0) * 1000)
    knowledge = assistant.retriever.knowledge()
    return {"startup_s": round(startup, 2), "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "rss_mb": round(rss_mb()), "chunks": len(knowledge.chunks), "reports": len(knowledge.reports)}


def run(sizes: list[int]) -> list[dict]:
    """Grow one fresh store through the given report counts, measuring after each step; print the table."""
    from app.settings import load_settings
    from ingest.__main__ import open_store
    from ingest.pipeline import ingest_file

    base = BUILTIN_REPORT.read_text(encoding="utf-8")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp:
        chroma = Path(tmp) / "chroma"
        env = bench_env(DATA_DIR=str(Path(tmp) / "data"), CHROMA_PATH=str(chroma))
        settings = load_settings(chroma_path=chroma, data_dir=Path(tmp) / "data")
        store = open_store(settings)
        have = 0
        for size in sorted(sizes):
            started = time.perf_counter()
            for n in range(have, size):
                path = Path(tmp) / f"generated-report-{n:03d}.txt"
                path.write_text(vary_report(base, n), encoding="utf-8")
                ingest_file(path, store, None, settings.chunk_size, settings.chunk_overlap)
                print(f"  ingested {n + 1}/{max(sizes)}", file=sys.stderr, flush=True)
            batch_s = time.perf_counter() - started
            added = size - have
            have = size
            q = run_child(["-m", "bench.growth", "--query-child"], env)
            results.append({"reports": size, "chunks": q["chunks"], "ingest_s": round(batch_s, 1),
                            "per_report_s": round(batch_s / max(1, added), 2), "store_mb": round(du_mb(chroma), 1),
                            **q})
    rows = [(r["reports"], r["chunks"], r["ingest_s"], r["per_report_s"], r["store_mb"], r["startup_s"], r["p50"],
             r["p95"], r["rss_mb"]) for r in results]
    notes = []
    if max(sizes) < 100 and results:
        last = results[-1]
        per = last["per_report_s"]
        mb_per = last["store_mb"] / last["reports"]
        notes.append(f"EXTRAPOLATED, not measured: 100 reports would take about {per * 100 / 60:.0f} min to ingest "
                     f"at the measured {per:.1f} s/report and use about {mb_per * 100:.0f} MB of store "
                     f"({mb_per:.1f} MB/report); run with --sizes 1,10,100 to measure.")
    text = (f"Growth (distinct generated reports in one store; {QUESTIONS} dev questions over all reports, "
            "extractive; startup/latency/RSS measured in a fresh process as the server would run)\n"
            + table(HEADERS, rows) + ("\n" + "\n".join(notes) if notes else ""))
    print(text, flush=True)
    save_table("growth", text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "growth.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    """CLI: python -m bench.growth [--sizes 1,10,100]."""
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__)
    parser.add_argument("--sizes", default="1,10", help="report counts to measure at (default 1,10; "
                                                        "1,10,100 takes ~8-15 s per report)")
    parser.add_argument("--query-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.query_child:
        print(json.dumps(query_child()))
        return 0
    run([int(n) for n in args.sizes.split(",") if n])
    return 0


if __name__ == "__main__":
    sys.exit(main())
