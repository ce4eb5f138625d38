"""`Result.debt_schedule`: one path's debt schedule of a deal, quarter by quarter.

The identities it must keep each quarter ($B):

- ``closing_principal = opening_principal + drawn + capitalised - paid_principal
  - written_off_principal`` (principal owed, due or not);
- ``paid = paid_interest + paid_principal``;
- ``written_off = written_off_interest + written_off_principal``;
- a row opens at the previous row's closing principal.

Its ``paid`` and ``drawn`` are checked against the deal's traced cash-flow lines (another
record of the same re-simulation), so a schedule that reconciles only with itself fails.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.deals._build import run, scenario
from tests.deals.test_covenants import _spv
from tests.deals.test_golden import _default_world

import chipcredit as cc
from chipcredit.analytics.schedule import DEBT_COLUMNS
from chipcredit.engine.debt_tape import COLLATERAL
from chipcredit.engine.run import trace_path

SCENARIOS = Path(cc.__file__).parent / "scenarios"
BUNDLED = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))

PAYMENT_KINDS = {"debt_service", "debt_prepayment", "credit_repayment", "conversion_repayment",
                 "secured_recovery", "unsecured_recovery", "recovery"}
"""Kinds of the borrower's payments to the lender on a debt claim."""
DRAW_KINDS = {"loan_draw", "credit_draw"}

ATOL = 1e-12


def golden_loan(**overrides: object) -> dict[str, object]:
    deal: dict[str, object] = {"id": "loan", "kind": "loan", "lender": "apollo",
                               "borrower": "xai", "amount": 3, "rate": 0.10, "term_years": 4,
                               "amortisation": "amortising"}
    deal.update(overrides)
    return deal


def test_amortising_loan_schedule_by_hand() -> None:
    # $3B at 10% nominal over 4 years: 0.10 / 4 = 0.025 a quarter, 16 level payments.
    #   1.025^16       = 1.4845056 (to 7 places)
    #   1 - 1.025^-16  = 0.3263766
    #   payment        = 3 x 0.025 / 0.3263766 = 0.075 / 0.3263766 = 0.2297970
    #   quarter 1      : interest 3 x 0.025 = 0.075, principal 0.2297970 - 0.075 = 0.1547970,
    #                    closing 3 - 0.1547970 = 2.8452030
    #   quarter 2      : interest 2.8452030 x 0.025 = 0.0711301
    res = run(scenario(deals=[golden_loan()]))
    debt = res.debt_schedule("loan")
    assert list(debt.columns) == list(DEBT_COLUMNS)
    assert len(debt) == 24  # every quarter of the horizon
    first = debt.iloc[0]
    assert (first["time"], first["quarter"], first["claim"], first["from"], first["to"]) == (
        0, "2025Q4", "debt_service", "xai", "apollo")
    assert first["opening_principal"] == 0.0
    assert first["drawn"] == pytest.approx(3.0, abs=ATOL)
    assert first["interest"] == pytest.approx(0.075, abs=ATOL)
    assert first["scheduled_principal"] == pytest.approx(0.1547970, abs=5e-8)
    assert first["paid"] == pytest.approx(0.2297970, abs=5e-8)
    assert first["paid_interest"] == pytest.approx(0.075, abs=ATOL)
    assert first["paid_principal"] == pytest.approx(0.1547970, abs=5e-8)
    assert first["closing_principal"] == pytest.approx(2.845203, abs=5e-7)
    assert debt.iloc[1]["interest"] == pytest.approx(0.0711301, abs=5e-8)
    np.testing.assert_allclose(debt["paid"][:16], 0.2297970, rtol=0, atol=5e-8)
    # paid in full by the 16th quarter; nothing after
    assert debt["closing_principal"].iloc[15] == pytest.approx(0.0, abs=1e-9)
    assert (debt["paid"][16:] == 0.0).all()
    # total interest = 16 payments - principal = 16 x 0.2297970 - 3 = 0.676752
    assert debt["paid_interest"].sum() == pytest.approx(0.676752, abs=1e-6)
    assert debt["unit"].unique().tolist() == ["$B"]


def test_bullet_loan_pays_interest_then_principal() -> None:
    # $2B bullet at 8% over 2 years: 0.04 interest a quarter, the 2 at the 8th quarter.
    res = run(scenario(deals=[golden_loan(amount=2, rate=0.08, term_years=2,
                                          amortisation="bullet")]))
    debt = res.debt_schedule("loan")
    np.testing.assert_allclose(debt["paid_interest"][:8], 0.04, rtol=0, atol=ATOL)
    np.testing.assert_allclose(debt["closing_principal"][:7], 2.0, rtol=0, atol=ATOL)
    assert debt["scheduled_principal"].iloc[7] == pytest.approx(2.0, abs=ATOL)
    assert debt["paid"].iloc[7] == pytest.approx(2.04, abs=ATOL)
    assert debt["closing_principal"].iloc[7] == pytest.approx(0.0, abs=ATOL)


def test_a_deal_without_debt_has_an_empty_schedule() -> None:
    res = run(scenario(deals=[golden_loan(),
                              {"id": "stake", "kind": "equity", "investor": "valor",
                               "investee": "xai", "amount": 1}]))
    empty = res.debt_schedule("stake")
    assert empty.empty
    assert list(empty.columns) == list(DEBT_COLUMNS)
    assert str(empty["time"].dtype) == "int64"
    assert set(res.debt_schedules()) == {"loan"}


def test_an_unknown_deal_is_refused_with_a_suggestion() -> None:
    res = run(scenario(deals=[golden_loan()]))
    with pytest.raises(cc.UsageError) as err:
        res.debt_schedule("lon")
    assert str(err.value) == "deal 'lon' is not in the scenario (did you mean loan?)"


def check_schedule(deal: str, debt: pd.DataFrame, flows: pd.DataFrame, spv: bool = False) -> None:
    """The identities, ``paid`` / ``drawn`` against the traced cash-flow lines, and the
    collateral of an ``spv`` (an ``spv_lease`` deal) against its sale lines."""
    assert not debt.empty
    close = np.testing.assert_allclose
    for _claim, rows in debt.groupby("claim"):
        close(rows["opening_principal"].iloc[1:], rows["closing_principal"].iloc[:-1],
              rtol=0, atol=ATOL, err_msg=deal)
        close(rows["opening_principal"] + rows["drawn"] + rows["capitalised"]
              - rows["paid_principal"] - rows["written_off_principal"],
              rows["closing_principal"], rtol=0, atol=1e-10, err_msg=deal)
    close(debt["paid"], debt["paid_interest"] + debt["paid_principal"], rtol=0, atol=ATOL)
    close(debt["written_off"], debt["written_off_interest"] + debt["written_off_principal"],
          rtol=0, atol=ATOL)
    for col in ("drawn", "interest", "paid", "paid_interest", "prepaid", "recovered",
                "written_off", "closing_principal", "interest_arrears"):
        assert debt[col].min() >= -1e-10, (deal, col)
    assert (debt["arrears"] >= debt["interest_arrears"] - 1e-10).all(), deal
    assert (debt["paid"] >= debt["prepaid"] + debt["recovered"] - 1e-10).all(), deal
    # the same money in the cash-flow lines, quarter by quarter
    borrower, lender = debt["from"].iloc[0], debt["to"].iloc[0]
    out = flows[(flows["from"] == borrower) & (flows["to"] == lender)
                & flows["kind"].isin(PAYMENT_KINDS)].groupby("quarter")["amount"].sum()
    paid = debt.groupby("quarter")["paid"].sum()
    close(paid, out.reindex(paid.index, fill_value=0.0), rtol=0, atol=1e-9, err_msg=deal)
    draws = flows[(flows["from"] == lender) & (flows["to"] == borrower)
                  & flows["kind"].isin(DRAW_KINDS)].groupby("quarter")["amount"].sum()
    if not draws.empty:  # an SPV's debt is drawn into the SPV at its opening, as a loan_draw
        drawn = debt.groupby("quarter")["drawn"].sum()
        close(drawn, draws.reindex(drawn.index, fill_value=0.0), rtol=0, atol=1e-9,
              err_msg=deal)
    check_collateral(deal, debt, flows, spv)


def check_collateral(deal: str, debt: pd.DataFrame, flows: pd.DataFrame, spv: bool) -> None:
    """An SPV's collateral columns against its sale lines; NaN for any other debt."""
    if not spv:
        for column in COLLATERAL:  # a loan, a facility, a vendor credit: none valued
            assert debt[column].isna().all(), (deal, column)
        return
    # an SPV values its GPUs in every quarter it holds them (0 past their useful life), one
    # run of quarters; before it closes and once it is closed out (no GPUs, no debt) NaN
    valued = debt["collateral_value"].notna().to_numpy()
    if valued.any():
        first, last = np.flatnonzero(valued)[[0, -1]]
        assert valued[first:last + 1].all(), deal
    assert valued[(debt["drawn"] > 0).to_numpy()].all(), deal
    close = np.testing.assert_allclose
    for column in COLLATERAL:
        assert debt[column].min() >= 0.0, (deal, column)
    close(debt["sale_proceeds"], debt["repossessed_value"] - debt["fire_sale_discount"],
          rtol=0, atol=ATOL, err_msg=deal)
    # a repossession sells what the quarter's LTV test valued, that quarter
    sold = debt["repossessed_value"] > 0
    close(debt.loc[sold, "repossessed_value"], debt.loc[sold, "collateral_value"], rtol=0,
          atol=0, err_msg=deal)
    sales = flows[flows["kind"] == "collateral_sale"].groupby("quarter")["amount"].sum()
    proceeds = debt.set_index("quarter")["sale_proceeds"]
    close(proceeds, sales.reindex(proceeds.index, fill_value=0.0), rtol=0, atol=1e-9,
          err_msg=deal)


@cache
def bundled(name: str, deterministic: bool) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        sc = cc.load_scenario(SCENARIOS / f"{name}.yaml")
        if deterministic:
            return cc.simulate(sc, deterministic=True)
        return cc.simulate(sc, paths=40, seed=3)


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize(("deterministic", "path"), [(True, 0), (False, 0), (False, 17),
                                                      (False, 39)])
def test_every_bundled_debt_schedule_reconciles(name: str, deterministic: bool,
                                                path: int) -> None:
    res = bundled(name, deterministic)
    debts = res.debt_schedules(path)
    flows = res.schedules(path)
    assert debts, name  # every bundled scenario has debt
    kinds = {d.id: d.kind for d in res.scenario.deals}
    for deal, debt in debts.items():
        check_schedule(deal, debt, flows[deal], spv=kinds[deal] == "spv_lease")


def test_a_lessee_default_shows_the_haircut_drawn_on_its_path() -> None:
    # seed-2025's colossus2-spv on a path whose lessee defaulted in the lease: the fire-sale
    # discount over the used value is the haircut drawn on that path (read from the traced
    # re-run's market), and the net proceeds are the path's collateral_sale lines
    res = bundled("seed-2025", False)
    defaulted = np.flatnonzero(res.outcomes["spv|colossus2-spv|lessee_default"] == 1.0)
    assert defaulted.size > 0
    path = int(defaulted[0])
    debt = res.debt_schedule("colossus2-spv", path)
    row = debt[debt["repossessed_value"] > 0]
    assert len(row) == 1
    sim, _ = trace_path(res.scenario, res.paths, res.seed, path)
    haircut = float(np.broadcast_to(sim.market.haircut, (sim.n,))[path - sim.draws.offset])
    assert 0.0 < haircut < 1.0
    gross = float(row["repossessed_value"].iloc[0])
    assert float(row["fire_sale_discount"].iloc[0]) == pytest.approx(gross * haircut, rel=1e-12)
    assert float(row["sale_proceeds"].iloc[0]) == pytest.approx(gross * (1 - haircut), rel=1e-12)
    check_schedule("colossus2-spv", debt, res.cashflows("colossus2-spv", path), spv=True)


def test_a_default_recovers_part_and_writes_off_the_rest() -> None:
    # The world of tests/deals/test_golden.py: the lab draws two $5B loans at 10% and
    # defaults in quarter 0 after paying each 5 x 0.10 / 4 = 0.125 of interest. Its fleet
    # sells for 8.581875: the secured loan takes its 5; the unsecured one gets
    # 5 x 3.581875 / 7.25 = 2.4702586206896552 and loses 5 - 2.4702586206896552
    # = 2.5297413793103448, all principal (its interest was paid).
    res = run(_default_world(23.0), quiet=True)
    unsec = res.debt_schedule("unsec").iloc[0]
    assert unsec["drawn"] == pytest.approx(5.0, abs=ATOL)
    assert unsec["interest"] == pytest.approx(0.125, abs=ATOL)
    assert unsec["accelerated"] == pytest.approx(5.0, abs=ATOL)
    assert unsec["recovered"] == pytest.approx(2.4702586206896552, abs=ATOL)
    assert unsec["paid"] == pytest.approx(0.125 + 2.4702586206896552, abs=ATOL)
    assert unsec["paid_interest"] == pytest.approx(0.125, abs=ATOL)
    assert unsec["paid_principal"] == pytest.approx(2.4702586206896552, abs=ATOL)
    assert unsec["written_off"] == pytest.approx(2.5297413793103448, abs=ATOL)
    assert unsec["written_off_principal"] == pytest.approx(2.5297413793103448, abs=ATOL)
    assert unsec["written_off_interest"] == 0.0
    assert (unsec["arrears"], unsec["closing_principal"]) == (0.0, 0.0)
    sec = res.debt_schedule("sec").iloc[0]
    assert sec["recovered"] == pytest.approx(5.0, abs=ATOL)
    assert sec["written_off"] == pytest.approx(0.0, abs=ATOL)
    for deal in ("sec", "unsec"):
        check_schedule(deal, res.debt_schedule(deal), res.cashflows(deal))


def test_a_cash_sweep_is_prepaid_principal() -> None:
    res = run(scenario(deals=[_spv({"ltv": {"max": 0.5, "breach": "cash_sweep"}})]))
    debt = res.debt_schedule("spv")
    flows = res.cashflows("spv")
    sweeps = flows[flows["kind"] == "debt_prepayment"].groupby("quarter")["amount"].sum()
    assert len(sweeps) > 0
    prepaid = debt.set_index("quarter")["prepaid"]
    np.testing.assert_allclose(prepaid, sweeps.reindex(prepaid.index, fill_value=0.0),
                               rtol=0, atol=ATOL)
    # a prepayment is principal: it is in paid_principal beyond what fell due
    assert (debt["paid_principal"] >= debt["prepaid"] - ATOL).all()
    check_schedule("spv", debt, flows, spv=True)


def test_cash_flows_and_debt_schedules_come_from_one_re_simulation(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # what `run --cashflows` writes: the same frames as schedules() and debt_schedules(),
    # from one re-run of the path's block, not two
    res = bundled("seed-2025", False)
    flows, debts = res.schedules(17), res.debt_schedules(17)
    import chipcredit.analytics.schedule as module

    traced = []
    real = module.trace_path

    def counted(*args: object, **kwargs: object) -> object:
        traced.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "trace_path", counted)
    both_flows, both_debts = res.schedules_and_debt(17)
    assert len(traced) == 1
    assert both_flows.keys() == flows.keys() and both_debts.keys() == debts.keys()
    for deal, frame in flows.items():
        pd.testing.assert_frame_equal(both_flows[deal], frame)
    for deal, frame in debts.items():
        pd.testing.assert_frame_equal(both_debts[deal], frame)
