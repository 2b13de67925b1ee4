"""`python -m ingest ARGS` that stops for good midway, so a test can kill it at a known point.

Run as `python tests/app/paused_ingest.py ARGS` from the project folder. It is the real ingest CLI in a real
process; only the store's embedding step is wrapped: after PAUSE_AFTER_BATCHES embedding batches have been embedded
and written, the next one prints PAUSE_MARKER on stdout and waits forever (the test then sends SIGKILL).
"""
from __future__ import annotations

import os
import runpy
import sys
import threading
from pathlib import Path

PAUSE_MARKER = "INGEST-PAUSED-MIDWAY"

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import vectorstore.store as store_module  # noqa: E402

_real_embed = store_module.ReportStore._embed
_batches_done = 0


def _embed_then_pause(self: store_module.ReportStore, texts: list[str], dim: int) -> list[list[float]]:
    """Embed like the store does, but stop for good once PAUSE_AFTER_BATCHES batches went through."""
    global _batches_done
    if _batches_done >= int(os.environ.get("PAUSE_AFTER_BATCHES", "1")):
        print(PAUSE_MARKER, flush=True)
        threading.Event().wait()
    _batches_done += 1
    return _real_embed(self, texts, dim)


if __name__ == "__main__":
    store_module.ReportStore._embed = _embed_then_pause
    sys.argv = ["python -m ingest", *sys.argv[1:]]
    runpy.run_module("ingest", run_name="__main__", alter_sys=True)
