"""``market_share_end`` has no value on a path where no vendor sold any units over the last
four quarters: a share of nothing is undefined. Counted as 0 there (as it once was), every
vendor lost share together on such a path and the vendors' mean shares added up to less
than 1; NaN there, the statistics are over the paths with sales and say on how many paths
there were none (``nan_share``), as a MOIC's do.

The world (tests/test_choice.py): two vendors at the same price and the same terms, and one
lab ported to both with plenty of cash, so that each quarter it buys its training shortfall
split evenly between them. Its training growth is uncertain, from -50% to +50% a year: on
paths where it shrinks the lab stops buying, and nothing is sold in the last year.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from tests.test_choice import lab, vendor, world

import chipcredit as cc
from chipcredit.analytics.query import metric_value
from chipcredit.cli.vendor_tables import vendors_table
from chipcredit.experiments.paired import paired_differences
from chipcredit.report.i18n import catalogue
from chipcredit.report.vendors import vendor_rows

PATHS = 200
GROWTH = {"dist": "uniform", "low": -0.5, "high": 0.5}


def _world(amd_content: float = 20.0) -> cc.Scenario:
    buyer = lab("a", 1.0, ported=("nv", "amd"))
    buyer["compute"]["training_growth"] = {"from": GROWTH, "to": GROWTH, "half_life_years": 1.0}
    data: dict[str, Any] = world([vendor("nv", 20.0), vendor("amd", amd_content)], [buyer],
                                 horizon=12)
    return cc.load_scenario(data)


@pytest.fixture(scope="module")
def even() -> cc.Result:
    return cc.simulate(_world(), paths=PATHS, seed=1)


def _unsold(res: cc.Result) -> np.ndarray:
    """Paths on which neither vendor sold a unit over the last four quarters (the reservoir
    keeps every quarter of the first 20,000 paths: all of them here)."""
    units = sum(res.reservoir[(v, "units")][:, -4:].sum(axis=1) for v in ("nv", "amd"))
    return np.asarray(units == 0)


def test_a_path_without_sales_has_no_share_and_is_counted_in_nan_share(even: cc.Result) -> None:
    unsold = _unsold(even)
    assert 0 < unsold.sum() < PATHS  # both kinds of path, the case at issue
    for v in ("nv", "amd"):
        share = even.outcome(None, v, "market_share_end")
        np.testing.assert_array_equal(np.isnan(share), unsold)
        # equal prices and terms: an even split wherever anything was sold
        np.testing.assert_array_equal(share[~unsold], 0.5)
        stats = even.to_dict()["vendors"][v]["market_share_end"]
        assert stats["nan_share"] == unsold.mean() > 0
        assert stats["mean"] == stats["p05"] == stats["p95"] == 0.5  # not 0.5 × (1 - nan_share)
    table = even.summary().set_index(["party", "metric"])
    assert table.loc[("nv", "market_share_end"), "nan_share"] == unsold.mean()
    # valid JSON (no NaN), the field under its old name, with nan_share beside it
    written = json.loads(even.to_json())["vendors"]["nv"]["market_share_end"]
    assert written == {"mean": 0.5, "mean_se": 0.0, "p05": 0.5, "p50": 0.5, "p95": 0.5,
                       "nan_share": unsold.mean()}  # 0.5 on every path with a share: no spread
    # the metric path of the JSON summary, as solve and sensitivity read it
    assert metric_value(even, "vendors.amd.market_share_end.nan_share") == unsold.mean()


def test_the_vendors_mean_shares_over_the_paths_with_sales_add_up_to_one() -> None:
    # amd dearer: an uneven split, and a change that moves share from one vendor to the other
    base, other = (cc.simulate(_world(content), paths=PATHS, seed=1) for content in (20.0, 25.0))
    for res in (base, other):
        means = [res.to_dict()["vendors"][v]["market_share_end"]["mean"] for v in ("nv", "amd")]
        assert sum(means) == pytest.approx(1.0, abs=1e-6)  # float32 per-path shares
    frame = paired_differences(base, other).set_index(["party", "metric"])
    nv, amd = frame.loc[("nv", "market_share_end")], frame.loc[("amd", "market_share_end")]
    assert nv["base"] + amd["base"] == pytest.approx(1.0, abs=1e-6)
    assert nv["other"] + amd["other"] == pytest.approx(1.0, abs=1e-6)
    # what one vendor gains the other loses: they no longer lose share together
    assert nv["difference"] == pytest.approx(-amd["difference"], abs=1e-6)
    assert nv["difference"] > 0
    both = ~(_unsold(base) | _unsold(other))
    assert nv["paths"] == amd["paths"] == both.sum() < PATHS


def test_the_vendors_table_shows_a_dash_where_no_path_sold_anything() -> None:
    summary = [{"deal": None, "party": "nv", "metric": "market_share_end", "mean": np.nan,
                "p05": np.nan, "p50": np.nan, "p95": np.nan, "nan_share": 1.0}]
    rows = vendor_rows(summary, [("nv", "vendor")])
    assert rows[0].values[-1] is None
    table = vendors_table(summary, [("nv", "vendor")], "medians and means")
    assert table is not None
    assert list(table.columns[-1].cells) == ["—"]


def test_the_vendors_table_says_over_which_paths_the_unit_share_is(even: cc.Result) -> None:
    summary = even.summary().to_dict("records")
    parties = [("nv", "vendor"), ("amd", "vendor"), ("a", "lab")]
    table = vendors_table(summary, parties, "medians and means")
    assert table is not None and isinstance(table.caption, str)
    share = catalogue("en").path_share(float(_unsold(even).mean()), 3)  # as the report writes it
    assert f"on {share} of the paths none was sold" in table.caption
    assert list(table.columns[-1].cells) == ["50.0%", "50.0%"]  # the median where sold
    # every path sold something: no such sentence
    for row in summary:
        if row["metric"] == "market_share_end":
            row["nan_share"] = 0.0
    table = vendors_table(summary, parties, "medians and means")
    assert table is not None and "none was sold" not in str(table.caption)
