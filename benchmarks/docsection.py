"""What the benchmarks share: the machine line, one-thread pinning, and rewriting their
own marked table in docs/performance.md (``<!-- bench:NAME -->`` ... ``<!-- /bench:NAME -->``).

Imported by the benchmark scripts, which run as ``python benchmarks/NAME.py`` (so this
folder is first on ``sys.path``).
"""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
"""Environment that pins BLAS and OpenMP to one thread, for one-core figures."""


def markers(name: str) -> tuple[str, str]:
    """The begin and end markers of the ``bench:NAME`` section."""
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def machine() -> str:
    """CPU model, cores and OS, for a table's header."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores (nproc), {platform.system()} {platform.release()}"


def write_section(name: str, text: str) -> None:
    """Replace the ``bench:NAME`` section of docs/performance.md with ``text``."""
    begin, end = markers(name)
    if not DOCS.exists():
        raise SystemExit(f"{DOCS} does not exist")
    doc = DOCS.read_text()
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{DOCS} has no {begin} ... {end} markers")
    DOCS.write_text(pattern.sub(lambda _: f"{begin}\n{text}\n{end}", doc, count=1))
    print(f"wrote {DOCS}")


def held_bytes(arrays: Iterable[Any]) -> int:
    """Bytes that ``arrays`` really hold: an array shared by several keys counts once, and a
    broadcast constant (stride 0, see `chipcredit.engine.columns`) counts one value."""
    seen: set[int] = set()
    total = 0
    for a in arrays:
        address = a.__array_interface__["data"][0]
        if address in seen:
            continue
        seen.add(address)
        total += a.itemsize if a.ndim and a.strides[0] == 0 else a.nbytes
    return total
