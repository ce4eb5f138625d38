"""A vendor's price response reads nothing into a quarter in which no vendor sold a unit.

The world (tests/test_choice.py's helpers): one lab ported to ``nv`` (20) and ``amd`` (30,
with a price response: below a 30% share, 20% a year off, at most 50%) whose need does not
grow; its GPUs last a year, so it buys in quarters 0, 4 and 8 and nobody sells in between.
amd's share in a buying quarter is far below 30%, so each buying quarter is followed by one
cut of 0.8^(1/4); the three quarters without sales that follow bring no further cut. Read
as a share of 0 (the old rule), they cut three times more: 30 x 0.8 = 24 in quarter 4.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.test_choice import lab, run, series, vendor, world

import chipcredit as cc

sys.path.append(str(Path(__file__).resolve().parents[2] / "benchmarks"))  # the oracle

from plainmodel.oracle import run_worlds

RESPONSE = {"below_share": 0.3, "cut_per_year": 0.2, "max_cut": 0.5}


def no_sale_quarters() -> dict[str, Any]:
    data = world([vendor("nv", 20.0), vendor("amd", 30.0, price_response=RESPONSE)],
                 [lab("a", 1.0, growth=0.0, ported=("nv", "amd"))], horizon=10)
    data["market"]["hardware"]["useful_life_years"] = 1
    return data


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditNote)  # the lab's large cash, on purpose
        return run(no_sale_quarters())


def test_the_world_has_quarters_without_sales(result: cc.Result) -> None:
    units = series(result, "nv", "units") + series(result, "amd", "units")
    assert list(np.flatnonzero(units > 0)) == [0, 4, 8]


def test_a_quarter_without_sales_brings_no_price_cut(result: cc.Result) -> None:
    units = series(result, "amd", "units")
    bought = units > 0
    price = series(result, "amd", "sales")[bought] / units[bought]
    # one cut after each buying quarter (0 and 4), none after the six quarters without sales
    np.testing.assert_allclose(price, [30.0, 30.0 * 0.8 ** 0.25, 30.0 * 0.8 ** 0.5], rtol=1e-12)


def test_the_oracle_keeps_the_price_too() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditNote)
        worlds, _ = run_worlds(cc.load_scenario(no_sale_quarters()), 2025, 1, deterministic=True)
    s = worlds[0].series
    units, sales = np.array(s[("amd", "units")]), np.array(s[("amd", "sales")])
    bought = units > 0
    np.testing.assert_allclose(sales[bought] / units[bought],
                               [30.0, 30.0 * 0.8 ** 0.25, 30.0 * 0.8 ** 0.5], rtol=1e-12)
