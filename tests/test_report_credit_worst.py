"""The report's worst LTV and DSCR of an SPV (credit-officer review, C1 and C2): an LTV of
``inf`` (debt owed on GPUs worth nothing) is the worst and reads so; a quarter in which
the SPV still owes debt on only a handful of paths is no SPV's "worst quarter"; the cell
names the paths behind its figure; P(covenant breach) of an SPV without covenants reads
"no covenants", not 0%.

The run is the neocloud-spv fixture (200 paths, all closed); its LTV and DSCR reservoirs
are replaced by hand-built ones whose percentiles are worked out below.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.report.credit import MIN_OWING_SHARE, credit_blocks, owing_paths
from chipcredit.report.i18n import catalogue

FIXTURES = Path(__file__).parent / "fixtures_credit"
PATHS = 200


@pytest.fixture(scope="module")
def run() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.load_scenario(FIXTURES / "neocloud-spv.yaml"), paths=PATHS, seed=7)


def _hand_built(res: cc.Result) -> cc.Result:
    quarters = res.scenario.horizon_quarters
    ltv = np.full((PATHS, quarters), np.nan, dtype=np.float32)
    # quarter 2: owed on 100 paths, 95 at 0.5 and 5 at 0.9: p95 at position 99 x 0.95 =
    # 94.05, 0.5 + 0.05 x (0.9 - 0.5) = 0.52; the median 0.5
    ltv[:95, 2] = 0.5
    ltv[95:100, 2] = 0.9
    # quarter 3: owed on 40 paths (20% of 200, above 5%), 36 at 0.6 and 4 (paths 0-3) on
    # GPUs worth nothing: p95 at position 39 x 0.95 = 37.05 lies among the infinite ones
    ltv[:36, 3] = 0.6
    ltv[196:200, 3] = np.inf
    # quarter 4: owed on 3 paths (1.5% < 5%), all worth nothing: not the SPV's worst
    # quarter, but its 3 paths count among those with debt on worthless GPUs (7 in all)
    ltv[100:103, 4] = np.inf
    dscr = np.full((PATHS, quarters), np.nan, dtype=np.float32)
    # quarter 2: 100 paths, DSCR 1.0 to 1.99 by 0.01: p05 at position 4.95, 1.0495; median
    # at 49.5, 1.495
    dscr[:100, 2] = 1.0 + np.arange(100) / 100
    # quarter 5: rent stopped on the 10 paths still owing (5% exactly: counted), DSCR 0.0
    # on 9 and 3.0 on one: p05 0, the median 0
    dscr[:9, 5] = 0.0
    dscr[9, 5] = 3.0
    # quarter 6: 9 paths (4.5%) at 0.0: left out
    dscr[:9, 6] = 0.0
    reservoir = {**res.reservoir, ("gpu-spv", "ltv"): ltv, ("gpu-spv", "dscr"): dscr}
    return dataclasses.replace(res, reservoir=reservoir)


def _spv_row(res: cc.Result, lang: str = "en") -> dict[str, str]:
    table = [b for b in credit_blocks(res, catalogue(lang)) if b.kind == "table"][-1]
    (row,) = [r for r in table.rows if r[0].text == "gpu-spv"]
    return dict(zip(table.headers, (c.text for c in row), strict=True))


def test_an_infinite_ltv_is_the_worst_and_reads_as_collateral_worth_nothing(run: cc.Result) -> None:
    res = _hand_built(run)
    q = res.quarter_labels()
    bands = res.bands("gpu-spv", "ltv")
    assert bands["p95"].iloc[2] == pytest.approx(0.52, abs=1e-6)
    assert bands["p95"].iloc[3] == np.inf  # not NaN: the order statistics are infinite
    assert bands["p50"].iloc[3] == pytest.approx(0.6, abs=1e-6)
    assert bands["p95"].iloc[4] == np.inf and bands["p05"].iloc[4] == np.inf
    owing, closed = owing_paths(res, "gpu-spv", "ltv")
    assert closed == PATHS and owing[2] == 100 and owing[3] == 40 and owing[4] == 3
    cat = catalogue("en")
    cell = _spv_row(res)[cat.t("report.col_ltv_worst")]
    assert cell == (f"∞ (collateral worth nothing) / 0.60 ({q[3]}; on 40 of 200 paths); "
                    f"debt owed on GPUs worth nothing on 7 of 200 paths, from {q[3]}")


def test_a_quarter_owed_on_a_handful_of_paths_is_not_the_worst_dscr(run: cc.Result) -> None:
    res = _hand_built(run)
    q = res.quarter_labels()
    bands = res.bands("gpu-spv", "dscr")
    assert bands["p05"].iloc[6] == 0.0  # the lowest p05 of all, over 9 paths
    assert MIN_OWING_SHARE * PATHS == 10.0
    cell = _spv_row(res)[catalogue("en").t("report.col_dscr_worst")]
    # quarter 5's 10 paths are 5%: counted; quarter 6's 9 are not
    assert cell == f"0.00 / 0.00 ({q[5]}; on 10 of 200 paths)"
    # with quarter 5 thinned to 9 paths, the worst is quarter 2's, over 100 paths
    thin = res.reservoir[("gpu-spv", "dscr")].copy()
    thin[9, 5] = np.nan
    res = dataclasses.replace(res, reservoir={**res.reservoir, ("gpu-spv", "dscr"): thin})
    cell = _spv_row(res)[catalogue("en").t("report.col_dscr_worst")]
    assert cell == f"1.05 / 1.50 ({q[2]}; on 100 of 200 paths)"
    zh = _spv_row(res, "zh")[catalogue("zh").t("report.col_dscr_worst")]
    assert zh == f"1.05 / 1.50（{q[2]}；200 条路径中的 100 条）"


def test_no_quarter_owed_on_enough_paths_reads_not_available(run: cc.Result) -> None:
    res = _hand_built(run)
    ltv = np.full_like(res.reservoir[("gpu-spv", "ltv")], np.nan)
    ltv[:9, 1] = 2.0  # 4.5% of the paths
    res = dataclasses.replace(res, reservoir={**res.reservoir, ("gpu-spv", "ltv"): ltv})
    cat = catalogue("en")
    assert _spv_row(res)[cat.t("report.col_ltv_worst")] == cat.na()


def test_an_spv_without_covenants_has_no_breach_probability(run: cc.Result) -> None:
    """The fixture's SPV has an LTV and a DSCR covenant; without them the JSON's
    covenant_breach_probability is null (not 0.0: "tested and never breached") and the
    report reads "no covenants"."""
    with_them = run.to_dict()["spvs"]["gpu-spv"]["covenant_breach_probability"]
    assert with_them is not None and 0.0 <= with_them <= 1.0
    scenario = run.scenario
    deals = [d.model_copy(update={"covenants": None}) if d.id == "gpu-spv" else d
             for d in scenario.deals]
    bare = scenario.model_copy(update={"deals": deals})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(bare, paths=20, seed=7)
    spv = res.to_dict()["spvs"]["gpu-spv"]
    assert spv["covenant_breach_probability"] is None
    assert spv["lessee_default_probability"] is not None
    assert '"covenant_breach_probability": null' in res.to_json()
    for lang in ("en", "zh"):
        cat = catalogue(lang)
        assert _spv_row(res, lang)[cat.t("report.col_covenant_breach")] == cat.t("report.no_covenants")
