"""The credit tables of `chipcredit run` and `runs show` (`chipcredit.cli.credit_tables`):
each claim holder's book and each SPV's debt, cell for cell the JSON summary's
``portfolios`` and ``spvs``, and reprinted by `runs show` from the stored summary."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.analytics.portfolio import MIN_TAIL_PATHS
from chipcredit.cli.credit_tables import TAILS, credit_tables
from chipcredit.cli.formats import money, path_share, percent
from chipcredit.report.credit import TAIL_MARK

from . import render

FIXTURES = Path(__file__).parents[1] / "fixtures_credit"


def _rows(text: str, title: str) -> dict[str, list[str]]:
    """The rows of the table titled ``title`` in ``text``, by their first cell."""
    block = text.split(title, 1)[1]
    out = {}
    for line in block.splitlines()[4:]:
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        out[cells[0]] = cells[1:]
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, dict[str, Any]]:
    """`run` and `runs show` on the SPV fixture (200 paths, seed 7), and its JSON."""
    tmp = tmp_path_factory.mktemp("credit")
    db, out = str(tmp / "runs.duckdb"), tmp / "run.json"
    runner = CliRunner()
    ran = runner.invoke(cli.app, ["run", str(FIXTURES / "neocloud-spv.yaml"), "--paths", "200",
                                  "--seed", "7", "--store", db, "--json", str(out)],
                        terminal_width=200)
    assert ran.exit_code == 0, ran.output
    shown = runner.invoke(cli.app, ["runs", "show", "1", "--store", db], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    return ran.output, shown.output, json.loads(out.read_text())


def test_run_prints_each_book_and_spv_as_the_json_has_them(
        printed: tuple[str, str, dict[str, Any]]) -> None:
    text, _, summary = printed
    holders = _rows(text, "Claim holders: credit losses over the horizon")
    assert list(holders) == list(summary["portfolios"])
    for party, book in summary["portfolios"].items():
        assert holders[party] == [
            path_share(book["held_share"]), money(book["expected_loss"]), path_share(book["pd"]),
            money(book["ead"]), money(book["ead_pv"]), percent(book["lgd"]),
            *(money(book[k]) + (TAIL_MARK if book[f"tail_paths_{k[-2:]}"] < MIN_TAIL_PATHS
                                else "") for k in TAILS)]
    fund = summary["portfolios"]["fund"]
    # the EAD PV column is the one that ties: PD x LGD x EAD PV = expected loss
    assert fund["pd"] * fund["lgd"] * fund["ead_pv"] == pytest.approx(fund["expected_loss"])
    assert fund["tail_paths_99"] < MIN_TAIL_PATHS and holders["fund"][-1].endswith(TAIL_MARK)
    assert (f"{TAIL_MARK}: under {MIN_TAIL_PATHS} paths in the tail, a few paths' losses, not "
            "a tail (fund 99%)") in re.sub(r"\s+", " ", text)
    spvs = _rows(text, "SPVs: their debt and covenants")
    spv = summary["spvs"]["gpu-spv"]
    assert spvs == {"gpu-spv": [path_share(spv["closed_share"]),
                                percent(spv["debt_impairment_probability"]),
                                percent(spv["covenant_breach_probability"]),
                                percent(spv["lessee_default_probability"]),
                                money(spv["debt_loss"]["mean"])]}
    # after the parties table, before the footer
    assert text.index("Claim holders:") > text.index("Parties")


def test_runs_show_reprints_them_from_the_stored_summary(
        printed: tuple[str, str, dict[str, Any]]) -> None:
    ran, shown, _ = printed

    def part(text: str) -> str:
        return re.sub(r"\s+", " ", text[text.index("Claim holders:"):text.index("SPVs:")])
    assert part(shown) == part(ran)
    assert _rows(shown, "SPVs: their debt and covenants") == _rows(ran, "SPVs: their debt and covenants")


def test_no_covenants_an_old_summary_and_none_at_all() -> None:
    spv = {"closed_share": 0.9, "debt_impairment_probability": 0.25,
           "covenant_breach_probability": None, "lessee_default_probability": 0.5,
           "debt_loss": {"mean": 0.61}}
    # a summary stored before ead_pv: the EAD PV is a dash, not $0
    book = {"held_share": 1.0, "expected_loss": 0.2, "pd": 0.5, "ead": 2.0, "ead_pv": 0.0,
            "lgd": None, **{k: 1.0 for k in TAILS}, "tail_paths_95": 50, "tail_paths_99": 10}
    text = "".join(render(t) for t in credit_tables({"portfolios": {"bank": book},
                                                     "spvs": {"spv": spv}}))
    assert _rows(text, "SPVs:")["spv"] == ["90.0%", "25.0%", "no covenants", "50.0%", "0.61"]
    assert _rows(text, "Claim holders:")["bank"][3:6] == ["2.00", "—", "—"]
    assert credit_tables(None) == [] and credit_tables({"portfolios": {}, "spvs": {}}) == []
