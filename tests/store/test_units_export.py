"""The run store and its workbook carry the unit of every number (docs/output.md, "Units")."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")
openpyxl = pytest.importorskip("openpyxl")

from chipcredit.store import RunStore  # noqa: E402
from chipcredit.store.schema import METRICS  # noqa: E402

WANT = {"npv": "$B", "irr": "annual rate", "moic": "x", "default_probability": "probability",
        "market_share_end": "share", "second_source_quarter": "quarters from start",
        "vested_shares": "M shares", "share_price_end": "$ per share"}
"""Units a reader of seed-2025's workbook must see, typed here by hand."""


@pytest.fixture(scope="module")
def workbook(base_case: cc.Result, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[cc.Result, dict[str, pd.DataFrame]]:
    folder = tmp_path_factory.mktemp("units")
    store = RunStore(folder / "runs.duckdb")
    target = store.export_xlsx(store.save(base_case), folder / "run.xlsx")
    sheets = pd.read_excel(target, sheet_name=None, engine="openpyxl")
    return base_case, sheets


def test_the_metrics_sheet_names_each_metric_s_unit(
        workbook: tuple[cc.Result, dict[str, pd.DataFrame]]) -> None:
    result, sheets = workbook
    metrics = sheets["metrics"]
    # the store's columns, in order: the unit after the statistics it is the unit of, then
    # the IRR columns of schema 4 (a ranked share, flags and sides, with no unit)
    assert list(metrics.columns) == METRICS.column_names
    assert METRICS.column_names.index("unit") == METRICS.column_names.index("p_positive") + 1
    assert list(metrics["unit"]) == list(result.summary()["unit"])  # the summary's rows, in order
    by = metrics.drop_duplicates("metric").set_index("metric")["unit"]
    assert {m: by[m] for m in WANT} == WANT


def test_the_bands_and_flows_sheets_name_theirs(
        workbook: tuple[cc.Result, dict[str, pd.DataFrame]]) -> None:
    _, sheets = workbook
    bands = sheets["bands"]
    units = bands.groupby("variable")["unit"].agg(set)
    assert units["capacity"] == {"GW"} and units["cash"] == {"$B"}
    assert units["revenue"] == {"$B a quarter"} and units["share"] == {"share"}
    assert units["units"] == {"GW a quarter"}
    assert (units.map(len) == 1).all()  # one unit per variable
    assert set(sheets["flows"]["unit"]) == {"$B"}


def test_the_summary_sheet_gives_a_unit_beside_each_number(
        workbook: tuple[cc.Result, dict[str, pd.DataFrame]]) -> None:
    _, sheets = workbook
    summary = sheets["summary"]
    assert list(summary.columns) == ["path", "value", "unit"]
    unit = dict(zip(summary["path"], summary["unit"], strict=True))
    deal = "colossus2-spv"
    assert unit[f"deals.{deal}.parties.nvidia.irr.p50"] == "annual rate"
    assert unit[f"deals.{deal}.parties.nvidia.irr.nan_share"] == "share of paths"
    assert unit[f"deals.{deal}.parties.nvidia.npv.mean"] == "$B"
    assert unit["parties.xai.default_probability"] == "probability"
    assert unit["vendors.nvidia.share_price_end.p50"] == "$ per share"
    assert unit["portfolios.nvidia.pd_term_structure.xai[0]"] == "probability"
    assert unit["paths"] == "paths"
    assert pd.isna(unit["scenario"]) and pd.isna(unit[f"deals.{deal}.kind"])  # text: no unit
    numbers = summary[summary["path"].map(lambda p: p.split(".")[0] in
                                          ("deals", "parties", "vendors", "spvs", "portfolios",
                                           "ledger")) & ~summary["path"].str.endswith(".kind")
                      & ~summary["path"].str.contains(".irr.outside_bracket.", regex=False)
                      & ~summary["path"].str.endswith(".irr.withheld")
                      & ~summary["path"].str.contains(r"self_funded_by_year\[\d+\]\.(?:first|last)$")]
    assert len(numbers) > 100 and numbers["unit"].notna().all()
    # a vendor's years name their quarters in text, with no unit; the year is a number
    assert pd.isna(unit["vendors.nvidia.self_funded_by_year[0].first"])
    assert unit["vendors.nvidia.self_funded_by_year[0].year"] == "calendar year"
    # the side of the IRR's bracket a percentile lies on is text, with no unit
    sides = summary[summary["path"].str.contains(".irr.outside_bracket.", regex=False)]
    assert set(sides["value"]) <= {"above", "below"} and sides["unit"].isna().all()
    # and whether an IRR statistic is withheld is a flag, as deterministic is: no unit
    flags = summary[summary["path"].str.endswith(".irr.withheld")]
    assert len(flags) > 10 and flags["unit"].isna().all()


def test_the_outcome_units_sheet_names_every_outcomes_column(
        workbook: tuple[cc.Result, dict[str, pd.DataFrame]]) -> None:
    result, sheets = workbook
    table = sheets["outcome_units"]
    assert list(table["outcome"]) == list(sheets["outcomes"].columns[2:]) == list(result.outcomes)
    unit = dict(zip(table["outcome"], table["unit"], strict=True))
    assert unit["deal|xai-debt|xai-bondholders|irr"] == "annual rate"
    assert unit["party|xai|default_quarter"] == "quarters from start"
    assert unit["party|xai|default_cause"] == "code"
    assert table["unit"].notna().all()


def test_sql_reads_the_units(workbook: tuple[cc.Result, dict[str, pd.DataFrame]],
                             tmp_path: Path) -> None:
    result, _ = workbook
    store = RunStore(tmp_path / "runs.duckdb")
    store.save(result)
    got = store.sql("SELECT metric, unit FROM metrics WHERE metric IN ('irr', 'moic') "
                    "GROUP BY ALL ORDER BY metric")
    assert got.to_dict("records") == [{"metric": "irr", "unit": "annual rate"},
                                      {"metric": "moic", "unit": "x"}]
