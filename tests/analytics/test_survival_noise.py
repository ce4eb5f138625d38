"""docs/model.md's numbers on the noise in the survival behind a claim's mark are what the
model gives: the rate is a share of a stream block's paths at risk, with a standard error
of sqrt(r(1 - r)/n), and a small last block is measured on its own paths (a rate of 0 on
a handful of them marks claims at their full balance)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc

MODEL = Path(__file__).resolve().parents[2] / "docs" / "model.md"
BLOCK = 4096


@pytest.fixture(scope="module")
def telecom() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("telecom-2000", paths=4100, seed=0)


def _prose() -> str:
    return " ".join(MODEL.read_text(encoding="utf-8").split())


def _window(result: cc.Result, lab: str, paths: slice) -> tuple[int, int]:
    """(paths at risk, paths that default) in the last four quarters, by hand."""
    q = result.scenario.horizon_quarters
    dq = result.outcome(None, lab, "default_quarter")[paths]
    return int(np.sum((dq < 0) | (dq >= q - 4))), int(np.sum(dq >= q - 4))


def test_the_documented_rates_and_their_standard_errors(telecom: cc.Result) -> None:
    prose = _prose()
    assert "under half a percentage point at typical default rates" not in prose
    for lab, paths, want in (("peer-3", BLOCK, "11.4% over 3,171 of a full block's 4,096 paths "
                                               "at risk, a standard error of 0.56 percentage points"),
                             ("peer-1", BLOCK, "9.3% over 3,122, 0.52 pp"),
                             ("peer-3", 1000, "10.0% over 771 at 1,000 paths (1.1 pp)"),
                             ("peer-3", 200, "12.7% over 150 at 200 paths (2.7 pp)")):
        # paths depend only on the seed and their index: a run's first paths are the same
        risk, failed = _window(telecom, lab, slice(0, paths))
        rate = failed / risk
        se = math.sqrt(rate * (1 - rate) / risk) * 100
        assert want in prose, want
        assert f"{rate * 100:.1f}% over {risk:,}" in want
        assert (f"{se:.2f} p" in want) or (f"({se:.1f} pp)" in want), (lab, paths, se)


def test_a_four_path_last_block_marks_claims_at_their_full_balance(telecom: cc.Result) -> None:
    risk, failed = _window(telecom, "peer-3", slice(BLOCK, None))
    assert (risk, failed) == (3, 0)  # a rate of 0: survival 1
    mark = telecom.outcome("banks-peer-3", "banks", "mark").astype(np.float64)
    tail = mark[BLOCK:]
    dq = telecom.outcome(None, "peer-3", "default_quarter")[BLOCK:]
    alive = dq < 0
    assert np.allclose(tail[alive], tail[alive][0]) and np.all(tail[~alive] == 0.0)
    prose = _prose()
    assert f"({tail[alive][0]:.4f} on each of the 3 paths)" in prose
    assert f"against a mean of {mark[:BLOCK].mean():.4f} over the first block" in prose
