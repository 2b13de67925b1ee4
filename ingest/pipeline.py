"""Orchestration only: report file -> load -> clean -> outline -> chunk + figures -> store."""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from app.audit import Finding, audit_figures, repeated_passages
from ingest.chunk import chunk_paragraphs
from ingest.clean import CleanedText, clean_document
from ingest.figures import Figure, extract_figures
from ingest.load import load_report
from ingest.outline import count_sections, outline_paragraphs
from ingest.profile import report_profile
from ingest.report import Chunk, Paragraph, ReportInfo
from ingest.table_figures import extract_table_figures

PIPELINE_VERSION = "5"  # bump when cleaning/chunking/extraction changes, so re-ingest rebuilds


@dataclass(frozen=True)
class PreparedReport:
    """Everything ingest derives from one report file, before it is stored."""

    info: ReportInfo
    cleaned: CleanedText
    paragraphs: list[Paragraph]
    chunks: list[Chunk]
    figures: list[Figure]
    audit: tuple[Finding, ...] = ()  # the figures audit (app/audit.py), kept with the report


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest did, for the closing summary."""

    report: ReportInfo
    duplicate_chars_removed: int
    seconds: float
    changed: bool  # False: the store already held this exact report, nothing was written
    audit: tuple[Finding, ...] = ()  # the figures audit kept with it

    def line(self) -> str:
        """One line for people."""
        r = self.report
        state = "ingested" if self.changed else "unchanged, nothing written"
        return (f"{r.id}: {state} | {r.title} | year {r.year or '?'} | {r.chars} chars, {r.sections} sections, "
                f"{r.chunks} chunks, {r.tables} tables, {r.cells} cells, {r.figures} figures, "
                f"{self.duplicate_chars_removed} duplicate chars removed "
                f"| {self.seconds:.1f} s")


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
    cell_figures = extract_table_figures(cleaned.tables, paragraphs, report_id, profile.year)
    figures = sorted(extract_figures(paragraphs, report_id) + cell_figures, key=lambda f: (f.start, f.end))
    content_hash = hashlib.sha256(
        f"{PIPELINE_VERSION}|{chunk_size}|{chunk_overlap}|{title}|{cleaned.text}".encode()).hexdigest()[:32]
    info = ReportInfo(
        id=report_id, title=title, year=profile.year, source=path.name, body=profile.body,
        aliases=profile.aliases_text,
        chars=len(cleaned.text), sections=count_sections(paragraphs), chunks=len(chunks), figures=len(figures),
        content_hash=content_hash, tables=len(cleaned.tables),
        cells=len({(f.table, f.extra.get("row_index"), f.extra.get("col_index")) for f in cell_figures}),
        format=loaded.format,
    )
    stage("audit")
    audit = audit_figures(figures, year=info.year, repeated=repeated_passages(cleaned.duplicate_texts, paragraphs),
                          body_names=[n for n in (info.body, *info.aliases.split("|")) if n])
    return PreparedReport(info, cleaned, paragraphs, chunks, figures, tuple(audit))


def ingest_file(path: str | Path, store, report_id: str | None = None, chunk_size: int = 250,
                chunk_overlap: int = 60, progress: Callable[[int, int], None] | None = None,
                stage: Callable[[str], None] | None = None) -> IngestSummary:
    """Ingest one report file into the store, atomically replacing an earlier version of the same report."""
    started = time.perf_counter()
    prepared = prepare_report(path, report_id, chunk_size, chunk_overlap, stage=stage)
    info = replace(prepared.info, ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    if stage:
        stage("embed")
    changed = store.replace_report(info, prepared.chunks, prepared.figures, progress=progress,
                                   audit=[f.to_dict() for f in prepared.audit])
    stored = store.get_report(info.id)
    return IngestSummary(stored, prepared.cleaned.duplicate_chars_removed, time.perf_counter() - started, changed,
                         prepared.audit)
