"""IRR statistics rank the paths whose IRR is known to lie beyond the bracket.

A path whose flows only go out is a total loss (-100%, ``below_bracket``), and percentiles
rank ``above_bracket`` paths as +inf and ``below_bracket`` paths as -100%
(`chipcredit.analytics.irr_stats`), so a median is the median of the known answers, not
of the few paths the solver could put a number on.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import chipcredit as cc
from chipcredit.analytics.irr_stats import MIN_RANKED_SHARE, bracket_shares, describe_irr
from chipcredit.analytics.stats import describe
from chipcredit.analytics.valuation import REASONS

CODE = {name: code for code, name in REASONS.items()}
OK, NO_ROOT = CODE["ok"], CODE["no_root_in_bracket"]
ABOVE, BELOW = CODE["above_bracket"], CODE["below_bracket"]


def _paths(solved: list[float], above: int = 0, below: int = 0, no_root: int = 0):
    """(irr, reason, active) for paths with the given solved IRRs, then the other kinds."""
    n = len(solved) + above + below + no_root
    irr = np.full(n, np.nan)
    irr[: len(solved)] = solved
    reason = np.array([OK] * len(solved) + [ABOVE] * above + [BELOW] * below + [NO_ROOT] * no_root,
                      dtype=np.float64)
    return irr, reason, np.ones(n, dtype=bool)


def test_flows_that_only_go_out_are_below_the_bracket() -> None:
    flows = np.array([
        [-2.0, 0.0, 0.0, 0.0],  # a stake bought and written off, marked at 0
        [-1.0, 0.0, -2.0, -3.0],  # rent paid, nothing back
        [1.0, 2.0, 0.0, 0.0],  # only money in: no IRR, no side
        [0.0, 0.0, 0.0, 0.0],  # no position
    ])
    solved = cc.irr(flows)
    assert np.isnan(solved.irr).all()
    assert [REASONS[int(c)] for c in solved.reason] == [
        "below_bracket", "below_bracket", "no_sign_change", "no_sign_change"]
    assert not solved.multiple_sign_changes.any()


def test_six_above_three_solved_one_below_has_its_median_above_the_bracket() -> None:
    # ranked: -1 (below), 0.1, 0.2, 0.3, then six at +inf; the linear rule's median sits at
    # position 4.5 of 0..9, between two paths above the bracket
    irr, reason, active = _paths([0.3, 0.1, 0.2], above=6, below=1)
    out = describe_irr(irr, reason, active)
    assert out["p50"] == np.inf and out["p95"] == np.inf
    # p05 at position 0.45: -1 + 0.45 * (0.1 - -1) = -0.505
    assert out["p05"] == pytest.approx(-0.505, abs=1e-15)
    assert out["mean"] is None  # six IRRs have no number: their mean is unknown
    assert out["ranked_share"] == 1.0 and out["withheld"] is False


def test_a_median_among_solved_paths_counts_the_others_on_their_side() -> None:
    # ranked: -1 x4, 0.1 .. 0.5, +inf: the median at position 4.5 is between 0.1 and 0.2;
    # p95 at 8.55 leans on the path above (+inf); p05 at 0.45 is among the paths below
    irr, reason, active = _paths([0.5, 0.4, 0.3, 0.2, 0.1], above=1, below=4)
    out = describe_irr(irr, reason, active)
    assert out["p50"] == pytest.approx(0.15, abs=1e-15)
    assert out["p95"] == np.inf
    assert out["p05"] == -1.0
    # the old statistic, over the solved paths only, put the median at 0.3
    assert describe(irr)["p50"] == pytest.approx(0.3)


def test_paths_below_the_bracket_count_at_minus_100_in_the_mean() -> None:
    irr, reason, active = _paths([0.1, 0.2, 0.3], below=1)
    out = describe_irr(irr, reason, active, mean=0.2)
    assert out["mean"] == pytest.approx((0.6 - 1.0) / 4, abs=1e-15)
    assert out["p50"] == pytest.approx(0.15, abs=1e-15)  # position 1.5 of -1, .1, .2, .3


def test_without_paths_beyond_the_bracket_the_statistics_are_the_plain_ones() -> None:
    rng = np.random.default_rng(3)
    irr = rng.normal(0.1, 0.2, 500).astype(np.float32)
    irr[::7] = np.nan
    reason = np.where(np.isfinite(irr), OK, NO_ROOT).astype(np.float64)
    out = describe_irr(irr, reason, np.ones(500, dtype=bool))
    assert {k: out[k] for k in ("mean", "mean_se", "p05", "p50", "p95")} == describe(irr)


def test_a_median_over_under_one_percent_of_the_paths_is_withheld() -> None:
    assert MIN_RANKED_SHARE == 0.01
    irr, reason, active = _paths([0.2] * 9, no_root=991)  # 9 of 1,000: under 1%
    out = describe_irr(irr, reason, active)
    assert out["withheld"] is True
    assert [out[k] for k in ("mean", "p05", "p50", "p95")] == [None] * 4
    assert out["ranked_share"] == pytest.approx(0.009)
    irr, reason, active = _paths([0.2] * 10, no_root=990)  # 10 of 1,000: enough
    assert describe_irr(irr, reason, active)["p50"] == pytest.approx(0.2)
    # the share is of the paths with a position: a deal that closed on 0.5% of the paths,
    # all with an IRR, keeps its median
    irr, reason, active = _paths([0.2] * 5, no_root=0)
    irr, reason = np.concatenate([irr, np.full(995, np.nan)]), np.concatenate([reason, np.ones(995)])
    active = np.arange(1000) < 5
    assert describe_irr(irr, reason, active)["p50"] == pytest.approx(0.2)


def test_the_shares_beyond_the_bracket_are_of_all_paths_worked_by_hand() -> None:
    """3 solved, 3 above, 1 below, 1 with no root: 3/8 above and 1/8 below (of all eight
    paths, not of the ranked seven); a solver code that is no side counts in neither."""
    _, reason, _ = _paths([0.1, 0.2, 0.3], above=3, below=1, no_root=1)
    assert bracket_shares(reason) == {"above_bracket_share": 0.375, "below_bracket_share": 0.125}
    # as the engine keeps them (float32 codes) and over no paths at all
    assert bracket_shares(reason.astype(np.float32)) == bracket_shares(reason)
    assert bracket_shares(np.array([], dtype=np.float32)) == {
        "above_bracket_share": 0.0, "below_bracket_share": 0.0}


@pytest.fixture(scope="module")
def seed_2025() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # 3 paths without a root
        return cc.simulate("seed-2025", paths=2000, seed=7)


def test_the_warrant_median_is_above_the_bracket_not_its_few_solved_paths(seed_2025: cc.Result) -> None:
    irr = seed_2025.to_dict()["deals"]["amd-openai-warrant"]["parties"]["openai"]["irr"]
    solved = int(np.isfinite(seed_2025.outcome("amd-openai-warrant", "openai", "irr")).sum())
    assert solved <= 5  # a median of the solved paths alone was once one path's -91.7%
    assert irr["p50"] is None and irr["outside_bracket"] == {"p05": "above", "p50": "above",
                                                              "p95": "above"}
    assert irr["mean"] is None
    reasons = seed_2025.irr_reasons()[("amd-openai-warrant", "openai")]
    ranked = solved + reasons["above_bracket"] + reasons["below_bracket"]
    assert irr["ranked_share"] == ranked / 2000
    assert irr["above_bracket_share"] == reasons["above_bracket"] / 2000 > 0.5
    row = seed_2025.summary().query("deal == 'amd-openai-warrant' and party == 'openai' "
                                    "and metric == 'irr'").iloc[0]
    assert row["p50"] == np.inf and row["ranked_share"] == irr["ranked_share"]


def test_a_written_off_stake_is_below_the_bracket_everywhere(seed_2025: cc.Result) -> None:
    cash_in = seed_2025.outcome("nvidia-coreweave-2026", "nvidia", "cash_in")
    mark = seed_2025.outcomes["deal|nvidia-coreweave-2026|nvidia|mark"]
    lost = (cash_in == 0) & (mark == 0)  # nothing back, marked at 0: only the $2B outflow
    reasons = seed_2025.irr_reasons()[("nvidia-coreweave-2026", "nvidia")]
    assert reasons["no_sign_change"] == 0  # these were all counted here, and left out
    assert reasons["below_bracket"] >= int(lost.sum()) > 400
    code = seed_2025.outcome("nvidia-coreweave-2026", "nvidia", "irr_reason")
    assert (code[lost] == BELOW).all()
    irr = seed_2025.to_dict()["deals"]["nvidia-coreweave-2026"]["parties"]["nvidia"]["irr"]
    assert irr["below_bracket_share"] == reasons["below_bracket"] / 2000
    # ranked with them at -100%, the median is below the median of the survivors
    finite = seed_2025.outcome("nvidia-coreweave-2026", "nvidia", "irr")
    ranked = np.concatenate([finite[np.isfinite(finite)].astype(np.float64),
                             np.full(reasons["below_bracket"], -1.0)])
    assert irr["p50"] == pytest.approx(float(np.quantile(ranked, 0.5)), abs=1e-15)
    assert irr["p50"] < describe(finite)["p50"]
    # a percentile that falls among the written-off paths is -100%, named below the bracket
    at_floor = {k: "below" for k, q in (("p05", 0.05), ("p50", 0.5), ("p95", 0.95))
                if np.quantile(ranked, q) == -1.0}
    assert irr["p05"] == -1.0 and "p95" not in at_floor
    assert irr["outside_bracket"] == at_floor


def _reference(solved: list[float], above: int, below: int, level: Fraction) -> float:
    """The linear-rule percentile at an exact ``level`` of the ranks (above +inf, below -1)."""
    ranks = sorted([*solved, *[math.inf] * above, *[-1.0] * below])
    h = level * (len(ranks) - 1)
    lo = math.floor(h)
    t = h - lo
    if t == 0:
        return ranks[lo]
    a, b = ranks[lo], ranks[lo + 1]
    return math.inf if math.inf in (a, b) else a + (b - a) * float(t)


@given(solved=st.lists(st.floats(-0.99, 10.0), max_size=60), above=st.integers(0, 60),
       below=st.integers(0, 60))
# 5% of 101 paths is exactly the sixth, a solved one: the percentile is on it, not above
@example(solved=[0.1] * 6, above=95, below=0)
def test_the_percentiles_are_those_of_the_ranks(solved: list[float], above: int, below: int) -> None:
    assume(solved or above or below)
    irr, reason, active = _paths(solved, above=above, below=below)
    out = describe_irr(irr, reason, active)
    for name, level in (("p05", Fraction(5, 100)), ("p50", Fraction(1, 2)), ("p95", Fraction(95, 100))):
        expected = _reference(solved, above, below, level)
        if math.isinf(expected):
            assert out[name] == math.inf, name
        else:
            assert out[name] == pytest.approx(expected, abs=1e-12), name
