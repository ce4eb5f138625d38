"""``chipcredit run``'s "Against history" table: the scenario's observations placed among
the run's paths (`chipcredit.analytics.history_check`)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table
from tests.analytics.test_history_check import FLAT
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.analytics.history_check import HistoryCheck
from chipcredit.cli.history_table import history_table, quarter_text

runner = CliRunner()
LABELS = ["2000Q4", "2001Q1", "2001Q2", "2001Q3", "2001Q4"]
SERIES = HistoryCheck(label="A round", quarter="2026Q1", series="parties.openai.valuation",
                      event=None, party=None, observed=730.0, source="s", paths=2000,
                      p05=264.9, p50=673.0, p95=1479.7, rank=56.35, where="inside the band")
DEFAULT = HistoryCheck(label="Filed", quarter="2001Q2", series=None, event="default",
                       party="winstar", observed=None, source="s", paths=2000, p05=2.0,
                       p50=3.6, p95=4.0, rank=None, where="inside the band",
                       default_probability_by=0.024, default_probability=0.3575)


def render(table: Table | None) -> str:
    assert table is not None
    console = Console(width=400, file=io.StringIO())
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    return " ".join(console.file.getvalue().split())


def test_no_history_no_table() -> None:
    assert history_table([], LABELS, deterministic=False, seed=7) is None


def test_a_series_row_and_a_default_row() -> None:
    text = render(history_table([SERIES, DEFAULT], LABELS, deterministic=False, seed=7))
    assert text.startswith("Against history: each observation in the scenario's history "
                           "placed among the run's paths, over 2,000 paths, seed 7")
    assert ("│ A round │ parties.openai.valuation │ 2026Q1 │ 264.900 / 673.000 / 1,479.7 │ "
            "730.000 │ 56.4 │ inside the band │") in text
    assert ("│ Filed │ winstar defaults │ 2001Q2 │ 2001Q2 / 2001Q3 / 2001Q4 │ 2001Q2 │ "
            "P(by 2001Q2) 2.4%; in the horizon 35.8% │ inside the band │") in text
    assert "rank or P(default)" in text


def test_a_deterministic_run_has_no_band_and_no_rank() -> None:
    base = replace(SERIES, paths=1, p05=703.5, p50=703.5, p95=703.5, rank=None,
                   where="above the base case")
    text = render(history_table([base], LABELS, deterministic=True, seed=0))
    assert text.startswith("Against history: each observation in the scenario's history "
                           "beside the deterministic base case")
    assert "│ A round │ parties.openai.valuation │ 2026Q1 │ 703.500 │ 730.000 │ above the base case │" in text
    assert "rank" not in text.split("above (below)")[0]


def test_default_quarters_read_as_the_quarter_they_fall_in() -> None:
    assert quarter_text(3.6, LABELS) == "2001Q3"
    assert quarter_text(None, LABELS) == "—"


def test_run_prints_the_table(tmp_path: Path) -> None:
    path = tmp_path / "flat.yaml"
    path.write_text(FLAT, encoding="utf-8")
    out = runner.invoke(cli.app, ["run", str(path), "--deterministic", "--no-store"])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "Against history: each observation in the scenario's history beside the " \
           "deterministic base case" in text
    assert ("│ xAI's revenue in 2026Q1 │ parties.xai.revenue │ 2026Q1 │ 0.1250 │ 0.2000 │ "
            "above the base case │") in text


def _against(text: str) -> str:
    """The "Against history" table and its caption, as printed."""
    block = text[text.index("Against history"):]
    return block[:block.index("scenario telecom-2000")]


def test_runs_show_prints_the_table_run_printed(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.duckdb")
    ran = runner.invoke(cli.app, ["run", "telecom-2000", "--paths", "300", "--store", db],
                        terminal_width=220)
    assert ran.exit_code == 0, ran.output
    shown = runner.invoke(cli.app, ["runs", "show", "1", "--store", db], terminal_width=220)
    assert shown.exit_code == 0, shown.output
    assert "winstar defaults" in _against(ran.stdout)
    assert _against(shown.stdout) == _against(ran.stdout)


def test_a_row_over_fewer_paths_names_its_count_and_in_sample_is_said() -> None:
    # an SPV's LTV defined on 1,152 of 2,000 paths; a default over the 715 that default;
    # an observation the inputs were set from
    ltv = replace(SERIES, label="LTV", series="deals.colossus2-spv.ltv", paths=1152,
                  band_paths=1152, run_paths=2000)
    fell = replace(DEFAULT, where="inside the band of the paths on which it defaults",
                   band_paths=715, run_paths=2000)
    cited = replace(SERIES, band_paths=2000, run_paths=2000, in_sample=True)
    text = render(history_table([ltv, fell, cited], LABELS, deterministic=False, seed=7))
    assert text.startswith("Against history: each observation in the scenario's history "
                           "placed among the run's paths, over 2,000 paths, seed 7")
    assert ("│ LTV │ deals.colossus2-spv.ltv │ 2026Q1 │ 264.900 / 673.000 / 1,479.7 (over "
            "1,152 paths) │ 730.000 │ 56.4 │ inside the band │") in text
    assert ("│ Filed │ winstar defaults │ 2001Q2 │ 2001Q2 / 2001Q3 / 2001Q4 (over 715 paths) "
            "│ 2001Q2 │ P(by 2001Q2) 2.4%; in the horizon 35.8% │ inside the band of the "
            "paths on which it defaults │") in text
    assert ("│ 730.000 │ 56.4 │ inside the band (in-sample: the inputs were set from it) │"
            in text)
    # the title is the run's paths even where no row is over all of them
    alone = render(history_table([ltv], LABELS, deterministic=False, seed=7))
    assert "over 2,000 paths, seed 7" in alone and "(over 1,152 paths)" in alone
