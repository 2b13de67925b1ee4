"""`python -m ingest --audit ID [--csv F]`: the audit kept with an ingested report, from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import ingest.__main__ as ingest_cli
from ingest.audit import severity_counts
from ingest.pipeline import prepare_report
from tests.ingest.test_cli import REPORT, REPORT_ID, env, run  # noqa: F401 - the CLI's fixture and helper


def test_audit_lists_the_findings_inconsistencies_first(env, capsys):  # noqa: F811
    assert run([str(REPORT), "--quiet"], capsys)[0] == 0
    status, out, err = run(["--audit", REPORT_ID], capsys)
    assert status == 0 and not err
    lines = out.strip().splitlines()
    assert lines[0].startswith("不一致\t") and "2694.16" in out and "3387.28" in out
    counts = severity_counts(prepare_report(REPORT).audit)  # what the audit of the same file finds
    assert counts["inconsistent"] == 6
    assert lines[-1] == f"{REPORT_ID}: 6 inconsistent, {counts['note']} notes, {counts['ok']} ok"


def test_audit_as_csv_and_json(env, capsys, tmp_path: Path):  # noqa: F811
    run([str(REPORT), "--quiet"], capsys)
    target = tmp_path / "audit.csv"
    total = len(prepare_report(REPORT).audit)
    status, out, _ = run(["--audit", REPORT_ID, "--csv", str(target)], capsys)
    assert status == 0 and f"wrote {total} findings" in out
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "结果,检查,说明,涉及数字,原文,章节" and "占总收入的98.57%" in text
    status, out, _ = run(["--audit", REPORT_ID, "--json"], capsys)
    body = json.loads(out)
    assert body["report"] == REPORT_ID and len(body["findings"]) == total


def test_audit_of_an_unknown_report_is_one_line(env, capsys):  # noqa: F811
    status, out, err = run(["--audit", "nope"], capsys)
    assert status == 1 and err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize("argv", [["--help"]])
def test_help_names_the_audit(argv, capsys):
    with pytest.raises(SystemExit):
        ingest_cli.cli(argv)
    assert "--audit ID" in capsys.readouterr().out
