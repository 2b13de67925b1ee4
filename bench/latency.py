"""Answer latency per mode: how long a user waits, and how often the local model is asked.

    python -m bench.latency [--sets shared,dev] [--modes extractive,llm-local,llm-local-rephrase]
                            [--sample N] [--limit N] [--threads N]

Over the evaluation corpus store of `bench.eval` (`var/eval/store-corpus`, built or refreshed first: every
corpus report under its id), one process, one Assistant per mode, the local model loaded once and shared:
- `shared`: `$SHARED_DIR/eval/dev.jsonl` on the bundled report; `dev`: the corpus dev split (every N-th
  question with `--sample N`). Each question is asked of its own report, as a user who chose it in the page.
- `extractive`: no model; `llm-local`: the product (the model answers only where the extractive step is not
  sure); `llm-local-rephrase`: the model also rephrases every sure answer (the policy before, for comparison).

Prints one row per set and mode: questions, p50 / p95 / max of the end-to-end answer time, how many questions
the model was asked (and retried), how many answers it wrote, and the load average before and after: the
machine's 2 cores are shared, so a latency measured under load is pessimistic. Targets: p50 <= 4 s,
p95 <= 8 s with LLM_THREADS=1. Never a test assertion: this script only measures.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench.common import PROJECT_ROOT, RESULTS_DIR, bench_env, percentile, save_table, table

log = logging.getLogger(__name__)

MODES = ("extractive", "llm-local", "llm-local-rephrase")
SETS = ("shared", "dev")
HEADERS = ("set", "mode", "questions", "p50 s", "p95 s", "max s", "model asked", "retries", "model answered",
           "threads", "load before", "load after")
SPLIT_HEADERS = ("set", "mode", "consultations", "reading p50 s", "writing p50 s", "retry p50 s", "reading s",
                 "writing s", "retry s", "outside the model s", "retries served", "retries skipped", "retries given up")


def question_sets(wanted: Sequence[str], sample: int, limit: int | None) -> dict[str, list[dict]]:
    """The chosen sets' questions (dev questions only: test questions are never run here)."""
    from bench.eval import build_sets, corpus_reports

    names = {"shared": "shared-dev", "dev": "corpus-dev"}
    sets, _ = build_sets(corpus_reports(), [w for w in wanted if w in names], (), None)
    out: dict[str, list[dict]] = {}
    for qset in sets:
        if qset.name not in (names[w] for w in wanted) or not qset.dev:
            continue
        questions = qset.questions[::sample] if qset.name == "corpus-dev" and sample > 1 else qset.questions
        out[qset.name] = questions[:limit] if limit else questions
    return out


def build(threads: int):
    """The corpus store (refreshed by bench.eval's ingest) and one llm-local chat model, loaded once."""
    from bench.eval import CORPUS_STORE, corpus_reports, ingest

    os.environ.update(bench_env(CHROMA_PATH=str(CORPUS_STORE), LLM_THREADS=str(threads)))
    print(f"refreshing {CORPUS_STORE.relative_to(PROJECT_ROOT)}", file=sys.stderr, flush=True)
    ingest(corpus_reports(), CORPUS_STORE, fresh=False)
    from app.settings import load_settings
    from ingest.__main__ import open_store

    settings = load_settings(chroma_path=CORPUS_STORE, llm_threads=threads)
    return settings, open_store(settings)


def run_mode(mode: str, questions: list[dict], settings, store, models: dict) -> tuple[list[float], Counter, list]:
    """Ask every question in one mode; returns the answer times (s), the assistant's event counts and its
    timings of the model (`app.assistant.LLMTiming`, one per consultation)."""
    from app.answer import EXTRACTIVE, LLM_LOCAL
    from app.assistant import Assistant
    from app.errors import AssistantError

    product_mode = EXTRACTIVE if mode == EXTRACTIVE else LLM_LOCAL
    assistant = Assistant(settings, store, chat_models=models, rephrase=mode.endswith("rephrase"))
    assistant.ask("测试", mode=EXTRACTIVE)  # the first question builds the indexes
    if product_mode == LLM_LOCAL and models:
        assistant.prime(models[LLM_LOCAL])  # as Assistant.warm_up does at start-up
    times: list[float] = []
    for q in questions:
        log.debug("== %s %s", q["id"], q["question"])
        consulted = len(assistant.timings)
        started = time.perf_counter()
        try:
            assistant.ask(q["question"], q.get("history"), q.get("report"), product_mode)
        except AssistantError as exc:
            print(f"  {q['id']}: {exc}", file=sys.stderr)
        times.append(time.perf_counter() - started)
        if len(assistant.timings) > consulted:  # where this question's time went, for the log
            t = assistant.timings[-1]
            print(f"  {q['id']}: {times[-1]:.1f} s (reading {t.first_s:.1f}, writing {t.writing_s:.1f}, "
                  f"retry {t.retry_s:.1f})", file=sys.stderr, flush=True)
    return times, assistant.events, assistant.timings


def time_split(name: str, mode: str, times: Sequence[float], timings: Sequence, events: Counter) -> tuple:
    """Where the time went: the model reading its prompt (until the first piece of its reply), writing the reply,
    the retry after a reply that failed its checks (p50 over the consultations that had one; totals in s), and the
    time spent outside the model (retrieval, lookup, checks)."""
    reading = [t.first_s for t in timings]
    writing = [t.writing_s for t in timings]
    retries = [t.retry_s for t in timings if t.retry_s]
    model = sum(reading) + sum(writing) + sum(retries)

    def p50(values: Sequence[float]) -> object:
        return round(percentile(values, 50), 2) if values else "-"

    return (name, mode, len(timings), p50(reading), p50(writing), p50(retries), round(sum(reading), 1),
            round(sum(writing), 1), round(sum(retries), 1), round(sum(times) - model, 1), events["llm_retry_served"],
            events["llm_retry_skipped"], events["llm_retry_timeout"])


def main(argv: list[str] | None = None) -> int:
    """CLI."""
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: shared, dev")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    parser.add_argument("--sample", type=int, default=3, help="every N-th corpus dev question (default 3)")
    parser.add_argument("--limit", type=int, help="at most N questions per set")
    parser.add_argument("--log", help="write each question and the model's replies (debug log of app.assistant) here")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("LLM_THREADS") or 1),
                        help="llama.cpp threads (default LLM_THREADS or 1)")
    args = parser.parse_args(argv)
    if args.log:
        handler = logging.FileHandler(args.log, mode="w", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        for name in ("app.assistant", __name__):
            logging.getLogger(name).addHandler(handler)
            logging.getLogger(name).setLevel(logging.DEBUG)
    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        print(f"unknown mode {unknown[0]!r} (known: {', '.join(MODES)})", file=sys.stderr)
        return 1
    sets = question_sets([s for s in args.sets.split(",") if s], args.sample, args.limit)
    settings, store = build(args.threads)
    models: dict = {}
    if any(m != "extractive" for m in modes):
        from app.llm import build_chat_model

        started = time.perf_counter()
        models["llm-local"] = build_chat_model(settings, "llm-local")
        print(f"local model loaded in {time.perf_counter() - started:.1f} s ({args.threads} threads)",
              file=sys.stderr, flush=True)
    rows, splits = [], []
    for name, questions in sets.items():
        for mode in modes:
            before = os.getloadavg()[0]
            times, events, timings = run_mode(mode, questions, settings, store, models)
            splits.append(time_split(name, mode, times, timings, events))
            after = os.getloadavg()[0]
            rows.append((name, mode, len(times), round(percentile(times, 50), 2), round(percentile(times, 95), 2),
                         round(max(times, default=0.0), 2), events["llm_asked"], events["llm_retry"],
                         events["llm_answered"], args.threads if mode != "extractive" else "-", round(before, 2),
                         round(after, 2)))
            print(f"  {name} {mode}: p50 {rows[-1][3]} s, p95 {rows[-1][4]} s, {dict(events)}", file=sys.stderr,
                  flush=True)
    text = (f"Answer latency, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores\n"
            + table(HEADERS, rows) + "\n\nWhere the time went\n" + table(SPLIT_HEADERS, splits))
    print(text)
    save_table("latency", text)
    print(f"(saved in {Path(RESULTS_DIR, 'latency.md').relative_to(PROJECT_ROOT)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
