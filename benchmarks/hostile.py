"""Time and memory of refusing hostile input: each case must be refused quickly and cheaply.

Each case builds its input (a YAML alias bomb, 10,000-deep nesting, a 100 MB file, 100,000
deals, Python-object YAML tags, absurd path counts), then hands it to the public loader or
`simulate` and expects a chipcredit error. For each case the script reports:

- whether it was refused, and the error's one line;
- the seconds from the call to the refusal (building the input is not counted);
- the growth of the process's peak resident memory during the call, in MB (the peak is
  reset before each case through ``/proc/self/clear_refs``, so cases do not hide each other).

The promise in docs/reliability.md: every case refused in under 2 s and 200 MB.

    python benchmarks/hostile.py              # a Markdown table
    python benchmarks/hostile.py --json       # one JSON object per case (tests/test_hostile.py)
    python benchmarks/hostile.py --case alias-bomb --json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import chipcredit as cc
from chipcredit.scenario.loader import load_scenario, parse_scenario_text

MB = 2**20

SMALL = """\
name: hostile
start: 2025Q4
horizon_quarters: 8
market:
  ai_demand: {volatility: 0.2, winter: {enter_per_year: 0.05, exit_per_year: 0.5}}
  hardware: {all_in_cost_per_unit: 50, residual_value_by_age: [1.0, 0.5], fire_sale_haircut: 0.3}
parties:
  - {id: nvidia, kind: vendor, content_per_unit: 35, gross_margin: 0.75}
  - id: xai
    kind: lab
    revenue: {run_rate: 0.5, growth: {from: 1.0, to: 0.3, half_life_years: 2}}
    compute: {installed: 0.3, per_revenue: 0.1, training: 0.2,
              training_growth: {from: 0.5, to: 0.1, half_life_years: 3}}
    cash: 4
    procurement: {nvidia: 1.0}
    funding: {valuation_multiple: 20, success: {base: 1.0}}
  - {id: apollo, kind: lender}
"""
DEAL = ("  - {{id: d{0}, kind: loan, lender: apollo, borrower: xai, amount: 0.001, rate: 0.1, "
        "term_years: 5}}\n")


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


# --- the cases: each returns the call to time (which must raise) -------------------------

Call = Callable[[], object]


def alias_bomb(tmp: Path) -> Call:
    """Billion laughs: nine levels of nine aliases, 9**9 values if expanded."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    return lambda: parse_scenario_text(text, "bomb.yaml")


def deep_nesting(tmp: Path) -> Call:
    """10,000 nested flow lists."""
    text = "name: " + "[" * 10_000 + "]" * 10_000 + "\n"
    return lambda: parse_scenario_text(text, "deep.yaml")


def deep_block_nesting(tmp: Path) -> Call:
    """10,000 nested block lists (``- - - - x``), one line."""
    text = "name:\n  " + "- " * 10_000 + "x\n"
    return lambda: parse_scenario_text(text, "deep-block.yaml")


def file_100mb(tmp: Path) -> Call:
    """A 100 MB file on disk (sparse: its size is what counts)."""
    path = tmp / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(100 * MB)
    return lambda: load_scenario(path)


def upload_100mb(tmp: Path) -> Call:
    """100 MB of bytes handed to the parser, as an upload would be."""
    data = SMALL.encode() + b"#" * (100 * MB)
    return lambda: parse_scenario_text(data, "upload.yaml")


def deals_100k_file(tmp: Path) -> Call:
    """A 9.8 MB file (under the size limit) declaring 100,000 deals."""
    path = tmp / "deals.yaml"
    path.write_text(SMALL + "deals:\n" + "".join(DEAL.format(i) for i in range(100_000)))
    return lambda: load_scenario(path)


def deals_100k_dict(tmp: Path) -> Call:
    """100,000 deals handed to the API as plain data."""
    import yaml

    data = yaml.safe_load(SMALL)
    deal = yaml.safe_load(DEAL.format(0))[0]
    data["deals"] = [dict(deal, id=f"d{i}") for i in range(100_000)]
    return lambda: load_scenario(data)


def broken_9mb(tmp: Path) -> Call:
    """A 9 MB file of one long text, broken at its very end (an unclosed quote)."""
    path = tmp / "broken.yaml"
    path.write_text(SMALL + "description: >\n" + ("  " + "x" * 98 + "\n") * 90_000
                    + "extra: 'unclosed\n")
    return lambda: load_scenario(path)


def python_tags(tmp: Path) -> Call:
    """Python-object YAML tags (os.system, subprocess.Popen): nothing may run.

    Under an unsafe loader these would run a command; the marker file must never appear."""
    marker = tmp / "ran"
    text = SMALL.replace("name: hostile",
                         f"name: !!python/object/apply:os.system ['touch {marker}']\n"
                         "description: !!python/object/new:subprocess.Popen [['id']]")

    def call() -> object:
        try:
            return parse_scenario_text(text, "tags.yaml")
        finally:
            if marker.exists():
                raise SystemExit("the YAML tag ran a command")

    return call


def _paths(n: int, force: bool = False) -> Callable[[Path], Call]:
    def case(tmp: Path) -> Call:
        sc = parse_scenario_text(SMALL, "small.yaml")
        return lambda: cc.simulate(sc, paths=n, seed=1, force=force)

    case.__doc__ = f"simulate with paths={n:,}" + (" and force=True" if force else "")
    return case


CASES: dict[str, Callable[[Path], Call]] = {
    "alias-bomb": alias_bomb,
    "deep-nesting": deep_nesting,
    "deep-block-nesting": deep_block_nesting,
    "file-100mb": file_100mb,
    "upload-100mb": upload_100mb,
    "deals-100k-file": deals_100k_file,
    "deals-100k-dict": deals_100k_dict,
    "broken-9mb": broken_9mb,
    "python-tags": python_tags,
    "paths-zero": _paths(0),
    "paths-negative": _paths(-5),
    "paths-1e12": _paths(10**12),
    "paths-1e12-forced": _paths(10**12, force=True),
}


def run_case(name: str) -> dict[str, Any]:
    """Build case ``name``, then time its call and the growth of peak memory during it."""
    with tempfile.TemporaryDirectory() as folder:
        call = CASES[name](Path(folder))
        measured = _reset_peak()
        base = _rss_kb("VmRSS")
        began = time.perf_counter()
        error: BaseException | None = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", cc.ChipcreditWarning)
                call()
        except cc.ChipcreditError as exc:
            error = exc
        seconds = time.perf_counter() - began
        peak = _rss_kb("VmHWM") if measured else None
    return {
        "case": name,
        "what": (CASES[name].__doc__ or "").strip().splitlines()[0],
        "refused": error is not None,
        "error": type(error).__name__ if error is not None else None,
        "message": str(error) if error is not None else None,
        "seconds": seconds,
        "peak_increase_mb": None if peak is None else max(0, peak - base) / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), action="append",
                        help="run only this case (repeatable)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    rows = [run_case(name) for name in (args.case or CASES)]
    if args.json:
        for row in rows:
            print(json.dumps(row), flush=True)
        return 0
    print("| case | input | refused with | time | peak memory growth |")
    print("|---|---|---|---:|---:|")
    for row in rows:
        mem = "n/a" if row["peak_increase_mb"] is None else f"{row['peak_increase_mb']:.1f} MB"
        said = (row["message"] or "NOT REFUSED").replace("|", "\\|")
        print(f"| {row['case']} | {row['what']} | {row['error']}: {said} | "
              f"{row['seconds']:.3f} s | {mem} |")
    return 0 if all(r["refused"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
