"""`python -m bench.study` never answers a test question: test reports, and the bundled report's test questions, are
left out of what it selects, so no verdict of one can be read while tuning."""
from __future__ import annotations

import pytest

from bench.corpus.check import load_entries
from bench.study import dev_questions


def test_every_dev_report_but_no_test_question_is_selected() -> None:
    from bench.corpus.check import QUESTIONS_DIR

    entries = {e["id"]: e for e in load_entries()}
    chosen = dev_questions(["dev"])
    asked = {r for r, e in entries.items() if e["split"] != "test" and (QUESTIONS_DIR / f"{r}.jsonl").is_file()}
    assert {q["report"] for q in chosen} == asked
    assert not any(entries[q["report"]]["split"] == "test" or q.get("split") == "test" for q in chosen)
    assert any(e["split"] == "test" for e in entries.values())  # there is a test split to leave out


def test_a_test_report_asked_for_by_name_gives_nothing() -> None:
    test_report = next(e["id"] for e in load_entries() if e["split"] == "test")
    assert dev_questions([test_report]) == []


def test_the_bundled_reports_test_questions_are_left_out() -> None:
    mixed = next(e["id"] for e in load_entries() if e["split"] == "mixed")
    chosen = dev_questions([mixed])
    assert chosen and all(q.get("split") != "test" for q in chosen)


def test_an_unknown_report_is_a_one_line_error() -> None:
    with pytest.raises(SystemExit, match="no corpus report"):
        dev_questions(["no-such-report"])
