"""How numba's compile time grows with the size of a compiled loop, on this machine.

The question behind it (docs/performance.md, "What would close the gap"): would one
compiled quarter loop per path, the whole engine in a single numba function, fit in the
20 s a first run is allowed on a fresh install? The loop's body would be mostly ledger
transfers with provenance tags. So this generates a per-path quarter loop made of ``B``
synthetic transfer blocks (an amount from the inputs, clamped to the payer's balance, both
balances, a flow row, and the payer's two vendor tags moved in proportion: 14 lines of
scalar code each, the shape of `engine/ledger_kernel.transfer`'s inner loop) and times
numba compiling it with the project's options (`chipcredit.jit.kernel`'s: numpy's error
model, no C-callable wrapper; no disk cache), each size in a fresh process.

``--split`` compiles the same blocks as one small function each, called in turn from the
loop, instead of one body.

    python benchmarks/compile_cost.py                   # 1, 10, 20 and 40 blocks
    python benchmarks/compile_cost.py --blocks 80 160   # minutes at 160
    python benchmarks/compile_cost.py --split
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

BLOCK = """\
a = x[{k5}, i] * {scale} - bal[{s}, i] * 0.01
if a < 0.0:
    a = 0.0
if a > bal[{s}, i]:
    a = max(bal[{s}, i], 0.0)
bal[{s}, i] -= a
bal[{d}, i] += a
flows[{k}, i] += a
if bal[{s}, i] > 0.0:
    share = a / (bal[{s}, i] + a)
    for v in range(2):
        m = tags[v, {s}, i] * share
        tags[v, {s}, i] -= m
        tags[v, {d}, i] += m"""


def _block(b: int) -> str:
    return BLOCK.format(k5=b % 5, scale=1.0 + b / 100, s=b % 7, d=(b * 3 + 1) % 7, k=b % 40)


def source(blocks: int, split: bool) -> str:
    """Python source of ``loop(bal, flows, tags, x, n_q)``: ``blocks`` transfer blocks per
    path-quarter, inline (one function) or as one function each (``split``)."""
    def indent(text: str, by: int) -> str:
        return "\n".join(" " * by + line for line in text.splitlines())

    parts = []
    if split:
        for b in range(blocks):
            parts.append(f"@kernel\ndef block{b}(bal, flows, tags, x, i):\n{indent(_block(b), 4)}\n")
        body = "\n".join(f"block{b}(bal, flows, tags, x, i)" for b in range(blocks))
    else:
        body = "\n".join(_block(b) for b in range(blocks))
    parts.append("@kernel\ndef loop(bal, flows, tags, x, n_q):\n"
                 "    for i in range(bal.shape[1]):\n"
                 "        for q in range(n_q):\n" + indent(body, 12) + "\n")
    return "\n".join(parts)


def _worker(blocks: int, split: bool) -> None:
    import numba
    import numpy as np

    import chipcredit.jit  # noqa: F401  (numba configured as the package configures it)

    # chipcredit.jit.kernel's options, less the disk cache, which code made by exec can't use
    kernel = numba.njit(error_model="numpy", nogil=True, no_cfunc_wrapper=True)
    namespace = {"kernel": kernel}
    exec(compile(source(blocks, split), f"<compile_cost {blocks}>", "exec"), namespace)
    loop = namespace["loop"]
    n = 64
    args = (np.ones((7, n)), np.zeros((40, n)), np.zeros((2, 7, n)), np.ones((5, n)), 4)
    start = time.perf_counter()
    loop(*args)
    print(f"{time.perf_counter() - start:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, nargs="+", default=[1, 10, 20, 40])
    parser.add_argument("--split", action="store_true", help="one function per block")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        _worker(args.worker, args.split)
        return
    shape = "one function per block" if args.split else "one body"
    print(f"| transfer blocks | lines of scalar code | compile, {shape} (s) |")
    print("|---:|---:|---:|")
    for blocks in args.blocks:
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            cmd = [sys.executable, __file__, "--worker", str(blocks)] + (["--split"] if args.split else [])
            seconds = subprocess.run(cmd, env=env, check=True, capture_output=True,
                                     text=True).stdout.strip()
        print(f"| {blocks} | {blocks * BLOCK.count(chr(10)) + blocks} | {seconds} |", flush=True)


if __name__ == "__main__":
    main()
