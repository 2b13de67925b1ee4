"""The answer record: what the assistant returns for one question (see shared/eval/README.md)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

EXTRACTIVE = "extractive"
LLM_LOCAL = "llm-local"
LLM_REMOTE = "llm-remote"


@dataclass(frozen=True)
class Citation:
    """A report sentence or passage an answer rests on."""

    text: str
    section: str
    report: str
    highlights: tuple[str, ...] = ()  # figure texts to highlight in `text`
    table: dict | None = field(default=None, compare=False)  # a table cell: {"header": [...], "row": [...], "column": "实际完成值"}


@dataclass(frozen=True)
class NumberCheck:
    """One number found in an answer and whether it was verified against its cited sentence."""

    text: str
    verified: bool
    figure: str = ""  # the figure (as written in the report) it matched
    source: str = ""  # the cited sentence that holds it, or the computation that produced it
    reason: str = ""  # why it was not verified


@dataclass
class Answer:
    """One reply: the text a person reads, its citations and the check of every number in it."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    numbers: list[NumberCheck] = field(default_factory=list)
    mode: str = EXTRACTIVE
    latency_ms: float = 0.0
    notice: str = ""  # shown to the user, e.g. "本地模型不可用，已改用原文摘录回答"
    report: str = ""

    @property
    def all_verified(self) -> bool:
        return all(n.verified for n in self.numbers)

    def to_record(self, id: str | None = None) -> dict:
        """The JSON answer record of shared/eval/README.md (plus notice/report)."""
        rec = {
            "id": id,
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [{"text": c.text, "section": c.section, "report": c.report,
                           "highlights": list(c.highlights), **({"table": c.table} if c.table else {})}
                          for c in self.citations],
            "numbers": [asdict(n) for n in self.numbers],
            "mode": self.mode,
            "latency_ms": round(self.latency_ms, 1),
            "notice": self.notice,
            "report": self.report,
        }
        if id is None:
            rec.pop("id")
        return rec
