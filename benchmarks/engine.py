"""Speed and memory of the engine on seed-2025, measured in one run.

For each path count (default 10,000 and 100,000; 40 quarters) a fresh subprocess, pinned to
one BLAS/OpenMP thread, runs ``cc.simulate`` ``--repeat`` times and reports the median:

- path-quarters per second of ``cc.simulate`` (engine and metrics);
- the ratio of that time to drawing the same random numbers alone with the same generator,
  chunk by chunk through `ChunkDraws` (the normals and uniforms the engine draws: per
  path-quarter three market normals, one winter uniform and, per lab, one normal and one
  uniform; per path the parameter and closing uniforms): the floor no engine can beat;
- peak memory, two ways: the tracemalloc peak of Python allocations (numpy's included) in a
  separate run, and the growth of the process's peak RSS (``getrusage`` max RSS) over the
  timed runs. Each path count has its own process, so the RSS figures are comparable.

Memory should not grow with the path count beyond one chunk plus the per-path outcomes; the
table shows both, and the last line compares the largest and the smallest path count.

    python benchmarks/engine.py                      # 10k and 100k paths, 3 repeats
    python benchmarks/engine.py --paths 20000 --repeat 5
    python benchmarks/engine.py --write-docs         # also rewrite docs/performance.md
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from typing import Any

from docsection import DOCS, ONE_THREAD, held_bytes, machine, markers, write_section

SCENARIO = "seed-2025"
BEGIN, END = markers("engine")


# -- the worker: one path count, in its own process -----------------------------------------
def _draw_calls(scenario: Any) -> list[tuple[str, str, int]]:
    """Every draw a chunk's `Sim` makes: (normal or uniform, component, draws per path)."""
    from chipcredit.engine.draws import ChunkDraws
    from chipcredit.engine.sim import Sim

    calls: list[tuple[str, str, int]] = []

    class Recording(ChunkDraws):
        def normal(self, component: str, per_path: int) -> Any:
            calls.append(("normal", component, per_path))
            return super().normal(component, per_path)

        def uniform(self, component: str, per_path: int) -> Any:
            calls.append(("uniform", component, per_path))
            return super().uniform(component, per_path)

    Sim(scenario, Recording(0, 1, 0, 1, False))
    return calls


MARKET_FACTORS = 3
"""The AI-demand factor, the GPU price index and the used-GPU (residual) value index."""


def _essential_calls(scenario: Any) -> list[tuple[str, str, int]]:
    """The draws no model of this world can do without, per path: each quarter one normal
    per market factor and per lab, and one uniform per lab (its funding round)."""
    quarters = scenario.horizon_quarters
    labs = [p.id for p in scenario.parties if p.kind == "lab"]
    calls = [("normal", "floor:market", MARKET_FACTORS * quarters)]
    for lab in labs:
        calls += [("normal", f"floor:{lab}", quarters), ("uniform", f"floor:{lab}", quarters)]
    return calls


def _time_draws(calls: list[tuple[str, str, int]], paths: int, seed: int,
                chunk_blocks: int) -> float:
    """Seconds to draw, chunk by chunk, what the engine draws for ``paths`` paths."""
    from chipcredit.engine.draws import ChunkDraws
    from chipcredit.engine.streams import STREAM_BLOCK

    n_blocks = -(-paths // STREAM_BLOCK)
    began = time.perf_counter()
    for first in range(0, n_blocks, chunk_blocks):
        draws = ChunkDraws(seed, paths, first, min(first + chunk_blocks, n_blocks), False)
        for kind, component, per_path in calls:
            getattr(draws, kind)(component, per_path)
    return time.perf_counter() - began


def worker(paths: int, repeat: int, seed: int, chunk_blocks: int | None) -> dict[str, Any]:
    import numpy as np

    import chipcredit as cc

    warnings.simplefilter("ignore", cc.ChipcreditWarning)  # the summary's NaN-IRR note
    scenario = cc.load_scenario(SCENARIO)
    default_chunk = inspect.signature(cc.simulate).parameters["chunk_blocks"].default
    blocks = chunk_blocks or default_chunk
    extra = {} if chunk_blocks is None else {"chunk_blocks": chunk_blocks}
    cc.simulate(scenario, paths=500, seed=seed, **extra)  # imports, caches, first touches
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, draw_times, floor_times = [], [], []
    calls = _draw_calls(scenario)
    essential = _essential_calls(scenario)
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = cc.simulate(scenario, paths=paths, seed=seed, **extra)
        times.append(time.perf_counter() - began)
        del result
        draw_times.append(_time_draws(calls, paths, seed, blocks))
        floor_times.append(_time_draws(essential, paths, seed, blocks))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    result = cc.simulate(scenario, paths=paths, seed=seed, **extra)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    outcome_bytes = held_bytes(result.outcomes.values())
    reservoir_bytes = sum(v.nbytes for v in result.reservoir.values())
    quarters = scenario.horizon_quarters
    median = statistics.median(times)
    draws_median = statistics.median(draw_times)
    normals = sum(p for k, _, p in calls if k == "normal")
    uniforms = sum(p for k, _, p in calls if k == "uniform")
    return {
        "paths": paths, "quarters": quarters, "repeat": repeat, "chunk_blocks": blocks,
        "times": times, "median_s": median, "pq_per_s": paths * quarters / median,
        "draws_s": draw_times, "draws_median_s": draws_median,
        "engine_over_draws": median / draws_median,
        "floor_median_s": statistics.median(floor_times),
        "engine_over_floor": median / statistics.median(floor_times),
        "draws_per_path_quarter": (normals + uniforms) / quarters,
        "floor_per_path_quarter": sum(p for _, _, p in essential) / quarters,
        "normals_per_path": normals, "uniforms_per_path": uniforms,
        "traced_peak_mb": traced_peak / 2**20,
        "rss_growth_mb": (rss_after - rss_before) / 1024,  # ru_maxrss is in KiB on Linux
        "outcomes_mb": outcome_bytes / 2**20,
        "reservoir_mb": reservoir_bytes / 2**20,
        "numpy": np.__version__, "chipcredit": cc.__version__,
    }


# -- the driver -------------------------------------------------------------------------------


def run(paths: int, repeat: int, seed: int, chunk_blocks: int | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", str(paths), "--repeat", str(repeat),
           "--seed", str(seed)]
    if chunk_blocks is not None:
        cmd += ["--chunk-blocks", str(chunk_blocks)]
    env = {**os.environ, **ONE_THREAD}
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| paths | quarters | chunk (paths) | `cc.simulate`, median (s) | path-quarters/s "
            "| draws alone (s) | simulate / draws | floor draws (s) | simulate / floor "
            "| tracemalloc peak (MB) | max RSS growth (MB) "
            "| per-path outcomes (MB) | band reservoir (MB) |")
    lines = [head, "|" + "---:|" * 13]
    for r in rows:
        lines.append(
            f"| {r['paths']:,} | {r['quarters']} | {r['chunk_blocks'] * 4096:,} "
            f"| {r['median_s']:.2f} | {r['pq_per_s']:,.0f} | {r['draws_median_s']:.3f} "
            f"| {r['engine_over_draws']:.0f} | {r['floor_median_s']:.3f} "
            f"| {r['engine_over_floor']:.0f} | {r['traced_peak_mb']:.0f} "
            f"| {r['rss_growth_mb']:.0f} | {r['outcomes_mb']:.0f} | {r['reservoir_mb']:.0f} |")
    return "\n".join(lines)


def memory_note(rows: list[dict[str, Any]]) -> str:
    if len(rows) < 2:
        return ""
    lo, hi = min(rows, key=lambda r: r["paths"]), max(rows, key=lambda r: r["paths"])
    extra = hi["paths"] - lo["paths"]
    def kept(r: dict[str, Any]) -> float:  # results that grow with the paths
        return float(r["outcomes_mb"] + r["reservoir_mb"])

    grow = hi["traced_peak_mb"] - lo["traced_peak_mb"]
    results = kept(hi) - kept(lo)
    rest_lo = lo["traced_peak_mb"] - kept(lo)
    rest_hi = hi["traced_peak_mb"] - kept(hi)
    return (f"From {lo['paths']:,} to {hi['paths']:,} paths the tracemalloc peak grows by "
            f"{grow:.0f} MB ({grow * 2**20 / extra:,.0f} bytes per extra path), the kept "
            f"results (per-path outcomes and the band reservoir, which stops at 20,000 paths) "
            f"by {results:.0f} MB ({results * 2**20 / extra:,.0f} bytes per extra path). The "
            f"peak less the kept results, about one chunk's working set, is {rest_lo:.0f} MB "
            f"at {lo['paths']:,} paths and {rest_hi:.0f} MB at {hi['paths']:,}.")




def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per path count (median)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--chunk-blocks", type=int, default=None,
                    help="stream blocks per chunk (default: the library's default)")
    ap.add_argument("--write-docs", action="store_true",
                    help=f"rewrite the table in {DOCS.name} between {BEGIN} and {END}")
    ap.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.repeat, args.seed, args.chunk_blocks)))
        return
    rows = []
    for paths in args.paths:
        print(f"{paths:,} paths x {args.repeat} ...", file=sys.stderr, flush=True)
        rows.append(run(paths, args.repeat, args.seed, args.chunk_blocks))
    r0 = rows[0]
    header = (f"{SCENARIO}, seed {args.seed}, median of {args.repeat} runs, one thread; "
              f"chipcredit {r0['chipcredit']}, Python {platform.python_version()}, "
              f"numpy {r0['numpy']}; {machine()}. Draws per path: "
              f"{r0['normals_per_path']} normals and {r0['uniforms_per_path']} uniforms, "
              f"{r0['draws_per_path_quarter']:.1f} per path-quarter, against the floor's "
              f"{r0['floor_per_path_quarter']:.0f} (one normal per market factor and per lab "
              f"and one uniform per lab, each quarter).")
    text = "\n\n".join(part for part in (header, table(rows), memory_note(rows)) if part)
    print(text)
    if args.write_docs:
        write_section("engine", text)


if __name__ == "__main__":
    main()
