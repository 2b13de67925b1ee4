"""A tiny OpenAI-compatible chat server on loopback, for testing the remote client's wire protocol.

It answers POST /v1/chat/completions with a scripted reply, as JSON or as `stream: true` server-sent events,
records every request it receives, and can misbehave on purpose (see `MODES`).
"""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = (
    "ok",  # the scripted reply
    "error500",  # HTTP 500 with an OpenAI-style error body
    "slow",  # sleeps `delay_s` before answering at all
    "slow_stream",  # streams the first chunk, then stalls for `delay_s`
    "garbage_body",  # HTTP 200 whose body is not JSON
    "garbage_text",  # a well-formed reply whose content is punctuation only
    "empty",  # a well-formed reply with empty content
)


@dataclass
class ReceivedRequest:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class OpenAIStubServer:
    """Serve scripted chat completions on 127.0.0.1 from a background thread; use as a context manager."""

    chunks: list[str] = field(default_factory=lambda: ["现有", "143名", "残疾人在托。"])
    mode: str = "ok"
    delay_s: float = 5.0
    requests: list[ReceivedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def reply(self) -> str:
        """The full scripted reply (the chunks joined)."""
        return "".join(self.chunks)

    @property
    def base_url(self) -> str:
        """The OpenAI base URL clients should use, e.g. http://127.0.0.1:PORT/v1."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> OpenAIStubServer:
        """Bind a free loopback port and serve in a daemon thread."""
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="openai-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake any sleeping handler and shut the server down."""
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIStubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when the server stops."""
        self._stop.wait(seconds)


def closed_port_url() -> str:
    """A loopback base URL on which nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _make_handler(server: OpenAIStubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _event(self, payload: dict[str, Any] | str) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            self.wfile.write(f"data: {data}\n\n".encode())
            self.wfile.flush()

        def do_POST(self) -> None:
            try:
                self._answer()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout): expected in the misbehaving modes

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            server.requests.append(ReceivedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, b'{"error": {"message": "not found"}}')
                return
            model = str(body.get("model", ""))
            mode = server.mode
            if mode == "slow":
                server.sleep(server.delay_s)
            if mode == "error500":
                self._send(500, b'{"error": {"message": "stub internal error", "type": "server_error"}}')
                return
            if mode == "garbage_body":
                self._send(200, b"<html>this is not json", "application/json")
                return
            content = {"garbage_text": "?!…—。，", "empty": ""}.get(mode, server.reply)
            if not body.get("stream"):
                self._send(200, json.dumps(_completion(model, content), ensure_ascii=False).encode())
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            pieces = server.chunks if mode in ("ok", "slow", "slow_stream") else [content]
            self._event(_chunk(model, {"role": "assistant", "content": ""}))
            for i, piece in enumerate(pieces):
                self._event(_chunk(model, {"content": piece}))
                if mode == "slow_stream" and i == 0:
                    server.sleep(server.delay_s)
            self._event(_chunk(model, {}, "stop"))
            self._event("[DONE]")

    return Handler
