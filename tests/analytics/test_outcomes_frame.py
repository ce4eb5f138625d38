"""`Result.outcomes_frame()`: the per-path outcomes as one DataFrame, a row per path, columns
(family, id, party, metric), each in its documented type."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import chipcredit as cc
from chipcredit.analytics.outcome_frame import LEVELS, column_of
from chipcredit.analytics.valuation import REASONS
from chipcredit.engine.labs import CAUSES


@pytest.fixture(scope="module")
def run() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=300, seed=11)


def test_column_names_by_family() -> None:
    assert column_of("deal|xai-debt|xai-bondholders|npv") == (
        "deal", "xai-debt", "xai-bondholders", "npv")
    assert column_of("party|xai|default_cause") == ("party", "", "xai", "default_cause")
    assert column_of("spv|colossus2-spv|debt_loss") == ("spv", "colossus2-spv", "", "debt_loss")
    assert column_of("portfolio|nvidia|loss") == ("portfolio", "", "nvidia", "loss")
    assert column_of("portfolio|nvidia|ead|xai") == ("portfolio", "xai", "nvidia", "ead")


def test_one_row_per_path_and_one_column_per_outcome(run: cc.Result) -> None:
    frame = run.outcomes_frame()
    assert frame.shape == (300, len(run.outcomes))
    assert frame.index.name == "path" and list(frame.index) == list(range(300))
    assert tuple(frame.columns.names) == LEVELS
    assert list(frame.columns) == [column_of(k) for k in run.outcomes]
    assert list(run.outcomes_frame(flat=True).columns) == list(run.outcomes)


def test_every_column_holds_its_outcome_in_its_documented_type(run: cc.Result) -> None:
    flat = run.outcomes_frame(flat=True)
    kinds = set()
    for key, values in run.outcomes.items():
        metric = column_of(key)[3]
        col = flat[key]
        if metric in ("default_cause", "irr_reason"):
            names = list(CAUSES) if metric == "default_cause" else [REASONS[k] for k in
                                                                    sorted(REASONS)]
            assert isinstance(col.dtype, pd.CategoricalDtype)
            assert list(col.cat.categories) == names
            np.testing.assert_array_equal(col.cat.codes.to_numpy(), values.astype(int))
            kinds.add("code")
        elif metric.endswith("_quarter"):
            assert col.dtype == np.int64
            np.testing.assert_array_equal(col.to_numpy(), values)
            kinds.add("quarter")
        elif metric in ("debt_impaired", "lessee_default", "covenant_breach",
                        "event_of_default", "irr_multiple"):
            assert col.dtype == bool
            np.testing.assert_array_equal(col.to_numpy(), values != 0)
            kinds.add("event")
        else:
            assert col.dtype == values.dtype == np.float32
            np.testing.assert_array_equal(col.to_numpy(), values)  # NaN where NaN
            kinds.add("float")
    assert kinds == {"code", "quarter", "event", "float"}
    # a lab that defaulted on a path has its cause named there, and no cause where it did not
    cause = flat["party|xai|default_cause"]
    quarter = flat["party|xai|default_quarter"]
    assert set(cause[quarter >= 0]) == {"arrears_unfunded"}
    assert set(cause[quarter < 0]) == {"none"}


def test_the_frame_is_a_copy(run: cc.Result) -> None:
    frame = run.outcomes_frame(flat=True)
    key = "party|xai|cash_end"
    before = run.outcomes[key].copy()
    frame.loc[0, key] = -1e9
    np.testing.assert_array_equal(run.outcomes[key], before)


def test_the_deterministic_base_case_keeps_float64() -> None:
    base = cc.simulate("seed-2025", deterministic=True)
    frame = base.outcomes_frame()
    assert frame.shape == (1, len(base.outcomes))
    assert frame[("party", "", "xai", "cash_end")].dtype == np.float64
