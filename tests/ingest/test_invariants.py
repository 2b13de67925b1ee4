"""Every ingest checks itself: every word lies in a chunk, every number is a figure or of a named class.

Also: reports in traditional characters are read in simplified characters and quoted in their own.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest.__main__ as ingest_cli
import ingest.pipeline as pipeline
from app.settings import Settings
from ingest.clean import clean_report_text, is_traditional
from ingest.figures import UNCLASSIFIED, number_census
from ingest.pipeline import IngestInvariantError, prepare_report
from tests.ingest.test_cli import REPORT, REPORT_ID, env, run, the_store  # noqa: F401 (env is a fixture)

REPORTS = Path(__file__).resolve().parent / "reports"
ALL_REPORTS = sorted(REPORTS.glob("*.txt")) + [REPORT]


# --- coverage ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_every_word_of_every_report_lies_in_a_chunk(path: Path) -> None:
    p = prepare_report(path)
    assert p.chunks and p.info.coverage == 1.0
    assert p.info.chunks == len(p.chunks)


def test_a_chunker_that_drops_text_fails_the_ingest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is real: an ingest that loses a passage raises instead of storing less than it read."""
    real = pipeline.chunk_paragraphs
    monkeypatch.setattr(pipeline, "chunk_paragraphs", lambda *a, **k: real(*a, **k)[1:])
    with pytest.raises(IngestInvariantError, match=r"coverage 9\d\.\d\d% < 100%"):
        prepare_report(REPORTS / "school-2024.txt")
    monkeypatch.setattr(pipeline, "chunk_paragraphs", lambda *a, **k: [])
    with pytest.raises(IngestInvariantError, match="but 0 chunks"):
        prepare_report(REPORTS / "hospital-conclusion-2022.txt")


def test_the_cli_says_so_in_one_line_and_stores_nothing(env: Settings, capsys: pytest.CaptureFixture[str],  # noqa: F811
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "chunk_paragraphs", lambda *a, **k: [])
    status, out, err = run([str(REPORTS / "hospital-conclusion-2022.txt"), "--quiet"], capsys)
    assert status == 1 and "ingested" not in out
    assert len(err.strip().split("\n")) == 1 and err.startswith("error: ") and "0 chunks" in err
    assert the_store(env).reports() == []


# --- every number accounted for ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_REPORTS, ids=lambda p: p.stem)
def test_no_number_is_left_unclassified(path: Path) -> None:
    p = prepare_report(path)
    census = number_census(p.paragraphs, p.figures, p.cleaned.text, p.cleaned.tables)
    assert [(u.text, u.context) for u in census if u.cls == UNCLASSIFIED] == []
    counts = json.loads(p.info.numbers)
    assert p.info.unclassified == 0 and sum(counts.values()) == len(census) > 0


@pytest.mark.parametrize(
    ("name", "number", "context", "cls"),
    [
        ("web-education-2021.txt", "11440606", "索引号:11440606", "identifier"),
        ("web-education-2021.txt", "04", "2022-04-18", "date"),
        ("web-education-2021.txt", "2022", "顺财绩〔", "document"),
        ("web-education-2021.txt", "22321234", "0757-", "phone"),
        ("web-education-2021.txt", "1", "(图1", "reference"),
        ("web-education-2021.txt", "2", "2.收入结构", "heading"),
        ("federation-2020.txt", "15", "〔2021〕15号", "document"),
        ("federation-2020.txt", "26", "3月26日", "date"),
        ("street-office-2020.txt", "2", "2、绩效目标", "heading"),
        ("street-office-2020.txt", "1", "(1)部门职能", "heading"),
        ("traditional-civil-affairs-2023.txt", "2283456", "0758-", "phone"),
        ("school-2024.txt", "2023", "与2023年度", "year"),
        ("liwan-dpf-2023-performance-self-evaluation.txt", "12345", "市长热线", "identifier"),
        ("liwan-dpf-2023-performance-self-evaluation.txt", "33", "第33次", "ordinal"),
        ("liwan-dpf-2023-performance-self-evaluation.txt", "143", "现有143名", "figure"),
    ],
)
def test_numbers_by_class(name: str, number: str, context: str, cls: str) -> None:
    """`context` is words of the report around the number, the number included."""
    p = prepare_report(REPORTS / name if name != REPORT.name else REPORT)
    census = number_census(p.paragraphs, p.figures, p.cleaned.text, p.cleaned.tables)
    found = [u for u in census if u.text == number
             and context in p.cleaned.text[max(0, u.start - len(context)):u.end + len(context)]]
    assert found and {u.cls for u in found} == {cls}, [(u.text, u.cls, u.context) for u in census if u.text == number]


def test_the_summary_line_prints_numbers_by_class(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    status, out, err = run([str(REPORTS / "web-education-2021.txt"), "--quiet"], capsys)
    assert status == 0, err
    line = out.strip()
    assert "coverage 100.0%" in line and "0 unclassified" in line
    for part in ("in figures", "identifier", "date", "document", "phone", "reference", "heading"):
        assert part in line, part
    info = the_store(env).get_report("web-education-2021")
    assert (info.coverage, info.unclassified, info.body) == (1.0, 0, "佛山市顺德区教育局")
    assert json.loads(info.numbers)["phone"] == 2


def test_figures_unclassified_lists_what_is_left(env: Settings, capsys: pytest.CaptureFixture[str],  # noqa: F811
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    run([str(REPORTS / "school-2024.txt"), "--quiet"], capsys)
    status, out, _ = run(["--figures", "school-2024", "--unclassified"], capsys)
    assert status == 0 and out.strip() == "0 unclassified number(s) in school-2024"
    # a census that cannot place a number lists it with its words
    real = pipeline.number_census
    monkeypatch.setattr(pipeline, "number_census", lambda *a: [
        u if u.text != "142" else type(u)(u.text, u.start, u.end, UNCLASSIFIED, u.context) for u in real(*a)])
    run([str(REPORTS / "school-2024.txt"), "--quiet", "--id", "school-again"], capsys)
    status, out, _ = run(["--figures", "school-again", "--unclassified"], capsys)
    listed, total = out.strip().split("\n")
    assert status == 0 and listed.startswith("142\t") and "教职工142人" in listed
    assert total == "1 unclassified number(s) in school-again"


def test_check_reads_without_a_store(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path) -> None:
    monkeypatch.setattr("vectorstore.embeddings.build_embeddings", lambda settings: pytest.fail("no model"))
    status, out, err = run(["--check", str(REPORTS / "federation-2020.txt"), str(REPORTS / "school-2024.txt")], capsys)
    assert status == 0, err
    lines = out.strip().split("\n")
    assert [line.split(":")[0] for line in lines] == ["federation-2020", "school-2024"]
    assert all("checked" in line and "coverage 100.0%" in line for line in lines)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    status, out, err = run(["--check", str(empty)], capsys)
    assert status == 1 and err.startswith("error: ")


# --- traditional characters ----------------------------------------------------------------------------------------

TRADITIONAL = REPORTS / "traditional-civil-affairs-2023.txt"


def test_a_traditional_report_is_read_in_simplified_characters_and_quoted_in_its_own() -> None:
    p = prepare_report(TRADITIONAL)
    raw = TRADITIONAL.read_text(encoding="utf-8")
    assert p.info.script == "traditional" and is_traditional(raw)
    assert "经费" in p.cleaned.text and "經費" not in p.cleaned.text
    assert len(p.cleaned.original) == len(p.cleaned.text) and "經費" in p.cleaned.original
    assert p.info.title == "肇慶市端州區民政局2023年度“三公”經費支出情況說明"  # shown as the report writes it
    assert (p.info.body, p.info.year) == ("肇庆市端州区民政局", 2023)  # matched in simplified characters
    f = next(f for f in p.figures if f.display == "5.10万元")
    assert f.phrase.startswith("公务用车购置及运行维护费")
    assert f.extra["original"] in raw and "維護費" in f.extra["original"]
    assert p.cleaned.text[f.start:f.end] == p.cleaned.original[f.start:f.end] == "5.10"
    for c in p.chunks:
        assert c.original and c.original in raw.replace("\n\n", "\n") and len(c.original) == len(c.text)
        assert c.to_metadata()["original"] == c.original


@pytest.mark.parametrize("path", [REPORT, REPORTS / "school-2024.txt", REPORTS / "health-sangong-2022.txt"],
                         ids=lambda p: p.stem)
def test_a_simplified_report_is_not_converted(path: Path) -> None:
    cleaned = clean_report_text(path.read_text(encoding="utf-8"))
    assert cleaned.original == "" and cleaned.original_span(0, 5) == cleaned.text[:5]
    assert not is_traditional(path.read_text(encoding="utf-8"))


def test_the_same_report_in_both_scripts_gives_the_same_figures() -> None:
    import opencc

    simplified = clean_report_text(opencc.OpenCC("t2s").convert(TRADITIONAL.read_text(encoding="utf-8")))
    traditional = clean_report_text(TRADITIONAL.read_text(encoding="utf-8"))
    assert simplified.text == traditional.text



# --- reports with tables, in every format ------------------------------------------------------------------------

TABLE_SPECS = ("EDUCATION", "HEALTH", "STREET_PROJECT", "HRSS_PROJECT")


@pytest.mark.parametrize("fmt", ["docx", "pdf", "txt"])
@pytest.mark.parametrize("spec_name", TABLE_SPECS)
def test_table_reports_ingest_whole_and_every_number_is_placed(spec_name: str, fmt: str, tmp_path: Path) -> None:
    """Tables' cells are figures, their headers and row labels named classes; nothing is left over."""
    import tests.ingest.table_reports as builders

    spec = getattr(builders, spec_name)
    make = {"docx": builders.make_docx_report, "pdf": builders.make_pdf_report, "txt": builders.make_text_report}[fmt]
    p = prepare_report(make(spec, tmp_path / f"{spec_name.lower()}.{fmt}"))
    assert p.info.tables >= 1 and p.info.cells > 0 and p.info.coverage == 1.0
    census = number_census(p.paragraphs, p.figures, p.cleaned.text, p.cleaned.tables)
    assert [(u.text, u.context) for u in census if u.cls == UNCLASSIFIED] == []
    assert json.loads(p.info.numbers)["figure"] >= p.info.cells


@pytest.mark.parametrize("text", ["项目开展流行病学调查。自评表见表2。表2 2025年度项目支出绩效自评表",
                                  "全年支出情况见下表；表1 2023年度部门收支情况（单位：万元）"])
def test_a_caption_after_a_sentence_end_is_a_reference(text: str) -> None:
    """"。表2 2025年度…": a table's caption starting a sentence points to the table; its number is no figure."""
    from ingest.numbers import ROLE_REFERENCE, _special_spans

    import re

    caption = re.search(r"[。；]表(\d)", text).start(1)
    assert any(start <= caption < end and role == ROLE_REFERENCE for start, end, role in _special_spans(text))
