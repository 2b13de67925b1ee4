"""Orchestration only: report file -> load -> clean -> outline -> chunk + figures -> store."""
from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from ingest.audit import Finding, audit_figures, repeated_passages
from ingest.chunk import chunk_paragraphs, coverage, uncovered_spans
from ingest.clean import CleanedText, clean_document
from ingest.figures import (FIGURE_CLASS, UNCLASSIFIED, Figure, census_counts, extract_figures,
                            number_census)
from ingest.load import load_report
from ingest.outline import count_sections, outline_paragraphs
from ingest.profile import report_profile
from ingest.report import Chunk, Paragraph, ReportInfo
from ingest.table_figures import extract_table_figures

PIPELINE_VERSION = "21"  # bump when cleaning/chunking/extraction changes, so re-ingest rebuilds
MAX_LISTED_UNCLASSIFIED = 200


@dataclass(frozen=True)
class PreparedReport:
    """Everything ingest derives from one report file, before it is stored."""

    info: ReportInfo
    cleaned: CleanedText
    paragraphs: list[Paragraph]
    chunks: list[Chunk]
    figures: list[Figure]
    audit: tuple[Finding, ...] = ()  # the figures audit (ingest/audit.py), kept with the report
    warnings: tuple[str, ...] = ()  # what the reader could not do (a table kept as text ...), one line each


class IngestInvariantError(Exception):
    """An ingest that would keep less than it read (0 chunks of a report with text, coverage below 100%).

    A bug of ingest, never of the report: the store is left as it was and the CLI says so in one line.
    """


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest did, for the closing summary."""

    report: ReportInfo
    duplicate_chars_removed: int
    seconds: float
    changed: bool  # False: the store already held this exact report, nothing was written
    audit: tuple[Finding, ...] = ()  # the figures audit kept with it
    warnings: tuple[str, ...] = ()  # the reader's warnings, one line each

    def line(self) -> str:
        """One line for people."""
        state = "ingested" if self.changed else "unchanged, nothing written"
        return summary_line(self.report, state, self.duplicate_chars_removed, self.seconds)


def summary_line(r: ReportInfo, state: str, duplicate_chars_removed: int, seconds: float | None = None) -> str:
    """The one-line summary of a report: what was read, and every number of it by class."""
    classes = json.loads(r.numbers) if r.numbers else {}
    others = ", ".join(f"{n} {cls}" for cls, n in classes.items() if cls not in (FIGURE_CLASS, UNCLASSIFIED))
    timing = f" | {seconds:.1f} s" if seconds is not None else ""
    return (f"{r.id}: {state} | {r.title} | year {r.year or '?'} | {r.body or 'body ?'} | {r.chars} chars, "
            f"{r.sections} sections, {r.chunks} chunks, {r.tables} tables, {r.cells} cells, {r.figures} figures, "
            f"coverage {r.coverage:.1%} | numbers: {classes.get(FIGURE_CLASS, 0)} in figures"
            f"{', ' + others if others else ''}; {r.unclassified} unclassified | "
            f"{duplicate_chars_removed} duplicate chars removed{timing}")


def report_id_for(path: Path) -> str:
    """A stable id from the file name: ASCII slug of the stem, or a short hash for a non-ASCII name."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if len(re.sub(r"[^a-z]", "", slug)) >= 3:
        return slug[:60].strip("-")
    return "r-" + hashlib.sha1(path.stem.encode()).hexdigest()[:10]


def prepare_report(path: str | Path, report_id: str | None = None, chunk_size: int = 250,
                   chunk_overlap: int = 60, stage: Callable[[str], None] | None = None) -> PreparedReport:
    """Load and derive everything from a report file (no store involved); `stage` hears each step's name."""
    path = Path(path)
    stage = stage or (lambda name: None)
    stage("load")
    loaded = load_report(path)
    stage("clean")
    cleaned = clean_document(list(loaded.blocks))
    report_id = report_id or report_id_for(path)
    paragraphs = outline_paragraphs(cleaned.text, cleaned.tables)
    chunks = chunk_paragraphs(paragraphs, cleaned.text, report_id, chunk_size, chunk_overlap)
    stage("figures")
    profile = report_profile(paragraphs, fallback_title=path.stem)
    title = profile.title
    if cleaned.original and any(p.is_title for p in paragraphs):  # the title as the report writes it
        title = "".join(cleaned.original_span(p.start, p.end) for p in paragraphs if p.is_title).strip()
    cell_figures = extract_table_figures(cleaned.tables, paragraphs, report_id, profile.year)
    prose_figures = extract_figures(paragraphs, report_id, profile.year, cleaned.original)
    figures = sorted(prose_figures + cell_figures, key=lambda f: (f.start, f.end))
    if cleaned.original:
        chunks = [replace(c, original=cleaned.original_span(c.start, c.end)) for c in chunks]
    census = number_census(paragraphs, figures, cleaned.text, cleaned.tables)
    unclassified = [u for u in census if u.cls == UNCLASSIFIED]
    content_hash = hashlib.sha256(
        f"{PIPELINE_VERSION}|{chunk_size}|{chunk_overlap}|{title}|{cleaned.text}".encode()).hexdigest()[:32]
    info = ReportInfo(
        id=report_id, title=title, year=profile.year, source=path.name, body=profile.body,
        aliases=profile.aliases_text,
        chars=len(cleaned.text), sections=count_sections(paragraphs), chunks=len(chunks), figures=len(figures),
        content_hash=content_hash, tables=len(cleaned.tables),
        cells=len({(f.table, f.extra.get("row_index"), f.extra.get("col_index")) for f in cell_figures}),
        format=loaded.format, coverage=coverage(paragraphs, chunks, cleaned.text),
        numbers=json.dumps(census_counts(census), ensure_ascii=False), unclassified=len(unclassified),
        unclassified_numbers=json.dumps([[u.text, u.context] for u in unclassified[:MAX_LISTED_UNCLASSIFIED]],
                                        ensure_ascii=False),
        script="traditional" if cleaned.original else "",
    )
    check_invariants(info, cleaned, paragraphs, chunks)
    stage("audit")
    audit = audit_figures(figures, year=info.year, repeated=repeated_passages(cleaned.duplicate_texts, paragraphs),
                          body_names=[n for n in (info.body, *info.aliases.split("|")) if n])
    return PreparedReport(info, cleaned, paragraphs, chunks, figures, tuple(audit), warnings=loaded.warnings)


def check_invariants(info: ReportInfo, cleaned: CleanedText, paragraphs: list[Paragraph],
                     chunks: list[Chunk]) -> None:
    """Raise IngestInvariantError when ingest would keep less than it read: 0 chunks, or a word in no chunk."""
    text = cleaned.text
    if text.strip() and not chunks:
        raise IngestInvariantError(f"{info.source}: {info.chars} characters of text but 0 chunks (an ingest bug; "
                                   "nothing was stored)")
    if info.coverage < 1.0:
        missing = uncovered_spans(paragraphs, chunks, text)
        first = text[missing[0][0]:missing[0][1]][:40] if missing else ""
        raise IngestInvariantError(f"{info.source}: coverage {info.coverage:.2%} < 100%, {len(missing)} passage(s) "
                                   f"in no chunk, first: {first!r} (an ingest bug; nothing was stored)")


def ingest_file(path: str | Path, store, report_id: str | None = None, chunk_size: int = 250,
                chunk_overlap: int = 60, progress: Callable[[int, int], None] | None = None,
                stage: Callable[[str], None] | None = None,
                check: Callable[[PreparedReport], None] | None = None) -> IngestSummary:
    """Ingest one report file into the store, atomically replacing an earlier version of the same report.

    `check(prepared)` may raise to refuse the report before anything is stored (the library's upload checks).
    """
    started = time.perf_counter()
    prepared = prepare_report(path, report_id, chunk_size, chunk_overlap, stage=stage)
    if check:
        check(prepared)
    info = replace(prepared.info, ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    if stage:
        stage("embed")
    changed = store.replace_report(info, prepared.chunks, prepared.figures, progress=progress,
                                   audit=[f.to_dict() for f in prepared.audit])
    stored = store.get_report(info.id)
    return IngestSummary(stored, prepared.cleaned.duplicate_chars_removed, time.perf_counter() - started, changed,
                         prepared.audit, warnings=prepared.warnings)
