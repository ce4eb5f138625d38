"""Where a fresh install's first run spends its CPU time: imports, numba compiling kernel by
kernel, and the rest (the run itself, loading the scenario, writing numba's cache).

Runs ``chipcredit run SCENARIO --paths N --no-store -q`` in this process with an empty
numba cache (a new temporary ``NUMBA_CACHE_DIR``, unless one is set) and listens to numba's
``numba:compile`` events: each compiled signature's CPU seconds, exclusive of the callees
compiled inside it (a kernel's first call compiles the kernels it calls). numba's own
functions (``np.empty``, ``np.zeros``...) are compiled once per signature as well and are
listed under their numba names. CPU time (``time.process_time``), not wall time, so that a
busy machine skews the table less; on a 2-core machine shared with other work it still
moves by 10 to 20% from run to run, so compare medians of alternating runs.

    python benchmarks/first_run.py                  # seed-2025, 1,000 paths
    python benchmarks/first_run.py --json out.json  # the rows, for comparing two trees
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="seed-2025")
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--json", help="also write the compiled signatures' rows here")
    args = parser.parse_args()
    os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="chipcredit-first-run-"))

    start = time.process_time()
    from numba.core import event  # before chipcredit: jit settles NUMBA_CACHE_DIR from the env

    stack: list[list[Any]] = []
    rows: list[tuple[str, str, float]] = []  # (function, signature, exclusive CPU s)

    class Compiles(event.Listener):
        def on_start(self, ev: event.Event) -> None:
            fn = ev.data["dispatcher"].py_func
            stack.append([f"{fn.__module__}.{fn.__qualname__}", str(ev.data["args"]),
                          time.process_time(), 0.0])

        def on_end(self, ev: event.Event) -> None:
            name, signature, began, inner = stack.pop()
            spent = time.process_time() - began
            rows.append((name, signature, spent - inner))
            if stack:
                stack[-1][3] += spent

    event.register("numba:compile", Compiles())
    from chipcredit.cli import main as cli

    imported = time.process_time() - start
    sys.argv = ["chipcredit", "run", args.scenario, "--paths", str(args.paths), "--no-store", "-q"]
    try:
        cli()
    except SystemExit as done:
        if done.code not in (None, 0):
            raise
    total = time.process_time() - start
    compiling = sum(r[2] for r in rows)
    per_function: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for name, _, spent in rows:
        per_function[name][0] += 1
        per_function[name][1] += spent
    print(f"\n{args.scenario}, {args.paths} paths, empty cache: {total:.1f} CPU s in all, "
          f"{imported:.1f} s importing, {compiling:.1f} s compiling {len(rows)} signatures, "
          f"{total - imported - compiling:.1f} s the rest\n")
    print("| compiled function | signatures | CPU s |\n|---|---:|---:|")
    for name, (count, spent) in sorted(per_function.items(), key=lambda kv: -kv[1][1]):
        print(f"| `{name.removeprefix('chipcredit.')}` | {count:.0f} | {spent:.2f} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"total": total, "imported": imported, "rows": rows}, out, indent=1)


if __name__ == "__main__":
    main()
