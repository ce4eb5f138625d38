"""The engine against two baselines on seed-2025, measured in one run, on one thread:

- **plain Python**: the oracle of `plainmodel`, one `World` per path stepped quarter by
  quarter with Python floats, as an analyst would write it in a notebook;
- **Mesa 3**: the same model as one `mesa.Model` per path with agents stepped by agent set
  (`mesa_model.py`).

Both take the engine's random numbers and give the engine's per-path outcomes
(tests/test_oracle.py checks it on 200 paths), so neither is slow because it is wrong.
Each baseline runs as many paths as take about ``--seconds`` in all (found from a short
calibration run), and its throughput is extrapolated linearly: a path costs the same
whatever the path count. The engine runs ``cc.simulate`` (scenario check, engine, per-path
metrics, statistics) at ``--engine-paths`` paths. The work is split into ``--rounds``
rounds, each running the engine and then each baseline on a seed of its own, so that load
from other jobs on a shared machine falls on all of them alike. Printed: path-quarters per
second of each (total paths x quarters over total time), and the engine's speed-up over
each baseline (issue 6's targets: 100x over plain Python, 300x over Mesa).

    python benchmarks/plain_python.py                  # about 10 s per baseline
    python benchmarks/plain_python.py --seconds 3 --no-mesa
    python benchmarks/plain_python.py --write-docs     # also rewrite docs/performance.md
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from collections.abc import Callable
from typing import Any

from docsection import ONE_THREAD, machine, write_section

os.environ.update(ONE_THREAD)  # before numpy is imported: one BLAS/OpenMP thread

SCENARIO, SEED = "seed-2025", 2025
TARGETS = {"plain Python": 100, "Mesa 3": 300}


def timed(run: Callable[[], Any]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="about how long each baseline runs (default 10)")
    parser.add_argument("--engine-paths", type=int, default=16_384)
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of engine and baselines (default 3)")
    parser.add_argument("--no-mesa", action="store_true", help="skip the Mesa baseline")
    parser.add_argument("--write-docs", action="store_true",
                        help="rewrite the bench:plain_python table in docs/performance.md")
    args = parser.parse_args()

    import numpy as np

    import chipcredit as cc
    from plainmodel import run_oracle

    warnings.filterwarnings("ignore", category=cc.ChipcreditWarning)  # NaN IRRs, expected
    scenario = cc.load_scenario(SCENARIO)
    quarters = scenario.horizon_quarters
    runs: dict[str, Callable[[int, int], Any]] = {
        "engine (`cc.simulate`)": lambda n, seed: cc.simulate(scenario, paths=n, seed=seed),
        "plain Python": lambda n, seed: run_oracle(scenario, seed, n)}
    if not args.no_mesa:
        from mesa_model import run_mesa

        runs["Mesa 3"] = lambda n, seed: run_mesa(scenario, seed, n)
    runs["engine (`cc.simulate`)"](1_000, SEED)  # warm-up: imports, caches
    probe = 40
    per_round = {"engine (`cc.simulate`)": -(-args.engine_paths // args.rounds)}
    for name, run in runs.items():
        if name not in per_round:
            per_path = timed(lambda run=run: run(probe, SEED)) / probe
            per_round[name] = max(1, round(args.seconds / per_path / args.rounds))
    rows: dict[str, dict[str, Any]] = {name: {"name": name, "paths": 0, "seconds": 0.0}
                                       for name in runs}
    for r in range(args.rounds):
        for name, run in runs.items():
            rows[name]["seconds"] += timed(lambda run=run, n=per_round[name], seed=SEED + r: run(n, seed))
            rows[name]["paths"] += per_round[name]
    engine = rows["engine (`cc.simulate`)"]
    engine_rate = engine["paths"] * quarters / engine["seconds"]

    lines = ["| implementation | paths | time (s) | path-quarters/s | engine speed-up | target |",
             "|---|---:|---:|---:|---:|---:|"]
    for row in rows.values():
        rate = row["paths"] * quarters / row["seconds"]
        target = TARGETS.get(row["name"])
        speedup = "" if target is None else f"{engine_rate / rate:,.0f}×"
        lines.append(f"| {row['name']} | {row['paths']:,} | {row['seconds']:.2f} | {rate:,.0f} | "
                     f"{speedup} | {'' if target is None else f'≥ {target}×'} |")
    mesa_version = "" if args.no_mesa else f", Mesa {__import__('mesa').__version__}"
    header = (f"{SCENARIO}, seeds {SEED} to {SEED + args.rounds - 1} (one per round), {quarters} "
              f"quarters, one thread; about {args.seconds:g} s per baseline, throughput "
              f"extrapolated linearly; {args.rounds} alternating rounds; chipcredit "
              f"{cc.__version__}, Python {platform.python_version()}, numpy {np.__version__}"
              f"{mesa_version}; {machine()}; load average {os.getloadavg()[0]:.1f} at the end.")
    text = header + "\n\n" + "\n".join(lines)
    print(text)
    if args.write_docs:
        write_section("plain_python", text)


if __name__ == "__main__":
    main()
