"""An analyst can check a deal in a spreadsheet from what a run writes.

The ``--cashflows`` CSVs hold every line the metrics see, the horizon mark included, and
the JSON ``parties`` give each party's discount rate; so each party's NPV and IRR, computed
from the CSV lines on the documented timing (docs/cli.md, "Checking a deal in a
spreadsheet"), are the JSON's ``npv`` and ``irr``. Without the marks they are ``npv_realised``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """The deterministic seed-2025 run's JSON and --cashflows folder, as the CLI writes them."""
    folder = tmp_path_factory.mktemp("recon")
    result = CliRunner().invoke(cli.app, [
        "run", "seed-2025", "--deterministic", "--seed", "2025", "--no-store", "-q",
        "--json", str(folder / "run.json"), "--cashflows", str(folder / "flows")])
    assert result.exit_code == 0, result.stderr
    return json.loads((folder / "run.json").read_text()), folder / "flows"


def _grid(lines: pd.DataFrame, party: str, horizon: int) -> np.ndarray:
    """The party's net counted flow (received minus paid) by ``time``, on a 0..H grid."""
    counted = lines[lines["counted"].astype(bool)]
    signed = (np.where(counted["to"] == party, counted["amount"], 0.0)
              - np.where(counted["from"] == party, counted["amount"], 0.0))
    grid = np.zeros(horizon + 1)
    np.add.at(grid, counted["time"].to_numpy(dtype=np.int64), signed)
    return grid


def _excel_npv(cf: np.ndarray, annual: float) -> float:
    """``=CF0 + NPV((1+r)^(1/4)-1, CF1:CFH)``: Excel's NPV discounts its first value once."""
    q = (1.0 + annual) ** 0.25 - 1.0
    return float(cf[0] + sum(v / (1.0 + q) ** k for k, v in enumerate(cf[1:], start=1)))


def _excel_irr(cf: np.ndarray) -> float | None:
    """``=(1+IRR(CF0:CFH))^4-1``, by bisection in the bracket the engine searches."""
    def f(q: float) -> float:
        return float(sum(v / (1.0 + q) ** k for k, v in enumerate(cf)))
    low, high = 0.01 ** 0.25 - 1.0, 11.0 ** 0.25 - 1.0  # -99% and +1000% a year
    if not ((cf > 0).any() and (cf < 0).any()) or f(low) * f(high) > 0:
        return None
    return (1.0 + brentq(f, low, high, xtol=1e-15, rtol=1e-15, maxiter=500)) ** 4 - 1.0


def test_the_csv_lines_reproduce_the_json_npv_and_irr(written: tuple[dict, Path]) -> None:
    summary, flows = written
    horizon = summary["quarters"]
    checked = irrs = marks = moved = 0
    for deal, entry in summary["deals"].items():
        lines = pd.read_csv(flows / f"{deal}.csv")
        marked = lines[lines["kind"] == "horizon_mark"]
        assert (marked["time"] == horizon).all() and marked["counted"].astype(bool).all()
        assert (marked["timing"] == "end").all() and (marked["amount"] > 0).all()
        marks += len(marked)
        for party, stats in entry["parties"].items():
            rate = summary["parties"][party]["discount_rate"]
            cf = _grid(lines, party, horizon)
            assert _excel_npv(cf, rate) == pytest.approx(stats["npv"]["mean"], rel=1e-12,
                                                         abs=1e-12), (deal, party)
            realised = _grid(lines[lines["kind"] != "horizon_mark"], party, horizon)
            moved += bool(np.any(realised != cf))
            assert _excel_npv(realised, rate) == pytest.approx(
                stats["npv_realised"]["mean"], rel=1e-12, abs=1e-12), (deal, party)
            want = stats["irr"]["mean"]
            got = _excel_irr(cf)
            if (cf <= 0).all() and (cf < 0).any():  # only money out: IRR() has no answer,
                # chipcredit's is -100% by definition (docs/output.md, below_bracket)
                assert got is None and want == -1.0, (deal, party, got, want)
                assert stats["irr"]["below_bracket_share"] == 1.0, (deal, party)
            elif want is None:
                assert got is None, (deal, party, got)
            else:
                assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (deal, party)
                irrs += 1
            checked += 1
    assert checked == sum(len(e["parties"]) for e in summary["deals"].values()) > 10
    # not vacuous: IRRs are compared, and the marks move the NPV of those they close (two
    # in the base case: Nvidia's converted xAI stake and its CoreWeave shares; the SPV's
    # equity marks of 1e-16 that made four are dust, and no longer written)
    assert irrs >= 5 and marks >= 2
    assert moved == marks


def test_the_mark_line_is_the_stored_mark() -> None:
    # a hand-checkable case: xai-debt's bondholders hold the loan's balance at the horizon
    # (a credit position: to the lender), and the borrower owes it (from the borrower)
    res = cc.simulate("seed-2025", deterministic=True)
    lines = res.cashflows("xai-debt")
    marked = lines[lines["kind"] == "horizon_mark"].set_index("to")
    for party in ("xai-bondholders", "xai"):
        mark = float(res.outcome("xai-debt", party, "mark")[0])
        if mark == 0.0:
            assert party not in marked.index and party not in set(lines["from"][
                lines["kind"] == "horizon_mark"])
            continue
        row = lines[(lines["kind"] == "horizon_mark")
                    & ((lines["to"] == party) | (lines["from"] == party))]
        assert len(row) == 1
        signed = row["amount"].iloc[0] * (1 if row["to"].iloc[0] == party else -1)
        assert signed == mark
        assert row["quarter"].iloc[0] == res.quarter_labels()[-1]
        other = row["from"].iloc[0] if signed > 0 else row["to"].iloc[0]
        assert other == "xai-debt"  # the deal, never another party


def test_discount_rate_in_json_parties_is_the_rate_npv_uses() -> None:
    res = cc.simulate("seed-2025", deterministic=True)
    parties = res.to_dict()["parties"]
    for p in res.scenario.parties:
        assert parties[p.id]["discount_rate"] == p.discount_rate.median()
    # npv = npv_realised + mark discounted from the horizon at that rate
    rate = parties["colossus2-lenders"]["discount_rate"]
    mark = float(res.outcome("colossus2-spv", "colossus2-lenders", "mark")[0])
    assert res.outcome("colossus2-spv", "colossus2-lenders", "npv")[0] == pytest.approx(
        res.outcome("colossus2-spv", "colossus2-lenders", "npv_realised")[0]
        + mark * (1 + rate) ** (-res.scenario.horizon_quarters / 4), rel=1e-14)


def test_an_uncertain_discount_rate_reports_its_median(tmp_path: Path) -> None:
    # drawn per path in a Monte Carlo run; the JSON gives its median, the rate of the
    # deterministic run (uniform on 5% to 13%: 9%)
    fixed = ('whom no report names; its figures are no named firm\'s\n    '
             'discount_rate: {value: 0.09, source: "assumed: private-credit cost of funds"')
    text = cc.load_scenario("seed-2025").source_text
    assert text.count(fixed) == 1
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(fixed, fixed.replace("value: 0.09", "dist: uniform, low: 0.05, "
                                                                       "high: 0.13")),
                    encoding="utf-8")
    res = cc.simulate(cc.load_scenario(path), deterministic=True)
    rate = res.to_dict()["parties"]["colossus2-lenders"]["discount_rate"]
    assert rate == pytest.approx(0.09, abs=1e-15)


def test_summary_has_default_probability_only_where_a_party_can_default() -> None:
    res = cc.simulate("seed-2025", deterministic=True)
    table = res.summary()
    rows = table[table["metric"] == "default_probability"]
    can = [p.id for p in res.scenario.parties if p.can_default]
    assert list(rows["party"]) == can
    funded = [p.id for p in res.scenario.parties if p.kind == "cloud" and not p.can_default]
    assert funded == ["hyperscale-clouds"]
    # the JSON keeps every party's, 0.0 for one that cannot default (the contract)
    assert res.to_dict()["parties"]["hyperscale-clouds"]["default_probability"] == 0.0
