"""`solve` at the edges of an inequality and of a metric's range (the world of ``_world.py``,
where the lender's cash in is ``10 (1 + 2 rate)`` on every path and its loss is 0).

- A metric equal to the target meets ``>=`` and ``<=``: an end of the bracket at the target
  is on the side where the inequality holds, so a bracket whose every probe meets it holds
  everywhere (no root), never "found at that end".
- A target a metric can never reach (a probability above 1) is refused before any run.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.unit import summary_range

from ._world import LENDER_CASH_IN, world

solve_module = importlib.import_module("chipcredit.experiments.solve")  # not the function

LOSS = "deals.loan.parties.apollo.loss.mean"


@pytest.fixture(scope="module")
def sc() -> cc.Scenario:
    return world()


@pytest.mark.parametrize(("target", "bracket"), [
    (f"{LENDER_CASH_IN} >= 10", (0.0, 0.2)),   # 10 exactly at the low end, 14 at the high end
    (f"{LENDER_CASH_IN} <= 14", (0.0, 0.2)),   # 14 exactly at the high end
    (f"{LOSS} <= 0", (0.05, 0.15)),            # flat at the target over the whole bracket
    (f"{LOSS} >= 0", (0.05, 0.15)),
])
def test_an_end_at_the_target_meets_the_inequality(sc: cc.Scenario, target: str,
                                                   bracket: tuple[float, float]) -> None:
    res = cc.solve(sc, "deals.loan.rate", target, paths=4, bracket=bracket)
    assert res.status == "no_root" and res.root is None and res.final_bracket is None
    assert res.holds == "everywhere in the bracket"
    assert len(res.probes) == 5  # both ends and three points between: no change of side
    assert "holds everywhere in the bracket" in res.message
    # it touches the target without crossing it: "no value gives M = V" would be untrue
    goal = float(target.split()[-1])
    if res.metric_range == (goal, goal):  # flat at the target: no bracket would move it
        assert res.message.startswith(f"{LOSS} is 0 at every probe, the target itself: no "
                                      "value of deals.loan.rate in [0.05, 0.15] moves it; ")
        assert "gives" not in res.message and "wider bracket" not in res.message
    elif goal in (m for _, m in res.probes):
        assert "reaches the target without crossing it" in res.message
        assert "gives" not in res.message


def test_the_boundary_is_searched_from_an_end_at_the_target(sc: cc.Scenario) -> None:
    # 10 at rate 0 meets <= 10; every rate above it fails: the answer is that end, where it
    # holds, and the side is below it
    res = cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} <= 10", paths=4, bracket=(0.0, 0.2))
    assert res.status == "found" and res.root == 0.0
    assert res.holds == "deals.loan.rate <= 0"
    a, b = res.final_bracket or (None, None)
    assert a == 0.0 and b is not None and 0 < b <= 1e-3 * 0.2
    for value, metric in res.probes:  # every probe the side said: meets it at 0 only
        assert (metric <= 10) == (value == 0.0)


def test_nowhere_is_still_nowhere(sc: cc.Scenario) -> None:
    res = cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} >= 15", paths=4, bracket=(0.0, 0.2))
    assert res.status == "no_root" and res.holds == "nowhere in the bracket"
    assert "gives deals.loan.parties.apollo.cash_in.mean = 15" in res.message


def test_the_cli_says_no_root_where_an_end_meets_the_target(tmp_path: Path) -> None:
    from ._world import world_data

    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(world_data(), sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli.app, [
        "solve", str(path), "--vary", "deals.loan.rate", "--target", f"{LENDER_CASH_IN} >= 10",
        "--low", "0", "--high", "0.2", "--paths", "4", "--no-store"])
    assert result.exit_code == 0, result.stderr
    assert "no root:" in result.stdout and "found:" not in result.stdout
    assert "holds everywhere in the bracket" in result.stdout


@pytest.mark.parametrize(("target", "fragments"), [
    ("parties.xai.second_source_probability >= 1.5",
     ("between 0 and 1", "a probability", "got 1.5", "did you mean 0.015?")),
    ("parties.xai.default_probability = -0.2", ("between 0 and 1", "got -0.2")),
    ("vendors.nvidia.market_share_end.p50 <= 35", ("(a share)", "got 35", "did you mean 0.35?")),
    ("deals.loan.parties.apollo.irr.nan_share >= 2", ("a share of paths", "got 2")),
])
def test_an_unreachable_target_is_refused_before_any_run(
        sc: cc.Scenario, monkeypatch: pytest.MonkeyPatch, target: str,
        fragments: tuple[str, ...]) -> None:
    def no_runs(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a probe ran")

    monkeypatch.setattr(solve_module, "run_probe", no_runs)
    with pytest.raises(cc.UsageError, match=r"^target value must be between") as err:
        cc.solve(sc, "deals.loan.rate", target, paths=4)
    message = str(err.value)
    assert "\n" not in message and target.split()[0] in message
    for fragment in fragments:
        assert fragment in message, message


def test_the_cli_refuses_an_unreachable_target_in_one_line(tmp_path: Path) -> None:
    from ._world import world_data

    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(world_data(), sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli.app, [
        "solve", str(path), "--vary", "deals.loan.rate", "--target",
        "parties.xai.default_probability >= 1.5", "--paths", "4", "--no-store"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: target value must be between 0 and 1")
    assert result.stdout == ""  # no heading, no probe


def test_targets_inside_the_range_or_of_unbounded_metrics_are_not_checked() -> None:
    assert summary_range("parties.xai.second_source_probability") == (0.0, 1.0)
    assert summary_range("deals.d.parties.p.irr.nan_share") == (0.0, 1.0)
    assert summary_range("portfolios.nvidia.hhi") == (0.0, 1.0)
    assert summary_range("vendors.amd.market_share_end.p95") == (0.0, 1.0)
    # money, rates, multiples: any value; an lgd can exceed 1; unknown paths: the run says
    for path in ("parties.xai.cash_end.p50", "deals.d.parties.p.irr.p50",
                 "deals.d.parties.p.moic.mean", "portfolios.nvidia.lgd", "parties.xai",
                 "vendors.amd", "nosuch.path", "parties.xai.no_such_metric"):
        assert summary_range(path) is None, path
    solve_module.check_reachable("parties.xai.default_probability", 1.0)  # the ends are in
    solve_module.check_reachable("parties.xai.default_probability", 0.0)
    solve_module.check_reachable("parties.xai.cash_end.p50", -1e6)
