"""Issues 5/6: time `python -m app` from process start to /healthz ready (several runs), then drive POST /api/ask
with 1, 10, 50 concurrent clients from this process."""
from __future__ import annotations

import argparse
import json
import os
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


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far: start-up work, whatever the load."""
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return float("nan")
    return times.user + times.system


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
    return poll_startup(base, proc, timeout_s)["ready_s"]


def poll_startup(base: str, proc: subprocess.Popen, timeout_s: float = 120) -> dict:
    """Poll /healthz every 50 ms: seconds from process start to its first HTTP answer and to 200 (ready)."""
    import httpx

    started = proc.bench_started  # type: ignore[attr-defined]
    listening_s = None
    with httpx.Client(timeout=2) as client:
        while time.perf_counter() - started < timeout_s:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with status {proc.returncode}")
            try:
                resp = client.get(f"{base}/healthz")
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            now = time.perf_counter() - started
            listening_s = now if listening_s is None else listening_s
            if resp.status_code == 200:
                body = resp.json()
                return {"listening_s": listening_s, "ready_s": now, "build_s": body.get("ready_after_s"),
                        "reports": body.get("reports")}
            time.sleep(0.05)
    raise RuntimeError(f"server not ready after {timeout_s} s")


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    """`python -m app` on a loopback port, its output to `log_path`; the start time is kept on the process."""
    log = log_path.open("w")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "app", "--port", str(port)], env=env, cwd=PROJECT_ROOT,
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child keeps its own descriptor
    proc.bench_started = started  # type: ignore[attr-defined]
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server and wait for it (kill after 15 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load_average() -> str:
    """The 1-minute load average, to read a startup time against (other jobs slow it down)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "-"


def measure_startup(env: dict[str, str], runs: int, log_path: Path) -> list[dict]:
    """Start and stop `python -m app` `runs` times: process start to first answer and to /healthz 200."""
    rows = []
    for i in range(runs):
        port = free_port()
        load_before = load_average()
        proc = start_server(env, port, log_path)
        try:
            row = poll_startup(f"http://127.0.0.1:{port}", proc)
            row["rss_mb"] = server_rss_mb(proc.pid)
            row["cpu_s"] = server_cpu_s(proc.pid)
        except RuntimeError:
            sys.stderr.write(log_path.read_text(encoding="utf-8", errors="replace")[-3000:])
            raise
        finally:
            stop_server(proc)
        row.update(run=i + 1, load=load_before)
        rows.append(row)
        print(f"  startup run {i + 1}: ready after {row['ready_s']:.2f} s", file=sys.stderr, flush=True)
    return rows


STARTUP_HEADERS = ("run", "first HTTP answer s", "/healthz ready s", "store+model build s (in server)",
                   "server CPU s until ready", "RSS when ready MB", "load avg (1 min) before")


def startup_table(rows: list[dict]) -> str:
    """The per-run startup table with a median/min/max line."""
    body = [(r["run"], r["listening_s"], r["ready_s"], r["build_s"], r["cpu_s"], round(r["rss_mb"]), r["load"])
            for r in rows]
    ready = sorted(r["ready_s"] for r in rows)
    cpu = sorted(r["cpu_s"] for r in rows)
    summary = (f"process start to /healthz ready (store and model loaded), {len(rows)} runs: median "
               f"{percentile(ready, 50):.2f} s, min {ready[0]:.2f} s, max {ready[-1]:.2f} s; server CPU until ready: "
               f"median {percentile(cpu, 50):.2f} s")
    return summary + "\n" + table(STARTUP_HEADERS, body)


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


def server_env(tmp: Path, chroma_path: Path | None) -> dict[str, str]:
    """The server's environment: extractive, no token, quiet logs, its own data folder."""
    return bench_env(DATA_DIR=str(tmp / "data"), ANSWER_MODE="extractive", API_TOKEN="", UI_AUTH="",
                     LOG_LEVEL="WARNING", LOG_QUESTIONS="false", CHROMA_PATH=str(chroma_path or tmp / "chroma"))


def run(levels: list[int], requests: int, chroma_path: Path | None = None, startup_runs: int = 3) -> list[dict]:
    """Ingest (unless given a store), time `startup_runs` server starts, drive each load level, print the tables."""
    questions = [q["question"] for q in load_jsonl(DEV_SET)]
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        env = server_env(tmp, chroma_path)
        if chroma_path is None:
            subprocess.run([sys.executable, "-m", "ingest", "--quiet"], env=env, cwd=PROJECT_ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        log_path = tmp / "server.log"
        startups = measure_startup(env, startup_runs, log_path) if startup_runs else []
        results = drive_levels(env, log_path, questions, levels, requests) if levels else []
    text = ""
    if startups:
        text += "Startup, `python -m app` over the built-in report (extractive):\n" + startup_table(startups) + "\n\n"
    if results:
        rows = [(r["clients"], r["requests"], r["errors"], round(r["rps"], 1), r["p50"], r["p95"], r["p99"],
                 r["rss_mb"]) for r in results]
        text += "Load, extractive, POST /api/ask over loopback from a separate process\n" + table(HEADERS, rows)
    for r in results:
        if r["error_samples"]:
            text += f"\n{r['clients']} clients, sample errors: {r['error_samples']}"
    print(text.strip(), flush=True)
    save_table("load", text.strip())
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "load.json").write_text(json.dumps({"startup": startups, "levels": results}, indent=2),
                                           encoding="utf-8")
    return results


def drive_levels(env: dict[str, str], log_path: Path, questions: list[str], levels: list[int],
                 requests: int) -> list[dict]:
    """Start one server and drive each concurrency level against it, sampling its RSS."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(env, port, log_path)
    results = []
    try:
        wait_ready(base, proc)
        for clients in levels:
            with RssSampler(proc.pid) as sampler:
                row = drive(base, questions, clients, requests)
            row["rss_mb"] = round(sampler.peak)
            results.append(row)
            print(f"  {clients} clients: {row['errors']} errors, {row['rps']:.1f} req/s", file=sys.stderr,
                  flush=True)
    except RuntimeError:
        sys.stderr.write(log_path.read_text(encoding="utf-8", errors="replace")[-3000:])
        raise
    finally:
        stop_server(proc)
    return results


def main(argv: list[str] | None = None) -> int:
    """CLI: python -m bench.load [--levels 1,10,50] [--requests 100] [--startup-runs 3] [--chroma-path DIR]."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--levels", default="1,10,50", help="concurrent clients per level")
    parser.add_argument("--requests", type=int, default=100, help="requests per level")
    parser.add_argument("--chroma-path", type=Path, help="serve an already ingested store (default: ingest the "
                                                         "built-in report into a fresh tmp store)")
    parser.add_argument("--startup-runs", type=int, default=3, help="server starts to time (0: none)")
    parser.add_argument("--startup-only", action="store_true", help="time the starts, skip the load levels")
    args = parser.parse_args(argv)
    levels = [] if args.startup_only else [int(n) for n in args.levels.split(",") if n]
    run(levels, args.requests, args.chroma_path, args.startup_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
