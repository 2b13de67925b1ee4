"""Chroma (a local folder or a server) holding every ingested report: a registry, atomic replace, dense search.

Layout inside Chroma:
- ``report-registry``: one record per report (id = report id) whose metadata holds the ReportInfo fields, the
  names of the report's current chunk and figure collections, the embedding model id and a generation string.
  It is never searched (its vectors are a 1-dim dummy).
- ``chunks-<report>-<generation>`` / ``figures-<report>-<generation>``: the report's chunks and figure clauses,
  cosine space, with the embedding model id, dimension and creation time in the collection metadata.
- ``report-audit``: the figures audit of each report generation (id ``<report>@<generation>``, the findings as a
  JSON document), written before the swap, so a report and its audit change together. Never searched.

Replacing a report builds new collections aside and swaps by upserting the registry record, so readers always
see either the old report or the new one, never a half-built one.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from langchain_core.embeddings import Embeddings

from ingest.figures import Figure
from ingest.report import Chunk, ReportInfo
from vectorstore.embeddings import model_id_of

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from app.settings import Settings

log = logging.getLogger(__name__)

REGISTRY_COLLECTION = "report-registry"
AUDIT_COLLECTION = "report-audit"
CHUNKS = "chunks"
FIGURES = "figures"
PRUNE_GRACE_S = 600.0  # a collection touched more recently may belong to an ingest running right now
TOUCH_EVERY_S = 60.0  # a long ingest refreshes its collections' touched_at so prune never takes them
EMBED_BATCH = 32
SEARCH_THREADS = 4  # per-report collections searched at once: Chroma's clients are thread-safe; a server's HTTP
# calls overlap fully, a local folder's queries only a little (~1 ms each, mostly holding the GIL)
WRITE_BATCH = 1000  # well under Chroma's max batch size
MIN_FREE_BYTES = 4 * 2**20  # what a write needs beyond its own data (sqlite journal, index files)
LOW_DISK_BYTES = 64 * 2**20  # a failed write with less free space than this is put down to a full disk
_DUMMY_VECTOR = [1.0]
_INFO_FIELDS = {f.name: f for f in fields(ReportInfo)}
_INT_FIELDS = ("chars", "sections", "chunks", "figures", "tables", "cells")

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(Exception):
    """Base class for store failures; the message is one line a person can read."""


class StoreUnavailable(StoreError):
    """Chroma cannot be reached (server down, connection refused, folder unreadable): callers answer 503."""


class EmbeddingModelMismatch(StoreError):
    """The report was embedded with another model than the one this store was opened with."""


class ReportNotFound(StoreError):
    """No report with this id is in the registry."""


class StoreNotWritable(StoreError):
    """Chroma refused a write (read-only folder or server)."""


@dataclass(frozen=True)
class _Record:
    """A registry record: the report and where its vectors live."""

    info: ReportInfo
    chunks_collection: str
    figures_collection: str
    generation: str
    embedding_model: str
    dimension: int


def open_client(settings: Settings) -> ClientAPI:
    """A Chroma client: a server when CHROMA_HOST is set, else the local folder CHROMA_PATH."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        where = f"Chroma 服务 {settings.chroma_host}:{settings.chroma_port}"
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=chroma_settings)
        except Exception as exc:  # noqa: BLE001 - chromadb wraps connection failures in ValueError
            raise StoreUnavailable(f"知识库不可用：无法连接 {where}（{_short(exc)}）") from exc
    path = settings.chroma_path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreNotWritable(f"知识库目录无法创建：{path}（{_short(exc)}）") from exc
    if not os.access(path, os.R_OK | os.X_OK):
        raise StoreUnavailable(f"知识库不可用：目录不可读 {path}")
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # noqa: BLE001 - sqlite/rust errors surface as assorted types
        # Chroma writes while opening, so a read-only folder fails here already: say that, it is the fix to make
        why = "目录只读（导入和提问都需要写权限）" if _is_readonly_error(exc) else "无法打开目录"
        raise StoreUnavailable(f"知识库不可用：{why} {path}（{_short(exc)}）") from exc


def open_store(settings: Settings, embeddings: Embeddings) -> ReportStore:
    """A ReportStore whose client is opened on first use and reopened after the store was unavailable."""
    return ReportStore(lambda: open_client(settings), embeddings)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text[:160] + "…" if len(text) > 160 else text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_connection_error(exc: BaseException) -> bool:
    try:
        import httpx
    except ImportError:  # pragma: no cover - chromadb depends on httpx
        httpx = None  # type: ignore[assignment]
    if httpx is not None and isinstance(exc, httpx.TransportError):
        return True
    if isinstance(exc, ConnectionError | TimeoutError):
        return True
    text = str(exc)
    return "Could not connect to a Chroma server" in text or "Connection refused" in text


def _is_readonly_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "read only" in text or isinstance(exc, PermissionError)


def _is_write_failure(exc: BaseException) -> bool:
    """Chroma or the file system refused a write (full disk, I/O error); not a lost connection or a read-only store."""
    from chromadb.errors import ChromaError

    if isinstance(exc, StoreError) or _is_connection_error(exc) or _is_readonly_error(exc) or _is_not_found(exc):
        return False
    return isinstance(exc, ChromaError | OSError)


def _is_not_found(exc: BaseException) -> bool:
    from chromadb.errors import NotFoundError

    # a collection deleted by a concurrent swap while it is read can also surface as "Missing metadata segment"
    text = str(exc)
    return isinstance(exc, NotFoundError) or "does not exist" in text or "Missing metadata segment" in text


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn Chroma/httpx connection failures into StoreUnavailable (and read-only failures into StoreNotWritable)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        self: ReportStore = args[0]  # type: ignore[assignment]
        try:
            return method(*args, **kwargs)
        except StoreError as exc:
            if isinstance(exc, StoreUnavailable):
                self._forget_client()
            raise
        except Exception as exc:  # noqa: BLE001 - classified below, everything else re-raised as is
            if _is_connection_error(exc):
                self._forget_client()
                raise StoreUnavailable(f"知识库不可用：无法连接 {self.location}（{_short(exc)}）") from exc
            if _is_readonly_error(exc):
                raise StoreNotWritable(f"知识库不可写：{self.location}（{_short(exc)}）") from exc
            raise

    return wrapper


class ReportStore:
    """Every ingested report in one Chroma: registry, atomic replace, listing and dense search."""

    def __init__(self, client: ClientAPI | Callable[[], ClientAPI], embeddings: Embeddings, *,
                 prune_grace_s: float = PRUNE_GRACE_S) -> None:
        if callable(client) and not hasattr(client, "heartbeat"):
            self._client_factory: Callable[[], ClientAPI] | None = client
            self._client_obj: ClientAPI | None = None
        else:
            self._client_factory = None
            self._client_obj = client  # type: ignore[assignment]
        self.embeddings = embeddings
        self.model_id = model_id_of(embeddings)
        self.prune_grace_s = prune_grace_s
        self._dimension: int | None = getattr(embeddings, "dimension", None)
        self._collections: dict[str, Collection] = {}
        self._registry_col: Collection | None = None
        self._audit_col: Collection | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # ---- client plumbing -------------------------------------------------------------------------------------

    @property
    def client(self) -> ClientAPI:
        """The Chroma client (opened now if the store was built from a factory)."""
        if self._client_obj is None:
            assert self._client_factory is not None
            self._client_obj = self._client_factory()
        return self._client_obj

    @property
    def location(self) -> str:
        """Where the data lives, for messages: 'Chroma 服务 host:port' or the folder."""
        client = self._client_obj
        if client is None:
            return "Chroma"
        try:
            s = client.get_settings()
        except Exception:  # noqa: BLE001 - only used to word a message
            return "Chroma"
        if s.chroma_server_host:
            return f"Chroma 服务 {s.chroma_server_host}:{s.chroma_server_http_port}"
        return f"Chroma 目录 {s.persist_directory}"

    def _forget_client(self) -> None:
        self._collections.clear()
        self._registry_col = None
        self._audit_col = None
        if self._client_factory is not None:
            self._client_obj = None

    def _registry(self) -> Collection:
        if self._registry_col is None:
            self._registry_col = self.client.get_or_create_collection(
                REGISTRY_COLLECTION, metadata={"kind": "registry"}, embedding_function=None)
        return self._registry_col

    def _audits(self, create: bool = True) -> Collection | None:
        """The audit collection; None when `create` is False and no audit was ever written."""
        if self._audit_col is None:
            if create:
                self._audit_col = self.client.get_or_create_collection(
                    AUDIT_COLLECTION, metadata={"kind": "audit"}, embedding_function=None)
            else:
                try:
                    self._audit_col = self.client.get_collection(AUDIT_COLLECTION, embedding_function=None)
                except Exception as exc:
                    if _is_not_found(exc):
                        return None
                    raise
        return self._audit_col

    def _write_audit(self, report_id: str, generation: str, findings: Sequence[dict]) -> None:
        audits = self._audits()
        assert audits is not None
        audits.upsert(ids=[_audit_id(report_id, generation)], embeddings=[_DUMMY_VECTOR],
                              documents=[json.dumps(list(findings), ensure_ascii=False)],
                              metadatas=[{"report": report_id, "generation": generation, "created_at": time.time()}])

    def _drop_audits(self, report_id: str, keep: str | None = None) -> None:
        """Delete a report's audit records (but the one of generation `keep`), best effort."""
        try:
            audits = self._audits(create=False)
            if audits is None:
                return
            got = audits.get(where={"report": report_id}, include=["metadatas"])
            stale = [aid for aid, meta in zip(got["ids"], got["metadatas"] or [])
                     if (meta or {}).get("generation") != keep]
            if stale:
                audits.delete(ids=stale)
        except Exception as exc:  # noqa: BLE001 - cleanup must not hide the result it follows
            log.warning("could not delete old audit records of %s: %s", report_id, _short(exc))

    def _collection(self, name: str) -> Collection:
        col = self._collections.get(name)
        if col is None:
            col = self.client.get_collection(name, embedding_function=None)
            self._collections[name] = col
        return col

    def _dim(self) -> int:
        if self._dimension is None:
            self._dimension = len(self.embeddings.embed_query("维度"))
        return self._dimension

    # ---- registry ----------------------------------------------------------------------------------------------

    def _records(self, ids: Sequence[str] | None = None) -> list[_Record]:
        registry = self._registry()
        got = registry.get(ids=list(ids), include=["metadatas"]) if ids is not None else registry.get(
            include=["metadatas"])
        records = [_record_from(rid, meta or {}) for rid, meta in zip(got["ids"], got["metadatas"] or [])]
        if ids is not None:
            missing = [i for i in ids if i not in {r.info.id for r in records}]
            if missing:
                raise ReportNotFound(f"没有这份报告：{missing[0]}")
            order = {rid: n for n, rid in enumerate(ids)}
            records.sort(key=lambda r: order[r.info.id])
        else:
            records.sort(key=lambda r: r.info.id)
        return records

    def _record(self, report_id: str) -> _Record | None:
        try:
            return self._records([report_id])[0]
        except ReportNotFound:
            return None

    def _check_model(self, record: _Record) -> None:
        if record.embedding_model != self.model_id:
            raise EmbeddingModelMismatch(
                f"报告 {record.info.id} 的向量由 {record.embedding_model} 生成，当前嵌入模型是 {self.model_id}："
                f"请重新导入报告，或把 EMBEDDING_BACKEND 设回生成它的模型")

    def _open_checked(self, record: _Record, kind: str) -> Collection:
        col = self._collection(record.chunks_collection if kind == CHUNKS else record.figures_collection)
        built_with = (col.metadata or {}).get("embedding_model")
        if built_with and built_with != self.model_id:
            raise EmbeddingModelMismatch(
                f"集合 {col.name} 的向量由 {built_with} 生成，当前嵌入模型是 {self.model_id}："
                f"请重新导入报告，或把 EMBEDDING_BACKEND 设回生成它的模型")
        return col

    def _read(self, report_id: str, kind: str, action: Callable[[Collection, _Record], R],
              record: _Record | None = None) -> R:
        """Run `action` on the report's current collection, once more if a concurrent swap deleted it meanwhile."""
        for attempt in (1, 2):
            if record is None or attempt == 2:
                record = self._record(report_id)
            if record is None:
                raise ReportNotFound(f"没有这份报告：{report_id}")
            self._check_model(record)
            try:
                return action(self._open_checked(record, kind), record)
            except Exception as exc:
                name = record.chunks_collection if kind == CHUNKS else record.figures_collection
                self._collections.pop(name, None)
                if attempt == 2 or not _is_not_found(exc):
                    raise
                log.info("collection %s vanished (replaced concurrently); re-reading the registry", name)
        raise AssertionError("unreachable")

    # ---- public API --------------------------------------------------------------------------------------------

    @_guarded
    def ping(self) -> None:
        """Raise StoreUnavailable unless Chroma answers and the registry is readable."""
        self.client.heartbeat()
        self._registry().count()

    @_guarded
    def reports(self) -> list[ReportInfo]:
        """Every ingested report, ordered by id."""
        return [r.info for r in self._records()]

    @_guarded
    def get_report(self, report_id: str) -> ReportInfo:
        """The registry's record of one report (ReportNotFound if it is not ingested)."""
        record = self._record(report_id)
        if record is None:
            raise ReportNotFound(f"没有这份报告：{report_id}")
        return record.info

    @_guarded
    def version(self) -> str:
        """A token that changes whenever any report is replaced or removed (also by another process)."""
        got = self._registry().get(include=["metadatas"])
        parts = sorted(f"{rid}\x1f{(meta or {}).get('generation', '')}"
                       for rid, meta in zip(got["ids"], got["metadatas"] or []))
        return hashlib.sha1("\x1e".join(parts).encode()).hexdigest()[:16]

    @_guarded
    def replace_report(self, info: ReportInfo, chunks: list[Chunk], figures: list[Figure],
                       progress: Callable[[int, int], None] | None = None,
                       audit: Sequence[dict] | None = None) -> bool:
        """Atomically make (info, chunks, figures) the served version of the report; False if already current.

        `audit` (the figures audit's findings) is kept with this version; for an unchanged report it is refreshed.
        """
        _validate(info, chunks, figures)
        self.prune()
        current = self._record(info.id)
        if (current is not None and info.content_hash and current.info.content_hash == info.content_hash
                and current.embedding_model == self.model_id and self._collections_exist(current)):
            log.info("report %s unchanged (content hash %s): nothing written", info.id, info.content_hash[:12])
            if audit is not None:
                self._write_audit(info.id, current.generation, audit)
            return False

        generation = _new_generation()
        slug = _slug(info.id)
        names = {CHUNKS: f"{CHUNKS}-{slug}-{generation}", FIGURES: f"{FIGURES}-{slug}-{generation}"}
        info = replace(info, chunks=len(chunks), figures=len(figures), embedding_model=self.model_id,
                       ingested_at=info.ingested_at or datetime.now(timezone.utc).isoformat(timespec="seconds"))
        clauses = list(dict.fromkeys(_figure_text(f) for f in figures))  # identical texts are embedded once
        total = len(chunks) + len(clauses)
        done = 0
        created: list[str] = []
        self._check_room(chunks, clauses, figures)
        try:
            dim = self._dim()
            cols: dict[str, Collection] = {}
            metas: dict[str, dict[str, Any]] = {}
            for kind, name in names.items():
                metas[kind] = {"kind": kind, "report": info.id, "generation": generation,
                               "embedding_model": self.model_id, "dimension": dim, "created_at": time.time()}
                cols[kind] = self.client.create_collection(
                    name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None,
                    metadata=metas[kind])
                created.append(name)
            last_touch = time.monotonic()

            def step(n: int) -> None:
                nonlocal done, last_touch
                done += n
                if progress:
                    progress(done, total)
                if time.monotonic() - last_touch > TOUCH_EVERY_S:  # keep a concurrent prune() away
                    for kind, col in cols.items():
                        col.modify(metadata={**metas[kind], "touched_at": time.time()})
                    last_touch = time.monotonic()

            for batch in _batched(chunks, EMBED_BATCH):
                vectors = self._embed([c.embedding_text for c in batch], dim)
                cols[CHUNKS].add(ids=[c.id for c in batch], documents=[c.text for c in batch],
                                 metadatas=[c.to_metadata() for c in batch], embeddings=vectors)
                step(len(batch))

            clause_vectors: dict[str, list[float]] = {}
            for batch in _batched(clauses, EMBED_BATCH):
                clause_vectors.update(zip(batch, self._embed(batch, dim)))
                step(len(batch))
            for batch in _batched(figures, WRITE_BATCH):
                cols[FIGURES].add(ids=[f.id for f in batch], documents=[f.clause for f in batch],
                                  metadatas=[f.to_metadata() for f in batch],
                                  embeddings=[clause_vectors[_figure_text(f)] for f in batch])

            if audit is not None:
                self._write_audit(info.id, generation, audit)
            # the swap: one upsert points the report at the new collections
            self._registry().upsert(ids=[info.id], documents=[info.title or info.id],
                                    embeddings=[_DUMMY_VECTOR],
                                    metadatas=[_record_metadata(info, names, generation, self.model_id, dim)])
        except BaseException as exc:
            for name in created:
                self._drop(name)
            if audit is not None:
                self._drop_audits(info.id, keep=current.generation if current is not None else None)
            if isinstance(exc, Exception) and _is_write_failure(exc):
                raise self._write_failed(exc) from exc
            raise
        if current is not None:
            for name in {current.chunks_collection, current.figures_collection} - set(names.values()):
                self._drop(name)
            self._drop_audits(info.id, keep=generation)
        log.info("report %s now served from generation %s (%d chunks, %d figures)",
                 info.id, generation, len(chunks), len(figures))
        return True

    @_guarded
    def remove_report(self, report_id: str) -> None:
        """Remove a report and its collections (ReportNotFound if it is not ingested)."""
        record = self._record(report_id)
        if record is None:
            raise ReportNotFound(f"没有这份报告：{report_id}")
        self._registry().delete(ids=[report_id])
        for name in (record.chunks_collection, record.figures_collection):
            self._drop(name)
        self._drop_audits(report_id)

    @_guarded
    def audit(self, report_id: str) -> list[dict] | None:
        """The figures audit kept with the report's current version; None if it was ingested without one."""
        record = self._record(report_id)
        if record is None:
            raise ReportNotFound(f"没有这份报告：{report_id}")
        audits = self._audits(create=False)
        if audits is None:
            return None
        got = audits.get(ids=[_audit_id(report_id, record.generation)], include=["documents"])
        documents = got["documents"] or []
        return json.loads(documents[0]) if documents and documents[0] else None

    @_guarded
    def prune(self) -> list[str]:
        """Delete our collections the registry no longer references (leftovers of a killed ingest); their names."""
        referenced = {REGISTRY_COLLECTION}
        for record in self._records():
            referenced.update((record.chunks_collection, record.figures_collection))
        now = time.time()
        dropped = []
        for col in self.client.list_collections():
            meta = col.metadata or {}
            if col.name in referenced or meta.get("kind") not in (CHUNKS, FIGURES) or "generation" not in meta:
                continue  # not ours, or still served
            last_alive = max(float(meta.get("created_at") or 0.0), float(meta.get("touched_at") or 0.0))
            if now - last_alive < self.prune_grace_s:
                continue  # may be an ingest running right now in another process
            if self._drop(col.name):
                dropped.append(col.name)
        if dropped:
            log.info("pruned %d unreferenced collections: %s", len(dropped), ", ".join(dropped))
        return dropped

    @_guarded
    def chunks(self, report_id: str) -> list[Chunk]:
        """All chunks of a report, in report order."""
        def read(col: Collection, _record: _Record) -> list[Chunk]:
            got = col.get(include=["documents", "metadatas"])
            return sorted((_chunk_from(cid, doc, meta) for cid, doc, meta in
                           zip(got["ids"], got["documents"] or [], got["metadatas"] or [])),
                          key=lambda c: c.index)

        return self._read(report_id, CHUNKS, read)

    @_guarded
    def figures(self, report_id: str) -> list[Figure]:
        """All figures of a report, in report order."""
        def read(col: Collection, _record: _Record) -> list[Figure]:
            got = col.get(include=["metadatas"])
            return sorted((Figure.from_metadata(dict(meta)) for meta in got["metadatas"] or []),
                          key=lambda f: (f.start, f.end))

        return self._read(report_id, FIGURES, read)

    def embed_query(self, query: str) -> list[float]:
        """Embed a question once, to search chunks and figures with the same vector."""
        return self.embeddings.embed_query(query)

    def search_chunks(self, query: str, k: int, report_ids: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """The k chunks most similar to the question (cosine similarity, higher is better), across reports."""
        return self.search_chunks_by_vector(self.embed_query(query), k, report_ids)

    def search_figures(self, query: str, k: int,
                       report_ids: list[str] | None = None) -> list[tuple[Figure, float]]:
        """The k figures whose clause is most similar to the question (cosine similarity), across reports."""
        return self.search_figures_by_vector(self.embed_query(query), k, report_ids)

    @_guarded
    def search_chunks_by_vector(self, vector: Sequence[float], k: int, report_ids: list[str] | None = None,
                                per_report: bool = False) -> list[tuple[Chunk, float]]:
        """search_chunks with an already embedded question; `per_report`: the k nearest of each report (best
        first overall), not the k nearest of all."""
        hits = self._search(vector, k, report_ids, CHUNKS, per_report)
        return [(_chunk_from(cid, doc, meta), score) for cid, doc, meta, score in hits]

    @_guarded
    def search_figures_by_vector(self, vector: Sequence[float], k: int, report_ids: list[str] | None = None,
                                 per_report: bool = False) -> list[tuple[Figure, float]]:
        """search_figures with an already embedded question; `per_report`: the k nearest of each report."""
        hits = self._search(vector, k, report_ids, FIGURES, per_report)
        return [(Figure.from_metadata(dict(meta)), score) for _cid, _doc, meta, score in hits]

    # ---- internals ---------------------------------------------------------------------------------------------

    def _search(self, vector: Sequence[float], k: int, report_ids: list[str] | None,
                kind: str, per_report: bool = False) -> list[tuple[str, str, dict, float]]:
        """The k nearest records over the reports' collections: (id, document, metadata, similarity), best first.

        Each report's collection is searched for its k nearest ids and distances (in parallel); only the k that win
        overall are then read with their documents and metadata, so a question over many reports reads k records,
        not k per report (with `per_report`, each report's k are read). Ties keep report order, then Chroma's
        order within a report.
        """
        if k <= 0:
            return []
        if report_ids is not None and not report_ids:
            return []
        vector = [float(x) for x in vector]
        for attempt in (1, 2):
            records = self._records(list(dict.fromkeys(report_ids)) if report_ids is not None else None)
            nearest = self._parallel(lambda record: self._nearest(record, kind, vector, k), records)
            ranked = [(n, cid, score) for n, hits in enumerate(nearest) for cid, score in hits]
            ranked.sort(key=lambda h: h[2], reverse=True)
            best = ranked if per_report else ranked[:k]
            wanted: dict[int, list[str]] = {}
            for n, cid, _score in best:
                wanted.setdefault(n, []).append(cid)
            read = dict(zip(wanted, self._parallel(lambda n: self._fetch(records[n], kind, wanted[n]), wanted)))
            hits = [(cid, *read[n][cid], score) for n, cid, score in best if cid in read[n]]
            if len(hits) == len(best) or attempt == 2:
                return hits
            log.info("a report was replaced during a search: searching again")
        raise AssertionError("unreachable")

    def _nearest(self, record: _Record, kind: str, vector: list[float], k: int) -> list[tuple[str, float]]:
        """The k nearest ids of one report's collection with their cosine similarity, nearest first."""
        def query(col: Collection, record: _Record) -> list[tuple[str, float]]:
            if record.dimension and len(vector) != record.dimension:
                raise EmbeddingModelMismatch(
                    f"查询向量有 {len(vector)} 维，报告 {record.info.id} 的向量有 {record.dimension} 维："
                    f"请用生成它的嵌入模型（{record.embedding_model}）检索，或重新导入")
            got = col.query(query_embeddings=[vector], n_results=k, include=["distances"])
            # cosine space: distance = 1 - cosine similarity
            return [(cid, 1.0 - float(dist)) for cid, dist in zip(got["ids"][0], (got["distances"] or [[]])[0])]

        return self._read(record.info.id, kind, query, record)

    def _fetch(self, record: _Record, kind: str, ids: list[str]) -> dict[str, tuple[str, dict]]:
        """Documents and metadata of some records of one report's collection, by id."""
        def get(col: Collection, _record: _Record) -> dict[str, tuple[str, dict]]:
            got = col.get(ids=ids, include=["documents", "metadatas"])
            return {cid: (doc, meta or {}) for cid, doc, meta in
                    zip(got["ids"], got["documents"] or [None] * len(got["ids"]), got["metadatas"] or [])}

        return self._read(record.info.id, kind, get, record)

    def _parallel(self, work: Callable[[Any], R], items: Iterable[Any]) -> list[R]:
        """`work` over the items, several at once (one item runs in the calling thread); results in item order."""
        items = list(items)
        if len(items) <= 1:
            return [work(item) for item in items]
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(SEARCH_THREADS, thread_name_prefix="chroma-search")
        return list(self._pool.map(work, items))

    def _embed(self, texts: list[str], dim: int) -> list[list[float]]:
        vectors = self.embeddings.embed_documents(texts)
        if len(vectors) != len(texts):
            raise StoreError(f"嵌入模型 {self.model_id} 返回了 {len(vectors)} 个向量，应为 {len(texts)} 个")
        bad = next((len(v) for v in vectors if len(v) != dim), None)
        if bad is not None:
            raise StoreError(f"嵌入模型 {self.model_id} 返回了 {bad} 维向量，应为 {dim} 维")
        return [[float(x) for x in v] for v in vectors]

    def _collections_exist(self, record: _Record) -> bool:
        try:
            self._collection(record.chunks_collection)
            self._collection(record.figures_collection)
        except Exception as exc:
            if _is_not_found(exc):
                return False
            raise
        return True

    def _check_room(self, chunks: list[Chunk], clauses: list[str], figures: list[Figure]) -> None:
        """Refuse, before the first write, a version the local disk clearly cannot hold (Chroma's own failure on a
        full disk is not always prompt); a server store, or a folder that cannot be measured, is not checked."""
        folder = self._folder()
        if not folder or not os.path.isdir(folder):
            return
        free = shutil.disk_usage(folder).free
        text = sum(len(c.text.encode()) + len(c.embedding_text.encode()) for c in chunks)
        text += sum(len(f.clause.encode()) + len(f.sentence.encode()) for f in figures)
        vectors = (len(chunks) + len(clauses)) * self._dim() * 4 * 3  # float32, in the log, the index and its links
        needed = 2 * (text + vectors) + MIN_FREE_BYTES  # sqlite keeps documents, metadata and a log of each write
        if free < needed:
            raise StoreNotWritable(f"知识库写入失败，原有数据未改动：{self.location}，磁盘空间不足"
                                   f"（剩余 {free / 2**20:.1f} MB，这份报告约需 {needed / 2**20:.1f} MB）")

    def _write_failed(self, exc: Exception) -> StoreNotWritable:
        """The one-line error for a write Chroma refused, naming a full disk when that is the likely cause."""
        cause = "请检查磁盘空间和目录权限"
        folder = self._folder()
        free = shutil.disk_usage(folder).free if folder and os.path.isdir(folder) else None
        text = str(exc).lower()
        if (free is not None and free < LOW_DISK_BYTES) or "disk is full" in text or "no space left" in text:
            cause = "磁盘空间不足" + (f"（剩余 {free / 2**20:.1f} MB）" if free is not None else "")
        return StoreNotWritable(f"知识库写入失败，原有数据未改动：{self.location}，{cause}（{_short(exc)}）")

    def _folder(self) -> str | None:
        """The local Chroma folder, or None for a server."""
        try:
            s = self.client.get_settings()
        except Exception:  # noqa: BLE001 - only used to word a message
            return None
        return None if s.chroma_server_host else s.persist_directory

    def _drop(self, name: str) -> bool:
        """Delete a collection, best effort (it may be gone already, or Chroma may be down)."""
        self._collections.pop(name, None)
        try:
            self.client.delete_collection(name)
        except Exception as exc:  # noqa: BLE001 - cleanup must not hide the error that triggered it
            if not _is_not_found(exc):
                # on a full disk even a delete may fail: the next prune() takes the unreferenced collection
                level = logging.INFO if "full" in str(exc).lower() else logging.WARNING
                log.log(level, "could not delete collection %s (prune will retry): %s", name, _short(exc))
            return False
        return True


def _figure_text(f: Figure) -> str:
    """What a figure's vector is made of: its clause; for a table cell, its row (the cells of a row share one vector:
    the table answer and the lookup tell the columns apart by their words, and a table-heavy report then embeds rows,
    not every cell — a 60-page report's ingest is mostly embedding)."""
    return f.sentence if f.table else f.clause


def _validate(info: ReportInfo, chunks: list[Chunk], figures: list[Figure]) -> None:
    if not info.id:
        raise ValueError("ReportInfo.id is empty")
    for label, ids in (("chunk", [c.id for c in chunks]), ("figure", [f.id for f in figures])):
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen:
                raise ValueError(f"report {info.id}: duplicate {label} id {item_id}")
            seen.add(item_id)
    stray = next((c.report for c in chunks if c.report != info.id), None) or next(
        (f.report for f in figures if f.report != info.id), None)
    if stray is not None:
        raise ValueError(f"report {info.id}: got a chunk or figure of report {stray}")


def _audit_id(report_id: str, generation: str) -> str:
    return f"{report_id}@{generation}"


def _new_generation() -> str:
    return f"{int(time.time()):x}{secrets.token_hex(3)}"


def _slug(report_id: str) -> str:
    """A Chroma-safe rendering of a report id; ids that needed changing get a short hash to stay distinct."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", report_id).strip("_-")[:64]
    if slug != report_id:
        slug = f"{slug}_{hashlib.sha1(report_id.encode()).hexdigest()[:8]}".strip("_")
    return slug


def _batched(items: Sequence[R], size: int) -> Iterator[Sequence[R]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _record_metadata(info: ReportInfo, names: dict[str, str], generation: str, model_id: str,
                     dim: int) -> dict[str, Any]:
    meta: dict[str, Any] = {k: v for k, v in info.to_dict().items() if v is not None}
    meta.update(chunks_collection=names[CHUNKS], figures_collection=names[FIGURES], generation=generation,
                embedding_model=model_id, dimension=dim)
    return meta


def _record_from(report_id: str, meta: dict[str, Any]) -> _Record:
    values: dict[str, Any] = {name: meta[name] for name in _INFO_FIELDS if name in meta}
    values["id"] = report_id
    values.setdefault("title", "")
    values.setdefault("source", "")
    values["year"] = int(meta["year"]) if meta.get("year") is not None else None
    for name in _INT_FIELDS:
        values[name] = int(values.get(name) or 0)
    if "coverage" in values:
        values["coverage"] = float(values["coverage"])
    return _Record(info=ReportInfo(**values), chunks_collection=str(meta.get("chunks_collection", "")),
                   figures_collection=str(meta.get("figures_collection", "")),
                   generation=str(meta.get("generation", "")),
                   embedding_model=str(meta.get("embedding_model", "")),
                   dimension=int(meta.get("dimension") or 0))


def _chunk_from(chunk_id: str, text: str | None, meta: dict[str, Any]) -> Chunk:
    return Chunk(id=chunk_id, report=str(meta.get("report", "")), text=text or "",
                 section=str(meta.get("section", "")), start=int(meta.get("start", 0)),
                 end=int(meta.get("end", 0)), index=int(meta.get("index", 0)),
                 original=str(meta.get("original", "")))

