"""The report library over a real Chroma folder (fake embeddings): add, replace, remove, one at a time, bad files."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.library import (MAX_UPLOAD_BYTES, FileTooLarge, RejectedFile, ReportLibrary, UnknownReport, WrongFileType)
from app.settings import BUILTIN_REPORTS_DIR, Settings
from tests.conftest import HashingEmbeddings

BUILTIN = BUILTIN_REPORTS_DIR / "liwan-dpf-2023-performance-self-evaluation.txt"


class SlowEmbeddings(HashingEmbeddings):
    """Fake embeddings that take `delay_s` per batch and count how many batches run at once."""

    def __init__(self, delay_s: float = 0.0) -> None:
        super().__init__()
        self.delay_s = delay_s
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(self.delay_s)
            return super().embed_documents(texts)
        finally:
            with self._lock:
                self.running -= 1


def make_library(tmp_path: Path, embeddings: HashingEmbeddings | None = None) -> tuple[ReportLibrary, object]:
    from vectorstore.store import ReportStore, open_client

    settings = Settings(data_dir=tmp_path)
    store = ReportStore(open_client(settings), embeddings or HashingEmbeddings())
    return ReportLibrary(lambda: store, settings), store


def test_add_reports_each_step_then_the_summary(tmp_path):
    library, store = make_library(tmp_path)
    steps: list[tuple[float, str]] = []
    result = library.add(BUILTIN, name="区残联2023自评.txt", report_id="care-2023",
                         progress=lambda share, label: steps.append((share, label)))
    labels = [label for _, label in steps]
    assert labels[0] == "读取文件" and labels[-1] == "完成"
    assert [label for label in labels if not label.startswith("向量化")] == [
        "读取文件", "清理文本、识别章节和表格", "提取数字", "核对数字（审核）", "完成"]
    assert any(label.startswith("向量化并写入知识库（") for label in labels)
    shares = [share for share, _ in steps]
    assert shares == sorted(shares) and shares[-1] == 1.0
    summary = result.summary()
    assert summary["id"] == "care-2023" and summary["year"] == 2023 and summary["chunks"] > 10
    assert summary["findings"]["inconsistent"] == 6 and not summary["replaced"]
    assert [r.id for r in store.reports()] == ["care-2023"]
    assert len(library.audit("care-2023")) == len(result.findings)


def test_same_id_replaces_and_unchanged_content_writes_nothing(tmp_path):
    library, store = make_library(tmp_path)
    library.add(BUILTIN, report_id="care")
    again = library.add(BUILTIN, report_id="care")
    assert again.replaced and not again.changed
    changed = tmp_path / "new.txt"
    changed.write_text(BUILTIN.read_text(encoding="utf-8").replace("现有143名", "现有158名"), encoding="utf-8")
    newer = library.add(changed, report_id="care")
    assert newer.replaced and newer.changed
    assert any("158" in c.text for c in store.chunks("care"))


def test_the_id_comes_from_the_name_the_user_gave(tmp_path):
    library, _ = make_library(tmp_path)
    upload = tmp_path / "tmp-upload-123.txt"
    upload.write_bytes(BUILTIN.read_bytes())
    assert library.add(upload, name="Liwan Report 2023.txt").report.id == "liwan-report-2023"


@pytest.mark.parametrize("name, content, error, words", [
    ("report.xlsx", b"PK\x03\x04 not a report", WrongFileType, "不支持的文件类型"),
    ("report", b"text", WrongFileType, "无扩展名"),
    ("empty.txt", b"", RejectedFile, "文件是空的"),
    ("blank.txt", b"  \n\n \t ", RejectedFile, "文件是空的"),
    ("binary.txt", bytes(range(256)) * 40, RejectedFile, "内容不像一份报告"),
    ("fake.pdf", b"just some text, not a PDF", RejectedFile, "已损坏"),
    ("fake.docx", b"just some text, not a docx", RejectedFile, "已损坏"),
], ids=["wrong-type", "no-extension", "empty", "whitespace", "binary", "corrupt-pdf", "corrupt-docx"])
def test_a_bad_file_changes_nothing(tmp_path, name, content, error, words):
    library, store = make_library(tmp_path)
    library.add(BUILTIN, report_id="care")
    before = (store.version(), [r.id for r in store.reports()])
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        library.add(path, name=name, report_id="care")
    message = str(caught.value)
    assert words in message and "\n" not in message and name in message
    assert (store.version(), [r.id for r in store.reports()]) == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    library, store = make_library(tmp_path)
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.truncate(MAX_UPLOAD_BYTES + 1)  # sparse: no 50 MB written
    with pytest.raises(FileTooLarge, match="超过 50 MB"):
        library.add(big)
    assert store.reports() == []


def test_a_bad_report_id_is_refused(tmp_path):
    library, _ = make_library(tmp_path)
    with pytest.raises(RejectedFile, match="报告编号"):
        library.add(BUILTIN, report_id="../etc/passwd")


def test_remove_and_unknown_reports(tmp_path):
    library, store = make_library(tmp_path)
    library.add(BUILTIN, report_id="care")
    assert library.remove("care").id == "care"
    assert store.reports() == []
    with pytest.raises(UnknownReport):
        library.remove("care")
    with pytest.raises(UnknownReport):
        library.audit("care")


def test_ingests_run_one_at_a_time_and_the_second_is_told_to_wait(tmp_path):
    embeddings = SlowEmbeddings(delay_s=0.1)
    library, store = make_library(tmp_path, embeddings)
    other = tmp_path / "other.txt"
    other.write_text(BUILTIN.read_text(encoding="utf-8").replace("2023", "2024"), encoding="utf-8")
    heard: dict[str, list[str]] = {"a": [], "b": []}
    errors: list[BaseException] = []

    def run(key: str, path: Path, report_id: str) -> None:
        try:
            library.add(path, report_id=report_id, progress=lambda share, label: heard[key].append(label))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    first = threading.Thread(target=run, args=("a", BUILTIN, "one"))
    first.start()
    deadline = time.monotonic() + 10
    while not library.busy and time.monotonic() < deadline:
        time.sleep(0.01)
    second = threading.Thread(target=run, args=("b", other, "two"))
    second.start()
    first.join(60)
    second.join(60)
    assert not errors
    assert embeddings.most_at_once == 1
    assert heard["b"][0] == "等待前一份报告导入完成"
    assert sorted(r.id for r in store.reports()) == ["one", "two"]


def test_a_report_stored_without_an_audit_is_audited_from_its_figures(tmp_path):
    from ingest.pipeline import prepare_report

    library, store = make_library(tmp_path)
    prepared = prepare_report(BUILTIN, "care")
    store.replace_report(prepared.info, prepared.chunks, prepared.figures)  # as an ingest before audits did
    assert store.audit("care") is None
    findings = library.audit("care")
    assert sum(f.severity == "inconsistent" for f in findings) == 6  # the figures alone give every inconsistency


def test_the_cli_waits_for_an_ingest_of_another_process(tmp_path):
    """python -m ingest in another process takes the same lock file: it waits, says so, then ingests."""
    import os
    import queue
    import subprocess
    import sys

    from app.library import ingest_lock
    from app.settings import PROJECT_ROOT

    env = dict(os.environ, DATA_DIR=str(tmp_path), CHROMA_PATH=str(tmp_path / "chroma"), HF_HUB_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(PROJECT_ROOT))
    lines: queue.Queue[str] = queue.Queue()
    with ingest_lock(Settings(data_dir=tmp_path)):
        cli = subprocess.Popen([sys.executable, "-m", "ingest", str(BUILTIN), "--quiet"], cwd=PROJECT_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=lambda: [lines.put(line) for line in cli.stderr], daemon=True).start()
        first = lines.get(timeout=180)  # the CLI says it waits (and does not ingest meanwhile)
        assert first.startswith("waiting for another ingest to finish"), first
        assert cli.poll() is None
    out = cli.stdout.read()
    assert cli.wait(timeout=300) == 0
    assert "ingested" in out
