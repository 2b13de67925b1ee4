"""Dense search over many reports: searched in parallel, only the winners read, yet exactly the plain merge.

The reference queries each report's collection in turn with documents and metadata and merges by similarity
(ties in report order), which is what a search over several reports must return.
"""
from __future__ import annotations

import pytest

from tests.conftest import HashingEmbeddings
from tests.vectorstore.test_store import make_chunks, make_figures, make_info
from vectorstore.store import CHUNKS, FIGURES, ReportStore, StoreUnavailable, open_client

REPORTS = [f"district-{n}-2023" for n in range(7)]
PLACES = ["荔湾", "越秀", "海珠", "天河", "白云", "黄埔", "番禺"]
QUESTIONS = ["现有多少名残疾人在托？", "培训了多少人次", "部门预算收入是多少", "满意度", "图书馆", "荔湾区残联"]


def _texts(n: int) -> list[str]:
    return [f"{PLACES[n]}区2023年度部门预算收入{2700 + 37 * n}.38万元，其中财政拨款收入{2694 - n}.16万元。",
            f"{PLACES[n]}托养中心现有{143 + n}名残疾人在托，全年组织康复训练。",
            f"开展就业培训{6 + n % 3}期，培训残疾人{312 + 5 * n}人次，满意度达到{90 + n % 4}%以上。",
            "图书馆新增阅览座位200个。"]  # the same text in every report: equal similarities, report order decides


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ReportStore:
    from app.settings import Settings

    store = ReportStore(open_client(Settings(data_dir=tmp_path_factory.mktemp("many"))), HashingEmbeddings())
    for n, report in enumerate(REPORTS):
        store.replace_report(make_info(report), make_chunks(report, _texts(n)), make_figures(report))
    return store


def _plain_merge(store: ReportStore, question: str, k: int, report_ids: list[str] | None, kind: str):
    vector = store.embed_query(question)
    hits = []
    for record in store._records(report_ids):
        name = record.chunks_collection if kind == CHUNKS else record.figures_collection
        got = store.client.get_collection(name).query(query_embeddings=[vector], n_results=k,
                                                      include=["documents", "metadatas", "distances"])
        hits.extend((cid, doc, meta, 1.0 - dist) for cid, doc, meta, dist in
                    zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]))
    hits.sort(key=lambda h: h[3], reverse=True)
    return hits[:k]


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("k", [1, 3, 8, 50])
@pytest.mark.parametrize("kind", [CHUNKS, FIGURES])
def test_a_search_over_many_reports_is_the_plain_merge(store: ReportStore, question: str, k: int, kind: str) -> None:
    for report_ids in (None, REPORTS[2:5], [REPORTS[6], REPORTS[0]], [REPORTS[3]]):
        vector = store.embed_query(question)
        assert store._search(vector, k, report_ids, kind) == _plain_merge(store, question, k, report_ids, kind)


def test_public_searches_return_the_winners_with_their_text(store: ReportStore) -> None:
    chunks = store.search_chunks("托养中心现有多少名残疾人在托", 3)
    assert len(chunks) == 3 and all("在托" in c.text for c, _ in chunks)
    assert [s for _, s in chunks] == sorted((s for _, s in chunks), reverse=True)
    figures = store.search_figures("满意度达到92%以上", len(REPORTS))
    assert {f.report for f, _ in figures} == set(REPORTS) and all(f.clause == "满意度达到92%以上" for f, _ in figures)


@pytest.mark.chroma_server
def test_a_server_search_over_many_reports_is_the_plain_merge_and_fails_in_one_line(chroma_server, tmp_path) -> None:
    """Against a `chroma run` server (an HTTP call per report, made concurrently): same hits; server down -> 503."""
    from app.settings import Settings

    host, port = chroma_server
    store = ReportStore(open_client(Settings(data_dir=tmp_path / "client", chroma_host=host, chroma_port=port)),
                        HashingEmbeddings())
    for n, report in enumerate(REPORTS[:4]):
        store.replace_report(make_info(report), make_chunks(report, _texts(n)), make_figures(report))
    for question in QUESTIONS[:3]:
        for kind, k in ((CHUNKS, 5), (FIGURES, 9)):
            assert store._search(store.embed_query(question), k, None, kind) == _plain_merge(
                store, question, k, None, kind)
    chroma_server.stop()
    with pytest.raises(StoreUnavailable) as err:
        store.search_figures("满意度", 5)
    assert f"{host}:{port}" in str(err.value) and "\n" not in str(err.value)
