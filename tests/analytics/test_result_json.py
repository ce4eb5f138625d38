"""The JSON summary says, for every statistic that some paths lack, on how many paths it
has no value (``nan_share``), as `Result.summary()` and the run store do; and its
``vendors`` section carries each vendor's outcomes."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.deals._build import lab, scenario, vendor
from tests.engine.test_ledger_properties import scenarios

import chipcredit as cc
from chipcredit.analytics.json_summary import VENDOR_NAN_METRICS
from chipcredit.analytics.result import NAN_METRICS

DOCS = Path(__file__).resolve().parents[2] / "docs"
PATHS = 400
EXAMPLES = 2000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 8


def _run(scenario: cc.Scenario | str, **kwargs: Any) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # paths without an IRR
        return cc.simulate(scenario, **kwargs)


@pytest.fixture(scope="module")
def loan() -> cc.Result:
    """A $10B two-year bullet loan at 10% (interest 2.5% a quarter) that closes on about
    half the paths, to a lab that can always pay, over a three-year horizon. Where it
    closes the lender gets 10 × (1 + 8 × 0.025) = 12 back for 10: a MOIC of 1.2 and an IRR
    of 1.025^4 - 1; where it does not, the lender has no position and neither has a value."""
    deal = {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai",
            "amount": 10.0, "rate": 0.1, "term_years": 2, "amortisation": "bullet",
            "close_probability": 0.5}
    parties = [vendor(), lab(), {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]
    return _run(cc.load_scenario(scenario(parties, [deal], horizon=12)), paths=PATHS, seed=11)


def test_moic_and_irr_carry_the_share_of_paths_without_a_value(loan: cc.Result) -> None:
    closed = loan.outcome("loan", "apollo", "cash_out") > 0
    open_share = float(np.mean(~closed))
    assert 0.35 < open_share < 0.65  # about half: the case the statistics must not hide
    stats = loan.to_dict()["deals"]["loan"]["parties"]["apollo"]
    for metric in NAN_METRICS:
        assert stats[metric]["nan_share"] == open_share, metric
    # the statistics themselves are over the paths where the loan closed
    assert stats["moic"]["p05"] == pytest.approx(1.2, abs=1e-6)
    assert stats["moic"]["mean"] == pytest.approx(1.2, abs=1e-6)
    assert stats["moic_realised"]["p50"] == pytest.approx(1.2, abs=1e-6)
    assert stats["irr"]["p50"] == pytest.approx(1.025**4 - 1, abs=1e-6)
    # an always-defined metric carries no nan_share: every path has it (0 when no position)
    assert "nan_share" not in stats["npv"] and stats["npv"]["p05"] == 0.0
    # the lender's paths without an IRR are the paths without a position
    assert loan.irr_reasons()[("loan", "apollo")]["no_position"] == int((~closed).sum())


def test_summary_and_store_give_the_same_nan_share(loan: cc.Result, tmp_path: Path) -> None:
    table = loan.summary().set_index(["deal", "party", "metric"])
    stats = loan.to_dict()["deals"]["loan"]["parties"]["apollo"]
    for metric in (*NAN_METRICS, "npv", "loss"):
        want = stats[metric].get("nan_share", 0.0)
        assert table.loc[("loan", "apollo", metric), "nan_share"] == want, metric
    assert pd.isna(table.loc[(None, "xai", "default_probability"), "nan_share"])  # a probability
    pytest.importorskip("duckdb")
    from chipcredit.store import RunStore

    store = RunStore(tmp_path / "runs.duckdb")
    metrics = store.get_run(store.save(loan))["metrics"]
    rows = metrics[(metrics["deal"] == "loan") & (metrics["party"] == "apollo")]
    for metric in NAN_METRICS:
        got = rows.loc[rows["metric"] == metric, "nan_share"].iloc[0]
        assert got == pytest.approx(stats[metric]["nan_share"], abs=1e-12), metric


def _nan_outcomes(res: cc.Result) -> set[str]:
    """Metric names of the outcomes that are NaN on some path."""
    return {key.split("|")[-1] for key, values in res.outcomes.items()
            if not np.isfinite(values).all()}


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios(), paths=st.integers(16, 120), seed=st.integers(0, 2**31))
def test_only_the_nan_metrics_can_lack_a_value(data: dict[str, Any], paths: int,
                                               seed: int) -> None:
    """Any outcome that can be NaN must be in NAN_METRICS (or VENDOR_NAN_METRICS), so that
    its JSON statistic says on how many paths (a new one that is not fails here)."""
    res = _run(cc.load_scenario(data), paths=paths, seed=seed)
    assert _nan_outcomes(res) <= {*NAN_METRICS, *VENDOR_NAN_METRICS}
    for (deal, party), counts in res.irr_reasons().items():
        # every path without an IRR has its one reason, no_position included
        irr = res.outcome(deal, party, "irr")
        assert sum(counts.values()) == int(np.sum(~np.isfinite(irr)))


def test_second_source_quarter_says_how_many_paths_it_leaves_out() -> None:
    res = _run("seed-2025", paths=100, seed=2)
    item = res.to_dict()["parties"]["xai"]
    assert _nan_outcomes(res) <= {*NAN_METRICS, *VENDOR_NAN_METRICS}  # the bundled world too
    assert 0 < item["second_source_probability"] < 1
    assert item["second_source_quarter"]["nan_share"] == pytest.approx(
        1 - item["second_source_probability"], abs=1e-12)
    # the vendor outcomes docs/compare.md compares are in the JSON, as describe() gives them
    nvidia = res.to_dict()["vendors"]["nvidia"]
    for metric in ("gross_profit_total", "stakes_value_end", "equity_value_end",
                   "self_funded_revenue", "operating_profit_total", "share_price_end"):
        assert nvidia[metric] == res.describe(f"party|nvidia|{metric}"), metric


def test_output_md_documents_every_irr_reason_and_nan_share(loan: cc.Result) -> None:
    text = (DOCS / "output.md").read_text(encoding="utf-8")
    for reason in loan.irr_reasons()[("loan", "apollo")]:
        assert f"`{reason}`" in text, reason
    # the schema marks exactly the NAN_METRICS and VENDOR_NAN_METRICS as S+ (with nan_share)
    assert set(re.findall(r'"(\w+)": S\+', text)) == {*NAN_METRICS, *VENDOR_NAN_METRICS}


def test_parties_carry_the_scenarios_role_where_it_gives_one() -> None:
    """``parties.ID.role`` is the scenario's label (telecom-2000 gives Winstar and Lucent
    one), text with no unit; a party without one has no ``role`` key."""
    from chipcredit.analytics.unit import summary_unit

    data = _run("telecom-2000", paths=50, seed=3).to_dict()["parties"]
    assert data["winstar"]["role"] == "telecom carrier"
    assert data["lucent"]["role"] == "equipment vendor"
    roles = {p.id: p.role for p in cc.load_scenario("telecom-2000").parties}
    for party, entry in data.items():
        assert ("role" in entry) == (roles[party] is not None), party
    assert summary_unit("parties.winstar.role") is None
    seed = cc.load_scenario("seed-2025")
    assert all(p.role is None for p in seed.parties)
