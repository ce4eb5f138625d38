"""Deals and cloud contracts whose schedule runs past the horizon get one note.

The world starts 2025Q4 with a 24-quarter horizon: the last quarter simulated is offset 23,
2031Q3. Each end quarter below is worked by hand from the start and the term: a term of
``y`` years from offset ``s`` has its last payment in offset ``s + 4y - 1``.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from tests.deals._build import lab, scenario, vendor
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.horizon import overruns

HORIZON_END = "2031Q3"  # 2025Q4 + 23 quarters
TAIL = ("What is still owed at the horizon is marked there (balance x the debtor's one-year "
        "survival); payments and losses after it are not simulated.")


def loan(id: str, term: Any, start: str | None = None) -> dict[str, Any]:
    out = {"id": id, "kind": "loan", "lender": "apollo", "borrower": "xai", "amount": 1.0,
           "rate": 0.1, "term_years": term}
    return out if start is None else {**out, "start": start}


def spv(id: str, lease_years: float, debt_years: float, start: str) -> dict[str, Any]:
    return {"id": id, "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 2.0,
            "start": start, "equity": {"valor": 1.0},
            "debt": {"lender": "apollo", "amount": 1.0, "rate": 0.08, "term_years": debt_years},
            "lease": {"term_years": lease_years, "rate": 0.12, "residual": 0.2},
            "at_end": "sell"}


def cloud(contract: dict[str, Any]) -> dict[str, Any]:
    # a cloud debt tranche never matures: its 20-year term must not count as past the horizon
    # (48 would: over 30 years, it gets the note of months typed as years, tests/test_term_years.py)
    return {"id": "neo", "kind": "cloud", "cash": 5.0, "installed": 1.0,
            "procurement": {"nvidia": 1.0},
            "debt": [{"lender": "apollo", "rate": 0.1, "term_years": 20, "opening": 0.5}],
            "contracts": [{"tenant": "customers", "capacity": 1.0,
                           "price_per_unit_year": 4.0, **contract}],
            "spot": {"price_per_unit_year": 13.0, "build": False}}


def world(deals: list[dict[str, Any]], contract: dict[str, Any]) -> cc.Scenario:
    # the lab's rounds capped, as seed-2025's: an uncapped lab bound by a purchase
    # commitment gets a note of its own (tests/scenario/test_author_notes.py)
    capped = lab(funding={"valuation_multiple": 10.0, "success": {"base": 0.0},
                          "max_dilution_per_year": 0.3})
    parties = [vendor(), capped, cloud(contract),
               {"id": "valor", "kind": "investor", "discount_rate": 0.15},
               {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]
    return cc.load_scenario(scenario(parties, deals, horizon=24))


ON_TIME = [
    loan("six-years", 6),                                  # 0 + 24 - 1 = 23: 2031Q3
    spv("five-year-lease", 5, 8, "2026Q4"),  # lease 4 + 20 - 1 = 23; the 8-year debt is
                                             # accelerated at the lease's end
    {"id": "fee", "kind": "purchase_commitment", "lab": "xai", "vendor": "nvidia",
     "schedule": [{"quarter": "2031Q3", "capacity": 0.1}], "shortfall_fee": 0.2},
]
ON_TIME_CONTRACT = {"start": "2026Q4", "term_years": 4, "ramp_quarters": 4}  # 4+16+4-2 = 22


def late_world() -> cc.Scenario:
    late = [
        loan("eight-years", 8, "2026Q2"),                  # 2 + 32 - 1 = 33: 2034Q1
        loan("seven-years", 7),                            # 0 + 28 - 1 = 27: 2032Q3
        {"id": "credit", "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
         "amount": 1.0, "rate": 0.08, "term_years": 6, "start": "2026Q1",  # 1 + 24 - 1 = 24
         "repayment": [{"kind": "cash"}]},
        {"id": "facility", "kind": "credit_facility", "lender": "apollo", "borrower": "xai",
         "commitment": 1.0, "rate": 0.08, "term_years": 7},  # 0 + 28 - 1 = 27: 2032Q3
        spv("six-year-lease", 6, 4, "2026Q4"),                # 4 + 24 - 1 = 27: 2032Q3
        {"id": "backstop", "kind": "capacity_backstop", "vendor": "nvidia", "cloud": "neo",
         "cap": 1.0, "end": "2035Q4"},
    ]
    # the last of 4 phases is delivered in 4 + 3 = 7 and rented 20 quarters: 7..26, 2032Q2
    return world(ON_TIME + late, {"start": "2026Q4", "term_years": 5, "ramp_quarters": 4})


def test_each_kind_past_the_horizon_is_named_with_the_quarter_it_ends() -> None:
    sc = late_world()
    assert [(o.path, o.last) for o in overruns(sc)] == [
        ("deals.eight-years", "2034Q1"), ("deals.seven-years", "2032Q3"),
        ("deals.credit", "2031Q4"), ("deals.facility", "2032Q3"),
        ("deals.six-year-lease", "2032Q3"), ("deals.backstop", "2035Q4"),
        ("parties.neo.contracts[0]", "2032Q2")]
    assert sc.horizon_note() == (
        f"6 deals and 1 cloud contract run past the horizon ({HORIZON_END}): credit ends "
        "2031Q4; neo's contract with customers ends 2032Q2; seven-years, facility, "
        "six-year-lease end 2032Q3; eight-years ends 2034Q1; backstop ends 2035Q4. " + TAIL)


def test_simulate_issues_the_note_once() -> None:
    sc = late_world()
    with pytest.warns(cc.ChipcreditNote) as record:
        cc.simulate(sc, deterministic=True)
    notes = [w for w in record if issubclass(w.category, cc.ChipcreditNote)]
    assert [str(w.message) for w in notes] == [sc.horizon_note()]


def test_a_schedule_ending_in_the_horizons_last_quarter_gives_no_note() -> None:
    sc = world(ON_TIME, ON_TIME_CONTRACT)
    assert sc.horizon_note() is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        res = cc.simulate(sc, deterministic=True)
    assert not [w for w in caught if issubclass(w.category, cc.ChipcreditNote)]
    # the engine agrees: the six-year bullet's principal is repaid in the last quarter
    cf = res.cashflows("six-years", path=0)
    last = cf[cf["kind"] == "debt_service"].iloc[-1]
    assert (last["quarter"], last["amount"]) == (HORIZON_END, pytest.approx(1.025))


def test_one_quarter_more_is_past_the_horizon() -> None:
    sc = world([loan("late", 6, "2026Q1")], ON_TIME_CONTRACT)  # 1 + 24 - 1 = 24: 2031Q4
    assert sc.horizon_note() == (
        f"1 deal runs past the horizon ({HORIZON_END}): late ends 2031Q4. " + TAIL)


def test_validate_prints_the_note_and_exits_0(tmp_path: Any) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(late_world().source_text, encoding="utf-8")
    done = CliRunner().invoke(cli.app, ["validate", str(path)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"ok: {path}\n"
    assert done.stderr == f"note: {path}: {late_world().horizon_note()}\n"


def test_run_prints_the_note_once_as_one_line(tmp_path: Any) -> None:
    path = tmp_path / "late.yaml"
    sc = world([loan("late", 6, "2026Q1")], ON_TIME_CONTRACT)
    path.write_text(sc.source_text, encoding="utf-8")
    done = CliRunner().invoke(cli.app, ["run", str(path), "--deterministic", "--no-store",
                                        "-q"])
    assert done.exit_code == 0, done.stderr
    assert done.stderr == f"note: {sc.horizon_note()}\n"


def short_world(rate: float = 0.1) -> cc.Scenario:
    """One loan one quarter past the horizon, whose rate the experiments below vary."""
    return world([{**loan("late", 6, "2026Q1"), "rate": rate}], ON_TIME_CONTRACT)


def test_compare_passes_the_note_on_as_a_note_not_a_warning() -> None:
    a, b = short_world(), short_world(0.12)
    with pytest.warns(cc.ChipcreditWarning) as record:
        cc.compare(a, b, paths=20, seed=1)
    said = [(w.category, str(w.message)) for w in record]
    assert said == [(cc.ChipcreditNote, f"a and b: {a.horizon_note()}")]


def test_sensitivity_and_solve_say_the_note_once_and_do_not_count_it_as_a_warning() -> None:
    sc = short_world()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        # on an IRR metric, runs that warned get a note of their own: a note is no warning
        sens = cc.sensitivity(sc, "deals.late.parties.apollo.irr.mean",
                              params=["deals.late.rate"], paths=20, seed=1)
        solved = cc.solve(sc, "deals.late.rate", "deals.late.parties.apollo.npv.mean >= 0",
                          paths=20, seed=1, bracket=(0.05, 0.2))
    assert not caught  # every run's note is kept back: the experiment says it once, below
    assert list(sens.notes) == [sc.horizon_note()]
    assert solved.notes.count(sc.horizon_note()) == 1


def test_stress_prints_the_note_once(tmp_path: Any) -> None:
    sc = short_world()
    path = tmp_path / "late.yaml"
    path.write_text(sc.source_text, encoding="utf-8")
    done = CliRunner().invoke(cli.app, ["stress", str(path), "--pack", "rate-shock",
                                        "--paths", "20", "--no-store", "-q"])
    assert done.exit_code == 0, done.stderr
    # once, as a note: not again as the two runs' warning ("base and stressed: ...")
    assert done.stderr.count("past the horizon") == 1
    assert f"note: {sc.horizon_note()}\n" in done.stderr and "warning:" not in done.stderr


def test_a_replayed_run_says_the_note_as_a_note(tmp_path: Any) -> None:
    pytest.importorskip("duckdb")
    from chipcredit.report.replay import replay
    from chipcredit.store import RunStore

    sc = short_world()
    with pytest.warns(cc.ChipcreditNote):
        res = cc.simulate(sc, paths=20, seed=1)
    store = RunStore(tmp_path / "runs.duckdb")
    run_id = store.save(res)
    with pytest.warns(cc.ChipcreditWarning) as record:
        replay(run_id, store)
    assert [(w.category, str(w.message)) for w in record] == [
        (cc.ChipcreditNote, sc.horizon_note())]
