"""The run tables: P(default) for every party that can default, medians over part of the
paths marked, `runs show` printing what `run` printed."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.deal_table import PARTIAL, deals_table
from chipcredit.cli.formats import DASH
from chipcredit.cli.party_table import can_default, parties_table

runner = CliRunner()
PATHS, SEED = 300, 7


def render(table: Table, width: int = 110) -> str:
    console = Console(width=width, file=io.StringIO())
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def row(deal: str | None, party: str, metric: str, **stats: Any) -> dict[str, Any]:
    return {"deal": deal, "party": party, "metric": metric, "mean": None, "p05": None,
            "p50": None, "p95": None, "nan_share": None, **stats}


def line_of(text: str, *cells: str) -> str:
    """The one table line holding every one of ``cells``."""
    found = [ln for ln in text.splitlines()
             if ln.startswith(("│", "┃")) and all(f" {c} " in ln for c in cells)]
    assert len(found) == 1, (cells, text)
    return found[0]


# --- P(default) -------------------------------------------------------------------------


def test_can_default_is_labs_and_clouds_with_their_own_balance_sheet() -> None:
    parties = cc.load_scenario("seed-2025").parties
    kinds = {p.id: (p.kind, getattr(p, "balance_sheet", None)) for p in parties}
    # the bundled scenario has one cloud of each sort, so both branches are exercised
    assert kinds["coreweave"] == ("cloud", "own")
    assert kinds["hyperscale-clouds"] == ("cloud", "funded")
    assert can_default(parties) == {"openai", "xai", "coreweave"}


def test_parties_table_shows_p_default_of_the_defaultable_parties_only() -> None:
    summary = [row(None, "lab1", "default_probability", mean=0.125),
               row(None, "own-cloud", "default_probability", mean=0.223),
               row(None, "funded-cloud", "default_probability", mean=0.0),
               row(None, "vendor1", "cash_end", p50=3.0)]
    parties = [("vendor1", "vendor"), ("own-cloud", "cloud"), ("lab1", "lab"),
               ("funded-cloud", "cloud")]
    text = render(parties_table(summary, parties, "medians", {"lab1", "own-cloud"}))
    assert "12.5%" in line_of(text, "lab1")
    assert "22.3%" in line_of(text, "own-cloud")  # was a dash: only labs had one
    assert f" {DASH} " in line_of(text, "funded-cloud")
    assert "0.0%" not in line_of(text, "funded-cloud")
    # rows in the order given (the scenario's), not grouped by kind
    order = [p for p, _ in parties]
    assert sorted(order, key=text.index) == order


# --- medians over part of the paths -----------------------------------------------------


def test_deals_table_marks_a_statistic_over_part_of_the_paths() -> None:
    summary = [row("loi", "nvidia", "npv", p50=0.0, nan_share=0.0),
               row("loi", "nvidia", "irr", p50=0.272, nan_share=0.678),
               row("loi", "nvidia", "moic", p50=2.31, nan_share=0.659),
               row("loi", "nvidia", "loss", mean=6.0, nan_share=0.0),
               row("loi", "openai", "npv", p50=1.5, nan_share=0.0),
               row("loi", "openai", "irr", p50=None, nan_share=1.0),
               row("loi", "openai", "moic", p50=0.5, nan_share=0.0),
               row("loi", "openai", "loss", mean=0.0, nan_share=0.0)]
    table = deals_table(summary, {"loi": "milestone_equity"}, {}, "medians over 2,000 paths")
    text = render(table)
    nvidia = line_of(text, "nvidia")
    assert f"27.2%{PARTIAL}" in nvidia and f"2.31x{PARTIAL}" in nvidia
    assert f"0.00{PARTIAL}" not in nvidia  # the NPV is over every path
    openai = line_of(text, "openai")
    assert PARTIAL not in openai  # no IRR on any path is a dash, not a marked value
    assert f" {DASH} " in openai
    # 1 - 0.678 and 1 - 0.659 of the paths, named with the deal and party
    assert "loi: nvidia IRR 32.2%, MOIC 34.1%" in " ".join(text.split())
    # the title no longer claims every median is over all 2,000 paths
    assert f"medians over 2,000 paths, {PARTIAL} over fewer)" in str(table.title)


def test_deals_table_has_no_note_when_every_statistic_is_over_all_paths() -> None:
    summary = [row("d", "p", "npv", p50=1.0, nan_share=0.0),
               row("d", "p", "moic", p50=1.2, nan_share=0.0)]
    table = deals_table(summary, {"d": "loan"}, {}, "medians over 10 paths")
    assert table.caption is None
    assert PARTIAL not in render(table)
    assert table.title == "What each party gets from each deal ($B; medians over 10 paths)"


@pytest.mark.parametrize(("share", "shown"), [(0.0004, "99.96%"), (0.9996, "0.04%")])
def test_a_share_near_the_ends_does_not_round_to_all_or_none(share: float, shown: str) -> None:
    summary = [row("d", "p", "moic", p50=1.2, nan_share=share)]
    text = " ".join(render(deals_table(summary, {"d": "loan"}, {}, "medians")).split())
    assert f"d: p MOIC {shown}" in text


# --- end to end: run and runs show ------------------------------------------------------


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A run of seed-2025 recorded in a store of its own, and what `run` printed."""
    store = tmp_path_factory.mktemp("tables") / "runs.duckdb"
    done = runner.invoke(cli.app, ["run", "seed-2025", "--paths", str(PATHS), "--seed", str(SEED),
                                   "--store", str(store)])
    assert done.exit_code == 0, done.stderr
    return store, done.stdout


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=PATHS, seed=SEED)


def test_run_shows_the_default_probability_of_a_cloud(recorded: tuple[Path, str],
                                                        result: cc.Result) -> None:
    _, out = recorded
    prob = result.default_probability("coreweave")
    assert prob > 0
    assert f"{prob * 100:.1f}%" in line_of(out, "coreweave", "cloud")
    assert f" {DASH} " in line_of(out, "hyperscale-clouds", "cloud")


def test_run_names_the_share_of_paths_behind_a_partial_median(recorded: tuple[Path, str],
                                                              result: cc.Result) -> None:
    _, out = recorded
    summary = result.summary()
    moic = summary[(summary["deal"] == "nvidia-openai-loi") & (summary["party"] == "nvidia")
                   & (summary["metric"] == "moic")].iloc[0]
    assert 0 < moic["nan_share"] < 1  # the letter of intent closes on some paths only
    assert f"{moic['p50']:.2f}x{PARTIAL}" in out
    share = f"{(1 - moic['nan_share']) * 100:.1f}%"
    assert f"MOIC {share}" in " ".join(out.split())


def test_runs_show_prints_the_tables_run_printed(recorded: tuple[Path, str]) -> None:
    store, out = recorded
    done = runner.invoke(cli.app, ["runs", "show", "1", "--store", str(store)])
    assert done.exit_code == 0, done.stderr
    shown = done.stdout.splitlines()
    printed = out.splitlines()
    assert shown[0].startswith("run 1 · run · complete")  # show's own header line
    # the tables, line for line (parties in scenario order, the same P(default) column)
    assert shown[1:-1] == printed[:-1]
    # and the same footer, ending with what each one adds
    run_footer, show_footer = printed[-1], shown[-1]
    common = run_footer.split(" · stored as run")[0]
    assert common.endswith("money in $B, capacity in GW")
    assert show_footer == f"{common} · per-path outcomes of {PATHS} paths stored"


def test_runs_show_falls_back_to_the_metrics_when_the_scenario_does_not_load() -> None:
    from chipcredit.cli.stored_run import _parties

    rows = [row(None, "xai", "cash_end") | {"party_kind": "lab"},
            row(None, "cw", "default_probability") | {"party_kind": "cloud"},
            row(None, "xai", "default_probability") | {"party_kind": "lab"},
            row(None, "nvidia", "cash_end") | {"party_kind": "vendor"}]
    parties, defaultable = _parties(rows, None)
    assert parties == [("xai", "lab"), ("cw", "cloud"), ("nvidia", "vendor")]
    assert defaultable == {"xai", "cw"}

