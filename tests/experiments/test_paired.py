"""Paired differences beyond the mean: the median paired difference and the shares of paths
on which the other run is above and below the base, on hand-made runs whose numbers are
known by hand, and on a stress test (which shares the machinery)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.experiments.paired import COLUMNS, paired_differences
from chipcredit.experiments.stress import stress


@dataclass
class _Run:
    """The part of a `Result` that `paired_differences` reads: per-path outcomes by key,
    their paths and seed, and the exact mean of a key."""

    outcomes: dict[str, np.ndarray]
    paths: int = 5
    seed: int = 0
    scenario: Any = field(default_factory=lambda: SimpleNamespace(parties=[
        SimpleNamespace(id="xai", can_default=True), SimpleNamespace(id="cloud", can_default=False)],
        deals=[]))

    def mean(self, key: str) -> float:
        return float(np.mean(self.outcomes[key], dtype=np.float64))


def _pair(a: dict[str, list[float]], b: dict[str, list[float]]) -> dict[tuple[Any, str, str], Any]:
    n = len(next(iter(a.values())))
    base = _Run({k: np.asarray(v, np.float32) for k, v in a.items()}, paths=n)
    other = _Run({k: np.asarray(v, np.float32) for k, v in b.items()}, paths=n)
    table = paired_differences(cast(cc.Result, base), cast(cc.Result, other))
    assert list(table.columns) == list(COLUMNS)
    # a party row's deal is None (NaN once the column also holds deal ids)
    return {(r["deal"] if isinstance(r["deal"], str) else None, r["party"], r["metric"]): r
            for r in table.to_dict("records")}


def test_one_tail_path_flips_the_mean_but_not_the_median_or_the_shares() -> None:
    # four paths with +1 and one with -100: mean (4 - 100) / 5 = -19.2, median +1, B above A
    # on 4 of 5 paths (80%) and below on 1 (20%): a tail-driven mean
    rows = _pair({"party|nvidia|revenue_total": [10, 20, 30, 40, 500]},
                 {"party|nvidia|revenue_total": [11, 21, 31, 41, 400]})
    row = rows[(None, "nvidia", "revenue_total")]
    assert row["difference"] == pytest.approx(-19.2)
    assert row["median_difference"] == 1.0
    assert row["share_higher"] == 0.8 and row["share_lower"] == 0.2
    assert row["ci_low"] < 0 < row["ci_high"]


def test_ties_count_in_neither_share_and_events_are_compared_as_zero_or_one() -> None:
    rows = _pair(
        {"party|xai|cash_end": [1, 2, 3, 4],
         # -1: never; second-sourcing in quarter 2 on path 1 of A only, 3 on path 2 of B only
         "party|xai|second_source_quarter": [-1, 2, -1, 5],
         "party|cloud|default_quarter": [-1, -1, -1, -1],  # cannot default: no row
         "deal|loi|nvidia|irr": [0.1, np.nan, 0.3, 0.2]},
        {"party|xai|cash_end": [1, 3, 2, 4],
         "party|xai|second_source_quarter": [-1, -1, 3, 6],
         "party|cloud|default_quarter": [-1, -1, -1, -1],
         "deal|loi|nvidia|irr": [0.2, 0.5, np.nan, 0.1]})
    assert (None, "cloud", "default_probability") not in rows
    cash = rows[(None, "xai", "cash_end")]
    assert (cash["share_higher"], cash["share_lower"], cash["median_difference"]) == (0.25, 0.25, 0.0)
    event = rows[(None, "xai", "second_source_probability")]
    # as 0/1: A [0, 1, 0, 1], B [0, 0, 1, 1]; differences [0, -1, +1, 0]; no median
    # (tests/experiments/test_paired.py::test_an_event_has_no_median_difference)
    assert (event["share_higher"], event["share_lower"]) == (0.25, 0.25)
    assert np.isnan(event["median_difference"])
    # the IRR is paired over the two paths where both have one: differences +0.1 and -0.1
    irr = rows[("loi", "nvidia", "irr")]
    assert irr["paths"] == 2
    assert (irr["share_higher"], irr["share_lower"]) == (0.5, 0.5)
    assert irr["median_difference"] == pytest.approx(0.0, abs=1e-7)


def test_an_event_has_no_median_difference() -> None:
    # a default on 1 path of 5 in A, on 3 others in B: the 0/1 differences are
    # [+1, +1, +1, 0, -1], whose median +1 would read as "B defaults for certain"; the row
    # keeps the mean (+0.4) and the shares flipping to default (3/5) and back (1/5)
    rows = _pair({"party|xai|default_quarter": [-1, -1, -1, -1, 2],
                  "party|xai|cash_end": [1, 2, 3, 4, 5]},
                 {"party|xai|default_quarter": [1, 2, 3, -1, -1],
                  "party|xai|cash_end": [2, 3, 4, 4, 0]})
    event = rows[(None, "xai", "default_probability")]
    assert event["unit"] == "probability"
    assert event["difference"] == pytest.approx(0.4)
    assert (event["share_higher"], event["share_lower"]) == (0.6, 0.2)
    assert np.isnan(event["median_difference"])
    # a quantity keeps its median: differences [+1, +1, +1, 0, -5]
    assert rows[(None, "xai", "cash_end")]["median_difference"] == 1.0


def test_stress_differences_have_the_same_columns_and_match_the_paths() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = stress("seed-2025", "dotcom-funding-freeze", paths=200, seed=4)
    assert list(res.differences.columns) == list(COLUMNS)
    t = res.differences
    row = t[t["deal"].isna() & (t["party"] == "openai") & (t["metric"] == "cash_end")].iloc[0]
    diff = (res.stressed.outcome(None, "openai", "cash_end").astype(np.float64)
            - res.base.outcome(None, "openai", "cash_end").astype(np.float64))
    assert row["median_difference"] == np.median(diff)
    assert row["share_higher"] == np.mean(diff > 0) and row["share_lower"] == np.mean(diff < 0)
    assert row["share_lower"] > 0  # a funding freeze leaves OpenAI poorer on some paths


def test_a_party_that_can_default_in_one_run_only_has_no_default_row() -> None:
    # a cloud on its own balance sheet in A, funded from outside in B: B's default quarter
    # is one the engine reports for every cloud, not a default, so the two do not compare
    own = SimpleNamespace(parties=[SimpleNamespace(id="cloud", can_default=True)], deals=[])
    funded = SimpleNamespace(parties=[SimpleNamespace(id="cloud", can_default=False)], deals=[])
    outcomes = {"party|cloud|default_quarter": np.asarray([3, -1, -1, 7], np.float32)}
    for a, b in ((own, funded), (funded, own)):
        table = paired_differences(cast(cc.Result, _Run(dict(outcomes), 4, 0, a)),
                                   cast(cc.Result, _Run(dict(outcomes), 4, 0, b)))
        assert "default_probability" not in set(table["metric"])
    both = paired_differences(cast(cc.Result, _Run(dict(outcomes), 4, 0, own)),
                              cast(cc.Result, _Run(dict(outcomes), 4, 0, own)))
    assert list(both["metric"]) == ["default_probability"]
