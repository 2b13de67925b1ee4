"""CLI and batch answering: python -m app.ask "问题" [--json] | --batch IN.jsonl --out OUT.jsonl [--mode M]."""
from __future__ import annotations

import argparse
import json
import os
import logging
import sys
from pathlib import Path

from app.answer import Answer
from app.errors import AssistantError
from app.settings import ANSWER_MODES, SettingsError, load_settings


def format_answer(answer: Answer) -> str:
    """The answer as a person reads it in a terminal: reply, notice, sources, number checks."""
    lines = [answer.answer]
    if answer.notice:
        lines.append(f"（{answer.notice}）")
    for c in answer.citations:
        lines.append(f"  来源：{c.section or '—'}｜{c.report}")
        lines.append(f"    “{c.text}”")
    checked = [f"{n.text}{'✔' if n.verified else '✘'}" for n in answer.numbers]
    if checked:
        lines.append("  数字核验：" + " ".join(checked))
    return "\n".join(lines)


def answer_batch(assistant, in_path: Path, out_path: Path, mode: str | None) -> int:
    """Answer every question of a JSONL file into another; returns how many failed."""
    failures = 0
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with in_path.open(encoding="utf-8") as src, out_path.open("w", encoding="utf-8") as out:
        for line_no, line in enumerate(src, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            try:
                answer = assistant.ask(item["question"], item.get("history"), item.get("report"), mode)
                record = answer.to_record(item.get("id"))
            except AssistantError as exc:
                failures += 1
                record = {"id": item.get("id"), "question": item.get("question"), "error": str(exc),
                          "answer": "", "abstained": True, "citations": [], "numbers": [], "latency_ms": 0}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return failures


def ingest_bundled_if_empty(assistant, settings) -> list[str]:
    """An empty store first gets the bundled report(s), as `make run` does, so a first question on a fresh
    checkout is answered from the report rather than with "no reports"; returns the summary lines (stderr)."""
    if assistant.store.reports():
        return []
    from app.library import ingest_lock
    from ingest.__main__ import builtin_reports
    from ingest.pipeline import ingest_file

    lines = []
    with ingest_lock(settings):
        if assistant.store.reports():  # another process ingested while we waited
            return []
        for path in builtin_reports():
            summary = ingest_file(path, assistant.store, None, settings.chunk_size, settings.chunk_overlap)
            lines.append(f"知识库为空，已先导入内置报告：{summary.line()}")
            print(lines[-1], file=sys.stderr)
    return lines


def cli(argv: list[str] | None = None) -> int:
    """Run the ask CLI; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m app.ask", description="Ask the report assistant.")
    parser.add_argument("question", nargs="?", help="the question")
    parser.add_argument("--json", action="store_true", help="print the answer record as JSON")
    parser.add_argument("--batch", type=Path, metavar="IN.jsonl", help="answer a JSONL file of questions")
    parser.add_argument("--out", type=Path, metavar="OUT.jsonl", help="with --batch: where to write answers")
    parser.add_argument("--mode", choices=ANSWER_MODES, help="answer mode (default: ANSWER_MODE)")
    parser.add_argument("--report", help="ask one report (default: all ingested reports)")
    parser.add_argument("--explain", action="store_true",
                        help="print to stderr how the question was read and why each ranked figure answers or not")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.explain:
        logging.getLogger("app.lookup").setLevel(logging.DEBUG)
    if not args.batch and not args.question:
        parser.error("give a question or --batch IN.jsonl --out OUT.jsonl")
    if args.batch and not args.out:
        parser.error("--batch needs --out")
    try:
        from app.assistant import build_assistant

        settings = load_settings(**({"answer_mode": args.mode} if args.mode else {}))
        assistant = build_assistant(settings)
        ingest_bundled_if_empty(assistant, settings)
        if args.batch:
            if not args.batch.is_file():
                print(f"error: {args.batch}: no such file", file=sys.stderr)
                return 1
            # warm-up: the first question pays for building the indexes
            assistant.ask("测试", mode="extractive")
            failures = answer_batch(assistant, args.batch, args.out, args.mode)
            print(f"wrote {args.out} ({failures} failed)", file=sys.stderr)
            return 1 if failures else 0
        answer = assistant.ask(args.question, report=args.report, mode=args.mode)
        try:
            print(json.dumps(answer.to_record(), ensure_ascii=False, indent=2) if args.json else format_answer(answer),
                  flush=True)
        except BrokenPipeError:  # "python -m app.ask … | head -1": the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (AssistantError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from vectorstore.embeddings import EmbeddingModelError
        from vectorstore.store import StoreError

        if isinstance(exc, (StoreError, EmbeddingModelError)):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(cli())
