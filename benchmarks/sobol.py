"""Speed of a Sobol sensitivity analysis on seed-2025.

The target (issue 4): 8 parameters, 128 base samples with second-order indices (Saltelli:
128 × (2·8 + 2) = 2,304 model runs), 2,000 paths per run, on a 2-core machine, in under
10 minutes::

    python benchmarks/sobol.py --workers 2

``--fraction F`` times only the first F of the runs (through the same runner) and
extrapolates, for a quick look on a slow machine; the full analysis is the default.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time

import numpy as np

import chipcredit as cc
from chipcredit.experiments.parameters import choose_parameters
from chipcredit.experiments.runner import run_variants

METRIC = "deals.colossus2-spv.parties.nvidia.moic.p50"
PARAMS = [
    "deals.colossus2-spv.lease.rate",
    "deals.colossus2-spv.debt.rate",
    "deals.colossus2-spv.close_probability",
    "parties.xai.revenue.run_rate",
    "parties.xai.revenue.growth.from",
    "parties.xai.cash",
    "market.hardware.fire_sale_haircut",
    "market.ai_demand.volatility",
]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers), user + system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def report(runs: int, elapsed: float, cpu: float, workers: int) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"total {elapsed:.1f} s ({elapsed / 60:.2f} min) wall · {runs / elapsed:.2f} runs/s · "
          f"{cpu:.0f} CPU s ({cpu / runs:.3f} CPU s per run) · load average at the end "
          f"{load:.1f}")
    print(f"CPU-bound estimate on an otherwise idle machine with {workers} cores: "
          f"{cpu / workers:.0f} s ({cpu / workers / 60:.2f} min)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=128, help="Sobol base samples (power of 2)")
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--fraction", type=float, default=1.0,
                    help="time this share of the runs only and extrapolate")
    args = ap.parse_args()
    d = len(PARAMS)
    runs = args.samples * (2 * d + 2)
    print(f"chipcredit {cc.__version__} · Python {platform.python_version()} · "
          f"{os.cpu_count()} CPUs · {args.workers} workers")
    print(f"Sobol: {d} parameters, N = {args.samples}, second order: {runs:,} runs "
          f"(+1 baseline) of {args.paths:,} paths, metric {METRIC}")
    began, cpu0 = time.perf_counter(), cpu_seconds()
    if args.fraction >= 1.0:
        res = cc.sensitivity("seed-2025", METRIC, PARAMS, method="sobol", paths=args.paths,
                             seed=args.seed, samples=args.samples, second_order=True,
                             workers=args.workers)
        elapsed = time.perf_counter() - began
        print(res.table.to_string(float_format=lambda x: f"{x:.4f}"))
        report(res.runs, elapsed, cpu_seconds() - cpu0, args.workers)
        return
    sc = cc.load_scenario("seed-2025")
    chosen, _ = choose_parameters(sc, PARAMS)
    n = max(1, round(runs * args.fraction))
    rng = np.random.default_rng(args.seed)
    grid = np.column_stack([p.at(rng.random(n)) for p in chosen])
    run_variants(sc, PARAMS, grid, METRIC, paths=args.paths, seed=args.seed,
                 workers=args.workers)
    elapsed = time.perf_counter() - began
    report(n, elapsed, cpu_seconds() - cpu0, args.workers)
    total = elapsed * (runs + 1) / n
    print(f"{n:,} of {runs:,} runs: extrapolated total {total:.0f} s ({total / 60:.2f} min) wall")


if __name__ == "__main__":
    main()
