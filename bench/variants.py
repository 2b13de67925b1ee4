"""Variants of corpus reports, generated at eval time: the body renamed, the year shifted, every figure changed.

The same questions must score the same on a variant as on its original: a difference is a bug of generality
(a department name, a year or a figure of one report that the assistant depends on).

For each report whose `reports.json` entry says `"variants": true` (the bundled report, one dev and one test
report), `generate(entry)` makes:
- `renamed-<tag>`: the body's department replaced by another one (six of DEPARTMENTS, skipping any whose names
  the report or its questions already use): full name, abbreviation (残联 -> 卫健局), English name, and the
  report's self-references (本会 -> 本局) — in the text, the title, the questions, the evidence and the gold;
- `year`: every year shifted by YEAR_SHIFT (2023年 -> 2025年, 〔2021〕 -> 〔2023〕, dates, years in questions);
  relative statements (上年, 比上年) stay as they are, so the report stays consistent;
- `figures`: every amount of money times MONEY_FACTOR and every count times COUNT_FACTOR, with the report's own
  decimals and thousands separators. The factors are whole numbers, so every stated sum and difference still
  holds exactly, and every share, rate and percentage change (a ratio of two amounts or two counts) stays as
  stated; scores (分), ages, durations, dates, document and heading numbers are not figures and stay;
- `combined`: renamed, shifted and changed at once.

A number is classified by what follows it (万元/元 money; 人/个/户/台… counts; % ‰ 个百分点 ratios; 年 years),
a list "A,B万元" takes the unit of its last member, and a form field "项目资金(万元):…" gives its numbers
money. Gold answers are transformed with the same edits: a number question's gold is the transformed figure
of its evidence; a derived question's `formula` is re-evaluated over the transformed operands.

Written by bench/eval.py under var/eval/variants/ (git-ignored); `python -m bench.variants --out DIR` writes
them anywhere; bench/corpus/check.py checks each variant like a corpus report.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus.check import (CORPUS_DIR, QUESTIONS_DIR, decimals, evaluate, load_entries, load_questions,
                                report_path)

YEAR_SHIFT = 2
MONEY_FACTOR = 3
COUNT_FACTOR = 2
RENAMES_PER_REPORT = 6


@dataclass(frozen=True)
class Department:
    """A kind of public body a report can be renamed to."""

    tag: str
    full: str
    short: str
    english: str

    @property
    def suffix(self) -> str:
        """The last character, which self-references take (本局, 本会)."""
        return self.full[-1]


DEPARTMENTS: tuple[Department, ...] = (
    Department("health", "卫生健康局", "卫健局", "health bureau"),
    Department("hrss", "人力资源和社会保障局", "人社局", "human resources and social security bureau"),
    Department("samr", "市场监督管理局", "市场监管局", "market regulation bureau"),
    Department("dpf", "残疾人联合会", "残联", "disabled persons' federation"),
    Department("justice", "司法局", "司法局", "justice bureau"),
    Department("edu", "教育局", "教育局", "education bureau"),
    Department("civil", "民政局", "民政局", "civil affairs bureau"),
    Department("veterans", "退役军人事务局", "退役军人局", "veterans affairs bureau"),
    Department("sci", "科学技术局", "科技局", "science and technology bureau"),
)

# a number token: 1,234.56 (thousands separators) or 1234.56; a comma after it may start the next number
NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?!\d)")
_MONEY = re.compile(r"\s*(?:万\s*元|亿\s*元|元|万(?!\s*[人户次个余多]))")
_RATIO = re.compile(r"\s*(?:%|％|‰|个\s*百\s*分\s*点|倍)")
_COUNT = re.compile(r"\s*(?:万\s*)?(?:人\s*次|车\s*次|户\s*次|批\s*次|人|名|个|所|项|户|家|张|间|台|套|辆|批|次|场|期|份|件|宗|例|本|枚|"
                    r"种|对|篇|座|处|支|条|床|组|工时)")
_NOT_A_FIGURE_AFTER = re.compile(r"\s*(?:年|月|日|天|小时|分钟|分|岁|号|届|级|周|季度|星)")
_LIST_NEXT = re.compile(r"\s*[,，、]\s*")
_MONEY_FIELD = re.compile(r"[(（]\s*万元\s*[)）]")
_NOT_A_FIGURE_BEFORE = ("第", "图", "表", "附件")


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] by new."""

    start: int
    end: int
    new: str
    what: str  # name | year | money | count


@dataclass(frozen=True)
class Transform:
    """What a variant changes."""

    renames: tuple[tuple[str, str], ...] = ()  # (old, new), longest first
    year_shift: int = 0
    money_factor: int = 1
    count_factor: int = 1
    standalone: frozenset[str] = frozenset()  # names renamed only where no Chinese character stands right before them

    def edits(self, text: str) -> list[Edit]:
        """Every change this transform makes to a text, in order, none overlapping."""
        edits = [*self._name_edits(text), *self._number_edits(text)]
        edits.sort(key=lambda e: e.start)
        kept: list[Edit] = []
        for e in edits:
            if kept and e.start < kept[-1].end:
                continue  # a number inside a name (none today) keeps the name's edit
            kept.append(e)
        return kept

    def apply(self, text: str) -> str:
        """The text transformed."""
        return apply_edits(text, self.edits(text))

    def _name_edits(self, text: str) -> Iterator[Edit]:
        if not self.renames:
            return
        pattern = re.compile("|".join(re.escape(old) for old, _ in self.renames), re.IGNORECASE)
        lookup = {old.lower(): new for old, new in self.renames}
        for m in pattern.finditer(text):
            if m.group(0) in self.standalone and m.start() and "\u4e00" <= text[m.start() - 1] <= "\u9fff":
                continue  # 基层科协 is another body than 科协
            yield Edit(m.start(), m.end(), lookup[m.group(0).lower()], "name")

    def _number_edits(self, text: str) -> Iterator[Edit]:
        if not (self.year_shift or self.money_factor != 1 or self.count_factor != 1):
            return
        for m in NUMBER.finditer(text):
            what = classify(text, m)
            if what == "year" and self.year_shift:
                yield Edit(m.start(), m.end(), str(int(m.group(1)) + self.year_shift), "year")
            elif what == "money" and self.money_factor != 1:
                yield Edit(m.start(), m.end(), scaled(m.group(1), self.money_factor), "money")
            elif what == "count" and self.count_factor != 1:
                yield Edit(m.start(), m.end(), scaled(m.group(1), self.count_factor), "count")


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (sorted by start)."""
    out, pos = [], 0
    for e in edits:
        out += [text[pos:e.start], e.new]
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def _unit_after(text: str, end: int) -> str:
    """What the number ending at `end` counts, from the words after it (a list takes its last member's unit)."""
    pos = end
    while True:
        rest = text[pos:pos + 12]
        for what, pattern in (("ratio", _RATIO), ("money", _MONEY), ("count", _COUNT), ("other", _NOT_A_FIGURE_AFTER)):
            if pattern.match(rest):
                return what
        sep = _LIST_NEXT.match(text, pos)
        nxt = NUMBER.match(text, sep.end()) if sep else None
        if not nxt:
            return ""
        pos = nxt.end()


def classify(text: str, m: re.Match[str]) -> str:
    """year | money | count | ratio | other | '' (unclassified) for one number token of a text."""
    token = m.group(1)
    before = text[max(0, m.start() - 3):m.start()].rstrip()
    if before.endswith(_NOT_A_FIGURE_BEFORE):
        return "other"
    unit = _unit_after(text, m.end())
    if unit in ("money", "count", "ratio"):
        return unit
    if re.fullmatch(r"(199\d|20[0-3]\d)", token):
        return "year"
    if unit == "other":
        return "other"
    line_start = text.rfind("\n", 0, m.start()) + 1
    if _MONEY_FIELD.search(text, line_start, m.start()):
        return "money"
    return ""


def scaled(token: str, factor: int) -> str:
    """A stated number times a whole factor, with the same decimals and thousands separators."""
    plain = token.replace(",", "")
    places = len(plain.split(".")[1]) if "." in plain else 0
    value = round(float(plain) * factor, places)
    if "," in token:
        return f"{value:,.{places}f}"
    return f"{value:.{places}f}"


@dataclass
class Variant:
    """One generated variant: its report text and its questions, transformed alike."""

    name: str  # the variant's tag: renamed-health, year, figures, combined
    original: str  # the original report id
    report_id: str
    text: str
    title: str
    year: int | None
    questions: list[dict]
    traditional: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return f"{self.report_id}.txt"


def _norm_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    return n if len(n) == 1 else ch


def _locate(evidence: str, text: str) -> tuple[int, int] | None:
    """Where an evidence stands in the text, whitespace and character width ignored: (start, end) in text."""
    index = [i for i, ch in enumerate(text) if not ch.isspace()]
    squashed = "".join(_norm_char(text[i]) for i in index)
    target = "".join(_norm_char(ch) for ch in evidence if not ch.isspace())
    # thousands separators may be written or not in the evidence: compare without them
    at = squashed.find(target)
    if at < 0 or not target:
        return None
    return index[at], index[at + len(target) - 1] + 1


def _figure_map(text: str, edits: list[Edit], start: int = 0, end: int | None = None) -> dict[float, set[str]]:
    """Original value -> the new strings the edits give it (money and counts only), within text[start:end]."""
    end = len(text) if end is None else end
    mapping: dict[float, set[str]] = {}
    for e in edits:
        if e.what in ("money", "count") and start <= e.start and e.end <= end:
            mapping.setdefault(float(text[e.start:e.end].replace(",", "")), set()).add(e.new.replace(",", ""))
    return mapping


class _QuestionTransformer:
    """Transforms one report's questions with the report's own edits."""

    def __init__(self, transform: Transform, text: str, variant: Variant, asked: Transform | None = None) -> None:
        self.transform = transform
        self.asked = asked or transform  # what a question's own words take: also the names only questions use
        self.text = text
        self.edits = transform.edits(text)
        self.report_map = _figure_map(text, self.edits)
        self.variant = variant

    def evidence(self, q: dict) -> tuple[str, dict[float, set[str]]]:
        """The evidence as the variant report states it, and the figure map of that span."""
        evidence = q.get("evidence") or ""
        if not evidence:
            return "", {}
        span = _locate(evidence, self.text)
        if span is None:
            self.variant.problems.append(f"{q['id']}: evidence not found in the original report")
            return self.transform.apply(evidence), {}
        start, end = span
        inside = [e for e in self.edits if start <= e.start and e.end <= end]
        straddling = [e for e in self.edits if e.start < start < e.end or e.start < end < e.end]
        if straddling:  # the evidence cuts a name or number: take the whole edited token
            start, end = min(start, *(e.start for e in straddling)), max(end, *(e.end for e in straddling))
            inside = [e for e in self.edits if start <= e.start and e.end <= end]
        shifted = [Edit(e.start - start, e.end - start, e.new, e.what) for e in inside]
        local = _figure_map(self.text, self.edits, start, end)
        for m in NUMBER.finditer(self.text, start, end):  # figures the variant leaves as they are (shares, rates)
            if not any(e.start == m.start() for e in inside):
                local.setdefault(float(m.group(1).replace(",", "")), set()).add(m.group(1).replace(",", ""))
        return apply_edits(self.text[start:end], shifted), local

    def number(self, token: str, local: dict[float, set[str]], qid: str) -> str:
        """A gold number: the evidence's transformed figure of that value, else the report's, else unchanged."""
        value = float(token.replace(",", ""))
        for mapping in (local, self.report_map):
            news = mapping.get(value)
            if news and len(news) == 1:
                return next(iter(news))
            if news:
                self.variant.problems.append(f"{qid}: {token} is changed to several values ({', '.join(sorted(news))})")
                return sorted(news)[0]
        return token

    def gold(self, gold: str, local: dict[float, set[str]], qid: str) -> str:
        """A gold answer: names and years as in the text, numbers as their figures in the evidence."""
        alternatives = []
        for alt in gold.split("|"):
            renamed = Transform(self.transform.renames, self.transform.year_shift).apply(alt)
            alternatives.append(NUMBER.sub(lambda m: self._gold_number(m, renamed, local, qid), renamed))
        return "|".join(alternatives)

    def _gold_number(self, m: re.Match[str], text: str, local: dict[float, set[str]], qid: str) -> str:
        if self.transform.year_shift and classify(text, m) == "year":
            return m.group(1)  # already shifted by the rename/year pass
        return self.number(m.group(1), local, qid)

    def question(self, q: dict) -> dict:
        """One question of the variant."""
        new = dict(q)
        new["id"] = f"{q['id']}@{self.variant.name}"
        new["report"] = self.variant.report_id
        new["question"] = self.asked.apply(q["question"])
        if q.get("history"):
            new["history"] = [{**t, "content": self.asked.apply(t["content"])} for t in q["history"]]
        evidence, local = self.evidence(q)
        if evidence:
            new["evidence"] = evidence
        if q["kind"] == "derived" and q.get("formula"):
            formula = NUMBER.sub(lambda m: self.number(m.group(1), local, q["id"]), q["formula"])
            new["formula"] = formula
            places = decimals(q["answers"][0])
            new["answers"] = [f"{round(evaluate(formula), places):.{places}f}", *q["answers"][1:]]
        else:
            new["answers"] = [self.gold(a, local, q["id"]) for a in q["answers"]]
        return new


def _renames(entry: dict, target: Department) -> tuple[tuple[str, str], ...]:
    """(old, new) name pairs for renaming a report's body to another department."""
    body = entry["body"]
    department = body["department"]
    pairs = [(department, target.full)]
    # 区科协 → 区卫健局: an abbreviation's level (区, 市, 县) stays with it
    pairs += [(abbr, abbr[0] + target.short if abbr[0] in "区市县" and len(abbr) > 2 else target.short)
              for abbr in body.get("abbreviations", [])]
    pairs += [(name, target.english) for name in body.get("english", [])]
    own_suffix = department[-1]
    pairs += [(s, s[:-1] + target.suffix) for s in body.get("self", []) if s.endswith(own_suffix) and len(s) == 2]
    return tuple(sorted(set(pairs), key=lambda p: -len(p[0])))


def _standalone(entry: dict) -> frozenset[str]:
    """The question-only short names: renamed where they stand alone (科协有没有…), not inside another body's name."""
    return frozenset(entry["body"].get("question_abbreviations", []))


def _question_renames(entry: dict, target: Department) -> tuple[tuple[str, str], ...]:
    """_renames plus the short names only questions use for the body (the text also names other bodies so:
    科协 beside 企业科协), which a rename changes in the questions and leaves alone in the text."""
    extra = [(name, target.short) for name in entry["body"].get("question_abbreviations", [])]
    return tuple(sorted(set(_renames(entry, target)) | set(extra), key=lambda p: -len(p[0])))


def rename_targets(entry: dict, text: str, questions: list[dict]) -> list[Department]:
    """The departments a report may be renamed to: not its own, and none the report or its questions name."""
    body = entry["body"]
    said = text + "\n" + "\n".join(q["question"] + json.dumps(q.get("history", []), ensure_ascii=False)
                                   for q in questions)
    own = {body["department"], *body.get("abbreviations", [])}
    return [d for d in DEPARTMENTS if d.full not in own and d.full not in said and d.short not in said
            and d.english not in said.lower()]


def _variant(entry: dict, name: str, transform: Transform, text: str, questions: list[dict],
             asked: Transform | None = None) -> Variant:
    variant = Variant(name=name, original=entry["id"], report_id=f"{entry['id']}--{name}", text=transform.apply(text),
                      title=transform.apply(entry.get("title", "")),
                      year=(entry.get("year") or 0) + transform.year_shift or None, questions=[],
                      traditional=bool(entry.get("traditional")))
    transformer = _QuestionTransformer(transform, text, variant, asked)
    variant.questions = [transformer.question(q) for q in questions]
    return variant


def generate(entry: dict) -> list[Variant]:
    """Every variant of one corpus report."""
    from ingest.load import load_report

    text = load_report(report_path(entry)).text
    path = QUESTIONS_DIR / f"{entry['id']}.jsonl"
    questions = load_questions(path) if path.is_file() else []
    targets = rename_targets(entry, text, questions)
    variants = [_variant(entry, f"renamed-{d.tag}", Transform(renames=_renames(entry, d)), text, questions,
                         Transform(renames=_question_renames(entry, d), standalone=_standalone(entry)))
                for d in targets[:RENAMES_PER_REPORT]]
    variants.append(_variant(entry, "year", Transform(year_shift=YEAR_SHIFT), text, questions))
    variants.append(_variant(entry, "figures", Transform(money_factor=MONEY_FACTOR, count_factor=COUNT_FACTOR),
                             text, questions))
    combined_target = targets[RENAMES_PER_REPORT] if len(targets) > RENAMES_PER_REPORT else targets[0]
    variants.append(_variant(entry, f"combined-{combined_target.tag}",
                             Transform(_renames(entry, combined_target), YEAR_SHIFT, MONEY_FACTOR, COUNT_FACTOR),
                             text, questions,
                             Transform(_question_renames(entry, combined_target), YEAR_SHIFT, MONEY_FACTOR,
                                       COUNT_FACTOR, standalone=_standalone(entry))))
    if len(targets) < RENAMES_PER_REPORT:
        variants[0].problems.append(f"only {len(targets)} departments to rename to")
    return variants


def generate_all() -> list[Variant]:
    """Every variant of every report marked for variants in reports.json."""
    return [v for entry in load_entries() if entry.get("variants") for v in generate(entry)]


def unclassified(text: str) -> list[str]:
    """Numbers of a text that are neither a figure, a year nor a known non-figure (left as they are)."""
    return [m.group(1) for m in NUMBER.finditer(text) if classify(text, m) == ""]


def write(variants: list[Variant], out_dir: Path) -> list[Path]:
    """Write each variant's report and question file into out_dir; returns the report files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for v in variants:
        report = out_dir / v.file_name
        report.write_text(v.text, encoding="utf-8")
        with (out_dir / f"{v.report_id}.jsonl").open("w", encoding="utf-8") as f:
            for q in v.questions:
                f.write(json.dumps(q, ensure_ascii=False) + "\n")
        paths.append(report)
    return paths


def main(argv: list[str] | None = None) -> int:
    """CLI: write the variants, or show what one variant changes."""
    parser = argparse.ArgumentParser(prog="python -m bench.variants", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CORPUS_DIR.parent.parent / "var" / "eval" / "variants")
    parser.add_argument("--unclassified", action="store_true", help="list the numbers left unchanged as unclassified")
    args = parser.parse_args(argv)
    variants = generate_all()
    for v in variants:
        for problem in v.problems:
            print(f"{v.report_id}: {problem}", file=sys.stderr)
    if args.unclassified:
        from ingest.load import load_report

        for entry in load_entries():
            if entry.get("variants"):
                print(entry["id"], " ".join(unclassified(load_report(report_path(entry)).text)))
        return 0
    paths = write(variants, args.out)
    print(f"wrote {len(paths)} variants to {args.out}")
    return 1 if any(v.problems for v in variants) else 0


if __name__ == "__main__":
    sys.exit(main())
