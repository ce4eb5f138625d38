"""Every tidy output names the unit of its numbers, from one table (`analytics.unit`), and
that table is the one docs/output.md prints ("Units")."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chipcredit as cc
from chipcredit.analytics.query import METADATA, summary_items
from chipcredit.analytics.unit import (
    BAND_UNITS,
    METRIC_UNITS,
    MissingUnit,
    band_unit,
    metric_unit,
    outcome_unit,
    summary_unit,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "output.md"
_ROW = re.compile(r"^\| `([a-z_0-9]+)` \| `([^`]+)` \|$")


def _docs_table(header: str) -> dict[str, str]:
    """The two-column table under docs/output.md's "Units" whose header row is ``header``."""
    text = DOCS.read_text(encoding="utf-8").split("## Units", 1)[1].split("\n## ", 1)[0]
    lines = text.splitlines()
    start = lines.index(header) + 2
    table: dict[str, str] = {}
    for line in lines[start:]:
        match = _ROW.match(line)
        if match is None:
            break
        table[match[1]] = match[2]
    return table


METRICS_DOC = _docs_table("| metric | unit |")
BANDS_DOC = _docs_table("| variable | unit |")


@pytest.fixture(scope="module", params=["seed-2025", "telecom-2000"])
def result(request: pytest.FixtureRequest) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(request.param, paths=200, seed=1)


def test_the_docs_print_the_table_the_code_reads() -> None:
    assert len(METRICS_DOC) > 40 and len(BANDS_DOC) > 25  # the parse found the tables
    assert METRICS_DOC == METRIC_UNITS
    assert BANDS_DOC == {v: u.replace("{capacity}", "GW") for v, u in BAND_UNITS.items()}


def test_the_summary_names_each_metric_s_unit(result: cc.Result) -> None:
    table = result.summary()
    assert list(table.columns) == ["deal", "party", "metric", "mean", "p05", "p50", "p95",
                                   "nan_share", "unit", "ranked_share", "se"]  # added last, nothing renamed
    assert table["unit"].notna().all()
    for metric, unit in zip(table["metric"], table["unit"], strict=True):
        assert unit == METRICS_DOC[metric], metric
    # spot checks against what each number is (docs/output.md, the JSON summary)
    by = table.drop_duplicates("metric").set_index("metric")["unit"]
    assert (by["npv"], by["irr"], by["moic"], by["default_probability"]) == (
        "$B", "annual rate", "x", "probability")
    assert by["second_source_quarter"] == "quarters from start"
    second = table[table["metric"] == "second_source_quarter"]
    if second["mean"].notna().any():  # quarters from the start: 0 to the horizon
        assert second["mean"].dropna().between(0, result.scenario.horizon_quarters).all()


def test_the_bands_name_their_unit_capacity_in_the_scenario_s(result: cc.Result) -> None:
    capacity = result.scenario.capacity_unit
    for party, variable in result.reservoir:
        frame = result.bands(party, variable)
        assert list(frame.columns)[-1] == "unit"
        want = BANDS_DOC[variable].replace("GW", capacity)
        assert set(frame["unit"]) == {want}, (party, variable)
    assert set(result.flows()["unit"]) == {"$B"}


def test_telecom_counts_capacity_in_its_own_unit() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate("telecom-2000", deterministic=True)
    label = res.scenario.capacity_unit
    assert label != "GW"
    lab = next(p.id for p in res.scenario.parties if p.kind == "lab")
    assert set(res.bands(lab, "capacity")["unit"]) == {label}
    vendor = next(p.id for p in res.scenario.parties if p.kind == "vendor")
    assert set(res.bands(vendor, "units")["unit"]) == {f"{label} a quarter"}


def test_a_scenario_in_mw_has_its_capacity_in_mw() -> None:
    text = cc.load_scenario("seed-2025").source_text
    assert "capacity_unit: GW" in text
    res = cc.simulate(cc.parse_scenario_text(text.replace("capacity_unit: GW",
                                                          "capacity_unit: MW")),
                      deterministic=True)
    assert set(res.bands("xai", "capacity")["unit"]) == {"MW"}
    assert set(res.bands("nvidia", "units")["unit"]) == {"MW a quarter"}
    assert set(res.bands("nvidia", "sales")["unit"]) == {"$B a quarter"}  # money stays $B
    clouds = [p.id for p in res.scenario.parties if p.kind == "cloud"]
    assert clouds and set(res.bands(clouds[0], "spot_price")["unit"]) == {"$B per MW a year"}


def test_every_outcome_and_summary_figure_has_a_unit(result: cc.Result) -> None:
    for key in result.outcomes:
        assert outcome_unit(key) in set(METRIC_UNITS.values()), key
    for path, value in summary_items(result):
        unit = summary_unit(path)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if path in METADATA:
            assert unit == {"paths": "paths", "quarters": "quarters"}.get(path), path
        elif numeric or value is None:
            assert unit, path
        else:  # text: a deal's or party's kind
            assert unit is None, path


def test_the_summary_paths_take_their_metric_s_unit(result: cc.Result) -> None:
    data = result.to_dict()
    deal, entry = next(iter(data["deals"].items()))
    party = next(iter(entry["parties"]))
    root = f"deals.{deal}.parties.{party}"
    assert summary_unit(f"{root}.irr.p50") == "annual rate"
    assert summary_unit(f"{root}.irr.nan_share") == "share of paths"
    assert summary_unit(f"{root}.moic.mean") == "x"
    assert summary_unit(f"{root}.npv.p05") == "$B"
    lab = next(p.id for p in result.scenario.parties if p.kind == "lab")
    assert summary_unit(f"parties.{lab}.default_probability") == "probability"
    assert summary_unit(f"parties.{lab}.discount_rate") == "annual rate"
    assert summary_unit("ledger.max_abs_imbalance") == "$B"
    holder, figures = next(iter(data["portfolios"].items()))
    obligor = next(iter(figures["pd_term_structure"]))
    assert summary_unit(f"portfolios.{holder}.pd_term_structure.{obligor}[0]") == "probability"
    assert summary_unit(f"portfolios.{holder}.hhi") == "index"
    assert summary_unit(f"portfolios.{holder}.exposure_by_obligor.{obligor}") == "$B"


def test_a_metric_without_a_unit_fails_loudly() -> None:
    with pytest.raises(MissingUnit, match="'made_up_metric' has no unit"):
        metric_unit("made_up_metric")
    with pytest.raises(MissingUnit, match="band variable 'made_up'"):
        band_unit("made_up", "GW")
    with pytest.raises(MissingUnit):
        outcome_unit("deal|d|p|made_up")
    with pytest.raises(MissingUnit):
        summary_unit("vendors.nvidia.made_up.p50")
    with pytest.raises(MissingUnit):
        summary_unit("deals.d.parties.p.npv.p42")


def test_the_cashflows_csv_carries_the_unit(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chipcredit import cli

    folder = tmp_path / "flows"
    run = CliRunner().invoke(cli.app, ["run", "seed-2025", "--deterministic", "--no-store",
                                       "--quiet", "--cashflows", str(folder)])
    assert run.exit_code == 0, run.output
    frame = pd.read_csv(folder / "xai-debt.csv")
    assert list(frame.columns)[-2:] == ["counted", "unit"] and len(frame)
    assert set(frame["unit"]) == {"$B"}
    assert np.isfinite(frame["amount"]).all()


def test_the_paths_out_file_names_each_column_s_unit(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    target = tmp_path / "paths.parquet"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate("seed-2025", paths=20, seed=1, paths_out=target)
    schema = pq.read_schema(target)
    assert schema.field("path").metadata is None
    units = {key: schema.field(key).metadata[b"unit"].decode() for key in res.outcomes}
    assert units["deal|xai-debt|xai-bondholders|irr"] == "annual rate"
    assert units["party|xai|cash_end"] == "$B"
    assert units["party|xai|default_quarter"] == "quarters from start"
    assert all(units[k] == METRICS_DOC[k.split("|")[2 if k.startswith(("portfolio|", "purchases|"))
                                                   else -1]]
               for k in units)
    np_table = pq.read_table(target, columns=["deal|xai-debt|xai-bondholders|npv"])
    np.testing.assert_array_equal(np_table.column(0).to_numpy(),
                                  res.outcomes["deal|xai-debt|xai-bondholders|npv"])


def test_paired_differences_name_their_unit() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.compare("seed-2025", "seed-2025-sell-only", paths=20, seed=1)
    table = res.differences
    assert list(table.columns)[-1] == "unit" and len(table)
    for metric, unit in zip(table["metric"], table["unit"], strict=True):
        assert unit == METRICS_DOC[metric], metric
    by = table.drop_duplicates("metric").set_index("metric")["unit"]
    assert by["irr"] == "annual rate" and by["second_source_probability"] == "probability"
