"""Pure: answers from table cells — the asked row and the asked column decide the cell.

`answer_from_tables` is called by the extractive composer before the prose lookup. It returns None when no table
cell answers the question (the prose lookup then goes on), else a Draft whose citations carry the cited row under
its header (`Citation.table`).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.figures import Figure

if TYPE_CHECKING:
    from app.compose import Draft
    from app.question import Question


def answer_from_tables(question: Question, cells: Sequence[Figure], report_ids: Sequence[str]) -> Draft | None:
    """The answer a table states for the question, or None when no cell answers it."""
    return None
