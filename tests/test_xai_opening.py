"""seed-2025's xAI at its start (2025Q4) against the press figures (../shared/facts.md, section 1).

The scenario starts at the beginning of 2025Q4, and a model quarter earns a quarter of the
run-rate it closes at, so the run-rate it starts from is Q3-2025's revenue x 4. The bounds
below are computed from the facts, not from the model's output.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.scenario.parties import Lab

Q3_REVENUE = 0.107
"""$B, xAI's Q3-2025 revenue (Bloomberg, Jan 2026), about 2x Q2."""
NINE_MONTHS = 0.2
"""$B, its revenue over the first nine months of 2025: more than this (Bloomberg, Jan 2026)."""
PLAN_2025, PLAN_2026 = 0.5, 2.0
"""$B, its revenue plan for 2025 and 2026 (Bloomberg, Jun 2025: $500M, more than $2B)."""
COLOSSUS_1 = 0.3
"""GW, Colossus 1 by Sep 2025 (SemiAnalysis: ~200k H100/H200 + ~30k GB200, ~300 MW)."""
COLOSSUS_2_BY_END_2025 = 0.7
"""GW, Colossus 2's ~100k GB200 online by Oct 2025 and ~200k more planned soon (inkl): 300k
GB200 at Bernstein's GB200 NVL72 ($5.9M per 72-GPU rack, $35B per GW: ~427k GPUs per GW)."""


@pytest.fixture(scope="module")
def base() -> cc.Result:
    return cc.simulate("seed-2025", deterministic=True)


@pytest.fixture(scope="module")
def run() -> cc.Result:
    with warnings.catch_warnings():  # a few IRRs without a root: not what this file checks
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=300, seed=1)


def test_the_base_case_starts_2025q4_from_q3_s_revenue_times_four(base: cc.Result) -> None:
    # with every shock zero the run-rate grows by exactly (1 + g)^(1/4) in the first quarter,
    # g the median opening growth; revenue is a quarter of the run-rate (capacity serves all)
    xai = next(p for p in base.scenario.parties if p.id == "xai")
    assert isinstance(xai, Lab)
    growth = xai.revenue.growth.start.median()
    closing = 4 * float(base.bands("xai", "revenue")["mean"].iloc[0])
    opening = closing / (1.0 + growth) ** 0.25
    assert opening == pytest.approx(4 * Q3_REVENUE, rel=0.05)


def test_the_base_case_s_2025q4_revenue_is_between_q3_s_and_what_the_plan_leaves(
        base: cc.Result) -> None:
    q4 = float(base.bands("xai", "revenue")["mean"].iloc[0])
    assert Q3_REVENUE < q4 < PLAN_2025 - NINE_MONTHS  # it grew every quarter of 2025


def test_the_2026_plan_is_inside_the_model_s_range(run: cc.Result) -> None:
    rows = [i for i, label in enumerate(run.quarter_labels()) if label.startswith("2026")]
    revenue = run.flow_reservoir["customers", "xai", "revenue"][rows].astype(np.float64).sum(axis=0)
    assert revenue.shape == (run.paths,)
    low, median, high = np.percentile(revenue, [5, 50, 95])
    assert low < PLAN_2026 < high
    # the plan is a plan: the median path, grown from the reported Q3, falls short of it
    assert median < PLAN_2026


def test_end_2025_capacity_is_colossus_1_plus_at_most_colossus_2_s_first_300k(
        base: cc.Result) -> None:
    # Colossus 2's GPUs come through the SPV (deal colossus2-spv), not the opening fleet:
    # counting them in both would put the capacity above this bound
    capacity = float(base.bands("xai", "capacity")["mean"].iloc[0])
    assert COLOSSUS_1 < capacity < COLOSSUS_1 + COLOSSUS_2_BY_END_2025
