"""What the product knows about one ingested report, and the cleaned, outlined text it was built from."""
from __future__ import annotations

from dataclasses import asdict, dataclass

TITLE = "title"  # Paragraph.role of the report's title line(s)
PREFACE = "preface"  # Paragraph.role of a line before the body that is neither title nor body (文号, 索引号, 称呼)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of cleaned text (or a heading line) with the heading path it sits under."""

    text: str
    section: str  # heading path, " > "-joined, e.g. "二、综合评价分析 > （三）主要工作成效"
    start: int  # character span in the cleaned text
    end: int
    is_heading: bool = False
    level: int = 0  # heading level 1..5 when is_heading
    table: int = -1  # a table row: the table's number in the report (CleanedText.tables), else -1
    row: int = -1  # a table row: its row in the table
    role: str = ""  # "title" (the report's title line), "preface" (salutation, document number, index line), "" body

    @property
    def is_table_row(self) -> bool:
        return self.table >= 0

    @property
    def is_title(self) -> bool:
        return self.role == TITLE

    @property
    def is_preface(self) -> bool:
        return self.role == PREFACE


@dataclass(frozen=True)
class Chunk:
    """A sentence-aware piece of one section, the unit that is embedded and retrieved."""

    id: str  # content hash: report id + section + text
    report: str
    text: str
    section: str
    start: int
    end: int
    index: int  # order in the report
    original: str = ""  # the text in the report's own characters when it was converted from traditional ones

    @property
    def embedding_text(self) -> str:
        """What is embedded: the heading path takes part in matching."""
        return f"{self.section}\n{self.text}" if self.section else self.text

    def to_metadata(self) -> dict:
        meta = {"report": self.report, "section": self.section, "start": self.start, "end": self.end,
                "index": self.index}
        if self.original:
            meta["original"] = self.original
        return meta


@dataclass(frozen=True)
class ReportInfo:
    """A report as the registry holds it."""

    id: str
    title: str
    year: int | None
    source: str  # file name it was ingested from
    chars: int = 0
    sections: int = 0
    chunks: int = 0
    figures: int = 0
    content_hash: str = ""
    embedding_model: str = ""
    ingested_at: str = ""
    tables: int = 0  # tables read
    cells: int = 0  # table cells stating a figure
    coverage: float = 1.0  # share of the cleaned text's characters that lie in some chunk
    body: str = ""  # the reporting body's full name, derived from the report (e.g. 某某区教育局)
    aliases: str = ""  # other names the report's body goes by (区教育局, 本局 ...), "|"-joined, derived at ingest
    format: str = ""  # txt | pdf | docx
    numbers: str = ""  # every number of the text by class, JSON {"figure": 129, "year": 14, "heading": 31, ...}
    unclassified: int = 0  # numbers that are neither a figure nor of another class (the target is 0)
    unclassified_numbers: str = ""  # those numbers with the words around them, JSON [[text, context], ...]
    script: str = ""  # "traditional" when the report was converted to simplified characters (quotes keep the original)

    def to_dict(self) -> dict:
        return asdict(self)
