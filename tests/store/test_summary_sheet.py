"""The workbook's ``summary`` sheet: the run's JSON summary a leaf a row, by metric path.

Checked against the summary itself through the addressing that ``sensitivity`` and ``solve``
use (`metric_paths`, `metric_value`), so a path in the sheet is one those commands accept.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import chipcredit as cc
from chipcredit.analytics.query import METADATA, metric_paths, metric_value

duckdb = pytest.importorskip("duckdb")
openpyxl = pytest.importorskip("openpyxl")

from chipcredit.store import RunStore  # noqa: E402
from chipcredit.store.excel import write_workbook  # noqa: E402


def _sheet(target: Path, name: str = "summary") -> tuple[list[Any], list[tuple[Any, ...]], str | None]:
    book = openpyxl.load_workbook(target)
    sheet = book[name]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    frozen = sheet.freeze_panes
    book.close()
    return list(rows[0]), rows[1:], frozen


@pytest.fixture(scope="module")
def exported(base_case: cc.Result, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[dict[str, Any], list[tuple[Any, ...]], Path]:
    """The seed-2025 base case (deterministic, seed 0) stored and exported; the store is
    ``runs.duckdb`` beside the workbook."""
    folder = tmp_path_factory.mktemp("summary")
    store = RunStore(folder / "runs.duckdb")
    run_id = store.save(base_case)
    target = store.export_xlsx(run_id, folder / "run.xlsx")
    header, rows, frozen = _sheet(target)
    assert header == ["path", "value", "unit"]
    assert frozen == "A2"  # the header row stays in view, as on every sheet
    return json.loads(base_case.to_json()), rows, target


def test_the_summary_sheet_follows_runs(exported: tuple[dict[str, Any], list[Any], Path]) -> None:
    book = openpyxl.load_workbook(exported[2], read_only=True)
    assert book.sheetnames == ["runs", "summary", "metrics", "bands", "flows", "defaults",
                               "outcomes", "outcome_units", "scenario"]
    book.close()


def test_every_number_is_at_its_metric_path(exported: tuple[dict[str, Any], list[Any], Path]
                                            ) -> None:
    summary, rows, _ = exported
    paths = [row[0] for row in rows]
    assert len(paths) == len(set(paths))  # one row per leaf
    numbers = [(p, v) for p, v, _ in rows if p.split(".")[0] not in METADATA
               and (v is None or isinstance(v, int | float)) and not isinstance(v, bool)]
    # the same paths, in the same order, as sensitivity and solve list them
    assert [p for p, _ in numbers] == metric_paths(summary)
    nulls = 0
    for path, value in numbers:
        want = metric_value(summary, path)
        if math.isnan(want):  # null in the JSON: an empty cell
            assert value is None, path
            nulls += 1
        else:
            # openpyxl writes 16 significant digits ("%.16g"), on every sheet: the last bit
            # of a float64 can go, nothing more
            assert value == pytest.approx(want, rel=2e-16 * 8, abs=0), path
    assert nulls > 0  # a base case has no IRR for a party that pays only: some cells are empty


def test_the_figures_only_the_summary_has_are_there(
        exported: tuple[dict[str, Any], list[Any], Path]) -> None:
    summary, rows, _ = exported
    cells = {p: v for p, v, _ in rows}
    nvidia = summary["portfolios"]["nvidia"]
    spv = summary["spvs"]["colossus2-spv"]
    for path, want in (("portfolios.nvidia.var_99", nvidia["var_99"]),
                       ("portfolios.nvidia.cvar_95", nvidia["cvar_95"]),
                       ("portfolios.nvidia.pd_term_structure.xai[3]",
                        nvidia["pd_term_structure"]["xai"][3]),
                       ("spvs.colossus2-spv.debt_impairment_probability",
                        spv["debt_impairment_probability"])):
        assert isinstance(cells[path], int | float), path
        assert cells[path] == pytest.approx(want, rel=1e-15, abs=0), path
    assert any(p.startswith("vendors.nvidia.") for p in cells)


def test_text_stays_text(exported: tuple[dict[str, Any], list[Any], Path]) -> None:
    summary, rows, _ = exported
    cells = {p: v for p, v, _ in rows}
    text = {p: v for p, v, _ in rows if isinstance(v, str)}
    kinds = {f"{section}.{key}.kind": summary[section][key]["kind"]
             for section in ("deals", "parties") for key in summary[section]}
    metadata = {key: summary[key] for key in ("chipcredit_version", "chipcredit_code_sha256",
                                              "scenario", "scenario_sha256", "start")}
    # which side of the IRR's bracket a percentile lies on ("above", "below") is text
    sides = {f"deals.{deal}.parties.{party}.irr.outside_bracket.{stat}": side
             for deal, d in summary["deals"].items() for party, p in d["parties"].items()
             for stat, side in p["irr"]["outside_bracket"].items()}
    # a vendor's years name their first and last quarters
    years = {f"vendors.{vendor}.self_funded_by_year[{i}].{end}": year[end]
             for vendor, v in summary["vendors"].items()
             for i, year in enumerate(v.get("self_funded_by_year", ())) for end in ("first", "last")}
    # an observation held against the run is named, sourced and placed in words
    history = {f"history[{i}].{key}": value for i, item in enumerate(summary.get("history", ()))
               for key, value in item.items() if isinstance(value, str)}
    # the seed is text, as on the runs sheet: Excel keeps 15 significant digits of a number
    assert text == {**metadata, "seed": str(summary["seed"]), **kinds, **sides, **years,
                    **history}
    assert cells["deterministic"] is True
    assert cells["paths"] == summary["paths"] == 1
    assert list(cells)[: len(METADATA)] == list(METADATA)  # the summary's order


def test_a_formula_in_the_summary_is_stored_as_text(
        exported: tuple[dict[str, Any], list[Any], Path], tmp_path: Path) -> None:
    data = RunStore(exported[2].parent / "runs.duckdb").get_run(1)
    summary = json.loads(data["run"]["summary_json"])
    summary["scenario"] = '=HYPERLINK("http://x","y")'
    run = {**data["run"], "summary_json": json.dumps(summary)}
    tables = {name: frame.head(0) for name, frame in data.items() if name != "run"}
    target = tmp_path / "run.xlsx"
    write_workbook(target, run, tables, {})
    book = openpyxl.load_workbook(target)
    cell = next(row[1] for row in book["summary"].iter_rows() if row[0].value == "scenario")
    assert cell.data_type == "s" and cell.value == summary["scenario"]
    book.close()


def test_every_number_in_the_sheet_xml_is_the_json_number_to_the_bit(
        exported: tuple[dict[str, Any], list[Any], Path]) -> None:
    """The sheet's XML, read without openpyxl, holds each number of the JSON summary as text
    that parses to the same float: openpyxl alone writes 16 significant digits, which
    changed 269 of 1,342 summary values in their last bit."""
    import xml.etree.ElementTree as ET
    import zipfile

    from chipcredit.analytics.query import summary_items

    summary, _, target = exported
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(target) as book:
        root = ET.fromstring(book.read("xl/worksheets/sheet2.xml"))  # summary, second sheet
    written: dict[str, str] = {}
    for row in root.iterfind(".//m:sheetData/m:row", ns):
        cells = {c.get("r", "")[0]: c for c in row.iterfind("m:c", ns)}
        path = cells["A"].findtext("m:is/m:t", namespaces=ns)
        value = cells.get("B")
        if value is not None and value.get("t") == "n":
            written[str(path)] = str(value.findtext("m:v", namespaces=ns))
    numbers = {path: v for path, v in summary_items(summary)
               if isinstance(v, float | int) and not isinstance(v, bool) and path != "seed"}
    assert set(written) == set(numbers) and len(numbers) > 1000  # the seed is text
    assert [p for p, text in written.items() if float(text) != numbers[p]] == []
    # and the text is what the JSON writes for it (the shortest round-trip form)
    assert sum(text != f"{float(text):.16g}" for text in written.values()) > 100
