"""Scaling of one run with the path count: time and peak memory at 10k, 100k and 1M paths.

Each path count runs in a fresh process pinned to one BLAS/OpenMP thread, in-process (no
Dask), on seed-2025 (40 quarters): a warm-up run of 500 paths (imports, caches), then one
timed ``cc.simulate`` (and its JSON summary). Reported per path count:

- wall time of ``cc.simulate`` and path-quarters per second (time should be linear);
- the process's peak RSS (``getrusage`` max RSS: everything, Python and numpy included)
  and its growth over the run, beside what the result keeps (float32 per-path outcomes and
  the band reservoir): memory should be one chunk plus the kept results, flat otherwise;
- the load average when the run started and ended (the machine may be shared).

    python benchmarks/scaling.py                         # 10k, 100k and 1M paths
    python benchmarks/scaling.py --paths 10000 100000    # quicker
    python benchmarks/scaling.py --write-docs            # also rewrite docs/performance.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from typing import Any

from docsection import DOCS, ONE_THREAD, held_bytes, machine, markers, write_section

SCENARIO = "seed-2025"
BEGIN, END = markers("scaling")
MB = 2**20


def worker(paths: int, seed: int) -> dict[str, Any]:
    import numpy as np

    import chipcredit as cc

    warnings.simplefilter("ignore", cc.ChipcreditWarning)  # the summary's NaN-IRR note
    scenario = cc.load_scenario(SCENARIO)
    cc.simulate(scenario, paths=500, seed=seed).to_json()  # imports, caches, first touches
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    result = cc.simulate(scenario, paths=paths, seed=seed)
    simulate_s = time.perf_counter() - began
    result.to_json()
    total_s = time.perf_counter() - began
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "paths": paths, "quarters": scenario.horizon_quarters, "simulate_s": simulate_s,
        "summary_s": total_s - simulate_s,
        "pq_per_s": paths * scenario.horizon_quarters / simulate_s,
        "rss_before_mb": rss_before / MB, "rss_peak_mb": rss_peak / MB,
        "outcomes_mb": held_bytes(result.outcomes.values()) / MB,
        "outcome_columns": len(result.outcomes),
        "reservoir_mb": sum(v.nbytes for v in result.reservoir.values()) / MB,
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "numpy": np.__version__, "chipcredit": cc.__version__,
    }




def run(paths: int, seed: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", str(paths), "--seed", str(seed)]
    done = subprocess.run(cmd, env={**os.environ, **ONE_THREAD}, check=False,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the run of {paths:,} paths failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| paths | `cc.simulate` (s) | path-quarters/s | time per path vs first row "
             "| peak RSS (MB) | RSS growth in the run (MB) | per-path outcomes (MB) "
             "| band reservoir (MB) | peak less kept (MB) | load average (start–end) |",
             "|" + "---:|" * 10]
    first = rows[0]["simulate_s"] / rows[0]["paths"]
    for r in rows:
        kept = r["outcomes_mb"] + r["reservoir_mb"]
        lines.append(
            f"| {r['paths']:,} | {r['simulate_s']:.1f} | {r['pq_per_s']:,.0f} "
            f"| {r['simulate_s'] / r['paths'] / first:.2f} | {r['rss_peak_mb']:,.0f} "
            f"| {r['rss_peak_mb'] - r['rss_before_mb']:,.0f} | {r['outcomes_mb']:,.0f} "
            f"| {r['reservoir_mb']:,.0f} | {r['rss_peak_mb'] - kept:,.0f} "
            f"| {r['load_before']:.1f}–{r['load_after']:.1f} |")
    return "\n".join(lines)




def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--note", default="", help="a sentence added to the table's header")
    ap.add_argument("--write-docs", action="store_true",
                    help=f"rewrite the table in {DOCS.name} between {BEGIN} and {END}")
    ap.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.seed)))
        return
    rows = []
    for paths in args.paths:
        print(f"{paths:,} paths ...", file=sys.stderr, flush=True)
        rows.append(run(paths, args.seed))
    r0 = rows[0]
    header = (f"{SCENARIO}, seed {args.seed}, one run per path count in a fresh process, one "
              f"thread, in-process; {r0['outcome_columns']} per-path outcomes; chipcredit "
              f"{r0['chipcredit']}, Python {platform.python_version()}, numpy {r0['numpy']}; "
              f"{machine()}.")
    text = (f"{args.note} " if args.note else "") + f"{header}\n\n{table(rows)}"
    print(text)
    if args.write_docs:
        write_section("scaling", text)


if __name__ == "__main__":
    main()
