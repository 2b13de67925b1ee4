"""Issue 6: drive POST /api/ask of a real `python -m app` server from this process with 1, 10, 50 clients."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import (DEV_SET, PROJECT_ROOT, RESULTS_DIR, bench_env, free_port, load_jsonl, percentile,
                          save_table, table)

HEADERS = ("clients", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "server RSS MB (peak)")


def server_rss_mb(pid: int) -> float:
    """Resident memory of the server process and its children, in MB."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
    except psutil.Error:
        return float("nan")


class RssSampler:
    """Samples a process's RSS in the background and keeps the peak."""

    def __init__(self, pid: int, every_s: float = 0.2) -> None:
        self.pid, self.every_s, self.peak = pid, every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, server_rss_mb(self.pid))
            self._stop.wait(self.every_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wait_ready(base: str, proc: subprocess.Popen, timeout_s: float = 120) -> float:
    """Poll /healthz until 200; seconds since `proc` started (raises if the server dies or never gets ready)."""
    import httpx

    started = proc.bench_started  # type: ignore[attr-defined]
    while time.perf_counter() - started < timeout_s:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server not ready after {timeout_s} s")


def drive(base: str, questions: list[str], clients: int, requests: int, timeout_s: float = 60) -> dict:
    """`requests` POST /api/ask calls spread over `clients` concurrent clients; latency, errors, throughput."""
    import httpx

    local = threading.local()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, timeout=timeout_s)
        started = time.perf_counter()
        try:
            resp = client.post("/api/ask", json={"question": questions[i % len(questions)]})
            ok = resp.status_code == 200 and "answer" in resp.json()
            why = "" if ok else f"HTTP {resp.status_code}: {resp.text[:120]}"
        except (httpx.HTTPError, ValueError) as exc:
            ok, why = False, f"{type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors.append(why)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    return {"clients": clients, "requests": requests, "errors": len(errors), "error_samples": errors[:3],
            "rps": requests / wall, "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99)}


def run(levels: list[int], requests: int, chroma_path: Path | None = None) -> list[dict]:
    """Ingest (unless given a store), start the server, drive each concurrency level, print the table."""
    questions = [q["question"] for q in load_jsonl(DEV_SET)]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        env = bench_env(DATA_DIR=str(Path(tmp) / "data"), ANSWER_MODE="extractive", API_TOKEN="", UI_AUTH="",
                        LOG_LEVEL="WARNING", LOG_QUESTIONS="false",
                        CHROMA_PATH=str(chroma_path or Path(tmp) / "chroma"))
        if chroma_path is None:
            subprocess.run([sys.executable, "-m", "ingest", "--quiet"], env=env, cwd=PROJECT_ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (Path(tmp) / "server.log").open("w")
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "app", "--port", str(port)], env=env, cwd=PROJECT_ROOT,
                                stdout=log, stderr=subprocess.STDOUT)
        proc.bench_started = started  # type: ignore[attr-defined]
        results = []
        try:
            ready_s = wait_ready(base, proc)
            idle_rss = server_rss_mb(proc.pid)
            for clients in levels:
                with RssSampler(proc.pid) as sampler:
                    row = drive(base, questions, clients, requests)
                row["rss_mb"] = round(sampler.peak)
                results.append(row)
                print(f"  {clients} clients: {row['errors']} errors, {row['rps']:.1f} req/s", file=sys.stderr,
                      flush=True)
        except RuntimeError:
            log.close()
            sys.stderr.write((Path(tmp) / "server.log").read_text()[-3000:])
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    rows = [(r["clients"], r["requests"], r["errors"], round(r["rps"], 1), r["p50"], r["p95"], r["p99"], r["rss_mb"])
            for r in results]
    text = (f"Load, extractive, POST /api/ask over loopback from a separate process. Server start to /healthz 200: "
            f"{ready_s:.1f} s; server RSS when ready: {idle_rss:.0f} MB\n" + table(HEADERS, rows))
    for r in results:
        if r["error_samples"]:
            text += f"\n{r['clients']} clients, sample errors: {r['error_samples']}"
    print(text, flush=True)
    save_table("load", text)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "load.json").write_text(json.dumps({"ready_s": ready_s, "idle_rss_mb": idle_rss,
                                                        "levels": results}, indent=2), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    """CLI: python -m bench.load [--levels 1,10,50] [--requests 100] [--chroma-path DIR]."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients per level")
    parser.add_argument("--requests", type=int, default=100, help="requests per level")
    parser.add_argument("--chroma-path", type=Path, help="serve an already ingested store (default: ingest the "
                                                         "built-in report into a fresh tmp store)")
    args = parser.parse_args(argv)
    run([int(n) for n in args.levels.split(",") if n], args.requests, args.chroma_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
