"""Retrieval recall: is the sentence that holds the answer among the passages retrieved for the question?

    python -m bench.retrieval [--store corpus|variants] [--split dev] [--reports ID,ID] [--misses]

For every question of the split with an `"evidence"` (kind none has none), the question is read as the assistant
reads it (follow-ups resolved, bound to the loaded reports, narrowed to its report like the batch command's
`"report"`), retrieved with the product's own `Retriever` from the eval store (`var/eval/store-corpus`, filled by
`python -m bench.eval`), and counted a hit at k when the evidence lies inside the first k fused passages (its
characters covered by their spans: evidence may run across two chunks). The dense and the lexical halves are
measured alone too (at the retriever's k). Prints recall by report, by kind (number/text/derived, English,
follow-up) and overall.

`--store variants` measures the variants (`var/eval/store-variants`, written by `bench.eval --sets variants`)
beside their originals and counts the questions whose hit at k differs: retrieval must not depend on the body's
name, the year or the figures. `--misses` lists the missed questions of the reports given with `--reports`
(study only the reports you may study).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bench.common import PROJECT_ROOT, bench_env, table

EVAL_DIR = PROJECT_ROOT / "var" / "eval"
STORES = {"corpus": EVAL_DIR / "store-corpus", "variants": EVAL_DIR / "store-variants"}
KS = (1, 3, 6)


@dataclass
class Outcome:
    """Where one question's evidence was found."""

    id: str
    report: str
    kind: str
    english: bool
    follow_up: bool
    rank: int | None  # first k (1-based) at which the evidence is covered; None: not within the retriever's k
    dense: bool  # covered by the dense half's passages alone (the retriever's k of them)
    lexical: bool  # covered by the lexical half's passages alone
    located: bool  # the evidence was found in the report's text at all
    question: str = ""


def _norm_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch)
    return out if len(out) == 1 else ch


def normalized(text: str) -> tuple[str, list[int]]:
    """Text without white space, punctuation width folded, simplified; and each kept character's position."""
    from app.lookup import simplified

    simple = simplified(text)
    if len(simple) != len(text):
        simple = text
    kept, where = [], []
    for i, ch in enumerate(simple):
        if ch.isspace():
            continue
        kept.append(_norm_char(ch))
        where.append(i)
    return "".join(kept), where


class ReportText:
    """A report's cleaned text, put back together from its chunks, to find where evidence stands."""

    def __init__(self, chunks):
        size = max((c.end for c in chunks), default=0)
        chars = [" "] * size
        for c in chunks:
            for i, ch in enumerate(c.text):
                if c.start + i < size:
                    chars[c.start + i] = ch
        self.text = "".join(chars)
        self.norm, self.where = normalized(self.text)

    def span(self, evidence: str) -> tuple[int, int] | None:
        """Where the evidence stands in the cleaned text (first occurrence), or None."""
        needle, _ = normalized(evidence)
        needle = needle.rstrip("。.；;，,")
        if not needle:
            return None
        at = self.norm.find(needle)
        if at < 0:
            return None
        return self.where[at], self.where[at + len(needle) - 1] + 1


def covered(span: tuple[int, int], chunks: Sequence, report: str) -> bool:
    """Every character of the span lies in one of the chunks (of that report)."""
    start, end = span
    todo = set(range(start, end))
    for c in chunks:
        if c.report == report:
            todo.difference_update(range(max(start, c.start), min(end, c.end)))
            if not todo:
                return True
    return not todo


def questions(store_name: str, split: str) -> list[dict]:
    """The questions with evidence: corpus questions of the split, or every variant's questions."""
    from bench.eval import corpus_questions, corpus_reports, question_split

    if store_name == "variants":
        from bench.variants import generate_all

        return [{**q, "variant": v.name, "original": v.original} for v in generate_all() for q in v.questions
                if q.get("evidence") and q["kind"] != "none"]
    out = []
    for r in corpus_reports():
        out += [q for q in corpus_questions(r.id) if question_split(q, r) == split and q.get("evidence")
                and q["kind"] != "none"]
    return out


def measure(qs: list[dict], store_name: str) -> list[Outcome]:
    """Retrieve every question with the product's retriever and locate its evidence in the passages."""
    os.environ.update(bench_env(CHROMA_PATH=str(STORES[store_name])))
    from app.question import about_reports, analyze, narrow_to_named
    from app.retrieve import Retriever
    from app.settings import load_settings
    from ingest.__main__ import open_store

    store = open_store(load_settings(chroma_path=STORES[store_name]))
    retriever = Retriever(store)
    knowledge = retriever.knowledge()
    texts = {}
    outcomes = []
    for q in qs:
        rid = q["report"]
        if rid not in knowledge.reports:
            print(f"  {rid} is not in the {store_name} store: run bench.eval first", file=sys.stderr)
            continue
        if rid not in texts:
            texts[rid] = ReportText([c for c in knowledge.chunks if c.report == rid])
        span = texts[rid].span(q["evidence"])
        question = analyze(q["question"], q.get("history"))
        question, ids = narrow_to_named(about_reports(question, [knowledge.reports[rid]]), [rid])
        vector = retriever.query_vector(question)
        passages = retriever.search(knowledge, question, vector, ids)
        rank = None
        dense = lexical = False
        if span is not None:
            rank = next((k for k in range(1, len(passages) + 1)
                         if covered(span, [p.chunk for p in passages[:k]], rid)), None)
            dense_hits = store.search_chunks_by_vector(vector, retriever.k, ids)
            lexical_hits = knowledge.lexical.search(retriever.lexical_query(question), retriever.k, ids)
            dense = covered(span, [c for c, _ in dense_hits], rid)
            lexical = covered(span, [c for c, _ in lexical_hits], rid)
        outcomes.append(Outcome(q["id"], rid, q["kind"], question.language == "en", bool(q.get("history")), rank,
                                dense, lexical, span is not None, q["question"]))
    return outcomes


def row(name: str, group: Sequence[Outcome]) -> tuple:
    located = [o for o in group if o.located]
    n = len(located)
    share = lambda hits: round(hits / n, 2) if n else None  # noqa: E731
    return (name, len(group), n, *(share(sum(1 for o in located if o.rank is not None and o.rank <= k)) for k in KS),
            share(sum(o.dense for o in located)), share(sum(o.lexical for o in located)))


def report_tables(outcomes: list[Outcome], k: int) -> str:
    """Recall by report, by kind, and overall."""
    headers = ("group", "questions", "located", *(f"R@{x}" for x in KS), f"dense R@{k}", f"lexical R@{k}")
    by_report: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_report[o.report].append(o)
    rows = [row(r, g) for r, g in sorted(by_report.items())]
    kinds: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        kinds[o.kind].append(o)
        if o.english:
            kinds["english"].append(o)
        if o.follow_up:
            kinds["follow-up"].append(o)
    rows_kind = [row(name, g) for name, g in sorted(kinds.items())] + [row("ALL", outcomes)]
    return ("Retrieval recall by report (evidence inside the first k passages)\n" + table(headers, rows)
            + "\n\nBy kind\n" + table(headers, rows_kind))


def variant_table(outcomes: list[Outcome], originals: dict[str, Outcome], qs: list[dict]) -> str:
    """Per variant: recall at the retriever's k beside its original's, and the questions whose hit changed."""
    meta = {q["id"]: q for q in qs}
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[(meta[o.id]["original"], meta[o.id]["variant"])].append(o)
    rows = []
    for (original, variant), group in sorted(groups.items()):
        pairs = [(o, originals.get(o.id.split("@")[0])) for o in group]
        pairs = [(o, b) for o, b in pairs if b is not None and o.located and b.located]
        hit = lambda o: o.rank is not None  # noqa: E731
        changed = sum(1 for o, b in pairs if hit(o) != hit(b))
        moved = sum(1 for o, b in pairs if o.rank != b.rank)
        rows.append((original[:28], variant, len(pairs), round(sum(map(hit, (o for o, _ in pairs))) / len(pairs), 2)
                     if pairs else None, round(sum(map(hit, (b for _, b in pairs))) / len(pairs), 2) if pairs else None,
                     changed, moved))
    return "Variants (hit within k, variant vs original; changed and moved should be 0)\n" + table(
        ("original", "variant", "questions", "recall", "original recall", "changed", "rank moved"), rows)


def main(argv: list[str] | None = None) -> int:
    """CLI."""
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=tuple(STORES), default="corpus")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--reports", default="", help="comma-separated report ids (default: all)")
    parser.add_argument("--misses", action="store_true", help="list the missed questions of --reports")
    args = parser.parse_args(argv)
    wanted = [r for r in args.reports.split(",") if r]
    if not STORES[args.store].exists():
        print(f"no store at {STORES[args.store]}: run python -m bench.eval first", file=sys.stderr)
        return 1
    qs = questions(args.store, args.split)
    if wanted:
        qs = [q for q in qs if q["report"] in wanted or q.get("original") in wanted]
    outcomes = measure(qs, args.store)
    from app.retrieve import Retriever

    k = Retriever.__init__.__defaults__[0]
    if args.store == "variants":
        originals_qs = [q for q in questions("corpus", args.split) if q["report"] in {x["original"] for x in qs}]
        ids = {q["id"].split("@")[0] for q in qs}
        originals = {o.id: o for o in measure([q for q in originals_qs if q["id"] in ids], "corpus")}
        print(variant_table(outcomes, originals, qs))
    else:
        print(report_tables(outcomes, k))
    unlocated = [o for o in outcomes if not o.located]
    if unlocated:
        print(f"\n{len(unlocated)} evidence strings not found in their report's text (not counted)")
    if args.misses and wanted:
        for o in outcomes:
            if o.located and o.rank is None:
                print(f"MISS {o.id} [{o.kind}{' en' if o.english else ''}] dense={o.dense} lexical={o.lexical} "
                      f":: {o.question}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
