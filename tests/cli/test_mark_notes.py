"""The run's deals table says that NPV, IRR and MOIC count the horizon mark, and names each
row whose NPV rests mostly on it with the figures without it (docs/cli.md, "deals table";
the rule is `chipcredit.report.multiples.mark_matters`, which the HTML report shares)."""

from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from tests.cli.test_deal_notes import SCENARIO, flat, render, rows
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.deal_table import deals_table
from chipcredit.report.multiples import (
    MARK_MATTERS,
    MARK_SHOWN,
    mark_counted,
    mark_matters,
    mark_value,
)

runner = CliRunner()

STAKE = textwrap.indent(textwrap.dedent("""\
    - id: nv-stake
      kind: equity
      investor: nvidia
      investee: frontier
      amount: 2
      start: 2026Q1
    """), "  ")
"""A vendor's stake held to the horizon: its only cash is the $2B it paid at the start, so
the whole of what it gets back is the stake's mark."""
TEXT = SCENARIO + STAKE


@pytest.mark.parametrize(("npv", "realised", "matters"), [
    (23.93, -8.19, True),      # the letter of intent: cash alone is a loss
    (-1.48, -1.76, False),     # a mark of 0.28 in an NPV of -1.48
    (2.0, 1.0, False),         # exactly half: not over it
    (2.0, 0.99, True),
    (-1.0, -1.6, True),        # a negative NPV lifted by a mark of 0.6
    (0.0, -0.0009, False),     # a mark under MARK_SHOWN
    (0.0, -0.0011, True),
    (0.0, 0.0, False),
    (None, 1.0, False), (float("nan"), 1.0, False),
])
def test_the_rule_of_a_mark_that_matters(npv: Any, realised: Any, matters: bool) -> None:
    assert mark_matters(npv, realised) is matters
    assert MARK_MATTERS == 0.5 and MARK_SHOWN == 0.001


def test_the_mark_is_the_difference_of_the_means() -> None:
    assert mark_value(23.93, -8.19) == pytest.approx(32.12)
    assert mark_value(None, -8.19) is None and mark_value(1.0, float("inf")) is None


def _loi(npv_mean: float, realised_mean: float, moic: float, moic_realised: float,
         party: str = "nvidia") -> list[dict[str, Any]]:
    return rows("loi", party, npv={"mean": npv_mean, "p50": 0.0},
                npv_realised={"mean": realised_mean, "p50": 0.0},
                moic={"mean": 4.5, "p50": moic}, moic_realised={"mean": 0.0, "p50": moic_realised},
                irr={"p50": 0.15}, loss={"mean": 3.31, "p50": 0.0})


def test_caption_names_the_row_whose_npv_is_mostly_its_mark() -> None:
    summary = _loi(23.93, -8.19, 1.36, 0.0) + rows(
        "credit", "nvidia", npv={"mean": -1.48, "p50": -0.72}, npv_realised={"mean": -1.76, "p50": -0.95},
        moic={"mean": 1.09, "p50": 1.18}, moic_realised={"mean": 0.97, "p50": 1.1},
        loss={"mean": 2.44, "p50": 1.0})
    text = flat(render(deals_table(summary, {"loi": "milestone_equity", "credit": "vendor_credit"}, {},
                                   "medians over 2,000 paths")))
    assert "NPV, IRR and MOIC count the horizon mark" in text
    assert "a price from revenue alone, docs/model.md" in text
    # 23.93 = 32.12 of mark + -8.19 of cash, by hand; the MOIC of the cash alone is 0x
    assert ("loi nvidia: mean NPV 23.93, of which mark 32.12 and cash -8.19; MOIC p50 1.36x, "
            "without the mark 0.00x") in text
    assert "credit nvidia:" not in text  # its mark is a fifth of its NPV


def test_no_mark_no_note_and_the_base_case_says_npv() -> None:
    plain = rows("credit", "pcf", npv={"mean": 0.3, "p50": 0.3}, npv_realised={"mean": 0.3, "p50": 0.3},
                 moic={"mean": 1.2, "p50": 1.2}, moic_realised={"mean": 1.2, "p50": 1.2},
                 loss={"mean": 0.0, "p50": 0.0})
    assert "horizon mark" not in flat(render(deals_table(plain, {"credit": "loan"}, {}, "medians")))
    base = flat(render(deals_table(_loi(3.0, -1.0, 4.0, 0.0), {"loi": "equity"}, {},
                                   "the deterministic base case", deterministic=True)))
    assert "over half the NPV" in base
    assert ("loi nvidia: NPV 3.00, of which mark 4.00 and cash -1.00; MOIC 4.00x, without the mark "
            "0.00x") in base


def test_a_row_with_an_n_m_moic_gets_its_npv_only() -> None:
    # a token outlay: MOIC n/m, so the caption does not quote it either
    summary = _loi(2.04, -0.0003, 9036.0, 0.0, party="frontier")
    text = flat(render(deals_table(summary, {"loi": "deployment_warrant"}, {}, "medians")))
    assert "loi frontier: mean NPV 2.04, of which mark 2.04 and cash 0.00" in text
    assert "without the mark" not in text


@pytest.mark.parametrize(("npv", "realised", "said"), [
    (0.3, 0.3009, False),   # a mark of -0.0009: under MARK_SHOWN ($1M), not said
    (0.3, 0.2989, True),    # 0.0011
    (0.3, 0.3011, True),    # -0.0011: a mark that lowers the NPV counts too
])
def test_the_mark_note_follows_the_reports_rule(npv: float, realised: float, said: bool) -> None:
    """The table says NPV, IRR and MOIC count the horizon mark where the HTML report and the
    dashboard do (`multiples.mark_counted`), a mark of at least $1M either way."""
    summary = rows("credit", "pcf", npv={"mean": npv, "p50": npv},
                   npv_realised={"mean": realised, "p50": realised},
                   moic={"mean": 1.2, "p50": 1.2}, moic_realised={"mean": 1.2, "p50": 1.2},
                   loss={"mean": 0.0, "p50": 0.0})
    text = flat(render(deals_table(summary, {"credit": "loan"}, {}, "medians")))
    assert ("NPV, IRR and MOIC count the horizon mark" in text) is said
    assert mark_counted(npv, realised) is said


@pytest.fixture(scope="module")
def stake(tmp_path_factory: pytest.TempPathFactory) -> tuple[cc.Result, str]:
    path: Path = tmp_path_factory.mktemp("marks") / "marks.yaml"
    path.write_text(TEXT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(str(path), deterministic=True)
    done = runner.invoke(cli.app, ["run", str(path), "--deterministic", "--no-store"])
    assert done.exit_code == 0, done.stderr
    return result, done.stdout


def test_run_prints_the_stake_with_and_without_its_mark(stake: tuple[cc.Result, str]) -> None:
    result, out = stake
    npv = result.mean("deal|nv-stake|nvidia|npv")
    realised = result.mean("deal|nv-stake|nvidia|npv_realised")
    assert realised == pytest.approx(-2.0)  # the $2B paid at the start, and nothing since
    moic = result.outcome("nv-stake", "nvidia", "moic")[0]
    line = re.search(r"nv-stake nvidia: NPV (\S+), of which mark (\S+) and cash (\S+); MOIC (\S+), "
                     r"without the mark (\S+)", flat(out))
    assert line is not None, out
    assert line.groups() == (f"{npv:.2f}", f"{npv + 2.0:.2f}", "-2.00", f"{moic:.2f}x", "0.00x")
    # the lender of the SPV is repaid within the horizon: no mark, no line
    assert "grid-spv pcf:" not in flat(out)
