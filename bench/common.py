"""Shared helpers for the bench scripts: paths, report variants, memory, percentiles, tables."""
from __future__ import annotations

import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
BUILTIN_REPORT = PROJECT_ROOT / "data" / "reports" / "liwan-dpf-2023-performance-self-evaluation.txt"
SHARED_DIR = Path(os.environ.get("SHARED_DIR", PROJECT_ROOT.parent / "shared"))
DEV_SET = SHARED_DIR / "eval" / "dev.jsonl"
SCORER = SHARED_DIR / "eval" / "score.py"
SHARED_REPORT = SHARED_DIR / "reports" / BUILTIN_REPORT.name
if not SHARED_REPORT.is_file():
    SHARED_REPORT = BUILTIN_REPORT

CITIES = ("广州", "深圳", "佛山", "东莞", "珠海", "中山", "惠州", "江门", "肇庆", "汕头")
DISTRICTS = ("越秀", "海珠", "天河", "白云", "黄埔", "番禺", "花都", "南沙", "从化", "增城")

# a number token; heading markers ("1．", "（1）") are left alone so the outline survives
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d])")
_YEAR = re.compile(r"(20\d\d)(\s*年)")


def vary_report(text: str, n: int) -> str:
    """A distinct copy of a report: another department (city/district), year shifted, every figure rescaled.

    Each distinct number token maps to one new value per copy, so passages the report repeats word for
    word stay identical inside one copy (the cleaner still has duplicates to collapse).
    """
    if n == 0:
        return text
    rng = random.Random(n)
    city, district = CITIES[(n // len(DISTRICTS)) % len(CITIES)], DISTRICTS[n % len(DISTRICTS)]
    text = text.replace("广州市荔湾区", f"{city}市{district}区").replace("荔湾区", f"{district}区")
    text = text.replace("荔湾", district)
    shift = 1 + n % 7
    text = _YEAR.sub(lambda m: f"{int(m.group(1)) - shift}{m.group(2)}", text)
    mapping: dict[str, str] = {}

    def scaled(m: re.Match[str]) -> str:
        token = m.group(1)
        after = text[m.end():m.end() + 1]
        before = text[max(0, m.start() - 1):m.start()]
        if after in "．.、" and after != "" and "." not in token or before in "（(" and after in "）)":
            return token  # heading numbers
        if re.fullmatch(r"20\d\d|19\d\d", token):
            return token  # years already shifted (or years without 年)
        if token not in mapping:
            factor = rng.uniform(0.55, 1.45)
            if "." in token:
                places = len(token.split(".")[1])
                value = f"{float(token) * factor:.{places}f}"
            else:
                value = str(max(1, round(int(token) * factor))) if int(token) > 0 else "0"
            mapping[token] = value
        return mapping[token]

    return _NUMBER.sub(scaled, text)


def long_report(pages: int = 100, chars_per_page: int = 650) -> str:
    """About `pages` pages of report text: the built-in report followed by varied copies of itself."""
    base = BUILTIN_REPORT.read_text(encoding="utf-8")
    parts, total, n = [], 0, 0
    while total < pages * chars_per_page:
        part = vary_report(base, n)
        parts.append(part)
        total += len(re.sub(r"\s", "", part))
        n += 1
    return "\n\n".join(parts)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb(pid: int | None = None) -> float:
    """Current resident memory of a process (default: this one), in MB."""
    import psutil

    return psutil.Process(pid or os.getpid()).memory_info().rss / 2**20


def du_mb(path: Path) -> float:
    """Size on disk of a folder, in MB (like du)."""
    total = 0
    for p in Path(path).rglob("*"):
        if p.is_file():
            total += p.stat().st_blocks * 512
    return total / 2**20


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100), nearest-rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSONL file."""
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, rows: Sequence[dict]) -> None:
    """Write JSON objects one per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def bench_env(**extra: str) -> dict[str, str]:
    """The environment for a bench child process: quiet, offline, with the given settings."""
    env = dict(os.environ)
    env.update({"ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
                "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(PROJECT_ROOT)})
    env.update(extra)
    return env


def run_child(args: Sequence[str], env: dict[str, str], timeout: float = 1800) -> dict:
    """Run `python ARGS` in a new process; its last stdout line is a JSON object, returned."""
    proc = subprocess.run([sys.executable, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.strip().startswith("{")]
    return json.loads(lines[-1])


def fmt(value: object) -> str:
    """A table cell: floats rounded sensibly, None as '-'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:
            return "-"
        return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (pastes into the README as is)."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h)) for i, h in enumerate(headers)]
    line = lambda vals: "| " + " | ".join(str(v).ljust(w) for v, w in zip(vals, widths)) + " |"
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)])


def save_table(name: str, text: str) -> Path:
    """Keep a printed table under bench/results/NAME.md."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.md"
    path.write_text(text + "\n", encoding="utf-8")
    return path
