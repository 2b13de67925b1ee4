"""Shared fixtures: deterministic fake embeddings, a real `chroma run` server, settings in a temporary folder."""
from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from app.settings import Settings

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class HashingEmbeddings(Embeddings):
    """Deterministic, model-free embeddings: character uni- and bigrams hashed into `size` dims, L2-normalised.

    Identical texts get identical vectors and texts sharing characters score higher, so a test can search with a
    question that is not word for word the chunk (unlike DeterministicFakeEmbedding, where any change is noise).
    """

    def __init__(self, size: int = 64, model_id: str | None = None) -> None:
        self.dimension = size
        self.model_id = model_id or f"fake:hashing-{size}"
        self.calls = 0  # embed_documents calls, for tests that count work

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * self.dimension
        grams = list(text) + [text[i:i + 2] for i in range(len(text) - 1)]
        for gram in grams:
            if gram.strip():
                v[zlib.crc32(gram.encode()) % self.dimension] += 1.0
        if not any(v):
            v[0] = 1.0  # an empty text still needs a valid direction for cosine space
        norm = math.sqrt(sum(x * x for x in v))
        return [x / norm for x in v]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        self.calls += 1
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self._vector(text)


@pytest.fixture
def fake_embeddings() -> HashingEmbeddings:
    """Fast deterministic embeddings with a `model_id` ("fake:hashing-64") and `dimension` (64)."""
    return HashingEmbeddings()


@pytest.fixture
def tmp_settings(tmp_path: Path) -> Settings:
    """Settings whose data (Chroma folder, caches, feedback) live in the test's temporary folder."""
    return Settings(data_dir=tmp_path)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """A real `chroma run` subprocess on a loopback port; `host, port = server` unpacks it."""

    def __init__(self, path: Path, port: int, log_path: Path) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.path = path
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __iter__(self) -> Iterator:
        return iter((self.host, self.port))

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server (same folder and port as before) and wait until it answers its heartbeat."""
        chroma = Path(sys.executable).parent / "chroma"
        exe = str(chroma) if chroma.exists() else shutil.which("chroma")
        if exe is None:
            pytest.skip("the `chroma` CLI is not installed")
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [exe, "run", "--path", str(self.path), "--host", self.host, "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}: {self._log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run did not answer within {timeout_s:.0f} s: {self._log_tail()}")

    def stop(self) -> None:
        """Terminate the server and wait until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def _log_tail(self) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-5:])
        except OSError:
            return ""


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A real Chroma server on a free loopback port with its data in tmp_path; yields it ((host, port) unpacks)."""
    server = ChromaServer(tmp_path / "chroma-server", free_port(), tmp_path / "chroma-server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()
