"""``compare``: two scenarios with common random numbers, paired by path; the bundled
``seed-2025-sell-only`` is seed-2025 without Nvidia's financing deals."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from tests.experiments._world import CASH, RUN_RATE, world_data
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.registry import bundled_path

COLUMNS = ["deal", "party", "metric", "base", "other", "difference", "ci_low", "ci_high",
           "median_difference", "share_higher", "share_lower", "paths", "unit"]


def _quiet_compare(a: Any, b: Any, **kw: Any) -> cc.CompareResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.compare(a, b, **kw)


def _row(res: cc.CompareResult, party: str, metric: str, deal: str | None = None) -> dict[str, Any]:
    t = res.differences
    hit = t[(t["party"] == party) & (t["metric"] == metric)
            & (t["deal"].isna() if deal is None else t["deal"] == deal)]
    assert len(hit) == 1, (party, metric, deal)
    return dict(hit.iloc[0])


def test_common_random_numbers_pair_the_paths() -> None:
    # the same world with and without a loan: the lab's revenue does not depend on its cash,
    # so with common random numbers it is the same on every path (difference exactly 0), and
    # its end cash differs by exactly the interest paid, 2 years x 10% x $10B, on every path
    without = world_data()
    without["deals"] = []
    res = _quiet_compare(cc.load_scenario(without), cc.load_scenario(world_data()),
                         paths=300, seed=11)
    assert list(res.differences.columns) == COLUMNS
    revenue = _row(res, "xai", "revenue_total")
    assert revenue["difference"] == 0.0 and revenue["ci_low"] == revenue["ci_high"] == 0.0
    base = res.base.outcome(None, "xai", "cash_end").astype(np.float64)
    other = res.other.outcome(None, "xai", "cash_end").astype(np.float64)
    np.testing.assert_allclose(other - base, -2.0, atol=1e-3)  # float32 outcomes
    cash = _row(res, "xai", "cash_end")
    assert cash["difference"] == pytest.approx(-2.0, abs=1e-3)
    assert cash["ci_high"] - cash["ci_low"] < 1e-3  # paired: no sampling noise left
    # every path pays the interest: the median is the mean, and B is below A on every path
    assert cash["median_difference"] == pytest.approx(-2.0, abs=1e-3)
    assert (cash["share_lower"], cash["share_higher"]) == (1.0, 0.0)
    assert (revenue["median_difference"], revenue["share_higher"], revenue["share_lower"]) == (0, 0, 0)
    # the uncertain cash and run-rate really vary across paths: the pairing is what removes it
    assert base.std() > 0.1 * (CASH["high"] - CASH["low"]) / 4
    assert RUN_RATE["high"] > RUN_RATE["low"]
    # deals in one run only have no difference row
    assert res.differences["deal"].isna().all()
    assert not res.party("apollo").empty


def test_a_scenario_compared_with_itself_differs_by_nothing() -> None:
    res = _quiet_compare("seed-2025", "seed-2025", paths=64, seed=3)
    assert (res.differences["difference"] == 0.0).all()
    assert {"market_share_end", "equity_value_end", "gross_profit_total"} <= set(
        res.party("nvidia")["metric"])


def _deal_finances_nvidia(deal: dict[str, Any]) -> bool:
    roles = [deal.get(k) for k in ("investor", "lender", "guarantor")]
    if deal["kind"] in ("spv_lease", "vendor_credit", "capacity_backstop"):
        roles.append(deal.get("vendor"))
    if deal["kind"] == "spv_lease":
        roles += [*deal.get("equity", {}), deal.get("debt", {}).get("lender")]
    return "nvidia" in roles


def test_sell_only_is_seed_2025_without_nvidias_financing() -> None:
    full = yaml.safe_load(_path("seed-2025").read_text(encoding="utf-8"))
    sell = yaml.safe_load(_path("seed-2025-sell-only").read_text(encoding="utf-8"))
    assert sell["name"] == "seed-2025-sell-only"
    for key in full:
        if key not in ("name", "description", "deals"):
            assert sell[key] == full[key], key
    kept = {d["id"]: d for d in sell["deals"]}
    dropped = [d for d in full["deals"] if d["id"] not in kept]
    assert dropped and all(_deal_finances_nvidia(d) for d in dropped)
    assert not any(_deal_finances_nvidia(d) for d in sell["deals"])
    for d in full["deals"]:
        if d["id"] in kept:
            assert kept[d["id"]] == d, d["id"]  # else: python docs/tools/sell_only.py


def test_compare_cli_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    without = copy.deepcopy(world_data())
    without["deals"] = []
    a.write_text(yaml.safe_dump(without, sort_keys=False), encoding="utf-8")
    b.write_text(yaml.safe_dump(world_data(), sort_keys=False), encoding="utf-8")
    out = tmp_path / "diff.json"
    result = CliRunner().invoke(cli.app, ["compare", str(a), str(b), "--paths", "100",
                                          "--seed", "2", "--json", str(out), "--no-store"])
    assert result.exit_code == 0, result.output
    # both files keep the name linear-world: the two sides go by the file stems instead
    assert "b minus a:" in result.stdout and "cash_end" in result.stdout
    assert "linear-world minus linear-world" not in result.stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["paths"] == 100 and doc["seed"] == 2
    assert (doc["a"], doc["b"]) == ("a", "b")
    row = next(r for r in doc["differences"] if r["party"] == "xai" and r["metric"] == "cash_end")
    assert row["difference"] == pytest.approx(-2.0, abs=1e-3)
    assert row["median_difference"] == pytest.approx(-2.0, abs=1e-3)
    assert (row["share_higher"], row["share_lower"]) == (0.0, 1.0)
    # the table shows them too: the median and P(B>A), P(B<A) of the lab's end cash
    line = next(ln for ln in result.stdout.splitlines() if " xai " in ln and " cash_end " in ln)
    assert [c.strip() for c in line.split("│")][-4:-1] == ["-2.0000", "0.0%", "100.0%"]


def test_compare_cli_refuses_an_unknown_scenario_in_one_line() -> None:
    result = CliRunner().invoke(cli.app, ["compare", "seed-2025", "seed-2052", "--paths", "10",
                                          "--no-store"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "seed-2052" in lines[0]


def _path(name: str) -> Path:
    path = bundled_path(name)
    assert path is not None, name
    return path


@pytest.mark.parametrize(("args", "names", "labels"), [
    (("seed-2025", "seed-2025-sell-only"), ("seed-2025", "seed-2025-sell-only"),
     ("seed-2025", "seed-2025-sell-only")),
    (("x/loan.yaml", "x/spv.yaml"), ("deal", "other"), ("deal", "other")),
    (("x/nobackstop.yaml", "y/backstop.yml"), ("gpu-loan", "gpu-loan"), ("nobackstop", "backstop")),
    (("x/loan.yaml", "y/loan.yaml"), ("gpu-loan", "gpu-loan"), ("x/loan.yaml", "y/loan.yaml")),
    (("seed-2025", "seed-2025"), ("seed-2025", "seed-2025"), ("seed-2025 (A)", "seed-2025 (B)")),
])
def test_compare_names_its_sides_apart(args: tuple[str, str], names: tuple[str, str],
                                       labels: tuple[str, str]) -> None:
    from chipcredit.cli.compare import side_labels
    assert side_labels(*args, *names) == labels
