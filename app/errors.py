"""Errors the answer side raises; entry points turn each into one readable line (CLI), a 4xx/503 (API) or a bubble (UI)."""
from __future__ import annotations


class AssistantError(Exception):
    """Base class: the message is one line a person can read."""

    status = 500


class QuestionError(AssistantError):
    """The question cannot be answered as asked (empty, too long, not text)."""

    status = 400


class ReportNotFoundError(AssistantError):
    """The report the caller names is not ingested."""

    status = 404


class KnowledgeBaseUnavailable(AssistantError):
    """The store (Chroma) cannot be reached; answers resume when it is back."""

    status = 503


class BusyError(AssistantError):
    """The local model's queue is full: try again shortly."""

    status = 503


class LLMUnavailable(AssistantError):
    """The configured LLM could not answer (unreachable, timed out, garbage); callers fall back to extractive."""

    status = 502
