"""A term in years over 30 (``term_years: 48``, almost certainly months typed as years) gets
a note from ``chipcredit run`` and ``chipcredit validate``: file:line:column, field path,
rule, value and the value in years if it was months. A cloud's debt tranche has no end
date, so the horizon note never names it; every other term gets the same check. The bundled
scenarios have none."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from tests.deals._build import lab, scenario, vendor
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.registry import bundled_names
from chipcredit.scenario.terms import long_terms, suggestion, term_note

WORLD = """\
name: long-terms
start: 2025Q4
horizon_quarters: 8
market:
  ai_demand: {volatility: 0.0, winter: {enter_per_year: 0.0, exit_per_year: 0.5}}
  hardware: {all_in_cost_per_unit: 35.0, residual_value_by_age: [1.0, 0.8, 0.6], fire_sale_haircut: 0.3}
parties:
  - {id: nvidia, kind: vendor, content_per_unit: 35.0, gross_margin: 0.75}
  - id: xai
    kind: lab
    revenue: {run_rate: 100.0, growth: &flat {from: 0.0, to: 0.0, half_life_years: 1.0}}
    compute: {installed: 0.0, per_revenue: 0.0, training: 0.0, training_growth: *flat}
    cash: 1000.0
    procurement: {nvidia: 1.0}
    funding: {valuation_multiple: 10.0, success: {base: 0.0}}
  - id: neo
    kind: cloud
    cash: 5.0
    installed: 1.0
    procurement: {nvidia: 1.0}
    debt:
      - {lender: apollo, rate: 0.1, term_years: TERM, opening: 0.5}
    spot: {price_per_unit_year: 13.0, build: false}
  - {id: apollo, kind: lender, discount_rate: 0.09}
deals: []
"""
# the tranche's term is on line 22; "48" starts in column 49 (6 spaces, "- {", then the
# 39 characters "lender: apollo, rate: 0.1, term_years: ")
NOTE = ("neo.yaml:22:49: parties.neo.debt[0].term_years is over 30 years, which looks like "
        "months typed as years (the run takes it in years); got 48 (did you mean 4 (48 "
        "months)?).")


def world(term: str = "48") -> str:
    return WORLD.replace("TERM", term)


def test_a_tranche_in_months_is_named_with_file_line_path_value_and_suggestion() -> None:
    sc = cc.parse_scenario_text(world(), "neo.yaml")
    assert term_note(sc) == NOTE
    # the tranche never ends, so the horizon says nothing: this is the whole note
    assert sc.horizon_note() == NOTE


def test_run_issues_it_as_a_note_and_validate_prints_it(tmp_path: Path) -> None:
    path = tmp_path / "neo.yaml"
    path.write_text(world(), encoding="utf-8")
    note = NOTE.replace("neo.yaml", str(path))
    with pytest.warns(cc.ChipcreditNote) as record:
        cc.simulate(path, deterministic=True)
    assert [str(w.message) for w in record if w.category is cc.ChipcreditNote] == [note]
    done = CliRunner().invoke(cli.app, ["validate", str(path)])
    assert done.exit_code == 0, done.stderr
    # the note names its own file, line and column: the file is not said twice
    assert done.stdout == f"ok: {path}\n" and done.stderr == f"note: {note}\n"


@pytest.mark.parametrize(("term", "flagged"), [("30", False), ("30.5", True), ("4", False),
                                               ("{dist: uniform, low: 3, high: 36}", True),
                                               ("{p05: 2, p95: 6}", False)])
def test_over_30_years_at_the_terms_high_end(term: str, flagged: bool) -> None:
    sc = cc.parse_scenario_text(world(term), "neo.yaml")
    assert bool(long_terms(sc)) is flagged
    assert (term_note(sc) is not None) is flagged


@pytest.mark.parametrize(("years", "said"), [(48, "4 (48 months)"), (60, "5 (60 months)"),
                                             (42, "3.5 (42 months)"), (30.5, "2.54 (30.5 months)"),
                                             (100, "8.33 (100 months)")])
def test_the_suggestion_is_the_term_in_years_if_it_was_months(years: float, said: str) -> None:
    assert suggestion(years) == said


def _every_term(years: Any) -> dict[str, Any]:
    """Every kind of term, each ``years`` long: a loan, a vendor credit, a credit facility
    (term and availability), an SPV's debt and lease, a cloud's contract and tranche."""
    cloud = {"id": "neo", "kind": "cloud", "cash": 5.0, "procurement": {"nvidia": 1.0},
             "debt": [{"lender": "apollo", "rate": 0.1, "term_years": years}],
             "contracts": [{"tenant": "customers", "capacity": 1.0, "price_per_unit_year": 4.0,
                            "term_years": years}],
             "spot": {"price_per_unit_year": 13.0, "build": False}}
    deals = [
        {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai", "amount": 1.0,
         "rate": 0.1, "term_years": years},
        {"id": "credit", "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
         "amount": 1.0, "rate": 0.08, "term_years": years, "repayment": [{"kind": "cash"}]},
        {"id": "facility", "kind": "credit_facility", "lender": "apollo", "borrower": "xai",
         "commitment": 1.0, "rate": 0.08, "term_years": years, "availability_years": years},
        {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 2.0,
         "equity": {"valor": 1.0},
         "debt": {"lender": "apollo", "amount": 1.0, "rate": 0.08, "term_years": years},
         "lease": {"term_years": years, "rate": 0.12, "residual": 0.2}, "at_end": "sell"},
    ]
    parties = [vendor(), lab(), cloud, {"id": "valor", "kind": "investor"},
               {"id": "apollo", "kind": "lender"}]
    return scenario(parties, deals, horizon=8)


PATHS = ["parties.neo.debt[0].term_years", "parties.neo.contracts[0].term_years",
         "deals.loan.term_years", "deals.credit.term_years", "deals.facility.availability_years",
         "deals.facility.term_years", "deals.spv.debt.term_years",
         "deals.spv.lease.term_years"]


def test_every_term_gets_the_same_check() -> None:
    sc = cc.load_scenario(_every_term(60))
    assert [t.path for t in long_terms(sc)] == PATHS
    note = term_note(sc)
    assert note is not None
    # built in Python: no file and no line, but every path, value and suggestion
    assert note.split(". ") == [
        f"<scenario>: {path} is over 30 years, which looks like months typed as years (the "
        "run takes it in years); got 60 (did you mean 5 (60 months)?)" for path in PATHS[:-1]
    ] + [f"<scenario>: {PATHS[-1]} is over 30 years, which looks like months typed as years "
         "(the run takes it in years); got 60 (did you mean 5 (60 months)?)."]
    # terms with an end date also run past the horizon: both notes, in one line
    horizon = sc.horizon_note()
    assert horizon is not None and "past the horizon" in horizon and horizon.endswith(note)
    assert long_terms(cc.load_scenario(_every_term(5))) == ()


def test_the_bundled_scenarios_have_no_such_note() -> None:
    names = bundled_names()
    assert {"seed-2025", "telecom-2000"} <= set(names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        for name in names:
            sc = cc.load_scenario(name)
            assert long_terms(sc) == () and term_note(sc) is None, name
            assert "months typed as years" not in (sc.horizon_note() or ""), name
