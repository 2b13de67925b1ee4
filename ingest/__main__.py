"""CLI: python -m ingest [FILE ...] | --check FILE ... | --list | --remove ID | --figures ID [--csv PATH]
[--unclassified] | --audit ID [--csv PATH] | --if-needed."""
from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from pathlib import Path

from app.settings import BUILTIN_REPORTS_DIR, SettingsError, load_settings
from ingest.load import SUPPORTED_SUFFIXES, ReportLoadError
from ingest.pipeline import IngestInvariantError, ingest_file, prepare_report, summary_line

FIGURE_COLUMNS = ("report", "text", "value", "unit", "kind", "qualifier", "relation", "base", "year", "phrase", "clause",
                  "sentence", "section", "table", "row", "column", "start", "end")


def builtin_reports() -> list[Path]:
    """The reports shipped with the product (data/reports)."""
    return sorted(p for p in BUILTIN_REPORTS_DIR.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)


def open_store(settings):
    """The configured store with the configured embedding model."""
    from vectorstore.embeddings import build_embeddings
    from vectorstore.store import ReportStore, open_client

    return ReportStore(open_client(settings), build_embeddings(settings))


def cli(argv: list[str] | None = None) -> int:
    """Run the ingest CLI; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m ingest", description="Ingest performance self-evaluation reports.")
    parser.add_argument("files", nargs="*", type=Path, help="report files (.txt UTF-8/GBK, .pdf, .docx); "
                                                           "none: the built-in report(s)")
    parser.add_argument("--id", dest="report_id", help="report id (default: from the file name); one file only")
    parser.add_argument("--list", action="store_true", help="list the ingested reports")
    parser.add_argument("--remove", metavar="ID", help="remove an ingested report")
    parser.add_argument("--figures", metavar="ID", help="list the figures table of a report")
    parser.add_argument("--audit", metavar="ID", help="the figures audit of a report: what does not add up, what holds")
    parser.add_argument("--csv", metavar="PATH", type=Path, help="with --figures or --audit: write CSV to PATH "
                                                                "('-' = stdout)")
    parser.add_argument("--unclassified", action="store_true", help="with --figures: list the numbers of the text "
                                                                   "that are neither a figure nor of another class")
    parser.add_argument("--check", action="store_true", help="read the FILEs and check them as ingest would "
                                                            "(coverage, numbers by class, unclassified numbers); "
                                                            "nothing is stored, no model is loaded")
    parser.add_argument("--if-needed", action="store_true", help="ingest the built-in report(s) only if the store "
                                                                "holds no report yet")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.check:
        return _check(args.files)
    try:
        settings = load_settings()
        return _run(args, settings)
    except (ReportLoadError, SettingsError, IngestInvariantError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the store's and the models' own errors: one line, not a traceback
        from app.errors import AssistantError
        from vectorstore.embeddings import EmbeddingModelError
        from vectorstore.store import StoreError

        if isinstance(exc, (StoreError, EmbeddingModelError, OSError, AssistantError)):
            print(f"error: {exc}", file=sys.stderr)
            return 1
        raise


def _run(args: argparse.Namespace, settings) -> int:
    store = open_store(settings)
    if args.list:
        reports = store.reports()
        if args.json:
            print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
        elif not reports:
            print("no reports ingested")
        for r in reports if not args.json else []:
            print(f"{r.id}\t{r.year or ''}\t{r.chunks} chunks\t{r.figures} figures\t{r.title}")
        return 0
    if args.remove:
        store.remove_report(args.remove)
        print(f"removed {args.remove}")
        return 0
    if args.figures and args.unclassified:
        return _print_unclassified(store, args.figures)
    if args.figures:
        return _print_figures(store, args.figures, args.csv)
    if args.audit:
        return _print_audit(store, args.audit, args.csv, args.json)
    files = args.files or builtin_reports()
    if args.report_id and len(files) != 1:
        print("error: --id names one report; give exactly one file", file=sys.stderr)
        return 1
    if args.if_needed and not args.files and store.reports():
        print("store already holds reports; nothing to ingest (python -m ingest re-ingests)")
        return 0
    from app.library import ingest_lock  # one ingest at a time, with the server's report library too

    with ingest_lock(settings, on_wait=lambda: print("waiting for another ingest to finish…", file=sys.stderr)):
        for path in files:
            summary = ingest_file(path, store, args.report_id, settings.chunk_size, settings.chunk_overlap,
                                  progress=None if args.quiet else _progress_bar(path.name))
            print(json.dumps({**summary.report.to_dict(), "changed": summary.changed,
                              "duplicate_chars_removed": summary.duplicate_chars_removed,
                              "seconds": round(summary.seconds, 2), "warnings": list(summary.warnings)},
                             ensure_ascii=False) if args.json else summary.line())
            for warning in summary.warnings:
                print(f"warning: {summary.report.id}: {warning}", file=sys.stderr)
    return 0


def _check(files: list[Path]) -> int:
    """Prepare each file as ingest would, print its summary line and its unclassified numbers; store nothing."""
    if not files:
        print("error: --check needs report files", file=sys.stderr)
        return 1
    status = 0
    for path in files:
        try:
            prepared = prepare_report(path)
        except (ReportLoadError, IngestInvariantError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(summary_line(prepared.info, "checked", prepared.cleaned.duplicate_chars_removed))
        for text, context in json.loads(prepared.info.unclassified_numbers or "[]"):
            print(f"  unclassified\t{text}\t{context}")
    return status


def _print_unclassified(store, report_id: str) -> int:
    """The numbers of a report's text that are neither a figure nor of another class (the target is none)."""
    info = store.get_report(report_id)
    listed = json.loads(info.unclassified_numbers or "[]")
    for text, context in listed:
        print(f"{text}\t{context}")
    print(f"{info.unclassified} unclassified number(s) in {report_id}"
          + (f" ({len(listed)} listed)" if len(listed) < info.unclassified else ""))
    return 0


def _print_figures(store, report_id: str, csv_path: Path | None) -> int:
    figures = store.figures(report_id)
    if csv_path is None:
        for f in figures:
            cell = f"\t{f.table}: {f.row} | {f.column}" if f.table else ""  # a table cell: its row and column
            print(f"{f.display}\t{f.kind}\t{f.qualifier}\t{f.phrase}\t{f.section}{cell}")
        return 0
    out = sys.stdout if str(csv_path) == "-" else csv_path.open("w", encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(out)
        writer.writerow(FIGURE_COLUMNS)
        for f in figures:
            writer.writerow([getattr(f, c) for c in FIGURE_COLUMNS])
    finally:
        if out is not sys.stdout:
            out.close()
    if out is not sys.stdout:
        print(f"wrote {len(figures)} figures to {csv_path}")
    return 0


def _print_audit(store, report_id: str, csv_path: Path | None, as_json: bool) -> int:
    """The audit kept with the report: one line per finding, inconsistencies first (or CSV / JSON)."""
    from app.audit_answer import audit_of
    from ingest.audit import SEVERITY_LABELS, findings_csv, severity_counts

    findings = audit_of(store, report_id)
    if as_json:
        print(json.dumps({"report": report_id, "findings": [f.to_dict() for f in findings]}, ensure_ascii=False,
                         indent=2))
        return 0
    if csv_path is not None:
        text = findings_csv(findings)
        if str(csv_path) == "-":
            sys.stdout.write(text)
        else:
            csv_path.write_text(text, encoding="utf-8-sig")
            print(f"wrote {len(findings)} findings to {csv_path}")
        return 0
    for f in findings:
        print(f"{SEVERITY_LABELS[f.severity]}\t{f.kind}\t{f.message}")
    counts = severity_counts(findings)
    print(f"{report_id}: {counts['inconsistent']} inconsistent, {counts['note']} notes, {counts['ok']} ok")
    return 0


def _progress_bar(name: str):
    """A tqdm bar on stderr, fed by the store's (done, total) callback."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=f"embedding {name}", unit="chunk", file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


if __name__ == "__main__":
    sys.exit(cli())
