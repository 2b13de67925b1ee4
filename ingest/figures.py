"""Pure: every number the report states -> a Figure (value, unit, kind, qualifier, phrase, sentence, section, span)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal

# kinds of quantity
MONEY = "money"
PERCENT = "percent"
PEOPLE = "people"
COUNT = "count"  # things: 个, 家, 户, 枚, 本, 条, 场 ...
TIMES = "times"  # 次, 人次, 期
HOURS = "hours"  # 工时
SCORE = "score"  # 分
NUMBER = "number"  # a bare number

# qualifiers: how the figure relates to what it counts
LEVEL = "level"  # an achieved/stated amount
CHANGE = "change"  # 比上年减少/增加/下降 ...
TARGET = "target"  # 92%以上, 拟投入 ...
PART = "part"  # 其中…: a part of the preceding figure


@dataclass(frozen=True)
class Figure:
    """One figure as the report states it."""

    text: str  # as written, e.g. "2700.38", "四"
    value: str  # exact decimal, e.g. "2700.38", "4"
    unit: str  # 万元, %, 名, 人次, 期 ...
    kind: str  # money | percent | people | count | times | hours | score | number
    qualifier: str  # level | change | target | part
    phrase: str  # what it counts, e.g. "在托残疾人"
    clause: str  # the clause that states it, e.g. "现有143名残疾人在托"
    sentence: str
    section: str
    report: str
    start: int  # span of `text` in the cleaned report
    end: int
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return hashlib.sha1(f"{self.report}|{self.start}|{self.text}|{self.unit}".encode()).hexdigest()[:16]

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.value)

    @property
    def display(self) -> str:
        """The figure as a person reads it: '2700.38万元', '98.57%', '143名'."""
        return f"{self.text}{self.unit}"

    def to_metadata(self) -> dict:
        """Flat metadata for Chroma (scalars only)."""
        d = asdict(self)
        d["extra"] = json.dumps(self.extra, ensure_ascii=False)
        return d

    @classmethod
    def from_metadata(cls, meta: dict) -> Figure:
        d = dict(meta)
        d["extra"] = json.loads(d.get("extra") or "{}")
        d["start"], d["end"] = int(d["start"]), int(d["end"])
        return cls(**{k: d[k] for k in cls.__dataclass_fields__})
