"""The scenario's ``history:``: each observation's form and its references, in the loader's
one-line error style (file:line:column, path, rule, value, did you mean)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipcredit.errors import ScenarioError
from chipcredit.scenario import load_scenario
from chipcredit.scenario.history import series_variables

from .conftest import BASE

SERIES = """\
history:
  - label: "A round"
    series: {series}
    quarter: {quarter}
    observed: {observed}
"""
SOURCED = "{value: 1, source: s, basis: fact}"


def _load(tmp_path: Path, extra: str) -> object:
    path = tmp_path / "s.yaml"
    path.write_text(BASE + extra, encoding="utf-8")
    return load_scenario(path)


def _error(tmp_path: Path, extra: str) -> str:
    with pytest.raises(ScenarioError) as err:
        _load(tmp_path, extra)
    return str(err.value).replace(str(tmp_path / "s.yaml"), "FILE")


def _series(series: str = "parties.xai.valuation", quarter: str = "2026Q1",
            observed: str = SOURCED) -> str:
    return SERIES.format(series=series, quarter=quarter, observed=observed)


def test_a_sound_history_loads(tmp_path: Path) -> None:
    sc = _load(tmp_path, _series() + "  - {label: Defaulted, event: default, party: xai, "
               "quarter: 2026Q2, source: s}\n")
    items = sc.history  # type: ignore[attr-defined]
    assert [i.key for i in items] == [("xai", "valuation"), ("xai", "default")]
    assert items[0].observed.value == 1.0 and items[0].observed.basis == "fact"


def test_an_unknown_party_gets_a_did_you_mean(tmp_path: Path) -> None:
    assert _error(tmp_path, _series("parties.xaii.valuation")) == (
        "FILE:59:13: history[0].series names no party in the scenario; got "
        "'parties.xaii.valuation' (did you mean parties.xai.valuation?)")


def test_an_unknown_variable_lists_what_the_party_records(tmp_path: Path) -> None:
    assert _error(tmp_path, _series("parties.xai.valuaton")) == (
        "FILE:59:13: history[0].series names a variable xai does not record (it records "
        "revenue, cash, capacity, valuation, arrears); got 'parties.xai.valuaton' (did you "
        "mean parties.xai.valuation?)")


def test_a_deal_variable_and_a_deal_that_records_none(tmp_path: Path) -> None:
    assert _error(tmp_path, _series("deals.colossus2-spv.ltvv")) == (
        "FILE:59:13: history[0].series names a variable colossus2-spv does not record (it "
        "records ltv, dscr, collateral_value); got 'deals.colossus2-spv.ltvv' (did you mean "
        "deals.colossus2-spv.ltv?)")
    assert _error(tmp_path, _series("deals.term-loan.drawn")) == (
        "FILE:59:13: history[0].series names term-loan, which records no quarterly series "
        "(the deals that do: colossus2-spv); got 'deals.term-loan.drawn'")


def test_a_quarter_outside_the_horizon(tmp_path: Path) -> None:
    assert _error(tmp_path, _series(quarter="2040Q1")) == (
        "FILE:60:14: history[0].quarter must fall within the horizon, 2025Q4 to 2035Q3; got "
        "'2040Q1'")


def test_a_series_not_written_as_three_parts(tmp_path: Path) -> None:
    assert _error(tmp_path, _series("xai.valuation")) == (
        "FILE:59:13: history[0].series must read parties.ID.VARIABLE or deals.ID.VARIABLE; "
        "got 'xai.valuation'")


def test_observed_is_a_sourced_point_value(tmp_path: Path) -> None:
    assert _error(tmp_path, _series(observed="4")) == (
        "FILE:61:15: history[0].observed must name its source and basis ({value: .., "
        "source: .., basis: fact}; source and basis missing); got 4")
    assert _error(tmp_path, _series(observed="{p05: 1, p95: 2, source: s, basis: fact}")) == (
        "FILE:61:15: history[0].observed must be a point value ({value: .., source: .., "
        "basis: ..}), not a range; got 'p05=1 p95=2'")


def test_a_default_event_names_a_party_that_can_default(tmp_path: Path) -> None:
    event = ("history:\n  - label: x\n    event: default\n    party: {party}\n    quarter: 2026Q1\n"
             "    source: s\n")
    assert _error(tmp_path, event.format(party="xia")) == (
        "FILE:60:12: history[0].party names no party in the scenario; got 'xia' (did you "
        "mean xai?)")
    assert _error(tmp_path, event.format(party="valor")) == (
        "FILE:60:12: history[0].party must name a party that can default (a lab or a cloud), "
        "but valor is an investor; got 'valor'")


def test_series_variables_by_kind(tmp_path: Path) -> None:
    got = series_variables(_load(tmp_path, ""))  # type: ignore[arg-type]
    assert got["parties.xai"] == ("revenue", "cash", "capacity", "valuation", "arrears")
    assert got["parties.valor"] == ()
    assert got["deals.colossus2-spv"] == ("ltv", "dscr", "collateral_value")
    assert got["deals.term-loan"] == ()


def test_an_item_with_neither_a_series_nor_an_event(tmp_path: Path) -> None:
    assert _error(tmp_path, "history:\n  - {label: x, quarter: 2026Q1}\n") == (
        "FILE:58:13: history[0] needs series and observed (a recorded value), or event: "
        "default with party (a party's default); got 'x'")


def test_a_missing_source_or_basis_is_named(tmp_path: Path) -> None:
    assert _error(tmp_path, _series(observed="{value: 730, basis: fact}")) == (
        "FILE:61:23: history[0].observed must name its source ({value: .., source: .., "
        "basis: fact}; source missing); got 730")
    assert _error(tmp_path, _series(observed="{value: 730, source: s}")) == (
        "FILE:61:23: history[0].observed must name its basis ({value: .., source: .., "
        "basis: fact}; basis missing); got 730")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_an_observed_value_must_be_finite(tmp_path: Path, value: str) -> None:
    shown = {".nan": "nan", ".inf": "inf", "-.inf": "-inf"}[value]
    assert _error(tmp_path, _series(observed=f"{{value: {value}, source: s, basis: fact}}")) == (
        f"FILE:61:23: history[0].observed.value must be finite; got {shown}")


def test_a_negative_value_is_refused_where_the_series_never_is(tmp_path: Path) -> None:
    assert _error(tmp_path, _series(observed="{value: -730, source: s, basis: fact}")) == (
        "FILE:61:23: history[0].observed.value must not be negative: valuation never is "
        "(only cash, dscr, equity_value, gross_profit, operating_profit can be); got -730")
    sc = _load(tmp_path, _series("parties.xai.cash",
                                 observed="{value: -2, source: s, basis: fact}"))
    assert sc.history[0].observed.value == -2.0  # type: ignore[attr-defined]


def test_a_default_event_needs_a_source(tmp_path: Path) -> None:
    assert _error(tmp_path, "history:\n  - {label: x, event: default, party: xai, "
                  "quarter: 2026Q1}\n") == (
        "FILE:58:13: history[0] event: default needs source, where the default is reported; "
        "got 'x'")


def test_a_series_beside_an_event_is_named(tmp_path: Path) -> None:
    assert _error(tmp_path, "history:\n  - label: x\n    event: default\n    party: xai\n"
                  "    series: parties.xai.valuation\n    quarter: 2026Q1\n    source: s\n") == (
        "FILE:61:13: history[0].series is not taken with event: default (a default event "
        "takes party, quarter and source); got 'parties.xai.valuation'")


def test_in_sample_marks_an_observation_an_input_was_set_from(tmp_path: Path) -> None:
    sc = _load(tmp_path, _series() + "    in_sample: true\n")
    assert sc.history[0].in_sample is True  # type: ignore[attr-defined]
    assert _load(tmp_path, _series()).history[0].in_sample is False  # type: ignore[attr-defined]
