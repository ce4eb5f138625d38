"""`stress` and `compare`: the paths behind a row, --quiet, and the `wrote FILE` line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from tests.cli import render
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.paired_tables import paired_table

runner = CliRunner()


def frame(paths: list[int]) -> pd.DataFrame:
    rows = [{"deal": "loi", "party": f"p{i}", "metric": "moic", "base": 2.0, "other": 1.0,
             "difference": -1.0, "ci_low": -1.5, "ci_high": -0.5, "paths": n}
            for i, n in enumerate(paths)]
    return pd.DataFrame(rows)


def test_a_row_over_fewer_paths_shows_how_many() -> None:
    text = render(paired_table(frame([2000, 45]), ["moic"], 2000, "t", "base", "stressed"))
    header = next(ln for ln in text.splitlines() if "difference" in ln)
    assert header.rstrip(" ┃").endswith("paths")
    full = next(ln for ln in text.splitlines() if " p0 " in ln)
    part = next(ln for ln in text.splitlines() if " p1 " in ln)
    assert part.rstrip(" │").endswith(" 45")
    assert "2,000" not in full.replace("2.0000", "")  # the full count is left blank
    assert "fewer than all 2,000" in " ".join(text.split())


def test_no_paths_column_when_every_row_is_over_all_paths() -> None:
    text = render(paired_table(frame([300, 300]), ["moic"], 300, "t", "a", "b"))
    assert "paths" not in text


STRESS = ["stress", "seed-2025", "--pack", "rate-shock", "--paths", "100", "--seed", "3"]
COMPARE = ["compare", "seed-2025", "seed-2025-sell-only", "--paths", "100", "--seed", "3"]


@pytest.mark.parametrize(("command", "stored"), [(STRESS, True), (COMPARE, False)],
                         ids=["stress", "compare"])
def test_quiet_prints_nothing_but_where_it_was_stored(command: list[str], stored: bool,
                                                      tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    target = tmp_path / "out.json"
    where = ["--store", str(store)] if stored else ["--no-store"]
    done = runner.invoke(cli.app, [*command, "-q", *where, "--json", str(target)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    assert (f"stored as run 1 in {store}" in done.stderr.splitlines()) is stored
    assert json.loads(target.read_text())["differences"]  # --quiet still writes the file


@pytest.mark.parametrize("command", [STRESS, COMPARE], ids=["stress", "compare"])
def test_json_says_wrote_file(command: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    done = runner.invoke(cli.app, [*command, "--no-store", "--json", str(target)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"wrote {target}"
    assert target.is_file()


def test_the_median_and_the_shares_of_paths_either_way_have_their_columns() -> None:
    rows = frame([300, 300, 300]).assign(median_difference=[0.25, -1.0, 0.0],
                                         share_higher=[0.844, 0.0, 0.0004],
                                         share_lower=[0.155, 1.0, 0.9996])
    text = render(paired_table(rows, ["moic"], 300, "t", "a", "b"))
    header = " ".join(ln for ln in text.splitlines() if ln.startswith("┃"))
    assert "median" in header and "P(B>A)" in header and "P(B<A)" in header
    cells = [c.strip() for c in next(ln for ln in text.splitlines() if " p0 " in ln).split("│")]
    assert cells[-4:-1] == ["+0.2500", "84.4%", "15.5%"]
    cells = [c.strip() for c in next(ln for ln in text.splitlines() if " p1 " in ln).split("│")]
    assert cells[-3:-1] == ["0.0%", "100.0%"]  # none and all of the paths, exactly
    cells = [c.strip() for c in next(ln for ln in text.splitlines() if " p2 " in ln).split("│")]
    assert cells[-3:-1] == ["0.04%", "99.96%"]  # 4 paths of 10,000 are not none of them
    assert "their median" in " ".join(text.split())  # the caption says what they are


def higher_column(lines: list[str]) -> int:
    """The index of the P(B>A) cell in a row of the table printed as ``lines``."""
    header = next(ln for ln in lines if "P(B>A)" in ln)
    return [c.strip() for c in header.split("┃")].index("P(B>A)")


def test_compare_shows_the_headline_answers(tmp_path: Path) -> None:
    # self-funded revenue and second sourcing are what docs/compare.md leads with
    target = tmp_path / "out.json"
    done = runner.invoke(cli.app, ["compare", "seed-2025-sell-only", "seed-2025", "--paths", "100",
                                   "--seed", "3", "--no-store", "--json", str(target)],
                         env={"COLUMNS": "250"})
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    for party, metric in [("nvidia", "self_funded_revenue"), ("nvidia", "self_funded_revenue_share"),
                          ("openai", "second_source_probability"),
                          ("xai", "second_source_probability"), ("nvidia", "revenue_total")]:
        shown = [ln for ln in lines if f" {party} " in ln and f" {metric} " in ln]
        assert len(shown) == 1, (party, metric)
        row = next(r for r in json.loads(target.read_text())["differences"]
                   if r["deal"] is None and r["party"] == party and r["metric"] == metric)
        cells = [c.strip() for c in shown[0].split("│")]
        # over 100 paths a share is a whole percent: shown as is (a paths column may follow)
        at = higher_column(lines)
        assert cells[at:at + 2] == [f"{row['share_higher'] * 100:.1f}%",
                                    f"{row['share_lower'] * 100:.1f}%"]
    sfr = next(r for r in json.loads(target.read_text())["differences"]
               if r["party"] == "nvidia" and r["metric"] == "self_funded_revenue")
    assert sfr["share_higher"] == 1.0 and sfr["median_difference"] > 0  # Nvidia's money comes back


@pytest.mark.parametrize("width", [140, 160])
def test_a_narrow_terminal_folds_the_names_and_never_cuts_a_number(width: int) -> None:
    """At 160 columns the compare table used to print ``10.…`` and ``0.…``: now the deal,
    party and metric fold, the interval wraps between its two numbers, and every number is
    printed whole (at 120 columns its eleven columns no longer fit, and the terminal cuts)."""
    rows = [{"deal": "nvidia-coreweave-backstop", "party": "hyperscale-bondholders",
             "metric": "self_funded_revenue_share", "base": 6334.1234, "other": 0.000123,
             "difference": -6334.1233, "ci_low": -6350.5, "ci_high": -6290.25,
             "median_difference": -6301.125, "share_higher": 0.0005, "share_lower": 0.9995,
             "paths": 2000}]
    table = paired_table(pd.DataFrame(rows), ["self_funded_revenue_share"], 2000,
                         "t", "seed-2025-sell-only", "seed-2025")
    text = render(table, width)
    wide = render(table)
    numbers = [word for line in wide.splitlines() if "│" in line
               for cell in (c.strip() for c in line.split("│")) if cell[:1] in "+-<>0123456789"
               for word in cell.split(" ") if word != ".."]
    assert len(numbers) >= 8, numbers
    for cell in numbers:
        assert cell in text, (width, cell)
    assert "…" not in text


def test_a_probability_row_has_no_median_and_the_caption_says_what_its_shares_are() -> None:
    # 51.6% of the paths flip to default: the median of the 0/1 differences (+1) read as
    # "default is certain"; the cell is n/m and the caption names the flips both ways
    rows = pd.DataFrame([
        {"deal": None, "party": "anthropic", "metric": "default_probability", "base": 0.037,
         "other": 0.553, "difference": 0.516, "ci_low": 0.485, "ci_high": 0.547,
         "median_difference": float("nan"), "share_higher": 0.516, "share_lower": 0.0,
         "paths": 1000, "unit": "probability"},
        {"deal": None, "party": "anthropic", "metric": "cash_end", "base": 668.7,
         "other": 70.5, "difference": -598.2, "ci_low": -661.0, "ci_high": -535.5,
         "median_difference": -331.8468, "share_higher": 0.041, "share_lower": 0.913,
         "paths": 1000, "unit": "$B"}])
    text = render(paired_table(rows, ["default_probability", "cash_end"], 1000, "t", "a", "b"),
                  240)
    cells = [c.strip() for c in next(ln for ln in text.splitlines()
                                     if "default_probability" in ln).split("│")]
    assert cells[-4:-1] == ["n/m", "51.6%", "0.0%"]
    assert "+1.0000" not in text
    cells = [c.strip() for c in next(ln for ln in text.splitlines() if "cash_end" in ln).split("│")]
    assert cells[-4] == "-331.8468"
    caption = " ".join(text.split())
    assert ("n/m median difference of a probability (an event on each path: a default, a second "
            "source, an SPV's impairment or breach): each path's difference is -1, 0 or +1, so "
            "its median says only which way over half the paths went; P(B>A) is the share of "
            "paths on which the event happens in B and not in A, P(B<A) the share on which it "
            "happens in A and not in B") in caption
    # no probability row, no such note
    money_only = render(paired_table(rows, ["cash_end"], 1000, "t", "a", "b"), 240)
    assert "median difference of a probability" not in money_only


def test_stress_json_has_no_median_for_a_default_probability(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    done = runner.invoke(cli.app, [*STRESS, "--no-store", "--json", str(target)])
    assert done.exit_code == 0, done.stderr
    rows = [r for r in json.loads(target.read_text())["differences"]
            if r["metric"] in ("default_probability", "second_source_probability")]
    assert rows and all(r["median_difference"] is None for r in rows)
    assert all(r["unit"] == "probability" for r in rows)
    line = next(ln for ln in done.stdout.splitlines() if "default_probability" in ln)
    assert "n/m" in line
