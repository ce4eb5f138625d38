"""Hostile input is refused with a clear one-line error, in bounded memory, and never hangs.

The cases live in benchmarks/hostile.py (which also times them for docs/reliability.md).
They run here in one subprocess, killed if it takes over a generous guard, and each case
must be refused with its message and a peak-memory growth under 200 MB. No timing is
asserted: a loaded CI machine may be slow, but never stuck.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUARD_SECONDS = 60  # the whole set takes about 3 s; this only catches a hang
MEMORY_MB = 200

# case: (error class, the message as a regular expression matched in full)
EXPECTED = {
    "alias-bomb": ("ScenarioError",
                   r"bomb\.yaml:6:5: the aliases here expand to more than 100,000 values, the limit"),
    "deep-nesting": ("ScenarioError",
                     r"deep\.yaml:1:\d+: the document nests maps and lists more than 200 levels "
                     r"deep, the limit"),
    "deep-block-nesting": ("ScenarioError",
                           r"deep-block\.yaml:2:\d+: the document nests maps and lists more than "
                           r"200 levels deep, the limit"),
    "file-100mb": ("ScenarioError",
                   r".*huge\.yaml: the file is larger than the limit of 10 MB for a scenario "
                   r"\(100\.0 MB\)"),
    "upload-100mb": ("ScenarioError",
                     r"upload\.yaml: the file is larger than the limit of 10 MB for a scenario"),
    "deals-100k-file": ("ScenarioError",
                        r".*deals\.yaml:\d+:\d+: the document holds more than 100,000 values, "
                        r"the limit"),
    "deals-100k-dict": ("ScenarioError",
                        r"<scenario>: deals must have at most 2,000 entries; got 100000"),
    "broken-9mb": ("ScenarioError",
                   r".*broken\.yaml:90020:1: the file is not valid YAML: .*quoted scalar.*"),
    "python-tags": ("ScenarioError",
                    r"tags\.yaml:1:7: name uses the YAML tag !!python/object/apply:os\.system "
                    r"which is not allowed"),
    "paths-zero": ("UsageError", r"paths must be at least 1; got 0"),
    "paths-negative": ("UsageError", r"paths must be at least 1; got -5"),
    "paths-1e12": ("UsageError",
                   r"paths must be at most 10,000,000 without force \(force=True, or --force on "
                   r"the command line\); got 1,000,000,000,000"),
    "paths-1e12-forced": ("UsageError",
                          r"paths of 1,000,000,000,000 need at least 64,000 GB of memory for "
                          r"their per-path outcomes, more than this machine's [\d,]+ GB, even "
                          r"with force"),
}


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "hostile.py"), "--json"],
                          capture_output=True, text=True, timeout=GUARD_SECONDS, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    return {row["case"]: row for row in rows}


def test_every_case_is_covered(measured: dict[str, dict[str, Any]]) -> None:
    assert set(measured) == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_refused_with_a_clear_line_in_bounded_memory(
        case: str, measured: dict[str, dict[str, Any]]) -> None:
    row = measured[case]
    error, pattern = EXPECTED[case]
    assert row["refused"], row
    assert row["error"] == error
    assert "\n" not in row["message"]
    assert re.fullmatch(pattern, row["message"]), row["message"]
    assert row["peak_increase_mb"] is not None and row["peak_increase_mb"] < MEMORY_MB, row


def test_cli_refuses_absurd_path_counts_in_one_line() -> None:
    """The CLI's own check (before simulate) for 0 and negative; --force for 10**12."""
    from typer.testing import CliRunner

    from chipcredit.cli import app

    for argv, said in ((["--paths", "0"], "--paths"), (["--paths", "-5"], "--paths"),
                       (["--paths", str(10**12)], "without force"),
                       (["--paths", str(10**12), "--force"], "even with force")):
        got = CliRunner().invoke(app, ["run", "seed-2025", "--no-store", "--quiet", *argv])
        assert got.exit_code == 2, (argv, got.stderr)
        assert len(got.stderr.splitlines()) == 1 and said in got.stderr, (argv, got.stderr)
        assert got.exception is None or isinstance(got.exception, SystemExit)


def test_the_documented_limits_are_the_code_s_limits() -> None:
    """docs/reliability.md's table of limits shows each constant's value."""
    from chipcredit.analytics.simulate import MAX_PATHS, MIN_BYTES_PER_PATH
    from chipcredit.engine.labs import MAX_RUN_RATE
    from chipcredit.scenario.bound import MAX_AMOUNT, MAX_COEFFICIENT, MAX_VOLATILITY
    from chipcredit.scenario.loader import MAX_FILE_BYTES
    from chipcredit.scenario.model import MAX_DEALS, MAX_HORIZON_QUARTERS, MAX_PARTIES
    from chipcredit.scenario.yamlnodes import MAX_DEPTH, MAX_NODES

    text = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    shown = {
        "loader.MAX_FILE_BYTES": f"{MAX_FILE_BYTES // 2**20} MB",
        "yamlnodes.MAX_NODES": f"{MAX_NODES:,}",
        "yamlnodes.MAX_DEPTH": f"{MAX_DEPTH:,}",
        "model.MAX_PARTIES": f"{MAX_PARTIES:,}",
        "model.MAX_DEALS": f"{MAX_DEALS:,}",
        "model.MAX_HORIZON_QUARTERS": f"{MAX_HORIZON_QUARTERS} quarters",
        "chipcredit.MAX_PATHS": f"{MAX_PATHS:,} without `--force`",
        "simulate.MIN_BYTES_PER_PATH": f"at {MIN_BYTES_PER_PATH} bytes a path",
        "bound.MAX_AMOUNT": f"{MAX_AMOUNT:g}",
        "bound.MAX_VOLATILITY": f"{MAX_VOLATILITY:g}",
        "bound.MAX_COEFFICIENT": f"{MAX_COEFFICIENT:g}",
        "labs.MAX_RUN_RATE": f"{MAX_RUN_RATE:.0e} $B a year".replace("e+", "e"),
    }
    for name, value in shown.items():
        row = next((line for line in text.splitlines() if f"{name}`" in line), None)
        assert row is not None, name
        assert f"| {value} |" in row or value in row.split("|")[2], (name, value, row)
