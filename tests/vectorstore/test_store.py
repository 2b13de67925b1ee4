"""ReportStore against a real Chroma: a local folder with fake embeddings, and a real `chroma run` server."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT, Settings
from ingest.figures import Figure
from ingest.report import Chunk, ReportInfo
from tests.conftest import HashingEmbeddings
from vectorstore.store import (
    EmbeddingModelMismatch,
    ReportNotFound,
    ReportStore,
    StoreNotWritable,
    StoreUnavailable,
    open_client,
    open_store,
)

REPORT = "liwan-2023"

TEXTS = [
    "2023年度部门预算收入2700.38万元，其中财政拨款收入2694.16万元。",
    "托养中心现有143名残疾人在托，全年组织康复训练。",
    "开展就业培训6期，培训残疾人312人次，满意度达到92%以上。",
]


def make_chunks(report: str = REPORT, texts: list[str] = TEXTS) -> list[Chunk]:
    chunks, start = [], 0
    for i, text in enumerate(texts):
        cid = hashlib.sha1(f"{report}|一、部门概况|{text}".encode()).hexdigest()[:16]
        chunks.append(Chunk(id=cid, report=report, text=text, section="一、部门概况 > （一）基本情况",
                            start=start, end=start + len(text), index=i))
        start += len(text) + 1
    return chunks


def make_figures(report: str = REPORT) -> list[Figure]:
    return [
        Figure(text="2700.38", value="2700.38", unit="万元", kind="money", qualifier="level", phrase="预算收入",
               clause="2023年度部门预算收入2700.38万元", sentence=TEXTS[0], section="一、部门概况",
               report=report, start=11, end=18, extra={"total_of": ["2694.16"], "note": "含上年结转"}),
        Figure(text="2694.16", value="2694.16", unit="万元", kind="money", qualifier="part",
               phrase="财政拨款收入", clause="其中财政拨款收入2694.16万元", sentence=TEXTS[0], section="一、部门概况",
               report=report, start=30, end=37),
        Figure(text="143", value="143", unit="名", kind="people", qualifier="level", phrase="在托残疾人",
               clause="托养中心现有143名残疾人在托", sentence=TEXTS[1], section="一、部门概况",
               report=report, start=45, end=48),
        # the same clause stated twice (the bundled report repeats a whole block): embedded once
        Figure(text="143", value="143", unit="名", kind="people", qualifier="level", phrase="在托残疾人",
               clause="托养中心现有143名残疾人在托", sentence=TEXTS[1], section="二、综合评价",
               report=report, start=900, end=903),
        Figure(text="92", value="92", unit="%", kind="percent", qualifier="target", phrase="满意度",
               clause="满意度达到92%以上", sentence=TEXTS[2], section="一、部门概况",
               report=report, start=80, end=82),
    ]


def make_info(report: str = REPORT, content_hash: str = "hash-v1", title: str = "荔湾区残联2023年度绩效自评报告",
              year: int | None = 2023) -> ReportInfo:
    return ReportInfo(id=report, title=title, year=year, source=f"{report}.txt", chars=1234, sections=7,
                      content_hash=content_hash)


class FailingEmbeddings(HashingEmbeddings):
    """Fake embeddings whose embed_documents raises on its n-th call (a model crash in the middle of an ingest)."""

    def __init__(self, fail_on_call: int) -> None:
        super().__init__()
        self.fail_on_call = fail_on_call

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.calls + 1 == self.fail_on_call:
            self.calls += 1
            raise RuntimeError("embedding model crashed")
        return super().embed_documents(texts)


def collection_names(store: ReportStore) -> set[str]:
    return {c.name for c in store.client.list_collections()}


@pytest.fixture
def client(tmp_settings: Settings):
    return open_client(tmp_settings)


@pytest.fixture
def store(client, fake_embeddings: HashingEmbeddings) -> ReportStore:
    return ReportStore(client, fake_embeddings)


@pytest.fixture
def ingested(store: ReportStore) -> ReportStore:
    assert store.replace_report(make_info(), make_chunks(), make_figures()) is True
    return store


def test_starts_empty(store: ReportStore) -> None:
    assert store.reports() == []
    assert store.search_chunks("残疾人", 3) == []
    assert store.search_figures("残疾人", 3) == []
    assert store.version() == store.version()
    store.ping()
    with pytest.raises(ReportNotFound):
        store.get_report(REPORT)


def test_replace_then_search_returns_the_right_chunk(ingested: ReportStore) -> None:
    hits = ingested.search_chunks("有多少名残疾人在托？", 3)
    assert [c.text for c, _ in hits][0] == TEXTS[1]
    assert hits[0][0] == make_chunks()[1]  # every field comes back
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(-1.0 <= s <= 1.0 for s in scores)
    # what is embedded is the chunk with its heading path, so that the heading takes part in matching
    exact = ingested.search_chunks(make_chunks()[2].embedding_text, 1)
    assert exact[0][0].text == TEXTS[2] and exact[0][1] == pytest.approx(1.0, abs=1e-5)
    assert ingested.chunks(REPORT) == make_chunks()


def test_registry_records_the_report(ingested: ReportStore) -> None:
    [info] = ingested.reports()
    assert info == ingested.get_report(REPORT)
    assert (info.id, info.title, info.year, info.source, info.chars, info.sections) == (
        REPORT, "荔湾区残联2023年度绩效自评报告", 2023, f"{REPORT}.txt", 1234, 7)
    assert (info.chunks, info.figures, info.content_hash) == (3, 5, "hash-v1")
    assert info.embedding_model == "fake:hashing-64" and info.ingested_at


def test_report_without_year_round_trips(store: ReportStore) -> None:
    store.replace_report(make_info(year=None), make_chunks(), [])
    assert store.get_report(REPORT).year is None
    assert store.figures(REPORT) == []


def test_idempotent_reingest_writes_nothing(ingested: ReportStore, fake_embeddings: HashingEmbeddings) -> None:
    before = (collection_names(ingested), ingested.version(), fake_embeddings.calls, ingested.reports())
    assert ingested.replace_report(make_info(), make_chunks(), make_figures()) is False
    assert (collection_names(ingested), ingested.version(), fake_embeddings.calls, ingested.reports()) == before


def test_changed_content_swaps_atomically(ingested: ReportStore) -> None:
    old_names = collection_names(ingested) - {"report-registry"}
    old_version = ingested.version()
    new_texts = ["2024年度部门预算收入3000.00万元。", "托养中心现有150名残疾人在托。"]
    assert ingested.replace_report(make_info(content_hash="hash-v2"), make_chunks(texts=new_texts), []) is True
    new_names = collection_names(ingested) - {"report-registry"}
    assert len(new_names) == 2 and not (old_names & new_names)  # old collections gone
    assert ingested.version() != old_version
    assert [c.text for c in ingested.chunks(REPORT)] == new_texts
    assert ingested.search_chunks("残疾人在托", 1)[0][0].text == new_texts[1]
    assert ingested.figures(REPORT) == []
    assert ingested.get_report(REPORT).content_hash == "hash-v2"


@pytest.mark.parametrize("fail_on_call", [1, 2])  # on the chunks, or on the figure clauses
def test_failure_midway_keeps_the_old_report_serving(client, ingested: ReportStore, fail_on_call: int) -> None:
    names, version, chunks = collection_names(ingested), ingested.version(), ingested.chunks(REPORT)
    failing = ReportStore(client, FailingEmbeddings(fail_on_call))
    with pytest.raises(RuntimeError, match="crashed"):
        failing.replace_report(make_info(content_hash="hash-v2"), make_chunks(texts=["新的内容"]), make_figures())
    assert collection_names(ingested) == names  # no leftover half-built collection
    assert ingested.version() == version
    assert ingested.chunks(REPORT) == chunks
    assert ingested.get_report(REPORT).content_hash == "hash-v1"
    assert ingested.search_chunks("残疾人在托", 1)[0][0].text == TEXTS[1]


def test_failing_progress_callback_also_rolls_back(ingested: ReportStore) -> None:
    names = collection_names(ingested)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingested.replace_report(make_info(content_hash="hash-v2"), make_chunks(), make_figures(), progress=cancel)
    assert collection_names(ingested) == names
    assert ingested.get_report(REPORT).content_hash == "hash-v1"


def test_progress_reports_every_embedded_text(store: ReportStore) -> None:
    calls: list[tuple[int, int]] = []
    store.replace_report(make_info(), make_chunks(), make_figures(), progress=lambda d, t: calls.append((d, t)))
    # 3 chunks + 4 distinct clauses (one of the 5 figures repeats a clause)
    assert calls[-1] == (7, 7)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_two_reports_and_search_restricted_by_report_ids(ingested: ReportStore) -> None:
    other = "另一份报告-2022"  # Chinese ids must become valid Chroma collection names
    other_texts = ["托养中心现有120名残疾人在托。", "图书馆新增阅览座位200个。"]
    ingested.replace_report(make_info(other, title="2022年报告", year=2022), make_chunks(other, other_texts),
                            make_figures(other))
    assert [r.id for r in ingested.reports()] == sorted([REPORT, other])
    both = ingested.search_chunks("残疾人在托", 2)
    assert {c.report for c, _ in both} == {REPORT, other}  # merged across reports
    only = ingested.search_chunks("残疾人在托", 5, report_ids=[other])
    assert {c.report for c, _ in only} == {other} and len(only) == 2
    figs = ingested.search_figures("在托残疾人", 10, report_ids=[REPORT])
    assert {f.report for f, _ in figs} == {REPORT}
    with pytest.raises(ReportNotFound):
        ingested.search_chunks("残疾人", 3, report_ids=["no-such-report"])


def test_search_by_vector_equals_search_by_text(ingested: ReportStore) -> None:
    vector = ingested.embed_query("满意度")
    assert ingested.search_chunks_by_vector(vector, 2) == ingested.search_chunks("满意度", 2)
    assert ingested.search_figures_by_vector(vector, 2) == ingested.search_figures("满意度", 2)
    assert ingested.search_figures("满意度", 1)[0][0].clause == "满意度达到92%以上"


def test_remove_report(ingested: ReportStore) -> None:
    version = ingested.version()
    ingested.remove_report(REPORT)
    assert ingested.reports() == []
    assert collection_names(ingested) == {"report-registry"}
    assert ingested.version() != version
    for call in (lambda: ingested.get_report(REPORT), lambda: ingested.chunks(REPORT),
                 lambda: ingested.remove_report(REPORT)):
        with pytest.raises(ReportNotFound):
            call()


def test_figures_round_trip_exactly(ingested: ReportStore) -> None:
    stored = ingested.figures(REPORT)
    expected = sorted(make_figures(), key=lambda f: f.start)
    assert stored == expected
    # `extra` is excluded from Figure equality: compare it, and every field, explicitly
    assert [f.to_metadata() for f in stored] == [f.to_metadata() for f in expected]
    assert stored[0].extra == {"total_of": ["2694.16"], "note": "含上年结转"}
    assert [f.id for f in stored] == [f.id for f in expected]


def test_identical_clauses_are_embedded_once(store: ReportStore, fake_embeddings: HashingEmbeddings) -> None:
    seen: list[str] = []
    original = fake_embeddings.embed_documents
    fake_embeddings.embed_documents = lambda texts: (seen.extend(texts), original(texts))[1]  # type: ignore
    store.replace_report(make_info(), make_chunks(), make_figures())
    assert seen.count("托养中心现有143名残疾人在托") == 1
    assert len(store.figures(REPORT)) == 5


def test_model_mismatch_raises(client, ingested: ReportStore) -> None:
    other = ReportStore(client, HashingEmbeddings(model_id="fake:another-model"))
    assert [r.id for r in other.reports()] == [REPORT]  # listing still works
    for call in (lambda: other.search_chunks("残疾人", 3), lambda: other.search_figures("残疾人", 3),
                 lambda: other.chunks(REPORT)):
        with pytest.raises(EmbeddingModelMismatch) as err:
            call()
        message = str(err.value)
        assert "fake:hashing-64" in message and "fake:another-model" in message and "\n" not in message
    # re-ingesting the same content with the new model is not a no-op: it rebuilds
    assert other.replace_report(make_info(), make_chunks(), make_figures()) is True
    assert other.search_chunks("残疾人在托", 1)[0][0].text == TEXTS[1]
    with pytest.raises(EmbeddingModelMismatch):
        ingested.search_chunks("残疾人", 1)


def test_query_vector_of_the_wrong_dimension_is_a_mismatch(ingested: ReportStore) -> None:
    with pytest.raises(EmbeddingModelMismatch):
        ingested.search_chunks_by_vector([0.1] * 8, 3)


def test_version_is_shared_across_store_instances(client, ingested: ReportStore,
                                                  fake_embeddings: HashingEmbeddings) -> None:
    reader = ReportStore(client, fake_embeddings)
    assert reader.version() == ingested.version()
    ingested.replace_report(make_info(content_hash="hash-v2"), make_chunks(), [])
    assert reader.version() == ingested.version()


def test_prune_removes_old_leftovers_only(client, ingested: ReportStore) -> None:
    served = collection_names(ingested)
    meta = {"kind": "chunks", "report": REPORT, "generation": "dead", "embedding_model": "fake:hashing-64",
            "dimension": 64}
    client.create_collection("chunks-liwan-2023-old", embedding_function=None,
                             metadata={**meta, "created_at": time.time() - 3600})
    client.create_collection("chunks-liwan-2023-building", embedding_function=None,
                             metadata={**meta, "created_at": time.time()})  # a concurrent ingest's
    client.create_collection("someone-elses", embedding_function=None, metadata={"created_at": 0.0})
    assert ingested.prune() == ["chunks-liwan-2023-old"]
    assert collection_names(ingested) == served | {"chunks-liwan-2023-building", "someone-elses"}
    # replace_report prunes first: a killed ingest's leftovers disappear on the next ingest
    client.create_collection("figures-liwan-2023-old", embedding_function=None,
                             metadata={**meta, "kind": "figures", "created_at": time.time() - 3600})
    ingested.replace_report(make_info(content_hash="hash-v2"), make_chunks(), make_figures())
    assert "figures-liwan-2023-old" not in collection_names(ingested)


def test_invalid_input_is_refused_before_writing(store: ReportStore) -> None:
    chunks = make_chunks()
    with pytest.raises(ValueError, match="duplicate"):
        store.replace_report(make_info(), chunks + chunks[:1], [])
    with pytest.raises(ValueError, match="other"):
        store.replace_report(make_info(), make_chunks("other"), [])
    assert collection_names(store) <= {"report-registry"}


def test_persists_across_processes(tmp_settings: Settings, ingested: ReportStore) -> None:
    """A new process opening the same folder sees the report (not just this process's cached client)."""
    script = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from app.settings import Settings
        from tests.conftest import HashingEmbeddings
        from vectorstore.store import ReportStore, open_client
        store = ReportStore(open_client(Settings(data_dir=Path({str(tmp_settings.data_dir)!r}))), HashingEmbeddings())
        hits = store.search_chunks("有多少名残疾人在托？", 1)
        print(json.dumps({{"reports": [r.id for r in store.reports()], "top": hits[0][0].text,
                          "figures": len(store.figures({REPORT!r})), "version": store.version()}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"reports": [REPORT], "top": TEXTS[1], "figures": 5, "version": ingested.version()}


# ---- a real Chroma server -------------------------------------------------------------------------------------


def server_settings(server, tmp_path: Path) -> Settings:
    host, port = server
    return Settings(data_dir=tmp_path / "client-side", chroma_host=host, chroma_port=port)


@pytest.mark.chroma_server
def test_server_replace_search_list(chroma_server, tmp_path: Path, fake_embeddings: HashingEmbeddings) -> None:
    store = ReportStore(open_client(server_settings(chroma_server, tmp_path)), fake_embeddings)
    store.ping()
    assert store.replace_report(make_info(), make_chunks(), make_figures()) is True
    assert store.replace_report(make_info(), make_chunks(), make_figures()) is False
    assert [r.id for r in store.reports()] == [REPORT]
    assert store.search_chunks("有多少名残疾人在托？", 1)[0][0].text == TEXTS[1]
    assert store.figures(REPORT) == sorted(make_figures(), key=lambda f: f.start)
    # a second app instance on the same server sees the same data and version
    second = ReportStore(open_client(server_settings(chroma_server, tmp_path)), HashingEmbeddings())
    assert second.version() == store.version() and second.chunks(REPORT) == make_chunks()


@pytest.mark.chroma_server
def test_server_down_is_unavailable_then_recovers(chroma_server, tmp_path: Path,
                                                  fake_embeddings: HashingEmbeddings) -> None:
    store = ReportStore(open_client(server_settings(chroma_server, tmp_path)), fake_embeddings)
    store.replace_report(make_info(), make_chunks(), make_figures())
    version = store.version()
    chroma_server.stop()
    for call in (store.ping, store.reports, store.version, lambda: store.search_chunks("残疾人", 3),
                 lambda: store.chunks(REPORT),
                 lambda: store.replace_report(make_info(content_hash="v2"), make_chunks(), [])):
        with pytest.raises(StoreUnavailable) as err:
            call()
        message = str(err.value)
        assert f"{chroma_server.host}:{chroma_server.port}" in message and "\n" not in message
    chroma_server.start()  # same folder, same port
    store.ping()
    assert store.version() == version
    assert store.search_chunks("有多少名残疾人在托？", 1)[0][0].text == TEXTS[1]


@pytest.mark.chroma_server
def test_store_opened_while_server_down_connects_later(chroma_server, tmp_path: Path,
                                                       fake_embeddings: HashingEmbeddings) -> None:
    settings = server_settings(chroma_server, tmp_path)
    chroma_server.stop()
    with pytest.raises(StoreUnavailable) as err:
        open_client(settings)
    assert "\n" not in str(err.value)
    store = open_store(settings, fake_embeddings)  # lazy: the app can start before Chroma
    with pytest.raises(StoreUnavailable):
        store.reports()
    chroma_server.start()
    assert store.reports() == []
    assert store.replace_report(make_info(), make_chunks(), []) is True


def test_long_ingest_keeps_its_collections_alive(client, store: ReportStore, monkeypatch) -> None:
    """An ingest that runs longer than the prune grace period (8 steps of 0.3 s > 1.5 s) refreshes touched_at, so
    prune spares it; the grace is wide enough that a loaded machine between two touches does not matter."""
    import vectorstore.store as store_module

    monkeypatch.setattr(store_module, "TOUCH_EVERY_S", 0.0)
    monkeypatch.setattr(store_module, "EMBED_BATCH", 1)
    pruned: list[list[str]] = []
    rival = ReportStore(client, HashingEmbeddings(), prune_grace_s=1.5)

    def slow_progress(done: int, total: int) -> None:
        time.sleep(0.3)
        pruned.append(rival.prune())  # another process's ingest starting now

    assert store.replace_report(make_info(), make_chunks(), make_figures(), progress=slow_progress)
    assert pruned and not any(pruned)
    assert len(store.chunks(REPORT)) == 3 and len(store.figures(REPORT)) == 5


def test_search_survives_a_concurrent_swap(ingested: ReportStore, monkeypatch) -> None:
    """A reader that read the registry just before another ingest swapped and dropped the old collections."""
    stale = ingested._records()
    ingested.replace_report(make_info(content_hash="hash-v2"), make_chunks(texts=["托养中心现有150名残疾人在托。"]), [])
    real_records = ingested._records
    calls = iter([stale])
    monkeypatch.setattr(ingested, "_records", lambda ids=None: next(calls, None) or real_records(ids))
    assert ingested.search_chunks("残疾人在托", 1)[0][0].text == "托养中心现有150名残疾人在托。"


def test_read_only_store_is_store_not_writable(store: ReportStore, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise RuntimeError("attempt to write a readonly database")

    monkeypatch.setattr(store.client, "create_collection", refuse)
    with pytest.raises(StoreNotWritable):
        store.replace_report(make_info(), make_chunks(), [])
    assert store.reports() == []


def test_empty_report_ids_finds_nothing(ingested: ReportStore) -> None:
    assert ingested.search_chunks("残疾人", 3, report_ids=[]) == []
