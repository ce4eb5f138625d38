"""A misspelt ``kind:`` hides none of the shared fields' problems; kinds, roles, counts and
statistics written by meaning get the form meant; a number written as a map is pointed at
the entry at fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.scenario.conftest import BASE

import chipcredit as cc
from chipcredit.analytics.query import metric_value
from chipcredit.errors import ScenarioError
from chipcredit.scenario import load_scenario
from chipcredit.scenario.kind_hints import kind_meant, role_meant
from chipcredit.scenario.shocks import load_pack

DEAL_KINDS = ["loan", "equity", "milestone_equity", "spv_lease", "vendor_credit",
              "purchase_commitment", "credit_facility", "loan_guarantee", "deployment_warrant",
              "capacity_backstop"]


def _lines(tmp_path: Path, old: str, new: str) -> list[str]:
    assert BASE.count(old) == 1
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return [str(p).removeprefix(f"{path}:") for p in err.value.problems]


def test_an_unknown_deal_kind_still_reports_its_shared_fields(tmp_path: Path) -> None:
    lines = _lines(tmp_path, "    kind: equity\n    investor: valor\n    investee: xai\n"
                   "    amount: 6\n    start: 2026Q2\n",
                   "    kind: equty\n    investor: valor\n    investee: xai\n    amount: 6\n"
                   "    start: 2026-Q3\n    status: done\n    close_probability: 1.5\n")
    assert lines == [
        "52:11: deals[2].kind must be one of " + ", ".join(DEAL_KINDS)
        + "; got 'equty' (did you mean equity?)",
        "56:12: deals[2].start must be a quarter written like 2025Q4; got '2026-Q3' "
        "(did you mean 2026Q3?)",
        "57:13: deals[2].status must be one of announced, signed, executed, hypothetical; got 'done' "
        "(did you mean executed?)",
        "58:24: deals[2].close_probability must be between 0 and 1; got 1.5",
    ]


def test_an_unknown_deal_kind_with_sound_shared_fields_is_one_line(tmp_path: Path) -> None:
    # the kind's own fields (investor, amount) are neither required nor refused until the
    # kind is known: only the kind is reported
    lines = _lines(tmp_path, "    kind: equity\n", "    kind: equty\n")
    assert len(lines) == 1 and "deals[2].kind" in lines[0]


def test_an_unknown_party_kind_still_reports_its_id(tmp_path: Path) -> None:
    lines = _lines(tmp_path, "  - id: valor\n    kind: investor\n",
                   "  - id: Valor Fund\n    kind: invester\n")
    assert [ln.split(" must")[0] for ln in lines] == ["30:9: parties[2].id",
                                                      "31:11: parties[2].kind"]


def test_an_unknown_shock_kind_still_reports_its_start(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text("name: p\nshocks:\n  - {kind: ai_wintr, start: 2026-Q4}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_pack(pack)
    assert [p.path for p in err.value.problems] == ["shocks[0].kind", "shocks[0].start"]
    assert err.value.problems[1].suggestion == "2026Q4"


@pytest.mark.parametrize(("word", "meant"), [
    ("equty", "equity"), ("investment", "equity"), ("vendor_loan", "vendor_credit or loan"),
    ("Vendor-Financing", "vendor_credit"), ("take-or-pay", "purchase_commitment"),
    ("warrants", "deployment_warrant"), ("lease", "spv_lease"), ("xyzzy", None)])
def test_a_kind_is_matched_by_spelling_then_meaning(word: str, meant: str | None) -> None:
    assert kind_meant(word, DEAL_KINDS) == meant


def test_a_role_suggests_the_free_field_of_this_kind_that_fits_the_party() -> None:
    kinds = {"xai": "lab", "nvidia": "vendor", "apollo": "lender"}
    credit = {"kind": "vendor_credit", "vendor": "nvidia", "lender": "xai"}
    assert role_meant("vendor_credit", "lender", credit, kinds) == "borrower: xai"
    # both fields given: no field of this kind is free, so no role is suggested
    full = {**credit, "borrower": "xai", "lender": "apollo"}
    assert role_meant("vendor_credit", "lender", full, kinds) is None
    # a lender (apollo) fits no field of a vendor credit
    assert role_meant("vendor_credit", "lender", {"kind": "vendor_credit", "lender": "apollo"},
                      kinds) is None
    lease = {"kind": "spv_lease", "borrower": "xai", "vendor": "nvidia"}
    assert role_meant("spv_lease", "borrower", lease, kinds) == "lessee: xai"


def test_a_role_with_no_free_field_keeps_the_kind_hint(tmp_path: Path) -> None:
    lines = _lines(tmp_path, "    investor: valor\n", "    investor: valor\n    lender: apollo\n")
    assert lines == ["54:5: deals[2].lender is not a field of kind equity, only of kind loan, "
                     "credit_facility or loan_guarantee (did you mean kind: loan?)"]


@pytest.mark.parametrize(("written", "meant"), [
    ("10 years", "40"), ("40 quarters", "40"), ("6 months", "2"), ("2.5 yrs", "10")])
def test_a_count_with_a_unit_suggests_its_quarters(tmp_path: Path, written: str, meant: str) -> None:
    (line,) = _lines(tmp_path, "horizon_quarters: 40", f"horizon_quarters: {written}")
    assert line == (f"4:19: horizon_quarters must be a whole number of quarters, without a "
                    f"unit; got '{written}' (did you mean {meant}?)")


def test_a_count_that_is_no_whole_number_of_quarters_gets_no_guess(tmp_path: Path) -> None:
    (line,) = _lines(tmp_path, "horizon_quarters: 40", "horizon_quarters: 5 months")
    assert line == "4:19: horizon_quarters must be a whole number; got '5 months'"


@pytest.mark.parametrize(("written", "meant"), [
    ("500 million", "0.5"), ("US$ 5bn", "5"), ("2 trillion", "2000"), ("5 billion dollars", "5")])
def test_amounts_in_words_suggest_billions(tmp_path: Path, written: str, meant: str) -> None:
    (line,) = _lines(tmp_path, "    amount: 6\n", f"    amount: {written}\n")
    assert line.endswith(f"must be a number, not text (amounts are in $B); got '{written}' "
                         f"(did you mean {meant}?)")


@pytest.mark.parametrize(("written", "meant"), [
    ("Q3-26", "2026Q3"), ("3Q26", "2026Q3"), ("3Q 2026", "2026Q3"), ("q1'27", "2027Q1")])
def test_quarters_as_analysts_write_them(tmp_path: Path, written: str, meant: str) -> None:
    (line,) = _lines(tmp_path, "    start: 2026Q2", f"    start: {written}")
    assert line.endswith(f"(did you mean {meant}?)") and written in line


def test_a_number_map_in_block_form_is_pointed_at_its_value(tmp_path: Path) -> None:
    (line,) = _lines(tmp_path, "    rate: 0.11\n    term_years: 5\n  - id: colossus2-spv",
                     "    rate:\n      source: term sheet\n      value: 11\n      basis: fact\n"
                     "    term_years: 5\n  - id: colossus2-spv")
    # line 43 is `      value: 11`, the 11 at column 14 (the map itself starts on line 42)
    assert line == "43:14: deals[0].rate must be between 0 and 1; got 11 (did you mean 0.11?)"


@pytest.mark.parametrize(("written", "meant"), [
    ("p5", "p05"), ("p5O", "p50"), ("P95", "p95"), ("median", "p50"), ("average", "mean")])
def test_a_statistic_is_read_as_an_analyst_means_it(written: str, meant: str) -> None:
    summary = {"deals": {"d": {"parties": {"a": {"moic": {"mean": 1.0, "p05": 0.5, "p50": 1.0,
                                                          "p95": 2.0}}}}}}
    with pytest.raises(cc.UsageError, match=rf"did you mean deals\.d\.parties\.a\.moic\.{meant}\?"):
        metric_value(summary, f"deals.d.parties.a.moic.{written}")
