"""The table under the vendors table of ``chipcredit run`` and ``runs show``: each vendor's
equity value, share price, stakes, operating profit and warrant dilution, from the JSON
summary; the table of each vendor's revenue where a buyer defaults and where it does not;
and the hypothetical deals marked in the vendors caption and the line of self-funded revenue
by buyer (r-equity findings 4 and 5)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.cli import render
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.formats import money, percent
from chipcredit.cli.vendor_tables import exposure_table, vendor_financials_table
from chipcredit.report.vendor_financials import financial_rows

TITLE = "Vendors' equity, share price, stakes and operating profit"
EXPOSURE = "Vendors' revenue where a buyer defaults and where it does not, totals over the horizon"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, dict[str, Any]]:
    """`run seed-2025` (200 paths, seed 5) and `runs show` of it, and its JSON."""
    tmp = tmp_path_factory.mktemp("vendfin")
    db, out = str(tmp / "runs.duckdb"), tmp / "run.json"
    runner = CliRunner()
    ran = runner.invoke(cli.app, ["run", "seed-2025", "--paths", "200", "--seed", "5",
                                  "--store", db, "--json", str(out)], terminal_width=200)
    assert ran.exit_code == 0, ran.output
    shown = runner.invoke(cli.app, ["runs", "show", "1", "--store", db], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    return ran.stdout, shown.stdout, json.loads(out.read_text())


def _rows(text: str) -> list[list[str]]:
    """The financials table's body rows as cells, the vendor cell carried down."""
    block = text[text.index(TITLE):]
    out, vendor = [], ""
    for line in block.splitlines()[4:]:
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        vendor = cells[0] or vendor
        out.append([vendor, *cells[1:]])
    return out


def _mean(figures: dict[str, Any]) -> str:
    se = figures["mean_se"]
    text = money(figures["mean"])
    if se is not None and se >= 1e-9:
        text += f" ±{se:,.2f}" if se >= 0.01 else f" ±{se:.2g}"
    return text


def test_run_prints_each_vendors_financials_as_the_json_has_them(
        printed: tuple[str, str, dict[str, Any]]) -> None:
    text, _, doc = printed
    labels = {"equity_value_end": "equity value, end", "share_price_end": "share price, end",
              "stakes_value_end": "stakes value, end",
              "operating_profit_total": "operating profit, total"}
    expected = []
    for vendor in ("nvidia", "amd"):
        for metric, label in labels.items():
            f = doc["vendors"][vendor][metric]
            expected.append([vendor, label, money(f["p05"]), money(f["p50"]), money(f["p95"]),
                             _mean(f)])
    # AMD issues the OpenAI warrant: its dilution cost, the deal's figures for it
    f = doc["deals"]["amd-openai-warrant"]["parties"]["amd"]["dilution_cost"]
    expected.append(["amd", "dilution cost, amd-openai-warrant", money(f["p05"]), money(f["p50"]),
                     money(f["p95"]), _mean(f)])
    assert _rows(text) == expected
    # under the vendors table, before the years
    assert text.index("Vendors ($B") < text.index(TITLE) < text.index("Self-funded revenue by year")
    said = " ".join(text[text.index(TITLE):text.index("Self-funded revenue by year")].split())
    assert ("Equity value, share price and stakes value are at the end of the horizon, operating "
            "profit is summed over it (2025Q4-2035Q3).") in said
    assert "± is one Monte Carlo standard error of the mean." in said


def test_runs_show_prints_the_same_table(printed: tuple[str, str, dict[str, Any]]) -> None:
    ran, shown, _ = printed

    def part(text: str) -> str:
        return re.sub(r"\s+", " ", text[text.index(TITLE):text.index("Self-funded revenue by year")])
    assert part(shown) == part(ran)


def test_the_hypothetical_deal_is_marked_in_the_caption_and_the_by_buyer_line(
        printed: tuple[str, str, dict[str, Any]]) -> None:
    for text in printed[:2]:  # run and runs show
        said = " ".join(text.split())
        assert ("The vendors' figures include their hypothetical deals (no such deal is reported "
                "and every term is assumed): nvidia in xai-chips-on-credit (hypothetical). The "
                "run does not split self-funded revenue by deal, so no share of it is given for "
                "them; the line of self-funded revenue by buyer marks each buyer that is a party "
                "to one.") in said
        xai = printed[2]["vendors"]["nvidia"]["self_funded_by_buyer"]["xai"]
        assert (f"xai ${xai:.3g}B (its deals with nvidia include xai-chips-on-credit "
                "(hypothetical))") in said
        # AMD is in no hypothetical deal: its buyers carry no mark
        amd = said[said.index("; amd $"):]
        assert "hypothetical" not in amd[:amd.index(".")]


def _summary(dust: float) -> dict[str, Any]:
    def figures(p05: float, p50: float, p95: float, mean: float, se: float) -> dict[str, float]:
        return {"p05": p05, "p50": p50, "p95": p95, "mean": mean, "mean_se": se}
    return {"vendors": {
        "nv": {"equity_value_end": figures(1.0, 2.0, 3.0, 2.5, 0.123),
               "share_price_end": figures(10.0, 20.0, 30.0, 21.0, 1.5),
               "stakes_value_end": figures(0.0, 0.0, 0.0, 0.0, dust),
               "operating_profit_total": figures(-1.0, 1.0, 4.0, 1.25, 0.004)},
        "plain": {"revenue_total": figures(1.0, 1.0, 1.0, 1.0, 0.0)}},  # no financials
        "deals": {"w": {"kind": "deployment_warrant",
                        "parties": {"nv": {"dilution_cost": figures(0.0, 0.5, 2.0, 0.75, 0.05)},
                                    "lab": {"npv": figures(0, 0, 0, 0, 0)}}}}}


def test_the_table_by_hand() -> None:
    text = render(vendor_financials_table(_summary(5e-17)), 160)
    assert _rows(text) == [
        ["nv", "equity value, end", "1.00", "2.00", "3.00", "2.50 ±0.12"],
        ["nv", "share price, end", "10.00", "20.00", "30.00", "21.00 ±1.50"],
        # float dust on a figure 0 on every path is no standard error
        ["nv", "stakes value, end", "0.00", "0.00", "0.00", "0.00"],
        ["nv", "operating profit, total", "-1.00", "1.00", "4.00", "1.25 ±0.004"],
        ["nv", "dilution cost, w", "0.00", "0.50", "2.00", "0.75 ±0.05"]]
    assert "plain" not in text  # a vendor without financials has no rows
    assert [r.path for r in financial_rows(_summary(0.0))][-1] == "deals.w.parties.nv.dilution_cost"


def test_the_base_case_has_one_column_and_no_summary_no_table() -> None:
    text = render(vendor_financials_table(_summary(0.0), deterministic=True), 160)
    assert _rows(text)[0] == ["nv", "equity value, end", "2.00"]
    assert "base case" in text and "Base case: the one path of a deterministic run." in text
    assert vendor_financials_table(None) is None
    assert vendor_financials_table({"vendors": {"plain": {}}}) is None


def _exposure_rows(text: str) -> list[list[str]]:
    """The exposure table's body rows as cells, the vendor cell carried down."""
    lines = text[text.index(EXPOSURE):].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("┡")) + 1
    out, vendor = [], ""
    for line in lines[start:]:
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        vendor = cells[0] or vendor
        out.append([vendor, *cells[1:]])
    return out


def test_run_and_runs_show_print_the_revenue_where_a_buyer_defaults_as_the_json_has_it(
        printed: tuple[str, str, dict[str, Any]]) -> None:
    ran, shown, doc = printed
    expected = []
    for vendor in ("nvidia", "amd"):
        split = doc["vendors"][vendor]["revenue_given_default"]
        # the labs and CoreWeave (own balance sheet); the funded clouds cannot default
        assert list(split) == ["openai", "xai", "coreweave"]
        for party, f in split.items():
            expected.append([vendor, party, percent(f["default_share"]),
                             money(f["median_if_default"]), money(f["median_if_not"]),
                             money(f["mean_if_default"]), money(f["mean_if_not"])])
    for text in (ran, shown):
        assert _exposure_rows(text) == expected
        assert (text.index(TITLE) < text.index(EXPOSURE + " (2025Q4-2035Q3) ($B; medians and "
                                                          "means over paths)")
                < text.index("Self-funded revenue by year"))
        said = " ".join(text[text.index(EXPOSURE):text.index("Self-funded revenue by year")]
                        .split())
        assert ("It compares the run's paths, not two worlds: a lab defaults mostly on paths "
                "where demand for compute is weak") in said


def test_the_exposure_table_by_hand() -> None:
    def split(share: float | None, low: float | None, high: float | None) -> dict[str, Any]:
        return {"default_share": share, "median_if_default": low, "median_if_not": high,
                "mean_if_default": low and low + 1, "mean_if_not": high and high + 1}
    summary = {"vendors": {
        "nv": {"revenue_given_default": {"lab": split(0.25, 10.0, 40.0),
                                         # never defaults: nothing to compare, no row
                                         "safe": split(0.0, None, 30.0)}},
        "small": {"revenue_given_default": {"lab": split(0.25, 1.5, 2.0)}},
        "plain": {"revenue_total": {}}}}
    text = render(exposure_table(summary, horizon=("2026Q1", "2027Q4", 8)), 160)
    assert EXPOSURE + " (2026Q1-2027Q4)" in text
    assert _exposure_rows(text) == [
        ["nv", "lab", "25.0%", "10.00", "40.00", "11.00", "41.00"],
        ["small", "lab", "25.0%", "1.50", "2.00", "2.50", "3.00"]]
    # a deterministic run's one path is on one side of every split: no table
    assert exposure_table({"vendors": {"nv": {"revenue_given_default": {
        "lab": split(1.0, 10.0, None)}}}}) is None
    assert exposure_table(None) is None
    assert exposure_table({"vendors": {"plain": {}}}) is None
