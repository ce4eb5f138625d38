"""Local parallelism: a Dask LocalCluster of 2 workers against 1 worker on 1M paths.

Both runs in one process, on seed-2025 (40 quarters), with the same seed:

- **1 worker**: ``cc.simulate(..., workers=1)``, in this process (no Dask);
- **N workers**: a LocalCluster of N single-threaded worker processes, started and warmed up
  first (chipcredit imported and the scenario parsed on each worker), then
  ``cc.simulate(..., scheduler=client)``. The cluster's start-up is timed on its own:
  ``--workers N`` pays it once per call.

It checks that both give the same JSON summary, prints the speed-up, and notes the load
average (the machine may be shared: with 2 cores and other jobs, 2 workers cannot reach 2x).
So it also counts CPU time: of the in-process run, and of each worker and the client in the
cluster run. The busiest worker's CPU time is what the run would take on free cores (the
client merges while the workers compute), so 1 worker's CPU time over it estimates the
speed-up on an idle machine.

    python benchmarks/workers.py                       # 1M paths, 2 workers against 1
    python benchmarks/workers.py --paths 200000 --workers 2 3
    python benchmarks/workers.py --write-docs          # also rewrite docs/performance.md
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from typing import Any

from docsection import DOCS, markers, write_section

SCENARIO = "seed-2025"
BEGIN, END = markers("workers")


def cpu_seconds() -> float:
    """CPU time (user and system) of this process so far (runs on each worker too)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, fn: Any) -> tuple[float, Any]:
    load = os.getloadavg()[0]
    print(f"{label} ...", file=sys.stderr, flush=True)
    began = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - began
    print(f"{label}: {seconds:.1f} s (load average {load:.1f} -> {os.getloadavg()[0]:.1f})",
          file=sys.stderr, flush=True)
    return seconds, (out, load, os.getloadavg()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[2])
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--note", default="", help="a sentence added to the table's header")
    ap.add_argument("--write-docs", action="store_true",
                    help=f"rewrite the table in {DOCS.name} between {BEGIN} and {END}")
    args = ap.parse_args()
    os.environ.update({k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    import dask
    import distributed

    import chipcredit as cc
    from chipcredit.distributed.cluster import CLUSTER_CONFIG, QUIET_CLUSTER

    warnings.simplefilter("ignore", cc.ChipcreditWarning)
    scenario = cc.load_scenario(SCENARIO)
    cc.simulate(scenario, paths=500, seed=args.seed)  # imports and caches in this process
    rows: list[dict[str, Any]] = []
    cpu0 = cpu_seconds()
    one_s, (one, load0, load1) = timed("1 worker (in-process)", lambda: cc.simulate(
        scenario, paths=args.paths, seed=args.seed))
    one_cpu = cpu_seconds() - cpu0
    rows.append({"workers": 1, "start_s": 0.0, "run_s": one_s, "load": (load0, load1),
                 "cpu_s": one_cpu, "busiest_s": one_cpu, "client_s": 0.0})
    reference = one.to_json()
    del one
    for n in args.workers:
        def start(n: int = n) -> Any:
            cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                               **QUIET_CLUSTER)
            client = distributed.Client(cluster)
            cc.simulate(scenario, paths=n * 4096, seed=args.seed, scheduler=client)  # warm up
            return cluster, client

        with dask.config.set(CLUSTER_CONFIG):
            start_s, ((cluster, client), _, _) = timed(f"start {n} workers", start)
            before, client0 = client.run(cpu_seconds), cpu_seconds()
            run_s, (res, load0, load1) = timed(f"{n} workers", lambda client=client: cc.simulate(
                scenario, paths=args.paths, seed=args.seed, scheduler=client))
            after, client_s = client.run(cpu_seconds), cpu_seconds() - client0
            spent = [after[w] - before[w] for w in before]
            client.close()
            cluster.close()
        if res.to_json() != reference:
            raise SystemExit(f"{n} workers gave another JSON summary than 1: a bug")
        del res
        rows.append({"workers": n, "start_s": start_s, "run_s": run_s, "load": (load0, load1),
                     "cpu_s": sum(spent) + client_s, "busiest_s": max(spent), "client_s": client_s})
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    header = (f"{SCENARIO}, {args.paths:,} paths × {scenario.horizon_quarters} quarters, seed "
              f"{args.seed}; chipcredit {cc.__version__}, dask {dask.__version__}, Python "
              f"{platform.python_version()}; {cores} cores (nproc). The JSON summaries of every "
              f"row are identical.")
    lines = ["| workers | cluster start-up and warm-up (s) | run (s) | path-quarters/s "
             "| speed-up over 1 worker | CPU s, all processes | CPU s, busiest worker "
             "| CPU s, client (merging) | speed-up on free cores (est.) "
             "| load average (start–end of the run) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        pq = args.paths * scenario.horizon_quarters / r["run_s"]
        start = "—" if r["workers"] == 1 else f"{r['start_s']:.1f}"
        lines.append(f"| {r['workers']} {'(in-process)' if r['workers'] == 1 else '(LocalCluster)'} "
                     f"| {start} | {r['run_s']:.1f} | {pq:,.0f} | {one_s / r['run_s']:.2f}× "
                     f"| {r['cpu_s']:.1f} | {r['busiest_s']:.1f} | {r['client_s']:.1f} "
                     f"| {one_cpu / max(r['busiest_s'], r['client_s']):.2f}× "
                     f"| {r['load'][0]:.1f}–{r['load'][1]:.1f} |")
    text = (f"{args.note} " if args.note else "") + header + "\n\n" + "\n".join(lines)
    print(text)
    if args.write_docs:
        write_section("workers", text)


if __name__ == "__main__":
    main()
