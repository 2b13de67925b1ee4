"""The report library: add, replace and remove reports while the assistant keeps answering.

One `ReportLibrary` serves the page, the API and (if it likes) the CLI. Ingests and removals run one at a time:
a lock per process and a lock file in DATA_DIR for other processes on the machine; whoever comes second waits
and is told so. The store swaps a report's data atomically, so a question asked meanwhile is answered wholly from
the old version or wholly from the new one; a file that cannot be ingested changes nothing.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.audit import Finding, audit_figures, severity_counts
from app.settings import Settings
from ingest.load import (MAX_REPORT_BYTES, SUPPORTED_SUFFIXES, CorruptFile, EmptyReport, EncryptedFile, NoTextLayer,
                         NotAReport, ReportLoadError, ReportTooLarge, UndecodableText, UnsupportedFormat)
from ingest.report import ReportInfo

if TYPE_CHECKING:
    from vectorstore.store import ReportStore

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = MAX_REPORT_BYTES
REPORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
LOCK_FILE = "ingest.lock"

# the steps of an ingest as the page shows them: (label, share of the bar done when the step starts)
STAGES: dict[str, tuple[str, float]] = {
    "wait": ("等待前一份报告导入完成", 0.0), "load": ("读取文件", 0.02), "clean": ("清理文本、识别章节和表格", 0.08),
    "figures": ("提取数字", 0.14), "audit": ("核对数字（审核）", 0.18), "embed": ("向量化并写入知识库", 0.2),
    "done": ("完成", 1.0),
}
EMBED_SHARE = 0.78  # the bar's share the embedding step fills (it is most of the time)

Progress = Callable[[float, str], None]


class LibraryError(Exception):
    """A library operation failed; the message is one line a person can read, `status` the HTTP status it maps to."""

    status = 500


class RejectedFile(LibraryError):
    """The file is not a report this product can read; nothing was changed."""

    status = 422


class WrongFileType(RejectedFile):
    status = 415


class FileTooLarge(RejectedFile):
    status = 413


class UnknownReport(LibraryError):
    status = 404


class LibraryUnavailable(LibraryError):
    """The store cannot be written or reached right now."""

    status = 503


@dataclass(frozen=True)
class IngestResult:
    """What adding a report did: the report as now served, its audit, and whether it replaced an earlier version."""

    report: ReportInfo
    findings: tuple[Finding, ...]
    replaced: bool
    changed: bool
    seconds: float

    def summary(self) -> dict:
        """The API's answer to an upload: the report's counts and its audit's."""
        r = self.report
        return {"id": r.id, "title": r.title, "year": r.year, "chunks": r.chunks, "figures": r.figures,
                "tables": r.tables, "coverage": r.coverage, "sections": r.sections, "cells": r.cells,
                "format": r.format, "findings": severity_counts(self.findings), "replaced": self.replaced,
                "changed": self.changed, "seconds": round(self.seconds, 2)}


def rejection_message(exc: ReportLoadError, name: str) -> str:
    """A load error as one Chinese line naming the file, with the loader's own detail."""
    reason = {
        UnsupportedFormat: "不支持的文件类型，请上传 .pdf、.docx 或 .txt",
        ReportTooLarge: f"文件超过 {MAX_UPLOAD_BYTES // 2**20} MB",
        EmptyReport: "文件是空的",
        EncryptedFile: "PDF 有密码保护，请先去掉密码",
        NoTextLayer: "PDF 没有文字层（扫描件？），请先做文字识别（OCR）",
        NotAReport: "内容不像一份报告",
        UndecodableText: "无法识别文本编码（须为 UTF-8 或 GBK）",
        CorruptFile: "文件已损坏，或不是真正的 PDF/DOCX",
    }.get(type(exc), "无法读取文件")
    detail = getattr(exc, "problem", "") or str(exc)
    return one_line(f"《{name}》未导入：{reason}（{detail}）")


def one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


_PROCESS_LOCK = threading.Lock()  # one ingest at a time in this process, whichever library object starts it


@contextlib.contextmanager
def ingest_lock(settings: Settings, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the ingest lock: this process's, and the lock file in DATA_DIR that other processes on the machine
    (the server, python -m ingest) take too. `on_wait` is called once if someone else holds it first."""
    waited = False

    def wait() -> None:
        nonlocal waited
        if on_wait and not waited:
            on_wait()
        waited = True

    if not _PROCESS_LOCK.acquire(blocking=False):
        wait()
        _PROCESS_LOCK.acquire()
    try:
        folder = Path(settings.data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / LOCK_FILE).open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        _PROCESS_LOCK.release()


class ReportLibrary:
    """Add, replace and remove reports in the store, one at a time."""

    def __init__(self, store: Callable[[], ReportStore], settings: Settings) -> None:
        self._store = store
        self.settings = settings

    @property
    def busy(self) -> bool:
        """An ingest or removal is running in this process."""
        return _PROCESS_LOCK.locked()

    # -- reading --------------------------------------------------------------------------------------------------
    def reports(self) -> list[ReportInfo]:
        """The ingested reports."""
        with self._store_errors():
            return self._store().reports()

    def audit(self, report_id: str) -> list[Finding]:
        """The figures audit kept with the report (computed from its figures if it was ingested before audits)."""
        from vectorstore.store import ReportNotFound

        with self._store_errors():
            store = self._store()
            try:
                kept = store.audit(report_id)
                if kept is not None:
                    return [Finding.from_dict(f) for f in kept]
                info = store.get_report(report_id)
                return audit_figures(store.figures(report_id), year=info.year)
            except ReportNotFound as exc:
                raise UnknownReport(f"没有编号为 {report_id} 的报告") from exc

    # -- changing -------------------------------------------------------------------------------------------------
    def add(self, path: str | Path, *, name: str | None = None, report_id: str | None = None,
            progress: Progress | None = None) -> IngestResult:
        """Ingest a report file (replacing the report of the same id once the new one is complete).

        `name` is the file's name as the user gave it (the id derives from it); `progress(share, label)` hears each
        step. Raises RejectedFile (one line, nothing changed) for a file that is not a readable report.
        """
        from ingest.pipeline import ingest_file, report_id_for

        path = Path(path)
        name = name or path.name
        report_id = report_id or report_id_for(Path(name))
        if not REPORT_ID.match(report_id):
            raise RejectedFile(f"报告编号 {report_id!r} 不可用：只能用字母、数字、点、横线和下划线（最多 80 个字符）")
        self._check_file(path, name)
        tell = progress or (lambda share, label: None)

        def stage(step: str) -> None:
            label, share = STAGES[step]
            tell(share, label)

        def embedded(done: int, total: int) -> None:
            base = STAGES["embed"][1]
            tell(base + EMBED_SHARE * done / max(total, 1), f"{STAGES['embed'][0]}（{done}/{total}）")

        with self._one_at_a_time(stage), self._store_errors():
            store = self._store()
            replaced = any(r.id == report_id for r in store.reports())
            try:
                summary = ingest_file(path, store, report_id, self.settings.chunk_size, self.settings.chunk_overlap,
                                      progress=embedded, stage=stage, check=lambda prepared: _readable(prepared, name))
            except ReportLoadError as exc:
                raise _rejected(exc, name) from exc
        stage("done")
        log.info("library: %s %s (%s)", "replaced" if replaced else "added", report_id, summary.line())
        return IngestResult(summary.report, summary.audit, replaced, summary.changed, summary.seconds)

    def remove(self, report_id: str) -> ReportInfo:
        """Remove a report (UnknownReport if there is none with this id); questions move on to the others."""
        from vectorstore.store import ReportNotFound

        with self._one_at_a_time(None), self._store_errors():
            store = self._store()
            try:
                info = store.get_report(report_id)
                store.remove_report(report_id)
            except ReportNotFound as exc:
                raise UnknownReport(f"没有编号为 {report_id} 的报告") from exc
        log.info("library: removed %s", report_id)
        return info

    # -- internals ------------------------------------------------------------------------------------------------
    def _check_file(self, path: Path, name: str) -> None:
        """What can be told before reading: the type (by the name the user gave), the size, emptiness."""
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            shown = suffix or "无扩展名"
            raise WrongFileType(f"《{name}》未导入：不支持的文件类型（{shown}），请上传 .pdf、.docx 或 .txt")
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise RejectedFile(f"《{name}》未导入：文件无法读取（{exc.strerror or exc}）") from exc
        if size > MAX_UPLOAD_BYTES:
            raise FileTooLarge(f"《{name}》未导入：文件有 {size / 2**20:.1f} MB，超过 {MAX_UPLOAD_BYTES // 2**20} MB 的上限")
        if size == 0:
            raise RejectedFile(f"《{name}》未导入：文件是空的")

    def _one_at_a_time(self, stage: Callable[[str], None] | None) -> contextlib.AbstractContextManager[None]:
        """The ingest lock; `stage` hears "wait" when someone else holds it first."""
        return ingest_lock(self.settings, on_wait=(lambda: stage("wait")) if stage else None)

    @contextlib.contextmanager
    def _store_errors(self) -> Iterator[None]:
        from vectorstore.embeddings import EmbeddingModelError
        from vectorstore.store import ReportNotFound, StoreError

        try:
            yield
        except LibraryError:
            raise
        except ReportNotFound:
            raise
        except (StoreError, EmbeddingModelError) as exc:
            raise LibraryUnavailable(one_line(f"知识库暂不可写，原有报告未改动：{exc}")) from exc
        except Exception as exc:
            from app.errors import KnowledgeBaseUnavailable

            if isinstance(exc, KnowledgeBaseUnavailable):  # the assistant is still loading
                raise LibraryUnavailable(one_line(str(exc))) from exc
            raise


def _readable(prepared, name: str) -> None:
    """Refuse, before anything is stored, a file whose text gives nothing to search."""
    if not prepared.chunks or not prepared.info.chars:
        raise RejectedFile(f"《{name}》未导入：内容不像一份报告（没有可检索的正文）")


def _rejected(exc: ReportLoadError, name: str) -> RejectedFile:
    kind = WrongFileType if isinstance(exc, UnsupportedFormat) else (
        FileTooLarge if isinstance(exc, ReportTooLarge) else RejectedFile)
    return kind(rejection_message(exc, name))
