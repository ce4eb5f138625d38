"""What a reader of a run needs to read its credit figures right: a deterministic run says
it is one shock-free path (its 0% defaults are no forecast), and the deals table says what
its loss counts (not the credit books' expected loss)."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table
from tests.deals.test_golden import _default_world
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.deal_table import LOSS_TEXT, deals_table
from chipcredit.cli.run_footer import DETERMINISTIC_NOTE, run_footer
from chipcredit.report.summary import summary_text

runner = CliRunner()
NOTE = ("Deterministic: one path with every random shock at zero and every uncertain parameter "
        "at its median; it is not the median outcome, and defaults and losses that come from "
        "bad draws do not appear; compare with a Monte Carlo run (without --deterministic).")


def render(table: Table) -> str:
    console = Console(width=110, file=io.StringIO())
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    return " ".join(console.file.getvalue().split())


def _footer(deterministic: bool) -> str:
    return run_footer(scenario="s", sha256="0" * 64, paths=1 if deterministic else 200,
                      deterministic=deterministic, seed=0, elapsed=0.5, imbalance=0.0,
                      capacity_unit="GW")


def test_a_deterministic_footer_says_it_is_one_shock_free_path() -> None:
    assert DETERMINISTIC_NOTE == NOTE
    first, second = _footer(True).split("\n")
    assert first == NOTE
    assert second.startswith("scenario s · sha256 000000000000 · deterministic base case")
    assert NOTE not in _footer(False) and "\n" not in _footer(False)


def test_the_cli_prints_the_note_for_a_deterministic_run_only(tmp_path: Path) -> None:
    path = tmp_path / "golden.yaml"
    path.write_text(yaml.safe_dump(_default_world(23.0)))
    done = runner.invoke(cli.app, ["run", str(path), "--deterministic", "--no-store"])
    assert done.exit_code == 0, done.output
    assert NOTE in " ".join(done.output.split())
    # the lender's loss 2.47 on the unsecured loan: the table says what that loss is, the
    # one path's loss, not a mean
    said = " ".join(LOSS_TEXT.replace("deal loss mean:", "deal loss:", 1).split())
    assert said.startswith("deal loss: money owed") and said in " ".join(done.output.split())
    assert "loss mean" not in done.output
    done = runner.invoke(cli.app, ["run", str(path), "--paths", "4", "--seed", "1",
                                   "--no-store"])
    assert done.exit_code == 0, done.output
    assert "Deterministic:" not in done.output


def test_the_report_summary_of_a_deterministic_run_says_so() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(_default_world(23.0)), deterministic=True)
    # one path: one multiple each (apollo's unsecured loan recovers 0.52x after xAI's
    # default in the first quarter, the bank's secured one 1x), one default quarter, and
    # no word of futures, percentiles or medians but the caveat's
    assert summary_text(res) == (
        "In the deterministic base case from 2025Q4 to 2027Q3: in the base case apollo's "
        "position in unsec, an outlay of $5B, returns 0.52x; in the base case bank's position "
        "in sec, an outlay of $5B, returns 1x; xai defaults in 2025Q4 in the base case. "
        "Deterministic: one path with every random shock at zero and every uncertain "
        "parameter at its median; it is not the median outcome, and defaults and losses that "
        "come from bad draws do not appear; compare with a Monte Carlo run.")
    assert summary_text(res, lang="zh") == (
        "在从 2025Q4 到 2027Q3 的确定性基准情形中：在基准情形中，apollo 在 unsec 中的头寸"
        "（投入 50亿美元）回报为 0.52倍；在基准情形中，bank 在 sec 中的头寸（投入 50亿美元）"
        "回报为 1倍；在基准情形中，xai 于 2025Q4 违约。确定性运行：一条所有随机冲击为零、"
        "所有不确定参数取中位数的路径；它不是中位结果，由不利抽样导致的违约和损失不会出现；"
        "请与蒙特卡洛运行对比。")


def test_a_deterministic_summary_of_a_party_that_does_not_default() -> None:
    world = _default_world(23.0)
    world["parties"][1]["cash"] = 1000.0  # enough for two years of $48B costs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(world), deterministic=True)
    assert res.default_probability("xai") == 0.0
    assert "xai does not default within the horizon in the base case" in summary_text(res)
    assert "在基准情形中，xai 在整个期限内不违约" in summary_text(res, lang="zh")
    assert "on these paths" not in summary_text(res)


def _rows(loss_mean: float) -> list[dict[str, object]]:
    return [{"deal": "vc", "party": "nvidia", "metric": m, "mean": v, "p05": None, "p50": v,
             "p95": None, "nan_share": 0.0}
            for m, v in (("npv", -1.0), ("moic", 0.9), ("loss", loss_mean))]


def test_the_deals_table_says_what_its_loss_is_where_a_row_has_one() -> None:
    assert LOSS_TEXT == (
        "deal loss mean: money owed to the party and not paid (a claim's credit loss, a PV at "
        "its contract rate) plus, for equity and a vendor credit's converted shares, cost less "
        "realised and marked, undiscounted; not the credit books' expected_loss (JSON "
        "portfolios, the report's credit section), which counts claims only, discounted")
    shown = render(deals_table(_rows(2.3), {"vc": "vendor_credit"}, {}, "medians over 9 paths"))
    assert " ".join(LOSS_TEXT.split()) in shown
    shown = render(deals_table(_rows(0.0), {"vc": "vendor_credit"}, {}, "medians over 9 paths"))
    assert "loss mean:" not in shown
