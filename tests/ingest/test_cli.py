"""python -m ingest: ingest, --list, --remove, --figures --csv, --if-needed; every bad input is one line and exit 1."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import ingest.__main__ as ingest_cli
from app.settings import PROJECT_ROOT, Settings
from tests.conftest import HashingEmbeddings
from tests.ingest.sample_docs import make_docx, make_image_only_pdf, make_pdf
from vectorstore.store import ReportStore, open_client

REPORT = PROJECT_ROOT / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
REPORT_ID = "liwan-dpf-2023-performance-self-evaluation"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI's environment points at the test's folder; its embeddings are the fast fake ones."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHROMA_PATH", str(data_dir / "chroma"))
    for name in ("CHROMA_HOST", "CHROMA_PORT", "EMBEDDING_BACKEND", "EMBEDDING_MODEL_PATH", "CHUNK_SIZE",
                 "CHUNK_OVERLAP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("vectorstore.embeddings.build_embeddings", lambda settings: HashingEmbeddings())
    return Settings(data_dir=data_dir, chroma_path=data_dir / "chroma")


def the_store(settings: Settings) -> ReportStore:
    """The same Chroma folder the CLI writes, seen from the test."""
    return ReportStore(open_client(settings), HashingEmbeddings())


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = ingest_cli.cli(argv)
    out, err = capsys.readouterr()
    return status, out, err


# --- ingesting --------------------------------------------------------------------------------------------------


def test_ingest_a_file_prints_a_summary(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([str(REPORT), "--quiet"], capsys)
    assert status == 0, err
    [line] = out.strip().split("\n")
    assert line.startswith(f"{REPORT_ID}: ingested | 2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告 | year 2023")
    for part in ("chunks", "figures", "sections", "duplicate chars removed"):
        assert part in line
    assert [r.id for r in the_store(env).reports()] == [REPORT_ID]
    # the same file again: nothing written
    version = the_store(env).version()
    status, out, _ = run([str(REPORT), "--quiet"], capsys)
    assert status == 0 and "unchanged, nothing written" in out
    assert the_store(env).version() == version


def test_no_file_ingests_the_builtin_report(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["--json", "--quiet"], capsys)
    assert status == 0, err
    [record] = [json.loads(line) for line in out.strip().split("\n")]
    assert record["id"] == REPORT_ID and record["changed"] is True and record["year"] == 2023
    assert record["duplicate_chars_removed"] > 1000 and record["chunks"] > 20 and record["figures"] > 120


def test_id_names_the_report(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, _ = run([str(REPORT), "--id", "liwan-2023", "--quiet"], capsys)
    assert status == 0
    assert [r.id for r in the_store(env).reports()] == ["liwan-2023"]
    status, _, err = run([str(REPORT), str(REPORT), "--id", "x", "--quiet"], capsys)
    assert status == 1 and len(err.strip().split("\n")) == 1 and "--id" in err


def test_progress_bar_on_stderr(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([str(REPORT)], capsys)
    assert status == 0
    assert "embedding" in err and REPORT.name in err
    assert "embedding" not in out


def test_list_remove(env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = run(["--list"], capsys)
    assert status == 0 and out.strip() == "no reports ingested"
    other = tmp_path / "yuexiu-2022.txt"
    other.write_text(REPORT.read_text(encoding="utf-8").replace("荔湾", "越秀").replace("2023 年度广州市", "2022 年度广州市", 1),
                     encoding="utf-8")
    assert run([str(REPORT), str(other), "--quiet"], capsys)[0] == 0
    status, out, _ = run(["--list"], capsys)
    lines = out.strip().split("\n")
    assert status == 0 and len(lines) == 2
    assert lines[0].startswith(f"{REPORT_ID}\t2023\t") and "荔湾区" in lines[0]
    assert lines[1].startswith("yuexiu-2022\t2022\t") and "越秀区" in lines[1]
    status, out, _ = run(["--list", "--json"], capsys)
    assert [r["id"] for r in json.loads(out)] == [REPORT_ID, "yuexiu-2022"]

    status, out, _ = run(["--remove", "yuexiu-2022"], capsys)
    assert status == 0 and out.strip() == "removed yuexiu-2022"
    assert [r.id for r in the_store(env).reports()] == [REPORT_ID]
    # removing what is not there: one line, exit 1, nothing else touched
    version = the_store(env).version()
    status, out, err = run(["--remove", "yuexiu-2022"], capsys)
    assert status == 1 and len(err.strip().split("\n")) == 1 and "yuexiu-2022" in err
    assert the_store(env).version() == version


def test_figures_csv(env: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run([str(REPORT), "--quiet"], capsys)[0] == 0
    figures = the_store(env).figures(REPORT_ID)
    path = tmp_path / "figures.csv"
    status, out, _ = run(["--figures", REPORT_ID, "--csv", str(path)], capsys)
    assert status == 0 and out.strip() == f"wrote {len(figures)} figures to {path}"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(ingest_cli.FIGURE_COLUMNS)
    assert len(rows) - 1 == len(figures) > 120
    records = [dict(zip(rows[0], row)) for row in rows[1:]]
    [row143] = [r for r in records if r["text"] == "143"]
    assert (row143["unit"], row143["kind"], row143["clause"]) == ("名", "people", "现有143名残疾人在托")
    assert "三是聚焦精准高效" in row143["section"]
    # the plain listing: one line per figure
    status, out, _ = run(["--figures", REPORT_ID], capsys)
    assert status == 0 and len(out.strip().split("\n")) == len(figures)
    assert any(line.startswith("143名\tpeople\tlevel\t") for line in out.split("\n"))
    # to stdout
    status, out, _ = run(["--figures", REPORT_ID, "--csv", "-"], capsys)
    assert status == 0 and len(list(csv.reader(out.splitlines()))) == len(figures) + 1


def test_figures_of_a_missing_report(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["--figures", "nothing-here"], capsys)
    assert status == 1 and len(err.strip().split("\n")) == 1 and "nothing-here" in err


def test_if_needed(env: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--if-needed", "--quiet"], capsys)
    assert status == 0 and f"{REPORT_ID}: ingested" in out
    store = the_store(env)
    version, reports = store.version(), store.reports()
    status, out, _ = run(["--if-needed", "--quiet"], capsys)
    assert status == 0 and "nothing to ingest" in out
    assert store.version() == version and store.reports() == reports


# --- bad input ---------------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
RANDOM = bytes((i * 7919 + 13) % 256 for i in range(4096))  # NULs and control bytes included
HIGH_BYTES = bytes(0x20 + (i * 7919 + 13) % 0xE0 for i in range(4096))  # neither UTF-8 nor GBK text


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return build


def _directory(folder: Path) -> Path:
    path = folder / "reports.txt"
    path.mkdir()
    return path


def _corrupt_pdf(folder: Path) -> Path:
    data = make_pdf(REPORT.read_text(encoding="utf-8")[:2000], folder / "whole.pdf").read_bytes()
    path = folder / "corrupt.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def _corrupt_docx(folder: Path) -> Path:
    good = make_docx("广州市荔湾区残疾人联合会\n部门整体支出绩效自评报告", folder / "good.docx")
    path = folder / "corrupt.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    return path


BAD_INPUTS: dict[str, Callable[[Path], Path]] = {
    "missing file": lambda folder: folder / "nowhere.txt",
    "directory": _directory,
    "empty file": _bytes("empty.txt", b""),
    "binary file": _bytes("random.txt", RANDOM),
    "png renamed .txt": _bytes("image.txt", PNG),
    "unsupported .doc": _bytes("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
    "unsupported .xlsx": _bytes("figures.xlsx", b"PK\x03\x04" + bytes(100)),
    "undecodable bytes": _bytes("noise.txt", HIGH_BYTES),
    "corrupt pdf": _corrupt_pdf,
    "not a pdf at all": _bytes("fake.pdf", b"this is not a PDF " * 20),
    "corrupt docx": _corrupt_docx,
    "docx that is no zip": _bytes("fake.docx", RANDOM),
    "image-only pdf": lambda folder: make_image_only_pdf(folder / "scan.pdf", pages=2),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_exit_1_and_the_store_is_untouched(env: Settings, capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path, case: str) -> None:
    assert run([str(REPORT), "--quiet"], capsys)[0] == 0
    store = the_store(env)
    version, reports = store.version(), store.reports()
    chunks = store.chunks(REPORT_ID)
    folder = tmp_path / "incoming"
    folder.mkdir()
    bad = BAD_INPUTS[case](folder)

    status, out, err = run([str(bad), "--quiet"], capsys)
    assert status == 1
    lines = err.strip().split("\n")
    assert len(lines) == 1 and lines[0], err
    assert str(bad) in lines[0]
    assert "Traceback" not in err and out == ""
    assert store.version() == version and store.reports() == reports
    assert store.chunks(REPORT_ID) == chunks


def test_a_bad_file_among_good_ones_stops_before_it(env: Settings, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    """Files are ingested in order; the first bad one ends the run with its one line, the earlier ones stay."""
    bad = _bytes("empty.txt", b"")(tmp_path)
    status, out, err = run([str(REPORT), str(bad), "--quiet"], capsys)
    assert status == 1 and f"{REPORT_ID}: ingested" in out
    assert len(err.strip().split("\n")) == 1 and str(bad) in err
    assert [r.id for r in the_store(env).reports()] == [REPORT_ID]


# --- a real process ----------------------------------------------------------------------------------------------


def test_python_m_ingest_in_a_real_process(tmp_path: Path) -> None:
    """`python -m ingest FILE` from the project folder, with the real embedding model and a real Chroma folder."""
    excerpt = tmp_path / "liwan-excerpt.txt"
    lines = REPORT.read_text(encoding="utf-8").split("\n")
    excerpt.write_text("\n".join(lines[:60]), encoding="utf-8")  # title, 一、, （一） and its list: a small report
    chroma = tmp_path / "chroma"
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "CHROMA_PORT", "EMBEDDING_BACKEND")}
    env.update(DATA_DIR=str(tmp_path / "data"), CHROMA_PATH=str(chroma), ANONYMIZED_TELEMETRY="False")

    def python_m_ingest(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    done = python_m_ingest(str(excerpt), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("liwan-excerpt: ingested | 2023年度广州市荔湾区残疾人联合会部门整体支出绩效自评报告 | year 2023")
    listed = python_m_ingest("--list")
    assert listed.returncode == 0 and listed.stdout.startswith("liwan-excerpt\t2023\t")
    missing = python_m_ingest(str(tmp_path / "nowhere.txt"))
    assert missing.returncode == 1
    assert len(missing.stderr.strip().split("\n")) == 1 and "nowhere.txt" in missing.stderr
    assert chroma.is_dir() and any(chroma.iterdir())
