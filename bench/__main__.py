"""`python -m bench`: ingest_bench, then compare, then load (--quick: no LLM runs; --growth adds growth)."""
from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks in order and print each table as it finishes."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the LLM pipelines (assistant llm-local, baseline)")
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load run")
    parser.add_argument("--growth", action="store_true", help="also run the growth benchmark")
    parser.add_argument("--growth-sizes", default="1,10", help="report counts for --growth, e.g. 1,10,100")
    parser.add_argument("--llm-threads", type=int, default=2)
    args = parser.parse_args(argv)
    from bench import compare, ingest_bench, load

    started = time.perf_counter()
    print("== ingest ==", flush=True)
    ingest_bench.run()
    print("\n== compare ==", flush=True)
    pipelines = compare.PIPELINES if not args.quick else tuple(
        p for p in compare.PIPELINES if p not in compare.LLM_PIPELINES)
    compare.run(pipelines, llm_threads=args.llm_threads)
    if not args.no_load:
        print("\n== load ==", flush=True)
        load.run([1, 10, 50], 100)
    if args.growth:
        from bench import growth

        print("\n== growth ==", flush=True)
        growth.run([int(n) for n in args.growth_sizes.split(",") if n])
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
