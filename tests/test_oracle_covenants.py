"""SPV covenants, engine against the plain-Python oracle (benchmarks/plainmodel/spv.py).

seed-2025 has no covenants, so tests/test_oracle.py never tests one. Here the same column
by column comparison runs on seed-2025 with covenants on the Colossus 2 SPV (40 random
paths: breaches in different quarters, events of default, lessee defaults after them) and
on the deterministic golden SPV of tests/deals/test_covenants.py with each kind of breach.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import chipcredit as cc
from chipcredit.analytics.metrics import reduce_chunk
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

sys.path.append(str(Path(__file__).resolve().parent.parent / "benchmarks"))  # the oracle lives there

from deals import _build as b
from deals.test_covenants import _spv
from plainmodel.oracle import columns, run_worlds
from test_oracle import disagreements

SEED = 2025


def _compare(data: dict[str, Any], paths: int, deterministic: bool) -> dict[str, np.ndarray]:
    """The engine's outcome columns, after checking the oracle's agree with them."""
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(SEED, paths, 0, 1, deterministic))
    sim.run()
    engine = reduce_chunk(sim)
    worlds, sizes = run_worlds(scenario, SEED, paths, deterministic)
    problems = disagreements(engine, columns(worlds, sizes))
    assert not problems, "\n".join(problems)
    return engine


def test_seed_2025_with_covenants_on_the_colossus_spv_agrees() -> None:
    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    spv = next(d for d in data["deals"] if d["id"] == "colossus2-spv")
    # thresholds near the paths' own LTV and cover (the rates are uncertain), so some paths
    # breach, in different quarters, and others never do
    spv["covenants"] = {"ltv": {"max": 0.72, "breach": "default"},
                        "dscr": {"min": 1.35, "breach": "reserve"}}
    engine = _compare(data, 40, deterministic=False)
    eod = engine["spv|colossus2-spv|event_of_default"]
    first = engine["spv|colossus2-spv|first_breach_quarter"]
    breached = engine["spv|colossus2-spv|covenant_breach"]
    assert 0 < eod.sum() < breached.sum() < 40  # a reserve-only breach, defaults, and neither
    assert len(np.unique(first[first >= 0])) >= 5


@pytest.mark.parametrize("covenants", [
    pytest.param({"dscr": {"min": 1.7, "breach": "default"}}, id="dscr-default"),
    pytest.param({"ltv": {"max": 0.62, "breach": "cash_sweep"}}, id="ltv-sweep"),
    pytest.param({"dscr": {"min": 2.0, "breach": "reserve"}}, id="dscr-reserve"),
    pytest.param({"ltv": {"max": 0.6, "breach": "default"},
                  "dscr": {"min": 1.5, "breach": "cash_sweep"}}, id="both"),
])
def test_golden_spv_with_a_covenant_agrees(covenants: dict[str, Any]) -> None:
    engine = _compare(b.scenario(deals=[_spv(covenants)]), 1, deterministic=True)
    assert engine["spv|spv|covenant_breach"][0] == 1.0
