"""Ingest time and peak memory: the built-in report and a ~100-page report, each cold in a new process."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (BUILTIN_REPORT, RESULTS_DIR, bench_env, long_report, peak_rss_mb, run_child, save_table,
                          table)

HEADERS = ("report", "chars", "chunks", "figures", "ingest s", "process s", "peak MB")


def child(path: Path) -> dict:
    """In a fresh process: open the configured store, ingest one file, report counts, time and peak RSS."""
    started = time.perf_counter()
    from app.settings import load_settings
    from ingest.__main__ import open_store
    from ingest.pipeline import ingest_file

    settings = load_settings()
    store = open_store(settings)
    summary = ingest_file(path, store, None, settings.chunk_size, settings.chunk_overlap)
    r = summary.report
    return {"report": path.name, "chars": r.chars, "chunks": r.chunks, "figures": r.figures,
            "ingest_s": round(summary.seconds, 2), "process_s": round(time.perf_counter() - started, 2),
            "peak_mb": round(peak_rss_mb(), 1), "duplicate_chars_removed": summary.duplicate_chars_removed}


def run(pages: int = 100) -> list[dict]:
    """Ingest each case into its own fresh tmp store in a new process; print and save the table."""
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        big = Path(tmp) / f"generated-{pages}-pages.txt"
        big.write_text(long_report(pages), encoding="utf-8")
        for name, path in (("built-in", BUILTIN_REPORT), (f"~{pages} pages (varied copies)", big)):
            store = Path(tmp) / f"chroma-{len(results)}"
            env = bench_env(CHROMA_PATH=str(store), DATA_DIR=str(Path(tmp) / "data"))
            started = time.perf_counter()
            row = run_child(["-m", "bench.ingest_bench", "--child", str(path)], env)
            row["wall_s"] = round(time.perf_counter() - started, 2)
            row["name"] = name
            results.append(row)
    rows = [(r["name"], r["chars"], r["chunks"], r["figures"], r["ingest_s"], r["wall_s"], r["peak_mb"])
            for r in results]
    text = ("Ingest, cold (new process, fresh store; 'process s' includes imports and model load)\n"
            + table(HEADERS, rows))
    print(text, flush=True)
    save_table("ingest", text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "ingest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    """CLI: python -m bench.ingest_bench [--pages N]."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_bench", description=__doc__)
    parser.add_argument("--pages", type=int, default=100, help="size of the generated long report")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child), ensure_ascii=False))
        return 0
    run(args.pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
